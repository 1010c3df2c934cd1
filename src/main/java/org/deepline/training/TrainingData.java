package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.LinearModel;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.MulticlassScores;
import org.deepline.metrics.RegressionScores;
import org.deepline.metrics.ScoredLabels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One split of the features table cached on the executors as {@link FeatureChunk}s, spread over
 * exactly as many partitions as there are training workers, in an order fixed by the seed.
 *
 * <p>Why this shape: DL4J's parameter averaging gives each partition of its input to one worker, so
 * the partitions must be the workers; one-example {@code DataSet}s (what DL4J's examples use) cost a
 * Java object, an off-heap buffer and a serialisation per row, which made training 20x slower than
 * DL4J itself on the same rows; and rows must reach workers shuffled, or a split written class by
 * class hands each worker long runs of one class. Rows are assigned to partitions and ordered inside
 * them by a seeded hash of their record id, so the same seed and table give the same data whatever the
 * table's file layout, and {@link #round} cuts each round's minibatches from a fresh seeded permutation
 * per epoch without shuffling anything through Spark again.
 *
 * <pre>{@code
 * TrainingData train = TrainingData.cache(features.where(isTrain), 2, 42L, "train", 480);
 * sparkNet.fit(train.round(epoch, round, rowsPerWorker, batchSize));
 * train.release();
 * }</pre>
 */
public final class TrainingData implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per cached chunk: Spark caches and spills a partition in pieces of this size. */
  public static final int CHUNK_ROWS = 1 << 16;
  /** Bound on one dense chunk's values (64 MB of floats), whatever the feature width. */
  private static final int MAX_CHUNK_VALUES = 1 << 24;
  private static final String ORDER = "_train_order";
  /** Fields of a stored sparse vector ({@link FeatureTransform#SPARSE_TYPE}). */
  private static final int SPARSE_FIELDS = FeatureTransform.SPARSE_TYPE.size();
  /** Mixes the epoch and the partition into the permutation seed. */
  private static final long EPOCH_SALT = 0x9e3779b97f4a7c15L;

  private final transient JavaRDD<FeatureChunk> chunks;
  /** The last {@link #probe}, kept: every epoch of every tuning trial measures on the same rows. */
  private transient DataSet probe;
  private transient int probeRows;
  /** The cached partitions copied to the driver ({@link #keepOnDriver}); null until then. */
  private transient List<PartitionRows> onDriver;
  private final String split;
  private final long seed;
  private final int width;
  private final long[] partitionRows;
  /**
   * The classes the labels index: 2 for a 0/1 label, a multi-class label's count otherwise, and
   * {@value #NUMBER} for a regression label's number.
   */
  private final int classes;
  private final long[] rowsPerClass;
  /** A regression label's numbers: their mean and standard deviation over the cached rows. */
  private final double targetMean;
  private final double targetDeviation;
  /**
   * Minibatches and scores give a regression label's number as {@code (y - shift) / scale}: the
   * training rows' standardisation, which the validation rows share ({@link #standardise}).
   */
  private double targetShift;
  private double targetScale = 1;

  /** The {@code classes} of a regression label: one output, the number. */
  public static final int NUMBER = 1;

  private TrainingData(JavaRDD<FeatureChunk> chunks, String split, long seed, int width,
      long[] partitionRows, long[] rowsPerClass, double targetMean, double targetDeviation) {
    this.chunks = chunks;
    this.split = split;
    this.seed = seed;
    this.width = width;
    this.partitionRows = partitionRows;
    this.classes = rowsPerClass.length;
    this.rowsPerClass = rowsPerClass;
    this.targetMean = targetMean;
    this.targetDeviation = targetDeviation;
  }

  /**
   * Reads {@code rows} (the label and the feature vectors of one split, in either layout of the
   * features table: the stored {@value FeatureTransform#FEATURES_SPARSE} vectors, the dense
   * {@value FeatureTransform#FEATURES} array, or both, each row in the one that is not null) once
   * into memory on the executors (spilling to disk when it does not fit) and counts them. Fails
   * naming the split when a feature value is NaN or infinite.
   *
   * <p>Why the stored vectors are read as they are: made dense first ({@code
   * FeatureTable.withDenseVectors}), every row crossed the shuffle that orders it as the full width
   * of boxed doubles (480 for flights, of which 7 are not zero) and was made sparse again here; on
   * flights-3m that was most of the time before the first epoch.
   */
  public static TrainingData cache(Dataset<Row> rows, int partitions, long seed, String split,
      int width) {
    return cache(rows, partitions, seed, split, width, NetworkFactory.CLASSES);
  }

  /**
   * As above for a label of {@code classes} classes (the class index of a multi-class label), or
   * of {@value #NUMBER} for a regression label's number; fails naming the split when a label is not
   * one of the classes.
   */
  public static TrainingData cache(Dataset<Row> rows, int partitions, long seed, String split,
      int width, int classes) {
    List<String> columns = List.of(rows.columns());
    boolean sparse = columns.contains(FeatureTransform.FEATURES_SPARSE);
    boolean dense = columns.contains(FeatureTransform.FEATURES);
    if (!sparse && !dense) {
      throw new DeeplineException("train: the " + split + " rows have no "
          + FeatureTransform.FEATURES_SPARSE + " or " + FeatureTransform.FEATURES + " column; "
          + "re-run features");
    }
    List<org.apache.spark.sql.Column> vectors = new ArrayList<>();
    if (sparse) {
      vectors.add(functions.col(FeatureTransform.FEATURES_SPARSE));
    }
    if (dense) {
      vectors.add(functions.col(FeatureTransform.FEATURES));
    }
    // The record id when the table has one; otherwise the row's content, which orders duplicates
    // arbitrarily among themselves but is otherwise as good a key.
    List<org.apache.spark.sql.Column> content = new ArrayList<>(vectors);
    content.add(functions.col(LabelConfig.LABEL));
    org.apache.spark.sql.Column key = columns.contains(RecordIds.RECORD_ID)
        ? functions.col(RecordIds.RECORD_ID)
        : functions.struct(content.toArray(org.apache.spark.sql.Column[]::new));
    List<org.apache.spark.sql.Column> selected = new ArrayList<>(content);
    selected.add(functions.xxhash64(key, functions.lit(seed)).as(ORDER));
    Dataset<Row> ordered = rows.select(selected.toArray(org.apache.spark.sql.Column[]::new))
        .repartition(partitions, functions.col(ORDER))
        .sortWithinPartitions(ORDER);
    VectorLayout layout = new VectorLayout(sparse ? 0 : -1, dense ? vectors.size() - 1 : -1,
        vectors.size());
    int chunkRows = Math.max(1, Math.min(CHUNK_ROWS, MAX_CHUNK_VALUES / Math.max(1, width)));
    JavaRDD<FeatureChunk> chunks = ordered.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(partition -> toChunks(partition, layout, width, chunkRows, split))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<PartitionCount> counts = chunks.mapPartitionsWithIndex((index, partition) -> {
      long rowCount = 0;
      long[] rowsPerClass = new long[classes];
      double sum = 0;
      double squares = 0;
      String problem = null;
      while (partition.hasNext()) {
        FeatureChunk chunk = partition.next();
        rowCount += chunk.rows();
        for (int row = 0; row < chunk.rows(); row++) {
          int label = chunk.label(row);
          if (classes == NUMBER) {
            float target = chunk.target(row);
            sum += target;
            squares += (double) target * target;
            rowsPerClass[0]++;
            if (!Float.isFinite(target)) {
              problem = problem != null ? problem : "train: a " + split + " row's label is "
                  + target + " as a float; a regression label must be a finite number below "
                  + Float.MAX_VALUE;
            }
          } else if (label < 0 || label >= classes) {
            problem = problem != null ? problem : "train: a " + split + " row's label is "
                + label + ", not a class index below " + classes + "; re-run split and features";
          } else {
            rowsPerClass[label]++;
          }
        }
        problem = problem == null ? chunk.problem() : problem;
      }
      return List.of(new PartitionCount(index, rowCount, rowsPerClass, sum, squares, problem))
          .iterator();
    }, true).collect();
    long[] partitionRows = new long[partitions];
    long[] rowsPerClass = new long[classes];
    double sum = 0;
    double squares = 0;
    for (PartitionCount count : counts) {
      sum += count.targetSum();
      squares += count.targetSquares();
      if (count.problem() != null) {
        chunks.unpersist(false);
        throw new DeeplineException(count.problem());
      }
      partitionRows[count.partition()] += count.rows();
      for (int c = 0; c < classes; c++) {
        rowsPerClass[c] += count.rowsPerClass()[c];
      }
    }
    long total = Arrays.stream(partitionRows).sum();
    double mean = total == 0 ? 0 : sum / total;
    double deviation = total == 0 ? 0 : Math.sqrt(Math.max(0, squares / total - mean * mean));
    return new TrainingData(chunks, split, seed, width, partitionRows, rowsPerClass, mean,
        deviation);
  }

  /**
   * What the counting pass learns about one cached partition; the sums of a regression label's
   * numbers and their squares.
   */
  private record PartitionCount(int partition, long rows, long[] rowsPerClass, double targetSum,
      double targetSquares, String problem) implements Serializable {}

  /**
   * Where a cached row's vectors are: the ordinal of its sparse struct and of its dense array
   * (-1 where the table has no such column), and of its label, after them.
   */
  private record VectorLayout(int sparseAt, int denseAt, int labelAt) implements Serializable {}

  private static Iterator<FeatureChunk> toChunks(Iterator<InternalRow> rows, VectorLayout layout,
      int width, int chunkRows, String split) {
    List<FeatureChunk> chunks = new ArrayList<>();
    FeatureChunk.Builder builder = new FeatureChunk.Builder(width);
    double[] values = new double[width];
    int[] slots = new int[width];
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      double label = row.getDouble(layout.labelAt());
      if (layout.sparseAt() >= 0 && !row.isNullAt(layout.sparseAt())) {
        InternalRow vector = row.getStruct(layout.sparseAt(), SPARSE_FIELDS);
        int count = sparseRow(vector, width, split, slots, values, builder);
        if (count >= 0) {
          builder.addSparse(slots, values, count, label);
        }
      } else if (layout.denseAt() < 0) {
        builder.problem("train: a " + split + " row has no feature vector; re-run features");
      } else if (denseRow(row.getArray(layout.denseAt()), width, split, values, builder)) {
        builder.add(values, label);
      }
      if (builder.rows() == chunkRows) {
        chunks.add(builder.build());
        builder = new FeatureChunk.Builder(width);
      }
    }
    // A partition whose only rows were unusable still reports why, in a chunk of no rows.
    if (builder.rows() > 0 || builder.hasProblem()) {
      chunks.add(builder.build());
    }
    return chunks.iterator();
  }

  /**
   * Copies a stored sparse vector's slots and values into {@code slots} and {@code values}; returns
   * how many, or -1 for a vector that is not one the features stage writes (another width, slots out
   * of order or outside it, as many values as slots), whose row is left out with the problem noted.
   */
  private static int sparseRow(InternalRow vector, int width, String split, int[] slots,
      double[] values, FeatureChunk.Builder builder) {
    int size = vector.getInt(0);
    ArrayData indices = vector.getArray(1);
    ArrayData stored = vector.getArray(2);
    int count = indices.numElements();
    if (size != width) {
      builder.problem(wrongWidth(split, size, width));
      return -1;
    }
    if (count > width || stored.numElements() != count) {
      builder.problem("train: a " + split + " row's stored vector has " + count + " slots and "
          + stored.numElements() + " values for a width of " + width + "; re-run features");
      return -1;
    }
    for (int i = 0; i < count; i++) {
      slots[i] = indices.getInt(i);
      if (slots[i] < 0 || slots[i] >= width || (i > 0 && slots[i] <= slots[i - 1])) {
        builder.problem("train: a " + split + " row's stored vector has slot " + slots[i]
            + " out of order or outside its width " + width + "; re-run features");
        return -1;
      }
      values[i] = finite(stored.getDouble(i), slots[i], split, builder);
    }
    return count;
  }

  /** Copies a dense vector into {@code values}; false for one of another width, noted. */
  private static boolean denseRow(ArrayData features, int width, String split, double[] values,
      FeatureChunk.Builder builder) {
    if (features.numElements() != width) {
      builder.problem(wrongWidth(split, features.numElements(), width));
      return false;
    }
    for (int i = 0; i < width; i++) {
      values[i] = finite(features.getDouble(i), i, split, builder);
    }
    return true;
  }

  private static String wrongWidth(String split, int features, int width) {
    return "train: a " + split + " row has " + features + " features, the feature model makes "
        + width + "; re-run features";
  }

  /** {@code value}, or 0 with the problem noted when it is NaN or infinite. */
  private static double finite(double value, int slot, String split, FeatureChunk.Builder builder) {
    if (Double.isFinite(value)) {
      return value;
    }
    builder.problem("train: feature " + slot + " of a " + split + " row is " + value
        + "; the features stage must not emit NaN or infinite values");
    return 0;
  }

  public long rows() {
    long total = 0;
    for (long count : partitionRows) {
      total += count;
    }
    return total;
  }

  /** Rows of class 1: a 0/1 label's positives. */
  public long positives() {
    return rowsPerClass[1];
  }

  public long negatives() {
    return rows() - positives();
  }

  /** The split the rows are of, e.g. {@code train}. */
  public String split() {
    return split;
  }

  /** How many classes the labels index (2 for a 0/1 label). */
  public int classes() {
    return classes;
  }

  /** Rows of each class, by class index. */
  public long[] rowsPerClass() {
    return rowsPerClass.clone();
  }

  public int partitions() {
    return partitionRows.length;
  }

  /** Rows of the largest partition: the averaging rounds of an epoch run until it is used up. */
  public long largestPartitionRows() {
    long largest = 0;
    for (long count : partitionRows) {
      largest = Math.max(largest, count);
    }
    return largest;
  }

  /** Averaging rounds in one epoch when each worker fits {@code rowsPerWorker} rows per round. */
  public int roundsPerEpoch(int rowsPerWorker) {
    return (int) Math.max(1, (largestPartitionRows() + rowsPerWorker - 1) / rowsPerWorker);
  }

  JavaRDD<FeatureChunk> chunks() {
    return chunks;
  }

  /**
   * The minibatches of averaging round {@code round} of {@code epoch}: on every partition, positions
   * {@code round * rowsPerWorker} up to {@code rowsPerWorker} further of that partition's permutation
   * for the epoch, cut into {@code batchSize}-row {@code DataSet}s built straight from the cached
   * primitive arrays.
   */
  public JavaRDD<DataSet> round(int epoch, int round, int rowsPerWorker, int batchSize) {
    long baseSeed = seed;
    int featureWidth = width;
    int labelWidth = classes;
    double shift = targetShift;
    double scale = targetScale;
    return chunks.mapPartitionsWithIndex((partition, partitionChunks) -> roundBatches(
        new PartitionRows(partitionChunks), baseSeed, featureWidth, labelWidth, shift, scale,
        partition, epoch, round, rowsPerWorker, batchSize).iterator(), true);
  }

  /**
   * The same minibatches as {@link #round}, cut on the driver from its copy of the partitions: one
   * list per worker, in partition order (empty for a worker whose partition is used up).
   */
  public List<List<DataSet>> roundOnDriver(int epoch, int round, int rowsPerWorker,
      int batchSize) {
    List<PartitionRows> partitions = driverCopy();
    List<List<DataSet>> workers = new ArrayList<>();
    for (int partition = 0; partition < partitions.size(); partition++) {
      workers.add(roundBatches(partitions.get(partition), seed, width, classes, targetShift,
          targetScale, partition, epoch, round, rowsPerWorker, batchSize));
    }
    return workers;
  }

  /**
   * One partition's minibatches of one round (see {@link #round}): one-hot labels of
   * {@code classes}, or a regression label's number standardised by {@code shift} and
   * {@code scale}.
   */
  private static List<DataSet> roundBatches(PartitionRows rows, long seed, int width,
      int classes, double shift, double scale, int partition, int epoch, int round,
      int rowsPerWorker, int batchSize) {
    SeededPermutation order = new SeededPermutation(rows.size(),
        SeededPermutation.mix(seed ^ (EPOCH_SALT * epoch) ^ partition));
    int from = (int) Math.min((long) round * rowsPerWorker, rows.size());
    int to = Math.min(from + rowsPerWorker, rows.size());
    List<DataSet> batches = new ArrayList<>();
    for (int start = from; start < to; start += batchSize) {
      int size = Math.min(batchSize, to - start);
      float[] features = new float[size * width];
      float[] labels = new float[size * classes];
      for (int i = 0; i < size; i++) {
        int row = order.apply(start + i);
        rows.copyFeatures(row, features, i * width);
        if (classes == NUMBER) {
          labels[i] = (float) ((rows.target(row) - shift) / scale);
        } else {
          labels[i * classes + rows.label(row)] = 1f;
        }
      }
      batches.add(new DataSet(matrix(features, size, width), matrix(labels, size, classes)));
    }
    return batches;
  }

  /** The training features' size as floats: what a copy on the driver holds, about. */
  public long featureBytes() {
    return rows() * width * (long) Float.BYTES;
  }

  /**
   * Copies the cached partitions to the driver (once; one Spark job), where {@link #roundOnDriver}
   * cuts minibatches and {@link #score} scores without a Spark job. The executors keep their cache.
   */
  public TrainingData keepOnDriver() {
    if (onDriver == null) {
      List<PartitionCopy> copies = chunks.mapPartitionsWithIndex((index, partition) -> {
        List<FeatureChunk> partitionChunks = new ArrayList<>();
        partition.forEachRemaining(partitionChunks::add);
        return List.of(new PartitionCopy(index, partitionChunks)).iterator();
      }, true).collect();
      List<PartitionRows> partitions = new ArrayList<>(Collections.nCopies(partitions(), null));
      for (PartitionCopy copy : copies) {
        partitions.set(copy.partition(), new PartitionRows(copy.chunks().iterator()));
      }
      onDriver = partitions;
    }
    return this;
  }

  /** Whether {@link #keepOnDriver} copied the partitions to the driver. */
  public boolean isOnDriver() {
    return onDriver != null;
  }

  private List<PartitionRows> driverCopy() {
    if (onDriver == null) {
      throw new IllegalStateException(split + " is not on the driver; call keepOnDriver first");
    }
    return onDriver;
  }

  /** One cached partition as the driver receives it. */
  private record PartitionCopy(int partition, List<FeatureChunk> chunks) implements Serializable {}

  /**
   * About {@code rows} rows of this split with one-hot labels, the same on every call: each
   * partition's first rows in the order of epoch 0, which training never uses. For measurements on
   * the driver ({@link LayerStatistics}).
   */
  public DataSet probe(int rows) {
    if (probe == null || probeRows != rows) {
      int perPartition = Math.max(1, rows / partitions());
      List<DataSet> batches = new ArrayList<>();
      if (onDriver != null) {
        roundOnDriver(0, 0, perPartition, perPartition).forEach(batches::addAll);
      } else {
        batches = round(0, 0, perPartition, perPartition).collect();
      }
      probe = DataSet.merge(batches);
      probeRows = rows;
    }
    return probe;
  }

  /**
   * The network's positive-class probability for every cached row, computed where the rows are (the
   * network travels as its configuration and a float array) and brought to the driver with the labels.
   */
  public ScoredLabels score(JavaSparkContext spark, MultiLayerNetwork network) {
    List<SlotShuffle> asIs = Collections.singletonList(null);
    // On the driver the network scores as it is: no copy of its parameters, no rebuild.
    return onDriver != null ? combine(scoreOnDriver(outputOf(network), asIs, 1), 1).get(0)
        : scoreVariants(spark, NetworkCopy.of(network), asIs).get(0);
  }

  /**
   * The network's probability of every class for every cached row, with the labels: a
   * multi-class label's validation scores, computed where the rows are as {@link #score} does.
   */
  public MulticlassScores scoreClasses(JavaSparkContext spark, MultiLayerNetwork network) {
    List<SlotShuffle> asIs = Collections.singletonList(null);
    List<ScoredChunk> scored = onDriver != null
        ? scoreOnDriver(everyOutputOf(network), asIs, classes)
        : scoreOnExecutors(spark, new EveryOutput(NetworkCopy.of(network)), asIs, classes);
    MemberScores joined = MemberScores.concatenate(scored.stream()
        .map(chunk -> new MemberScores(chunk.probabilities(), chunk.labels())).toList(), 1,
        classes);
    return new MulticlassScores(joined.probabilities()[0], joined.labels(), classes);
  }

  /**
   * A regression network's number for every cached row beside the row's number, both standardised
   * as this split's minibatches are ({@link #standardise}): the validation scores of a regression
   * label, computed where the rows are as {@link #score} does.
   */
  public RegressionScores scoreNumbers(JavaSparkContext spark, MultiLayerNetwork network) {
    List<SlotShuffle> asIs = Collections.singletonList(null);
    List<ScoredChunk> scored = onDriver != null
        ? scoreOnDriver(everyOutputOf(network), asIs, NUMBER)
        : scoreOnExecutors(spark, new EveryOutput(NetworkCopy.of(network)), asIs, NUMBER);
    int total = scored.stream().mapToInt(chunk -> chunk.targets().length).sum();
    double[] predictions = new double[total];
    double[] labels = new double[total];
    int at = 0;
    for (ScoredChunk chunk : scored) {
      for (int row = 0; row < chunk.targets().length; row++) {
        predictions[at] = chunk.probabilities()[0][row];
        labels[at] = (chunk.targets()[row] - targetShift) / targetScale;
        at++;
      }
    }
    return new RegressionScores(predictions, labels);
  }

  /** A regression label's numbers over the cached rows: their mean. */
  public double targetMean() {
    return targetMean;
  }

  /** ... and their standard deviation (0 when they are one number). */
  public double targetDeviation() {
    return targetDeviation;
  }

  /**
   * Gives a regression label's number to minibatches and {@link #scoreNumbers} as
   * {@code (y - shift) / scale} from now on: the training rows' standardisation, shared by the
   * validation rows; {@code (0, 1)} gives the numbers as they are.
   */
  public TrainingData standardise(double shift, double scale) {
    if (!(scale > 0) || !Double.isFinite(shift) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("a standardisation needs a finite shift and a positive "
          + "scale, got " + shift + " and " + scale);
    }
    targetShift = shift;
    targetScale = scale;
    probe = null;
    return this;
  }

  /**
   * As {@link #score}, once per shuffle, with each shuffle's slots of every row replaced by those of
   * another row of its chunk: what the network makes of the rows once one input carries no
   * information, the other inputs and the labels unchanged. All shuffles in one pass over the
   * cached chunks (one Spark job, one copy of the network per task), whatever their number.
   */
  public List<ScoredLabels> scoreShuffled(JavaSparkContext spark, MultiLayerNetwork network,
      List<SlotShuffle> shuffles) {
    return scoreVariants(spark, NetworkCopy.of(network), shuffles);
  }

  /**
   * As {@link #scoreShuffled} for any model a task can rebuild: the rows as they are first, then
   * one {@link ScoredLabels} per shuffle.
   */
  public List<ScoredLabels> scoreAsIsAndShuffled(JavaSparkContext spark, ChunkModel model,
      List<SlotShuffle> shuffles) {
    List<SlotShuffle> variants = new ArrayList<>();
    variants.add(null);
    variants.addAll(shuffles);
    return scoreVariants(spark, model, variants);
  }

  /** One {@link ScoredLabels} per variant; a null variant is the rows as they are. */
  private List<ScoredLabels> scoreVariants(JavaSparkContext spark, ChunkModel model,
      List<SlotShuffle> variants) {
    List<ScoredChunk> scored = onDriver != null ? scoreOnDriver(model.open(), variants, 1)
        : scoreOnExecutors(spark, model, variants, 1);
    return combine(scored, variants.size());
  }

  /** The scored chunks' labels and each variant's probabilities, each joined in chunk order. */
  private static List<ScoredLabels> combine(List<ScoredChunk> scored, int variantCount) {
    List<MemberScores> parts = new ArrayList<>();
    scored.forEach(chunk -> parts.add(new MemberScores(chunk.probabilities(), chunk.labels())));
    MemberScores joined = MemberScores.concatenate(parts, variantCount);
    List<ScoredLabels> result = new ArrayList<>();
    for (float[] variant : joined.probabilities()) {
      result.add(new ScoredLabels(variant, joined.labels()));
    }
    return result;
  }

  /**
   * Every cached chunk scored where it is cached, in partition order; {@code outputs}: the values
   * the model gives per row (1 probability, or one per class).
   */
  private List<ScoredChunk> scoreOnExecutors(JavaSparkContext spark, ChunkModel model,
      List<SlotShuffle> variants, int outputs) {
    Broadcast<ChunkModel> copy = spark.broadcast(model);
    try {
      return chunks.mapPartitions(partition -> {
        ChunkModel.Probabilities local = copy.value().open();
        List<ScoredChunk> out = new ArrayList<>();
        while (partition.hasNext()) {
          out.add(ScoredChunk.of(local, partition.next(), variants, outputs));
        }
        return out.iterator();
      }).collect();
    } finally {
      copy.destroy();
    }
  }

  /** The driver's copy of every chunk scored on the driver, in the same order. */
  private List<ScoredChunk> scoreOnDriver(ChunkModel.Probabilities model,
      List<SlotShuffle> variants, int outputs) {
    List<ScoredChunk> out = new ArrayList<>();
    for (PartitionRows partition : driverCopy()) {
      for (FeatureChunk chunk : partition.chunks()) {
        out.add(ScoredChunk.of(model, chunk, variants, outputs));
      }
    }
    return out;
  }

  /**
   * A model as the driver ships it to the tasks that score the cached chunks: each task opens it
   * once and scores all its chunks with what it opened.
   */
  public interface ChunkModel extends Serializable {
    /** Positive-class probabilities of row-major minibatches. */
    @FunctionalInterface
    interface Probabilities {
      /** One probability per row of the {@code rows} rows of {@code width} values. */
      float[] of(float[] rowMajor, int rows, int width);
    }

    /** The task's own scorer (a network is rebuilt from its copy here). */
    Probabilities open();

    /** A promoted logistic regression, scored in plain Java as batch scoring scores it. */
    static ChunkModel linear(LinearModel model) {
      return () -> (rowMajor, rows, width) -> {
        float[] probabilities = new float[rows];
        double[] row = new double[width];
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < width; i++) {
            row[i] = rowMajor[r * width + i];
          }
          probabilities[r] = (float) model.probability(row);
        }
        return probabilities;
      };
    }

    /**
     * An ensemble of networks only (bagging, a deep ensemble), combined by {@code spec} as batch
     * and single-record scoring combine it ({@link EnsembleSpec#combine}).
     */
    static ChunkModel ensemble(EnsembleSpec spec, List<MultiLayerNetwork> networks) {
      return new NetworkEnsemble(spec, networks.stream().map(NetworkCopy::of).toList());
    }

    /** Promoted boosted trees, walked on the float rows as batch scoring walks them. */
    static ChunkModel trees(BoostedTrees trees) {
      return () -> (rowMajor, rows, width) -> {
        float[] probabilities = new float[rows];
        for (int r = 0; r < rows; r++) {
          probabilities[r] = (float) trees.probability(rowMajor, r * width);
        }
        return probabilities;
      };
    }
  }

  /** The positive-class probabilities of {@code network} itself, for scoring on the driver. */
  private static ChunkModel.Probabilities outputOf(MultiLayerNetwork network) {
    return (rowMajor, rows, width) -> network.output(matrix(rowMajor, rows, width), false)
        .getColumn(1).dup().castTo(DataType.FLOAT).toFloatVector();
  }

  /**
   * Every output unit of {@code network} (each class's probability), row-major: a multi-class
   * network's scores.
   */
  private static ChunkModel.Probabilities everyOutputOf(MultiLayerNetwork network) {
    return (rowMajor, rows, width) -> network.output(matrix(rowMajor, rows, width), false)
        .castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /** A shipped network scored on {@link #everyOutputOf every output}. */
  record EveryOutput(NetworkCopy network) implements ChunkModel {
    @Override
    public Probabilities open() {
      return everyOutputOf(network.restore());
    }
  }

  /** A network in a form Spark can ship: its JSON configuration and its parameters. */
  record NetworkCopy(String configuration, float[] parameters) implements ChunkModel {
    static NetworkCopy of(MultiLayerNetwork network) {
      return new NetworkCopy(network.getLayerWiseConfigurations().toJson(),
          network.params().dup().castTo(DataType.FLOAT).toFloatVector());
    }

    @Override
    public Probabilities open() {
      return outputOf(restore());
    }

    MultiLayerNetwork restore() {
      MultiLayerNetwork network =
          new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration));
      network.init(Nd4j.createFromArray(parameters).reshape(1, parameters.length), false);
      return network;
    }
  }

  /** An ensemble's member networks in a form Spark can ship, combined by its spec. */
  record NetworkEnsemble(EnsembleSpec spec, List<NetworkCopy> members) implements ChunkModel {
    @Override
    public Probabilities open() {
      List<Probabilities> opened = members.stream().map(NetworkCopy::open).toList();
      return (rowMajor, rows, width) -> {
        float[][] byMember = new float[opened.size()][];
        for (int m = 0; m < byMember.length; m++) {
          byMember[m] = opened.get(m).of(rowMajor, rows, width);
        }
        float[] combined = new float[rows];
        double[] row = new double[byMember.length];
        for (int r = 0; r < rows; r++) {
          for (int m = 0; m < byMember.length; m++) {
            row[m] = byMember[m][r];
          }
          combined[r] = (float) spec.combine(row);
        }
        return combined;
      };
    }
  }

  /** Slots {@code [start, end)} taken from the row a seeded permutation of the chunk assigns. */
  public record SlotShuffle(int start, int end, long seed) implements Serializable {}

  /**
   * One chunk's labels (class indices, and the numbers of a regression label) and, per scored
   * variant of its rows, their probabilities (a regression network's numbers).
   */
  record ScoredChunk(float[][] probabilities, byte[] labels, float[] targets)
      implements Serializable {
    /** Rows per {@code output} call: large enough to amortise the call, small enough for the cache. */
    private static final int SCORING_BATCH = 4096;

    static ScoredChunk of(ChunkModel.Probabilities model, FeatureChunk chunk,
        List<SlotShuffle> variants, int outputs) {
      int rows = chunk.rows();
      byte[] labels = new byte[rows];
      float[] targets = new float[rows];
      for (int row = 0; row < rows; row++) {
        labels[row] = (byte) chunk.label(row);
        targets[row] = chunk.target(row);
      }
      float[][] probabilities = new float[variants.size()][];
      for (int v = 0; v < variants.size(); v++) {
        probabilities[v] = probabilities(model, chunk, variants.get(v), outputs);
      }
      return new ScoredChunk(probabilities, labels, targets);
    }

    /**
     * The chunk's probabilities, {@code outputs} per row (the positive class's, or every class's
     * row-major), with {@code shuffle} applied (null: none).
     */
    private static float[] probabilities(ChunkModel.Probabilities model, FeatureChunk chunk,
        SlotShuffle shuffle, int outputs) {
      int rows = chunk.rows();
      int width = chunk.width();
      float[] probabilities = new float[rows * outputs];
      float[] batch = new float[Math.min(rows, SCORING_BATCH) * width];
      float[] donor = shuffle == null ? null : new float[width];
      SeededPermutation donors = shuffle == null ? null
          : new SeededPermutation(rows, shuffle.seed());
      for (int start = 0; start < rows; start += SCORING_BATCH) {
        int size = Math.min(SCORING_BATCH, rows - start);
        for (int i = 0; i < size; i++) {
          chunk.copyFeatures(start + i, batch, i * width);
          if (shuffle != null) {
            chunk.copyFeatures(donors.apply(start + i), donor, 0);
            System.arraycopy(donor, shuffle.start(), batch, i * width + shuffle.start(),
                shuffle.end() - shuffle.start());
          }
        }
        float[] input = size * width == batch.length ? batch : java.util.Arrays.copyOf(batch,
            size * width);
        System.arraycopy(model.of(input, size, width), 0, probabilities, start * outputs,
            size * outputs);
      }
      return probabilities;
    }
  }

  /**
   * A row-major {@code rows} x {@code columns} matrix of {@code values}, copied in bulk into a fresh
   * off-heap buffer. Why not {@code Nd4j.createFromArray}: it stores the floats one {@code put} at a
   * time, which was a fifth of the Java time of a flights-3m epoch (its minibatches and the
   * validation rows pass through here).
   */
  static INDArray matrix(float[] values, int rows, int columns) {
    INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
    matrix.data().asNioFloat().put(values, 0, rows * columns);
    // A write through the NIO view is not seen by a GPU backend, whose device copy would stay the
    // current one; ND4J's own put says so the same way (a no-op on the CPU).
    Nd4j.getAffinityManager().tagLocation(matrix, AffinityManager.Location.HOST);
    return matrix;
  }

  /** Drops the cached chunks and the driver's copy. */
  public void release() {
    chunks.unpersist(false);
    onDriver = null;
    probe = null;
  }

  @Override
  public String toString() {
    return split + ": " + rows() + " rows (" + (classes == NUMBER ? String.format(
        java.util.Locale.ROOT, "numbers of mean %.4g, standard deviation %.4g", targetMean,
        targetDeviation) : classes == NetworkFactory.CLASSES ? positives() + " positive"
        : "by class " + java.util.Arrays.toString(rowsPerClass))
        + ") in " + partitions() + " partitions";
  }

  /** The chunks of one cached partition seen as one indexed list of rows. */
  static final class PartitionRows {
    private final List<FeatureChunk> chunks = new ArrayList<>();
    private final int[] starts;

    PartitionRows(Iterator<FeatureChunk> partition) {
      partition.forEachRemaining(chunks::add);
      starts = new int[chunks.size() + 1];
      for (int i = 0; i < chunks.size(); i++) {
        starts[i + 1] = starts[i] + chunks.get(i).rows();
      }
    }

    int size() {
      return starts[chunks.size()];
    }

    List<FeatureChunk> chunks() {
      return chunks;
    }

    private int chunkOf(int row) {
      int index = java.util.Arrays.binarySearch(starts, row);
      return index >= 0 ? index : -index - 2;
    }

    int label(int row) {
      int chunk = chunkOf(row);
      return chunks.get(chunk).label(row - starts[chunk]);
    }

    float target(int row) {
      int chunk = chunkOf(row);
      return chunks.get(chunk).target(row - starts[chunk]);
    }

    void copyFeatures(int row, float[] target, int offset) {
      int chunk = chunkOf(row);
      chunks.get(chunk).copyFeatures(row - starts[chunk], target, offset);
    }
  }
}
