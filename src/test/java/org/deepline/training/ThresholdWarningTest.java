package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.deepline.metrics.DecisionThreshold;
import org.junit.jupiter.api.Test;

/** A max_f1 threshold that labels nearly every row positive for hardly more F1 is said. */
class ThresholdWarningTest {
  private static DecisionThreshold maxF1(double precision, double recall) {
    return new DecisionThreshold(0.31, "max_f1", precision, recall,
        2 * precision * recall / (precision + recall), null);
  }

  @Test
  void aWeakModelsThresholdThatLabelsNearlyEveryRowPositiveIsSaid() {
    // The fourth sweep's wells: ROC AUC 0.68, 57.5 % positive, 94.5 % labelled positive.
    assertEquals(Optional.of("train wells: the decision threshold 0.3100 (max_f1) labels 94.5 % of "
            + "the validation rows positive (57.5 % are): its F1 0.7337 is 0.0036 above labelling "
            + "every row positive (0.7302), so predicted_label says little at this model's ROC AUC "
            + "0.6800; rank by probability, or choose training.threshold.rule cost or "
            + "target_precision"),
        TrainJob.nearlyEveryRowPositive("wells", maxF1(0.59, 0.97), 0.575, 0.68));
  }

  @Test
  void aThresholdThatSeparatesOrAnotherRuleIsNotSaid() {
    // Half the rows labelled positive: the threshold does something.
    assertEquals(Optional.empty(), TrainJob.nearlyEveryRowPositive("churn", maxF1(0.55, 0.75),
        0.265, 0.85));
    // Nearly every row (92.6 %), but 0.038 more F1 than all-positive: a model on 88 % positives.
    assertEquals(Optional.empty(), TrainJob.nearlyEveryRowPositive("easy", maxF1(0.95, 1.0),
        0.88, 0.99));
    // A rule the user chose.
    assertEquals(Optional.empty(), TrainJob.nearlyEveryRowPositive("wells",
        new DecisionThreshold(0.31, "cost", 0.59, 0.97, 0.7337, null), 0.575, 0.68));
  }
}
