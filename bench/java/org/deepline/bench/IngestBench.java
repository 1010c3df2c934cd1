package org.deepline.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.RunContext;
import org.deepline.core.SmallInputPlanning;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.etl.IngestJob;

/**
 * Times {@code ingest} of one source against the plain copy of the same rows into a Delta table
 * ({@code spark.read.<format>(path).write.format("delta").save(tmp)}) in the same JVM, alternating the
 * two. Each is measured in wall time and in CPU time of the JVM: with a local master all of Spark's
 * work runs in this process, so CPU seconds measure the work done even when other jobs share the
 * machine and stretch the wall time. See {@code bench/README.md}.
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

        System.out.printf(Locale.ROOT, "run %d: raw delta write %.1f s wall, %.1f s cpu (%,.0f rows/s "
            + "wall); ingest %.1f s wall, %.1f s cpu (%,.0f rows/s wall; %,.0f silver, %,.0f "
            + "quarantined); ingest / raw: wall %.1f x, cpu %.1f x%n", run, raw[0], raw[1],
            rows / raw[0], ingest[0], ingest[1], rows / ingest[0], result.metric("rows_silver"),
            result.metric("rows_quarantined"), ingest[0] / raw[0], ingest[1] / raw[1]);
      }
    } finally {
      BenchScratch.delete(scratch);
      spark.stop();
    }
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
