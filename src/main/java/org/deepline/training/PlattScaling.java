package org.deepline.training;

import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deepline.metrics.ScoredLabels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Platt scaling (Platt, 1999) folded into the network: a logistic regression of the validation
 * labels on the network's logit, {@code p = sigmoid(slope * logit + intercept)}, written into the
 * two-class softmax output layer. With pre-activations {@code z = W x + b} the logit is
 * {@code z_pos - z_neg}; multiplying {@code W} and {@code b} by the slope and adding the intercept
 * to the positive unit's bias makes it {@code slope * logit + intercept} exactly, so every scorer of
 * the saved network (Spark, streaming, the scorer without Spark) gives calibrated probabilities with
 * no code of its own. A positive slope keeps every ranking, so ROC AUC and PR AUC do not change.
 *
 * <p>Why: focal loss down-weights the rows the network already gets right, which pulls its
 * probabilities towards the middle (a tuned focal network on the credit data had an expected
 * calibration error of 0.13 on test, cross-entropy 0.03); probabilities that users threshold,
 * average or feed to costs have to mean what they say.
 *
 * <pre>{@code
 * PlattScaling.Fit fit = PlattScaling.fit(validationScores);  // slope 1.9, intercept -0.4
 * PlattScaling.apply(network, fit);
 * }</pre>
 */
final class PlattScaling {
  private static final int POSITIVE_UNIT = 1;

  private PlattScaling() {}

  /**
   * The steepest map applied: a slope beyond it means validation rows the network separates (or
   * nearly), where the fit runs off towards 0/1 probabilities that new rows would pay for in log
   * loss.
   */
  static final double MAX_SLOPE = 20;

  /**
   * The fitted map from the network's logit to the calibrated one.
   *
   * @param slope     multiplies the logit; positive for a network that ranks at all
   * @param intercept added to it
   * @param converged whether Newton's method met its tolerance within its iterations
   */
  record Fit(double slope, double intercept, boolean converged) {
    Fit(double slope, double intercept) {
      this(slope, intercept, true);
    }

    /**
     * Whether the map is safe to write into the network: converged, finite, with a positive slope
     * (0 would erase the ranking, below 0 reverse it) of at most {@link #MAX_SLOPE}.
     */
    boolean usable() {
      return converged && slope > 0 && slope <= MAX_SLOPE && Double.isFinite(intercept);
    }

    /** {@code probability} calibrated: what the network gives after {@link #apply}. */
    double calibrated(double probability) {
      return EnsembleSpec.sigmoid(slope * EnsembleSpec.logit(probability) + intercept);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "p = sigmoid(%.4f logit + %.4f)%s", slope, intercept,
          converged ? "" : ", not converged");
    }
  }

  /**
   * The logistic regression of {@code scores}' labels on the logits of their probabilities, with
   * Platt's smoothed targets: {@code (positives + 1) / (positives + 2)} for a positive row and
   * {@code 1 / (negatives + 2)} for a negative one instead of 1 and 0. Why: on a small validation
   * split the network may separate the classes, and against hard labels the slope then grows
   * without bound; the smoothed targets are the posterior of a uniform prior, so the fit stays
   * finite and barely moves on large splits.
   */
  static Fit fit(ScoredLabels scores) {
    double[][] logits = new double[scores.count()][1];
    double[] targets = new double[scores.count()];
    double positiveTarget = (scores.positives() + 1.0) / (scores.positives() + 2.0);
    double negativeTarget = 1.0 / (scores.count() - scores.positives() + 2.0);
    for (int row = 0; row < targets.length; row++) {
      logits[row][0] = EnsembleSpec.logit(scores.probability(row));
      targets[row] = scores.label(row) == 1 ? positiveTarget : negativeTarget;
    }
    MetaLearner.Fit fit = MetaLearner.fit(logits, targets);
    return new Fit(fit.weights().get(0), fit.intercept(), fit.converged());
  }

  /**
   * Writes {@code fit} into the network's softmax output layer (see the class comment).
   *
   * @throws IllegalArgumentException for a fit that is not {@link Fit#usable}
   */
  static void apply(MultiLayerNetwork network, Fit fit) {
    if (!fit.usable()) {
      throw new IllegalArgumentException("Platt scaling needs a converged fit with a slope in "
          + "(0, " + MAX_SLOPE + "], got " + fit);
    }
    Layer output = network.getOutputLayer();
    // Views into the network's flattened parameters: the change is what the saved model holds.
    output.getParam(DefaultParamInitializer.WEIGHT_KEY).muli(fit.slope());
    output.getParam(DefaultParamInitializer.BIAS_KEY).muli(fit.slope());
    shiftPositiveLogit(network, fit.intercept());
  }

  /**
   * Adds {@code shift} to the logit of every row the network scores: to the positive unit's bias of
   * its two-class softmax output layer ({@link PriorCorrection} shifts by its offset alone).
   */
  static void shiftPositiveLogit(MultiLayerNetwork network, double shift) {
    INDArray bias = network.getOutputLayer().getParam(DefaultParamInitializer.BIAS_KEY);
    bias.putScalar(POSITIVE_UNIT, bias.getDouble(POSITIVE_UNIT) + shift);
  }
}
