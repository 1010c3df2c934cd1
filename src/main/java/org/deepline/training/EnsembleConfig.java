package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * Whether {@code train} ships the network alone or an ensemble built around it ({@link Ensembles}).
 *
 * <pre>{@code
 * "training": {"ensemble": {"method": "bagging", "members": 5}}
 * "training": {"ensemble": {"method": "stacking", "folds": 5}}
 * }</pre>
 *
 * @param method  {@code none} (default): the network; {@code bagging}: {@code members} networks, each
 *                trained on its own seeded bootstrap sample of the training split for the main
 *                network's best epoch count, probabilities averaged ({@link Bagging});
 *                {@code stacking}: the network and MLlib gradient-boosted trees combined by a
 *                logistic regression fitted on their out-of-fold predictions ({@link Stacking})
 * @param members bagging only: how many bootstrap networks (default {@value #DEFAULT_MEMBERS})
 * @param folds   stacking only: folds of the training split for the out-of-fold predictions
 *                (default {@value #DEFAULT_FOLDS})
 */
public record EnsembleConfig(
    @JsonPropertyDescription("`none`: the network alone. `bagging`: `members` networks of the same "
        + "configuration, each trained on its own bootstrap sample of the training split (seeded "
        + "from `training.seed`, different per member) for the main network's best epoch count, "
        + "their probabilities averaged. `stacking`: out-of-fold predictions on the training split "
        + "(`folds` folds) of the network and of MLlib gradient-boosted trees (the baseline "
        + "ladder's `gbt` settings: 20 trees of depth 4) feed a logistic regression on the logits "
        + "of both; the members are then refitted on the whole training split. Validation rows "
        + "never reach the combiner's fit. The ensemble is the registered model version: `score` "
        + "and `evaluate` use it, and the run record holds its validation ROC AUC next to each "
        + "member's. Stacking needs `baselines.enabled` with `gbt` among `baselines.models`. "
        + "Member networks learn from the training split as it is (`resample` and `augment` "
        + "apply to the main network only; `class_weights` and the prior correction apply to "
        + "all); `compress` refuses an ensemble.")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("`bagging` only: the number of bootstrap networks. Allowed: `[2, 50]`; "
        + "default 5.")
    Integer members,
    @JsonPropertyDescription("`stacking` only: folds of the training split for the out-of-fold "
        + "predictions. Allowed: `[2, 20]`; default 5.")
    Integer folds) {
  public static final String NONE = "none";
  public static final String BAGGING = "bagging";
  public static final String STACKING = "stacking";
  public static final List<String> METHODS = List.of(NONE, BAGGING, STACKING);
  public static final int DEFAULT_MEMBERS = 5;
  public static final int DEFAULT_FOLDS = 5;
  /** Fewer than two members or folds is not an ensemble (or not a held-out prediction). */
  public static final int MIN_MEMBERS = 2;
  public static final int MIN_FOLDS = 2;
  /**
   * Beyond this many bootstrap networks the average stops moving (the variance it removes falls as
   * one over the count) while training time keeps growing linearly: more is a config mistake.
   */
  public static final int MAX_MEMBERS = 50;
  /** Beyond this many folds each fold's model sees almost all rows: the fits cost, nothing gains. */
  public static final int MAX_FOLDS = 20;

  public EnsembleConfig {
    method = method == null ? NONE : method;
    members = members == null && BAGGING.equals(method) ? Integer.valueOf(DEFAULT_MEMBERS) : members;
    folds = folds == null && STACKING.equals(method) ? Integer.valueOf(DEFAULT_FOLDS) : folds;
  }

  public static EnsembleConfig defaults() {
    return new EnsembleConfig(null, null, null);
  }

  @JsonIgnore
  public boolean enabled() {
    return !NONE.equals(method);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(method, METHODS, "method");
    if (members != null) {
      errors.require(BAGGING.equals(method), "members",
          "applies to method bagging only, method is " + method);
      errors.require(members >= MIN_MEMBERS && members <= MAX_MEMBERS, "members",
          "must be in [" + MIN_MEMBERS + ", " + MAX_MEMBERS + "], got " + members);
    }
    if (folds != null) {
      errors.require(STACKING.equals(method), "folds",
          "applies to method stacking only, method is " + method);
      errors.require(folds >= MIN_FOLDS && folds <= MAX_FOLDS, "folds",
          "must be in [" + MIN_FOLDS + ", " + MAX_FOLDS + "], got " + folds);
    }
  }
}
