package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class PriorCorrectionTest {
  private static final double LN_9 = 2.1972245773362196;
  /** 10 % positives, with the network trained on them with balanced weights (once per class). */
  private static final DataSet DATA = ClassWeightsTest.imbalanced(2_000, 0.1, new Random(5));
  private static final long POSITIVES =
      (long) DATA.getLabels().getColumn(1).sumNumber().doubleValue();
  private static final double RATE = POSITIVES / (double) DATA.numExamples();
  private static final double OFFSET = PriorCorrection.logitOffset(
      ClassWeights.balanced(DATA.numExamples() - POSITIVES, POSITIVES));
  private static MultiLayerNetwork weighted;

  @BeforeAll
  static void train() {
    weighted = ClassWeightsTest.trained(ClassWeightsTest.withWeights("balanced", null), DATA);
  }

  @Test
  void theOffsetUndoesTheOddsResamplingMultipliedThePositivesBy() {
    // 900:100 undersampled to 100:100 makes positives count 9 times over.
    assertEquals(-LN_9, PriorCorrection.logitOffset(
        CollapseGuard.withResampling(null, 900, 100, 100, 100)), 1e-12);
    // Oversampling to 900:900 is the same prior shift.
    assertEquals(-LN_9, PriorCorrection.logitOffset(
        CollapseGuard.withResampling(null, 900, 100, 900, 900)), 1e-12);
    // Balanced class weights on 900:100 weigh positives 9 times over too.
    assertEquals(-LN_9, PriorCorrection.logitOffset(ClassWeights.balanced(900, 100)), 1e-12);
    // No resampling and no weights: nothing to undo.
    assertEquals(0.0, PriorCorrection.logitOffset(
        CollapseGuard.withResampling(null, 900, 100, 900, 100)));
  }

  @Test
  void aCorrectedProbabilityHasItsOddsDividedByTheWeight() {
    assertEquals(0.1, PriorCorrection.corrected(0.5, -LN_9), 1e-12);
    assertEquals(0.5, PriorCorrection.corrected(0.9, -LN_9), 1e-12);
    assertEquals(0.3, PriorCorrection.corrected(0.3, 0), 1e-12);
  }

  /**
   * Trained with balanced weights on 10 % positives, the network's mean probability is far above the
   * positive rate; the corrected network's is back near it, and every row's probability is exactly
   * the corrected one (the bias change is the logit shift).
   */
  @Test
  void theCorrectedNetworkEstimatesTheRealPositiveRate() {
    MultiLayerNetwork network = weighted.clone();
    double[] before = network.output(DATA.getFeatures()).getColumn(1).toDoubleVector();

    PriorCorrection.apply(network, OFFSET);
    INDArray after = network.output(DATA.getFeatures()).getColumn(1);

    assertTrue(mean(before) > RATE + 0.15, "trained with balanced weights: " + mean(before));
    assertEquals(RATE, after.meanNumber().doubleValue(), 0.03);
    double[] expected = new double[before.length];
    for (int i = 0; i < before.length; i++) {
      expected[i] = PriorCorrection.corrected(before[i], OFFSET);
    }
    assertArrayEquals(expected, after.toDoubleVector(), 1e-5);
  }

  /** The check above rejects an offset of the wrong sign: it pushes the mean further from the rate. */
  @Test
  void anOffsetOfTheWrongSignIsCaughtByTheMeanCheck() {
    MultiLayerNetwork network = weighted.clone();

    PriorCorrection.apply(network, -OFFSET);

    double mean = network.output(DATA.getFeatures()).getColumn(1).meanNumber().doubleValue();
    assertTrue(Math.abs(mean - RATE) > 0.3, "wrong-sign mean " + mean + " vs rate " + RATE);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }
}
