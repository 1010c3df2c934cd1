package org.deepline.training;

/**
 * One epoch of training: the validation metrics after it, the training loss DL4J reported for its
 * last averaging round and how fast it went.
 *
 * @param rowsPerSecond training rows fitted per second of the epoch's averaging rounds (validation
 *                      and checkpointing excluded)
 * @param millis        the whole epoch: rounds, validation and checkpoint
 */
public record EpochMetrics(int epoch, double validationRocAuc, double validationPrAuc,
    double validationLoss, double trainingLoss, double rowsPerSecond, long millis) {

  /** The value of the named early-stopping metric ({@link TrainingConfig#EARLY_STOPPING_METRICS}). */
  public double metric(String name) {
    return switch (name) {
      case "roc_auc" -> validationRocAuc;
      case "pr_auc" -> validationPrAuc;
      case "loss" -> validationLoss;
      default -> throw new IllegalArgumentException("unknown early stopping metric " + name);
    };
  }

  /** Whether a larger value of the named metric is better. */
  public static boolean higherIsBetter(String name) {
    return !"loss".equals(name);
  }
}
