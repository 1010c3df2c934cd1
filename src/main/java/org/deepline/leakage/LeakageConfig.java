package org.deepline.leakage;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * @param maxMutualInformation a raw feature (or a pair of the strongest) whose binned validation
 *                             mutual information with the label, over the label's entropy, exceeds
 *                             this fails: it catches leaks with no rank order (codes stored as
 *                             numbers) that the AUC check cannot see
 * @param waivers              failed checks accepted with a reason: kept as warnings
 */
public record LeakageConfig(Double maxSingleFeatureAuc, Double maxSharedRowFraction,
    Double maxMutualInformation, List<LeakageWaiver> waivers) {
  public static final double DEFAULT_MAX_SINGLE_FEATURE_AUC = 0.95;
  public static final double DEFAULT_MAX_SHARED_ROW_FRACTION = 0.02;
  /**
   * A 0/1 feature that is right about a balanced label 95 % of the time scores 0.71, one right 90 %
   * of the time 0.53; the strongest honest inputs of the shipped data sets (churn's contract) score
   * far below.
   */
  public static final double DEFAULT_MAX_MUTUAL_INFORMATION = 0.6;

  public LeakageConfig {
    maxSingleFeatureAuc = maxSingleFeatureAuc == null
        ? DEFAULT_MAX_SINGLE_FEATURE_AUC : maxSingleFeatureAuc;
    maxSharedRowFraction = maxSharedRowFraction == null
        ? DEFAULT_MAX_SHARED_ROW_FRACTION : maxSharedRowFraction;
    maxMutualInformation = maxMutualInformation == null
        ? DEFAULT_MAX_MUTUAL_INFORMATION : maxMutualInformation;
    waivers = waivers == null ? List.of() : List.copyOf(waivers);
  }

  public static LeakageConfig defaults() {
    return new LeakageConfig(null, null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(maxSingleFeatureAuc, "max_single_feature_auc", false, true);
    errors.require(maxSingleFeatureAuc > 0.5, "max_single_feature_auc",
        "must be > 0.5 (0.5 is a coin flip), got " + maxSingleFeatureAuc);
    errors.requireFraction(maxSharedRowFraction, "max_shared_row_fraction", true, true);
    errors.requireFraction(maxMutualInformation, "max_mutual_information", false, true);
    Set<String> waived = new HashSet<>();
    for (int i = 0; i < waivers.size(); i++) {
      LeakageWaiver waiver = waivers.get(i);
      if (waiver == null) {
        errors.at("waivers", i).add(null, "must be an object");
        continue;
      }
      waiver.validate(errors.at("waivers", i));
      errors.at("waivers", i).require(waiver.check() == null || waived.add(waiver.check()),
          "check", waiver.check() + " is waived twice");
    }
  }
}
