package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.junit.jupiter.api.Test;

/**
 * The leakage checks that failed as warnings are said in the log (a copy of the label on 15
 * validation rows was only in the table), except those an easy label softened and those a waiver
 * accepted, which have a line or a reason of their own; a long list is cut.
 */
class KeptAsWarningsTest {
  private static final String AUC = "<= 0.95 validation AUC of the feature alone";
  private static final ConstraintResult COPY = warning("type", 1.0,
      " (only 15 validation rows, kept as a warning)");
  private static final ConstraintResult WAIVED = warning("score", 0.97, " (waived: known before)");
  private static final ConstraintResult PASSED = new ConstraintResult("single_feature_auc:size",
      "size", Severity.ERROR, 0.61, true, AUC);

  private static ConstraintResult warning(String feature, double value, String why) {
    return new ConstraintResult("single_feature_auc:" + feature, feature, Severity.WARNING, value,
        false, AUC + why);
  }

  @Test
  void aFailedWarningIsSaidUnlessAnEasyLabelOrAWaiverSaidItAlready() {
    ConstraintResult strong = new ConstraintResult("single_feature_auc:petal", "petal",
        Severity.ERROR, 0.99, false, AUC);
    ConstraintResult softened = strong.keptAsWarning(" (an easy label)");

    assertEquals(Optional.of("leakage: 1 check(s) failed as warnings for 2026-12-06, and the run "
            + "goes on: single_feature_auc:type: failed, got 1.0, expected <= 0.95 validation AUC "
            + "of the feature alone (only 15 validation rows, kept as a warning) (see /wh/leakage)"),
        LeakageJob.keptAsWarnings(List.of(COPY, strong, WAIVED, PASSED),
            List.of(COPY, softened, WAIVED, PASSED), Set.of("single_feature_auc:score"),
            "2026-12-06", "/wh/leakage"));
    assertEquals(Optional.empty(), LeakageJob.keptAsWarnings(List.of(strong, WAIVED, PASSED),
        List.of(softened, WAIVED, PASSED), Set.of("single_feature_auc:score"), "2026-12-06",
        "/wh/leakage"));
  }

  @Test
  void aLongListNamesFiveAndCountsTheRest() {
    List<ConstraintResult> many = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      many.add(warning("f" + i, Double.NaN, " (one class in validation)"));
    }

    String line = LeakageJob.keptAsWarnings(many, many, Set.of(), "2026-12-06", "/wh/leakage")
        .orElseThrow();

    assertEquals(true, line.startsWith("leakage: 8 check(s) failed as warnings"), line);
    assertEquals(true, line.contains("single_feature_auc:f4: failed") && !line.contains(":f5:"),
        line);
    assertEquals(true, line.endsWith("(one class in validation); and 3 more (see /wh/leakage)"),
        line);
  }
}
