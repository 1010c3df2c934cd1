package org.deepline.sampling;

import org.deepline.config.ConfigErrors;

/**
 * How records are divided into train, validation and test.
 *
 * @param seed       the same seed and records give the same split, on any cluster layout
 * @param train      share of records for training
 * @param validation share for validation (early stopping, leakage checks)
 * @param test       share held out for the evaluation report
 * @param stratify   keep the label's class ratio in every split
 */
public record SplitConfig(Long seed, Double train, Double validation, Double test, Boolean stratify) {
  public static final long DEFAULT_SEED = 42;
  private static final double SUM_TOLERANCE = 1e-9;

  public SplitConfig {
    seed = seed == null ? DEFAULT_SEED : seed;
    train = train == null ? 0.7 : train;
    validation = validation == null ? 0.15 : validation;
    test = test == null ? 0.15 : test;
    stratify = stratify == null ? Boolean.TRUE : stratify;
  }

  public static SplitConfig defaults() {
    return new SplitConfig(null, null, null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(train, "train", false, false);
    errors.requireFraction(validation, "validation", false, false);
    errors.requireFraction(test, "test", false, false);
    double sum = train + validation + test;
    if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
      errors.add("test", "train + validation + test must be 1, got " + sum);
    }
  }
}
