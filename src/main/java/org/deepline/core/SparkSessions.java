package org.deepline.core;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains the SparkSession a job runs in. Spark settings come from spark-submit (or the notebook that
 * created the session); the only things added here, when nobody set them, are what Delta needs, the
 * UTC session time zone, the unsorted write of one date, and the {@code local[*]} master for a plain
 * {@code java} launch.
 */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
  static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";
  static final String SESSION_TIME_ZONE = "spark.sql.session.timeZone";
  static final String UTC = "UTC";
  static final String CONCURRENT_WRITERS = "spark.sql.maxConcurrentOutputFileWriters";
  /**
   * As conf/spark-defaults.conf: a task may keep two file writers open, so a write of one run date
   * is not sorted by that date first (Spark falls back to the sort once a task has as many open
   * writers as this limit).
   */
  static final int CONCURRENT_WRITERS_FOR_ONE_DATE = 2;

  private SparkSessions() {}

  public static SparkSession getOrCreate() {
    return getOrCreate(Map.of());
  }

  /**
   * {@link #getOrCreate()}, where a new session also takes {@code defaults} (e.g. the lines of
   * {@code conf/spark-defaults.conf}, as deepline-submit passes them) for every key spark-submit
   * did not set; the settings above are added after them when neither set them. A running session
   * is returned as it is.
   */
  public static SparkSession getOrCreate(Map<String, String> defaults) {
    // A notebook's or test's session is reused, so deepline runs inside the user's Spark application.
    SparkSession active = running();
    if (active != null) {
      return active;
    }
    CodeCacheCheck.warning(CodeCacheCheck.reservedBytes()).ifPresent(LOG::warn);
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName("deepline");
    defaults.forEach((key, value) -> {
      if (!submitted.contains(key)) {
        builder.config(key, value);
        submitted.set(key, value);
      }
    });
    if (!submitted.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!submitted.contains("spark.sql.extensions")) {
      builder.config("spark.sql.extensions", DELTA_EXTENSION);
    }
    if (!submitted.contains("spark.sql.catalog.spark_catalog")) {
      builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    }
    if (!submitted.contains(SESSION_TIME_ZONE)) {
      // As conf/spark-defaults.conf: zone-less timestamps are read as UTC, like the date features.
      builder.config(SESSION_TIME_ZONE, UTC);
    }
    if (!submitted.contains(CONCURRENT_WRITERS)) {
      builder.config(CONCURRENT_WRITERS, CONCURRENT_WRITERS_FOR_ONE_DATE);
    }
    return builder.getOrCreate();
  }

  /**
   * The Hadoop configuration a job's file systems use, without starting Spark when no session runs:
   * the active session's, or the one Spark would build from the submitted settings
   * ({@code spark.hadoop.*} from spark-submit's properties and {@code --conf}, AWS credentials from
   * the environment). Reads that need no Spark job (run records, the model registry) use it to skip
   * the seconds a session takes to start.
   */
  public static Configuration hadoopConfiguration() {
    SparkSession active = running();
    if (active != null) {
      return active.sparkContext().hadoopConfiguration();
    }
    return SparkHadoopUtil.get().newConfiguration(new SparkConf());
  }

  /** The session of this JVM (a notebook's or test's), or null. */
  private static SparkSession running() {
    return SparkSession.getActiveSession()
        .getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
  }
}
