package org.deepline.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.deepline.core.ConfigErrors;
import org.deepline.metrics.DecisionThreshold;

/**
 * Batch scoring.
 *
 * @param explicitThreshold config key {@code threshold}: probability at or above which the predicted
 *                          label is positive; when absent, the threshold chosen at training and
 *                          stored with the model ({@code training.threshold})
 * @param batchSize         rows fed to the network at once in each task
 * @param modelVersion      the model to score with; the newest registered model of the data set when
 *                          absent
 */
public record ScoringConfig(@JsonProperty("threshold") Double explicitThreshold, Integer batchSize,
    String modelVersion) {
  /**
   * Chosen with bench/run ScoringBench on flights-3m (bench/README.md, section Scoring): 4096 and
   * 16384 tie, 1024 is slower, and a task's minibatch of 480-wide vectors stays at 8 MB.
   */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  public ScoringConfig {
    batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
  }

  public static ScoringConfig defaults() {
    return new ScoringConfig(null, null, null);
  }

  /**
   * The explicit threshold, or {@value DecisionThreshold#DEFAULT_VALUE} when none is set: for code
   * that has no model at hand. {@code score} uses the model's chosen threshold instead when
   * {@link #explicitThreshold} is absent.
   */
  public double threshold() {
    return explicitThreshold == null ? DecisionThreshold.DEFAULT_VALUE : explicitThreshold;
  }

  public void validate(ConfigErrors errors) {
    if (explicitThreshold != null) {
      errors.requireFraction(explicitThreshold, "threshold", false, false);
    }
    errors.requirePositive(batchSize, "batch_size");
  }
}
