package org.deepline.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.deepline.training.LayerSpec;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NetworkScorerTest {
  private static final int WIDTH = 40;
  private static final int ROWS = 50;
  /** Float sums in another order: the sparse first layer matches DL4J's product to about 1e-7. */
  private static final double FLOAT_ORDER = 1e-5;

  @Test
  void sparseAndDenseMinibatchesMatchDl4jsOutput() {
    for (List<LayerSpec> layers : List.of(List.of(new LayerSpec(16, "tanh", null)),
        List.of(new LayerSpec(16, null, null), new LayerSpec(8, "sigmoid", null)))) {
      MultiLayerNetwork network = network(layers);
      NetworkScorer scorer = new NetworkScorer(network);
      // Three non-zero slots a row (sparse path), then every slot non-zero (dense path).
      for (int nonZerosPerRow : new int[] {3, WIDTH}) {
        float[] batch = batch(nonZerosPerRow, new Random(nonZerosPerRow));
        float[] expected = network.output(Nd4j.create(batch, new long[] {ROWS, WIDTH}, 'c'), false)
            .getColumn(1).dup().toFloatVector();

        float[] actual = scorer.probabilities(batch, ROWS);
        float[] fromEntries = entries(batch).score(scorer);

        for (int row = 0; row < ROWS; row++) {
          assertEquals(expected[row], actual[row], FLOAT_ORDER, layers + ", row " + row);
          assertEquals(expected[row], fromEntries[row], FLOAT_ORDER,
              layers + ", row " + row + " from its non-zero entries");
        }
      }
    }
  }

  @Test
  void onlyTheRequestedRowsOfALargerBufferAreScored() {
    MultiLayerNetwork network = network(List.of(new LayerSpec(16, null, null)));
    float[] batch = batch(3, new Random(1));
    float[] firstTen = new NetworkScorer(network).probabilities(batch, 10);
    float[] all = new NetworkScorer(network).probabilities(batch, ROWS);
    assertEquals(10, firstTen.length);
    for (int row = 0; row < 10; row++) {
      assertEquals(all[row], firstTen[row], FLOAT_ORDER);
    }
  }

  /** A minibatch as its rows' non-zero entries, the form batch scoring hands over. */
  private record Entries(int[] rowStarts, int[] slots, float[] values) {
    float[] score(NetworkScorer scorer) {
      return scorer.probabilities(rowStarts, slots, values, ROWS);
    }
  }

  private static Entries entries(float[] batch) {
    int[] rowStarts = new int[ROWS + 1];
    int[] slots = new int[batch.length];
    float[] values = new float[batch.length];
    int end = 0;
    for (int row = 0; row < ROWS; row++) {
      for (int slot = 0; slot < WIDTH; slot++) {
        if (batch[row * WIDTH + slot] != 0f) {
          slots[end] = slot;
          values[end++] = batch[row * WIDTH + slot];
        }
      }
      rowStarts[row + 1] = end;
    }
    return new Entries(rowStarts, slots, values);
  }

  private static float[] batch(int nonZerosPerRow, Random random) {
    float[] batch = new float[ROWS * WIDTH];
    for (int row = 0; row < ROWS; row++) {
      for (int i = 0; i < nonZerosPerRow; i++) {
        batch[row * WIDTH + (nonZerosPerRow == WIDTH ? i : random.nextInt(WIDTH))] =
            (float) random.nextGaussian();
      }
    }
    return batch;
  }

  private static MultiLayerNetwork network(List<LayerSpec> layers) {
    TrainingConfig config = new TrainingConfig(null, null, null, null, null, null, null, null,
        layers, null, null, null, null, null, null, null, null);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, WIDTH,
        null));
    network.init();
    return network;
  }
}
