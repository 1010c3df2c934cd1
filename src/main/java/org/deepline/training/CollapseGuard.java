package org.deepline.training;

import java.util.Locale;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.metrics.ScoredLabels;

/**
 * Refuses a network that has collapsed: one that gives (nearly) every row the same probability, or
 * whose mean predicted probability on validation is far from the positive rate it was trained to
 * reproduce. A cross-entropy fit is calibrated in the large (its mean prediction matches the class
 * balance it saw, reweighted by the class weights), so a large gap means training went wrong, e.g. on
 * data that reached the workers sorted by class, and the model must not be registered as a success.
 *
 * <pre>{@code
 * CollapseGuard.check(validationScores, classWeights, bestEpoch);
 * }</pre>
 */
public final class CollapseGuard {
  /**
   * Largest accepted ratio between the odds of the mean prediction and the odds of the expected rate
   * (either way round). At a 38 % positive rate it accepts mean predictions from 13 % to 71 %: far
   * wider than an honest model's miss, far narrower than a collapse (the one this guard was written
   * for predicted 0.01 %).
   */
  public static final double MAX_ODDS_RATIO = 4.0;
  /** Predictions spread less than this (standard deviation) are one constant answer. */
  public static final double MIN_SPREAD = 1e-4;

  private CollapseGuard() {}

  /** The share of positives the loss makes the network predict on average, given class weights. */
  public static double expectedMeanProbability(double positiveRate, double[] classWeights) {
    if (classWeights == null) {
      return positiveRate;
    }
    double positive = classWeights[1] * positiveRate;
    return positive / (positive + classWeights[0] * (1 - positiveRate));
  }

  /**
   * The class weights the guard should expect once the training split was resampled: resampling
   * moves the class balance the network sees, as class weights of {@code after / before} per class
   * would, on top of the configured weights (null: none). Null when nothing moved.
   *
   * <pre>{@code
   * CollapseGuard.withResampling(null, 900, 100, 900, 900);   // {1, 9}: the prior odds times 9
   * }</pre>
   */
  public static double[] withResampling(double[] classWeights, long negativesBefore,
      long positivesBefore, long negativesAfter, long positivesAfter) {
    if (negativesBefore == negativesAfter && positivesBefore == positivesAfter) {
      return classWeights;
    }
    double negative = (double) negativesAfter / negativesBefore;
    double positive = (double) positivesAfter / positivesBefore;
    double[] weights = classWeights == null ? new double[] {1, 1} : classWeights;
    // Only the ratio of the two weights moves the expected mean.
    return new double[] {weights[0], weights[1] * positive / negative};
  }

  public static void check(ScoredLabels validation, double[] classWeights, int epoch) {
    check(validation, classWeights, "the network", "at epoch " + epoch,
        "; check the features and lower training.learning_rate");
  }

  /**
   * The same guard on any model's validation scores, e.g. a baseline about to be promoted.
   *
   * @param model what collapsed, e.g. {@code the network}
   * @param when  where it was seen, e.g. {@code at epoch 3}
   * @param hint  what to do about it, appended to the first message
   */
  public static void check(ScoredLabels validation, double[] classWeights, String model,
      String when, String hint) {
    double spread = validation.probabilityStandardDeviation();
    double mean = validation.meanProbability();
    if (!(spread >= MIN_SPREAD)) {
      throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT,
          "train: %s collapsed: %s it gives every validation row the probability %.4f (spread "
          + "%.2g)%s", model, when, mean, spread, hint));
    }
    double expected = expectedMeanProbability(validation.positiveRate(), classWeights);
    double ratio = odds(mean) / odds(expected);
    if (!(ratio <= MAX_ODDS_RATIO && ratio >= 1 / MAX_ODDS_RATIO)) {
      throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT,
          "train: %s collapsed towards one class: %s its mean validation probability is %.4f "
          + "where %.4f is expected (validation positive rate %.4f%s); the model is not "
          + "registered", model, when, mean, expected, validation.positiveRate(),
          classWeights == null ? "" : ", reweighted by the class weights and any resampling"));
    }
  }

  private static double odds(double p) {
    return p / (1 - p);
  }
}
