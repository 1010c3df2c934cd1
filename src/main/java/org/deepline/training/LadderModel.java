package org.deepline.training;

import java.io.Serializable;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.BaselineLadder;

/**
 * A rung of the train run's baseline ladder saved with the model version, whatever model was
 * registered, so that {@code evaluate} can score it on the same held-out rows as the model and
 * show in the report how the model fares against it on test, not only on validation. Stored in
 * {@code model.json}'s {@code ladder} list; the model directory holds its file:
 *
 * <pre>
 * models/&lt;version&gt;/
 *   ladder/logistic_regression.json   {@link org.deepline.baselines.LinearModel}
 *   ladder/gbt.json                   {@link BoostedTrees}
 * </pre>
 *
 * <p>Why: validation picks the model, and on a few hundred validation rows a network and a
 * logistic regression can tie there while one leads by several points on test. The model is never
 * chosen on test; the report only makes such a gap visible.
 *
 * <pre>{@code
 * for (LadderModel rung : bundle.metadata().ladder()) {
 *   ModelBundle asModel = bundle.ladderRung(rung); // scores like a promoted baseline
 * }
 * }</pre>
 *
 * @param model            {@link BaselineLadder#LOGISTIC_REGRESSION} or {@link BaselineLadder#GBT}
 *                         (the rungs with a Spark-free form)
 * @param settings         what the ladder chose or fixed, e.g. {@code reg_param=0.01}
 * @param file             its model file, relative to the model directory
 * @param validationRocAuc the rung's validation ROC AUC in the train run
 */
public record LadderModel(String model, String settings, String file, double validationRocAuc)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DIR = "ladder/";

  public LadderModel {
    if (!BaselineLadder.PROMOTABLE.contains(model)) {
      throw new IllegalArgumentException("baseline " + model + " has no saved form; only "
          + BaselineLadder.PROMOTABLE);
    }
  }

  /** The rung {@code model} saved as {@link #DIR}{@code <model>.json}. */
  public static LadderModel of(String model, String settings, double validationRocAuc) {
    return new LadderModel(model, settings, DIR + model + ".json", validationRocAuc);
  }

  /** The rung as a promoted baseline would be: the form the scorers take. */
  PromotedBaseline asPromoted(String registeredKind, double registeredRocAuc) {
    return new PromotedBaseline(model, settings, file, validationRocAuc, registeredKind,
        registeredRocAuc);
  }
}
