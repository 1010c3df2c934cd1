package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.metrics.ThresholdRule;

/**
 * How training chooses the model's decision threshold on the validation split (config section
 * {@code training.threshold}); the result is stored in the model bundle and used by {@code score}
 * unless {@code scoring.threshold} is set.
 *
 * @param rule              {@code max_f1} (default), {@code cost}, {@code target_precision} or
 *                          {@code target_recall}; see {@link ThresholdRule}
 * @param falsePositiveCost {@code cost} only: what one false positive costs
 * @param falseNegativeCost {@code cost} only: what one false negative costs
 * @param targetPrecision   {@code target_precision} only, in (0, 1]
 * @param targetRecall      {@code target_recall} only, in (0, 1]
 */
public record ThresholdConfig(
    @JsonPropertyDescription("`max_f1`: the highest F1. `cost`: the lowest `false_positive_cost` "
        + "x false positives + `false_negative_cost` x false negatives. `target_precision`: the "
        + "lowest threshold (most recall) whose precision reaches `target_precision`; when none "
        + "does, the most precise one, and `target_met` is false in `model.json`. "
        + "`target_recall`: the highest threshold (most precision) whose recall reaches "
        + "`target_recall`.")
    @OneOf(value = "NAMES", in = ThresholdRule.class)
    String rule,
    @JsonPropertyDescription("What one false positive costs. Allowed: `> 0`, finite; required "
        + "with `cost`, refused with any other rule.")
    Double falsePositiveCost,
    @JsonPropertyDescription("What one false negative costs. Allowed: `> 0`, finite; required "
        + "with `cost`, refused with any other rule.")
    Double falseNegativeCost,
    @JsonPropertyDescription("Precision the threshold must reach on validation. Allowed: `(0, "
        + "1]`; required with `target_precision`, refused otherwise.")
    Double targetPrecision,
    @JsonPropertyDescription("Recall the threshold must reach on validation. Allowed: `(0, 1]`; "
        + "required with `target_recall`, refused otherwise.")
    Double targetRecall) {

  public ThresholdConfig {
    rule = rule == null ? ThresholdRule.MAX_F1 : rule;
  }

  public static ThresholdConfig defaults() {
    return new ThresholdConfig(null, null, null, null, null);
  }

  /** The rule to run; call on a validated config only. */
  public ThresholdRule toRule() {
    return switch (rule) {
      case ThresholdRule.COST -> ThresholdRule.cost(falsePositiveCost, falseNegativeCost);
      case ThresholdRule.TARGET_PRECISION -> ThresholdRule.targetPrecision(targetPrecision);
      case ThresholdRule.TARGET_RECALL -> ThresholdRule.targetRecall(targetRecall);
      default -> ThresholdRule.maxF1();
    };
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(rule, ThresholdRule.NAMES, "rule");
    boolean cost = ThresholdRule.COST.equals(rule);
    requireCost(errors, falsePositiveCost, "false_positive_cost", cost);
    requireCost(errors, falseNegativeCost, "false_negative_cost", cost);
    requireTarget(errors, targetPrecision, "target_precision",
        ThresholdRule.TARGET_PRECISION.equals(rule));
    requireTarget(errors, targetRecall, "target_recall", ThresholdRule.TARGET_RECALL.equals(rule));
  }

  private void requireCost(ConfigErrors errors, Double value, String field, boolean used) {
    if (!used) {
      forbid(errors, value, field);
    } else if (value == null) {
      errors.add(field, "is required with rule " + ThresholdRule.COST);
    } else {
      errors.require(value > 0 && Double.isFinite(value), field,
          "must be a finite number > 0, got " + value);
    }
  }

  private void requireTarget(ConfigErrors errors, Double value, String field, boolean used) {
    if (!used) {
      forbid(errors, value, field);
    } else if (value == null) {
      errors.add(field, "is required with rule " + field);
    } else {
      errors.requireFraction(value, field, false, true);
    }
  }

  /** A setting of another rule is a mistake the user should hear about, not silently ignored. */
  private void forbid(ConfigErrors errors, Double value, String field) {
    errors.require(value == null, field, "has no effect with rule " + rule + "; remove it or set "
        + "rule to " + (field.startsWith("target_") ? field : ThresholdRule.COST));
  }
}
