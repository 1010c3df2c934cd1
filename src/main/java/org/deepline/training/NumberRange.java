package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Random;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;

/**
 * A closed range of a number {@code train --tune} samples, uniformly or on a log scale; min = max
 * fixes the value.
 *
 * <pre>{@code
 * new NumberRange(3e-4, 3e-2).sampleLog(random); // e.g. 0.0031
 * }</pre>
 */
public record NumberRange(
    @JsonPropertyDescription("The smallest value. Allowed: `<= max`.")
    @Required
    Double min,
    @JsonPropertyDescription("The largest value. Allowed: `>= min`.")
    @Required
    Double max) {

  /** Uniform in [min, max]. */
  public double sampleUniform(Random random) {
    return min + (max - min) * random.nextDouble();
  }

  /** Log-uniform in [min, max]: every decade as likely; min must be > 0. */
  public double sampleLog(Random random) {
    return Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * random.nextDouble());
  }

  /**
   * Checks both ends are set, finite and in order, and inside [{@code lowest}, {@code highest}]
   * ({@code highest} excluded when {@code highestExcluded}); a log-scale range must be above 0.
   */
  public void validate(ConfigErrors errors, boolean logScale, double lowest, double highest,
      boolean highestExcluded) {
    if (min == null || max == null) {
      errors.require(min != null, "min", "is required");
      errors.require(max != null, "max", "is required");
      return;
    }
    errors.require(Double.isFinite(min), "min", "must be a finite number, got " + min);
    errors.require(Double.isFinite(max), "max", "must be a finite number, got " + max);
    errors.require(min <= max, null, "an empty range: min " + min + " is above max " + max);
    errors.require(min >= lowest && (!logScale || min > 0), "min", "must be "
        + (logScale ? "> 0 (a log-scale range)" : ">= " + lowest) + ", got " + min);
    errors.require(highestExcluded ? max < highest : max <= highest, "max",
        "must be " + (highestExcluded ? "< " : "<= ") + highest + ", got " + max);
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
