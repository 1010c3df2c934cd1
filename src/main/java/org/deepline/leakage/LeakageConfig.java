package org.deepline.leakage;

import org.deepline.core.ConfigErrors;

/**
 * Thresholds of the leakage gate.
 *
 * @param maxSingleFeatureAuc  a single raw feature whose validation AUC (or 1 - AUC) exceeds this
 *                             predicts the label too well to be honest: it fails the run
 * @param maxSharedRowFraction identical feature rows occur across splits by chance (real data has
 *                             duplicate customers); when the share of validation and test rows equal
 *                             to a train row exceeds train's own repetition rate by more than this,
 *                             it fails
 */
public record LeakageConfig(Double maxSingleFeatureAuc, Double maxSharedRowFraction) {
  public static final double DEFAULT_MAX_SINGLE_FEATURE_AUC = 0.95;
  public static final double DEFAULT_MAX_SHARED_ROW_FRACTION = 0.02;

  public LeakageConfig {
    maxSingleFeatureAuc = maxSingleFeatureAuc == null
        ? DEFAULT_MAX_SINGLE_FEATURE_AUC : maxSingleFeatureAuc;
    maxSharedRowFraction = maxSharedRowFraction == null
        ? DEFAULT_MAX_SHARED_ROW_FRACTION : maxSharedRowFraction;
  }

  public static LeakageConfig defaults() {
    return new LeakageConfig(null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(maxSingleFeatureAuc, "max_single_feature_auc", false, true);
    errors.require(maxSingleFeatureAuc > 0.5, "max_single_feature_auc",
        "must be > 0.5 (0.5 is a coin flip), got " + maxSingleFeatureAuc);
    errors.requireFraction(maxSharedRowFraction, "max_shared_row_fraction", true, true);
  }
}
