package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.metrics.SliceMetrics.Slice;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class SliceMetricsTest {
  private static final double EXACT = 1e-12;
  private static final StructType SCORED = new StructType()
      .add("segment", DataTypes.StringType, true)
      .add("channel", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("label", DataTypes.DoubleType, false);

  @Test
  void everySliceGetsItsOwnMetrics() {
    List<Slice> slices = SliceMetrics.compute(frame(), "probability", "label",
        List.of("segment", "channel"), 2, 0.5);

    assertEquals(List.of("segment=(null)", "segment=a", "segment=b", "channel=web"),
        slices.stream().map(Slice::name).toList());
    Slice a = slices.get(1);
    // a: 0.9+ 0.6- 0.2-. At 0.5: tp 1 (0.9), fp 1 (0.6), tn 1. The positive outranks both negatives.
    assertEquals(3, a.rows());
    assertEquals(1, a.positives());
    assertEquals(2 / 3.0, a.accuracy(), EXACT);
    assertEquals(0.5, a.precision(), EXACT);
    assertEquals(1.0, a.recall(), EXACT);
    assertEquals(2 / 3.0, a.f1(), EXACT);
    assertEquals(1.0, a.rocAuc(), EXACT);
    assertEquals(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.8)) / 3, a.logLoss(), EXACT);
    assertEquals((0.01 + 0.36 + 0.04) / 3, a.brier(), EXACT);
    // b: 0.7+ 0.4+ 0.4-. The tie counts half: (1 + 0.5) / 2. At 0.5: tp 1, fn 1, tn 1.
    Slice b = slices.get(2);
    assertEquals(0.75, b.rocAuc(), EXACT);
    assertEquals(0.5, b.recall(), EXACT);
    assertEquals(1.0, b.precision(), EXACT);
    // The null slice holds one negative: no ROC AUC, and too small to judge.
    Slice missing = slices.get(0);
    assertEquals(1, missing.rows());
    assertTrue(Double.isNaN(missing.rocAuc()));
    assertFalse(missing.judged());
    assertTrue(a.judged());
    assertEquals(7, slices.get(3).rows());
    assertEquals(a.rocAuc(), a.metric("roc_auc"));
  }

  @Test
  void aSliceColumnAbsentFromTheDataIsNamed() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> SliceMetrics.compute(
        frame(), "probability", "label", List.of("region"), 2, 0.5));

    assertTrue(error.getMessage().contains("no column 'region'"), error.getMessage());
    assertTrue(error.getMessage().contains("segment"), error.getMessage());
  }

  private static Dataset<Row> frame() {
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("a", "web", 0.9, 1.0),
        RowFactory.create("a", "web", 0.6, 0.0),
        RowFactory.create("a", "web", 0.2, 0.0),
        RowFactory.create("b", "web", 0.7, 1.0),
        RowFactory.create("b", "web", 0.4, 1.0),
        RowFactory.create("b", "web", 0.4, 0.0),
        RowFactory.create(null, "web", 0.3, 0.0)), SCORED);
  }
}
