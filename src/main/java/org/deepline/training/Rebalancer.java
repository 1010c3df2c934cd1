package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.StratifiedSplitter;
import scala.collection.mutable.WrappedArray;

/**
 * Resamples and augments the training split's feature vectors before training
 * ({@code training.resample}, {@code training.augment}); it reads the training rows of the features
 * table only, so validation and test rows are never changed or added to. Every row of the output carries {@value #ORIGIN}:
 * {@code real}, {@code oversampled}, {@code smote}, {@code noise} or {@code mixup}; a new row's
 * record id is its parent's with {@code #<origin>-<n>} appended.
 *
 * <p>Every random choice is derived from {@code xxhash64(record id, seed)}, never from partition
 * order, so the same rows and seed give the same output on any cluster layout:
 * <ul>
 *   <li><b>undersample</b> keeps the {@code round(minority / target_ratio)} majority rows first in
 *       hash order, and every minority row;
 *   <li><b>oversample</b> and <b>smote</b> add {@code round(target_ratio * majority) - minority}
 *       rows: every minority row gets the same number of copies (or synthetic children), and those
 *       first in hash order one more, so the ratio is met exactly;
 *   <li><b>smote</b> makes each child between its parent and one of the parent's k nearest minority
 *       neighbours ({@link Smote}): an exact search against all minority rows, broadcast, when there
 *       are at most {@code exact_max_rows}; above that, a random-projection forest finds them
 *       ({@link ForestSmote}: each row compared with about {@code forest_trees x forest_leaf_size}
 *       others instead of all), and the share of true neighbours it finds is measured on a sample of
 *       rows and reported ({@code balance.smote_neighbour_recall});
 *   <li><b>noise</b> and <b>mixup</b> ({@link Augmenter}) add one row for each row a hash selects
 *       with probability {@code noise_fraction} or {@code mixup_fraction}; mixup's partner is the row
 *       next to it in a seeded hash order within its class (rows spread over hash buckets, so no
 *       single task orders a whole class).
 * </ul>
 *
 * <pre>{@code
 * Rebalancer.Outcome outcome = Rebalancer.apply(trainRows, resample, augment, SlotLayout.of(model), 42L);
 * TrainingData.cache(outcome.rows(), ...);
 * outcome.release();
 * }</pre>
 */
public final class Rebalancer {
  public static final String ORIGIN = "_origin";
  public static final String REAL = "real";
  public static final String OVERSAMPLED = "oversampled";
  public static final String SMOTE = "smote";
  public static final String NOISE = "noise";
  public static final String MIXUP = "mixup";
  /** Origins of added rows, in the order the balance report lists them. */
  public static final List<String> ADDED_ORIGINS = List.of(OVERSAMPLED, SMOTE, NOISE, MIXUP);
  static final String HASH = "_rebalance_hash";
  private static final String TIE = "_rebalance_tie";
  static final String COPIES = "_copies";
  private static final String PARTNER = "_partner";
  /** Salts that make the hashes of each kind of choice independent of one another. */
  private static final long TIE_SALT = 0x2545f4914f6cdd1dL;
  private static final long NOISE_SALT = 0x6a09e667f3bcc909L;
  private static final long MIXUP_SALT = 0x3c6ef372fe94f82bL;
  private static final long PAIR_SALT = 0x510e527fade682d1L;
  /** Resolution of a hash mapped onto [0, 1). */
  private static final long HASH_SLOTS = 1L << 40;
  /** Top hash bits of the exact cut-point search (as in the stratified split). */
  private static final int BUCKET_BITS = 14;
  /** Rows per mixup pairing bucket on average, and the most buckets. */
  private static final long ROWS_PER_PAIR_BUCKET = 256;
  private static final long MAX_PAIR_BUCKETS = 1024;
  static final StructType OUTPUT_SCHEMA = new StructType()
      .add(RecordIds.RECORD_ID, DataTypes.StringType, false)
      .add(LabelConfig.LABEL, DataTypes.DoubleType, false)
      .add(FeatureTransform.FEATURES, new ArrayType(DataTypes.DoubleType, false), false)
      .add(ORIGIN, DataTypes.StringType, false);

  private Rebalancer() {}

  /**
   * The rebalanced training rows ({@value RecordIds#RECORD_ID}, {@value LabelConfig#LABEL},
   * {@value FeatureTransform#FEATURES}, {@value #ORIGIN}), the class counts before, and what the
   * resampling measured ({@code balance.smote_*}); {@link #release} frees what it cached.
   */
  public record Outcome(Dataset<Row> rows, long negativesBefore, long positivesBefore,
      Map<String, Double> metrics, List<Dataset<Row>> cached) {
    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * Rebalances the training rows of {@code features} (a features table: the rows whose
   * {@value StratifiedSplitter#SPLIT} is train); the other splits' rows are not read.
   */
  public static Outcome apply(Dataset<Row> features, ResampleConfig resample,
      AugmentConfig augment, SlotLayout layout, long seed) {
    Dataset<Row> train = features.where(
        functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN));
    Dataset<Row> rows = train.select(functions.col(RecordIds.RECORD_ID).cast(DataTypes.StringType)
            .as(RecordIds.RECORD_ID), functions.col(LabelConfig.LABEL).cast(DataTypes.DoubleType)
            .as(LabelConfig.LABEL), functions.col(FeatureTransform.FEATURES))
        .withColumn(ORIGIN, functions.lit(REAL));
    long[] counts = classCounts(rows);
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    if (resample.enabled() && counts[0] > 0 && counts[1] > 0) {
      rows = resample(rows, counts, resample, layout, seed, metrics, cached);
    }
    if (augment.enabled()) {
      if (resample.enabled()) {
        // Noise and mixup each read the resampled rows: compute them once.
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(rows);
      }
      rows = augment(rows, train, augment, layout, seed);
    }
    return new Outcome(rows, counts[0], counts[1], metrics, cached);
  }

  /** Negatives and positives of {@code rows}. */
  static long[] classCounts(Dataset<Row> rows) {
    long[] counts = new long[2];
    for (Row row : rows.groupBy(LabelConfig.LABEL).count().collectAsList()) {
      counts[row.getDouble(0) == 1.0 ? 1 : 0] += row.getLong(1);
    }
    return counts;
  }

  private static Dataset<Row> resample(Dataset<Row> rows, long[] counts, ResampleConfig config,
      SlotLayout layout, long seed, Map<String, Double> metrics, List<Dataset<Row>> cached) {
    double minorityLabel = counts[1] <= counts[0] ? 1.0 : 0.0;
    long minority = Math.min(counts[0], counts[1]);
    long majority = Math.max(counts[0], counts[1]);
    Dataset<Row> hashed = rows
        .withColumn(HASH, functions.xxhash64(functions.col(RecordIds.RECORD_ID), functions.lit(seed)))
        .withColumn(TIE, functions.xxhash64(functions.col(RecordIds.RECORD_ID),
            functions.lit(seed ^ TIE_SALT)));
    Column isMinority = functions.col(LabelConfig.LABEL).equalTo(minorityLabel);
    if (ResampleConfig.UNDERSAMPLE.equals(config.method())) {
      long keep = Math.round(minority / config.targetRatio());
      if (keep >= majority) {
        return rows;
      }
      Column kept = firstInHashOrder(hashed.where(functions.not(isMinority)), majority, keep);
      return hashed.where(isMinority.or(kept)).select(rows.columns()[0], rows.columns()[1],
          rows.columns()[2], rows.columns()[3]);
    }
    long extra = Math.round(config.targetRatio() * majority) - minority;
    if (extra <= 0) {
      return rows;
    }
    Dataset<Row> minorityRows = hashed.where(isMinority);
    Column oneMore = firstInHashOrder(minorityRows, minority, extra % minority);
    Dataset<Row> parents = minorityRows.withColumn(COPIES, functions.lit((int) (extra / minority))
        .plus(functions.when(oneMore, 1).otherwise(0)).cast(DataTypes.IntegerType));
    Dataset<Row> added = ResampleConfig.OVERSAMPLE.equals(config.method())
        ? oversampled(parents.where(functions.col(COPIES).gt(0)))
        : smote(parents, minority, minorityLabel, config, layout, seed, metrics, cached);
    return rows.unionByName(added);
  }

  private static Dataset<Row> oversampled(Dataset<Row> parents) {
    return parents
        .withColumn("_copy", functions.explode(functions.sequence(functions.lit(1),
            functions.col(COPIES).cast(DataTypes.IntegerType))))
        .select(functions.concat(functions.col(RecordIds.RECORD_ID), functions.lit("#" + OVERSAMPLED
            + "-"), functions.col("_copy")).as(RecordIds.RECORD_ID), functions.col(LabelConfig.LABEL),
            functions.col(FeatureTransform.FEATURES), functions.lit(OVERSAMPLED).as(ORIGIN));
  }

  // ---- SMOTE ----

  private static Dataset<Row> smote(Dataset<Row> parents, long minority, double minorityLabel,
      ResampleConfig config, SlotLayout layout, long seed, Map<String, Double> metrics,
      List<Dataset<Row>> cached) {
    if (minority > config.exactMaxRows()) {
      metrics.put("balance.smote_exact", 0.0);
      return ForestSmote.children(parents, minority, minorityLabel, config, layout, seed, metrics,
          cached);
    }
    metrics.put("balance.smote_exact", 1.0);
    Dataset<Row> minorityRows = parents.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(minorityRows);
    double[] scale = Smote.distanceScale(layout, slotStddev(minorityRows));
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(
        minorityRows.sparkSession().sparkContext());
    int k = config.k();
    List<Row> all = new ArrayList<>(minorityRows.select(RecordIds.RECORD_ID,
        FeatureTransform.FEATURES).collectAsList());
    // Ordered by Java's string order, which the binary search below uses.
    all.sort((a, b) -> a.getString(0).compareTo(b.getString(0)));
    String[] ids = new String[all.size()];
    double[][] vectors = new double[all.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = all.get(i).getString(0);
      vectors[i] = vector(all.get(i), 1);
    }
    Broadcast<MinorityRows> shared = spark.broadcast(new MinorityRows(ids, vectors));
    FlatMapFunction<Row, Row> children = row -> {
      MinorityRows set = shared.value();
      int query = Arrays.binarySearch(set.ids(), row.getString(0));
      int[] nearest = Smote.nearest(query, set.vectors(), set.ids(), scale, k);
      List<Row> out = new ArrayList<>();
      int copies = row.getInt(row.fieldIndex(COPIES));
      long hash = row.getLong(row.fieldIndex(HASH));
      for (int copy = 0; copy < copies; copy++) {
        SplittableRandom random = Smote.random(hash, copy);
        double[] neighbour = nearest.length == 0 ? set.vectors()[query]
            : set.vectors()[nearest[Smote.pickNeighbour(random, nearest.length)]];
        out.add(child(row, Smote.between(set.vectors()[query], neighbour, random, layout), SMOTE,
            copy));
      }
      return out.iterator();
    };
    return minorityRows.where(functions.col(COPIES).gt(0))
        .flatMap(children, Encoders.row(OUTPUT_SCHEMA));
  }

  /** The minority rows broadcast for the exact neighbour search, ordered by id. */
  record MinorityRows(String[] ids, double[][] vectors) implements Serializable {}

  // ---- augmentation ----

  private static Dataset<Row> augment(Dataset<Row> rows, Dataset<Row> train, AugmentConfig config,
      SlotLayout layout, long seed) {
    Dataset<Row> out = rows;
    if (config.noiseFraction() > 0) {
      double[] stddev = slotStddev(train);
      double noiseStd = config.noiseStd();
      Column hash = functions.xxhash64(functions.col(RecordIds.RECORD_ID),
          functions.lit(seed ^ NOISE_SALT));
      MapFunction<Row, Row> noisy = row -> child(row, Augmenter.noisy(vector(row, 2), layout, stddev,
          noiseStd, Smote.random(row.getLong(4), 0)), NOISE, 0);
      out = out.unionByName(rows.withColumn(HASH, hash)
          .where(unitInterval(functions.col(HASH)).lt(config.noiseFraction()))
          .map(noisy, Encoders.row(OUTPUT_SCHEMA)));
    }
    if (config.mixupFraction() > 0) {
      long total = rows.count();
      long buckets = Math.max(1, Math.min(MAX_PAIR_BUCKETS, total / ROWS_PER_PAIR_BUCKET));
      Column pairHash = functions.xxhash64(functions.col(RecordIds.RECORD_ID),
          functions.lit(seed ^ PAIR_SALT));
      WindowSpec neighbourInClass = Window.partitionBy(functions.col(LabelConfig.LABEL),
          functions.pmod(pairHash, functions.lit(buckets))).orderBy(pairHash,
          functions.col(RecordIds.RECORD_ID));
      Column partner = functions.coalesce(
          functions.lag(functions.col(FeatureTransform.FEATURES), 1).over(neighbourInClass),
          functions.lead(functions.col(FeatureTransform.FEATURES), 1).over(neighbourInClass));
      double alpha = config.mixupAlpha();
      MapFunction<Row, Row> mixed = row -> child(row, Augmenter.mixup(vector(row, 2), vector(row, 5),
          layout, alpha, Smote.random(row.getLong(4), 0)), MIXUP, 0);
      out = out.unionByName(rows
          .withColumn(HASH, functions.xxhash64(functions.col(RecordIds.RECORD_ID),
              functions.lit(seed ^ MIXUP_SALT)))
          .where(unitInterval(functions.col(HASH)).lt(config.mixupFraction()))
          .withColumn(PARTNER, partner)
          .where(functions.col(PARTNER).isNotNull())
          .map(mixed, Encoders.row(OUTPUT_SCHEMA)));
    }
    return out;
  }

  // ---- shared ----

  /** A hash mapped onto [0, 1): the probability a row is chosen with. */
  static Column unitInterval(Column hash) {
    return functions.pmod(hash, functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
  }

  /**
   * The rows first in (hash, tie) order among {@code rows} (of which there are {@code total}): a
   * condition true for exactly {@code count} of them. One aggregation counts the rows per bucket of
   * the hash's top bits, one filtered read orders the bucket the cut falls in.
   */
  static Column firstInHashOrder(Dataset<Row> rows, long total, long count) {
    if (count <= 0) {
      return functions.lit(false);
    }
    if (count >= total) {
      return functions.lit(true);
    }
    Column bucket = functions.shiftright(functions.col(HASH), Long.SIZE - BUCKET_BITS);
    TreeMap<Long, Long> histogram = new TreeMap<>();
    for (Row row : rows.groupBy(bucket.as("_bucket")).count().collectAsList()) {
      histogram.put(row.getLong(0), row.getLong(1));
    }
    long before = 0;
    long cutBucket = 0;
    for (Map.Entry<Long, Long> entry : histogram.entrySet()) {
      if (before + entry.getValue() >= count) {
        cutBucket = entry.getKey();
        break;
      }
      before += entry.getValue();
    }
    List<long[]> inBucket = new ArrayList<>();
    for (Row row : rows.where(bucket.equalTo(cutBucket)).select(HASH, TIE).collectAsList()) {
      inBucket.add(new long[] {row.getLong(0), row.getLong(1)});
    }
    inBucket.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    long[] last = inBucket.get((int) (count - before - 1));
    Column hash = functions.col(HASH);
    return hash.lt(last[0]).or(hash.equalTo(last[0]).and(functions.col(TIE).leq(last[1])));
  }

  /** Each slot's population standard deviation over {@code rows}' feature vectors. */
  static double[] slotStddev(Dataset<Row> rows) {
    Moments moments = rows.select(FeatureTransform.FEATURES).javaRDD()
        .treeAggregate(new Moments(), Moments::add, Moments::merge);
    return moments.stddev();
  }

  /** Count, sums and sums of squares of every slot. */
  static final class Moments implements Serializable {
    private static final long serialVersionUID = 1L;
    private long count;
    private double[] sum;
    private double[] squares;

    Moments add(Row row) {
      double[] x = vector(row, 0);
      if (sum == null) {
        sum = new double[x.length];
        squares = new double[x.length];
      }
      for (int i = 0; i < x.length; i++) {
        sum[i] += x[i];
        squares[i] += x[i] * x[i];
      }
      count++;
      return this;
    }

    Moments merge(Moments other) {
      if (other.sum == null) {
        return this;
      }
      if (sum == null) {
        return other;
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += other.sum[i];
        squares[i] += other.squares[i];
      }
      count += other.count;
      return this;
    }

    double[] stddev() {
      if (sum == null) {
        return new double[0];
      }
      double[] out = new double[sum.length];
      for (int i = 0; i < out.length; i++) {
        double mean = sum[i] / count;
        out[i] = Math.sqrt(Math.max(0, squares[i] / count - mean * mean));
      }
      return out;
    }
  }

  static double[] vector(Row row, int field) {
    List<Double> values = row.getList(field);
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** A new row from {@code parent} (id and label in fields 0 and 1): id {@code <parent>#<origin>-<n>}. */
  private static Row child(Row parent, double[] features, String origin, int copy) {
    return RowFactory.create(parent.getString(0) + "#" + origin + "-" + (copy + 1),
        parent.getDouble(1), WrappedArray.make(features), origin);
  }
}
