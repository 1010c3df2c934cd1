package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.metrics.BinaryMetrics.Binning;
import org.deepline.metrics.BinaryMetrics.Calibration;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  private static final double EXACT = 1e-12;
  private static final StructType SCORED = new StructType()
      .add("score", DataTypes.DoubleType, false)
      .add("label", DataTypes.DoubleType, false);
  /** Rows per probability level of the synthetic sets: 100, so every rate is a whole percentage. */
  private static final int ROWS_PER_LEVEL = 100;

  @Test
  void perfectlyCalibratedScoresHaveNoCalibrationError() {
    // At probability 0.05, 0.15, ..., 0.95 exactly that share of the rows is positive.
    Calibration calibration = summarize(synthetic(false), Binning.EQUAL_WIDTH).calibration();

    assertEquals(10, calibration.bins().size());
    assertEquals(0.0, calibration.expectedCalibrationError(), EXACT);
    assertEquals(0.0, calibration.maxCalibrationError(), EXACT);
  }

  @Test
  void overconfidentScoresAreCaught() {
    // The same labels, but each probability pushed halfway to 0 or 1: a level of 0.15 now claims
    // 0.075 and 0.85 claims 0.925. Each bin is off by half its distance to the nearer extreme,
    // (0.025 + 0.075 + 0.125 + 0.175 + 0.225) * 2 / 10 = 0.125.
    Calibration calibration = summarize(synthetic(true), Binning.EQUAL_WIDTH).calibration();

    assertEquals(0.125, calibration.expectedCalibrationError(), 1e-9);
    assertEquals(0.225, calibration.maxCalibrationError(), 1e-9);
  }

  @Test
  void equalMassBinsAreCutAtQuantiles() {
    // Four rows at 0.1, 0.2, 0.3, 0.9, two bins: the median cuts between 0.2 and 0.3.
    List<Row> rows = List.of(RowFactory.create(0.1, 0.0), RowFactory.create(0.2, 0.0),
        RowFactory.create(0.3, 1.0), RowFactory.create(0.9, 1.0));
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rows, SCORED);

    Calibration calibration = BinaryMetrics.summarize(frame, "score", "label",
        BinaryMetrics.options().calibration(2, Binning.EQUAL_MASS)).calibration();

    assertEquals(Binning.EQUAL_MASS, calibration.binning());
    assertEquals(2, calibration.bins().size());
    CalibrationBin low = calibration.bins().get(0);
    CalibrationBin high = calibration.bins().get(1);
    assertEquals(0.0, low.lower());
    assertEquals(0.2, low.upper(), EXACT);
    assertEquals(List.of(1L, 3L), List.of(low.count(), high.count()));
    // Spark's approximate median of four values is the second: 0.2, so [0.2, 1] holds 0.2.
    assertEquals((0.2 + 0.3 + 0.9) / 3, high.meanPredicted(), EXACT);
    assertEquals(2 / 3.0, high.observedRate(), EXACT);
  }

  private static BinaryMetrics.Summary summarize(Dataset<Row> frame, Binning binning) {
    return BinaryMetrics.summarize(frame, "score", "label",
        BinaryMetrics.options().calibration(10, binning));
  }

  /** 1000 rows: 100 at each of 0.05, ..., 0.95, of which 5, 15, ..., 95 positive. */
  private static Dataset<Row> synthetic(boolean overconfident) {
    List<Row> rows = new ArrayList<>();
    for (int level = 0; level < 10; level++) {
      double probability = 0.05 + 0.1 * level;
      long positives = Math.round(probability * ROWS_PER_LEVEL);
      double claimed = overconfident
          ? (probability < 0.5 ? probability / 2 : probability + (1 - probability) / 2)
          : probability;
      for (int i = 0; i < ROWS_PER_LEVEL; i++) {
        rows.add(RowFactory.create(claimed, i < positives ? 1.0 : 0.0));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, SCORED);
  }
}
