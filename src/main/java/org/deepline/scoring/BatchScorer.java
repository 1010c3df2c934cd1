package org.deepline.scoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTransform;
import org.deepline.features.FeatureVectorizer;
import org.deepline.training.EnsembleSpec;
import org.deepline.training.ModelBundle;
import org.deepline.training.PromotedBaseline;
import scala.Function1;

/**
 * Scores raw rows with a model bundle: from each row's {@value RecordIds#RECORD_ID} and the raw input
 * columns of the bundle's feature model to ({@value RecordIds#RECORD_ID}, {@value #PROBABILITY}).
 *
 * <pre>{@code
 * Dataset<Row> scored = new BatchScorer(bundle, 4096).transform(silver);
 * }</pre>
 *
 * <p>Why this shape: the first version vectorised into an {@code array<double>} column, read it back
 * as boxed {@code List<Double>} and rebuilt every row with a new column, scoring 146 k rows/s where
 * ND4J alone does about ten times that. Here one pass over Spark's internal rows writes each record's
 * non-zero inputs straight into a minibatch of (slot, value) entries
 * ({@link FeatureVectorizer#vectorizeSparse}), scores the minibatch in one call of the model's
 * {@link Predictor} (a network, or an ensemble whose members each take the same minibatch)
 * ({@link Predictor#probabilities(int[], int[], float[], int)}: a one-hot vector costs its few
 * non-zero entries, not its full width) and emits two-column rows; the model (a network or an
 * ensemble's members) is restored once per concurrent task slot of an executor and reused by the following tasks, not once per partition.
 * The vectoriser is the one {@link ModelScorer} uses for single records, so both give the same
 * vector for the same record.
 */
public final class BatchScorer {
  public static final String PROBABILITY = "probability";
  /** The outputs of a regression model: its number, as the network's one output unit gives it. */
  static final int NUMBER = 1;
  /**
   * A multi-class model's probability of each class, in the order of its classes
   * ({@code ModelMetadata.classes}); {@value #PROBABILITY} is then the largest of them.
   */
  public static final String CLASS_PROBABILITIES = "class_probabilities";

  private final ModelBundle bundle;
  private final int batchSize;
  /**
   * The model as the executors get it, made by the first {@link #transform} and reused by the
   * later ones: a stream's micro-batches then restore the network once per task slot, not once a
   * batch ({@link #borrow} keeps the predictors of the latest broadcast only).
   */
  private Broadcast<ScoringModel> broadcast;

  /** The model this scorer scores with. */
  public ModelBundle bundle() {
    return bundle;
  }

  public BatchScorer(ModelBundle bundle, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
    }
    this.bundle = bundle;
    this.batchSize = batchSize;
  }

  /**
   * The output schema, checked before any data is read: the record id and every input column of the
   * feature model must be there with a usable type ({@link FeatureTransform#transformSchema}).
   */
  public StructType transformSchema(StructType input) {
    return transformSchema(input, List.of());
  }

  /**
   * {@link #transformSchema(StructType)} of {@link #transform(Dataset, List)}: the record id, the
   * {@code carried} columns as the input has them, then the probability.
   */
  public StructType transformSchema(StructType input, List<String> carried) {
    if (!Arrays.asList(input.fieldNames()).contains(RecordIds.RECORD_ID)) {
      throw new DeeplineException("score: input has no " + RecordIds.RECORD_ID + " column");
    }
    DataType idType = input.apply(RecordIds.RECORD_ID).dataType();
    if (idType != DataTypes.StringType) {
      throw new DeeplineException("score: " + RecordIds.RECORD_ID + " has type "
          + idType.simpleString() + ", expected string");
    }
    List<String> present = Arrays.asList(input.fieldNames());
    StructType inputs = new StructType();
    for (String column : featureModel().inputColumns()) {
      if (present.contains(column)) {
        inputs = inputs.add(input.apply(column));
      }
    }
    // Fails naming the missing or mistyped input columns; the other columns do not matter.
    new FeatureTransform(featureModel()).transformSchema(
        present.containsAll(featureModel().inputColumns()) ? inputs : input);
    StructType output = new StructType().add(RecordIds.RECORD_ID, DataTypes.StringType, false);
    for (String column : carried) {
      if (!present.contains(column)) {
        throw new DeeplineException("score: input has no " + column + " column to carry");
      }
      output = output.add(input.apply(column));
    }
    if (bundle.metadata().isRegression()) {
      return output.add(ScoreJob.PREDICTION, DataTypes.DoubleType, false);
    }
    output = output.add(PROBABILITY, DataTypes.DoubleType, false);
    return bundle.metadata().isMulticlass() ? output.add(CLASS_PROBABILITIES,
        DataTypes.createArrayType(DataTypes.DoubleType, false), false) : output;
  }

  public Dataset<Row> transform(Dataset<Row> input) {
    return transform(input, List.of());
  }

  /**
   * {@link #transform(Dataset)} keeping each row's {@code carried} columns beside its record id:
   * what tells apart the rows of one record id where the input holds several, such as a stream of a
   * table's changes (each record's run date and table version).
   */
  public Dataset<Row> transform(Dataset<Row> input, List<String> carried) {
    StructType output = transformSchema(input.schema(), carried);
    List<String> columns = featureModel().inputColumns();
    List<Column> projection = new ArrayList<>();
    projection.add(functions.col(RecordIds.RECORD_ID));
    carried.forEach(c -> projection.add(functions.col(Columns.quote(c))));
    columns.forEach(c -> projection.add(functions.col(Columns.quote(c))));
    Dataset<Row> projected = input.select(projection.toArray(Column[]::new));
    int firstInput = 1 + carried.size();
    DataType[] carriedTypes = new DataType[carried.size()];
    for (int i = 0; i < carriedTypes.length; i++) {
      carriedTypes[i] = projected.schema().fields()[i + 1].dataType();
    }
    DataType[] types = new DataType[columns.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = projected.schema().fields()[i + firstInput].dataType();
    }
    Broadcast<ScoringModel> model = broadcast(input.sparkSession());
    int rowsPerBatch = batchSize;
    List<String> names = List.copyOf(columns);
    int classes = bundle.metadata().isMulticlass() ? bundle.metadata().classes().size()
        : bundle.metadata().isRegression() ? NUMBER : 0;
    JavaRDD<InternalRow> scored = projected.queryExecution().toRdd().toJavaRDD().mapPartitions(
        rows -> new ScoringIterator(rows, model, names, carriedTypes, types, rowsPerBatch,
            classes));
    return input.sparkSession().internalCreateDataFrame(scored.rdd(), output, false);
  }

  private synchronized Broadcast<ScoringModel> broadcast(
      org.apache.spark.sql.SparkSession spark) {
    if (broadcast == null) {
      broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .broadcast(new ScoringModel(bundle, featureModel()));
    }
    return broadcast;
  }

  private FeatureModel featureModel() {
    return bundle.metadata().featureModel();
  }

  /**
   * What every task needs: the network's bytes (and an ensemble's: its spec and members' bytes; a
   * promoted baseline's: its spec and file) and the feature model.
   */
  private record ScoringModel(byte[] networkBytes, EnsembleSpec ensemble,
      PromotedBaseline baseline, Map<String, byte[]> memberFiles, int inputWidth,
      FeatureModel featureModel) implements Serializable {
    ScoringModel(ModelBundle bundle, FeatureModel featureModel) {
      this(bundle.networkBytes(), bundle.metadata().ensemble(), bundle.metadata().baseline(),
          scoringFiles(bundle), bundle.metadata().inputWidth(), featureModel);
    }

    /** The member files the model scores with: not the saved ladder rungs, which only evaluate reads. */
    private static Map<String, byte[]> scoringFiles(ModelBundle bundle) {
      Map<String, byte[]> files = new HashMap<>(bundle.memberFiles());
      bundle.metadata().ladder().forEach(rung -> files.remove(rung.file()));
      return files;
    }

    Predictor predictor() {
      return Predictor.of(ensemble, baseline, networkBytes, memberFiles, inputWidth);
    }
  }

  /**
   * Predictors (networks, or ensembles of members) restored on this executor, by the broadcast
   * that carried them: a task borrows an idle one (restoring one only when all are busy) and gives
   * it back when its partition is done, so an executor restores as many as it runs tasks at once. Only the latest model is kept.
   */
  private static final Map<Long, Queue<Predictor>> IDLE = new ConcurrentHashMap<>();

  private static Predictor borrow(Broadcast<ScoringModel> model) {
    Queue<Predictor> idle = IDLE.get(model.id());
    if (idle == null) {
      IDLE.keySet().removeIf(id -> id != model.id());
      idle = IDLE.computeIfAbsent(model.id(), id -> new ConcurrentLinkedQueue<>());
    }
    Predictor scorer = idle.poll();
    return scorer != null ? scorer : model.value().predictor();
  }

  private static void giveBack(Broadcast<ScoringModel> model, Predictor scorer) {
    Queue<Predictor> idle = IDLE.get(model.id());
    if (idle != null) {
      idle.offer(scorer);
    }
  }

  /**
   * Pulls up to a minibatch of rows, vectorises them into one float array, scores it in one network
   * call, then hands out (record id, probability) rows; static so that the task captures no scorer.
   */
  private static final class ScoringIterator implements Iterator<InternalRow> {
    private final Iterator<InternalRow> rows;
    private final Broadcast<ScoringModel> model;
    private final FeatureVectorizer vectorizer;
    private final Map<String, Integer> positions = new HashMap<>();
    private final DataType[] types;
    private final Function1<Object, Object>[] converters;
    private final Object[] raw;
    /** The minibatch as its rows' non-zero inputs ({@link Predictor#probabilities}). */
    private final int[] rowStarts;
    private final int[] slots;
    private final float[] values;
    private final UTF8String[] ids;
    /** The carried columns' types, and each minibatch row's values of them. */
    private final DataType[] carriedTypes;
    private final Object[][] carried;
    private Predictor scorer;
    private float[] probabilities = new float[0];
    /**
     * A multi-class model's classes (0 for a 0/1 label's, {@value #NUMBER} for a regression
     * model's number), and its minibatch's probabilities (numbers).
     */
    private final int classes;
    private float[] classProbabilities = new float[0];
    private int size;
    private int next;

    @SuppressWarnings("unchecked")
    ScoringIterator(Iterator<InternalRow> rows, Broadcast<ScoringModel> model, List<String> columns,
        DataType[] carriedTypes, DataType[] types, int batchSize, int classes) {
      this.rows = rows;
      this.classes = classes;
      this.model = model;
      this.vectorizer = new FeatureVectorizer(model.value().featureModel());
      this.types = types;
      this.converters = new Function1[types.length];
      for (int i = 0; i < types.length; i++) {
        positions.put(columns.get(i), i);
        // The same Java values the Dataset API hands out (String, Long, Timestamp, ...).
        converters[i] = CatalystTypeConverters.createToScalaConverter(types[i]);
      }
      this.raw = new Object[types.length];
      this.rowStarts = new int[batchSize + 1];
      this.slots = new int[batchSize * vectorizer.width()];
      this.values = new float[batchSize * vectorizer.width()];
      this.ids = new UTF8String[batchSize];
      this.carriedTypes = carriedTypes;
      this.carried = new Object[batchSize][carriedTypes.length];
    }

    @Override
    public boolean hasNext() {
      if (next < size) {
        return true;
      }
      if (!rows.hasNext()) {
        release();
        return false;
      }
      fill();
      return size > 0;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int row = next++;
      Object[] values = new Object[carriedTypes.length + (classes > NUMBER ? 3 : 2)];
      values[0] = ids[row];
      System.arraycopy(carried[row], 0, values, 1, carriedTypes.length);
      if (classes == 0) {
        values[values.length - 1] = (double) probabilities[row];
        return new GenericInternalRow(values);
      }
      if (classes == NUMBER) {
        values[values.length - 1] = (double) classProbabilities[row];
        return new GenericInternalRow(values);
      }
      double[] byClass = new double[classes];
      double largest = 0;
      for (int c = 0; c < classes; c++) {
        byClass[c] = classProbabilities[row * classes + c];
        largest = Math.max(largest, byClass[c]);
      }
      values[values.length - 2] = largest;
      values[values.length - 1] = UnsafeArrayData.fromPrimitiveArray(byClass);
      return new GenericInternalRow(values);
    }

    private void fill() {
      if (scorer == null) {
        scorer = borrow(model);
      }
      size = 0;
      next = 0;
      while (size < ids.length && rows.hasNext()) {
        InternalRow row = rows.next();
        // Rows of a scan are reused buffers: keep a copy of the id, not a view into the buffer.
        ids[size] = row.getUTF8String(0).clone();
        for (int i = 0; i < carriedTypes.length; i++) {
          carried[size][i] = row.isNullAt(i + 1) ? null : copied(row.get(i + 1, carriedTypes[i]));
        }
        int firstInput = 1 + carriedTypes.length;
        for (int i = 0; i < types.length; i++) {
          raw[i] = row.isNullAt(i + firstInput) ? null
              : converters[i].apply(row.get(i + firstInput, types[i]));
        }
        try {
          rowStarts[size + 1] = vectorizer.vectorizeSparse(column -> raw[positions.get(column)],
              slots, values, rowStarts[size]);
        } catch (IllegalArgumentException e) {
          throw new DeeplineException("score: record " + ids[size] + ": " + e.getMessage());
        }
        size++;
      }
      if (classes == 0) {
        probabilities = scorer.probabilities(rowStarts, slots, values, size);
      } else {
        classProbabilities = scorer.classProbabilities(rowStarts, slots, values, size);
      }
    }

    /** A value that outlives the scan's reused row buffer. */
    private static Object copied(Object value) {
      if (value instanceof UTF8String text) {
        return text.clone();
      }
      if (value instanceof InternalRow struct) {
        return struct.copy();
      }
      if (value instanceof ArrayData array) {
        return array.copy();
      }
      return value instanceof MapData map ? map.copy() : value;
    }

    private void release() {
      if (scorer != null) {
        giveBack(model, scorer);
        scorer = null;
      }
    }
  }
}
