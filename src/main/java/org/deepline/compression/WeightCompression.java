package org.deepline.compression;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Post-training compression of a network's weight matrices, as pure functions that return a changed
 * copy: symmetric int8 quantisation with one scale per layer, and magnitude pruning to a target
 * sparsity per layer. Biases are left alone: they are few, and an error in them shifts every output.
 *
 * <pre>{@code
 * MultiLayerNetwork small = WeightCompression.quantizeInt8(network);
 * MultiLayerNetwork sparse = WeightCompression.prune(network, 0.5);
 * }</pre>
 *
 * <p>Why this form: DL4J computes in float whatever the weights' history, so a compressed network is
 * an ordinary network whose weights take few distinct values (int8: at most 255 per layer) or are
 * mostly zero. It scores with the same code at the same speed; what shrinks is {@code network.zip},
 * because its deflate compresses such weights well, and the change in test ROC AUC says what it cost.
 */
public final class WeightCompression {
  /** Largest magnitude of a symmetric int8 code: codes are -127 to 127 (-128 is not used). */
  public static final int INT8_LEVELS = 127;

  private WeightCompression() {}

  /** A copy of {@code network} whose every layer's weights are rounded to that layer's int8 grid. */
  public static MultiLayerNetwork quantizeInt8(MultiLayerNetwork network) {
    MultiLayerNetwork copy = network.clone();
    for (Layer layer : copy.getLayers()) {
      INDArray weights = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (weights != null) {
        weights.assign(matrix(quantizeInt8(values(weights)), weights));
      }
    }
    return copy;
  }

  /**
   * A copy of {@code network} in which the {@code sparsity} share of each layer's weights with the
   * smallest magnitude are zero.
   */
  public static MultiLayerNetwork prune(MultiLayerNetwork network, double sparsity) {
    checkSparsity(sparsity);
    MultiLayerNetwork copy = network.clone();
    for (Layer layer : copy.getLayers()) {
      INDArray weights = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (weights != null) {
        weights.assign(matrix(prune(values(weights), sparsity), weights));
      }
    }
    return copy;
  }

  /**
   * Each value rounded to the nearest multiple of {@code scale = max |w| / 127} (half away from
   * zero), i.e. decoded from its int8 code; all zeros stay zeros.
   */
  static float[] quantizeInt8(float[] weights) {
    float largest = 0;
    for (float w : weights) {
      largest = Math.max(largest, Math.abs(w));
    }
    if (largest == 0) {
      return weights.clone();
    }
    float scale = largest / INT8_LEVELS;
    float[] out = new float[weights.length];
    for (int i = 0; i < weights.length; i++) {
      int code = (int) Math.signum(weights[i]) * Math.round(Math.abs(weights[i]) / scale);
      out[i] = Math.max(-INT8_LEVELS, Math.min(INT8_LEVELS, code)) * scale;
    }
    return out;
  }

  /**
   * {@code round(sparsity * n)} values with the smallest magnitude set to zero; among equal
   * magnitudes the earlier ones go first, so the count is exact.
   */
  static float[] prune(float[] weights, double sparsity) {
    checkSparsity(sparsity);
    int zeros = (int) Math.round(sparsity * weights.length);
    long[] keys = new long[weights.length];
    for (int i = 0; i < weights.length; i++) {
      // Magnitudes are non-negative, so their IEEE bits order like the values.
      keys[i] = ((long) Float.floatToIntBits(Math.abs(weights[i])) << Integer.SIZE) | i;
    }
    Arrays.sort(keys);
    float[] out = weights.clone();
    for (int k = 0; k < zeros; k++) {
      out[(int) keys[k]] = 0f;
    }
    return out;
  }

  /** The share of exactly-zero weights over all layers' weight matrices (biases not counted). */
  public static double weightSparsity(MultiLayerNetwork network) {
    return weightSparsity(List.of(network));
  }

  /** ... over all layers of all {@code networks}, an ensemble's: each weight counts once. */
  public static double weightSparsity(Collection<MultiLayerNetwork> networks) {
    long zeros = 0;
    long total = 0;
    for (MultiLayerNetwork network : networks) {
      for (Layer layer : network.getLayers()) {
        INDArray weights = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (weights != null) {
          for (float w : values(weights)) {
            zeros += w == 0f ? 1 : 0;
          }
          total += weights.length();
        }
      }
    }
    return total == 0 ? 0 : zeros / (double) total;
  }

  private static void checkSparsity(double sparsity) {
    if (!(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
    }
  }

  private static float[] values(INDArray weights) {
    return weights.dup('c').reshape(weights.length()).toFloatVector();
  }

  private static INDArray matrix(float[] values, INDArray like) {
    return Nd4j.create(values, like.shape(), 'c').castTo(like.dataType());
  }
}
