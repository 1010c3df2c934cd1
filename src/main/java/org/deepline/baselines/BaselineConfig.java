package org.deepline.baselines;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * The baseline ladder trained next to the network on the same features and splits.
 *
 * @param enabled              train the ladder in every {@code train} run (default true); turn it off
 *                             for very large runs where even the sample is too slow
 * @param models               which baselines, from {@link BaselineLadder#MODELS}
 * @param maxRows              the ladder fits on a seeded sample of at most this many training rows
 *                             (the network always sees them all)
 * @param requireNetworkWins   fail the train run (nothing registered) when a baseline's validation
 *                             ROC AUC beats the network's; by default the run succeeds and says so
 * @param promote              register the best promotable baseline
 *                             ({@link BaselineLadder#PROMOTABLE}) as the model version instead of
 *                             the network (or ensemble) when its validation ROC AUC is higher by
 *                             more than {@code promoteMargin}
 * @param promoteMargin        how much higher, in validation ROC AUC, a baseline must be to be
 *                             promoted: below it the difference is within the noise of picking on
 *                             validation, and the network is kept
 * @param driverMaxRows        fit the rungs on the driver in plain Java up to this many rows
 *                             ({@link BaselineLadder}); 0 always uses MLlib
 *
 * <pre>{@code
 * "baselines": {"promote": true, "promote_margin": 0.002}
 * }</pre>
 */
public record BaselineConfig(
    @JsonPropertyDescription("Fit the ladder in every `train` run; turn it off for very large "
        + "runs.")
    Boolean enabled,
    @JsonPropertyDescription("The rungs: the training positive rate for every row (ROC AUC 0.5); "
        + "the best single split of a single input (a regression stump on the 0/1 label, "
        + "so each side scores its training positive rate); logistic regression with its "
        + "L2 strength picked on validation from 1e-4, 1e-2, 1e-1 (MLlib's objective; in MLlib "
        + "at most 50 iterations to a relative tolerance of 1e-4, on the driver Newton's method "
        + "to the optimum); "
        + "gradient-boosted trees (20 trees of depth 4); random forest (20 trees of depth "
        + "6). MLlib's algorithms and defaults, fitted on the driver on small data "
        + "(`driver_max_rows`).")
    @OneOf(value = "MODELS", in = BaselineLadder.class)
    List<String> models,
    @JsonPropertyDescription("The ladder fits on a seeded sample of at most this many training "
        + "rows (the network always sees them all); validation is never sampled. Allowed: `> 0`.")
    Long maxRows,
    @JsonPropertyDescription("Fail the train run, registering nothing, when a baseline's "
        + "validation ROC AUC is higher than the network's. Allowed: needs `enabled`.")
    Boolean requireNetworkWins,
    @JsonPropertyDescription("Register the best promotable baseline (`logistic_regression` or "
        + "`gbt`) as the model version, instead of the network or ensemble, when its validation "
        + "ROC AUC is higher by more than `promote_margin`; `score`, `evaluate` and the Spark-free "
        + "scorer use it like any model (kind `baseline:<model>`), `compress` refuses it. "
        + "Allowed: needs `enabled` and one of `logistic_regression`, `gbt` in `models`; not with "
        + "`require_network_wins`.")
    Boolean promote,
    @JsonPropertyDescription("How much higher, in validation ROC AUC, the best promotable "
        + "baseline must be than the network (or ensemble) for `promote` to register it. "
        + "Allowed: `>= 0` and `< 1`.")
    Double promoteMargin,
    @JsonPropertyDescription("The rungs are fitted on the driver in plain Java, by the same "
        + "algorithms with the same settings, when the training sample and the validation split "
        + "each have at most this many rows (and 5 M feature values): there MLlib's fits are "
        + "mostly Spark's fixed cost per job. `0` fits every rung in MLlib. Allowed: `>= 0`, "
        + "at most 1,000,000.")
    Integer driverMaxRows) {
  public static final long DEFAULT_MAX_ROWS = 200_000L;
  /**
   * On churn (4,931 training rows) MLlib's ladder took 16 s of fits, the driver's under a second;
   * up to this many rows the driver's fits stay within a few seconds.
   */
  public static final int DEFAULT_DRIVER_MAX_ROWS = 50_000;
  /** Beyond this, rows on the driver risk its memory whatever the width. */
  public static final int MAX_DRIVER_MAX_ROWS = 1_000_000;
  /**
   * A baseline must win by more than this to be promoted: picking the L2 strength and the network's
   * best epoch on the same validation rows moves both AUCs by about this much.
   */
  public static final double DEFAULT_PROMOTE_MARGIN = 0.002;

  public BaselineConfig {
    enabled = enabled == null || enabled;
    models = models == null ? BaselineLadder.MODELS : List.copyOf(models);
    maxRows = maxRows == null ? DEFAULT_MAX_ROWS : maxRows;
    requireNetworkWins = requireNetworkWins != null && requireNetworkWins;
    promote = promote != null && promote;
    promoteMargin = promoteMargin == null ? DEFAULT_PROMOTE_MARGIN : promoteMargin;
    driverMaxRows = driverMaxRows == null ? DEFAULT_DRIVER_MAX_ROWS : driverMaxRows;
  }

  /** The ladder without promotion, as before {@code promote} existed. */
  public BaselineConfig(Boolean enabled, List<String> models, Long maxRows,
      Boolean requireNetworkWins) {
    this(enabled, models, maxRows, requireNetworkWins, null, null, null);
  }

  public static BaselineConfig defaults() {
    return new BaselineConfig(null, null, null, null, null, null, null);
  }

  public void validate(ConfigErrors errors) {
    for (int i = 0; i < models.size(); i++) {
      errors.requireOneOf(models.get(i), BaselineLadder.MODELS, "models[" + i + "]");
    }
    errors.require(!enabled || !models.isEmpty(), "models", "name at least one baseline, or set "
        + "enabled to false");
    errors.requirePositive(maxRows, "max_rows");
    errors.require(enabled || !requireNetworkWins, "require_network_wins",
        "needs the ladder: enabled is false");
    errors.require(!(promote && requireNetworkWins), "promote", "cannot be set with "
        + "require_network_wins: one registers a winning baseline, the other fails the run when a "
        + "baseline wins; choose one");
    errors.require(!promote || enabled, "promote", "needs the ladder: enabled is false");
    errors.require(!promote || !enabled
        || models.stream().anyMatch(BaselineLadder.PROMOTABLE::contains),
        "promote", "needs a promotable baseline in models (one of " + BaselineLadder.PROMOTABLE
        + ")");
    errors.require(promoteMargin >= 0 && promoteMargin < 1, "promote_margin",
        "must be >= 0 and < 1, got " + promoteMargin);
    errors.require(driverMaxRows >= 0 && driverMaxRows <= MAX_DRIVER_MAX_ROWS, "driver_max_rows",
        "must be >= 0 and <= " + MAX_DRIVER_MAX_ROWS + ", got " + driverMaxRows);
  }
}
