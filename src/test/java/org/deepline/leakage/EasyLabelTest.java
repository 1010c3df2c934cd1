package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.junit.jupiter.api.Test;

/**
 * An easy label (strong features by their values, or failed pairs) against a leak: only the first
 * softens.
 */
class EasyLabelTest {
  private static final String AUC = "<= 0.95 validation AUC of the feature alone";
  private static final String INFORMATION = "<= 0.6 validation mutual information with the label";

  private static ConstraintResult auc(String feature, double value) {
    return new ConstraintResult("single_feature_auc:" + feature, feature, Severity.ERROR, value,
        value <= 0.95, AUC);
  }

  private static ConstraintResult information(String check, double value) {
    return new ConstraintResult(check, check.substring(check.indexOf(':') + 1), Severity.ERROR,
        value, value <= 0.6, INFORMATION);
  }

  private static List<ConstraintResult> softened(List<ConstraintResult> results) {
    return EasyLabel.apply(results, EasyLabel.strongFeatures(results));
  }

  @Test
  void twoFeaturesStrongByTheirValuesSoftenTheirOwnTargetLeakFindingsOnly() {
    // Iris-like (virginica against the rest), with a coded column that leaks without order besides.
    List<ConstraintResult> results = List.of(auc("Petal.Length", 1.0), auc("Petal.Width", 0.98),
        auc("Sepal.Length", 0.86),
        information("mutual_information:Petal.Length", 0.63),
        information("mutual_information_pair:Petal.Length+Petal.Width", 0.70),
        information("mutual_information:status_code", 1.0),
        information("mutual_information_pair:Petal.Length+status_code", 1.0),
        new ConstraintResult("shared_rows", null, Severity.ERROR, 0.05, false, "<= 0.02"));

    List<ConstraintResult> applied = softened(results);

    String note = " (kept as a warning: Petal.Length and Petal.Width each predict the label "
        + "alone, so the label is easy, not leaked by one column; leakage.easy_label)";
    assertEquals(new ConstraintResult("single_feature_auc:Petal.Length", "Petal.Length",
        Severity.WARNING, 1.0, false, AUC + note), applied.get(0));
    assertEquals(Severity.WARNING, applied.get(1).severity());
    assertSame(results.get(2), applied.get(2), "a passed check stays as it was");
    assertEquals(new ConstraintResult("mutual_information:Petal.Length", "Petal.Length",
        Severity.WARNING, 0.63, false, INFORMATION + note), applied.get(3));
    assertEquals(Severity.WARNING, applied.get(4).severity(), "a pair of two strong features");
    assertSame(results.get(5), applied.get(5), "a leak without order on another column fails");
    assertSame(results.get(6), applied.get(6), "a pair with a column that is not strong fails");
    assertSame(results.get(7), applied.get(7), "copied rows are never an easy label");
  }

  @Test
  void oneStrongFeatureIsALeakAndGapsThatTellTheLabelCountForNothing() {
    // A post-outcome field: its values and its gaps each separate the classes; churn's contract
    // scores 0.77.
    List<ConstraintResult> results = List.of(auc("refund_issued", 0.99),
        auc("refund_issued__missing", 1.0), auc("cancel_reason__missing", 1.0),
        auc("contract", 0.77));

    // One strong feature (its gaps not counted) is no easy label.
    assertEquals(List.of(), EasyLabel.strongFeatures(results));
    assertSame(results, softened(results));
  }

  @Test
  void onlyFailedErrorsSoftenAndAWaivedFindingIsNotStrong() {
    List<ConstraintResult> results = List.of(auc("a", 0.97), auc("b", 0.96),
        information("mutual_information:c", 0.2));

    assertEquals(List.of("a", "b"), EasyLabel.strongFeatures(results));
    List<ConstraintResult> applied = softened(results);
    assertEquals(2, applied.stream().filter(r -> r.severity() == Severity.WARNING).count());
    assertSame(results.get(2), applied.get(2));
    // A finding the user already waived is a warning: it is no longer strong evidence here.
    List<ConstraintResult> waived = List.of(new ConstraintResult("single_feature_auc:a", "a",
        Severity.WARNING, 0.97, false, AUC + " (waived: set at sign-up)"), auc("b", 0.96));
    assertEquals(List.of(), EasyLabel.strongFeatures(waived), "b alone is no easy label");
    assertSame(waived, softened(waived));
  }

  @Test
  void twoFailedPairsWithoutAFeatureInCommonAreAnEasyLabelOneSharingAFeatureIsNot() {
    // The shuttle's sensors: V1 tells 0.69 of the class alone, V1+V9 and V7+V8 settle it.
    List<ConstraintResult> shuttle = List.of(information("mutual_information:V1", 0.69),
        information("mutual_information_pair:V1+V9", 0.98),
        information("mutual_information_pair:V7+V8", 0.81),
        information("mutual_information:status_code", 1.0));

    assertEquals(List.of("V1", "V9", "V7", "V8"), EasyLabel.strongFeatures(shuttle));
    List<ConstraintResult> applied = softened(shuttle);
    String note = " (kept as a warning: V1 and V9 and V7 and V8 predict the label alone or in "
        + "pairs without a feature in common, so the label is easy, not leaked by one column; "
        + "leakage.easy_label)";
    assertEquals(new ConstraintResult("mutual_information_pair:V7+V8", "V7+V8", Severity.WARNING,
        0.81, false, INFORMATION + note), applied.get(2));
    assertEquals(Severity.WARNING, applied.get(0).severity());
    assertEquals(Severity.WARNING, applied.get(1).severity());
    assertSame(shuttle.get(3), applied.get(3), "a leak without order on another column fails");

    // A leak split in two, a_half+b_half, and one of its halves with an honest column.
    List<ConstraintResult> split = List.of(
        information("mutual_information_pair:a_half+b_half", 1.0),
        information("mutual_information_pair:a_half+age", 0.85));
    assertEquals(List.of(), EasyLabel.strongFeatures(split));
    assertSame(split, softened(split));
  }

  private static ConstraintResult withinNoise(String feature, double value) {
    return new ConstraintResult("single_feature_auc:" + feature, feature, Severity.WARNING, value,
        false, AUC + " (above it by less than its noise on 32 positive and 54 negative validation "
            + "rows, 0.0100: 2 standard errors, at most 0.01; a strong feature as far as this "
            + "split can tell, kept as a warning)");
  }

  @Test
  void threeFeaturesAboveTheBarWithinItsNoiseAreAnEasyLabelACopyBesideOneHonestFeatureIsNot() {
    // Wisconsin's cell nuclei: concave points fail, both perimeters are above the bar within the
    // split's noise.
    List<ConstraintResult> nuclei = List.of(auc("concave_pts_mean", 0.973),
        withinNoise("perimeter_mean", 0.958), withinNoise("perimeter_worst", 0.959),
        new ConstraintResult("single_feature_auc:grade", "grade", Severity.WARNING, 1.0, false,
            AUC + " (only 16 validation rows: too few to tell a leak from a strong feature, 40 "
                + "are needed; kept as a warning)"));

    assertEquals(List.of("concave_pts_mean", "perimeter_mean", "perimeter_worst"),
        EasyLabel.strongFeatures(nuclei));
    assertEquals(Severity.WARNING, softened(nuclei).get(0).severity());

    // A copy of the label beside one honest feature near the bar (and one on too few rows).
    List<ConstraintResult> copy = List.of(auc("outcome_copy", 1.0),
        withinNoise("perimeter_mean", 0.958), nuclei.get(3));
    assertEquals(List.of(), EasyLabel.strongFeatures(copy));
    assertSame(copy, softened(copy));
  }

  @Test
  void honestPairsDoNotSoftenACopyOfTheLabel() {
    List<ConstraintResult> results = List.of(auc("outcome_copy", 1.0),
        information("mutual_information_pair:V1+V9", 0.98),
        information("mutual_information_pair:V7+V8", 0.81));

    assertEquals(List.of("V1", "V9", "V7", "V8"), EasyLabel.strongFeatures(results));
    List<ConstraintResult> applied = softened(results);
    assertSame(results.get(0), applied.get(0), "the copy keeps failing");
    assertEquals(Severity.WARNING, applied.get(1).severity());
  }

  @Test
  void aNoisyCopyInAFailedPairIsNotSoftenedByHonestPairs() {
    List<ConstraintResult> results = List.of(auc("copy", 0.97),
        information("mutual_information_pair:copy+age", 0.9),
        information("mutual_information_pair:V7+V8", 0.81));

    assertEquals(List.of("age", "V7", "V8"), EasyLabel.strongFeatures(results));
    List<ConstraintResult> applied = softened(results);
    assertSame(results.get(0), applied.get(0), "the copy's AUC keeps failing");
    assertSame(results.get(1), applied.get(1), "and so does its pair");
    assertEquals(Severity.WARNING, applied.get(2).severity());
  }
}
