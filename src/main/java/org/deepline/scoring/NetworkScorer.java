package org.deepline.scoring;

import org.deepline.training.ModelBundle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Positive-class probabilities from a trained network for a batch of feature vectors; no Spark
 * involved, so the same class scores inside a Spark task, a streaming job or a plain JVM.
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

  /** One probability per row of {@code batch}; every row must have the network's input width. */
  public double[] probabilities(float[][] batch) {
    if (batch.length == 0) {
      return new double[0];
    }
    for (float[] row : batch) {
      if (row.length != inputWidth) {
        throw new IllegalArgumentException("feature vector of width " + row.length
            + " for a network that takes " + inputWidth);
      }
    }
    INDArray output = network.output(Nd4j.createFromArray(batch), false);
    double[] probabilities = new double[batch.length];
    for (int i = 0; i < batch.length; i++) {
      probabilities[i] = output.getDouble(i, POSITIVE_CLASS);
    }
    return probabilities;
  }
}
