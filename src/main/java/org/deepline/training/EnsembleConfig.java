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
 * "training": {"ensemble": {"method": "auto", "auto_margin": 0.005, "auto_stack_rows": 2000,
 *     "auto_average_rows": 10000}}
 * "training": {"ensemble": {"method": "bagging", "members": 5}}
 * "training": {"ensemble": {"method": "deep_ensemble", "members": 5}}
 * "training": {"ensemble": {"method": "stacking", "folds": 5}}
 * }</pre>
 *
 * <p>Why {@code auto} is the default: on data where thresholds and interactions of a few inputs
 * carry the label (a telecom churn set of 5,000 rows: the network's validation ROC AUC 0.893, the
 * ladder's boosted trees 0.914), a network with default settings loses to trees by more than a
 * user would accept, and the ladder has already fitted the trees that say so; on small data with
 * many weak inputs a regularised logistic regression does the same. Stacking the network with both
 * closes that gap at the cost of the folds' fits, paid only where a rung leads, or where the
 * training split is small: there a validation split of a few hundred rows cannot tell the network
 * from the rungs (on 50 to 430 rows a ROC AUC moves by 0.02 to 0.05 by chance alone), and the
 * folds' fits cost seconds. On six public data sets of 177 to 1,414 training rows where the
 * margin rule kept the network alone, this rule registered the stack on five, each higher on test
 * (+0.003 to +0.151; German credit 0.775 to 0.819, pd_speech 0.742 to 0.893), and kept the network
 * on the sixth, whose stack scored below it on the held-out training rows.
 *
 * @param method  {@code auto} (default): the stacked ensemble when the ladder's boosted trees or
 *                logistic regression beat the network on validation by more than
 *                {@code autoMargin} and the stack then beats the network too, or when the training
 *                split has at most {@code autoStackRows} rows and the stack's cross-fitted ROC AUC
 *                is at least the network's out-of-fold one; otherwise, on a split of more than
 *                {@code autoStackRows} and at most {@code autoAverageRows} rows, the deep
 *                ensemble; otherwise the network; {@code none}: the network;
 *                {@code bagging}: {@code members} networks, each
 *                trained on its own seeded bootstrap sample of the training split for the main
 *                network's best epoch count, probabilities averaged ({@link Bagging});
 *                {@code deep_ensemble}: as bagging, each member trained on the whole training
 *                split;
 *                {@code stacking}: the network, gradient-boosted trees and a logistic regression
 *                combined by a logistic regression fitted on their out-of-fold predictions
 *                ({@link Stacking})
 * @param members bagging, deep_ensemble and auto's deep ensemble: how many networks (default
 *                {@value #DEFAULT_MEMBERS})
 * @param folds   stacking and auto: folds of the training split for the out-of-fold predictions
 *                (default {@value #DEFAULT_FOLDS})
 * @param autoMargin auto only: how much higher the trees' or the logistic regression's validation
 *                ROC AUC must be than the network's for the stack to be built (default {@value #DEFAULT_AUTO_MARGIN})
 * @param autoStackRows auto only: a training split of at most this many rows is stacked whatever
 *                validation says (when the ladder fitted gbt), and the stack is kept when its
 *                cross-fitted ROC AUC is at least the network's out-of-fold one (default
 *                {@value #DEFAULT_AUTO_STACK_ROWS}; 0: never)
 * @param autoAverageRows auto only: a training split of more than {@code autoStackRows} and at
 *                most this many rows, not stacked, is averaged over {@code members} networks
 *                (default {@value #DEFAULT_AUTO_AVERAGE_ROWS}; 0: never)
 */
public record EnsembleConfig(
    @JsonPropertyDescription("`auto`: first a stack: when the baseline ladder's "
        + "gradient-boosted trees or logistic regression beat the network's validation ROC AUC "
        + "by more than `auto_margin`, the `stacking` ensemble is built and registered when its "
        + "validation ROC AUC is higher than the network's (the run records "
        + "`ensemble_auto_gbt_lead`, `ensemble_auto_logistic_regression_lead` and "
        + "`ensemble_auto_stacked`); without either rung in the ladder, no stack. "
        + "Except on a training split of at most `auto_stack_rows` rows, when the ladder fitted "
        + "`gbt`: that is stacked whatever the leads, and the stack registered when its ROC AUC "
        + "on the training rows, each fold combined by a combiner fitted on the other folds, is "
        + "at least the network's out-of-fold one (`ensemble_auto_small_split`, "
        + "`ensemble_cross_fitted_stacked_roc_auc`): a validation split that small cannot tell "
        + "them apart. Where no stack is registered and the training split has more than "
        + "`auto_stack_rows` and at most `auto_average_rows` rows, a network that trained on the driver (`workers_on`), "
        + "without `resample` or `augment` and not Platt-scaled (`loss.calibrate`), is "
        + "replaced by the `deep_ensemble` of `members` networks (`ensemble_auto_averaged`), "
        + "registered unless its validation ROC AUC is more than 0.02 below the network's (a "
        + "failure, with a WARN; a smaller shortfall is warned of too): the network's validation "
        + "ROC AUC picked its own best epoch on those rows, and a mean of networks varies less "
        + "than one. Otherwise the network alone. "
        + "`none`: the network alone. `bagging`: `members` networks of the same "
        + "configuration, each trained on its own bootstrap sample of the training split (seeded "
        + "from `training.seed`, different per member) for the main network's best epoch count, "
        + "their probabilities averaged. `deep_ensemble`: the same, each member trained on the "
        + "whole training split, so that only its seed (weight initialisation, row order, "
        + "dropout) makes it differ. `stacking`: out-of-fold predictions on the training split "
        + "(`folds` folds) of the network, of gradient-boosted trees (the baseline ladder's "
        + "`gbt` settings: 20 trees of depth 4) and of a logistic regression (L2 strength 0.01; "
        + "in a stack `auto` built, the one the ladder chose) feed a logistic regression on the "
        + "logits of the three; the members are then refitted on the whole training split (in a "
        + "stack `auto` built, the ladder's fits are taken when it fitted on every training "
        + "row). Validation rows "
        + "never reach the combiner's fit. The ensemble is the registered model version: `score` "
        + "and `evaluate` use it, and the run record holds its validation ROC AUC next to each "
        + "member's. `stacking` needs `baselines.enabled` with `gbt` among `baselines.models`. "
        + "Member networks learn from the training split as it is (`resample` and `augment` "
        + "apply to the main network only; `class_weights` and the prior correction apply to "
        + "all); `compress` compresses each network of an ensemble.")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("`bagging`, `deep_ensemble` and `auto` (its deep ensemble): the "
        + "number of averaged networks. Allowed: `[2, 50]`; default 5.")
    Integer members,
    @JsonPropertyDescription("`stacking` and `auto` only: folds of the training split for the "
        + "out-of-fold predictions. Allowed: `[2, 20]`; default 5 (left unset by `auto` unless "
        + "written, so that a copied section can take another method).")
    Integer folds,
    @JsonPropertyDescription("`auto` only: how much higher, in validation ROC AUC, the ladder's "
        + "`gbt` or `logistic_regression` must be than the network for the stack to be built. "
        + "Allowed: `[0, 1)`; default 0.005.")
    Double autoMargin,
    @JsonPropertyDescription("`auto` only: a training split of at most this many rows is "
        + "stacked whatever validation says (when the ladder fitted `gbt`), and the stack is "
        + "registered when its held-out ROC AUC on the training rows is at least the network's "
        + "(see `method`): on a validation "
        + "split of a few hundred rows a ROC AUC moves by 0.02 to 0.05 by chance, more than the "
        + "gaps `auto_margin` decides on, while the folds' fits take seconds. Also the deep "
        + "ensemble's lower bound: `0` lets only a lead build the stack, and averages a split of "
        + "any size up to `auto_average_rows`. Allowed: `>= 0`; default 2000.")
    Long autoStackRows,
    @JsonPropertyDescription("`auto` only: a training split of more than `auto_stack_rows` and "
        + "at most this many rows, where no stack is registered, gets the `deep_ensemble` of "
        + "`members` networks (see `method`): there one network's seed moves test ROC AUC by "
        + "about 0.005, and the members' fits cost seconds each. `0`: never. Allowed: `>= 0`; "
        + "default 10000.")
    Long autoAverageRows) {
  public static final String AUTO = "auto";
  public static final String NONE = "none";
  public static final String BAGGING = "bagging";
  public static final String DEEP_ENSEMBLE = "deep_ensemble";
  public static final String STACKING = "stacking";
  public static final List<String> METHODS = List.of(AUTO, NONE, BAGGING, DEEP_ENSEMBLE, STACKING);
  public static final int DEFAULT_MEMBERS = 5;
  public static final int DEFAULT_FOLDS = 5;
  /**
   * Half a hundredth of ROC AUC: below the 0.01 a user would call losing to a baseline, above the
   * run-to-run wobble of a network's validation score on a few thousand rows, so the folds' fits
   * are paid for a real lead only.
   */
  public static final double DEFAULT_AUTO_MARGIN = 0.005;
  /**
   * Up to here the default split's validation holds at most about 430 rows, whose ROC AUC has a
   * standard error of 0.02 to 0.05, and the five folds' networks train in seconds. Churn's and
   * credit's shipped configs (4,931 and 3,119 training rows) are stacked only when a rung leads
   * (and are averaged otherwise); flights-rest's 2,000-record sample (about 1,400 training rows)
   * is stacked.
   */
  public static final long DEFAULT_AUTO_STACK_ROWS = 2_000;
  /**
   * Up to here each of a deep ensemble's five members costs seconds on two cores (the credit
   * sample's 3,119 training rows for 4 epochs: 1 s; 4,336 rows for 18 epochs: 4 s), and on
   * public data sets of 2,000 to 10,000 training rows the five lifted test ROC AUC by about half a
   * hundredth; on 18,282 rows (nycflights13's weather) they cost 8 s each for +0.0007.
   */
  public static final long DEFAULT_AUTO_AVERAGE_ROWS = 10_000;
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
    method = method == null ? AUTO : method;
    members = members == null && averages(method) ? Integer.valueOf(DEFAULT_MEMBERS) : members;
    folds = folds == null && STACKING.equals(method) ? Integer.valueOf(DEFAULT_FOLDS) : folds;
    // auto's keys stay unset unless written: auto is every config's default, and a section copied
    // from a run record (tuned-training.json) must still take another method without its keys.
  }

  public static EnsembleConfig defaults() {
    return new EnsembleConfig(null, null, null, null, null, null);
  }

  /**
   * Whether an ensemble is built whatever the network scores: {@code bagging},
   * {@code deep_ensemble}, {@code stacking}.
   */
  @JsonIgnore
  public boolean always() {
    return averages(method) || STACKING.equals(method);
  }

  /** The networks of an average, {@code auto}'s deep ensemble included. */
  @JsonIgnore
  public int membersOrDefault() {
    return members != null ? members : DEFAULT_MEMBERS;
  }

  /** Whether {@code method} averages networks of the main one's configuration. */
  private static boolean averages(String method) {
    return BAGGING.equals(method) || DEEP_ENSEMBLE.equals(method);
  }

  @JsonIgnore
  public boolean auto() {
    return AUTO.equals(method);
  }

  /** The folds of a stack, {@code auto}'s included: the key's value or {@value #DEFAULT_FOLDS}. */
  @JsonIgnore
  public int foldsOrDefault() {
    return folds != null ? folds : DEFAULT_FOLDS;
  }

  /** {@code auto}'s margin: the key's value or {@value #DEFAULT_AUTO_MARGIN}. */
  @JsonIgnore
  public double autoMarginOrDefault() {
    return autoMargin != null ? autoMargin : DEFAULT_AUTO_MARGIN;
  }

  /** {@code auto}'s largest training split averaged when it is not stacked. */
  @JsonIgnore
  public long autoAverageRowsOrDefault() {
    return autoAverageRows != null ? autoAverageRows : DEFAULT_AUTO_AVERAGE_ROWS;
  }

  /** {@code auto}'s largest training split stacked whatever validation says. */
  @JsonIgnore
  public long autoStackRowsOrDefault() {
    return autoStackRows != null ? autoStackRows : DEFAULT_AUTO_STACK_ROWS;
  }

  private static boolean stacks(String method) {
    return STACKING.equals(method) || AUTO.equals(method);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(method, METHODS, "method");
    if (members != null) {
      errors.require(averages(method) || AUTO.equals(method), "members",
          "applies to methods bagging, deep_ensemble and auto only, method is " + method);
      errors.require(members >= MIN_MEMBERS && members <= MAX_MEMBERS, "members",
          "must be in [" + MIN_MEMBERS + ", " + MAX_MEMBERS + "], got " + members);
    }
    if (folds != null) {
      errors.require(stacks(method), "folds",
          "applies to methods stacking and auto only, method is " + method);
      errors.require(folds >= MIN_FOLDS && folds <= MAX_FOLDS, "folds",
          "must be in [" + MIN_FOLDS + ", " + MAX_FOLDS + "], got " + folds);
    }
    if (autoMargin != null) {
      errors.require(AUTO.equals(method), "auto_margin",
          "applies to method auto only, method is " + method);
      errors.require(autoMargin >= 0 && autoMargin < 1, "auto_margin",
          "must be in [0, 1), got " + autoMargin);
    }
    if (autoStackRows != null) {
      errors.require(AUTO.equals(method), "auto_stack_rows",
          "applies to method auto only, method is " + method);
      errors.require(autoStackRows >= 0, "auto_stack_rows",
          "must be >= 0, got " + autoStackRows);
    }
    if (autoAverageRows != null) {
      errors.require(AUTO.equals(method), "auto_average_rows",
          "applies to method auto only, method is " + method);
      errors.require(autoAverageRows >= 0, "auto_average_rows",
          "must be >= 0, got " + autoAverageRows);
    }
  }
}
