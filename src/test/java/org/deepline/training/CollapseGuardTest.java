package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.metrics.ScoredLabels;
import org.junit.jupiter.api.Test;

class CollapseGuardTest {
  /** Ten rows, four positive: the 38 %-ish case of the collapse this guard was written for. */
  private static final byte[] LABELS = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

  private static ScoredLabels predictions(float... probabilities) {
    return new ScoredLabels(probabilities, LABELS);
  }

  @Test
  void anHonestModelPasses() {
    assertDoesNotThrow(() -> CollapseGuard.check(
        predictions(0.8f, 0.6f, 0.5f, 0.3f, 0.4f, 0.3f, 0.2f, 0.3f, 0.2f, 0.1f), null, 3));
  }

  @Test
  void aModelThatPredictsAlmostNothingPositiveFails() {
    // Like the reported collapse (mean probability 0.0001 against 38 % positives), with enough spread
    // that it is the mean, not the spread, that gives it away.
    DeeplineException error = assertThrows(DeeplineException.class, () -> CollapseGuard.check(
        predictions(0.02f, 0.01f, 0.005f, 0.005f, 0.002f, 0.002f, 0.001f, 0.001f, 0.001f, 0.001f),
        null, 7));
    assertEquals(Failure.MODEL_GATE, error.failure());
    assertTrue(error.getMessage().contains("collapsed towards one class: at epoch 7"),
        error.getMessage());
  }

  @Test
  void aConstantModelFails() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> CollapseGuard.check(
        predictions(0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f), null, 2));
    assertTrue(error.getMessage().contains("gives every validation row the probability 0.4000"),
        error.getMessage());
  }

  @Test
  void classWeightsMoveTheExpectedMean() {
    // Balanced weights for a 40 % positive split make 0.5 the calibrated mean.
    double[] balanced = ClassWeights.balanced(6, 4);
    assertEquals(0.5, CollapseGuard.expectedMeanProbability(0.4, balanced), 1e-12);
    assertEquals(0.4, CollapseGuard.expectedMeanProbability(0.4, null), 1e-12);
    // A mean of 0.75 has odds 3: within 4x of 0.5's odds (1), not of 0.4's (2/3).
    ScoredLabels high = predictions(0.9f, 0.85f, 0.8f, 0.8f, 0.75f, 0.7f, 0.7f, 0.7f, 0.65f, 0.65f);
    assertDoesNotThrow(() -> CollapseGuard.check(high, balanced, 1));
    assertThrows(DeeplineException.class, () -> CollapseGuard.check(high, null, 1));
  }

  @Test
  void resamplingMovesTheExpectedMeanAsClassWeightsWould() {
    // 1 % positives resampled to 1:1: the network learns 50 % as its prior.
    double[] shifted = CollapseGuard.withResampling(null, 9900, 100, 9900, 9900);
    assertArrayEquals(new double[] {1, 99}, shifted, 1e-12);
    assertEquals(0.5, CollapseGuard.expectedMeanProbability(0.01, shifted), 1e-12);
    assertNull(CollapseGuard.withResampling(null, 900, 100, 900, 100));
    // 40 % positives resampled to 1:1 (weights {1, 1.5}) make 0.5 the expected mean: a mean of
    // 0.755, refused without resampling (see above), is accepted.
    ScoredLabels high = predictions(0.9f, 0.85f, 0.8f, 0.8f, 0.75f, 0.7f, 0.7f, 0.7f, 0.65f, 0.65f);
    assertThrows(DeeplineException.class, () -> CollapseGuard.check(high,
        CollapseGuard.withResampling(null, 60, 40, 60, 40), 1));
    assertDoesNotThrow(() -> CollapseGuard.check(high, CollapseGuard.withResampling(null, 60, 40,
        60, 60), 1));
  }
}
