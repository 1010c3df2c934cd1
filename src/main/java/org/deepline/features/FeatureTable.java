package org.deepline.features;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.deepline.core.DeeplineException;
import scala.collection.Seq;

/**
 * Reads the features table whatever layout wrote it. Since the sparse layout, {@code features}
 * writes each vector as {@value FeatureTransform#FEATURES_SPARSE} ({@link
 * FeatureTransform#SPARSE_TYPE}); tables written before hold a dense {@value
 * FeatureTransform#FEATURES} array, and a table written by both (older dates dense, newer sparse)
 * holds both columns, each null where the other layout wrote the row. A reader that needs dense
 * vectors goes through {@link #withDenseVectors}, which gives the dense array column,
 * bit-identical to what the vectorizer computes; the network's cached training and validation rows
 * are built from the stored vectors themselves ({@code TrainingData.cache}), without this copy.
 *
 * <pre>{@code
 * Dataset<Row> features = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows());
 * }</pre>
 */
public final class FeatureTable {
  private static final UserDefinedFunction DENSE = functions.udf(
      (UDF1<Row, double[]>) FeatureTable::dense,
      DataTypes.createArrayType(DataTypes.DoubleType, false));

  private FeatureTable() {}

  /**
   * {@code table} with its vectors as the dense {@value FeatureTransform#FEATURES} array (replacing
   * {@value FeatureTransform#FEATURES_SPARSE}); a table of the dense layout as it is.
   *
   * @throws DeeplineException when {@code table} has neither column
   */
  public static Dataset<Row> withDenseVectors(Dataset<Row> table) {
    List<String> columns = List.of(table.columns());
    boolean sparse = columns.contains(FeatureTransform.FEATURES_SPARSE);
    boolean dense = columns.contains(FeatureTransform.FEATURES);
    if (!sparse && !dense) {
      throw new DeeplineException("features table: no " + FeatureTransform.FEATURES_SPARSE
          + " or " + FeatureTransform.FEATURES + " column (columns " + columns
          + "); it was not written by the features stage: re-run features");
    }
    if (!sparse) {
      return table;
    }
    Column vector = DENSE.apply(functions.col(FeatureTransform.FEATURES_SPARSE));
    if (dense) {
      vector = functions.coalesce(vector, functions.col(FeatureTransform.FEATURES));
    }
    return table.withColumn(FeatureTransform.FEATURES, vector)
        .drop(FeatureTransform.FEATURES_SPARSE);
  }

  /** The dense vector of a stored sparse one (null for null). */
  static double[] dense(Row sparse) {
    if (sparse == null) {
      return null;
    }
    double[] vector = new double[sparse.getInt(0)];
    Seq<Object> slots = sparse.getSeq(1);
    Seq<Object> values = sparse.getSeq(2);
    for (int i = 0; i < slots.length(); i++) {
      vector[(Integer) slots.apply(i)] = (Double) values.apply(i);
    }
    return vector;
  }
}
