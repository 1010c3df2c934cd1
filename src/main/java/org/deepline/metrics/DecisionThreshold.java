package org.deepline.metrics;

/**
 * The probability at or above which a model's prediction counts as positive, with the rule that chose
 * it and what it achieved on the validation split. Stored in the model bundle ({@code model.json}),
 * used by {@code score} unless {@code scoring.threshold} is set.
 *
 * <pre>{@code
 * DecisionThreshold chosen = ThresholdRule.maxF1().choose(validationScores);
 * boolean positive = probability >= chosen.value();
 * }</pre>
 *
 * @param value     the threshold; above 1 when the rule found predicting no positive best
 * @param rule      the rule's name ({@link ThresholdRule#NAMES}), or {@value #DEFAULT_RULE} for a
 *                  model trained before thresholds were chosen
 * @param precision validation precision at the threshold (null for the default)
 * @param recall    validation recall at the threshold (null for the default)
 * @param f1        validation F1 at the threshold (null for the default)
 * @param targetMet for the target rules: whether the target was reached (when not, the threshold is
 *                  the best the validation split allows); null for the other rules
 */
public record DecisionThreshold(double value, String rule, Double precision, Double recall,
    Double f1, Boolean targetMet) {
  public static final String DEFAULT_RULE = "default";
  /** What every model used before thresholds were chosen, and what old bundles still get. */
  public static final double DEFAULT_VALUE = 0.5;
  public static final DecisionThreshold DEFAULT =
      new DecisionThreshold(DEFAULT_VALUE, DEFAULT_RULE, null, null, null, null);
}
