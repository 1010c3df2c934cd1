package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

class FocalLossTest {
  private static final IActivation SOFTMAX = new ActivationSoftmax();
  private static final double STEP = 1e-6;
  private static final int EXAMPLES = 6;

  /** Random logits of two classes and one-hot labels, in double precision. */
  private static INDArray[] batch(long seed) {
    Random random = new Random(seed);
    double[][] logits = new double[EXAMPLES][2];
    double[][] labels = new double[EXAMPLES][2];
    for (int i = 0; i < EXAMPLES; i++) {
      logits[i][0] = 3 * random.nextGaussian();
      logits[i][1] = 3 * random.nextGaussian();
      labels[i][random.nextBoolean() ? 1 : 0] = 1;
    }
    return new INDArray[] {Nd4j.createFromArray(labels), Nd4j.createFromArray(logits)};
  }

  @Test
  void theGradientMatchesFiniteDifferencesOfTheScore() {
    for (double gamma : new double[] {0.0, 0.5, 2.0, 5.0}) {
      FocalLoss loss = new FocalLoss(gamma, new double[] {0.3, 1.7});
      INDArray[] batch = batch(Double.doubleToLongBits(gamma));
      INDArray labels = batch[0];
      INDArray logits = batch[1];

      INDArray analytic = loss.computeGradient(labels, logits, SOFTMAX, null);

      for (int i = 0; i < EXAMPLES; i++) {
        for (int c = 0; c < 2; c++) {
          INDArray up = logits.dup();
          up.putScalar(i, c, logits.getDouble(i, c) + STEP);
          INDArray down = logits.dup();
          down.putScalar(i, c, logits.getDouble(i, c) - STEP);
          double numeric = (loss.computeScore(labels, up, SOFTMAX, null, false)
              - loss.computeScore(labels, down, SOFTMAX, null, false)) / (2 * STEP);
          assertEquals(numeric, analytic.getDouble(i, c), 1e-6 * Math.max(1, Math.abs(numeric)),
              "gamma " + gamma + ", example " + i + ", class " + c);
        }
      }
    }
  }

  @Test
  void gammaZeroIsWeightedCrossEntropy() {
    INDArray[] batch = batch(7);
    double[] weights = {0.4, 2.5};
    LossMCXENT crossEntropy = new LossMCXENT(Nd4j.createFromArray(weights));
    FocalLoss focal = new FocalLoss(0.0, weights);

    assertEquals(crossEntropy.computeScore(batch[0], batch[1], SOFTMAX, null, true),
        focal.computeScore(batch[0], batch[1], SOFTMAX, null, true), 1e-9);
    assertArrayEquals(crossEntropy.computeScoreArray(batch[0], batch[1], SOFTMAX, null)
            .toDoubleVector(),
        focal.computeScoreArray(batch[0], batch[1], SOFTMAX, null).toDoubleVector(), 1e-9);
    assertArrayEquals(crossEntropy.computeGradient(batch[0], batch[1], SOFTMAX, null).data()
            .asDouble(),
        focal.computeGradient(batch[0], batch[1], SOFTMAX, null).data().asDouble(), 1e-9);
  }

  @Test
  void anEasyExampleWeighsFarLessThanUnderCrossEntropyAHardOneAlmostAsMuch() {
    FocalLoss focal = new FocalLoss(2.0, null);
    INDArray positive = Nd4j.createFromArray(new double[][] {{0, 1}});
    // Logits (0, ln 99): p = 0.99 for the right class; (0, -ln 9): p = 0.1.
    INDArray easy = Nd4j.createFromArray(new double[][] {{0, Math.log(99)}});
    INDArray hard = Nd4j.createFromArray(new double[][] {{0, -Math.log(9)}});

    assertEquals(0.01 * 0.01 * -Math.log(0.99),
        focal.computeScore(positive, easy, SOFTMAX, null, false), 1e-12);
    assertEquals(0.9 * 0.9 * -Math.log(0.1),
        focal.computeScore(positive, hard, SOFTMAX, null, false), 1e-12);
    assertEquals(0.25 * Math.log(2), focal.computeScore(positive,
        Nd4j.createFromArray(new double[][] {{0, 0}}), SOFTMAX, null, false), 1e-12);
  }

  @Test
  void aNetworkTrainedWithFocalLossSavesAndReloadsWithIt() throws Exception {
    TrainingConfig config = new TrainingConfig(null, null, null, null, null, null, null, null,
        List.of(new LayerSpec(4, null, null)), ClassWeights.EFFECTIVE_NUMBER, null, null, null,
        null, null, new LossConfig(LossConfig.FOCAL, 1.5), 0.99);
    double[] weights = ClassWeights.of(config, 90, 10);
    MultiLayerConfiguration conf = NetworkFactory.binaryClassifier(config, 3, weights);
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();

    assertEquals(new FocalLoss(1.5, weights),
        ((OutputLayer) conf.getConf(1).getLayer()).getLossFn());
    assertEquals(new FocalLoss(1.5, weights), ((OutputLayer) MultiLayerConfiguration.fromJson(
        conf.toJson()).getConf(1).getLayer()).getLossFn());
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, saved, false);
    MultiLayerNetwork reloaded = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(saved.toByteArray()));
    assertEquals(new FocalLoss(1.5, weights),
        ((OutputLayer) reloaded.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
  }

  @Test
  void aNegativeOrInfiniteGammaIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FocalLoss(-1, null));
    assertThrows(IllegalArgumentException.class,
        () -> new FocalLoss(Double.POSITIVE_INFINITY, null));
    assertTrue(new FocalLoss(0, null).toString().contains("gamma=0.0"));
  }
}
