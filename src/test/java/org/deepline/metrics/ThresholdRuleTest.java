package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThresholdRuleTest {
  private static final double EXACT = 1e-12;
  /**
   * Descending: 0.9 pos, 0.8 neg, 0.7 pos, 0.6 pos, 0.5 neg, 0.4 neg (3 positives). At each score:
   * 0.9 tp1 fp0 (P 1, R 1/3, F1 1/2); 0.8 tp1 fp1 (F1 2/5); 0.7 tp2 fp1 (P 2/3, R 2/3, F1 2/3);
   * 0.6 tp3 fp1 (P 3/4, R 1, F1 6/7); 0.5 tp3 fp2 (F1 3/4); 0.4 tp3 fp3 (F1 2/3).
   */
  private static final ScoredLabels SIX = new ScoredLabels(
      new float[] {0.5f, 0.9f, 0.4f, 0.7f, 0.8f, 0.6f}, new byte[] {0, 1, 0, 1, 0, 1});

  @Test
  void maxF1PicksTheBestF1WithItsPrecisionAndRecall() {
    DecisionThreshold chosen = ThresholdRule.maxF1().choose(SIX);
    assertEquals(0.6f, chosen.value(), EXACT);
    assertEquals("max_f1", chosen.rule());
    assertEquals(0.75, chosen.precision(), EXACT);
    assertEquals(1.0, chosen.recall(), EXACT);
    assertEquals(6.0 / 7.0, chosen.f1(), EXACT);
    assertNull(chosen.targetMet());
  }

  @Test
  void maxF1TieKeepsTheHigherThreshold() {
    // Descending 1, 0, 0, 1: F1 2/3 at 0.9 (P 1, R 1/2) and again at 0.3 (P 1/2, R 1).
    ScoredLabels tie = new ScoredLabels(new float[] {0.3f, 0.5f, 0.7f, 0.9f},
        new byte[] {1, 0, 0, 1});
    DecisionThreshold chosen = ThresholdRule.maxF1().choose(tie);
    assertEquals(0.9f, chosen.value(), EXACT);
    assertEquals(2.0 / 3.0, chosen.f1(), EXACT);
    assertEquals(0.5, chosen.recall(), EXACT);
  }

  @Test
  void tiedScoresFallOnTheSameSide() {
    // 0.8 holds a positive and a negative: F1 at 0.8 is 2/4, at 0.5 it is 4/6.
    ScoredLabels tied = new ScoredLabels(new float[] {0.8f, 0.8f, 0.5f, 0.5f},
        new byte[] {1, 0, 1, 0});
    DecisionThreshold chosen = ThresholdRule.maxF1().choose(tied);
    assertEquals(0.5f, chosen.value(), EXACT);
    assertEquals(0.5, chosen.precision(), EXACT);
    assertEquals(2.0 / 3.0, chosen.f1(), EXACT);
  }

  @Test
  void costRuleWeighsFalseNegativesAgainstFalsePositives() {
    // fp 1, fn 5: nothing 15, 0.9 10, 0.8 11, 0.7 6, 0.6 1, 0.5 2, 0.4 3.
    assertEquals(0.6f, ThresholdRule.cost(1, 5).choose(SIX).value(), EXACT);
    // fp 10, fn 1: nothing 3, 0.9 2, 0.8 12, 0.7 11, 0.6 10, 0.5 20, 0.4 30.
    DecisionThreshold strict = ThresholdRule.cost(10, 1).choose(SIX);
    assertEquals(0.9f, strict.value(), EXACT);
    assertEquals(1.0 / 3.0, strict.recall(), EXACT);
  }

  @Test
  void costRuleCanPredictNothingPositive() {
    // fp 10, fn 1 with the top score negative: nothing costs 1, 0.9 costs 11, 0.8 costs 10.
    DecisionThreshold none = ThresholdRule.cost(10, 1).choose(
        new ScoredLabels(new float[] {0.9f, 0.8f}, new byte[] {0, 1}));
    assertEquals(Math.nextUp(0.9f), none.value(), EXACT);
    assertEquals(0.0, none.recall(), EXACT);
    assertEquals(0.0, none.f1(), EXACT);
  }

  @Test
  void costTieKeepsTheHigherThreshold() {
    // fp 1, fn 1 on (0.9 neg, 0.8 pos): nothing 1, 0.9 2, 0.8 1: the tie goes to nothing positive.
    DecisionThreshold chosen = ThresholdRule.cost(1, 1).choose(
        new ScoredLabels(new float[] {0.9f, 0.8f}, new byte[] {0, 1}));
    assertEquals(Math.nextUp(0.9f), chosen.value(), EXACT);
  }

  @Test
  void targetPrecisionTakesTheMostRecallThatReachesIt() {
    DecisionThreshold seventy = ThresholdRule.targetPrecision(0.7).choose(SIX);
    assertEquals(0.6f, seventy.value(), EXACT);
    assertTrue(seventy.targetMet());
    DecisionThreshold eighty = ThresholdRule.targetPrecision(0.8).choose(SIX);
    assertEquals(0.9f, eighty.value(), EXACT);
    assertEquals(1.0, eighty.precision(), EXACT);
    assertEquals(1.0 / 3.0, eighty.recall(), EXACT);
  }

  @Test
  void unreachableTargetPrecisionSaysSoAndTakesTheMostPrecise() {
    // Descending 0.9 neg, 0.8 pos, 0.7 neg: precision 0, 1/2, 1/3; 0.95 is out of reach.
    DecisionThreshold chosen = ThresholdRule.targetPrecision(0.95).choose(new ScoredLabels(
        new float[] {0.9f, 0.8f, 0.7f}, new byte[] {0, 1, 0}));
    assertFalse(chosen.targetMet());
    assertEquals(0.8f, chosen.value(), EXACT);
    assertEquals(0.5, chosen.precision(), EXACT);
  }

  @Test
  void targetRecallTakesTheHighestThresholdThatReachesIt() {
    DecisionThreshold sixty = ThresholdRule.targetRecall(0.6).choose(SIX);
    assertEquals(0.7f, sixty.value(), EXACT);
    assertEquals(2.0 / 3.0, sixty.recall(), EXACT);
    assertTrue(sixty.targetMet());
    assertEquals(0.6f, ThresholdRule.targetRecall(1.0).choose(SIX).value(), EXACT);
  }

  @Test
  void noPositivesIsAnError() {
    ScoredLabels negatives = new ScoredLabels(new float[] {0.2f, 0.1f}, new byte[] {0, 0});
    assertThrows(IllegalArgumentException.class, () -> ThresholdRule.maxF1().choose(negatives));
    assertThrows(IllegalArgumentException.class, () -> new ThresholdRule("best", 0, 0, 0));
  }
}
