package org.deepline.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.training.LayerSpec;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class WeightCompressionTest {
  private static final float EXACT = 0f;

  @Test
  void int8RoundsToMultiplesOfTheLayersScale() {
    // max |w| 1.27: scale 0.01; 0.333 -> code 33, -0.006 -> -1, 1.27 -> 127.
    float[] quantized = WeightCompression.quantizeInt8(new float[] {0.333f, -0.006f, 1.27f, 0f});
    assertEquals(0.33f, quantized[0], 1e-6f);
    assertEquals(-0.01f, quantized[1], 1e-6f);
    assertEquals(1.27f, quantized[2], 1e-6f);
    assertEquals(0f, quantized[3], EXACT);
    assertArrayEquals(new float[] {0f, 0f}, WeightCompression.quantizeInt8(new float[] {0f, 0f}));
  }

  @Test
  void pruningZeroesTheSmallestMagnitudesExactly() {
    float[] weights = {0.5f, -0.1f, 0.2f, -0.9f, 0.1f, 0.3f};
    // Half of 6: the three smallest magnitudes, -0.1 and 0.1 tied (both go) and 0.2.
    assertArrayEquals(new float[] {0.5f, 0f, 0f, -0.9f, 0f, 0.3f},
        WeightCompression.prune(weights, 0.5), EXACT);
    assertArrayEquals(weights, WeightCompression.prune(weights, 0.0), EXACT);
    assertThrows(IllegalArgumentException.class, () -> WeightCompression.prune(weights, 1.0));
  }

  @Test
  void networksKeepTheirShapeBiasesAndOriginal() {
    MultiLayerNetwork network = network();
    INDArray before = network.params().dup();

    MultiLayerNetwork pruned = WeightCompression.prune(network, 0.75);
    MultiLayerNetwork quantized = WeightCompression.quantizeInt8(network);

    assertEquals(before, network.params(), "the input network is not changed");
    assertEquals(0.75, WeightCompression.weightSparsity(pruned), 0.01);
    assertEquals(0.0, WeightCompression.weightSparsity(network), 0.0);
    assertEquals(network.getLayer(0).getParam(DefaultParamInitializer.BIAS_KEY),
        pruned.getLayer(0).getParam(DefaultParamInitializer.BIAS_KEY));
    INDArray weights = quantized.getLayer(0).getParam(DefaultParamInitializer.WEIGHT_KEY);
    assertEquals(network.numParams(), quantized.numParams());
    assertNotEquals(network.getLayer(0).getParam(DefaultParamInitializer.WEIGHT_KEY), weights);
    // At most 255 distinct values per layer.
    float[] values = weights.dup('c').reshape(weights.length()).toFloatVector();
    long distinct = java.util.stream.IntStream.range(0, values.length).mapToObj(i -> values[i])
        .distinct().count();
    assertTrue(distinct <= 2 * WeightCompression.INT8_LEVELS + 1, distinct + " distinct weights");
  }

  private static MultiLayerNetwork network() {
    TrainingConfig config = new TrainingConfig(null, null, null, null, null, null, null, null,
        List.of(new LayerSpec(16, null, null)), null, null, null, null, null, null, null, null);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, 40,
        null));
    network.init();
    return network;
  }
}
