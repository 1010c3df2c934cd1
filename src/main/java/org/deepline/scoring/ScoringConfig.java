package org.deepline.scoring;

import org.deepline.config.ConfigErrors;

/**
 * Batch scoring.
 *
 * @param threshold     probability at or above which the predicted label is positive
 * @param batchSize     rows fed to the network at once on each executor
 * @param modelVersion  the model to score with; the newest registered model of the data set when absent
 */
public record ScoringConfig(Double threshold, Integer batchSize, String modelVersion) {
  public static final int DEFAULT_BATCH_SIZE = 1024;

  public ScoringConfig {
    threshold = threshold == null ? 0.5 : threshold;
    batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
  }

  public static ScoringConfig defaults() {
    return new ScoringConfig(null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(threshold, "threshold", false, false);
    errors.requirePositive(batchSize, "batch_size");
  }
}
