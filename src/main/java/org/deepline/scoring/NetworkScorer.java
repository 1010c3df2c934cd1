package org.deepline.scoring;

import java.util.Arrays;
import org.deepline.training.EmbeddingInputLayer;
import org.deepline.training.ModelBundle;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
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
 * <p>Why the first layer is computed here when the input is sparse: deepline's vectors are mostly
 * one-hot slots (flights: 7 non-zero values of 480), and the first dense layer is nearly all of a
 * tabular network's work (480 x 64 of flights' 32,930 weights). DL4J multiplies the full matrix; adding
 * up only the weight rows of the non-zero inputs gives the same pre-activation (up to float rounding
 * order) for a small fraction of the work. The remaining layers run in DL4J as usual. A dense
 * minibatch takes DL4J's own path.
 *
 * <p>Not thread-safe (DL4J layers keep their last input): one instance per thread or task.
 */
public final class NetworkScorer implements Predictor {
  private static final int POSITIVE_CLASS = 1;
  /**
   * Minibatches with at most this share of non-zero inputs take the sparse first layer: a gathered
   * weight row costs a few times a dense multiply-add per weight, so well below this it wins.
   */
  private static final double SPARSE_SHARE = 0.125;

  private final MultiLayerNetwork network;
  private final int inputWidth;
  /** The output layer's units: 2 for a 0/1 label's network, one per class of a multi-class one. */
  private final int classes;
  /** The first layer's weights, input by input ({@code inputWidth x units}); null: dense only. */
  private final float[] firstWeights;
  private final float[] firstBias;
  private final IActivation firstActivation;

  public NetworkScorer(MultiLayerNetwork network) {
    this.network = network;
    this.inputWidth = EmbeddingInputLayer.inputWidth(network);
    this.classes = (int) network.layerSize(network.getnLayers() - 1);
    Layer first = network.getLayer(0);
    boolean sparseReady = network.getnLayers() > 1
        && first instanceof org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer
        && first.conf().getLayer() instanceof BaseLayer
        && noPreprocessors(network);
    if (sparseReady) {
      INDArray weights = first.getParam(DefaultParamInitializer.WEIGHT_KEY);
      INDArray bias = first.getParam(DefaultParamInitializer.BIAS_KEY);
      this.firstWeights = weights.castTo(DataType.FLOAT).dup('c').reshape(weights.length())
          .toFloatVector();
      this.firstBias = bias == null ? new float[(int) weights.size(1)]
          : bias.castTo(DataType.FLOAT).dup('c').reshape(bias.length()).toFloatVector();
      this.firstActivation = ((BaseLayer) first.conf().getLayer()).getActivationFn();
    } else {
      this.firstWeights = null;
      this.firstBias = null;
      this.firstActivation = null;
    }
  }

  private static boolean noPreprocessors(MultiLayerNetwork network) {
    for (int layer = 0; layer < network.getnLayers(); layer++) {
      if (network.getLayerWiseConfigurations().getInputPreProcess(layer) != null) {
        return false;
      }
    }
    return true;
  }

  public static NetworkScorer fromBytes(byte[] networkBytes) {
    return new NetworkScorer(ModelBundle.restore(networkBytes));
  }

  @Override
  public int inputWidth() {
    return inputWidth;
  }

  @Override
  public int classes() {
    return classes;
  }

  /**
   * One probability per row of a minibatch held row-major in {@code rowMajor}: the first
   * {@code rows * inputWidth()} values are used, so one buffer serves every minibatch of a partition.
   */
  @Override
  public float[] probabilities(float[] rowMajor, int rows) {
    if (rows == 0) {
      return new float[0];
    }
    int values = rows * inputWidth;
    if (rowMajor.length < values) {
      throw new IllegalArgumentException(rowMajor.length + " feature values for " + rows
          + " rows of a network that takes " + inputWidth);
    }
    return positiveColumn(firstWeights != null
        && nonZeros(rowMajor, values) <= SPARSE_SHARE * values
        ? sparseOutput(rowMajor, rows) : denseOutput(rowMajor, rows, values));
  }

  /**
   * One probability per row of a minibatch given as its non-zero inputs: row {@code r}'s are the
   * entries {@code rowStarts[r]} to {@code rowStarts[r + 1]} of {@code slots} (input positions) and
   * {@code values}. Batch scoring builds these straight from the vectoriser, so neither a dense
   * minibatch is zeroed nor its hundreds of empty slots scanned per row.
   */
  @Override
  public float[] probabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    return positiveColumn(output(rowStarts, slots, values, rows));
  }

  /** Every output unit of each row, row-major: a multi-class network's class probabilities. */
  @Override
  public float[] classProbabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    INDArray output = output(rowStarts, slots, values, rows);
    float[] probabilities = output.castTo(DataType.FLOAT).dup('c').data().asFloat();
    closeIfOwned(output);
    return probabilities;
  }

  private INDArray output(int[] rowStarts, int[] slots, float[] values, int rows) {
    if (rows == 0) {
      return Nd4j.create(DataType.FLOAT, 0, classes);
    }
    int entries = rowStarts[rows];
    INDArray output;
    if (firstWeights != null && entries <= SPARSE_SHARE * rows * inputWidth) {
      output = sparseOutput(rowStarts, slots, values, rows);
    } else {
      float[] dense = new float[rows * inputWidth];
      for (int row = 0; row < rows; row++) {
        for (int entry = rowStarts[row]; entry < rowStarts[row + 1]; entry++) {
          dense[row * inputWidth + slots[entry]] = values[entry];
        }
      }
      output = denseOutput(dense, rows, dense.length);
    }
    return output;
  }

  private float[] positiveColumn(INDArray output) {
    if (classes != 2) {
      throw new IllegalStateException("a network of " + classes + " classes has no positive "
          + "class probability; take classProbabilities");
    }
    if (output.rows() == 0) {
      return new float[0];
    }
    INDArray positive = output.getColumn(POSITIVE_CLASS).castTo(DataType.FLOAT).dup();
    float[] probabilities = positive.toFloatVector();
    closeIfOwned(output);
    closeIfOwned(positive);
    return probabilities;
  }

  private INDArray sparseOutput(int[] rowStarts, int[] slots, float[] values, int rows) {
    int units = firstBias.length;
    float[] hidden = new float[rows * units];
    for (int row = 0; row < rows; row++) {
      int out = row * units;
      System.arraycopy(firstBias, 0, hidden, out, units);
      for (int entry = rowStarts[row]; entry < rowStarts[row + 1]; entry++) {
        addScaledRow(hidden, out, values[entry], slots[entry] * units, units);
      }
    }
    return upperLayers(hidden, rows, units);
  }

  /** {@code hidden[out..out+units) += value * firstWeights[weightRow..weightRow+units)}. */
  private void addScaledRow(float[] hidden, int out, float value, int weightRow, int units) {
    for (int unit = 0; unit < units; unit++) {
      hidden[out + unit] += value * firstWeights[weightRow + unit];
    }
  }

  private INDArray denseOutput(float[] rowMajor, int rows, int values) {
    // Nd4j.create copies the values off-heap; it needs an array of exactly the matrix's size.
    float[] exact = rowMajor.length == values ? rowMajor : Arrays.copyOf(rowMajor, values);
    INDArray input = Nd4j.create(exact, new long[] {rows, inputWidth}, 'c');
    INDArray output = network.output(input, false);
    closeIfOwned(input);
    return output;
  }

  /** The first layer from the weight rows of the non-zero inputs, the others through DL4J. */
  private INDArray sparseOutput(float[] rowMajor, int rows) {
    int units = firstBias.length;
    float[] hidden = new float[rows * units];
    for (int row = 0; row < rows; row++) {
      int out = row * units;
      System.arraycopy(firstBias, 0, hidden, out, units);
      int in = row * inputWidth;
      for (int slot = 0; slot < inputWidth; slot++) {
        float value = rowMajor[in + slot];
        if (value != 0f) {
          addScaledRow(hidden, out, value, slot * units, units);
        }
      }
    }
    return upperLayers(hidden, rows, units);
  }

  /** The first layer's activation of its pre-activations {@code hidden}, then DL4J's other layers. */
  private INDArray upperLayers(float[] hidden, int rows, int units) {
    INDArray preActivations = Nd4j.create(hidden, new long[] {rows, units}, 'c');
    INDArray activations = closeReplaced(preActivations,
        firstActivation.getActivation(preActivations, false));
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    for (int layer = 1; layer < network.getnLayers(); layer++) {
      activations = closeReplaced(activations,
          network.getLayer(layer).activate(activations, false, noWorkspaces));
    }
    return activations;
  }

  /** Frees {@code previous} once {@code next} replaces it (unless it is the same array, in place). */
  private static INDArray closeReplaced(INDArray previous, INDArray next) {
    if (next != previous) {
      closeIfOwned(previous);
    }
    return next;
  }

  private static int nonZeros(float[] values, int count) {
    int nonZeros = 0;
    for (int i = 0; i < count; i++) {
      if (values[i] != 0f) {
        nonZeros++;
      }
    }
    return nonZeros;
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

  /**
   * Frees an array's off-heap memory now rather than when the garbage collector finds its small Java
   * wrapper: thousands of minibatches would otherwise pile up gigabytes off-heap.
   */
  private static void closeIfOwned(INDArray array) {
    if (array.closeable()) {
      array.close();
    }
  }
}
