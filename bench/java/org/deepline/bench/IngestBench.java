package org.deepline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.SmallInputPlanning;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.etl.IngestJob;
import org.deepline.etl.RecordIds;
import org.deepline.etl.SourceReader;

/**
 * Times {@code ingest} of one source against the plain copy of the same rows into a Delta table
 * ({@code spark.read.<format>(path).write.format("delta").save(tmp)}) in the same JVM, alternating the
 * two. Each is measured in wall time and in CPU time of the JVM: with a local master all of Spark's
 * work runs in this process, so CPU seconds measure the work done even when other jobs share the
 * machine and stretch the wall time. See {@code bench/README.md}.
 *
 * <p>A third measurement, the <b>floor</b>, writes what the issue asks ingest to keep and nothing
 * more, as plain Delta writes: bronze (the source's rows, a record id of deepline's form, the
 * source file and the load time) and silver (the source's columns, the record id and the source
 * file, read back from that bronze). No typing, no reasons, no quarantine, no repeated-record check,
 * no batch marks: what two tables with a unique id each cost by themselves. {@code ingest / floor}
 * is what deepline's checks add; {@code floor / raw} what no implementation of the two tables
 * avoids.
 *
 * <pre>
 * mvn -B -q test-compile exec:exec@bench -Dbench.args="--conf conf/flights.json --runs 2"
 * </pre>
 *
 * Options: {@code --conf FILE} (default conf/flights.json), {@code --set KEY=VALUE} (config override,
 * repeatable), {@code --runs N} (default 2), {@code --jobs} (print every Spark job's duration),
 * {@code --reference-format F} (the reader of the plain copy; default the source's format).
 */
public final class IngestBench {
  private static final String DEFAULT_CONF = "conf/flights.json";
  private static final int DEFAULT_RUNS = 2;
  private static final double MILLIS_PER_SECOND = 1000.0;
  private static final String RUN_DATE = "2001-07-01";
  /** The record id's form ({@code RecordIds}): 16 hex digits of xxhash64, 4 of Murmur3's low bits. */
  private static final int ID_HASH_DIGITS = 16;
  private static final int ID_EXTRA_DIGITS = 4;
  private static final int ID_EXTRA_MASK = 0xFFFF;
  private static final java.util.Map<String, String> NO_STATISTICS =
      java.util.Map.of(DeltaTables.STATS_COLUMN_COUNT, "0");

  private IngestBench() {}

  public static void main(String[] args) {
    String conf = DEFAULT_CONF;
    int runs = DEFAULT_RUNS;
    boolean jobs = false;
    String referenceFormat = null;
    List<String> overrides = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = args[++i];
        case "--set" -> overrides.add(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = true;
        case "--reference-format" -> referenceFormat = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    // The quarantine gate is not what is measured: a bad row must not stop the timing.
    overrides.add("ingest.max_quarantine_fraction=1.0");
    DeeplineConfig config = ConfigLoader.load(Path.of(conf), overrides);
    // The settings deepline-submit gives every job (conf/spark-defaults.conf): without them Delta's
    // writer sorts every run-date write first, which users' runs do not pay.
    SparkSession spark = DeeplineSparkDefaults.builder("deepline-ingest-bench", "local[*]")
        .config("spark.ui.enabled", false)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    if (jobs) {
      spark.sparkContext().addSparkListener(new JobTimes());
    }
    String format = referenceFormat == null ? config.source().format() : referenceFormat;
    String source = config.source().path();
    Path scratch = BenchScratch.create("deepline-bench");
    try {
      long rows = spark.read().format(format).load(source).count();
      System.out.printf(Locale.ROOT, "source %s (%s): %,d rows; %d cores; runs %d%n", source, format,
          rows, Runtime.getRuntime().availableProcessors(), runs);
      for (int run = 1; run <= runs; run++) {
        BenchTimer timer = new BenchTimer();
        spark.read().format(format).load(source).write().format("delta")
            .save(scratch.resolve("raw-" + run).toString());
        double[] raw = timer.seconds();

        RunContext context = new RunContext(RunContext.newRunId(), null, "ingest", RUN_DATE, config,
            Warehouse.at(scratch.resolve("warehouse-" + run).toString()), spark);
        timer = new BenchTimer();
        IngestJob job = new IngestJob();
        StageResult result;
        // As a deepline-submit run plans the stage: a small or wide input runs interpreted.
        try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark,
            job.inputBytes(context), () -> job.inputColumns(context))) {
          result = job.run(context);
        }
        double[] ingest = timer.seconds();

        timer = new BenchTimer();
        floor(spark, format, source, config, scratch.resolve("floor-" + run));
        double[] floor = timer.seconds();

        System.out.printf(Locale.ROOT, "run %d: raw delta write %.1f s wall, %.1f s cpu (%,.0f rows/s "
            + "wall); ingest %.1f s wall, %.1f s cpu (%,.0f rows/s wall; %,.0f silver, %,.0f "
            + "quarantined); ingest / raw: wall %.1f x, cpu %.1f x%n", run, raw[0], raw[1],
            rows / raw[0], ingest[0], ingest[1], rows / ingest[0], result.metric("rows_silver"),
            result.metric("rows_quarantined"), ingest[0] / raw[0], ingest[1] / raw[1]);
        System.out.printf(Locale.ROOT, "run %d: floor (bronze + silver as plain writes) %.1f s wall, "
            + "%.1f s cpu; floor / raw: wall %.1f x, cpu %.1f x; ingest / floor: wall %.1f x, cpu "
            + "%.1f x%n", run, floor[0], floor[1], floor[0] / raw[0], floor[1] / raw[1],
            ingest[0] / floor[0], ingest[1] / floor[1]);
      }
    } finally {
      BenchScratch.delete(scratch);
      spark.stop();
    }
  }

  /**
   * The two tables' writes alone: bronze with a record id as deepline forms it (two hashes of the
   * row in 20 hex digits and the occurrence), the source file and the load time; silver, read from
   * it, with the source's columns, the id and the file. Neither keeps Delta's per-file column
   * statistics (ingest keeps those of silver's declared columns): a floor.
   */
  private static void floor(SparkSession spark, String format, String source,
      DeeplineConfig config, Path dir) {
    // A CSV source as the raw reference reads it, with its header (the config's options on top).
    Dataset<Row> rows = spark.read().format(format).option("header", "true")
        .options(config.source().options()).load(source);
    Column[] content = Arrays.stream(rows.columns())
        .flatMap(c -> Stream.of(functions.col(c), functions.col(c).isNull()))
        .toArray(Column[]::new);
    Column id = functions.concat(
        RecordIds.fixedWidthHex(functions.xxhash64(content), ID_HASH_DIGITS),
        RecordIds.fixedWidthHex(functions.hash(content).bitwiseAND(ID_EXTRA_MASK), ID_EXTRA_DIGITS),
        functions.lit("-1"));
    String bronze = dir.resolve("bronze").toString();
    rows.withColumn(RecordIds.RECORD_ID, id)
        .withColumn(SourceReader.SOURCE_FILE, functions.col("_metadata.file_path"))
        .withColumn(IngestJob.INGESTED_AT, functions.current_timestamp())
        .write().format("delta").options(NO_STATISTICS).save(bronze);
    spark.read().format("delta").load(bronze).drop(IngestJob.INGESTED_AT)
        .write().format("delta").options(NO_STATISTICS).save(dir.resolve("silver").toString());
  }

  /** Prints each Spark job's duration and call site: where the time of a run goes. */
  private static final class JobTimes extends SparkListener {
    private final java.util.Map<Integer, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, String> sites = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      started.put(jobStart.jobId(), jobStart.time());
      sites.put(jobStart.jobId(), jobStart.stageInfos().isEmpty() ? ""
          : jobStart.stageInfos().last().name());
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
      Long start = started.remove(jobEnd.jobId());
      System.out.printf(Locale.ROOT, "  job %d: %.2f s  %s%n", jobEnd.jobId(),
          start == null ? Double.NaN : (jobEnd.time() - start) / MILLIS_PER_SECOND,
          sites.remove(jobEnd.jobId()));
    }
  }
}
