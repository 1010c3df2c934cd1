package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.config.ConfigLoader;
import org.deepline.core.DeeplineException;
import org.deepline.metrics.ScoredLabels;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Platt scaling folded into the output layer: the fit recovers the map that made the labels, the
 * network then outputs exactly the calibrated probabilities, a focal network's held-out log loss
 * falls while its ranking stays, and a map that does not rank is refused.
 */
class PlattScalingTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");
  private static final int WIDTH = 2;
  private static final int TRAINING_STEPS = 300;

  /** Labels drawn with logit z; probabilities that say z / 2: too timid by a factor 2, shifted. */
  @Test
  void theFitRecoversTheMapFromTheNetworksLogitToTheLabels() {
    Random random = new Random(11);
    int rows = 20_000;
    float[] probabilities = new float[rows];
    byte[] labels = new byte[rows];
    for (int row = 0; row < rows; row++) {
      double z = random.nextGaussian() * 2;
      labels[row] = (byte) (random.nextDouble() < EnsembleSpec.sigmoid(z) ? 1 : 0);
      probabilities[row] = (float) EnsembleSpec.sigmoid((z + 0.6) / 2);
    }
    PlattScaling.Fit fit = PlattScaling.fit(new ScoredLabels(probabilities, labels));
    // logit = (z + 0.6) / 2, so z = 2 logit - 0.6.
    assertEquals(2.0, fit.slope(), 0.08);
    assertEquals(-0.6, fit.intercept(), 0.06);
    assertEquals(0.5, new PlattScaling.Fit(2.0, -0.6).calibrated(
        EnsembleSpec.sigmoid(0.3)), 1e-9);
  }

  /**
   * Ten validation rows the network separates: against hard labels the slope would grow without
   * bound; Platt's smoothed targets (6/7 and 1/7) keep it finite and modest.
   */
  @Test
  void aSeparatedSmallSplitGivesAFiniteSlope() {
    double[] logits = {-2.0, -1.5, -1.0, -0.5, -0.2, 0.2, 0.5, 1.0, 1.5, 2.0};
    float[] probabilities = new float[logits.length];
    byte[] labels = new byte[logits.length];
    for (int row = 0; row < logits.length; row++) {
      probabilities[row] = (float) EnsembleSpec.sigmoid(logits[row]);
      labels[row] = (byte) (logits[row] > 0 ? 1 : 0);
    }
    PlattScaling.Fit fit = PlattScaling.fit(new ScoredLabels(probabilities, labels));
    assertTrue(fit.usable(), fit.toString());
    assertTrue(fit.slope() > 1 && fit.slope() < 5, fit.toString());
    assertEquals(0.0, fit.intercept(), 1e-6, "symmetric rows, symmetric targets");
  }

  @Test
  void theNetworkThenOutputsTheCalibratedProbabilities() {
    MultiLayerNetwork network = network(focal());
    INDArray inputs = Nd4j.randn(new Random(3).nextLong(), new long[] {50, WIDTH});
    INDArray before = network.output(inputs).dup();
    PlattScaling.Fit fit = new PlattScaling.Fit(1.7, -0.3);

    PlattScaling.apply(network, fit);

    INDArray after = network.output(inputs);
    for (int row = 0; row < 50; row++) {
      assertEquals(fit.calibrated(before.getDouble(row, 1)), after.getDouble(row, 1), 1e-5,
          "row " + row);
      assertEquals(1.0, after.getDouble(row, 0) + after.getDouble(row, 1), 1e-6);
    }
  }

  /**
   * A focal and a cross-entropy network fitted alike on the same rows, calibrated on others and
   * judged on a third set: the focal network's map stretches its logit more (focal loss pulls
   * probabilities towards the middle), and its held-out log loss falls while its ranking stays.
   */
  @Test
  void aFocalNetworksHeldOutLogLossFallsAndItsRankingStays() {
    Random random = new Random(5);
    DataSet train = rows(random, 4_000);
    DataSet calibrationRows = rows(random, 2_000);
    DataSet heldOutRows = rows(random, 2_000);
    MultiLayerNetwork network = trained(focal(), train);
    MultiLayerNetwork crossEntropy = trained(crossEntropy(), train);
    ScoredLabels before = scores(network, heldOutRows);

    PlattScaling.Fit fit = PlattScaling.fit(scores(network, calibrationRows));
    PlattScaling.Fit crossEntropyFit = PlattScaling.fit(scores(crossEntropy, calibrationRows));
    PlattScaling.apply(network, fit);
    ScoredLabels after = scores(network, heldOutRows);

    assertTrue(fit.slope() > crossEntropyFit.slope() + 0.2, fit + " against " + crossEntropyFit);
    assertTrue(after.logLoss() < before.logLoss() - 0.01,
        before.logLoss() + " -> " + after.logLoss());
    assertEquals(before.rocAuc(), after.rocAuc(), 1e-4);
  }

  /** Broken fixture: a slope of 0 erases the ranking, a negative one reverses it. */
  @Test
  void aMapThatDoesNotRankIsRefused() {
    MultiLayerNetwork network = network(focal());
    assertThrows(IllegalArgumentException.class,
        () -> PlattScaling.apply(network, new PlattScaling.Fit(0, 0.1)));
    assertThrows(IllegalArgumentException.class,
        () -> PlattScaling.apply(network, new PlattScaling.Fit(-1.2, 0.1)));
    assertThrows(IllegalArgumentException.class,
        () -> PlattScaling.apply(network, new PlattScaling.Fit(Double.NaN, 0.1)));
    // Separable validation rows: a runaway slope, or Newton's method out of iterations.
    assertFalse(new PlattScaling.Fit(25, 0.1).usable());
    assertFalse(new PlattScaling.Fit(1.5, 0.1, false).usable());
    assertTrue(new PlattScaling.Fit(20, -3).usable());
    assertThrows(IllegalArgumentException.class,
        () -> PlattScaling.apply(network, new PlattScaling.Fit(25, 0.1)));
  }

  @Test
  void focalLossCalibratesByDefaultAndOnlyFocalLossMay() {
    assertTrue(ConfigLoader.load(CHURN, List.of("training.loss={\"type\": \"focal\"}"))
        .section(TrainingConfig.class).loss().calibrates());
    assertFalse(ConfigLoader.load(CHURN, List.of(
        "training.loss={\"type\": \"focal\", \"calibrate\": false}"))
        .section(TrainingConfig.class).loss().calibrates());
    assertFalse(ConfigLoader.load(CHURN, List.of()).section(TrainingConfig.class).loss()
        .calibrates());
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CHURN,
        List.of("training.loss={\"type\": \"cross_entropy\", \"calibrate\": true}")));
    assertTrue(error.getMessage().contains(
        "training.loss.calibrate: applies to type focal only, type is cross_entropy"),
        error.getMessage());
  }

  private static TrainingConfig focal() {
    return new TrainingConfig(9L, null, null, null, null, null, 0.01, null,
        List.of(new LayerSpec(8, null, null)), null, null, null, null, null, null,
        new LossConfig(LossConfig.FOCAL, 2.0), null);
  }

  private static TrainingConfig crossEntropy() {
    return new TrainingConfig(9L, null, null, null, null, null, 0.01, null,
        List.of(new LayerSpec(8, null, null)), null, null, null, null, null, null, null, null);
  }

  /** {@value #TRAINING_STEPS} full-batch steps on {@code rows}. */
  private static MultiLayerNetwork trained(TrainingConfig config, DataSet rows) {
    MultiLayerNetwork network = network(config);
    for (int step = 0; step < TRAINING_STEPS; step++) {
      network.fit(rows);
    }
    return network;
  }

  private static MultiLayerNetwork network(TrainingConfig config) {
    MultiLayerNetwork network = new MultiLayerNetwork(
        NetworkFactory.binaryClassifier(config, WIDTH, null));
    network.init();
    return network;
  }

  /** Rows whose label follows a logistic model of the two features, one-hot for the softmax. */
  private static DataSet rows(Random random, int count) {
    double[][] features = new double[count][WIDTH];
    double[][] labels = new double[count][2];
    for (int row = 0; row < count; row++) {
      features[row][0] = random.nextGaussian();
      features[row][1] = random.nextGaussian();
      int label = random.nextDouble()
          < EnsembleSpec.sigmoid(2 * features[row][0] - features[row][1] - 1) ? 1 : 0;
      labels[row][label] = 1;
    }
    return new DataSet(Nd4j.createFromArray(features).castTo(DataType.FLOAT),
        Nd4j.createFromArray(labels).castTo(DataType.FLOAT));
  }

  private static ScoredLabels scores(MultiLayerNetwork network, DataSet rows) {
    INDArray output = network.output(rows.getFeatures());
    int count = (int) output.rows();
    float[] probabilities = new float[count];
    byte[] labels = new byte[count];
    for (int row = 0; row < count; row++) {
      probabilities[row] = output.getFloat(row, 1);
      labels[row] = (byte) rows.getLabels().getFloat(row, 1);
    }
    return new ScoredLabels(probabilities, labels);
  }
}
