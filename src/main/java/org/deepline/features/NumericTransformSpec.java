package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * How one numeric column becomes network input, declared under {@code features.numeric_transforms}
 * by column name. The steps run in this order, each fitted on the training split only:
 *
 * <ol>
 *   <li>{@code clip}: values outside the training quantiles {@code [lower, upper]} are set to them;</li>
 *   <li>{@code log1p}: {@code ln(1 + x)}, for long-tailed amounts (values below the training minimum
 *       are raised to it first, so scoring data cannot reach the logarithm's pole);</li>
 *   <li>{@code impute}: a missing value takes the training median, mean or mode of the column after
 *       the steps above, or a constant (given in the column's own units, then clipped and
 *       transformed like a value); a missing indicator slot follows when training had gaps;</li>
 *   <li>{@code scale} (standard, min-max, robust or none), or {@code bins}: one-hot slots of
 *       quantile, uniform or explicit bins instead of one scaled number.</li>
 * </ol>
 *
 * <pre>{@code
 * "numeric_transforms": {
 *   "total_charges": {"log1p": true, "scale": "robust"},
 *   "tenure": {"bins": {"quantiles": 8}},
 *   "monthly_charges": {"clip": [0.01, 0.99], "impute": "mean", "scale": "minmax"}
 * }
 * }</pre>
 *
 * <p>A column without an entry is imputed with the median and standardised.
 *
 * @param impute      median (default), mean, mode or constant
 * @param imputeValue the constant for {@code impute: constant}
 * @param clip        lower and upper training quantiles to clip at, e.g. {@code [0.01, 0.99]}
 * @param log1p       take {@code ln(1 + x)} after clipping
 * @param scale       standard (default), minmax, robust (median and interquartile range) or none;
 *                    not with {@code bins}
 * @param bins        discretise instead of scaling
 */
public record NumericTransformSpec(
    @JsonPropertyDescription("What a missing (null or NaN) value becomes: a statistic of the "
        + "training column after clip and log1p, or `impute_value`.")
    @OneOf("IMPUTATIONS")
    String impute,
    @JsonPropertyDescription("The constant, in the column's own units (clipped and "
        + "log-transformed like a value). Allowed: finite; only with `impute: constant`.")
    Double imputeValue,
    @JsonPropertyDescription("Values below the training quantile `lower` or above the quantile "
        + "`upper` are set to it. Allowed: `0 <= lower < upper <= 1`.")
    List<Double> clip,
    @JsonPropertyDescription("`ln(1 + x)` after clipping, for long-tailed amounts. Values below "
        + "the training minimum (or the lower clip bound) are raised to it first; fitting fails "
        + "naming the column when that bound is not above -1.")
    Boolean log1p,
    @JsonPropertyDescription("`(x - mean) / standard deviation`; `(x - min) / (max - min)`; `(x - "
        + "median) / interquartile range`; `x` as is. A zero divisor leaves `x - centre`. "
        + "Allowed: not with `bins`. When unset: `standard`.")
    @OneOf("SCALINGS")
    String scale,
    @JsonPropertyDescription("One-hot slots of bins instead of one scaled input: equal-frequency "
        + "bins from training quantiles (cut points that coincide merge, so a heavily tied "
        + "column gets fewer bins), equal-width bins between the training minimum and maximum, "
        + "or explicit interior cut points in the units after clip and log1p. A value equal to a "
        + "cut point falls in the bin above it; values beyond the outer cut points fall in the "
        + "first or last bin. Allowed: exactly one of `quantiles` (2-1000), `uniform` (2-1000), "
        + "`edges` (1-999 strictly increasing numbers).")
    BinSpec bins) {
  public static final String MEDIAN = "median";
  public static final String MEAN = "mean";
  public static final String MODE = "mode";
  public static final String CONSTANT = "constant";
  public static final List<String> IMPUTATIONS = List.of(MEDIAN, MEAN, MODE, CONSTANT);
  public static final String STANDARD = "standard";
  public static final String MIN_MAX = "minmax";
  public static final String ROBUST = "robust";
  public static final String NONE = "none";
  public static final List<String> SCALINGS = List.of(STANDARD, MIN_MAX, ROBUST, NONE);
  /** The default treatment of a numeric column: median imputation, then standardisation. */
  public static final NumericTransformSpec DEFAULT = new NumericTransformSpec(null, null, null,
      null, null, null);
  private static final int CLIP_BOUNDS = 2;

  public NumericTransformSpec {
    impute = impute == null ? MEDIAN : impute;
    clip = clip == null ? null : List.copyOf(clip);
    log1p = log1p != null && log1p;
  }

  /** The scaling in force: none when binned, standard when unset. */
  public String scaling() {
    return bins != null ? NONE : scale == null ? STANDARD : scale;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(impute, IMPUTATIONS, "impute");
    if (CONSTANT.equals(impute)) {
      errors.require(imputeValue != null && Double.isFinite(imputeValue), "impute_value",
          "a finite number is required with impute: constant");
    } else if (imputeValue != null) {
      errors.add("impute_value", "only used with impute: constant (impute is " + impute + ")");
    }
    if (clip != null) {
      boolean pair = clip.size() == CLIP_BOUNDS && clip.get(0) != null && clip.get(1) != null;
      errors.require(pair && clip.get(0) >= 0 && clip.get(0) < clip.get(1) && clip.get(1) <= 1,
          "clip", "must be two quantiles [lower, upper] with 0 <= lower < upper <= 1, got " + clip);
    }
    if (scale != null) {
      errors.requireOneOf(scale, SCALINGS, "scale");
      errors.require(bins == null, "scale", "bins replace scaling; set one of scale and bins");
    }
    if (bins != null) {
      bins.validate(errors.at("bins"));
    }
  }

  /**
   * Discretisation into one-hot bins: exactly one of {@code quantiles} (equal-frequency bins from
   * training quantiles; repeated cut points merge, so heavily tied columns get fewer bins),
   * {@code uniform} (equal-width bins between the training minimum and maximum) or {@code edges}
   * (explicit interior cut points, in the units after clip and log1p). A value equal to a cut point
   * falls in the bin above it; values beyond the outer cut points fall in the first and last bins.
   */
  public record BinSpec(
      @JsonPropertyDescription("Equal-frequency bins cut at this many training quantiles; cut "
          + "points that coincide merge, so a heavily tied column gets fewer bins. Allowed: `[2, "
          + "1000]`; exactly one of `quantiles`, `uniform` and `edges`.")
      Integer quantiles,
      @JsonPropertyDescription("Equal-width bins, this many, between the training minimum and "
          + "maximum. Allowed: `[2, 1000]`; exactly one of `quantiles`, `uniform` and `edges`.")
      Integer uniform,
      @JsonPropertyDescription("Explicit interior cut points, in the units after clip and log1p; "
          + "a value equal to a cut point falls in the bin above it, values beyond the outer cut "
          + "points in the first or last bin. Allowed: 1 to 999 finite, strictly increasing "
          + "numbers; exactly one of `quantiles`, `uniform` and `edges`.")
      List<Double> edges) {
    public static final int MAX_BINS = 1000;
    private static final int MIN_BINS = 2;

    public BinSpec {
      edges = edges == null ? null : List.copyOf(edges);
    }

    void validate(ConfigErrors errors) {
      int given = (quantiles == null ? 0 : 1) + (uniform == null ? 0 : 1) + (edges == null ? 0 : 1);
      if (given != 1) {
        errors.add(null, "set exactly one of quantiles, uniform and edges");
        return;
      }
      if (quantiles != null) {
        requireBinCount(errors, quantiles, "quantiles");
      }
      if (uniform != null) {
        requireBinCount(errors, uniform, "uniform");
      }
      if (edges != null) {
        boolean increasing = !edges.isEmpty() && edges.size() < MAX_BINS;
        for (int i = 0; increasing && i < edges.size(); i++) {
          increasing = edges.get(i) != null && Double.isFinite(edges.get(i))
              && (i == 0 || edges.get(i) > edges.get(i - 1));
        }
        errors.require(increasing, "edges", "must be 1 to " + (MAX_BINS - 1)
            + " finite, strictly increasing cut points, got " + edges);
      }
    }

    private static void requireBinCount(ConfigErrors errors, int bins, String field) {
      errors.require(bins >= MIN_BINS && bins <= MAX_BINS, field,
          "must be in [" + MIN_BINS + ", " + MAX_BINS + "], got " + bins);
    }
  }
}
