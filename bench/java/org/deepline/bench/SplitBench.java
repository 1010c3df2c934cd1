package org.deepline.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.core.DeltaTables;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.sampling.SplitConfig;
import org.deepline.sampling.SplitJob;

/**
 * Times every split method of {@code SplitJob.split} on the silver rows of flights-3m, cached in
 * memory, against two references on the same rows in the same JVM: the floor, one pass that hashes
 * each id and assigns its split ({@code when(pmod(xxhash64(id, seed), 2^40) / 2^40 < 0.7, ...)}),
 * and Spark's {@code Dataset.randomSplit(0.7, 0.15, 0.15)} writing its three parts. Every output is
 * written to Spark's {@code noop} sink, so the split work is timed, not storage. For each it prints
 * the Spark jobs started (the passes over the rows: cut-point searches plus the assignment), wall
 * and CPU seconds of the JVM and the ratios to both references. See {@code bench/README.md}.
 *
 * <pre>
 * bench/run SplitBench --silver /tmp/deepline-splits-wh/flights/silver --runs 2
 * </pre>
 *
 * Options: {@code --silver PATH} (a silver Delta table, all its dates), {@code --runs N} (default
 * 2), {@code --folds K} (default 5), {@code --validation-start}, {@code --test-start} (the cutoffs
 * of the time split by cutoffs; default 2001-05-01 and 2001-06-01: flights-3m runs from January to
 * June 2001), {@code --only NAME,...} (methods whose names start so).
 */
public final class SplitBench {
  private static final int DEFAULT_RUNS = 2;
  private static final int DEFAULT_FOLDS = 5;
  private static final long SEED = 42;
  private static final double TRAIN = 0.7;
  private static final double VALIDATION = 0.15;
  private static final long HASH_SLOTS = 1L << 40;
  private static final LabelConfig LABEL = new LabelConfig(null, null, "delay > 15");

  private SplitBench() {}

  public static void main(String[] args) {
    String silverPath = null;
    int runs = DEFAULT_RUNS;
    int folds = DEFAULT_FOLDS;
    String validationStart = "2001-05-01";
    String testStart = "2001-06-01";
    List<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--silver" -> silverPath = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--folds" -> folds = Integer.parseInt(args[++i]);
        case "--validation-start" -> validationStart = args[++i];
        case "--test-start" -> testStart = args[++i];
        case "--only" -> only = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (silverPath == null) {
      throw new IllegalArgumentException("--silver PATH is required: a silver table written by "
          + "submit/deepline-submit ingest --conf conf/flights.json --warehouse <dir>, i.e. "
          + "<dir>/flights/silver");
    }
    AtomicInteger jobs = new AtomicInteger();
    SparkSession spark = DeeplineSparkDefaults.localSession("deepline-split-bench", jobs);
    Dataset<Row> silver = DeltaTables.read(spark, silverPath)
        .select(RecordIds.RECORD_ID, "date", "origin", "delay")
        .persist(StorageLevel.MEMORY_ONLY());
    System.out.printf(Locale.ROOT, "%,d cached silver rows from %s, %d cores, %d runs, %d folds%n",
        silver.count(), silverPath, Runtime.getRuntime().availableProcessors(), runs, folds);

    Map<String, SplitConfig> methods = new LinkedHashMap<>();
    for (Integer k : new Integer[] {null, folds}) {
      String suffix = k == null ? "" : " + " + k + " folds";
      methods.put("random" + suffix, config(false, null, null, null, null, null, k));
      methods.put("stratified" + suffix, config(true, null, null, null, null, null, k));
      methods.put("time by quantile" + suffix, config(false, "time", "date", null, null, null, k));
      methods.put("time by cutoffs" + suffix, config(false, "time", "date", null, validationStart,
          testStart, k));
      methods.put("group by origin" + suffix, config(false, "group", null, "origin", null, null,
          k));
    }
    try {
      for (int run = 1; run <= runs; run++) {
        System.out.printf(Locale.ROOT, "run %d%n", run);
        double[] floor = measure(jobs, () -> floor(silver));
        print("floor: one hashing pass", floor, floor, floor);
        double[] randomSplit = measure(jobs, () -> {
          for (Dataset<Row> part : silver.randomSplit(new double[] {TRAIN, VALIDATION,
              1 - TRAIN - VALIDATION}, SEED)) {
            part.write().format("noop").mode("overwrite").save();
          }
        });
        print("Dataset.randomSplit, 3 parts", randomSplit, floor, randomSplit);
        for (Map.Entry<String, SplitConfig> method : methods.entrySet()) {
          if (only != null && only.stream().noneMatch(method.getKey()::startsWith)) {
            continue;
          }
          double[] seconds = measure(jobs, () -> SplitJob.split(silver, LABEL, method.getValue())
              .write().format("noop").mode("overwrite").save());
          print(method.getKey(), seconds, floor, randomSplit);
        }
      }
    } finally {
      silver.unpersist();
      spark.stop();
    }
  }

  private static SplitConfig config(boolean stratify, String method, String timeColumn,
      String groupColumn, String validationStart, String testStart, Integer folds) {
    return new SplitConfig(SEED, TRAIN, VALIDATION, 1 - TRAIN - VALIDATION, stratify, method,
        timeColumn, null, groupColumn, validationStart, testStart, folds);
  }

  private static void floor(Dataset<Row> silver) {
    var position = functions.pmod(functions.xxhash64(functions.col(RecordIds.RECORD_ID),
        functions.lit(SEED)), functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
    silver.select(functions.col(RecordIds.RECORD_ID), functions.expr(LABEL.expression()),
            functions.when(position.lt(TRAIN), "train")
                .when(position.lt(TRAIN + VALIDATION), "validation").otherwise("test"))
        .write().format("noop").mode("overwrite").save();
  }

  /** Wall seconds, CPU seconds of the JVM and Spark jobs started, of {@code work}. */
  private static double[] measure(AtomicInteger jobs, Runnable work) {
    int jobsBefore = jobs.get();
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    work.run();
    return new double[] {(System.nanoTime() - wall) / 1e9, (cpuNanos() - cpu) / 1e9,
        jobs.get() - jobsBefore};
  }

  private static void print(String name, double[] s, double[] floor, double[] randomSplit) {
    System.out.printf(Locale.ROOT, "  %-36s %2d jobs  %6.1f s wall %6.1f s cpu  "
            + "/floor %5.2f x wall %5.2f x cpu  /randomSplit %5.2f x wall %5.2f x cpu%n",
        name, (int) s[2], s[0], s[1], s[0] / floor[0], s[1] / floor[1], s[0] / randomSplit[0],
        s[1] / randomSplit[1]);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
