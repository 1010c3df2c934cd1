package org.deepline.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What each layer of the network does after an epoch, measured on the driver on a fixed probe batch
 * of training rows: the numbers to read when a network does not learn (dead ReLUs, vanishing or
 * exploding gradients, updates far too small or too large for the weights they change).
 *
 * <pre>{@code
 * float[] before = LayerStatistics.parameters(network);
 * averaging.fitEpoch(train, epoch);
 * List<LayerStatistics.Layer> stats =
 *     LayerStatistics.measure(epoch, averaging.network(), before, probe);
 * }</pre>
 *
 * <p>A layer's <b>update ratio</b> is the mean absolute change of its weights over the epoch
 * divided by their mean absolute value before it (the "update to weight" ratio of Karpathy's CS231n
 * notes): around 1e-3 per step is healthy; over a whole epoch of Adam steps it is larger, but a
 * ratio near 0 means the layer stopped learning and one near 1 means its weights are thrown
 * around.
 */
public final class LayerStatistics {
  /** Rows in the probe batch: enough for a unit's activity to be seen, cheap on the driver. */
  public static final int PROBE_ROWS = 512;
  /** A hidden layer with more dead units than this share is named in a warning. */
  public static final double DEAD_SHARE_WARNING = 0.5;
  /** A layer whose weights moved less than this share over an epoch has stopped learning. */
  public static final double STALLED_UPDATE_RATIO = 1e-6;
  /** The activation recorded for a layer that has none. */
  static final String NO_ACTIVATION = "none";

  private LayerStatistics() {}

  /**
   * One layer after one epoch.
   *
   * @param layer             the layer's index, input side first; the output layer is the last
   * @param activation        the layer's activation function, as DL4J names it
   * @param activationMean    mean of the layer's outputs over the probe rows (inference mode)
   * @param activationStd     their standard deviation
   * @param deadShare         share of a ReLU layer's units that output 0 for every probe row; NaN for
   *                          other activations, which cannot die that way
   * @param gradientMean      mean over the layer's weights and biases of the loss gradient on the
   *                          probe batch (per row, as the optimiser steps with it)
   * @param gradientStd       its standard deviation
   * @param gradientAbsMean   mean absolute gradient: vanishing when it is orders of magnitude below
   *                          the other layers'
   * @param weightStd         standard deviation of the layer's weights
   * @param updateRatio       mean absolute weight change over the epoch / mean absolute weight
   *                          before it
   */
  public record Layer(int epoch, int layer, String activation, double activationMean,
      double activationStd, double deadShare, double gradientMean, double gradientStd,
      double gradientAbsMean, double weightStd, double updateRatio) {}

  /** A copy of the network's parameters, to measure an epoch's updates against. */
  public static float[] parameters(MultiLayerNetwork network) {
    return network.params().dup().castTo(DataType.FLOAT).toFloatVector();
  }

  /**
   * Every layer's statistics after {@code epoch}.
   *
   * @param before the parameters before the epoch ({@link #parameters}), or null: the update ratio
   *               is then NaN
   * @param probe  rows of the training split with their one-hot labels
   */
  public static List<Layer> measure(int epoch, MultiLayerNetwork network, float[] before,
      DataSet probe) {
    List<INDArray> activations = network.feedForward(probe.getFeatures(), false);
    Map<String, INDArray> gradients = gradients(network, probe);
    Map<String, INDArray> parameters = network.paramTable();
    Map<String, INDArray> previous = before == null ? null : parametersAt(network, before);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < network.getnLayers(); i++) {
      // feedForward's first entry is the input itself.
      INDArray output = activations.get(i + 1).castTo(DataType.DOUBLE);
      INDArray weights = weightsOf(parameters, i);
      double updateRatio = previous == null ? Double.NaN
          : updateRatio(weights, weightsOf(previous, i));
      INDArray gradient = flat(gradients, i, true);
      IActivation function = activationFunction(network, i);
      layers.add(new Layer(epoch, i, function == null ? NO_ACTIVATION : function.toString(),
          output.meanNumber().doubleValue(), output.stdNumber().doubleValue(),
          function instanceof ActivationReLU ? deadShare(output) : Double.NaN,
          gradient.meanNumber().doubleValue(), gradient.stdNumber().doubleValue(),
          gradient.ameanNumber().doubleValue(), weights.stdNumber().doubleValue(), updateRatio));
    }
    return layers;
  }

  /** Warnings a user should read about the layers of one epoch, empty when they look healthy. */
  public static List<String> warnings(List<Layer> epoch) {
    List<String> warnings = new ArrayList<>();
    for (Layer layer : epoch) {
      if (layer.deadShare() > DEAD_SHARE_WARNING) {
        warnings.add(String.format(Locale.ROOT, "layer %d: %.0f%% of its ReLU units "
            + "output 0 for every probe row (dead); lower training.learning_rate or use "
            + "leakyrelu", layer.layer(), 100 * layer.deadShare()));
      }
      if (layer.updateRatio() < STALLED_UPDATE_RATIO) {
        warnings.add(String.format(Locale.ROOT, "layer %d: its weights moved %.2g of "
            + "their size in epoch %d: it has stopped learning", layer.layer(),
            layer.updateRatio(), layer.epoch()));
      }
    }
    return warnings;
  }

  private static Map<String, INDArray> gradients(MultiLayerNetwork network, DataSet probe) {
    // A copy: computing a gradient leaves the input, labels and gradient buffers in the network.
    MultiLayerNetwork copy = network.clone();
    copy.setInput(probe.getFeatures());
    copy.setLabels(probe.getLabels());
    copy.computeGradientAndScore();
    Gradient gradient = copy.gradient();
    // DL4J sums the loss gradient over the minibatch; its updater divides by the rows. Report the
    // per-row mean the optimiser steps with.
    double rows = probe.numExamples();
    Map<String, INDArray> perRow = new LinkedHashMap<>();
    gradient.gradientForVariable().forEach((name, sum) -> perRow.put(name, sum.div(rows)));
    return perRow;
  }

  /** The network's parameter table with {@code flat} as its parameters (DL4J's own layout). */
  private static Map<String, INDArray> parametersAt(MultiLayerNetwork network, float[] flat) {
    MultiLayerNetwork copy = network.clone();
    copy.setParams(Nd4j.createFromArray(flat).reshape(1, flat.length)
        .castTo(network.params().dataType()));
    return copy.paramTable();
  }

  private static double updateRatio(INDArray weights, INDArray previous) {
    double size = previous.ameanNumber().doubleValue();
    return size == 0 ? Double.NaN
        : weights.sub(previous).ameanNumber().doubleValue() / size;
  }

  /**
   * Layer {@code layer}'s weights as one vector: a dense layer's {@code W}, or every table of an
   * {@link EmbeddingInputLayer}.
   */
  private static INDArray weightsOf(Map<String, INDArray> table, int layer) {
    return flat(table, layer, false);
  }

  /** Layer {@code layer}'s entries of a parameter (or gradient) table as one vector. */
  private static INDArray flat(Map<String, INDArray> table, int layer, boolean withBias) {
    String prefix = layer + "_";
    INDArray[] parts = table.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix)
            && (withBias || !e.getKey().equals(prefix + DefaultParamInitializer.BIAS_KEY)))
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getValue().reshape(e.getValue().length()).castTo(DataType.DOUBLE))
        .toArray(INDArray[]::new);
    return parts.length == 1 ? parts[0] : Nd4j.concat(0, parts);
  }

  /** The layer's activation function, or null for a layer without one. */
  private static IActivation activationFunction(MultiLayerNetwork network, int layer) {
    return network.getLayerWiseConfigurations().getConf(layer).getLayer() instanceof BaseLayer base
        ? base.getActivationFn() : null;
  }

  private static double deadShare(INDArray output) {
    INDArray alive = output.gt(0).castTo(DataType.DOUBLE).max(0);
    return 1 - alive.meanNumber().doubleValue();
  }
}
