package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class NetworkFactoryTest {
  @Test
  void layersFollowTheConfigAndEndInATwoClassSoftmax() {
    TrainingConfig config = new TrainingConfig(null, null, null, null, null, null, null, null,
        List.of(new LayerSpec(16, "tanh", 0.25), new LayerSpec(4, null, null)), null, null, null,
        null, null, null, null, null);

    MultiLayerConfiguration network = NetworkFactory.binaryClassifier(config, 10, null);

    assertEquals(3, network.getConfs().size());
    DenseLayer first = (DenseLayer) network.getConf(0).getLayer();
    assertEquals(10, first.getNIn());
    assertEquals(16, first.getNOut());
    assertEquals("tanh", first.getActivationFn().toString());
    // The config says "drop 25 %"; DL4J's Dropout holds the probability of keeping a unit.
    assertEquals(0.75, ((Dropout) first.getIDropout()).getP(), 1e-12);
    DenseLayer second = (DenseLayer) network.getConf(1).getLayer();
    assertEquals(4, second.getNOut());
    assertEquals(null, second.getIDropout());
    OutputLayer output = (OutputLayer) network.getConf(2).getLayer();
    assertEquals(4, output.getNIn());
    assertEquals(2, output.getNOut());
    assertEquals("softmax", output.getActivationFn().toString());
  }

  @Test
  void categoryIndicesAreEmbeddedBeforeTheHiddenLayers() {
    // A 10-wide vector with indices in slots 2 (40 values + other) and 7 (5 values + other).
    NetworkInput input = new NetworkInput(10, List.of(new NetworkInput.Embedded("origin", 2, 41, 8),
        new NetworkInput.Embedded("carrier", 7, 6, 3)));

    MultiLayerConfiguration network = NetworkFactory.binaryClassifier(TrainingConfig.defaults(),
        input, null);

    EmbeddingInputLayer embeddings = (EmbeddingInputLayer) network.getConf(0).getLayer();
    assertArrayEquals(new int[] {2, 7}, embeddings.getIndexSlots());
    assertArrayEquals(new int[] {41, 6}, embeddings.getRows());
    // 8 plain inputs and 8 + 3 embedded ones reach the first hidden layer.
    assertEquals(19, input.hiddenInputWidth());
    assertEquals(41 * 8 + 6 * 3, input.embeddingParameters());
    assertEquals(19, ((DenseLayer) network.getConf(1).getLayer()).getNIn());
    assertEquals(TrainingConfig.defaults().layers().size() + 2, network.getConfs().size());
  }

  @Test
  void learningRateDecayIsAnEpochSchedule() {
    TrainingConfig config = new TrainingConfig(null, null, null, null, null, null, 0.01, null, null,
        null, null, null, 0.5, null, null, null, null);

    MultiLayerConfiguration network = NetworkFactory.binaryClassifier(config, 10, null);

    Adam adam = (Adam) ((BaseLayer) network.getConf(0).getLayer()).getIUpdater();
    assertEquals(0.01, adam.getLearningRate(0, 0), 1e-12);
    assertEquals(0.0025, adam.getLearningRate(0, 2), 1e-12);
    Adam constant = (Adam) ((BaseLayer) NetworkFactory.binaryClassifier(
        TrainingConfig.defaults(), 10, null).getConf(0).getLayer()).getIUpdater();
    assertEquals(0.005, constant.getLearningRate(1000, 7), 1e-12);
  }

  @Test
  void balancedWeightsAreInverseClassFrequency() {
    // 300 negatives, 100 positives: each class should weigh as much as the other in the loss.
    assertArrayEquals(new double[] {400.0 / 600, 400.0 / 200},
        ClassWeights.balanced(300, 100), 1e-12);
    assertArrayEquals(new double[] {1, 1}, ClassWeights.balanced(50, 50), 1e-12);
  }
}
