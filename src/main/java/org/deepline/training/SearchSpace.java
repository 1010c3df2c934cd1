package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Json;

/**
 * The ranges {@code train --tune} draws trial configurations from. Each dimension left out takes the
 * built-in default for tabular data; a range with min = max or a one-element list fixes it.
 *
 * <pre>{@code
 * TrainingConfig trial = SearchSpace.defaults().sample(resolvedTraining, new Random(7));
 * }</pre>
 *
 * @param layerUnits         hidden layer shapes to choose from, each a list of units, input to output
 * @param learningRate       Adam's step size, log-uniform
 * @param dropout            every hidden layer's dropout, uniform
 * @param l2                 L2 weight decay, log-uniform; {@code l2ZeroShare} of the draws are 0
 * @param l2ZeroShare        the share of trials with no L2 at all
 * @param batchSizePerWorker batch sizes to choose from
 * @param averagingFrequency averaging frequencies to choose from
 * @param loss               {@link LossConfig#CLASSIFICATION_TYPES} to choose from
 */
public record SearchSpace(
    @JsonPropertyDescription("Hidden layer shapes to choose from, each a list of units, input to "
        + "output (e.g. `[[64], [128, 64]]`); every layer gets the activation of "
        + "`training.layers[0]`. Allowed: at least one shape, each of 1 to " + SearchSpace.MAX_DEPTH
        + " layers of `[1, 65536]` units.")
    List<List<Integer>> layerUnits,
    @JsonPropertyDescription("Adam's step size, drawn log-uniformly. Default: `{\"min\": 3e-4, "
        + "\"max\": 3e-2}`. Allowed: `0 < min <= max < 1`.")
    NumberRange learningRate,
    @JsonPropertyDescription("Dropout of every hidden layer, drawn uniformly. Default: "
        + "`{\"min\": 0, \"max\": 0.5}`. Allowed: `0 <= min <= max < 1`.")
    NumberRange dropout,
    @JsonPropertyDescription("L2 weight decay, drawn log-uniformly (with `l2_zero_share` of the "
        + "trials at exactly 0). Default: `{\"min\": 1e-6, \"max\": 1e-2}`. Allowed: `0 < min <= "
        + "max <= 1`.")
    NumberRange l2,
    @JsonPropertyDescription("The share of trials with no L2 decay at all. "
        + "Allowed: `[0, 1]`.")
    Double l2ZeroShare,
    @JsonPropertyDescription("Minibatch sizes per worker to choose from. Allowed: at least one, each `> 0`.")
    List<Integer> batchSizePerWorker,
    @JsonPropertyDescription("Averaging frequencies (minibatches between two parameter "
        + "averagings) to choose from. Allowed: at least one, each `> 0`.")
    List<Integer> averagingFrequency,
    @JsonPropertyDescription("Losses to choose from (focal with `training.loss.gamma` when "
        + "`training.loss` is focal, else 2). The label is binary, so the classification losses "
        + "only. ")
    @org.deepline.core.OneOf(value = "CLASSIFICATION_TYPES", in = LossConfig.class)
    List<String> loss) {
  /** Deeper dense stacks do not help on tabular rows and only slow the search. */
  public static final int MAX_DEPTH = 4;
  public static final List<List<Integer>> DEFAULT_LAYER_UNITS = List.of(List.of(32), List.of(64),
      List.of(128), List.of(64, 32), List.of(128, 64), List.of(256, 128));
  public static final NumberRange DEFAULT_LEARNING_RATE = new NumberRange(3e-4, 3e-2);
  public static final NumberRange DEFAULT_DROPOUT = new NumberRange(0.0, 0.5);
  public static final NumberRange DEFAULT_L2 = new NumberRange(1e-6, 1e-2);
  public static final double DEFAULT_L2_ZERO_SHARE = 0.25;
  public static final List<Integer> DEFAULT_BATCH_SIZES = List.of(32, 64, 128);
  public static final List<Integer> DEFAULT_AVERAGING_FREQUENCIES = List.of(2, 5, 10);
  public static final List<String> DEFAULT_LOSSES =
      List.of(LossConfig.CROSS_ENTROPY, LossConfig.FOCAL);
  /** Losses of regression heads: named here to say why they do not fit the binary label. */
  /** The largest L2 range end: a decay above 1 leaves nothing of the weights. */
  public static final double MAX_L2 = 1.0;

  public SearchSpace {
    layerUnits = layerUnits == null ? DEFAULT_LAYER_UNITS : List.copyOf(layerUnits);
    learningRate = learningRate == null ? DEFAULT_LEARNING_RATE : learningRate;
    dropout = dropout == null ? DEFAULT_DROPOUT : dropout;
    l2 = l2 == null ? DEFAULT_L2 : l2;
    l2ZeroShare = l2ZeroShare == null ? DEFAULT_L2_ZERO_SHARE : l2ZeroShare;
    batchSizePerWorker = batchSizePerWorker == null ? DEFAULT_BATCH_SIZES
        : List.copyOf(batchSizePerWorker);
    averagingFrequency = averagingFrequency == null ? DEFAULT_AVERAGING_FREQUENCIES
        : List.copyOf(averagingFrequency);
    loss = loss == null ? DEFAULT_LOSSES : List.copyOf(loss);
  }

  public static SearchSpace defaults() {
    return new SearchSpace(null, null, null, null, null, null, null, null);
  }

  /**
   * {@code base} with every dimension of this space drawn from {@code random}; what the space does
   * not cover (epochs, patience, workers, class weights, resampling, ...) stays as configured.
   */
  public TrainingConfig sample(TrainingConfig base, Random random) {
    List<Integer> units = layerUnits.get(random.nextInt(layerUnits.size()));
    double learningRateValue = learningRate.sampleLog(random);
    double dropoutValue = dropout.sampleUniform(random);
    // Both draws always happen, so a trial's other values do not depend on whether L2 was 0.
    boolean noL2 = random.nextDouble() < l2ZeroShare;
    double l2Value = l2.sampleLog(random);
    int batch = batchSizePerWorker.get(random.nextInt(batchSizePerWorker.size()));
    int averaging = averagingFrequency.get(random.nextInt(averagingFrequency.size()));
    String lossType = loss.get(random.nextInt(loss.size()));
    // Through the JSON tree rather than the record's constructor: every key the space does not
    // cover, present and future, is carried over as it is.
    ObjectNode tree = Json.mapper().valueToTree(base);
    tree.put("learning_rate", learningRateValue);
    tree.put("l2", noL2 ? 0.0 : l2Value);
    tree.put("batch_size_per_worker", batch);
    tree.put("averaging_frequency", averaging);
    String activation = base.layers().get(0).activation();
    ArrayNode layers = tree.putArray("layers");
    for (int width : units) {
      layers.addObject().put("units", width).put("activation", activation)
          .put("dropout", dropoutValue);
    }
    ObjectNode lossNode = tree.putObject("loss").put("type", lossType);
    if (LossConfig.FOCAL.equals(lossType) && base.loss().isFocal()) {
      lossNode.put("gamma", base.loss().gamma());
      lossNode.put("calibrate", base.loss().calibrate());
    }
    try {
      return Json.mapper().treeToValue(tree, TrainingConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a sampled training config does not bind: " + tree, e);
    }
  }

  /** What {@link #sample} drew, in the words of the config: one line for logs and run records. */
  public static String describe(TrainingConfig trial) {
    return String.format(java.util.Locale.ROOT, "layers %s, learning_rate %.5g, dropout %.3f, "
        + "l2 %.3g, batch_size_per_worker %d, averaging_frequency %d, loss %s",
        layerShape(trial),
        trial.learningRate(), trial.layers().get(0).dropout(), trial.l2(),
        trial.batchSizePerWorker(), trial.averagingFrequency(), trial.loss().type());
  }

  /** The hidden layers' units, input to output: {@code 128-64}. */
  public static String layerShape(TrainingConfig config) {
    return config.layers().stream().map(layer -> String.valueOf(layer.units()))
        .collect(Collectors.joining("-"));
  }

  public void validate(ConfigErrors errors) {
    if (layerUnits.isEmpty()) {
      errors.add("layer_units", "an empty choice: name at least one layer shape");
    }
    for (int i = 0; i < layerUnits.size(); i++) {
      List<Integer> shape = layerUnits.get(i);
      if (shape == null || shape.isEmpty() || shape.size() > MAX_DEPTH) {
        errors.at("layer_units", i).add(null, "must list 1 to " + MAX_DEPTH + " layers' units, got " + shape);
        continue;
      }
      for (int j = 0; j < shape.size(); j++) {
        Integer units = shape.get(j);
        errors.require(units != null && units > 0 && units <= LayerSpec.MAX_UNITS,
            "layer_units[" + i + "][" + j + "]",
            "must be in [1, " + LayerSpec.MAX_UNITS + "], got " + units);
      }
    }
    learningRate.validate(errors.at("learning_rate"), true, 0, 1, true);
    dropout.validate(errors.at("dropout"), false, 0, 1, true);
    l2.validate(errors.at("l2"), true, 0, MAX_L2, false);
    errors.requireFraction(l2ZeroShare, "l2_zero_share", true, true);
    requirePositiveChoices(errors, batchSizePerWorker, "batch_size_per_worker");
    requirePositiveChoices(errors, averagingFrequency, "averaging_frequency");
    if (loss.isEmpty()) {
      errors.add("loss", "an empty choice: name at least one of "
          + LossConfig.CLASSIFICATION_TYPES);
    }
    for (int i = 0; i < loss.size(); i++) {
      String type = loss.get(i);
      if (LossConfig.REGRESSION_TYPES.contains(type)) {
        errors.add("loss[" + i + "]", type + " is a regression loss and does not fit the binary "
            + "label (the network has a 2-class softmax head); choose from "
            + LossConfig.CLASSIFICATION_TYPES);
      } else {
        errors.requireOneOf(type, LossConfig.CLASSIFICATION_TYPES, "loss[" + i + "]");
      }
    }
  }

  private static void requirePositiveChoices(ConfigErrors errors, List<Integer> choices,
      String field) {
    if (choices.isEmpty()) {
      errors.add(field, "an empty choice: name at least one value");
    }
    for (int i = 0; i < choices.size(); i++) {
      errors.requirePositive(choices.get(i), field + "[" + i + "]");
    }
  }
}
