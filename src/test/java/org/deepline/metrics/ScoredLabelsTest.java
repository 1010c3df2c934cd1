package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoredLabelsTest {
  private static final double EXACT = 1e-12;

  @Test
  void rocAucCountsTiedPairsAsHalf() {
    // Pairs (positive, negative): (0.9,0.1) (0.9,0.5) (0.5,0.1) right, (0.5,0.5) a tie: 3.5 / 4.
    ScoredLabels scores = new ScoredLabels(new float[] {0.9f, 0.5f, 0.5f, 0.1f},
        new byte[] {1, 1, 0, 0});
    assertEquals(0.875, scores.rocAuc(), EXACT);
  }

  @Test
  void perfectAndReversedRankings() {
    assertEquals(1.0, new ScoredLabels(new float[] {0.8f, 0.2f}, new byte[] {1, 0}).rocAuc(), EXACT);
    assertEquals(0.0, new ScoredLabels(new float[] {0.2f, 0.8f}, new byte[] {1, 0}).rocAuc(), EXACT);
  }

  @Test
  void averagePrecisionStepsThroughDistinctScores() {
    // Descending: 0.9 (pos) precision 1 recall 1/2; 0.7 (neg); 0.4 (pos) precision 2/3 recall 1.
    ScoredLabels scores = new ScoredLabels(new float[] {0.9f, 0.7f, 0.4f, 0.1f},
        new byte[] {1, 0, 1, 0});
    assertEquals(0.5 * 1.0 + 0.5 * (2.0 / 3.0), scores.prAuc(), EXACT);
  }

  @Test
  void logLossMeanProbabilityAndRates() {
    ScoredLabels scores = new ScoredLabels(new float[] {0.75f, 0.25f}, new byte[] {1, 1});
    assertEquals(-(Math.log(0.75) + Math.log(0.25)) / 2, scores.logLoss(), 1e-7);
    assertEquals(0.5, scores.meanProbability(), EXACT);
    assertEquals(0.25, scores.probabilityStandardDeviation(), EXACT);
    assertEquals(1.0, scores.positiveRate(), EXACT);
    assertTrue(Double.isNaN(scores.rocAuc()), "no negatives: no ROC AUC");
  }
}
