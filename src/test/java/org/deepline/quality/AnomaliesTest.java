package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.quality.MetricsTable.PastMetric;
import org.junit.jupiter.api.Test;

class AnomaliesTest {
  private static final AnomalyCheckConfig ROWS_10_PERCENT =
      new AnomalyCheckConfig("rows", null, 10.0, null, 3, null);
  private static final AnomalyCheckConfig NULLS_3_SD =
      new AnomalyCheckConfig("null_fraction", "delay", null, 3.0, null, "warning");

  /** 1,000 rows, delay null in {@code nulls} of them. */
  private static TableProfile profile(long rows, long nulls) {
    return new TableProfile(rows, List.of(new ColumnProfile("delay", "bigint", nulls, 10L, "1", "9",
        5.0, 1.0, Map.of(), List.of(), List.of())));
  }

  private static List<PastMetric> rows(double... newestFirst) {
    List<PastMetric> history = new java.util.ArrayList<>();
    for (int i = 0; i < newestFirst.length; i++) {
      history.add(new PastMetric("2026-11-" + (20 - i), null, "rows", newestFirst[i]));
    }
    return history;
  }

  @Test
  void numbersInMessagesKeepTheirZerosBeforeTheDecimalPoint() {
    // Broken before: %.6g prints 100000 without a point, and stripping zeros made it "1".
    assertEquals("100000", Anomalies.number(100_000));
    assertEquals("250000", Anomalies.number(250_000));
    assertEquals("0.25", Anomalies.number(0.25));
    assertEquals("7043", Anomalies.number(7_043));
    assertEquals("1.5e+06", Anomalies.number(1_500_000));
    assertEquals("infinity", Anomalies.number(Double.POSITIVE_INFINITY));
  }

  @Test
  void withoutHistoryTheCheckPassesAndSaysSo() {
    ConstraintResult result = Anomalies.evaluate(List.of(ROWS_10_PERCENT), profile(1000, 0),
        List.of()).get(0);
    assertTrue(result.passed());
    assertEquals(1000.0, result.value());
    assertEquals("no history: no earlier run has this metric", result.expectation());
    assertEquals("anomaly:rows", result.name());
  }

  @Test
  void aRowCountThatMovedMoreThanTheLimitFires() {
    // Mean of the last 3 runs is 1,000 (the 4th, 5,000, is older than history_runs).
    ConstraintResult result = Anomalies.evaluate(List.of(ROWS_10_PERCENT), profile(1200, 0),
        rows(1000, 900, 1100, 5000)).get(0);
    assertFalse(result.passed());
    assertEquals(Severity.ERROR, result.severity());
    assertEquals("within 10 % of 1000 (mean of 3 earlier runs), moved 20 %", result.expectation());
  }

  @Test
  void aRowCountWithinTheLimitDoesNotFire() {
    ConstraintResult result = Anomalies.evaluate(List.of(ROWS_10_PERCENT), profile(1050, 0),
        rows(1000, 900, 1100)).get(0);
    assertTrue(result.passed(), result.expectation());
  }

  @Test
  void aNullRateFarOutsideItsUsualSpreadFiresAsAWarning() {
    List<PastMetric> history = List.of(
        new PastMetric("2026-11-20", "delay", "null_fraction", 0.010),
        new PastMetric("2026-11-19", "delay", "null_fraction", 0.012),
        new PastMetric("2026-11-18", "delay", "null_fraction", 0.008),
        new PastMetric("2026-11-18", "other", "null_fraction", 0.9));
    ConstraintResult fired = Anomalies.evaluate(List.of(NULLS_3_SD), profile(1000, 50), history)
        .get(0);
    assertFalse(fired.passed());
    assertEquals(Severity.WARNING, fired.severity());
    assertEquals(0.05, fired.value());
    assertEquals("within 3 standard deviations (0.002) of 0.01 (mean of 3 earlier runs), is 20",
        fired.expectation());
    ConstraintResult usual = Anomalies.evaluate(List.of(NULLS_3_SD), profile(1000, 13), history)
        .get(0);
    assertTrue(usual.passed(), usual.expectation());
  }

  @Test
  void deviationsNeedTwoEarlierRunsAndZeroSpreadMakesAnyChangeAnAnomaly() {
    AnomalyCheckConfig sd = new AnomalyCheckConfig("rows", null, null, 3.0, 5, null);
    ConstraintResult one = Anomalies.evaluate(List.of(sd), profile(5000, 0), rows(1000)).get(0);
    assertTrue(one.passed());
    assertEquals("deviations not judged: 1 earlier run, 2 needed", one.expectation());
    assertFalse(Anomalies.evaluate(List.of(sd), profile(1001, 0), rows(1000, 1000)).get(0).passed());
    assertTrue(Anomalies.evaluate(List.of(sd), profile(1000, 0), rows(1000, 1000)).get(0).passed());
  }

  @Test
  void aChangeFromZeroIsInfinite() {
    assertEquals(Double.POSITIVE_INFINITY, Anomalies.percentChange(0.01, 0.0));
    assertEquals(0.0, Anomalies.percentChange(0.0, 0.0));
    assertEquals(50.0, Anomalies.percentChange(-3.0, -2.0));
  }

  @Test
  void aCheckOfAColumnTheTableLacksFailsBeforeReadingData() {
    StructType silver = new StructType().add("delay", DataTypes.LongType);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> Anomalies.checkSchema(List.of(
            new AnomalyCheckConfig("mean", "distance", 5.0, null, null, null)), silver));
    assertEquals("anomaly check anomaly:mean:distance: the table has no column distance; "
        + "columns: [delay]", error.getMessage());
  }
}
