package org.deepline.labeling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run record's metrics of {@code label}, computed on the driver from the counted vote
 * combinations (no further pass over the rows).
 *
 * <p>Per function {@code f}, with Snorkel's definitions ({@code LFAnalysis}), each a share of all
 * rows: {@code coverage:f} (rows it voted on), {@code overlap:f} (rows it and at least one other
 * function voted on), {@code conflict:f} (rows where another function voted the other class). Then
 * {@code accuracy:f} (the share of its votes on gold rows that equal the gold label), {@code
 * estimated_accuracy:f} (the label model's {@code P(y = its class | it voted)}) and the learned
 * confusion {@code vote_rate_positive:f} = {@code P(f votes | y = 1)}, {@code
 * vote_rate_negative:f}.
 *
 * <p>Overall: {@code rows}, {@code coverage} (rows with at least one vote), {@code overlap}, {@code
 * conflict}; the label model's {@code label_model_class_prior}, {@code _iterations}, {@code
 * _converged}, {@code _log_likelihood}; and against gold, on the covered gold rows (both combiners
 * judged on the same rows): {@code majority_vote_accuracy} and {@code label_model_accuracy}, where
 * a tie (majority) or a posterior of exactly 1/2 counts as half right, the expected accuracy of
 * breaking it with a fair coin. {@code majority_vote_accuracy_decided} and {@code
 * label_model_accuracy_where_majority_decided} compare them on the rows where majority vote decides
 * (no tie).
 */
public final class LabelingMetrics {
  private static final double HALF = 0.5;

  private LabelingMetrics() {}

  public static Map<String, Double> of(List<LabelingFunction> functions, LabelModel model,
      List<VotePattern> patterns) {
    int[] classes = WeakLabels.voteClasses(functions);
    Map<String, Double> metrics = new LinkedHashMap<>();
    double rows = patterns.stream().mapToLong(VotePattern::rows).sum();
    long covered = 0;
    long overlapping = 0;
    long conflicting = 0;
    for (VotePattern pattern : patterns) {
      if (pattern.covered()) {
        covered += pattern.rows();
      }
      if (Long.bitCount(pattern.votedMask()) > 1) {
        overlapping += pattern.rows();
      }
      if (MajorityVote.positiveVotes(pattern.votedMask(), classes) > 0
          && MajorityVote.negativeVotes(pattern.votedMask(), classes) > 0) {
        conflicting += pattern.rows();
      }
    }
    metrics.put("rows", rows);
    metrics.put("coverage", share(covered, rows));
    metrics.put("overlap", share(overlapping, rows));
    metrics.put("conflict", share(conflicting, rows));
    for (int j = 0; j < functions.size(); j++) {
      functionMetrics(metrics, functions.get(j).name(), j, classes, model, patterns, rows);
    }
    metrics.put("label_model_class_prior", model.positivePrior());
    metrics.put("label_model_iterations", (double) model.iterations());
    metrics.put("label_model_converged", model.converged() ? 1.0 : 0.0);
    metrics.put("label_model_log_likelihood", model.logLikelihood());
    goldMetrics(metrics, classes, model, patterns);
    return metrics;
  }

  private static void functionMetrics(Map<String, Double> metrics, String name, int j,
      int[] classes, LabelModel model, List<VotePattern> patterns, double rows) {
    long voted = 0;
    long overlap = 0;
    long conflict = 0;
    long goldVoted = 0;
    long goldRight = 0;
    for (VotePattern pattern : patterns) {
      if (!pattern.voted(j)) {
        continue;
      }
      long mask = pattern.votedMask();
      voted += pattern.rows();
      if (Long.bitCount(mask) > 1) {
        overlap += pattern.rows();
      }
      int opposing = classes[j] == 1 ? MajorityVote.negativeVotes(mask, classes)
          : MajorityVote.positiveVotes(mask, classes);
      if (opposing > 0) {
        conflict += pattern.rows();
      }
      goldVoted += pattern.goldRows();
      goldRight += classes[j] == 1 ? pattern.goldPositives() : pattern.goldNegatives();
    }
    metrics.put("coverage:" + name, share(voted, rows));
    metrics.put("overlap:" + name, share(overlap, rows));
    metrics.put("conflict:" + name, share(conflict, rows));
    if (goldVoted > 0) {
      metrics.put("accuracy:" + name, (double) goldRight / goldVoted);
    }
    metrics.put("estimated_accuracy:" + name, model.estimatedAccuracy(j));
    metrics.put("vote_rate_positive:" + name, model.votedGivenPositive(j));
    metrics.put("vote_rate_negative:" + name, model.votedGivenNegative(j));
  }

  private static void goldMetrics(Map<String, Double> metrics, int[] classes, LabelModel model,
      List<VotePattern> patterns) {
    long goldCovered = 0;
    double majorityRight = 0;
    double modelRight = 0;
    long decidedRows = 0;
    double majorityRightDecided = 0;
    double modelRightDecided = 0;
    long goldPositives = 0;
    long goldRows = 0;
    for (VotePattern pattern : patterns) {
      goldRows += pattern.goldRows();
      goldPositives += pattern.goldPositives();
      if (!pattern.covered() || pattern.goldRows() == 0) {
        continue;
      }
      goldCovered += pattern.goldRows();
      Integer majority = MajorityVote.label(pattern.votedMask(), classes);
      double majorityCorrect = correct(majority, pattern);
      double modelCorrect = correct(model.label(pattern.votedMask()), pattern);
      majorityRight += majorityCorrect;
      modelRight += modelCorrect;
      if (majority != null) {
        decidedRows += pattern.goldRows();
        majorityRightDecided += majorityCorrect;
        modelRightDecided += modelCorrect;
      }
    }
    if (goldRows == 0) {
      return;
    }
    metrics.put("gold_rows", (double) goldRows);
    metrics.put("gold_positive_rate", (double) goldPositives / goldRows);
    metrics.put("gold_rows_covered", (double) goldCovered);
    if (goldCovered > 0) {
      metrics.put("majority_vote_accuracy", majorityRight / goldCovered);
      metrics.put("label_model_accuracy", modelRight / goldCovered);
    }
    if (decidedRows > 0) {
      metrics.put("gold_rows_majority_decided", (double) decidedRows);
      metrics.put("majority_vote_accuracy_decided", majorityRightDecided / decidedRows);
      metrics.put("label_model_accuracy_where_majority_decided", modelRightDecided / decidedRows);
    }
  }

  /** Gold rows of the pattern a label gets right; half of them for no label (a fair coin). */
  static double correct(Integer label, VotePattern pattern) {
    if (label == null) {
      return HALF * pattern.goldRows();
    }
    return label == 1 ? pattern.goldPositives() : pattern.goldNegatives();
  }

  private static double share(long count, double rows) {
    return rows == 0 ? 0 : count / rows;
  }
}
