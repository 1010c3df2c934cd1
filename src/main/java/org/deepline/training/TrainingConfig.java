package org.deepline.training;

import java.util.List;
import org.deepline.config.ConfigErrors;

/**
 * The network and how it is trained with parameter averaging on Spark.
 *
 * @param seed               weight initialisation and data shuffling
 * @param epochs             the most passes over the training split
 * @param patience           stop after this many epochs without a better validation AUC (the best
 *                           epoch's weights are kept)
 * @param batchSizePerWorker minibatch size on each worker
 * @param averagingFrequency minibatches each worker fits between two parameter averagings
 * @param workers            number of data-parallel workers; defaults to Spark's default parallelism
 * @param learningRate       Adam's step size
 * @param l2                 L2 weight decay
 * @param layers             hidden layers, input to output; the softmax output layer is added
 * @param classWeights       {@code none}, or {@code balanced} to weight the loss by inverse class
 *                           frequency of the training split
 */
public record TrainingConfig(Long seed, Integer epochs, Integer patience, Integer batchSizePerWorker,
    Integer averagingFrequency, Integer workers, Double learningRate, Double l2,
    List<LayerSpec> layers, String classWeights) {
  public static final List<String> CLASS_WEIGHTS = List.of("none", "balanced");
  public static final int MAX_EPOCHS = 10_000;

  public TrainingConfig {
    seed = seed == null ? 42L : seed;
    epochs = epochs == null ? 20 : epochs;
    patience = patience == null ? 5 : patience;
    batchSizePerWorker = batchSizePerWorker == null ? 64 : batchSizePerWorker;
    averagingFrequency = averagingFrequency == null ? 5 : averagingFrequency;
    learningRate = learningRate == null ? 0.005 : learningRate;
    l2 = l2 == null ? 1e-4 : l2;
    layers = layers == null ? List.of(new LayerSpec(32, null, null)) : List.copyOf(layers);
    classWeights = classWeights == null ? "none" : classWeights;
  }

  public static TrainingConfig defaults() {
    return new TrainingConfig(null, null, null, null, null, null, null, null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requirePositive(epochs, "epochs");
    errors.require(epochs <= MAX_EPOCHS, "epochs", "must be <= " + MAX_EPOCHS + ", got " + epochs);
    errors.requirePositive(patience, "patience");
    errors.requirePositive(batchSizePerWorker, "batch_size_per_worker");
    errors.requirePositive(averagingFrequency, "averaging_frequency");
    if (workers != null) {
      errors.requirePositive(workers, "workers");
    }
    errors.requirePositive(learningRate, "learning_rate");
    errors.require(learningRate < 1, "learning_rate", "must be < 1, got " + learningRate);
    errors.require(l2 >= 0, "l2", "must be >= 0, got " + l2);
    if (layers.isEmpty()) {
      errors.add("layers", "at least one hidden layer is required");
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) == null) {
        errors.at("layers", i).add(null, "must be an object");
      } else {
        layers.get(i).validate(errors.at("layers", i));
      }
    }
    errors.requireOneOf(classWeights, CLASS_WEIGHTS, "class_weights");
  }
}
