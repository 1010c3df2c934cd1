package org.deepline.evaluation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * When the judged model (the challenger) is blessed to replace the champion: it meets every absolute
 * threshold that is set, does not fall behind the champion on {@code metric} by more than
 * {@code max_drop} overall or {@code max_slice_drop} on any judged slice, and (with
 * {@code require_behavioural}) passes every behavioural test.
 *
 * @param minRocAuc          absolute floor of the ROC AUC; none when absent
 * @param minPrAuc           absolute floor of the PR AUC (average precision)
 * @param maxLogLoss         absolute ceiling of the log loss
 * @param maxBrier           absolute ceiling of the Brier score
 * @param maxEce             absolute ceiling of the expected calibration error
 * @param metric             what the champion comparison compares: {@code roc_auc}, {@code log_loss},
 *                           {@code brier}, {@code accuracy} or {@code f1}
 * @param maxDrop            how far the challenger may fall behind the champion overall, in the
 *                           metric's units (for log loss and Brier, how much higher it may be)
 * @param maxSliceDrop       the same on each slice both models are judged on
 * @param requireBehavioural a failed behavioural test refuses the blessing
 * @param gate               a refused blessing fails the run (exit code 1) after the report is
 *                           written; otherwise it is reported only
 * @param championVersion    compare with this model version (or the holder of this alias) instead of
 *                           the one the registry holds under the alias {@code champion}
 */
public record BlessingConfig(
    @JsonPropertyDescription("Refuse below this ROC AUC. Allowed: `[0, 1]`.")
    Double minRocAuc,
    @JsonPropertyDescription("Refuse below this PR AUC (average precision). Allowed: `[0, 1]`.")
    Double minPrAuc,
    @JsonPropertyDescription("Refuse above this log loss. Allowed: `> 0`.")
    Double maxLogLoss,
    @JsonPropertyDescription("Refuse above this Brier score. Allowed: `[0, 1]`.")
    Double maxBrier,
    @JsonPropertyDescription("Refuse above this expected calibration error. Allowed: `[0, 1]`.")
    Double maxEce,
    @JsonPropertyDescription("What the champion comparison compares (for log loss and Brier, "
        + "lower is better).")
    @OneOf("METRICS")
    String metric,
    @JsonPropertyDescription("How far the challenger may trail the champion on `metric` overall; "
        + "for a regression model a share of the champion's RMSE (0.01: at most 1 % more). "
        + "Allowed: `>= 0`.")
    Double maxDrop,
    @JsonPropertyDescription("How far it may trail on any judged slice. Allowed: `>= 0`.")
    Double maxSliceDrop,
    @JsonPropertyDescription("A failed behavioural test refuses the blessing.")
    Boolean requireBehavioural,
    @JsonPropertyDescription("A refused blessing fails the run (exit code 7, the reasons in the "
        + "message and the run record's `error`) after the report is written; otherwise the "
        + "verdict is only reported.")
    Boolean gate,
    @JsonPropertyDescription("The model to compare with instead. Allowed: a version in "
        + "`_deepline/models`, or an alias. When unset: the holder of the alias `champion`.")
    String championVersion) {
  public static final List<String> METRICS = List.of("roc_auc", "log_loss", "brier", "accuracy",
      "f1");
  /**
   * Metrics where less is better; the others are better higher. {@code rmse} and {@code mae} are a
   * regression model's, which is compared on {@code rmse} whatever {@code metric} says.
   */
  public static final List<String> LOWER_IS_BETTER = List.of("log_loss", "brier", "ece", "rmse",
      "mae");
  public static final double DEFAULT_MAX_DROP = 0.01;
  /** Slices are smaller than the whole split, so their metrics move more between models. */
  public static final double DEFAULT_MAX_SLICE_DROP = 0.02;

  public BlessingConfig {
    metric = metric == null ? "roc_auc" : metric;
    maxDrop = maxDrop == null ? DEFAULT_MAX_DROP : maxDrop;
    maxSliceDrop = maxSliceDrop == null ? DEFAULT_MAX_SLICE_DROP : maxSliceDrop;
    requireBehavioural = requireBehavioural == null || requireBehavioural;
    gate = gate != null && gate;
  }

  public static BlessingConfig defaults() {
    return new BlessingConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  void validate(ConfigErrors errors) {
    for (var bound : List.of(new Bound("min_roc_auc", minRocAuc), new Bound("min_pr_auc", minPrAuc),
        new Bound("max_brier", maxBrier), new Bound("max_ece", maxEce))) {
      if (bound.value() != null) {
        errors.requireFraction(bound.value(), bound.field(), true, true);
      }
    }
    if (maxLogLoss != null) {
      errors.requirePositive(maxLogLoss, "max_log_loss");
    }
    errors.requireOneOf(metric, METRICS, "metric");
    errors.require(maxDrop >= 0, "max_drop", "must be >= 0, got " + maxDrop);
    errors.require(maxSliceDrop >= 0, "max_slice_drop", "must be >= 0, got " + maxSliceDrop);
    if (championVersion != null) {
      errors.requireNonBlank(championVersion, "champion_version");
    }
  }

  private record Bound(String field, Double value) {}
}
