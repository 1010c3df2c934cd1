package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.junit.jupiter.api.Test;

/**
 * The leakage checks that failed as warnings are said in the log (a copy of the label on 15
 * validation rows was only in the table), except those an easy label softened, which have a line
 * of their own.
 */
class KeptAsWarningsTest {
  private static final String AUC = "<= 0.95 validation AUC of the feature alone";

  @Test
  void aFailedWarningIsSaidUnlessAnEasyLabelSoftenedIt() {
    ConstraintResult copy = new ConstraintResult("single_feature_auc:type", "type",
        Severity.WARNING, 1.0, false, AUC + " (only 15 validation rows, kept as a warning)");
    ConstraintResult easy = new ConstraintResult("single_feature_auc:petal", "petal",
        Severity.WARNING, 0.99, false, AUC + " (an easy label)");
    ConstraintResult passed = new ConstraintResult("single_feature_auc:size", "size",
        Severity.ERROR, 0.61, true, AUC);

    assertEquals(Optional.of("leakage: 1 check(s) failed as warnings for 2026-12-06, and the run "
            + "goes on: single_feature_auc:type: failed, got 1.0, expected <= 0.95 validation AUC "
            + "of the feature alone (only 15 validation rows, kept as a warning) (see /wh/leakage)"),
        LeakageJob.keptAsWarnings(List.of(copy, easy, passed), Set.of("single_feature_auc:petal"),
            "2026-12-06", "/wh/leakage"));
    assertEquals(Optional.empty(), LeakageJob.keptAsWarnings(List.of(easy, passed),
        Set.of("single_feature_auc:petal"), "2026-12-06", "/wh/leakage"));
  }
}
