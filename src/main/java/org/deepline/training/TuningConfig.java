package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deepline.core.ConfigErrors;

/**
 * What {@code train --tune} searches and for how long: random configurations from {@link #space}
 * trained with asynchronous successive halving ({@link HalvingSchedule}), chosen on the validation
 * split only.
 *
 * <pre>{@code
 * "tuning": {"max_minutes": 10, "eta": 3,
 *            "space": {"layer_units": [[64], [128, 64]], "loss": ["cross_entropy"]}}
 * }</pre>
 *
 * @param maxTrials  the most trials started; null: as many as {@code maxMinutes} allows
 * @param maxMinutes the search's wall-clock budget, the winner's remaining epochs included
 * @param eta        the halving factor: the best 1/eta of a rung go on, with eta times the epochs
 * @param minEpochs  the fewest epochs of the first rung
 * @param seed       the seed trials are drawn with; null: {@code training.seed}
 * @param space      the ranges trials are drawn from
 * @param finalists  how many of the search's best trials, with the untuned config, are compared by
 *                   cross-validation ({@link CrossValidation}); 0: the best on validation wins
 * @param folds      the folds of that cross-validation
 */
public record TuningConfig(
    @JsonPropertyDescription("The most trials `train --tune` starts. Unset: as many as "
        + "`max_minutes` allows. Allowed: `> 0` when set.")
    Integer maxTrials,
    @JsonPropertyDescription("The search's wall-clock budget in minutes, the winner's remaining "
        + "epochs included: after the first tenth of it, a trial or promotion starts only when "
        + "it and the winner's epochs up to `training.epochs` end inside the budget at the "
        + "median epoch time and the median cost of a job measured so far, with the finalists' "
        + "cross-validation (a quarter to half of the budget) kept aside. The first trial always "
        + "runs. The baseline ladder, an ensemble and saving come after it. Allowed: `> 0`.")
    Double maxMinutes,
    @JsonPropertyDescription("Successive halving's factor: the best 1/eta of the trials of a rung "
        + "by validation ROC AUC are trained on to the next rung, which has eta times the "
        + "epochs; the last rung has `training.epochs` (early stopping as configured). Allowed: "
        + "`>= 2`.")
    Integer eta,
    @JsonPropertyDescription("The fewest epochs of the first rung: rungs have `training.epochs / "
        + "eta^k` epochs for k = K ... 0, down to the last one of at least `min_epochs` (20 "
        + "epochs, eta 3: 2, 6, 20). Allowed: `[1, training.epochs]`; `[1, 20]` while "
        + "`training.epochs` is unset.")
    Integer minEpochs,
    @JsonPropertyDescription("The seed trials' configurations are drawn with; the same seed draws "
        + "the same trials. Unset: `training.seed`.")
    Long seed,
    @JsonPropertyDescription("The ranges trials are drawn from; each dimension left out takes its "
        + "built-in default for tabular data. Trial 1 is the `training` section as written.")
    SearchSpace space,
    @JsonPropertyDescription("How many of the search's best trials (the highest rung's first) are "
        + "compared, together with trial 1 (the untuned `training` section), by k-fold "
        + "cross-validation on the training and validation rows; the best mean held-out ROC AUC "
        + "wins unless its lead over trial 1 on the same folds is within one standard error "
        + "(then trial 1 is kept). Why: with a few thousand validation rows the best of hundreds of trials on "
        + "validation is mostly the one its noise favoured. The finalists' folds are reserved "
        + "in the budget. Applies up to " + Tuner.CROSS_VALIDATION_MAX_ROWS + " training and "
        + "validation rows and " + (TrainingConfig.MAX_DRIVER_FEATURE_BYTES >> 20) + " MB of "
        + "their features, without `training.resample` or "
        + "`training.augment`; otherwise, and with 0, the best trial on validation wins. Allowed: "
        + "`[0, " + TuningConfig.MAX_FINALISTS + "]`.")
    Integer finalists,
    @JsonPropertyDescription("The folds of the finalists' cross-validation: each fold is held out "
        + "once while a network trains on the others. Allowed: `[2, " + TuningConfig.MAX_FOLDS
        + "]`.")
    Integer folds) {
  public static final double DEFAULT_MAX_MINUTES = 10.0;
  public static final int DEFAULT_ETA = 3;
  public static final int MIN_ETA = 2;
  public static final int DEFAULT_MIN_EPOCHS = 1;
  public static final int DEFAULT_FINALISTS = 5;
  public static final int MAX_FINALISTS = 50;
  public static final int DEFAULT_FOLDS = 5;
  public static final int MIN_FOLDS = 2;
  public static final int MAX_FOLDS = 20;

  public TuningConfig {
    maxMinutes = maxMinutes == null ? DEFAULT_MAX_MINUTES : maxMinutes;
    eta = eta == null ? DEFAULT_ETA : eta;
    minEpochs = minEpochs == null ? DEFAULT_MIN_EPOCHS : minEpochs;
    space = space == null ? SearchSpace.defaults() : space;
    finalists = finalists == null ? DEFAULT_FINALISTS : finalists;
    folds = folds == null ? DEFAULT_FOLDS : folds;
  }

  public static TuningConfig defaults() {
    return new TuningConfig(null, null, null, null, null, null, null, null);
  }

  /** The seed trials are drawn with: {@code seed}, else {@code training.seed}. */
  public long seedOr(long trainingSeed) {
    return seed == null ? trainingSeed : seed;
  }

  /** Checks the budget, the halving and the space; {@code training} gives the last rung's epochs. */
  public void validate(ConfigErrors errors, TrainingConfig training) {
    if (maxTrials != null) {
      errors.require(maxTrials > 0, "max_trials", "a budget of " + maxTrials + " trials runs "
          + "nothing: must be > 0");
    }
    errors.require(maxMinutes != null && maxMinutes > 0 && Double.isFinite(maxMinutes),
        "max_minutes", "a budget of " + maxMinutes + " minutes runs nothing: must be > 0");
    errors.require(eta >= MIN_ETA, "eta", "must be >= " + MIN_ETA + " (eta " + eta
        + " promotes every trial: no halving), got " + eta);
    errors.require(minEpochs >= 1, "min_epochs", "must be >= 1, got " + minEpochs);
    // Only against a valid training.epochs: a bad one is reported once, at its own key.
    if (training.epochs() == null) {
      errors.require(minEpochs <= TrainingConfig.MIN_AUTO_EPOCHS, "min_epochs", "must be <= "
          + TrainingConfig.MIN_AUTO_EPOCHS + ", the fewest epochs training.epochs may resolve to "
          + "while it is unset (set training.epochs for longer rungs), got " + minEpochs);
    } else if (training.epochs() > 0) {
      errors.require(minEpochs <= training.epochs(), "min_epochs",
          "must be <= training.epochs = " + training.epochs() + ", got " + minEpochs);
    }
    errors.require(finalists >= 0 && finalists <= MAX_FINALISTS, "finalists",
        "must be in [0, " + MAX_FINALISTS + "], got " + finalists);
    errors.require(folds >= MIN_FOLDS && folds <= MAX_FOLDS, "folds",
        "must be in [" + MIN_FOLDS + ", " + MAX_FOLDS + "], got " + folds);
    space.validate(errors.at("space"));
  }
}
