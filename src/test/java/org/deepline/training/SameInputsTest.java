package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.metrics.ScoredLabels;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** Constant predictions on validation rows that are one vector, or several. */
class SameInputsTest {
  private static final StructType SCHEMA = new StructType()
      .add("_split", DataTypes.StringType, false)
      .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
  private static final ScoredLabels CONSTANT = new ScoredLabels(
      new float[] {0.62f, 0.62f, 0.62f}, new byte[] {1, 0, 1});

  private static Dataset<Row> features(double[] secondValidationRow) {
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("train", new double[] {1, 0, 0.5}),
        RowFactory.create("validation", new double[] {0, 1, 0.0}),
        RowFactory.create("validation", secondValidationRow),
        RowFactory.create("validation", new double[] {0, 1, 0.0})), SCHEMA);
  }

  @Test
  void validationRowsThatAreOneVectorFailAsTheInputsFault() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> SameInputs.requireValidationRowsApart(features(new double[] {0, 1, 0.0}), CONSTANT));

    assertEquals(DeeplineException.Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().startsWith("train: every validation row reaches the network as "
        + "the same input vector"), error.getMessage());
  }

  @Test
  void rowsThatDifferOrPredictionsThatVaryPass() {
    // Constant predictions on rows that differ: CollapseGuard's case, not this one.
    assertDoesNotThrow(() -> SameInputs.requireValidationRowsApart(
        features(new double[] {0, 1, 0.3}), CONSTANT));
    // Predictions that vary need no look at the rows.
    assertDoesNotThrow(() -> SameInputs.requireValidationRowsApart(
        features(new double[] {0, 1, 0.0}),
        new ScoredLabels(new float[] {0.2f, 0.7f, 0.4f}, new byte[] {1, 0, 1})));
  }
}
