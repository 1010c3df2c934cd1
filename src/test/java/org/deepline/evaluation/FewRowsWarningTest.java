package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What evaluate tells a user whose judged rows are too few to say much. */
class FewRowsWarningTest {
  @Test
  void aSplitWithFewRowsOfAClassIsSaidToSayLittle() {
    // mtcars' 3-row test split, blessed with ROC AUC 1.0 in [1.0, 1.0] without a word.
    assertEquals(Optional.of("evaluate: the test split holds 1 positive and 2 negative rows: its "
            + "ROC AUC 1.0000 and the interval around it say little at this size (fewer than 30 of "
            + "a class); compare models on more rows (a larger split.test)"),
        EvaluateJob.fewRowsWarning("test", 3, 1, 1.0));
    assertEquals(Optional.of("evaluate: the test split holds 29 positive and 971 negative rows: "
            + "its ROC AUC 0.8100 and the interval around it say little at this size (fewer than "
            + "30 of a class); compare models on more rows (a larger split.test)"),
        EvaluateJob.fewRowsWarning("test", 1000, 29, 0.81));
  }

  @Test
  void thirtyOfEachClassIsEnough() {
    assertEquals(Optional.empty(), EvaluateJob.fewRowsWarning("test", 60, 30, 0.9));
    assertEquals(Optional.empty(), EvaluateJob.fewRowsWarning("validation", 1055, 1025, 0.7));
  }
}
