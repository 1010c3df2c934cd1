package org.deepline.evaluation;

import java.util.List;
import org.deepline.core.ConfigErrors;

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
public record BlessingConfig(Double minRocAuc, Double minPrAuc, Double maxLogLoss, Double maxBrier,
    Double maxEce, String metric, Double maxDrop, Double maxSliceDrop, Boolean requireBehavioural,
    Boolean gate, String championVersion) {
  public static final List<String> METRICS = List.of("roc_auc", "log_loss", "brier", "accuracy",
      "f1");
  /** Metrics where less is better; the others are better higher. */
  public static final List<String> LOWER_IS_BETTER = List.of("log_loss", "brier", "ece");
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
