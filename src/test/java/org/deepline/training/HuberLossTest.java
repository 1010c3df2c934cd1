package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

class HuberLossTest {
  private static final IActivation IDENTITY = new ActivationIdentity();
  private static final double STEP = 1e-6;
  private static final int EXAMPLES = 8;
  private static final int COLUMNS = 2;

  /** Labels {@code (1, 2, -1)} and outputs {@code (1.5, 0, 2)}: errors 0.5, -2 and 3. */
  private static final INDArray LABELS = Nd4j.createFromArray(new double[][] {{1}, {2}, {-1}});
  private static final INDArray OUTPUTS = Nd4j.createFromArray(new double[][] {{1.5}, {0}, {2}});

  @Test
  void scoresByHandInsideAndOutsideDelta() {
    HuberLoss unit = new HuberLoss(1.0);
    // 0.5 * 0.5^2 = 0.125; 1 * (2 - 0.5) = 1.5; 1 * (3 - 0.5) = 2.5.
    assertArrayEquals(new double[] {0.125, 1.5, 2.5},
        unit.computeScoreArray(LABELS, OUTPUTS, IDENTITY, null).toDoubleVector(), 1e-12);
    assertEquals(4.125, unit.computeScore(LABELS, OUTPUTS, IDENTITY, null, false), 1e-12);
    assertEquals(1.375, unit.computeScore(LABELS, OUTPUTS, IDENTITY, null, true), 1e-12);
    // The derivative is the error clipped to [-1, 1].
    assertArrayEquals(new double[] {0.5, -1, 1},
        unit.computeGradient(LABELS, OUTPUTS, IDENTITY, null).toDoubleVector(), 1e-12);

    HuberLoss two = new HuberLoss(2.0);
    // 0.125; |-2| is on the boundary: 0.5 * 4 = 2 = 2 * (2 - 1); 2 * (3 - 1) = 4.
    assertArrayEquals(new double[] {0.125, 2, 4},
        two.computeScoreArray(LABELS, OUTPUTS, IDENTITY, null).toDoubleVector(), 1e-12);
    assertArrayEquals(new double[] {0.5, -2, 2},
        two.computeGradient(LABELS, OUTPUTS, IDENTITY, null).toDoubleVector(), 1e-12);
  }

  @Test
  void columnsAreSummedPerExampleAndAMaskDropsExamplesButNotTheAverage() {
    HuberLoss unit = new HuberLoss(1.0);
    INDArray labels = Nd4j.createFromArray(new double[][] {{0, 0}, {1, 1}});
    // Errors (0.5, -3) and (2, 0): 0.125 + 2.5 and 1.5 + 0.
    INDArray outputs = Nd4j.createFromArray(new double[][] {{0.5, -3}, {3, 1}});
    assertArrayEquals(new double[] {2.625, 1.5},
        unit.computeScoreArray(labels, outputs, IDENTITY, null).toDoubleVector(), 1e-12);

    INDArray secondOnly = Nd4j.createFromArray(new double[][] {{0}, {1}});
    assertArrayEquals(new double[] {0, 1.5},
        unit.computeScoreArray(labels, outputs, IDENTITY, secondOnly).toDoubleVector(), 1e-12);
    // As DL4J's LossL2: the masked example still counts in the average's denominator.
    assertEquals(0.75, unit.computeScore(labels, outputs, IDENTITY, secondOnly, true), 1e-12);
    assertArrayEquals(new double[] {0, 0, 1, 0},
        unit.computeGradient(labels, outputs, IDENTITY, secondOnly).data().asDouble(), 1e-12);

    INDArray perOutput = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
    assertArrayEquals(new double[] {0.125, 0},
        unit.computeScoreArray(labels, outputs, IDENTITY, perOutput).toDoubleVector(), 1e-12);
  }

  /**
   * Labels and pre-outputs of {@value #EXAMPLES} x {@value #COLUMNS}, in double precision, whose
   * errors are spread over {@code [-3 delta, 3 delta]}-ish, so on both sides of delta.
   */
  private static INDArray[] batch(long seed, double delta) {
    Random random = new Random(seed);
    double[][] labels = new double[EXAMPLES][COLUMNS];
    double[][] preOutputs = new double[EXAMPLES][COLUMNS];
    for (int i = 0; i < EXAMPLES; i++) {
      for (int c = 0; c < COLUMNS; c++) {
        labels[i][c] = random.nextGaussian();
        preOutputs[i][c] = labels[i][c] + 2 * delta * random.nextGaussian();
      }
    }
    return new INDArray[] {Nd4j.createFromArray(labels), Nd4j.createFromArray(preOutputs)};
  }

  @Test
  void theGradientMatchesFiniteDifferencesOfTheScore() {
    INDArray perExample = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {0}, {1},
        {1}, {1}});
    INDArray perOutput = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 1}, {0, 1}, {1, 1},
        {0, 0}, {1, 1}, {1, 0}, {1, 1}});
    int inside = 0;
    int outside = 0;
    for (double delta : new double[] {0.3, 1.0, 2.5}) {
      HuberLoss loss = new HuberLoss(delta);
      INDArray[] batch = batch(Double.doubleToLongBits(delta), delta);
      INDArray labels = batch[0];
      INDArray preOutputs = batch[1];
      for (int i = 0; i < EXAMPLES; i++) {
        for (int c = 0; c < COLUMNS; c++) {
          boolean within = Math.abs(preOutputs.getDouble(i, c) - labels.getDouble(i, c)) <= delta;
          inside += within ? 1 : 0;
          outside += within ? 0 : 1;
        }
      }
      for (IActivation activation : new IActivation[] {IDENTITY, new ActivationTanH()}) {
        for (INDArray mask : new INDArray[] {null, perExample, perOutput}) {
          String context = "delta " + delta + ", " + activation + ", mask " + mask;
          assertMatchesFiniteDifferences(loss, labels, preOutputs, activation, mask, context);
        }
      }
    }
    assertTrue(inside >= 10 && outside >= 10, "errors inside delta " + inside + ", outside "
        + outside + ": the batches must cover both branches");
  }

  private static void assertMatchesFiniteDifferences(HuberLoss loss, INDArray labels,
      INDArray preOutputs, IActivation activation, INDArray mask, String context) {
    INDArray analytic = loss.computeGradient(labels, preOutputs, activation, mask);
    for (int i = 0; i < EXAMPLES; i++) {
      for (int c = 0; c < COLUMNS; c++) {
        INDArray up = preOutputs.dup();
        up.putScalar(i, c, preOutputs.getDouble(i, c) + STEP);
        INDArray down = preOutputs.dup();
        down.putScalar(i, c, preOutputs.getDouble(i, c) - STEP);
        double numeric = (loss.computeScore(labels, up, activation, mask, false)
            - loss.computeScore(labels, down, activation, mask, false)) / (2 * STEP);
        assertEquals(numeric, analytic.getDouble(i, c), 1e-6 * Math.max(1, Math.abs(numeric)),
            context + ", example " + i + ", column " + c);
      }
    }
    Pair<Double, INDArray> both =
        loss.computeGradientAndScore(labels, preOutputs, activation, mask, true);
    assertEquals(loss.computeScore(labels, preOutputs, activation, mask, true), both.getFirst(),
        1e-12, context);
    assertArrayEquals(analytic.data().asDouble(), both.getSecond().data().asDouble(), 1e-12,
        context);
  }

  @Test
  void insideDeltaEverywhereItIsHalfOfDl4jsL2() {
    HuberLoss wide = new HuberLoss(1e3);
    LossL2 squared = new LossL2();
    INDArray[] batch = batch(3, 1.0);
    INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {1}, {1}, {0}, {1},
        {1}});

    assertEquals(0.5 * squared.computeScore(batch[0], batch[1], IDENTITY, mask, true),
        wide.computeScore(batch[0], batch[1], IDENTITY, mask, true), 1e-12);
    assertArrayEquals(squared.computeScoreArray(batch[0], batch[1], IDENTITY, mask).mul(0.5)
            .toDoubleVector(),
        wide.computeScoreArray(batch[0], batch[1], IDENTITY, mask).toDoubleVector(), 1e-12);
    assertArrayEquals(squared.computeGradient(batch[0], batch[1], IDENTITY, mask).mul(0.5).data()
            .asDouble(),
        wide.computeGradient(batch[0], batch[1], IDENTITY, mask).data().asDouble(), 1e-12);
  }

  /** {@code y = 2x + 1} at {@code n} evenly spaced x in {@code [-1, 1]}, as a column each. */
  private static DataSet line(int n) {
    double[][] x = new double[n][1];
    double[][] y = new double[n][1];
    for (int i = 0; i < n; i++) {
      x[i][0] = -1 + 2.0 * i / (n - 1);
      y[i][0] = 2 * x[i][0] + 1;
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }

  @Test
  void aNetworkTrainedWithHuberLossFitsALineAndSavesAndReloadsWithIt() throws Exception {
    HuberLoss loss = new HuberLoss(0.5);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(5)
        .dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER)
        .updater(new Adam(0.02))
        .list()
        .layer(new DenseLayer.Builder().nIn(1).nOut(8).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(loss).nIn(8).nOut(1).activation(Activation.IDENTITY)
            .build())
        .build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    DataSet data = line(40);
    double before = network.score(data);
    for (int iteration = 0; iteration < 400; iteration++) {
      network.fit(data);
    }

    INDArray fitted = network.output(data.getFeatures());
    double meanSquaredError = fitted.squaredDistance(data.getLabels()) / 40;
    assertTrue(before > 0.3, "the untrained network is off the line: " + before);
    assertTrue(meanSquaredError < 1e-3, "mean squared error " + meanSquaredError);

    assertEquals(loss, ((OutputLayer) conf.getConf(1).getLayer()).getLossFn());
    assertEquals(loss, ((OutputLayer) MultiLayerConfiguration.fromJson(conf.toJson()).getConf(1)
        .getLayer()).getLossFn());
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, saved, false);
    MultiLayerNetwork reloaded = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(saved.toByteArray()));
    assertEquals(loss,
        ((OutputLayer) reloaded.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
    assertArrayEquals(fitted.data().asDouble(),
        reloaded.output(data.getFeatures()).data().asDouble(), 0.0);
    assertEquals(network.score(data), reloaded.score(data), 0.0);
  }

  /** The slope of a linear model ({@code y = w x + b}) fitted with {@code loss} by full-batch SGD. */
  private static double fittedSlope(ILossFunction loss, DataSet data) {
    MultiLayerNetwork linear = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(5)
        .dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER)
        .updater(new Sgd(0.5))
        .list()
        .layer(new OutputLayer.Builder(loss).nIn(1).nOut(1).activation(Activation.IDENTITY)
            .build())
        .build());
    linear.init();
    for (int iteration = 0; iteration < 1000; iteration++) {
      linear.fit(data);
    }
    return linear.getLayer(0).getParam("W").getDouble(0);
  }

  @Test
  void oneOutlierPullsHubersSlopeFarLessThanMses() {
    DataSet data = line(20);
    // The last row, at x = 1, is 20 above the line.
    data.getLabels().putScalar(19, 0, data.getLabels().getDouble(19, 0) + 20);

    double squared = fittedSlope(new LossMSE(), data);
    double huber = fittedSlope(new HuberLoss(1.0), data);
    double clean = fittedSlope(new HuberLoss(1.0), line(20));

    // Least squares moves the slope by 20 x_o / sum(x^2) = 20 * 57 / 420 = 19/7: 33/7 = 4.714.
    assertEquals(33.0 / 7, squared, 1e-3);
    // Huber's minimiser is 13/6 = 2.167: the outlier pulls with delta = 1, not with its error.
    assertTrue(huber > 2.1 && huber < 2.25, "huber slope " + huber);
    assertEquals(2.0, clean, 1e-3);
    assertTrue(squared - huber > 2.5, "mse " + squared + ", huber " + huber);
  }

  @Test
  void aDeltaThatIsNotAPositiveFiniteNumberIsRefused() {
    for (double delta : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> new HuberLoss(delta));
      assertTrue(error.getMessage().contains("delta must be a finite number > 0, got " + delta),
          error.getMessage());
    }
    assertEquals("HuberLoss(delta=1.5)", new HuberLoss(1.5).name());
    assertThrows(IllegalArgumentException.class, () -> new HuberLoss(1.0).computeScore(LABELS,
        Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {5, 6}}), IDENTITY, null, true));
  }
}
