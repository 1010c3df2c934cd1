package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import scala.collection.mutable.WrappedArray;

/** The features table's sparse layout, read back dense, and the older dense layout still read. */
class FeatureTableTest {
  private static final StructType RAW = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("a", DataTypes.DoubleType, true)
      .add("b", DataTypes.DoubleType, true)
      .add("city", DataTypes.StringType, true)
      .add("when", DataTypes.TimestampType, true);

  /** a standardised, b standardised, their product, city one-hot: a = its mean gives 0 x b = -0.0. */
  private static FeatureModel model() {
    return new FeatureModel(FeatureModel.FORMAT_VERSION,
        new FeatureModel.FitProvenance("toy", "2026-12-03", "run", "train", 3, "splits", 0, 0),
        List.of(FeatureModel.NumericFeature.standardised("a", 2, 2, 1, false),
            FeatureModel.NumericFeature.standardised("b", 0, 0, 2, true)),
        List.of(FeatureModel.CategoricalFeature.oneHot("city", List.of("x", "y"), 2L, 0L)),
        List.of(), List.of(), List.of(new FeatureModel.ProductFeature(List.of("a", "b"))),
        List.of());
  }

  private static Dataset<Row> raw() {
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("r1", 2.0, -3.0, "x", null),
        RowFactory.create("r2", 5.0, null, "z", null),
        RowFactory.create("r3", null, 4.0, null, null)), RAW);
  }

  @Test
  void sparseRowsReadBackBitIdenticalToTheVectorizerWithNegativeZeroKept() {
    FeatureModel model = model();
    Dataset<Row> stored = new FeatureTransform(model).transformSparse(raw(),
        List.of("_record_id"));
    assertEquals(List.of("_record_id", FeatureTransform.FEATURES_SPARSE),
        List.of(stored.columns()));
    List<Row> rows = FeatureTable.withDenseVectors(stored).join(raw(), "_record_id")
        .orderBy("_record_id").collectAsList();
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    for (Row row : rows) {
      Map<String, Object> record = new HashMap<>();
      for (String column : model.inputColumns()) {
        record.put(column, row.get(row.fieldIndex(column)));
      }
      double[] expected = vectorizer.vectorize(record::get);
      double[] read = row.<Double>getList(row.fieldIndex(FeatureTransform.FEATURES)).stream()
          .mapToDouble(Double::doubleValue).toArray();
      assertEquals(expected.length, read.length);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(read[i]),
            row.getString(0) + " slot " + i + ": " + expected[i] + " vs " + read[i]);
      }
    }
    // r1: a at its mean (0.0), b = -1.5, product -0.0, stored as an entry of its own.
    double[] first = rows.get(0).<Double>getList(rows.get(0).fieldIndex(FeatureTransform.FEATURES))
        .stream().mapToDouble(Double::doubleValue).toArray();
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(first[6]));
    Row sparse = stored.orderBy("_record_id").head().getStruct(1);
    assertEquals(7, sparse.getInt(0));
    assertEquals(List.of(1, 3, 6), sparse.getList(1));
  }

  @Test
  void aTableOfTheDenseLayoutIsReadAsItIs() {
    Dataset<Row> dense = SparkTestSession.get().createDataFrame(List.of(
            RowFactory.create("r1", WrappedArray.make(new double[] {1, 0, 2}))),
        new StructType().add("_record_id", DataTypes.StringType)
            .add(FeatureTransform.FEATURES, new ArrayType(DataTypes.DoubleType, false)));
    assertTrue(dense == FeatureTable.withDenseVectors(dense));
  }

  @Test
  void aTableWithBothLayoutsReadsEachRowFromTheColumnItWasWrittenIn() {
    StructType schema = new StructType().add("_record_id", DataTypes.StringType)
        .add(FeatureTransform.FEATURES, new ArrayType(DataTypes.DoubleType, false), true)
        .add(FeatureTransform.FEATURES_SPARSE, FeatureTransform.SPARSE_TYPE, true);
    Dataset<Row> mixed = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("old", WrappedArray.make(new double[] {1, 0, 2}), null),
        RowFactory.create("new", null, RowFactory.create(3, WrappedArray.make(new int[] {2}),
            WrappedArray.make(new double[] {5})))), schema);
    Dataset<Row> read = FeatureTable.withDenseVectors(mixed);
    assertEquals(List.of("_record_id", FeatureTransform.FEATURES), List.of(read.columns()));
    Map<String, double[]> vectors = new HashMap<>();
    for (Row row : read.collectAsList()) {
      vectors.put(row.getString(0), row.<Double>getList(1).stream()
          .mapToDouble(Double::doubleValue).toArray());
    }
    assertArrayEquals(new double[] {1, 0, 2}, vectors.get("old"));
    assertArrayEquals(new double[] {0, 0, 5}, vectors.get("new"));
  }

  @Test
  void aTableWithoutVectorsFailsNamingBothLayouts() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> FeatureTable.withDenseVectors(raw()));
    assertTrue(error.getMessage().contains("no features_sparse or features column"),
        error.getMessage());
    assertTrue(error.getMessage().contains("re-run features"), error.getMessage());
  }
}
