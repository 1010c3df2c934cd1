package org.deepline.leakage;

import java.util.Map;

/**
 * Mutual information between a binned feature and a 0/1 label from their contingency counts,
 * normalised by the label's entropy: 0 when the feature says nothing about the label, 1 when it
 * determines it. The plug-in estimate is biased upwards by about {@code (bins - 1) / 2n} nats when
 * the two are independent (every cell's noise counts as information); the Miller-Madow correction
 * subtracts that, so a feature with many thin bins does not look informative for being thin.
 *
 * <pre>{@code
 * double nmi = MutualInformation.normalized(Map.of(0, new long[] {90, 10}, 1, new long[] {10, 90}));
 * }</pre>
 */
public final class MutualInformation {
  private MutualInformation() {}

  /**
   * @param counts per bin, the rows with label 0 and with label 1
   * @return the corrected mutual information over the label's entropy, in [0, 1]; NaN when the
   *     label has one class only (there is nothing to predict)
   */
  public static double normalized(Map<?, long[]> counts) {
    double n = 0;
    double negatives = 0;
    int bins = 0;
    for (long[] cell : counts.values()) {
      n += cell[0] + cell[1];
      negatives += cell[0];
      bins += cell[0] + cell[1] > 0 ? 1 : 0;
    }
    double positives = n - negatives;
    if (n == 0 || negatives == 0 || positives == 0) {
      return Double.NaN;
    }
    double labelEntropy = -plogp(negatives / n) - plogp(positives / n);
    double conditional = 0;
    for (long[] cell : counts.values()) {
      double rows = cell[0] + cell[1];
      if (rows > 0) {
        conditional += rows / n * (-plogp(cell[0] / rows) - plogp(cell[1] / rows));
      }
    }
    double labelBins = 2;
    double bias = (bins - 1) * (labelBins - 1) / (2 * n);
    double information = Math.max(0, labelEntropy - conditional - bias);
    return Math.min(1, information / labelEntropy);
  }

  private static double plogp(double p) {
    return p > 0 ? p * Math.log(p) : 0;
  }
}
