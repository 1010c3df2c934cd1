package org.deepline.metrics;

import java.util.Arrays;

/**
 * Predicted probabilities and 0/1 labels held in driver memory, with the metrics training needs after
 * every epoch. For the few hundred thousand validation rows of a training run this is faster than a
 * Spark job and exact: the ROC AUC is the Mann-Whitney statistic over the unrounded scores, ties
 * counting one half.
 *
 * <pre>{@code
 * ScoredLabels scores = new ScoredLabels(new float[] {0.9f, 0.2f}, new byte[] {1, 0});
 * double auc = scores.rocAuc(); // 1.0
 * }</pre>
 */
public final class ScoredLabels {
  private static final double TIE_CREDIT = 0.5;

  private final float[] probabilities;
  private final byte[] labels;
  private final long positives;
  /** Row indexes by ascending probability. */
  private int[] ascending;

  public ScoredLabels(float[] probabilities, byte[] labels) {
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException(probabilities.length + " probabilities but "
          + labels.length + " labels");
    }
    this.probabilities = probabilities;
    this.labels = labels;
    long count = 0;
    for (byte label : labels) {
      count += label;
    }
    this.positives = count;
  }

  public int count() {
    return labels.length;
  }

  public long positives() {
    return positives;
  }

  public double positiveRate() {
    return labels.length == 0 ? Double.NaN : positives / (double) labels.length;
  }

  public double meanProbability() {
    double sum = 0;
    for (float p : probabilities) {
      sum += p;
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  public double probabilityStandardDeviation() {
    double mean = meanProbability();
    double squares = 0;
    for (float p : probabilities) {
      squares += (p - mean) * (p - mean);
    }
    return labels.length == 0 ? Double.NaN : Math.sqrt(squares / labels.length);
  }

  /** Mean cross-entropy with probabilities clipped to [epsilon, 1 - epsilon]. */
  public double logLoss() {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - BinaryMetrics.LOG_LOSS_EPSILON,
          Math.max(BinaryMetrics.LOG_LOSS_EPSILON, probabilities[i]));
      sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  /** Exact ROC AUC; NaN when one class is absent. */
  public double rocAuc() {
    long negatives = labels.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    int[] order = ascending();
    double correctlyOrdered = 0;
    long negativesBelow = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      long tiedPositives = 0;
      long tiedNegatives = 0;
      while (j < order.length && probabilities[order[j]] == probabilities[order[i]]) {
        if (labels[order[j]] == 1) {
          tiedPositives++;
        } else {
          tiedNegatives++;
        }
        j++;
      }
      correctlyOrdered += tiedPositives * (negativesBelow + TIE_CREDIT * tiedNegatives);
      negativesBelow += tiedNegatives;
      i = j;
    }
    return correctlyOrdered / ((double) positives * negatives);
  }

  /**
   * Area under the precision-recall curve as average precision: the precision at each distinct
   * threshold weighted by the recall it adds (tied scores enter together). NaN without positives.
   */
  public double prAuc() {
    if (positives == 0) {
      return Double.NaN;
    }
    int[] order = ascending();
    double area = 0;
    long truePositives = 0;
    long predicted = 0;
    int i = order.length - 1;
    while (i >= 0) {
      int j = i;
      long tiedPositives = 0;
      while (j >= 0 && probabilities[order[j]] == probabilities[order[i]]) {
        tiedPositives += labels[order[j]];
        predicted++;
        j--;
      }
      truePositives += tiedPositives;
      area += (tiedPositives / (double) positives) * (truePositives / (double) predicted);
      i = j;
    }
    return area;
  }

  /** Row {@code row}'s probability (the threshold search, Platt scaling). */
  public float probability(int row) {
    return probabilities[row];
  }

  /** Row {@code row}'s label, 0 or 1. */
  public int label(int row) {
    return labels[row];
  }

  /** Row indexes by ascending probability (computed once, shared: do not modify). */
  int[] ascendingOrder() {
    return ascending();
  }

  private int[] ascending() {
    if (ascending == null) {
      ascending = sortedIndexes(probabilities);
    }
    return ascending;
  }

  /** Indexes sorted by value through a primitive sort of (value bits, index) pairs packed in longs. */
  private static int[] sortedIndexes(float[] values) {
    long[] keys = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      // Probabilities are non-negative, so their IEEE bits order like the values.
      keys[i] = ((long) Float.floatToIntBits(Math.max(0f, values[i])) << Integer.SIZE) | i;
    }
    Arrays.sort(keys);
    int[] order = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }
}
