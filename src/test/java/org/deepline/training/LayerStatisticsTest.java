package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class LayerStatisticsTest {
  private static final int WIDTH = 6;
  private static final int ROWS = 256;

  @Test
  void measuresEveryLayerAndLeavesTheNetworkAsItWas() {
    MultiLayerNetwork network = network(List.of(new LayerSpec(8, "relu", null),
        new LayerSpec(4, "tanh", null)));
    DataSet probe = separableRows(7);
    float[] before = LayerStatistics.parameters(network);
    network.fit(probe);
    float[] after = LayerStatistics.parameters(network);
    float[] outputBefore = network.output(probe.getFeatures()).dup().data().asFloat();

    List<LayerStatistics.Layer> layers = LayerStatistics.measure(3, network, before, probe);

    assertEquals(3, layers.size());
    assertEquals(List.of("relu", "tanh", "softmax"),
        layers.stream().map(LayerStatistics.Layer::activation).toList());
    assertEquals(List.of(0, 1, 2), layers.stream().map(LayerStatistics.Layer::layer).toList());
    assertTrue(layers.stream().allMatch(l -> l.epoch() == 3));
    // Only a ReLU layer can have dead units; a fresh Xavier layer has few or none.
    assertTrue(layers.get(0).deadShare() >= 0 && layers.get(0).deadShare() < 0.5,
        "dead share " + layers.get(0).deadShare());
    assertTrue(Double.isNaN(layers.get(1).deadShare()));
    // Softmax outputs of two classes average exactly 1/2.
    assertEquals(0.5, layers.get(2).activationMean(), 1e-6);
    for (LayerStatistics.Layer layer : layers) {
      assertTrue(layer.gradientAbsMean() > 0, "layer " + layer.layer() + " has a gradient");
      assertTrue(layer.updateRatio() > 0 && layer.updateRatio() < 1,
          "layer " + layer.layer() + " moved by " + layer.updateRatio());
      assertTrue(layer.weightStd() > 0);
    }
    assertTrue(LayerStatistics.warnings(layers).isEmpty(), LayerStatistics.warnings(layers)
        .toString());
    assertArrayEquals(after, LayerStatistics.parameters(network), 0f);
    assertArrayEquals(outputBefore, network.output(probe.getFeatures()).dup().data().asFloat(), 0f);
  }

  @Test
  void theUpdateRatioIsTheMeanAbsoluteChangeOverTheMeanAbsoluteWeight() {
    MultiLayerNetwork network = network(List.of(new LayerSpec(4, "relu", null)));
    float[] before = LayerStatistics.parameters(network);
    // Every weight of the first layer 10 % larger: the ratio is 0.1 whatever the weights are.
    network.getLayer(0).getParam("W").muli(1.1);

    List<LayerStatistics.Layer> layers =
        LayerStatistics.measure(1, network, before, separableRows(1));

    assertEquals(0.1, layers.get(0).updateRatio(), 1e-5);
    assertEquals(0.0, layers.get(1).updateRatio(), 0.0);
  }

  @Test
  void gradientsArePerRowWhateverTheProbeSize() {
    MultiLayerNetwork network = network(List.of(new LayerSpec(4, "tanh", null)));
    DataSet rows = separableRows(5);
    DataSet twice = DataSet.merge(List.of(rows, rows));

    double once = LayerStatistics.measure(1, network, null, rows).get(0).gradientAbsMean();
    double doubled = LayerStatistics.measure(1, network, null, twice).get(0).gradientAbsMean();

    assertEquals(once, doubled, once * 1e-5);
  }

  @Test
  void deadReluUnitsAndAStalledLayerAreNamed() {
    MultiLayerNetwork network = network(List.of(new LayerSpec(8, "relu", null)));
    // Broken on purpose: a bias far below anything the inputs can reach kills every unit.
    network.getLayer(0).getParam("b").assign(-1000);
    float[] unchanged = LayerStatistics.parameters(network);

    List<LayerStatistics.Layer> layers =
        LayerStatistics.measure(2, network, unchanged, separableRows(3));

    assertEquals(1.0, layers.get(0).deadShare(), 0.0);
    assertEquals(0.0, layers.get(0).activationStd(), 0.0);
    // No unit passes a gradient back: the first layer's weights get none.
    assertEquals(0.0, layers.get(0).gradientAbsMean(), 0.0);
    assertEquals(List.of(
        "layer 0: 100% of its ReLU units output 0 for every probe row (dead); lower "
            + "training.learning_rate or use leakyrelu",
        "layer 0: its weights moved 0.0 of their size in epoch 2: it has stopped learning",
        "layer 1: its weights moved 0.0 of their size in epoch 2: it has stopped learning"),
        LayerStatistics.warnings(layers));
  }

  private static MultiLayerNetwork network(List<LayerSpec> layers) {
    TrainingConfig config = new TrainingConfig(11L, null, null, null, null, null, 0.05, 0.0,
        layers, null, null, null, null, null, null, null, null);
    MultiLayerNetwork network =
        new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, WIDTH, null));
    network.init();
    return network;
  }

  /** Rows whose label is the sign of their first input. */
  private static DataSet separableRows(long seed) {
    Random random = new Random(seed);
    float[] features = new float[ROWS * WIDTH];
    float[] labels = new float[ROWS * NetworkFactory.CLASSES];
    for (int row = 0; row < ROWS; row++) {
      for (int column = 0; column < WIDTH; column++) {
        features[row * WIDTH + column] = (float) random.nextGaussian();
      }
      labels[row * NetworkFactory.CLASSES + (features[row * WIDTH] > 0 ? 1 : 0)] = 1f;
    }
    return new DataSet(Nd4j.createFromArray(features).reshape(ROWS, WIDTH).castTo(DataType.FLOAT),
        Nd4j.createFromArray(labels).reshape(ROWS, NetworkFactory.CLASSES));
  }
}
