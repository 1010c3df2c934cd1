package org.deepline.leakage;

import java.util.Map;

/**
 * Mutual information between a binned feature and a label of two or more classes from their
 * contingency counts, normalised by the label's entropy: 0 when the feature says nothing about the
 * label, 1 when it determines it. The plug-in estimate is biased upwards by about
 * {@code (bins - 1) (classes - 1) / 2n} nats when the two are independent (every cell's noise
 * counts as information); the Miller-Madow correction subtracts that, so a feature with many thin
 * bins does not look informative for being thin.
 *
 * <pre>{@code
 * double nmi = MutualInformation.normalized(Map.of(0, new long[] {90, 10}, 1, new long[] {10, 90}));
 * double ofThree = MutualInformation.normalized(Map.of(0, new long[] {20, 10, 0},
 *     1, new long[] {0, 10, 20}));
 * }</pre>
 */
public final class MutualInformation {
  private MutualInformation() {}

  /**
   * @param counts per bin, the rows of each class: index {@code c} of a bin's cell holds its rows
   *     with label {@code c} (a 0/1 label's cells are {negatives, positives}); every cell as long
   *     as the label has classes
   * @return the corrected mutual information over the label's entropy, in [0, 1]; NaN when the
   *     rows hold one class only (there is nothing to predict)
   */
  public static double normalized(Map<?, long[]> counts) {
    int classes = counts.values().stream().mapToInt(cell -> cell.length).max().orElse(0);
    double n = 0;
    double[] classRows = new double[classes];
    int bins = 0;
    for (long[] cell : counts.values()) {
      long rows = rowsOf(cell);
      n += rows;
      for (int c = 0; c < cell.length; c++) {
        classRows[c] += cell[c];
      }
      bins += rows > 0 ? 1 : 0;
    }
    int presentClasses = 0;
    for (double rows : classRows) {
      presentClasses += rows > 0 ? 1 : 0;
    }
    if (n == 0 || presentClasses < 2) {
      return Double.NaN;
    }
    double labelEntropy = entropy(classRows, n);
    double conditional = 0;
    for (long[] cell : counts.values()) {
      double rows = rowsOf(cell);
      if (rows > 0) {
        double[] shares = new double[cell.length];
        for (int c = 0; c < cell.length; c++) {
          shares[c] = cell[c];
        }
        conditional += rows / n * entropy(shares, rows);
      }
    }
    // The classes the rows hold, as bins counts the feature's non-empty bins: a class validation
    // lacks adds no cell noise, and charging for it would hide a leak on a rare-class split. For a
    // 0/1 label with both classes this is 2, as it always was.
    double labelBins = presentClasses;
    double bias = (bins - 1) * (labelBins - 1) / (2 * n);
    double information = Math.max(0, labelEntropy - conditional - bias);
    return Math.min(1, information / labelEntropy);
  }

  private static long rowsOf(long[] cell) {
    long rows = 0;
    for (long classRows : cell) {
      rows += classRows;
    }
    return rows;
  }

  /** The entropy, in nats, of rows split by class as {@code classRows}, of {@code rows} in all. */
  private static double entropy(double[] classRows, double rows) {
    double entropy = 0;
    for (double classRow : classRows) {
      entropy -= plogp(classRow / rows);
    }
    return entropy;
  }

  private static double plogp(double p) {
    return p > 0 ? p * Math.log(p) : 0;
  }
}
