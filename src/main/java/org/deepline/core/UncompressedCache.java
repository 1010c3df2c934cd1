package org.deepline.core;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Caches made while it is open store their columns uncompressed; closing it restores the session's
 * setting. Why: a stage that caches a large join only to read it a few times and drop it pays more
 * to compress the columns than the reads gain (the leakage gate on flights-3m: 5 of the 12 task
 * CPU-seconds of its join's stage), at the price of holding about 1.7x the memory meanwhile.
 *
 * <pre>{@code
 * try (UncompressedCache uncompressed = UncompressedCache.open(spark)) {
 *   Dataset<Row> joined = silver.join(splits, "_record_id").persist();
 *   ...
 * }
 * }</pre>
 */
public final class UncompressedCache implements AutoCloseable {
  /** Spark's setting, read when a cache is defined: whether cached tables compress columns. */
  static final String SETTING = "spark.sql.inMemoryColumnarStorage.compressed";

  private final SessionSettings settings;

  private UncompressedCache(SessionSettings settings) {
    this.settings = settings;
  }

  /** Turns compression of new caches off until {@link #close}. */
  public static UncompressedCache open(SparkSession spark) {
    return new UncompressedCache(SessionSettings.override(spark, Map.of(SETTING, "false")));
  }

  @Override
  public void close() {
    settings.close();
  }
}
