package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    String html = org.deepline.core.html.Html.document(TrainingSection.render(null));
    assertTrue(html.contains("holds no training history"), html);
  }
}
