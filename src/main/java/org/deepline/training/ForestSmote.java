package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.mutable.WrappedArray;

/**
 * SMOTE's children when the minority class is too large for the exact search: the neighbours come
 * from a random-projection forest ({@link RpForest}, {@link ForestNeighbours}), in Spark.
 *
 * <ol>
 *   <li>The minority rows are cached in sparse form ({@link SparseRow}: flights' 477-slot vectors
 *       have about 8 non-zero slots), and one pass takes every slot's standard deviation (the
 *       neighbour space's scale) and the mean number of non-zero slots.
 *   <li>A sample of the minority rows, chosen by a seeded hash of the record id, goes to the driver:
 *       at most {@value #FOREST_SAMPLE_ROWS} rows and {@value #MAX_SAMPLE_VALUES} stored values. The
 *       forest is built on it with leaves of {@code leaf_size x sample / minority} sample rows, so a
 *       leaf holds about {@code leaf_size} of all minority rows, and broadcast.
 *   <li>Every row is routed to one leaf per tree; the copies are partitioned by (tree, leaf), sorted by
 *       (tree, leaf, hash, id), and each leaf compared by brute force in blocks of at most
 *       {@code 2 x leaf_size} rows ({@link ForestNeighbours.LeafBlocks}). Each row's k nearest of
 *       every tree are merged into its k nearest (ties by id).
 *   <li>Each child takes its second parent among them as the exact path does ({@link
 *       Smote#random}: the same seed gives the same children on any partitioning), one join brings
 *       the partner's vector, and the child is made by {@link Smote#between} on dense vectors.
 * </ol>
 *
 * <p>How exact it is, measured on every run on a bounded sample: the exact k nearest neighbours of
 * {@value #RECALL_SAMPLE_ROWS} sample rows (one pass comparing them with every minority row) against
 * what the forest found ({@code balance.smote_neighbour_recall}, {@link ForestNeighbours#recall}), and
 * the candidates each row was compared with ({@code balance.smote_candidates_per_row}).
 */
final class ForestSmote {
  private static final Logger LOG = LoggerFactory.getLogger(ForestSmote.class);
  /** Sample rows the forest is built on, at most. */
  static final int FOREST_SAMPLE_ROWS = 50_000;
  /**
   * Non-zero values of the sample, at most (48 MB as doubles and slot numbers): a dense 1,000-slot
   * vector set gets 4,000 sample rows, not 50,000.
   */
  static final long MAX_SAMPLE_VALUES = 4_000_000;
  /** Sample rows whose exact neighbours are compared with the forest's. */
  static final int RECALL_SAMPLE_ROWS = 200;
  /** Leaves of more rows than this multiple of leaf_size are compared in blocks. */
  static final int LEAF_CAP_FACTOR = 2;
  /** Below this recall the run warns. */
  static final double LOW_RECALL = 0.8;
  private static final long SAMPLE_SALT = 0x9b05688c2b3e6c1fL;
  private static final long FOREST_SALT = 0x1f83d9abfb41bd6bL;
  private static final String ID = RecordIds.RECORD_ID;
  private static final String INDEX = "_index";
  private static final String VALUE = "_value";
  private static final String TREE = "_tree";
  private static final String LEAF = "_leaf";
  private static final String NEIGHBOURS = "_neighbours";
  private static final String DISTANCES = "_distances";
  private static final String COMPARED = "_compared";
  private static final StructType SPARSE = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(Rebalancer.HASH, DataTypes.LongType, false)
      .add(Rebalancer.COPIES, DataTypes.IntegerType, false)
      .add(INDEX, new ArrayType(DataTypes.IntegerType, false), false)
      .add(VALUE, new ArrayType(DataTypes.DoubleType, false), false);
  private static final StructType ROUTED = new StructType()
      .add(TREE, DataTypes.IntegerType, false)
      .add(LEAF, DataTypes.IntegerType, false)
      .add(Rebalancer.HASH, DataTypes.LongType, false)
      .add(ID, DataTypes.StringType, false)
      .add(INDEX, new ArrayType(DataTypes.IntegerType, false), false)
      .add(VALUE, new ArrayType(DataTypes.DoubleType, false), false);
  /** One row's candidates from one tree, or (with a null tree) the row itself. */
  private static final StructType FOUND = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(TREE, DataTypes.IntegerType, true)
      .add(Rebalancer.HASH, DataTypes.LongType, true)
      .add(Rebalancer.COPIES, DataTypes.IntegerType, true)
      .add(INDEX, new ArrayType(DataTypes.IntegerType, false), true)
      .add(VALUE, new ArrayType(DataTypes.DoubleType, false), true)
      .add(NEIGHBOURS, new ArrayType(DataTypes.StringType, false), true)
      .add(DISTANCES, new ArrayType(DataTypes.DoubleType, false), true)
      .add(COMPARED, DataTypes.IntegerType, true);
  private static final StructType MERGED = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(Rebalancer.HASH, DataTypes.LongType, false)
      .add(Rebalancer.COPIES, DataTypes.IntegerType, false)
      .add(INDEX, new ArrayType(DataTypes.IntegerType, false), false)
      .add(VALUE, new ArrayType(DataTypes.DoubleType, false), false)
      .add(NEIGHBOURS, new ArrayType(DataTypes.StringType, false), false)
      .add(DISTANCES, new ArrayType(DataTypes.DoubleType, false), false)
      .add(COMPARED, DataTypes.LongType, false);
  /** A recall query's candidate neighbour in one partition. */
  private static final StructType CANDIDATE = new StructType()
      .add("_query", DataTypes.IntegerType, false)
      .add(ID, DataTypes.StringType, false)
      .add("_distance", DataTypes.DoubleType, false);
  private static final StructType PLAN = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(Rebalancer.HASH, DataTypes.LongType, false)
      .add("_copy", DataTypes.IntegerType, false)
      .add("_available", DataTypes.IntegerType, false)
      .add("_partner", DataTypes.StringType, false)
      .add(INDEX, new ArrayType(DataTypes.IntegerType, false), false)
      .add(VALUE, new ArrayType(DataTypes.DoubleType, false), false);

  private ForestSmote() {}

  /**
   * The SMOTE children of {@code parents} (the minority rows with {@value Rebalancer#HASH} and
   * {@value Rebalancer#COPIES}), {@code minority} of them, all labelled {@code minorityLabel}; what
   * it cached goes to {@code cached}, what it measured to {@code metrics}.
   */
  static Dataset<Row> children(Dataset<Row> parents, long minority, double minorityLabel,
      ResampleConfig config, SlotLayout layout, long seed, Map<String, Double> metrics,
      List<Dataset<Row>> cached) {
    int k = config.k();
    int width = layout.width();
    MapFunction<Row, Row> toSparse = row -> {
      SparseRow x = SparseRow.of(row.<Double>getList(row.fieldIndex(FeatureTransform.FEATURES)));
      return RowFactory.create(row.getString(row.fieldIndex(ID)),
          row.getLong(row.fieldIndex(Rebalancer.HASH)), row.getInt(row.fieldIndex(Rebalancer.COPIES)),
          WrappedArray.make(x.index()), WrappedArray.make(x.value()));
    };
    Dataset<Row> sparse = parents.map(toSparse, Encoders.row(SPARSE))
        .persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(sparse);
    SparseMoments moments = sparse.select(INDEX, VALUE).javaRDD()
        .treeAggregate(new SparseMoments(width), SparseMoments::add, SparseMoments::merge);
    double[] scale = Smote.distanceScale(layout, moments.stddev());
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(sparse.sparkSession().sparkContext());

    // The forest, on a sample chosen by hash.
    long started = System.nanoTime();
    double meanValues = Math.max(1, moments.nonZeros() / (double) Math.max(1, moments.count()));
    long sampleRows = Math.min(minority, Math.min(FOREST_SAMPLE_ROWS,
        Math.max(1, (long) (MAX_SAMPLE_VALUES / meanValues))));
    List<Sampled> sample = sample(sparse, sampleRows, minority, seed);
    int leafSampleRows = Math.max(1,
        (int) Math.floor((double) config.forestLeafSize() * sample.size() / minority));
    RpForest forest = RpForest.build(sample.stream().map(Sampled::row).toList(), scale,
        config.forestTrees(), leafSampleRows, seed ^ FOREST_SALT);
    double buildSeconds = (System.nanoTime() - started) / 1e9;
    int leaves = 0;
    for (int t = 0; t < forest.trees(); t++) {
      leaves += forest.leaves(t);
    }
    metrics.put("balance.smote_forest_sample_rows", (double) sample.size());
    metrics.put("balance.smote_forest_leaves_per_tree", leaves / (double) forest.trees());
    metrics.put("balance.smote_forest_build_seconds", buildSeconds);
    LOG.info("train: SMOTE neighbour forest: {} trees of {} leaves on average, built on {} sample "
        + "rows ({} per leaf) in {} s", forest.trees(), leaves / forest.trees(), sample.size(),
        leafSampleRows, String.format(java.util.Locale.ROOT, "%.2f", buildSeconds));
    Broadcast<RpForest> shared = spark.broadcast(forest);

    // Every row in one leaf per tree; each leaf compared by brute force, in bounded blocks.
    FlatMapFunction<Row, Row> route = row -> {
      RpForest f = shared.value();
      SparseRow x = sparseOf(row, 3);
      List<Row> out = new ArrayList<>(f.trees());
      for (int t = 0; t < f.trees(); t++) {
        out.add(RowFactory.create(t, f.leaf(t, x), row.getLong(1), row.getString(0), row.get(3),
            row.get(4)));
      }
      return out.iterator();
    };
    int maxLeafRows = LEAF_CAP_FACTOR * config.forestLeafSize();
    MapPartitionsFunction<Row, Row> search = rows -> new LeafSearch(rows, scale, k, maxLeafRows);
    Dataset<Row> perTree = sparse.flatMap(route, Encoders.row(ROUTED))
        .repartition(functions.col(TREE), functions.col(LEAF))
        .sortWithinPartitions(TREE, LEAF, Rebalancer.HASH, ID)
        .mapPartitions(search, Encoders.row(FOUND));
    Dataset<Row> self = sparse.select(functions.col(ID), functions.lit(null).cast(DataTypes.IntegerType)
            .as(TREE), functions.col(Rebalancer.HASH), functions.col(Rebalancer.COPIES),
        functions.col(INDEX), functions.col(VALUE),
        functions.lit(null).cast(FOUND.apply(NEIGHBOURS).dataType()).as(NEIGHBOURS),
        functions.lit(null).cast(FOUND.apply(DISTANCES).dataType()).as(DISTANCES),
        functions.lit(null).cast(DataTypes.IntegerType).as(COMPARED));
    MapGroupsFunction<String, Row, Row> merge = (id, found) -> merge(id, found, k);
    Dataset<Row> neighbours = self.unionByName(perTree)
        .groupByKey((MapFunction<Row, String>) row -> row.getString(0), Encoders.STRING())
        .mapGroups(merge, Encoders.row(MERGED))
        .persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(neighbours);
    Row totals = neighbours.agg(functions.sum(COMPARED), functions.sum(functions.when(
        functions.size(functions.col(NEIGHBOURS)).equalTo(0), 1).otherwise(0))).first();
    // The forest stays broadcast: the cached neighbours' plan refers to it (and recomputes with it
    // should a cached block be lost); Spark drops it once the plan is gone.
    metrics.put("balance.smote_candidates_per_row", totals.getLong(0) / (double) minority);
    metrics.put("balance.smote_rows_without_neighbour", (double) totals.getLong(1));
    int queries = Math.min(RECALL_SAMPLE_ROWS, sample.size());
    metrics.put("balance.smote_recall_sample_rows", (double) queries);
    metrics.put("balance.smote_neighbour_recall",
        recall(sparse, neighbours, sample.subList(0, queries), scale, k, spark));
    double recall = metrics.get("balance.smote_neighbour_recall");
    String found = String.format(java.util.Locale.ROOT, "the SMOTE neighbour forest found %.3f of "
        + "the exact %d nearest neighbours of %d sample rows, comparing each row with %.0f "
        + "candidates", recall, k, queries, metrics.get("balance.smote_candidates_per_row"));
    if (recall < LOW_RECALL) {
      LOG.warn("train: {}: raise training.resample.forest_trees or forest_leaf_size", found);
    } else {
      LOG.info("train: {}", found);
    }

    // Each child's second parent, then its vector.
    FlatMapFunction<Row, Row> plan = row -> {
      List<String> candidates = row.getList(5);
      long hash = row.getLong(1);
      List<Row> out = new ArrayList<>();
      for (int copy = 0; copy < row.getInt(2); copy++) {
        String partner = candidates.isEmpty() ? row.getString(0)
            : candidates.get(Smote.pickNeighbour(Smote.random(hash, copy), candidates.size()));
        out.add(RowFactory.create(row.getString(0), hash, copy, candidates.size(), partner,
            row.get(3), row.get(4)));
      }
      return out.iterator();
    };
    Dataset<Row> partners = sparse.select(functions.col(ID).as("_p_id"),
        functions.col(INDEX).as("_p_index"), functions.col(VALUE).as("_p_value"));
    MapFunction<Row, Row> make = row -> {
      SplittableRandom random = Smote.random(row.getLong(1), row.getInt(2));
      if (row.getInt(3) > 0) {
        Smote.pickNeighbour(random, row.getInt(3));
      }
      double[] child = Smote.between(sparseOf(row, 5).dense(width), sparseOf(row, 8).dense(width),
          random, layout);
      return RowFactory.create(row.getString(0) + "#" + Rebalancer.SMOTE + "-" + (row.getInt(2) + 1),
          minorityLabel, WrappedArray.make(child), Rebalancer.SMOTE);
    };
    return neighbours.where(functions.col(Rebalancer.COPIES).gt(0))
        .flatMap(plan, Encoders.row(PLAN))
        .join(partners, functions.col("_partner").equalTo(functions.col("_p_id")))
        .map(make, Encoders.row(Rebalancer.OUTPUT_SCHEMA));
  }

  /** A sample row, with the hash that chose and orders it. */
  record Sampled(String id, long hash, SparseRow row) implements Serializable {}

  /**
   * About {@code rows} of the {@code minority} rows, each chosen by a seeded hash of its id (so the
   * same on any partitioning), in (hash, id) order; never more than {@code rows}.
   */
  private static List<Sampled> sample(Dataset<Row> sparse, long rows, long minority, long seed) {
    Column hash = functions.xxhash64(functions.col(ID), functions.lit(seed ^ SAMPLE_SALT));
    Dataset<Row> chosen = sparse.select(functions.col(ID), hash.as("_sample_hash"),
        functions.col(INDEX), functions.col(VALUE));
    if (rows < minority) {
      chosen = chosen.where(Rebalancer.unitInterval(functions.col("_sample_hash"))
          .lt((double) rows / minority));
    }
    List<Sampled> out = new ArrayList<>();
    for (Row row : chosen.collectAsList()) {
      out.add(new Sampled(row.getString(0), row.getLong(1), sparseOf(row, 2)));
    }
    out.sort(Comparator.comparingLong(Sampled::hash).thenComparing(Sampled::id));
    return out.size() > rows ? new ArrayList<>(out.subList(0, (int) rows)) : out;
  }

  /**
   * The mean share of the exact k nearest neighbours of {@code queries} that the forest found: every
   * partition keeps each query's k nearest of its own rows, the driver merges them.
   */
  private static double recall(Dataset<Row> sparse, Dataset<Row> neighbours, List<Sampled> queries,
      double[] scale, int k, JavaSparkContext spark) {
    if (queries.isEmpty()) {
      return 1.0;
    }
    Broadcast<List<Sampled>> shared = spark.broadcast(new ArrayList<>(queries));
    MapPartitionsFunction<Row, Row> local = rows -> {
      List<Sampled> q = shared.value();
      List<ForestNeighbours.Nearest> best = new ArrayList<>();
      for (int i = 0; i < q.size(); i++) {
        best.add(new ForestNeighbours.Nearest(k));
      }
      while (rows.hasNext()) {
        Row row = rows.next();
        String id = row.getString(0);
        SparseRow x = sparseOf(row, 1);
        for (int i = 0; i < q.size(); i++) {
          if (!id.equals(q.get(i).id())) {
            best.get(i).offer(id, SparseRow.squaredDistance(q.get(i).row(), x, scale));
          }
        }
      }
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < q.size(); i++) {
        String[] ids = best.get(i).ids();
        double[] distances = best.get(i).distances();
        for (int j = 0; j < ids.length; j++) {
          out.add(RowFactory.create(i, ids[j], distances[j]));
        }
      }
      return out.iterator();
    };
    List<Row> candidates = sparse.select(ID, INDEX, VALUE)
        .mapPartitions(local, Encoders.row(CANDIDATE)).collectAsList();
    shared.destroy();
    List<ForestNeighbours.Nearest> exact = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      exact.add(new ForestNeighbours.Nearest(k));
    }
    candidates.forEach(c -> exact.get(c.getInt(0)).offer(c.getString(1), c.getDouble(2)));
    Map<String, ForestNeighbours.Nearest> found = new HashMap<>();
    for (Row row : neighbours.where(functions.col(ID).isin(
            queries.stream().map(Sampled::id).toArray()))
        .select(ID, NEIGHBOURS, DISTANCES).collectAsList()) {
      ForestNeighbours.Nearest nearest = new ForestNeighbours.Nearest(k);
      List<String> ids = row.getList(1);
      List<Double> distances = row.getList(2);
      for (int i = 0; i < ids.size(); i++) {
        nearest.offer(ids.get(i), distances.get(i));
      }
      found.put(row.getString(0), nearest);
    }
    double sum = 0;
    int counted = 0;
    for (int i = 0; i < queries.size(); i++) {
      double recall = ForestNeighbours.recall(exact.get(i),
          found.getOrDefault(queries.get(i).id(), new ForestNeighbours.Nearest(k)));
      if (!Double.isNaN(recall)) {
        sum += recall;
        counted++;
      }
    }
    return counted == 0 ? 1.0 : sum / counted;
  }

  /** A row's candidates from every tree merged into its k nearest, with the row itself. */
  private static Row merge(String id, Iterator<Row> found, int k) {
    ForestNeighbours.Nearest nearest = new ForestNeighbours.Nearest(k);
    Row self = null;
    long compared = 0;
    while (found.hasNext()) {
      Row row = found.next();
      if (row.isNullAt(1)) {
        self = row;
        continue;
      }
      List<String> ids = row.getList(6);
      List<Double> distances = row.getList(7);
      for (int i = 0; i < ids.size(); i++) {
        nearest.offer(ids.get(i), distances.get(i));
      }
      compared += row.getInt(8);
    }
    if (self == null) {
      throw new IllegalStateException("SMOTE: candidates for " + id + ", not a minority row");
    }
    return RowFactory.create(id, self.getLong(2), self.getInt(3), self.get(4), self.get(5),
        WrappedArray.make(nearest.ids()), WrappedArray.make(nearest.distances()), compared);
  }

  static SparseRow sparseOf(Row row, int indexField) {
    List<Integer> index = row.getList(indexField);
    List<Double> value = row.getList(indexField + 1);
    int[] i = new int[index.size()];
    double[] v = new double[i.length];
    for (int j = 0; j < i.length; j++) {
      i[j] = index.get(j);
      v[j] = value.get(j);
    }
    return new SparseRow(i, v);
  }

  /**
   * Streams the routed rows of one partition, sorted by (tree, leaf, hash, id), through {@link
   * ForestNeighbours.LeafBlocks}: each block's rows leave with their k nearest in the block.
   */
  private static final class LeafSearch implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final double[] scale;
    private final int k;
    private final ForestNeighbours.LeafBlocks<Row> blocks;
    private final Deque<Row> ready = new ArrayDeque<>();
    private boolean finished;

    LeafSearch(Iterator<Row> rows, double[] scale, int k, int maxLeafRows) {
      this.rows = rows;
      this.scale = scale;
      this.k = k;
      this.blocks = new ForestNeighbours.LeafBlocks<>(maxLeafRows);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !finished) {
        if (rows.hasNext()) {
          Row row = rows.next();
          blocks.add(ForestNeighbours.group(row.getInt(0), row.getInt(1)), row, this::compare);
        } else {
          blocks.finish(this::compare);
          finished = true;
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return ready.poll();
    }

    private void compare(List<Row> block) {
      List<SparseRow> vectors = new ArrayList<>(block.size());
      List<String> ids = new ArrayList<>(block.size());
      for (Row row : block) {
        vectors.add(sparseOf(row, 4));
        ids.add(row.getString(3));
      }
      ForestNeighbours.Nearest[] nearest = ForestNeighbours.withinBlock(vectors, ids, scale, k);
      for (int i = 0; i < block.size(); i++) {
        if (nearest[i].size() > 0) {
          ready.add(RowFactory.create(ids.get(i), block.get(i).getInt(0), null, null, null, null,
              WrappedArray.make(nearest[i].ids()), WrappedArray.make(nearest[i].distances()),
              block.size() - 1));
        }
      }
    }
  }

  /** Count, sums and sums of squares of every slot, from sparse rows, and the non-zero values. */
  static final class SparseMoments implements Serializable {
    private static final long serialVersionUID = 1L;
    private long count;
    private long nonZeros;
    private final double[] sum;
    private final double[] squares;

    SparseMoments(int width) {
      sum = new double[width];
      squares = new double[width];
    }

    SparseMoments add(Row row) {
      SparseRow x = sparseOf(row, 0);
      for (int i = 0; i < x.size(); i++) {
        double v = x.value()[i];
        sum[x.index()[i]] += v;
        squares[x.index()[i]] += v * v;
      }
      nonZeros += x.size();
      count++;
      return this;
    }

    SparseMoments merge(SparseMoments other) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += other.sum[i];
        squares[i] += other.squares[i];
      }
      count += other.count;
      nonZeros += other.nonZeros;
      return this;
    }

    long count() {
      return count;
    }

    long nonZeros() {
      return nonZeros;
    }

    /** Population standard deviations, as {@link Rebalancer#slotStddev} computes them. */
    double[] stddev() {
      double[] out = new double[sum.length];
      for (int i = 0; i < out.length && count > 0; i++) {
        double mean = sum[i] / count;
        out[i] = Math.sqrt(Math.max(0, squares[i] / count - mean * mean));
      }
      return out;
    }
  }
}
