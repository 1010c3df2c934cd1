package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.junit.jupiter.api.Test;

/** An easy label (two strong features) against a leaked one (one): only the first is softened. */
class EasyLabelTest {
  private static final String AUC = "<= 0.95 validation AUC of the feature alone";
  private static final String INFORMATION = "<= 0.6 validation mutual information with the label";

  private static ConstraintResult auc(String feature, double value) {
    return new ConstraintResult("single_feature_auc:" + feature, feature, Severity.ERROR, value,
        value <= 0.95, AUC);
  }

  @Test
  void twoFeaturesThatRankAlmostPerfectlyAloneSoftenTheTargetLeakChecksOnly() {
    // Iris, virginica against the rest (150 rows, 23 on validation).
    List<ConstraintResult> results = List.of(auc("Petal.Length", 1.0), auc("Petal.Width", 0.98),
        auc("Sepal.Length", 0.86),
        new ConstraintResult("mutual_information:Petal.Length", "Petal.Length", Severity.ERROR,
            0.63, false, INFORMATION),
        new ConstraintResult("shared_rows", null, Severity.ERROR, 0.05, false, "<= 0.02"));

    List<ConstraintResult> applied = EasyLabel.apply(results, 0.9);

    String note = " (kept as a warning: Petal.Length 1.0000 and Petal.Width 0.9800 each reach "
        + "leakage.easy_label_auc 0.9 alone, so the label is easy, not leaked by one column)";
    assertEquals(new ConstraintResult("single_feature_auc:Petal.Length", "Petal.Length",
        Severity.WARNING, 1.0, false, AUC + note), applied.get(0));
    assertEquals(Severity.WARNING, applied.get(1).severity());
    assertEquals(results.get(2), applied.get(2), "a passed check stays as it was");
    assertEquals(new ConstraintResult("mutual_information:Petal.Length", "Petal.Length",
        Severity.WARNING, 0.63, false, INFORMATION + note), applied.get(3));
    assertEquals(results.get(4), applied.get(4), "copied rows are never an easy label");
  }

  @Test
  void oneStrongFeatureIsALeakAndItsMissingnessIsNotASecondOne() {
    // A noisy copy of the label among churn's honest inputs, scored by value and by its gaps.
    List<ConstraintResult> results = List.of(auc("refund_issued", 0.99),
        auc("refund_issued__missing", 0.97), auc("contract", 0.77));

    assertSame(results, EasyLabel.apply(results, 0.9));
    assertEquals(List.of(Map.entry("refund_issued", 0.99)),
        EasyLabel.strongFeatures(results, 0.9));
  }

  @Test
  void aHigherBarCountsFewerFeatures() {
    List<ConstraintResult> results = List.of(auc("a", 0.97), auc("b", 0.92));

    assertEquals(2, EasyLabel.strongFeatures(results, 0.9).size());
    assertSame(results, EasyLabel.apply(results, 0.95));
  }
}
