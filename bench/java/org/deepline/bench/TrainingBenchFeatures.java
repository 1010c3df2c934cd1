package org.deepline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;

/**
 * The flights features every contender of {@link TrainingBench} trains on, built once in Spark and
 * cached: distance standardised on the training split; hour, day of week and month of {@code date}
 * one-hot; origin and destination one-hot over all their values; label {@code delay > 15}, or for
 * {@code RegressionBench} the delay itself ({@link Target}). Rows get a
 * {@value RecordIds#RECORD_ID} and a seeded train / validation / test split drawn from a hash of it,
 * so a subset ({@link #trainSubset}) is the same rows in every run.
 */
final class TrainingBenchFeatures {
  static final String SPLIT = "_split";
  static final String TRAIN = "train";
  static final String VALIDATION = "validation";
  static final String TEST = "test";
  /** The MLlib vector the MLlib contenders read; deepline reads it as {@value FeatureTransform#FEATURES}. */
  static final String VECTOR = "vector";
  /** Uniform in [0, 1) from a seeded hash of the record id: picks the split and subsets. */
  static final String DRAW = "_draw";
  /** Another uniform draw, independent of {@link #DRAW}: picks the rows of a sampled run. */
  private static final String SAMPLE_DRAW = "_sample_draw";
  private static final double TRAIN_SHARE = 0.70;
  private static final double VALIDATION_SHARE = 0.15;
  /** Resolution of the hash draws. */
  private static final long DRAW_BUCKETS = 1L << 24;
  /** Separates the sample draw's hash from the split draw's. */
  private static final long SAMPLE_SALT = 0x5bd1e995L;
  /** A flight is delayed when it arrives more than this many minutes late (about 20 % of flights). */
  static final double DELAYED_MINUTES = 15;
  private static final List<String> CALENDAR = List.of("hour", "day_of_week", "month");
  private static final List<String> AIRPORTS = List.of("origin", "destination");

  /**
   * @param rows  cached feature rows: record id, split, draw, vector, label
   * @param width length of the feature vector
   * @param layout what the vector holds, column group by column group
   * @param positives the labels' sum: a class label's positive rows
   */
  record Built(Dataset<Row> rows, int width, String layout, long trainRows, long validationRows,
      long testRows, long positives, double seconds) {}

  /**
   * The label column and the rows that have one.
   *
   * @param value the label of a row, a double
   * @param keep  which input rows are kept (after the sample, before the split draw, which hashes
   *              the record id and so gives every kept row the split it has in any other run)
   */
  record Target(Column value, Column keep) {
    /** {@link TrainingBench}'s label: delayed or not; a null delay stays a null label. */
    static Target delayed() {
      return new Target(functions.col("delay").gt(DELAYED_MINUTES).cast("double"),
          functions.lit(true));
    }

    /** {@code RegressionBench}'s label: the delay in minutes, rows without one dropped. */
    static Target delayMinutes() {
      return new Target(functions.col("delay").cast("double"), functions.col("delay").isNotNull());
    }
  }

  private TrainingBenchFeatures() {}

  /** The features with {@link Target#delayed}, {@link TrainingBench}'s label. */
  static Built build(SparkSession spark, String path, long seed, long sampleRows,
      int partitions) {
    return build(spark, path, seed, sampleRows, partitions, Target.delayed());
  }

  /**
   * @param sampleRows keep about this many input rows (a hashed sample), or 0 for all of them
   * @param partitions partitions of the cached rows: the parallelism of the MLlib contenders
   * @param target     the label and the rows kept
   */
  static Built build(SparkSession spark, String path, long seed, long sampleRows,
      int partitions, Target target) {
    long started = System.nanoTime();
    Dataset<Row> raw = spark.read().parquet(path);
    Dataset<Row> withIds = raw.withColumn(RecordIds.RECORD_ID,
        functions.monotonically_increasing_id().cast("string"));
    if (sampleRows > 0) {
      double fraction = Math.min(1.0, sampleRows / (double) raw.count());
      withIds = withIds.where(draw(seed ^ SAMPLE_SALT).lt(fraction));
    }
    Dataset<Row> base = withIds
        .where(target.keep())
        .withColumn(DRAW, draw(seed))
        .withColumn(SPLIT, functions.when(functions.col(DRAW).lt(TRAIN_SHARE), TRAIN)
            .when(functions.col(DRAW).lt(TRAIN_SHARE + VALIDATION_SHARE), VALIDATION)
            .otherwise(TEST))
        // One-hot codes start at 0: dayofweek is 1 (Sunday) to 7 and month 1 to 12.
        .withColumn("hour", functions.hour(functions.col("date")))
        .withColumn("day_of_week", functions.dayofweek(functions.col("date")).minus(1))
        .withColumn("month", functions.month(functions.col("date")).minus(1))
        .withColumn(LabelConfig.LABEL, target.value());

    Row distance = base.where(functions.col(SPLIT).equalTo(TRAIN))
        .agg(functions.avg("distance"), functions.stddev_pop("distance")).first();
    Dataset<Row> scaled = base.withColumn("distance_std",
        functions.col("distance").minus(distance.getDouble(0)).divide(distance.getDouble(1)));

    // Airport vocabularies over all rows, alphabetical: the benchmark compares trainers, and an
    // airport seen only in validation would otherwise need an unknown-value bucket.
    StringIndexerModel indexer = new StringIndexer()
        .setInputCols(AIRPORTS.toArray(String[]::new))
        .setOutputCols(AIRPORTS.stream().map(c -> c + "_index").toArray(String[]::new))
        .setStringOrderType("alphabetAsc")
        .fit(scaled);
    Dataset<Row> indexed = indexer.transform(scaled);
    List<String> categorical = new ArrayList<>(CALENDAR);
    AIRPORTS.forEach(c -> categorical.add(c + "_index"));
    OneHotEncoderModel encoder = new OneHotEncoder()
        .setInputCols(categorical.toArray(String[]::new))
        .setOutputCols(categorical.stream().map(c -> c + "_onehot").toArray(String[]::new))
        .setDropLast(false)
        .fit(indexed);
    List<String> assembled = new ArrayList<>(List.of("distance_std"));
    categorical.forEach(c -> assembled.add(c + "_onehot"));
    Dataset<Row> vectors = new VectorAssembler()
        .setInputCols(assembled.toArray(String[]::new))
        .setOutputCol(VECTOR)
        .transform(encoder.transform(indexed));

    // The file is a few row groups: without the repartition MLlib would fit on one core.
    Dataset<Row> rows = vectors
        .select(functions.col(RecordIds.RECORD_ID), functions.col(SPLIT), functions.col(DRAW),
            functions.col(VECTOR), functions.col(LabelConfig.LABEL))
        .repartition(partitions)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long train = 0;
    long validation = 0;
    long test = 0;
    long positives = 0;
    for (Row count : rows.groupBy(SPLIT).agg(functions.count(functions.lit(1)),
        functions.sum(LabelConfig.LABEL)).collectAsList()) {
      long n = count.getLong(1);
      switch (count.getString(0)) {
        case TRAIN -> train = n;
        case VALIDATION -> validation = n;
        default -> test = n;
      }
      positives += (long) count.getDouble(2);
    }
    int width = ((Vector) rows.select(VECTOR).first().get(0)).size();
    StringBuilder layout = new StringBuilder("1 distance (standardised)");
    int[] sizes = encoder.categorySizes();
    for (int i = 0; i < categorical.size(); i++) {
      layout.append(String.format(Locale.ROOT, " + %d %s", sizes[i],
          categorical.get(i).replace("_index", "")));
    }
    layout.append(" (one-hot)");
    return new Built(rows, width, layout.toString(), train, validation, test, positives,
        (System.nanoTime() - started) / 1e9);
  }

  /** Training rows; with {@code maxRows} > 0 a seeded subset of about that many of them. */
  static Dataset<Row> trainSubset(Built built, long maxRows) {
    Column isTrain = functions.col(SPLIT).equalTo(TRAIN);
    if (maxRows <= 0 || maxRows >= built.trainRows()) {
      return built.rows().where(isTrain);
    }
    // The draw of a training row is uniform in [0, TRAIN_SHARE): keep the lowest share of it.
    double cutoff = TRAIN_SHARE * maxRows / built.trainRows();
    return built.rows().where(isTrain.and(functions.col(DRAW).lt(cutoff)));
  }

  static Dataset<Row> split(Built built, String split) {
    return built.rows().where(functions.col(SPLIT).equalTo(split));
  }

  /** The columns {@code TrainingData.cache} reads: record id, features as array<double>, label. */
  static Dataset<Row> asDeeplineRows(Dataset<Row> rows) {
    return rows.select(functions.col(RecordIds.RECORD_ID),
        org.apache.spark.ml.functions.vector_to_array(functions.col(VECTOR), "float64")
            .as(FeatureTransform.FEATURES),
        functions.col(LabelConfig.LABEL));
  }

  private static Column draw(long seed) {
    return functions.pmod(functions.xxhash64(functions.col(RecordIds.RECORD_ID), functions.lit(seed)),
        functions.lit(DRAW_BUCKETS)).divide(DRAW_BUCKETS);
  }
}
