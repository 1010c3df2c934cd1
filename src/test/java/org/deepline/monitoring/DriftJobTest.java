package org.deepline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.monitoring.DriftJob.ColumnDrift;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** Buckets cut on the reference's deciles, counted in one aggregation, judged by the bars. */
class DriftJobTest {
  private static final MonitoringConfig DEFAULTS = MonitoringConfig.defaults();

  /** 1,000 rows of {@code x} = i / 1000 + shift, every tenth missing when {@code gaps}. */
  private static Dataset<Row> uniform(double shift, boolean gaps) {
    return SparkTestSession.get().range(1000).selectExpr(
        (gaps ? "CASE WHEN id % 10 = 0 THEN NULL ELSE " : "CASE WHEN false THEN NULL ELSE ")
            + "id / 1000.0 + " + shift + " END AS x");
  }

  private static ColumnDrift compared(Dataset<Row> reference, Dataset<Row> current) {
    return DriftJob.compare(reference, current,
        DriftJob.numericBucketings(reference, List.of("x")), DEFAULTS).get(0);
  }

  @Test
  void theSameRowsAreStableAndAShiftedColumnHasDrifted() {
    ColumnDrift same = compared(uniform(0, false), uniform(0, false));
    assertEquals(0.0, same.psi(), 1e-12);
    assertEquals(DriftJob.STABLE, same.verdict());
    assertEquals(1000, same.referenceRows());

    // Half a range up: the top decile's bucket holds 55 % of the rows, the bottom four none.
    ColumnDrift shifted = compared(uniform(0, false), uniform(0.5, false));
    assertTrue(shifted.psi() > DEFAULTS.alertPsi(), "psi " + shifted.psi());
    assertEquals(DriftJob.DRIFTED, shifted.verdict());
  }

  @Test
  void missingValuesHaveABucketOfTheirOwn() {
    ColumnDrift gaps = compared(uniform(0, false), uniform(0, true));
    assertEquals(0.0, gaps.referenceMissing());
    assertEquals(0.1, gaps.currentMissing(), 1e-12);
    // 10 % of the rows moved into a bucket the reference had none in.
    assertTrue(gaps.psi() > DEFAULTS.warnPsi(), "psi " + gaps.psi());
  }

  @Test
  void noTrainingRowsToMeasureAgainstFailsRatherThanSayingNothingMoved() {
    org.deepline.core.DeeplineException error = org.junit.jupiter.api.Assertions.assertThrows(
        org.deepline.core.DeeplineException.class, () -> DriftJob.requireReference(
            uniform(0, false).where("x < 0"), "train", "2026-12-07", "wh/silver", "wh/splits"));
    assertEquals("monitor: the model's training rows (split train of 2026-12-07) are not in "
        + "wh/silver and wh/splits any more, so drift has nothing to be measured against; ingest "
        + "and split that date again, or train a model on a date that has them",
        error.getMessage());
    DriftJob.requireReference(uniform(0, false), "train", "2026-12-07", "wh/silver", "wh/splits");
  }

  @Test
  void theBarsNameTheVerdictAndTheLogLineNamesWhatMoved() {
    assertEquals(DriftJob.STABLE, DriftJob.verdict(0.05, DEFAULTS));
    assertEquals(DriftJob.MOVED, DriftJob.verdict(0.1, DEFAULTS));
    assertEquals(DriftJob.DRIFTED, DriftJob.verdict(0.25, DEFAULTS));
    assertEquals(DriftJob.NO_ROWS, DriftJob.verdict(Double.NaN, DEFAULTS));

    List<ColumnDrift> drifts = List.of(
        new ColumnDrift("carat", DriftJob.NUMERIC, 0.41, 900, 200, 0.0, 0.0, DriftJob.DRIFTED),
        new ColumnDrift("cut", DriftJob.CATEGORICAL, 0.02, 900, 200, Double.NaN, Double.NaN,
            DriftJob.STABLE),
        new ColumnDrift(DriftJob.PROBABILITY_ROW, DriftJob.PREDICTION, 0.12, 1000, 200,
            Double.NaN, Double.NaN, DriftJob.MOVED));
    assertEquals("monitor: the rows of 2026-12-08 against the model's training rows of "
        + "2026-12-07: 2 of 3 moved (population stability index): carat 0.410 (drifted), the "
        + "model's probabilities 0.120 (moved); retrain on newer rows, or check the feed (wh/drift)",
        DriftJob.said(drifts, "2026-12-07", "2026-12-08", "wh/drift"));
    assertEquals("monitor: the rows of 2026-12-08 against the model's training rows of "
        + "2026-12-07: no input moved (largest population stability index 0.020, cut)",
        DriftJob.said(drifts.subList(1, 2), "2026-12-07", "2026-12-08", "wh/drift"));
    // A column without rows on a side is named, not passed over.
    assertEquals("monitor: the rows of 2026-12-08 against the model's training rows of "
        + "2026-12-07: no input moved (largest population stability index 0.020, cut); no rows to "
        + "measure [income] on", DriftJob.said(List.of(drifts.get(1), new ColumnDrift("income",
            DriftJob.NUMERIC, Double.NaN, 0, 200, Double.NaN, 0.1, DriftJob.NO_ROWS)),
            "2026-12-07", "2026-12-08", "wh/drift"));
  }
}
