package org.deepline.leakage;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The concordance of a score with a number (Harrell's C): over the pairs of rows whose numbers
 * differ, the share the score orders as the numbers are, a pair the score ties counting half. It is
 * the ROC AUC generalised to a number: for a 0/1 label the pairs of different numbers are the
 * positive-negative pairs, and C is their AUC. 0.5 is no signal, 1.0 a
 * score that orders every pair, 0.0 one that orders every pair the other way. Rank-based like the
 * AUC, so any monotone function of the number (its logarithm, its rank) is as concordant as the
 * number.
 *
 * <pre>{@code
 * double c = Concordance.of(new double[] {1, 2, 3}, new double[] {10, 30, 20}); // 2 of 3: 0.667
 * }</pre>
 *
 * <p>Counted in {@code O(n log n)}: rows in order of their number, each compared through a Fenwick
 * tree of the scores of the rows of smaller numbers before it.
 */
public final class Concordance {
  private Concordance() {}

  /**
   * @param scores a score per row, finite
   * @param labels the number of the same row, finite
   * @return C in [0, 1]; NaN when no two rows have different numbers (nothing to order)
   */
  public static double of(double[] scores, double[] labels) {
    int n = scores.length;
    int[] byLabel = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingDouble(i -> labels[i])).mapToInt(Integer::intValue).toArray();
    double[] levels = Arrays.stream(scores).sorted().distinct().toArray();
    long[] tree = new long[levels.length + 1];
    long concordant = 0;
    long tied = 0;
    long discordant = 0;
    long before = 0;
    int from = 0;
    while (from < n) {
      int to = from;
      while (to < n && labels[byLabel[to]] == labels[byLabel[from]]) {
        to++;
      }
      // Rows of one number are compared with the rows of smaller numbers only: a pair of equal
      // numbers has no order to get right.
      for (int k = from; k < to; k++) {
        int level = Arrays.binarySearch(levels, scores[byLabel[k]]) + 1;
        long below = prefix(tree, level - 1);
        long atOrBelow = prefix(tree, level);
        concordant += below;
        tied += atOrBelow - below;
        discordant += before - atOrBelow;
      }
      for (int k = from; k < to; k++) {
        add(tree, Arrays.binarySearch(levels, scores[byLabel[k]]) + 1);
      }
      before += to - from;
      from = to;
    }
    long pairs = concordant + tied + discordant;
    return pairs == 0 ? Double.NaN : (concordant + tied / 2.0) / pairs;
  }

  /** Rows inserted at levels 1 to {@code level} (1-based). */
  private static long prefix(long[] tree, int level) {
    long sum = 0;
    for (int i = level; i > 0; i -= i & -i) {
      sum += tree[i];
    }
    return sum;
  }

  private static void add(long[] tree, int level) {
    for (int i = level; i < tree.length; i += i & -i) {
      tree[i]++;
    }
  }
}
