package org.deepline.evaluation;

import java.util.List;
import org.deepline.config.ConfigErrors;

/**
 * The evaluation report.
 *
 * @param split            which split's predictions are judged; {@code test} unless studying another
 * @param calibrationBins  equal-width probability bins of the calibration table
 * @param minRocAuc        when set, an evaluation below it fails the run (after writing the report)
 */
public record EvaluationConfig(String split, Integer calibrationBins, Double minRocAuc) {
  public static final List<String> SPLITS = List.of("train", "validation", "test");
  public static final int MAX_CALIBRATION_BINS = 1000;

  public EvaluationConfig {
    split = split == null ? "test" : split;
    calibrationBins = calibrationBins == null ? 10 : calibrationBins;
  }

  public static EvaluationConfig defaults() {
    return new EvaluationConfig(null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(split, SPLITS, "split");
    errors.requirePositive(calibrationBins, "calibration_bins");
    errors.require(calibrationBins <= MAX_CALIBRATION_BINS, "calibration_bins",
        "must be <= " + MAX_CALIBRATION_BINS + ", got " + calibrationBins);
    if (minRocAuc != null) {
      errors.requireFraction(minRocAuc, "min_roc_auc", true, true);
    }
  }
}
