package org.deepline.baselines;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@code baselines.promote} decides from the ladder's results: the best promotable rung
 * ({@link BaselineLadder#PROMOTABLE}) replaces the model train would register when its validation
 * ROC AUC is higher by more than {@code baselines.promote_margin}; a better rung that cannot be
 * promoted ({@code majority}, {@code one_rule}, {@code random_forest}) is named but never chosen.
 *
 * <pre>{@code
 * BaselinePromotion choice = BaselinePromotion.decide(ladder, "network", 0.80, 0.002);
 * if (choice.promote()) register(choice.candidate().model());
 * log(choice.decision()); // "promoted logistic_regression: validation ROC AUC 0.8400 against ..."
 * }</pre>
 *
 * @param candidate the best promotable rung
 * @param lead      its validation ROC AUC minus the registered model's (negative: it lost)
 * @param promote   whether {@code lead} is more than the margin
 * @param decision  one line for the log and the run record, e.g. {@code kept network: ...}
 */
public record BaselinePromotion(BaselineLadder.Result candidate, double lead, boolean promote,
    String decision) {

  /**
   * Decides on {@code ladder}, which must hold a promotable rung (config validation makes sure).
   *
   * @param registeredKind   what train registers without promotion: {@code network} or the
   *                         ensemble's description
   * @param registeredRocAuc that model's validation ROC AUC
   * @param margin           {@code baselines.promote_margin}
   */
  public static BaselinePromotion decide(List<BaselineLadder.Result> ladder,
      String registeredKind, double registeredRocAuc, double margin) {
    BaselineLadder.Result candidate = ladder.stream()
        .filter(result -> BaselineLadder.PROMOTABLE.contains(result.model()))
        .max(Comparator.comparingDouble(BaselineLadder.Result::validationRocAuc))
        .orElseThrow(() -> new IllegalArgumentException("no promotable baseline (one of "
            + BaselineLadder.PROMOTABLE + ") in the ladder"));
    BaselineLadder.Result best = BaselineLadder.best(ladder).orElseThrow();
    double lead = candidate.validationRocAuc() - registeredRocAuc;
    boolean promote = lead > margin;
    String comparison = String.format(Locale.ROOT, "validation ROC AUC %.4f against the %s's "
        + "%.4f (%+.4f; promote_margin %.4f)", candidate.validationRocAuc(), registeredKind,
        registeredRocAuc, lead, margin);
    String unpromotable = best.validationRocAuc() > candidate.validationRocAuc()
        ? String.format(Locale.ROOT, "; the best baseline, %s (%.4f), cannot be promoted",
            best.model(), best.validationRocAuc())
        : "";
    String decision = promote
        ? "promoted " + candidate.model() + ": " + comparison + unpromotable
        : "kept " + registeredKind + ": the best promotable baseline, " + candidate.model()
            + ", has " + comparison + unpromotable;
    return new BaselinePromotion(candidate, lead, promote, decision);
  }
}
