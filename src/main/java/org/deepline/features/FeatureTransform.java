package org.deepline.features;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.mutable.WrappedArray;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.etl.RecordIds;
import org.deepline.sampling.StratifiedSplitter;

/**
 * Applies a fitted {@link FeatureModel} to a Dataset: appends a {@value #FEATURES} column (array of
 * doubles) computed by {@link FeatureVectorizer}, keeping every input column.
 *
 * <pre>{@code
 * Dataset<Row> withFeatures = new FeatureTransform(model).transform(silver);
 * }</pre>
 */
public final class FeatureTransform {
  public static final String FEATURES = "features";
  /** The features table's vector column, see {@link #transformSparse}. */
  public static final String FEATURES_SPARSE = "features_sparse";
  /**
   * A vector as the features table stores it: its width, and the slots other than +0.0 in
   * ascending order with their values (a -0.0 is kept, so the vector reads back bit-identical).
   */
  public static final StructType SPARSE_TYPE = new StructType()
      .add("size", DataTypes.IntegerType, false)
      .add("indices", new ArrayType(DataTypes.IntegerType, false), false)
      .add("values", new ArrayType(DataTypes.DoubleType, false), false);
  /** The fold key of a training row while it is vectorised; never in the output. */
  private static final String FOLD_KEY = "_fold_key";

  private final FeatureModel model;

  public FeatureTransform(FeatureModel model) {
    this.model = model;
  }

  /**
   * The output schema, checked before any data is read: every input column the model needs must be
   * there, numeric inputs must be numbers, booleans or strings, date/time inputs dates, timestamps or
   * strings, and no column may be called features.
   */
  public StructType transformSchema(StructType input) {
    List<String> names = List.of(input.fieldNames());
    List<String> missing = model.inputColumns().stream().filter(c -> !names.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new DeeplineException("features: input lacks column(s) " + missing + " the feature model "
          + "was fitted on (input has " + names + ")");
    }
    for (FeatureModel.NumericFeature f : model.numeric()) {
      DataType type = input.apply(f.name()).dataType();
      boolean usable = type instanceof org.apache.spark.sql.types.NumericType
          || type == DataTypes.BooleanType || type == DataTypes.StringType;
      if (!usable) {
        throw new DeeplineException("features: numeric input " + f.name() + " has type "
            + type.simpleString());
      }
    }
    for (FeatureModel.DateTimeFeature f : model.datetime()) {
      DataType type = input.apply(f.name()).dataType();
      boolean usable = type == DataTypes.TimestampType || type == DataTypes.TimestampNTZType
          || type == DataTypes.DateType || type == DataTypes.StringType;
      if (!usable) {
        throw new DeeplineException("features: date/time input " + f.name() + " has type "
            + type.simpleString() + "; it must be a date, a timestamp or ISO-8601 text");
      }
    }
    for (FeatureModel.PositionalFeature f : model.positional()) {
      DataType type = input.apply(f.name()).dataType();
      boolean usable = type instanceof org.apache.spark.sql.types.NumericType
          || type == DataTypes.TimestampType || type == DataTypes.TimestampNTZType
          || type == DataTypes.DateType || type == DataTypes.StringType;
      if (!usable) {
        throw new DeeplineException("features: position input " + f.name() + " has type "
            + type.simpleString() + "; it must be a number, a date, a timestamp or text of one");
      }
    }
    if (names.contains(FEATURES)) {
      throw new DeeplineException("features: input already has a column named " + FEATURES);
    }
    return input.add(new StructField(FEATURES, new ArrayType(DataTypes.DoubleType, false), false,
        org.apache.spark.sql.types.Metadata.empty()));
  }

  /**
   * {@code input} with each row's feature vector appended. Training rows (a {@value
   * StratifiedSplitter#SPLIT} of {@code train} next to a {@value RecordIds#RECORD_ID}) of a model with
   * target-encoded inputs are encoded out of fold; every other row as scoring encodes it.
   */
  public Dataset<Row> transform(Dataset<Row> input) {
    StructType output = transformSchema(input.schema());
    Map<String, Integer> positions = new HashMap<>();
    for (String column : model.inputColumns()) {
      positions.put(column, input.schema().fieldIndex(column));
    }
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    int inputWidth = input.schema().size();
    List<String> names = List.of(input.columns());
    Dataset<Row> keyed = input;
    int foldKeyAt = -1;
    if (model.hasOutOfFoldInputs() && names.contains(StratifiedSplitter.SPLIT)
        && names.contains(RecordIds.RECORD_ID)) {
      keyed = input.withColumn(FOLD_KEY, foldKey(model));
      foldKeyAt = inputWidth;
    }
    int foldKeyPosition = foldKeyAt;
    MapPartitionsFunction<Row, Row> apply =
        rows -> new VectorizingIterator(rows, vectorizer, positions, inputWidth, foldKeyPosition);
    return keyed.mapPartitions(apply, Encoders.row(output));
  }

  /**
   * The {@code keep} columns of {@code input} and each row's vector as the features table stores it,
   * {@value #FEATURES_SPARSE} ({@link #SPARSE_TYPE}: the width, then the slots other than +0.0 and
   * their values, from {@link FeatureVectorizer#vectorizeSparse(java.util.function.Function, Long,
   * int[], double[])}). Only the kept and input columns are read. Training rows are encoded as
   * {@link #transform} encodes them (out of fold where the model says so).
   *
   * <p>Why not the dense array: a one-hot vector of flights is 477 slots with 7 non-zero, and
   * Parquet encodes and decodes every slot of an array; writing the dense vectors cost three times
   * the whole MLlib pipeline (bench/README.md, features benchmark).
   */
  public Dataset<Row> transformSparse(Dataset<Row> input, List<String> keep) {
    transformSchema(input.schema());
    List<String> names = List.of(input.columns());
    List<String> read = new java.util.ArrayList<>(keep);
    model.inputColumns().stream().filter(c -> !read.contains(c)).forEach(read::add);
    List<Column> columns = new java.util.ArrayList<>(read.stream().map(Columns::col).toList());
    int foldKeyAt = -1;
    if (model.hasOutOfFoldInputs() && names.contains(StratifiedSplitter.SPLIT)
        && names.contains(RecordIds.RECORD_ID)) {
      foldKeyAt = columns.size();
      columns.add(foldKey(model).as(FOLD_KEY));
    }
    Dataset<Row> selected = input.select(columns.toArray(Column[]::new));
    Map<String, Integer> positions = new HashMap<>();
    for (String column : model.inputColumns()) {
      positions.put(column, read.indexOf(column));
    }
    StructType output = new StructType();
    for (String column : keep) {
      output = output.add(selected.schema().apply(column));
    }
    output = output.add(FEATURES_SPARSE, SPARSE_TYPE, false);
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    int kept = keep.size();
    int foldKeyPosition = foldKeyAt;
    MapPartitionsFunction<Row, Row> apply =
        rows -> new SparseIterator(rows, vectorizer, positions, kept, foldKeyPosition);
    return selected.mapPartitions(apply, Encoders.row(output));
  }

  /**
   * A training row's fold key ({@link TargetEncoder#foldKey}), as {@link FeatureFitter} groups
   * the target statistics by; null outside the training split.
   */
  static Column foldKey(FeatureModel model) {
    long seed = model.categorical().stream().filter(FeatureModel.CategoricalFeature::targetEncoded)
        .findFirst().orElseThrow().target().seed();
    return functions.when(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN),
        TargetEncoder.foldKey(seed));
  }

  /** Each row's kept columns and sparse vector; static so that the task does not capture the transform. */
  private static final class SparseIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final FeatureVectorizer vectorizer;
    private final Map<String, Integer> positions;
    private final int kept;
    private final int foldKeyAt;
    private final int[] slots;
    private final double[] values;

    SparseIterator(Iterator<Row> rows, FeatureVectorizer vectorizer, Map<String, Integer> positions,
        int kept, int foldKeyAt) {
      this.rows = rows;
      this.vectorizer = vectorizer;
      this.positions = positions;
      this.kept = kept;
      this.foldKeyAt = foldKeyAt;
      this.slots = new int[vectorizer.width()];
      this.values = new double[vectorizer.width()];
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Row next() {
      Row row = rows.next();
      Long foldKey = foldKeyAt < 0 || row.isNullAt(foldKeyAt) ? null : row.getLong(foldKeyAt);
      int entries = vectorizer.vectorizeSparse(column -> row.get(positions.get(column)), foldKey,
          slots, values);
      Object[] out = new Object[kept + 1];
      for (int i = 0; i < kept; i++) {
        out[i] = row.get(i);
      }
      out[kept] = RowFactory.create(vectorizer.width(),
          WrappedArray.make(java.util.Arrays.copyOf(slots, entries)),
          WrappedArray.make(java.util.Arrays.copyOf(values, entries)));
      return RowFactory.create(out);
    }
  }

  /** Appends each row's feature vector; static so that the task does not capture the transform. */
  private static final class VectorizingIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final FeatureVectorizer vectorizer;
    private final Map<String, Integer> positions;
    private final int inputWidth;
    /** Where the row's fold key is, or -1 when every row is encoded as at scoring. */
    private final int foldKeyAt;

    VectorizingIterator(Iterator<Row> rows, FeatureVectorizer vectorizer,
        Map<String, Integer> positions, int inputWidth, int foldKeyAt) {
      this.rows = rows;
      this.vectorizer = vectorizer;
      this.positions = positions;
      this.inputWidth = inputWidth;
      this.foldKeyAt = foldKeyAt;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Row next() {
      Row row = rows.next();
      Long foldKey = foldKeyAt < 0 || row.isNullAt(foldKeyAt) ? null : row.getLong(foldKeyAt);
      double[] vector = vectorizer.vectorize(column -> row.get(positions.get(column)), foldKey);
      Object[] values = new Object[inputWidth + 1];
      for (int i = 0; i < inputWidth; i++) {
        values[i] = row.get(i);
      }
      // External rows carry arrays as Scala sequences; wrapping does not copy the vector.
      values[inputWidth] = WrappedArray.make(vector);
      return RowFactory.create(values);
    }
  }
}
