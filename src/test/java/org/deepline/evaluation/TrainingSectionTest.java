package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.core.html.Html;
import org.deepline.training.EpochMetrics;
import org.deepline.training.ModelMetadata;
import org.deepline.training.PromotedBaseline;
import org.junit.jupiter.api.Test;

class TrainingSectionTest {
  @Test
  void lossAxisStepsAreShortNumbers() {
    assertEquals(0.2, TrainingSection.niceStep(0.155), 1e-12);
    assertEquals(0.25, TrainingSection.niceStep(0.21), 1e-12);
    assertEquals(0.5, TrainingSection.niceStep(0.26), 1e-12);
    assertEquals(1.0, TrainingSection.niceStep(0.51), 1e-12);
    assertEquals(1.0, TrainingSection.niceStep(1.0), 1e-12);
    assertEquals(20.0, TrainingSection.niceStep(13.0), 1e-12);
  }

  @Test
  void everyStepCoversItsInputWithinOneNiceJump() {
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 1000; i++) {
      double step = Math.pow(10, random.nextDouble() * 8 - 4);
      double nice = TrainingSection.niceStep(step);
      // Never below the step, and at most twice it: no gap between 1, 2, 2.5, 5 and 10 is wider.
      assertTrue(nice >= step && nice <= 2 * step * (1 + 1e-12), step + " -> " + nice);
    }
  }

  @Test
  void aModelWithoutHistorySaysSo() {
    String html = Html.document(TrainingSection.render(null, ModelMetadata.SINGLE_NETWORK));
    assertTrue(html.contains("holds no training history"), html);
  }

  @Test
  void aPromotedBaselinesSectionSaysTheCurvesAreOfTheNetworkItReplaced() {
    EvaluationReport.TrainingHistory history = new EvaluationReport.TrainingHistory(2, List.of(
        new EpochMetrics(1, 0.80, 0.50, 0.45, 0.50, 1000, 100),
        new EpochMetrics(2, 0.82, 0.52, 0.43, 0.47, 1000, 100),
        new EpochMetrics(3, 0.81, 0.51, 0.44, 0.46, 1000, 100)), null);

    String network = Html.document(TrainingSection.render(history, ModelMetadata.SINGLE_NETWORK));
    String baseline = Html.document(TrainingSection.render(history,
        PromotedBaseline.KIND_PREFIX + "logistic_regression"));

    assertTrue(network.contains("3 epochs; the weights of epoch 2 ship"), network);
    assertTrue(baseline.contains("3 epochs; the model that ships is the promoted baseline, "
        + "baseline:logistic_regression: these are the curves of the network it replaced, whose "
        + "best epoch was 2"), baseline);
    assertFalse(baseline.contains("ship (dashed"), baseline);
  }
}
