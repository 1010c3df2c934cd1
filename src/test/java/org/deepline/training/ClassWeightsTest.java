package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ClassWeightsTest {
  /** Full-batch steps: enough for the two-feature network to settle. */
  private static final int TRAINING_EPOCHS = 300;
  private static final double LEARNING_RATE = 0.05;

  @Test
  void effectiveNumberWeightsFollowCuiEtAl() {
    // E(n) = (1 - 0.999^n) / 0.001: 593.6 for 900 negatives, 95.2 for 100 positives.
    assertArrayEquals(new double[] {0.6563867604132392, 4.092519156280846},
        ClassWeights.effectiveNumber(900, 100, 0.999), 1e-12);
  }

  @Test
  void effectiveNumberRunsFromNoWeightsToBalancedAsBetaGrows() {
    assertArrayEquals(new double[] {1, 1}, ClassWeights.effectiveNumber(900, 100, 0.0), 1e-12);
    assertArrayEquals(ClassWeights.balanced(900, 100),
        ClassWeights.effectiveNumber(900, 100, 1 - 1e-9), 1e-5);
    double previousPositive = 1;
    for (double beta : new double[] {0.9, 0.99, 0.999, 0.9999}) {
      double positive = ClassWeights.effectiveNumber(900, 100, beta)[1];
      assertTrue(positive > previousPositive, "beta " + beta + ": " + positive);
      previousPositive = positive;
    }
  }

  /** Property: every scheme keeps the weights' sum over the training rows at the number of rows. */
  @Test
  void weightsSumToTheRowCountOverTheTrainingRows() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      long negatives = 1 + random.nextInt(1_000_000);
      long positives = 1 + random.nextInt(1_000_000);
      double beta = random.nextDouble();
      for (double[] weights : new double[][] {ClassWeights.balanced(negatives, positives),
          ClassWeights.effectiveNumber(negatives, positives, beta)}) {
        assertEquals(negatives + positives, weights[0] * negatives + weights[1] * positives,
            1e-6 * (negatives + positives), negatives + " / " + positives + ", beta " + beta);
      }
    }
  }

  @Test
  void theConfigChoosesTheScheme() {
    TrainingConfig none = TrainingConfig.defaults();
    assertNull(ClassWeights.of(none, 900, 100));
    assertArrayEquals(new double[] {1000 / 1800.0, 1000 / 200.0},
        ClassWeights.of(withWeights("balanced", null), 900, 100), 1e-12);
    assertArrayEquals(ClassWeights.effectiveNumber(900, 100, 0.999),
        ClassWeights.of(withWeights("effective_number", null), 900, 100), 1e-12);
    assertArrayEquals(ClassWeights.effectiveNumber(900, 100, 0.5),
        ClassWeights.of(withWeights("effective_number", 0.5), 900, 100), 1e-12);
  }

  /**
   * On 10 % positives, the unweighted network's mean probability sits near the positive rate;
   * effective-number weights move the boundary towards the positives and balanced weights further.
   */
  @Test
  void weightsMoveTheDecisionBoundaryTowardsTheRareClass() {
    DataSet imbalanced = imbalanced(2_000, 0.1, new Random(5));
    double none = meanProbabilityAfterTraining(withWeights("none", null), imbalanced);
    double effective = meanProbabilityAfterTraining(withWeights("effective_number", 0.999),
        imbalanced);
    double balanced = meanProbabilityAfterTraining(withWeights("balanced", null), imbalanced);

    assertEquals(0.1, none, 0.03);
    assertTrue(none < effective && effective < balanced,
        "mean probabilities " + none + " < " + effective + " < " + balanced);
    assertTrue(balanced > 2 * none, "balanced weights triple the positives' share: " + balanced);
  }

  /** Two overlapping Gaussian clouds, {@code rate} of the rows positive (one-hot labels). */
  static DataSet imbalanced(int rows, double rate, Random random) {
    double[][] features = new double[rows][2];
    double[][] labels = new double[rows][2];
    for (int i = 0; i < rows; i++) {
      int label = random.nextDouble() < rate ? 1 : 0;
      features[i][0] = label + random.nextGaussian();
      features[i][1] = label - random.nextGaussian();
      labels[i][label] = 1;
    }
    return new DataSet(Nd4j.createFromArray(features).castTo(DataType.FLOAT),
        Nd4j.createFromArray(labels).castTo(DataType.FLOAT));
  }

  private static double meanProbabilityAfterTraining(TrainingConfig config, DataSet data) {
    MultiLayerNetwork network = trained(config, data);
    return network.output(data.getFeatures()).getColumn(1).meanNumber().doubleValue();
  }

  /** A two-input network fitted full-batch on {@code data} with the config's class weights. */
  static MultiLayerNetwork trained(TrainingConfig config, DataSet data) {
    long positives = (long) data.getLabels().getColumn(1).sumNumber().doubleValue();
    double[] weights = ClassWeights.of(config, data.numExamples() - positives, positives);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, 2,
        weights));
    network.init();
    for (int epoch = 0; epoch < TRAINING_EPOCHS; epoch++) {
      network.fit(data);
    }
    return network;
  }

  static TrainingConfig withWeights(String scheme, Double beta) {
    return withWeights(scheme, beta, LEARNING_RATE);
  }

  static TrainingConfig withWeights(String scheme, Double beta, double learningRate) {
    return new TrainingConfig(null, null, null, null, null, null, learningRate, null, null,
        scheme, null, null, null, null, null, null, beta);
  }
}
