package org.deepline.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Gives a network trained on a reweighted class prior its real prior back. Resampling and class
 * weights make the network learn as if positives were {@code w} times as frequent as they are; its
 * posterior odds are then the real odds times {@code w} (Elkan, "The Foundations of Cost-Sensitive
 * Learning", 2001, theorem 2; Saerens et al., 2002). Dividing the odds by {@code w} is adding
 * {@code -ln w} to the logit, and with a two-class softmax the logit is the positive unit's
 * pre-activation minus the negative one's: so the correction is one change to the output layer's
 * positive bias, and every scorer of the saved network (Spark, streaming, the scorer without Spark)
 * gets calibrated probabilities with no code of its own. ROC AUC and every ranking are unchanged;
 * the decision threshold is chosen after the correction.
 *
 * <pre>{@code
 * // 900 negatives and 100 positives undersampled to 100 and 100: positives weighed 9 times over
 * double offset = PriorCorrection.logitOffset(CollapseGuard.withResampling(null, 900, 100, 100, 100));
 * // offset = -ln 9 = -2.197; a probability of 0.5 becomes 0.1, the real positive rate
 * PriorCorrection.apply(network, offset);
 * }</pre>
 */
public final class PriorCorrection {
  private PriorCorrection() {}

  /**
   * The logit offset that undoes {@code effectiveWeights} (negative weight, positive weight relative
   * to the real training prior, as {@link CollapseGuard#withResampling} gives them); 0 for null.
   */
  public static double logitOffset(double[] effectiveWeights) {
    if (effectiveWeights == null) {
      return 0;
    }
    return Math.log(effectiveWeights[0] / effectiveWeights[1]);
  }

  /**
   * Adds {@code offset} to the positive unit's bias of the network's softmax output layer: the
   * logit map {@link PlattScaling} writes, with a slope of 1.
   */
  public static void apply(MultiLayerNetwork network, double offset) {
    if (offset == 0) {
      return;
    }
    PlattScaling.shiftPositiveLogit(network, offset);
  }

  /** {@code probability} with {@code offset} added to its logit: what {@link #apply} does to it. */
  public static double corrected(double probability, double offset) {
    double odds = probability / (1 - probability) * Math.exp(offset);
    return odds / (1 + odds);
  }
}
