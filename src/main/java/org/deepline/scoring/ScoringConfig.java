package org.deepline.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
 * @param stream            {@code score-stream}'s trigger, batch size and checkpoint
 */
public record ScoringConfig(
    @JsonPropertyDescription("`predicted_label` is 1 when `probability >= threshold`. When set, "
        + "it wins over the threshold stored with the model; the score run records the value "
        + "used as the `threshold` metric, the model's as `model_threshold`, and where it came "
        + "from as the `threshold_source` artifact (`scoring.threshold`, or `model (<rule>)`). "
        + "`evaluate` gives accuracy, precision, recall, F1 and the confusion matrix at the same "
        + "threshold (this key, else the model's), and also at 0.5. Allowed: `(0, 1)`. When "
        + "unset: the model's chosen threshold (`training.threshold`).")
    @JsonProperty("threshold") Double explicitThreshold,
    @JsonPropertyDescription("Rows fed to the network at once in each Spark task (chosen by "
        + "`bench/run ScoringBench`: see bench/README.md, section Scoring). Allowed: `> 0`.")
    Integer batchSize,
    @JsonPropertyDescription("The model to score with, e.g. `--set "
        + "scoring.model_version=20261124T014022-56dc8a` or `--set "
        + "scoring.model_version=champion`. Allowed: a version in `_deepline/models`, or an "
        + "alias such as `champion` (`models promote`). When unset: newest registered model of "
        + "the data set trained on the run date or earlier.")
    String modelVersion,
    @JsonPropertyDescription("`score-stream`: scoring silver's rows as they land, with the same "
        + "model, threshold and code as `score`, into `stream_predictions`.")
    StreamScoringConfig stream) {
  /**
   * Chosen with bench/run ScoringBench on flights-3m (bench/README.md, section Scoring): 4096 and
   * 16384 tie, 1024 is slower, and a task's minibatch of 480-wide vectors stays at 8 MB.
   */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  public ScoringConfig {
    batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    stream = stream == null ? StreamScoringConfig.defaults() : stream;
  }

  public static ScoringConfig defaults() {
    return new ScoringConfig(null, null, null, null);
  }

  /** This section scoring with {@code version} (a model version or alias) instead. */
  public ScoringConfig withModelVersion(String version) {
    return new ScoringConfig(explicitThreshold, batchSize, version, stream);
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
    stream.validate(errors.at("stream"));
  }
}
