package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Drawing trial configurations: inside every range, the same seed the same trials. */
class SearchSpaceTest {
  private static final int DRAWS = 500;
  private static final SearchSpace SPACE = new SearchSpace(
      List.of(List.of(16), List.of(48, 24)), new NumberRange(1e-3, 1e-1),
      new NumberRange(0.1, 0.3), new NumberRange(1e-5, 1e-3), 0.5, List.of(8, 16),
      List.of(1, 3), List.of(LossConfig.CROSS_ENTROPY, LossConfig.FOCAL));
  /** A resolved base config with values the space does not cover, which trials must keep. */
  private static final TrainingConfig BASE = new TrainingConfig(7L, 12, 4, 64, 5, 3, 0.01, 0.0,
      List.of(new LayerSpec(10, "tanh", null)), "balanced", "pr_auc", 0.0, 0.9, false, null,
      null, null).resolve(1000);

  @Test
  void everyDrawIsInsideItsRangeAndKeepsTheRest() {
    Set<String> shapes = new HashSet<>();
    Set<String> losses = new HashSet<>();
    Set<Boolean> l2Zero = new HashSet<>();
    for (int trial = 0; trial < DRAWS; trial++) {
      TrainingConfig drawn = Tuner.draw(SPACE, BASE, 11, trial);
      assertTrue(drawn.learningRate() >= 1e-3 && drawn.learningRate() <= 1e-1, drawn.toString());
      assertTrue(drawn.l2() == 0 || drawn.l2() >= 1e-5 && drawn.l2() <= 1e-3, drawn.toString());
      double dropout = drawn.layers().get(0).dropout();
      assertTrue(dropout >= 0.1 && dropout <= 0.3, drawn.toString());
      assertTrue(List.of(8, 16).contains(drawn.batchSizePerWorker()), drawn.toString());
      assertTrue(List.of(1, 3).contains(drawn.averagingFrequency()), drawn.toString());
      for (LayerSpec layer : drawn.layers()) {
        assertEquals("tanh", layer.activation());
        assertEquals(dropout, layer.dropout());
      }
      shapes.add(SearchSpace.layerShape(drawn));
      losses.add(drawn.loss().type());
      l2Zero.add(drawn.l2() == 0);
      assertEquals(7L, drawn.seed());
      assertEquals(12, drawn.epochs());
      assertEquals(4, drawn.patience());
      assertEquals(3, drawn.workers());
      assertEquals("balanced", drawn.classWeights());
      assertEquals("pr_auc", drawn.earlyStoppingMetric());
      assertEquals(0.9, drawn.learningRateDecay());
    }
    assertEquals(Set.of("16", "48-24"), shapes);
    assertEquals(Set.of(LossConfig.CROSS_ENTROPY, LossConfig.FOCAL), losses);
    assertEquals(Set.of(true, false), l2Zero);
  }

  @Test
  void theSameSeedDrawsTheSameTrialsAndAnotherSeedOthers() {
    for (int trial = 0; trial < 20; trial++) {
      assertEquals(Tuner.draw(SPACE, BASE, 11, trial), Tuner.draw(SPACE, BASE, 11, trial));
    }
    assertNotEquals(Tuner.draw(SPACE, BASE, 11, 0), Tuner.draw(SPACE, BASE, 12, 0));
    assertNotEquals(Tuner.draw(SPACE, BASE, 11, 0), Tuner.draw(SPACE, BASE, 11, 1));
  }

  @Test
  void logScaleDrawsSpreadOverTheDecades() {
    int belowOneHundredth = 0;
    for (int trial = 0; trial < DRAWS; trial++) {
      if (Tuner.draw(SPACE, BASE, 11, trial).learningRate() < 1e-2) {
        belowOneHundredth++;
      }
    }
    // Log-uniform over [1e-3, 1e-1]: half below 1e-2 (a uniform draw would put 9 % there).
    assertTrue(belowOneHundredth > DRAWS * 0.4 && belowOneHundredth < DRAWS * 0.6,
        belowOneHundredth + " of " + DRAWS);
  }

  @Test
  void aFocalBaseKeepsItsGammaInFocalTrials() {
    TrainingConfig focalBase = new TrainingConfig(null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, new LossConfig(LossConfig.FOCAL, 1.5), null)
        .resolve(1000);
    SearchSpace focalOnly = new SearchSpace(null, null, null, null, null, null, null,
        List.of(LossConfig.FOCAL));

    TrainingConfig drawn = Tuner.draw(focalOnly, focalBase, 1, 0);

    assertEquals(new LossConfig(LossConfig.FOCAL, 1.5), drawn.loss());
    assertEquals(new LossConfig(LossConfig.FOCAL, 2.0),
        Tuner.draw(focalOnly, BASE, 1, 0).loss());
  }
}
