package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deepline.core.ConfigErrors;

/**
 * Augmentation of the training split ({@link Augmenter}): extra rows, marked in {@code _origin},
 * added after any resampling; validation and test rows are never changed. Off by default (both
 * fractions 0).
 *
 * <pre>{@code
 * "augment": {"noise_fraction": 0.5, "noise_std": 0.1, "mixup_fraction": 0.3, "mixup_alpha": 0.2}
 * }</pre>
 *
 * @param noiseFraction share of the training rows that get one noisy copy (each row is chosen by a
 *                      seeded hash of its id, so the share is met on average), in [0, 1]; default 0
 * @param noiseStd      the noise's standard deviation as a multiple of each continuous slot's standard
 *                      deviation on the training split, in (0, 10]; default 0.1
 * @param mixupFraction share of the training rows that get one mixup row with another row of the
 *                      same class, in [0, 1]; default 0
 * @param mixupAlpha    the mixing weight is drawn from Beta(alpha, alpha), alpha in (0, 10];
 *                      default 0.2 (weights near 0 or 1: rows close to one of their parents)
 */
public record AugmentConfig(
    @JsonPropertyDescription("Share of the training rows that get one copy with Gaussian noise on "
        + "every continuous slot (discrete groups unchanged). Allowed: `[0, 1]`.")
    Double noiseFraction,
    @JsonPropertyDescription("The noise's standard deviation as a multiple of each slot's "
        + "standard deviation on the training split. Allowed: `(0, 10]`.")
    Double noiseStd,
    @JsonPropertyDescription("Share of the training rows that get one mixup row with another row "
        + "**of the same class** (so the label stays 0 or 1): continuous slots `lambda x a + (1 "
        + "- lambda) x b`, each discrete group copied from `a` with probability `lambda`, else "
        + "from `b`. The partner is the row next to it in a seeded hash order within its class. "
        + "Allowed: `[0, 1]`.")
    Double mixupFraction,
    @JsonPropertyDescription("`lambda ~ Beta(alpha, alpha)`. Allowed: `(0, 10]`.")
    Double mixupAlpha) {
  public static final double DEFAULT_NOISE_STD = 0.1;
  public static final double DEFAULT_MIXUP_ALPHA = 0.2;
  /** Noise ten times a slot's spread is no longer the same row; so is a Beta far from its ends. */
  public static final double MAX_SCALE = 10.0;

  public AugmentConfig {
    noiseFraction = noiseFraction == null ? 0.0 : noiseFraction;
    noiseStd = noiseStd == null ? DEFAULT_NOISE_STD : noiseStd;
    mixupFraction = mixupFraction == null ? 0.0 : mixupFraction;
    mixupAlpha = mixupAlpha == null ? DEFAULT_MIXUP_ALPHA : mixupAlpha;
  }

  public static AugmentConfig defaults() {
    return new AugmentConfig(null, null, null, null);
  }

  public boolean enabled() {
    return noiseFraction > 0 || mixupFraction > 0;
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(noiseFraction, "noise_fraction", true, true);
    errors.requireFraction(mixupFraction, "mixup_fraction", true, true);
    errors.require(noiseStd > 0 && noiseStd <= MAX_SCALE, "noise_std",
        "must be in (0, " + MAX_SCALE + "], got " + noiseStd);
    errors.require(mixupAlpha > 0 && mixupAlpha <= MAX_SCALE, "mixup_alpha",
        "must be in (0, " + MAX_SCALE + "], got " + mixupAlpha);
  }
}
