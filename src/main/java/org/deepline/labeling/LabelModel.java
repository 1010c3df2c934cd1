package org.deepline.labeling;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The label model: Dawid and Skene's latent-class model (1979), fitted by expectation-maximisation
 * without any ground truth, for labelling functions that each vote one class or abstain.
 *
 * <p>The true label {@code y} of a row is hidden; the class prior {@code P(y = 1)} and, per
 * function {@code j}, its confusion {@code P(j votes | y = 1)} and {@code P(j votes | y = 0)} (a
 * function that votes one class has two outcomes, vote or abstain, so this pair is its whole
 * class-conditional confusion matrix) are learned by maximising the likelihood of the observed
 * votes, the functions assumed independent given {@code y}. An abstention is an outcome like a
 * vote: a function that fires on most positives and abstains on a row is evidence for the negative
 * class. The fitted model gives each combination of votes the posterior {@code P(y = 1 | votes)};
 * the function's estimated accuracy is {@code P(y = its class | it voted)}, what Snorkel calls a
 * labelling function's accuracy.
 *
 * <p>Scale: the rows are never on the driver. {@code label} counts the distinct vote combinations
 * in one Spark {@code groupBy} (at most {@code 2^functions}, and never more than the rows), EM runs
 * here over those counts, and the posterior of each combination is joined back to its rows. A pass
 * of EM costs {@code patterns x functions}, whatever the table's size.
 *
 * <p>Deterministic, with nothing random to seed: EM starts from majority vote (a combination whose
 * votes have a majority starts as that class, a tie or no vote at 1/2), which also breaks the
 * model's symmetry (swapping the classes and every confusion explains the votes equally well), so
 * the fitted classes keep the meaning the functions' votes give them. The patterns are processed
 * sorted by their mask, so the sums do not depend on the order Spark returned them in. Every count
 * gets a pseudo-count of {@value #PSEUDO_COUNT} per outcome (Laplace smoothing, a maximum
 * a-posteriori fit), so no estimate reaches 0 or 1 and a function that never votes does not give
 * infinite evidence. EM stops when no parameter moves by more than {@value #TOLERANCE} in an
 * iteration, or after {@value #MAX_ITERATIONS} iterations.
 *
 * <pre>{@code
 * LabelModel model = LabelModel.fit(new int[] {1, 0, 1}, patterns);
 * double pPositive = model.posterior(0b101); // functions 0 and 2 voted, 1 abstained
 * }</pre>
 */
public final class LabelModel {
  /** EM has converged when no parameter moves by more than this in an iteration. */
  public static final double TOLERANCE = 1e-7;
  /** EM stops here even if it has not converged; {@link #converged()} then says so. */
  public static final int MAX_ITERATIONS = 1000;
  /** Laplace smoothing: added to the count of each outcome of every estimate. */
  public static final double PSEUDO_COUNT = 1.0;
  /** A posterior within this of 1/2 decides nothing (the model's tie, e.g. no evidence at all). */
  public static final double UNDECIDED_MARGIN = 1e-9;
  private static final double HALF = 0.5;

  private final int[] voteClass;
  private final double positivePrior;
  private final double[] votedGivenPositive;
  private final double[] votedGivenNegative;
  private final int iterations;
  private final boolean converged;
  private final double logLikelihood;

  private LabelModel(int[] voteClass, double positivePrior, double[] votedGivenPositive,
      double[] votedGivenNegative, int iterations, boolean converged, double logLikelihood) {
    this.voteClass = voteClass;
    this.positivePrior = positivePrior;
    this.votedGivenPositive = votedGivenPositive;
    this.votedGivenNegative = votedGivenNegative;
    this.iterations = iterations;
    this.converged = converged;
    this.logLikelihood = logLikelihood;
  }

  /**
   * Fits the model to the counted vote combinations.
   *
   * @param voteClass the class (1 or 0) each function votes, in config order
   * @param patterns  the distinct combinations with their row counts (gold counts are not read)
   */
  public static LabelModel fit(int[] voteClass, List<VotePattern> patterns) {
    return fit(voteClass, patterns, null);
  }

  /**
   * {@link #fit(int[], List)} with the class prior held at {@code knownPrior} when it is not null
   * (a positive rate known from a census or a small labelled sample), learned otherwise.
   */
  public static LabelModel fit(int[] voteClass, List<VotePattern> patterns, Double knownPrior) {
    for (int c : voteClass) {
      if (c != 0 && c != 1) {
        throw new IllegalArgumentException("a function votes class 0 or 1, got " + c);
      }
    }
    int functions = voteClass.length;
    VotePattern[] sorted = patterns.stream()
        .sorted(Comparator.comparingLong(VotePattern::votedMask)).toArray(VotePattern[]::new);
    double[] positiveShare = new double[sorted.length];
    for (int p = 0; p < sorted.length; p++) {
      Integer majority = MajorityVote.label(sorted[p].votedMask(), voteClass);
      positiveShare[p] = majority == null ? HALF : majority;
    }
    double prior = knownPrior == null ? HALF : knownPrior;
    double[] givenPositive = new double[functions];
    double[] givenNegative = new double[functions];
    Arrays.fill(givenPositive, HALF);
    Arrays.fill(givenNegative, HALF);
    int iteration = 0;
    boolean done = false;
    while (!done && iteration < MAX_ITERATIONS) {
      iteration++;
      // M-step: the parameters that best explain the current soft labels.
      double positiveWeight = 0;
      double negativeWeight = 0;
      double[] votedPositiveWeight = new double[functions];
      double[] votedNegativeWeight = new double[functions];
      for (int p = 0; p < sorted.length; p++) {
        double rows = sorted[p].rows();
        double positive = rows * positiveShare[p];
        double negative = rows - positive;
        positiveWeight += positive;
        negativeWeight += negative;
        for (int j = 0; j < functions; j++) {
          if (sorted[p].voted(j)) {
            votedPositiveWeight[j] += positive;
            votedNegativeWeight[j] += negative;
          }
        }
      }
      double change = 0;
      double nextPrior = knownPrior != null ? knownPrior
          : smoothed(positiveWeight, positiveWeight + negativeWeight);
      change = Math.max(change, Math.abs(nextPrior - prior));
      prior = nextPrior;
      for (int j = 0; j < functions; j++) {
        double nextPositive = smoothed(votedPositiveWeight[j], positiveWeight);
        double nextNegative = smoothed(votedNegativeWeight[j], negativeWeight);
        change = Math.max(change, Math.max(Math.abs(nextPositive - givenPositive[j]),
            Math.abs(nextNegative - givenNegative[j])));
        givenPositive[j] = nextPositive;
        givenNegative[j] = nextNegative;
      }
      // E-step: each combination's posterior under those parameters.
      for (int p = 0; p < sorted.length; p++) {
        positiveShare[p] = posterior(sorted[p].votedMask(), prior, givenPositive, givenNegative);
      }
      done = change <= TOLERANCE;
    }
    double logLikelihood = 0;
    for (VotePattern pattern : sorted) {
      logLikelihood += pattern.rows()
          * logEvidence(pattern.votedMask(), prior, givenPositive, givenNegative);
    }
    return new LabelModel(voteClass.clone(), prior, givenPositive, givenNegative, iteration, done,
        logLikelihood);
  }

  /** {@code (count + PSEUDO_COUNT) / (total + 2 PSEUDO_COUNT)}: a share that is never 0 or 1. */
  private static double smoothed(double count, double total) {
    return (count + PSEUDO_COUNT) / (total + 2 * PSEUDO_COUNT);
  }

  /** {@code log P(votes | y = 1) - log P(votes | y = 0)}. */
  private static double logLikelihoodRatio(long votedMask, double[] givenPositive,
      double[] givenNegative) {
    double ratio = 0;
    for (int j = 0; j < givenPositive.length; j++) {
      ratio += (votedMask >>> j & 1L) == 1L
          ? Math.log(givenPositive[j]) - Math.log(givenNegative[j])
          : Math.log1p(-givenPositive[j]) - Math.log1p(-givenNegative[j]);
    }
    return ratio;
  }

  private static double posterior(long votedMask, double prior, double[] givenPositive,
      double[] givenNegative) {
    double logOdds = Math.log(prior) - Math.log1p(-prior)
        + logLikelihoodRatio(votedMask, givenPositive, givenNegative);
    return 1 / (1 + Math.exp(-logOdds));
  }

  /** {@code log P(votes)}, summed over both classes without underflow. */
  private static double logEvidence(long votedMask, double prior, double[] givenPositive,
      double[] givenNegative) {
    double positive = Math.log(prior);
    double negative = Math.log1p(-prior);
    for (int j = 0; j < givenPositive.length; j++) {
      boolean voted = (votedMask >>> j & 1L) == 1L;
      positive += voted ? Math.log(givenPositive[j]) : Math.log1p(-givenPositive[j]);
      negative += voted ? Math.log(givenNegative[j]) : Math.log1p(-givenNegative[j]);
    }
    double top = Math.max(positive, negative);
    return top + Math.log(Math.exp(positive - top) + Math.exp(negative - top));
  }

  /** {@code P(y = 1 | votes)} for the combination in which the functions of the mask voted. */
  public double posterior(long votedMask) {
    return posterior(votedMask, positivePrior, votedGivenPositive, votedGivenNegative);
  }

  /** 1 or 0 by the posterior; null when it is 1/2 (the model has no evidence either way). */
  public Integer label(long votedMask) {
    return decide(posterior(votedMask));
  }

  /** The label a posterior gives: null within {@link #UNDECIDED_MARGIN} of 1/2. */
  public static Integer decide(double posterior) {
    if (Math.abs(posterior - HALF) <= UNDECIDED_MARGIN) {
      return null;
    }
    return posterior > HALF ? 1 : 0;
  }

  /** The learned class prior {@code P(y = 1)}. */
  public double positivePrior() {
    return positivePrior;
  }

  /** The learned {@code P(function votes | y = 1)}. */
  public double votedGivenPositive(int function) {
    return votedGivenPositive[function];
  }

  /** The learned {@code P(function votes | y = 0)}. */
  public double votedGivenNegative(int function) {
    return votedGivenNegative[function];
  }

  /**
   * The function's estimated accuracy: {@code P(y = its class | it voted)} under the model, to
   * compare with its accuracy against gold (the share of its votes that are right).
   */
  public double estimatedAccuracy(int function) {
    double positive = positivePrior * votedGivenPositive[function];
    double negative = (1 - positivePrior) * votedGivenNegative[function];
    return (voteClass[function] == 1 ? positive : negative) / (positive + negative);
  }

  /** EM iterations run. */
  public int iterations() {
    return iterations;
  }

  /** Whether EM stopped because the parameters settled, not because it ran out of iterations. */
  public boolean converged() {
    return converged;
  }

  /** The fitted model's log-likelihood of the votes, summed over the rows. */
  public double logLikelihood() {
    return logLikelihood;
  }

  public int functions() {
    return voteClass.length;
  }
}
