package org.deepline.metrics;

import java.util.List;

/**
 * How a decision threshold is chosen from validation scores: a pure function of a
 * {@link ScoredLabels}, run by training on the best epoch's validation scores.
 *
 * <p>Why: a probability of 0.5 labels nothing positive when positives are rare (on three public sets
 * with 5 %, 6 % and 38 % positives it gave F1 0), while a threshold chosen on held-out data for the
 * decision the user actually makes does not. The candidates are the distinct validation scores (a row
 * is positive when its probability is at or above the threshold; tied scores always fall on the same
 * side) plus one above every score, predicting nothing positive. When candidates are equally good the
 * highest threshold wins: it flags fewer rows for the same quality.
 *
 * <pre>{@code
 * DecisionThreshold t = ThresholdRule.cost(1.0, 5.0).choose(validationScores);
 * }</pre>
 *
 * @param name              one of {@link #NAMES}
 * @param falsePositiveCost {@value #COST} only: the cost of one false positive
 * @param falseNegativeCost {@value #COST} only: the cost of one false negative
 * @param target            the target precision or recall of the target rules, in (0, 1]
 */
public record ThresholdRule(String name, double falsePositiveCost, double falseNegativeCost,
    double target) {
  /** The threshold with the highest F1. */
  public static final String MAX_F1 = "max_f1";
  /** The threshold with the lowest total cost of false positives and false negatives. */
  public static final String COST = "cost";
  /** The lowest threshold (most recall) whose precision reaches the target. */
  public static final String TARGET_PRECISION = "target_precision";
  /** The highest threshold (most precision) whose recall reaches the target. */
  public static final String TARGET_RECALL = "target_recall";
  public static final List<String> NAMES = List.of(MAX_F1, COST, TARGET_PRECISION, TARGET_RECALL);

  public ThresholdRule {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("threshold rule must be one of " + NAMES + ", got " + name);
    }
  }

  public static ThresholdRule maxF1() {
    return new ThresholdRule(MAX_F1, 0, 0, 0);
  }

  public static ThresholdRule cost(double falsePositiveCost, double falseNegativeCost) {
    return new ThresholdRule(COST, falsePositiveCost, falseNegativeCost, 0);
  }

  public static ThresholdRule targetPrecision(double precision) {
    return new ThresholdRule(TARGET_PRECISION, 0, 0, precision);
  }

  public static ThresholdRule targetRecall(double recall) {
    return new ThresholdRule(TARGET_RECALL, 0, 0, recall);
  }

  /**
   * The threshold this rule picks on {@code scores}.
   *
   * @throws IllegalArgumentException when {@code scores} has no positive row (no rule means anything)
   */
  public DecisionThreshold choose(ScoredLabels scores) {
    if (scores.positives() == 0) {
      throw new IllegalArgumentException("cannot choose a threshold on " + scores.count()
          + " scores without a positive row");
    }
    int[] ascending = scores.ascendingOrder();
    long positives = scores.positives();
    // The candidate above every score first, then each distinct score from the highest down.
    Candidate best = new Candidate(aboveAll(scores, ascending), 0, 0, positives);
    int i = ascending.length - 1;
    long truePositives = 0;
    long falsePositives = 0;
    while (i >= 0) {
      float score = scores.probability(ascending[i]);
      while (i >= 0 && scores.probability(ascending[i]) == score) {
        if (scores.label(ascending[i]) == 1) {
          truePositives++;
        } else {
          falsePositives++;
        }
        i--;
      }
      best = better(best, new Candidate(score, truePositives, falsePositives, positives));
    }
    return best.toThreshold(this);
  }

  private static double aboveAll(ScoredLabels scores, int[] ascending) {
    return ascending.length == 0 ? DecisionThreshold.DEFAULT_VALUE
        : Math.nextUp(scores.probability(ascending[ascending.length - 1]));
  }

  /** The better of the best so far (a higher threshold) and {@code next}; ties keep the best so far. */
  private Candidate better(Candidate best, Candidate next) {
    return switch (name) {
      case MAX_F1 -> next.f1() > best.f1() ? next : best;
      case COST -> next.cost(this) < best.cost(this) ? next : best;
      case TARGET_PRECISION -> {
        boolean nextMeets = next.predicted() > 0 && next.precision() >= target;
        boolean bestMeets = best.predicted() > 0 && best.precision() >= target;
        if (nextMeets != bestMeets) {
          yield nextMeets ? next : best;
        }
        if (nextMeets) {
          yield next.recall() > best.recall() ? next : best;
        }
        // Neither reaches the target: the most precise, then the one with more recall.
        yield next.precision() > best.precision()
            || next.precision() == best.precision() && next.recall() > best.recall() ? next : best;
      }
      default -> best.recall() >= target ? best : next;
    };
  }

  /** Counts when every row scored at or above {@code threshold} is predicted positive. */
  private record Candidate(double threshold, long truePositives, long falsePositives,
      long positives) {
    long predicted() {
      return truePositives + falsePositives;
    }

    long falseNegatives() {
      return positives - truePositives;
    }

    /** 0 when nothing is predicted positive. */
    double precision() {
      return predicted() == 0 ? 0 : truePositives / (double) predicted();
    }

    double recall() {
      return truePositives / (double) positives;
    }

    double f1() {
      return 2.0 * truePositives / (2.0 * truePositives + falsePositives + falseNegatives());
    }

    double cost(ThresholdRule rule) {
      return falsePositives * rule.falsePositiveCost() + falseNegatives() * rule.falseNegativeCost();
    }

    DecisionThreshold toThreshold(ThresholdRule rule) {
      Boolean targetMet = switch (rule.name()) {
        case TARGET_PRECISION -> predicted() > 0 && precision() >= rule.target();
        case TARGET_RECALL -> recall() >= rule.target();
        default -> null;
      };
      return new DecisionThreshold(threshold, rule.name(), precision(), recall(), f1(), targetMet);
    }
  }
}
