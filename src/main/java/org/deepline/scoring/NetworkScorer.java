package org.deepline.scoring;

import java.util.Arrays;
import org.deepline.training.ModelBundle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Positive-class probabilities from a trained network for a batch of feature vectors; no Spark
 * involved, so the same class scores inside a Spark task, a streaming job or a plain JVM.
 *
 * <pre>{@code
 * NetworkScorer scorer = NetworkScorer.fromBytes(bundle.networkBytes());
 * float[] p = scorer.probabilities(rowMajorFeatures, rows);
 * }</pre>
 *
 * <p>Not thread-safe (DL4J networks keep per-call workspaces): one instance per thread or task.
 */
public final class NetworkScorer {
  private static final int POSITIVE_CLASS = 1;

  private final MultiLayerNetwork network;
  private final int inputWidth;

  public NetworkScorer(MultiLayerNetwork network) {
    this.network = network;
    this.inputWidth = (int) network.layerInputSize(0);
  }

  public static NetworkScorer fromBytes(byte[] networkBytes) {
    return new NetworkScorer(ModelBundle.restore(networkBytes));
  }

  public int inputWidth() {
    return inputWidth;
  }

  /**
   * One probability per row of a minibatch held row-major in {@code rowMajor}: the first
   * {@code rows * inputWidth()} values are used, so one buffer serves every minibatch of a partition.
   */
  public float[] probabilities(float[] rowMajor, int rows) {
    if (rows == 0) {
      return new float[0];
    }
    int values = rows * inputWidth;
    if (rowMajor.length < values) {
      throw new IllegalArgumentException(rowMajor.length + " feature values for " + rows
          + " rows of a network that takes " + inputWidth);
    }
    // Nd4j.create copies the values off-heap; it needs an array of exactly the matrix's size.
    float[] exact = rowMajor.length == values ? rowMajor : Arrays.copyOf(rowMajor, values);
    INDArray input = Nd4j.create(exact, new long[] {rows, inputWidth}, 'c');
    INDArray output = network.output(input, false);
    INDArray positive = output.getColumn(POSITIVE_CLASS).castTo(DataType.FLOAT).dup();
    float[] probabilities = positive.toFloatVector();
    // Freed now rather than when the garbage collector finds the small Java wrappers: thousands of
    // minibatches would otherwise pile up gigabytes off-heap.
    closeIfOwned(input);
    closeIfOwned(output);
    closeIfOwned(positive);
    return probabilities;
  }

  /** One probability per row of {@code batch}; every row must have the network's input width. */
  public double[] probabilities(float[][] batch) {
    float[] rowMajor = new float[batch.length * inputWidth];
    for (int i = 0; i < batch.length; i++) {
      if (batch[i].length != inputWidth) {
        throw new IllegalArgumentException("feature vector of width " + batch[i].length
            + " for a network that takes " + inputWidth);
      }
      System.arraycopy(batch[i], 0, rowMajor, i * inputWidth, inputWidth);
    }
    float[] probabilities = probabilities(rowMajor, batch.length);
    double[] widened = new double[batch.length];
    for (int i = 0; i < batch.length; i++) {
      widened[i] = probabilities[i];
    }
    return widened;
  }

  private static void closeIfOwned(INDArray array) {
    if (array.closeable()) {
      array.close();
    }
  }
}
