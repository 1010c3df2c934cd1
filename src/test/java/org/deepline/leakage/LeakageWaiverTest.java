package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/** Waivers turn a named failure into a warning with its reason; the time-order check. */
class LeakageWaiverTest {
  private static final ConstraintResult LEAK = new ConstraintResult("single_feature_auc:contract",
      "contract", Severity.ERROR, 0.97, false, "<= 0.95 validation AUC of the feature alone");
  private static final ConstraintResult FINE = new ConstraintResult("key_overlap", "_record_id",
      Severity.ERROR, 0, true, "0 records in more than one split");

  @Test
  void aWaivedFailureBecomesAWarningThatKeepsItsValueAndReason() {
    List<ConstraintResult> applied = LeakageWaiver.apply(List.of(LEAK, FINE), List.of(
        new LeakageWaiver("single_feature_auc:contract", "set at sign-up, before the outcome")));
    assertEquals(List.of(new ConstraintResult("single_feature_auc:contract", "contract",
        Severity.WARNING, 0.97, false, "<= 0.95 validation AUC of the feature alone (waived: set at "
            + "sign-up, before the outcome)"), FINE), applied);
  }

  @Test
  void aWaiverThatNamesNoCheckIsReportedAndWaivesNothing() {
    List<ConstraintResult> applied = LeakageWaiver.apply(List.of(LEAK), List.of(
        new LeakageWaiver("single_feature_auc:contrat", "a typo in the check's name")));
    assertEquals(LEAK, applied.get(0));
    assertEquals("waiver:single_feature_auc:contrat", applied.get(1).name());
    assertEquals(Severity.WARNING, applied.get(1).severity());
    assertFalse(applied.get(1).passed());
  }

  @Test
  void waiversNeedACheckAndAReasonOnce() {
    DeeplineException e = assertThrows(DeeplineException.class, () -> TestRuns.config(
        "conf/churn.json", "leakage.waivers=[{\"check\": \"shared_rows\", \"reason\": \"ok\"}, "
            + "{\"reason\": \"the check's name is missing here\"}, {\"check\": \"shared_rows\", "
            + "\"reason\": \"waived a second time\"}]"));
    String message = e.getMessage();
    for (String expected : List.of(
        "leakage.waivers[0].reason: say why this finding is not a leak, in at least 10 characters",
        "leakage.waivers[1].check",
        "leakage.waivers[2].check: shared_rows is waived twice")) {
      assertTrue(message.contains(expected), () -> "missing <" + expected + "> in " + message);
    }
  }

  @Test
  void aValidationRecordEarlierThanTheLatestTrainingRecordFailsTheTimeOrder() {
    StructType schema = new StructType().add("_split", DataTypes.StringType, false)
        .add("day", DataTypes.DateType, true);
    Dataset<Row> ordered = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("train", Date.valueOf("2026-01-01")),
        RowFactory.create("train", Date.valueOf("2026-01-31")),
        RowFactory.create("excluded", Date.valueOf("2026-01-02")),
        RowFactory.create("validation", Date.valueOf("2026-01-31")),
        RowFactory.create("test", null)), schema);
    ConstraintResult ok = LeakageChecks.timeOrder(ordered, "day");
    assertTrue(ok.passed(), ok.toString());
    Dataset<Row> mixed = ordered.union(SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("test", Date.valueOf("2026-01-15")),
        RowFactory.create("validation", Date.valueOf("2025-12-31"))), schema));
    ConstraintResult failed = LeakageChecks.timeOrder(mixed, "day");
    assertFalse(failed.passed());
    assertEquals(2.0, failed.value());
  }
}
