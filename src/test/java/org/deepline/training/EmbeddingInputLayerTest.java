package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class EmbeddingInputLayerTest {
  /** A 4-wide vector: slots 0 and 2 are numbers, slot 1 indexes 3 rows, slot 3 indexes 5 rows. */
  private static EmbeddingInputLayer twoTables() {
    return new EmbeddingInputLayer(4, new int[] {1, 3}, new int[] {3, 5}, new int[] {2, 3});
  }

  @Test
  void passesNumbersThroughAndAppendsOneEmbeddingPerIndexSlot() {
    EmbeddingInputLayer layer = twoTables();
    assertEquals(7, layer.outputWidth());
    assertArrayEquals(new int[] {0, 2}, layer.passedSlots());
    MultiLayerNetwork network = network(layer, DataType.FLOAT, 0.01);
    INDArray input = Nd4j.createFromArray(new float[][] {{0.5f, 2, -1.5f, 4}, {7, 0, 8, 0}});

    INDArray out = network.feedForward(input, false).get(1);

    INDArray first = network.getParam("0_" + EmbeddingInputLayer.tableName(0));
    INDArray second = network.getParam("0_" + EmbeddingInputLayer.tableName(1));
    assertArrayEquals(new float[] {0.5f, -1.5f, first.getFloat(2, 0), first.getFloat(2, 1),
        second.getFloat(4, 0), second.getFloat(4, 1), second.getFloat(4, 2)},
        out.getRow(0).toFloatVector(), 0f);
    assertArrayEquals(new float[] {7, 8, first.getFloat(0, 0), first.getFloat(0, 1),
        second.getFloat(0, 0), second.getFloat(0, 1), second.getFloat(0, 2)},
        out.getRow(1).toFloatVector(), 0f);
  }

  @Test
  void gradientsOfTheTablesAndTheLayersAboveMatchFiniteDifferences() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      MultiLayerNetwork network = network(twoTables(), DataType.DOUBLE, 0);
      Random random = new Random(11);
      int rows = 8;
      double[][] features = new double[rows][];
      double[][] labels = new double[rows][2];
      for (int r = 0; r < rows; r++) {
        features[r] = new double[] {random.nextGaussian(), random.nextInt(3),
            random.nextGaussian(), random.nextInt(5)};
        labels[r][random.nextInt(2)] = 1;
      }

      boolean matches = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
          .net(network).input(Nd4j.createFromArray(features)).labels(Nd4j.createFromArray(labels))
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));

      assertTrue(matches, "analytic and numerical gradients differ (see the log)");
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }

  @Test
  void learnsACategoryRuleThatIsNotMonotoneInTheIndex() {
    // Categories 1, 4 and 6 of 8 are positive: no threshold on the index separates them.
    MultiLayerNetwork network = network(
        new EmbeddingInputLayer(1, new int[] {0}, new int[] {8}, new int[] {4}), DataType.FLOAT,
        0.05);
    List<Integer> positive = List.of(1, 4, 6);
    float[][] features = new float[64][1];
    float[][] labels = new float[64][2];
    for (int r = 0; r < 64; r++) {
      features[r][0] = r % 8;
      labels[r][positive.contains(r % 8) ? 1 : 0] = 1;
    }
    INDArray x = Nd4j.createFromArray(features);
    INDArray y = Nd4j.createFromArray(labels);
    for (int step = 0; step < 300; step++) {
      network.fit(x, y);
    }

    INDArray p = network.output(x, false);
    for (int category = 0; category < 8; category++) {
      double positiveProbability = p.getDouble(category, 1);
      assertEquals(positive.contains(category), positiveProbability > 0.5,
          "category " + category + ": " + positiveProbability);
    }
  }

  @Test
  void aSavedNetworkReadsBackWithItsTablesAndScoresTheSame() throws Exception {
    MultiLayerNetwork network = network(twoTables(), DataType.FLOAT, 0.01);
    INDArray input = Nd4j.createFromArray(new float[][] {{0.5f, 2, -1.5f, 4}, {7, 1, 8, 3}});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(network, bytes, true);

    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
        new ByteArrayInputStream(bytes.toByteArray()), true);

    EmbeddingInputLayer layer = (EmbeddingInputLayer) restored.getLayerWiseConfigurations()
        .getConf(0).getLayer();
    assertArrayEquals(new int[] {1, 3}, layer.getIndexSlots());
    assertArrayEquals(new int[] {3, 5}, layer.getRows());
    assertArrayEquals(new int[] {2, 3}, layer.getDimensions());
    assertArrayEquals(network.output(input).data().asFloat(),
        restored.output(input).data().asFloat(), 0f);
  }

  @Test
  void refusesTablesThatDoNotMatchTheSlots() {
    assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingInputLayer(4, new int[] {1, 3}, new int[] {3}, new int[] {2, 3}));
    assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingInputLayer(4, new int[] {4}, new int[] {3}, new int[] {2}));
    assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingInputLayer(4, new int[] {3, 1}, new int[] {3, 3}, new int[] {2, 2}));
  }

  private static MultiLayerNetwork network(EmbeddingInputLayer embeddings, DataType type,
      double learningRate) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(3)
        .dataType(type)
        .updater(learningRate == 0 ? new NoOp()
            : new org.nd4j.linalg.learning.config.Adam(learningRate))
        .list()
        .layer(embeddings)
        .layer(new DenseLayer.Builder().nIn(embeddings.outputWidth()).nOut(6)
            .activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    return network;
  }
}
