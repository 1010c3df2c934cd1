package org.deepline.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * A benchmark session with the Spark settings {@code deepline-submit} passes to every job
 * ({@code conf/spark-defaults.conf}): a stage measured here runs as users run it, with the same
 * shuffle and Delta snapshot partitions and the same writer settings. The benchmark chooses the
 * master and the application name.
 *
 * <pre>{@code
 * SparkSession spark = DeeplineSparkDefaults.builder("deepline-scoring-bench", "local[2]")
 *     .config("spark.ui.enabled", false).getOrCreate();
 * }</pre>
 */
final class DeeplineSparkDefaults {
  static final Path FILE = Path.of("conf/spark-defaults.conf");
  private static final String MASTER = "spark.master";
  private static final String APP_NAME = "spark.app.name";

  private DeeplineSparkDefaults() {}

  static SparkSession.Builder builder(String appName, String master) {
    Properties defaults = new Properties();
    try (Reader in = Files.newBufferedReader(FILE)) {
      defaults.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath()
          + ": run the benchmark from the repository root", e);
    }
    SparkSession.Builder builder = SparkSession.builder().appName(appName).master(master);
    for (String key : defaults.stringPropertyNames()) {
      if (!key.equals(MASTER) && !key.equals(APP_NAME)) {
        builder.config(key, defaults.getProperty(key).strip());
      }
    }
    return builder;
  }

  /**
   * A session on every local core with these defaults, no UI and Spark's own lines at WARN, whose
   * started jobs are counted in {@code jobs} (listener events arrive asynchronously: drain the bus
   * before reading it).
   */
  static SparkSession localSession(String appName, AtomicInteger jobs) {
    SparkSession spark = builder(appName, "local[*]").config("spark.ui.enabled", false)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    });
    return spark;
  }
}
