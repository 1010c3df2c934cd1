package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.BaselineLadder;

/**
 * A baseline of the ladder registered as the model version by {@code baselines.promote}, because
 * its validation ROC AUC beat the network's (or the ensemble's) by more than
 * {@code baselines.promote_margin}. Stored in {@code model.json} as {@code baseline} (null for a
 * network or an ensemble); the model directory holds:
 *
 * <pre>
 * models/&lt;version&gt;/
 *   model.json                          metadata; "baseline": {model, settings, file, ...}
 *   baseline/logistic_regression.json   {@link org.deepline.baselines.LinearModel}: coefficients,
 *                                       intercept
 *   baseline/gbt.json                   {@link BoostedTrees}
 *   network.zip                         the network trained in the same run, which lost; kept for
 *                                       comparison, never used to score
 * </pre>
 *
 * <pre>{@code
 * PromotedBaseline promoted = bundle.metadata().baseline();
 * promoted.kind(); // "baseline:logistic_regression"
 * }</pre>
 *
 * @param model                 {@link BaselineLadder#LOGISTIC_REGRESSION} or
 *                              {@link BaselineLadder#GBT}
 * @param settings              what the ladder chose or fixed, e.g. {@code reg_param=0.01}
 * @param file                  its model file, relative to the model directory
 * @param validationRocAuc      the baseline's validation ROC AUC
 * @param replacedKind          what train would have registered without promotion: {@code network}
 *                              or the ensemble's description
 * @param replacedRocAuc        that model's validation ROC AUC
 */
public record PromotedBaseline(String model, String settings, String file,
    double validationRocAuc, String replacedKind, double replacedRocAuc) implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String KIND_PREFIX = "baseline:";
  public static final String DIR = "baseline/";

  public PromotedBaseline {
    if (!BaselineLadder.PROMOTABLE.contains(model)) {
      throw new IllegalArgumentException("baseline " + model + " cannot be promoted; only "
          + BaselineLadder.PROMOTABLE);
    }
  }

  /** The promoted {@code model} saved as {@link #DIR}{@code <model>.json}. */
  public static PromotedBaseline of(String model, String settings, double validationRocAuc,
      String replacedKind, double replacedRocAuc) {
    return new PromotedBaseline(model, settings, DIR + model + ".json", validationRocAuc,
        replacedKind, replacedRocAuc);
  }

  /** The model kind reports and run records name, e.g. {@code baseline:gbt}. */
  @JsonIgnore
  public String kind() {
    return KIND_PREFIX + model;
  }

  /** By how much the baseline's validation ROC AUC beat the model it replaced. */
  @JsonIgnore
  public double margin() {
    return validationRocAuc - replacedRocAuc;
  }
}
