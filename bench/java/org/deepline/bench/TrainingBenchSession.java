package org.deepline.bench;

import org.apache.spark.sql.SparkSession;

/** The benchmark's SparkSession: local, one task slot per training worker, no UI. */
final class TrainingBenchSession {
  /** Enough shuffle partitions for the per-split counts; the data sets are repartitioned anyway. */
  private static final int SHUFFLE_PARTITIONS = 8;

  private TrainingBenchSession() {}

  static SparkSession create(int slots) {
    SparkSession spark = SparkSession.builder()
        .appName("deepline-training-bench")
        .master("local[" + slots + "]")
        .config("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
        .config("spark.ui.enabled", false)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
