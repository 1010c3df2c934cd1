package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What evaluate tells a user whose judged rows are too few to say much. */
class EvaluateWarningsTest {
  /** The sweep's re-split: 754 of 1,056 test rows left out without a word in the log. */
  @Test
  void aSplitMostlyLeftOutAsTrainingRowsIsSaid() {
    assertEquals(Optional.of("evaluate: 754 of the 1056 test rows of 2026-12-01 were in the "
            + "training split of model m1 and are left out; the metrics judge the other 302 (was "
            + "the split redone after training? re-run features and train for a whole test "
            + "split)"),
        EvaluateJob.seenInTrainingWarning("test", "2026-12-01", "m1", 754, 302));
    assertEquals(Optional.empty(),
        EvaluateJob.seenInTrainingWarning("test", "2026-12-01", "m1", 24, 76));
    assertEquals(Optional.empty(), EvaluateJob.seenInTrainingWarning("test", "2026-12-01", "m1",
        0, 0));
  }

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
  void rowsOfOneClassSayWhatIsUndefinedAndThatTheMinimumIsNotChecked() {
    assertEquals(Optional.empty(), EvaluateJob.fewRowsWarning("test", 1200, 0, Double.NaN));
    assertEquals(Optional.of("evaluate: the test split holds only negative rows (1200): ROC AUC, "
            + "PR AUC and recall are undefined on it, and evaluation.min_roc_auc is not checked; "
            + "the model labels 93.5 % of them negative (its accuracy)"),
        EvaluateJob.oneClassWarning("test", 1200, 0, 0.935, false));
    assertEquals(Optional.of("evaluate: the validation split holds only positive rows (40): ROC "
            + "AUC, PR AUC and the false-positive rate are undefined on it, and "
            + "evaluation.min_roc_auc is not checked; the model labels 80.0 % of them positive "
            + "(its accuracy); evaluation.blessing.gate refuses the blessing of such a date, whose "
            + "ROC AUC checks cannot be met"),
        EvaluateJob.oneClassWarning("validation", 40, 40, 0.8, true));
    assertEquals(Optional.empty(), EvaluateJob.oneClassWarning("test", 40, 1, 0.8, true));
  }

  @Test
  void thirtyOfEachClassIsEnough() {
    assertEquals(Optional.empty(), EvaluateJob.fewRowsWarning("test", 60, 30, 0.9));
    assertEquals(Optional.empty(), EvaluateJob.fewRowsWarning("validation", 1055, 1025, 0.7));
  }

  @Test
  void probabilitiesThatNoLongerMatchTheLabelAreSaidWhenTheRankingStillHolds() {
    EvaluateJob.TrainedLoss model = new EvaluateJob.TrainedLoss("v1", "2026-12-07", 0.0532);
    // The fourth sweep's shifted night: ROC AUC 0.9976, log loss 0.7596 against 0.0532.
    assertEquals(Optional.of("evaluate: model v1's log loss on the 2999 test rows of 2026-12-08 is "
            + "0.7596, against 0.0532 on its validation rows at training (2026-12-07): its "
            + "probabilities no longer say how often the label is true, though its ROC AUC 0.9976 "
            + "may rank as before; run monitor for the inputs that moved, and retrain on newer "
            + "rows"),
        EvaluateJob.calibrationWarning("test", "2026-12-08", 2999, 0.7596, 0.9976, model));
    // Twice the loss but a few hundredths: chance on a small split. A tenth more but not twice.
    assertEquals(Optional.empty(), EvaluateJob.calibrationWarning("test", "2026-12-08", 300, 0.11,
        0.9, model));
    assertEquals(Optional.empty(), EvaluateJob.calibrationWarning("test", "2026-12-08", 300, 0.5,
        0.8, new EvaluateJob.TrainedLoss("v1", "2026-12-07", 0.35)));
    assertEquals(Optional.empty(), EvaluateJob.calibrationWarning("test", "2026-12-08", 300, 0.9,
        0.8, new EvaluateJob.TrainedLoss("v1", "2026-12-07", null)));
  }

  @Test
  void theLossComparedIsTheShippedProbabilities() {
    assertEquals(0.21, EvaluateJob.shippedValidationLoss(java.util.Map.of("validation_loss", 0.35,
        "validation_loss_after_calibration", 0.21)));
    assertEquals(0.3, EvaluateJob.shippedValidationLoss(java.util.Map.of("validation_loss", 0.35,
        "validation_loss_after_prior_correction", 0.3)));
    assertEquals(0.35, EvaluateJob.shippedValidationLoss(java.util.Map.of("validation_loss",
        0.35)));
    assertEquals(null, EvaluateJob.shippedValidationLoss(java.util.Map.of()));
  }
}
