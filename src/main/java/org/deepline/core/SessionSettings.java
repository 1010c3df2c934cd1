package org.deepline.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.sources.DeltaSQLConf;

/**
 * Spark session settings changed for a scope and put back when it closes: a value the session had
 * is set again, one it did not have is unset. Why one class: a stage that changes how Spark plans
 * or caches must leave a notebook's or a test's long-lived session as it found it, even when the
 * stage fails ({@link UncompressedCache}, {@link SmallInputPlanning}).
 *
 * <pre>{@code
 * try (SessionSettings settings = SessionSettings.override(spark,
 *     Map.of("spark.sql.shuffle.partitions", "2"))) {
 *   stage.run(context);
 * }
 * }</pre>
 */
public final class SessionSettings implements AutoCloseable {
  /** The prefix of Delta's SQL settings. */
  private static final String DELTA_PREFIX = "spark.databricks.delta.";
  private final RuntimeConfig conf;
  private final Map<String, Optional<String>> previous;

  private SessionSettings(RuntimeConfig conf, Map<String, Optional<String>> previous) {
    this.conf = conf;
    this.previous = previous;
  }

  /** Sets {@code values} until {@link #close}; an empty map changes nothing. */
  public static SessionSettings override(SparkSession spark, Map<String, String> values) {
    if (values.keySet().stream().anyMatch(key -> key.startsWith(DELTA_PREFIX))) {
      awaitDeltaSettings();
    }
    RuntimeConfig conf = spark.conf();
    Map<String, Optional<String>> previous = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      previous.put(key, current(conf, key));
      conf.set(key, value);
    });
    return new SessionSettings(conf, previous);
  }

  /**
   * Waits until Delta's SQL settings are registered with Spark. They register while Delta's
   * {@code DeltaSQLConf} initialises, in whichever thread first touches Delta (a background read
   * of table states at a run's start, say): each setting enters Spark's list of known settings
   * first and its list of SQL settings after. Spark refuses to set a key it knows that is not a
   * SQL setting ("Cannot modify the value of the Spark config"), so a setting made in that window
   * failed the run at random. A class initialises once, and other threads touching it wait.
   */
  private static void awaitDeltaSettings() {
    DeltaSQLConf.DELTA_SNAPSHOT_PARTITIONS();
  }

  /** The session's value of {@code key}, empty when it has none (nor a default Spark knows). */
  public static Optional<String> current(RuntimeConfig conf, String key) {
    return conf.getOption(key).isDefined() ? Optional.of(conf.get(key)) : Optional.empty();
  }

  /** The settings this scope changed, with the values they had before. */
  public Map<String, Optional<String>> previous() {
    return previous;
  }

  @Override
  public void close() {
    previous.forEach((key, value) -> {
      if (value.isPresent()) {
        conf.set(key, value.get());
      } else {
        conf.unset(key);
      }
    });
  }
}
