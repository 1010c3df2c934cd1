package org.deepline.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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
}
