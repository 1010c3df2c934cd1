package org.deepline.training;

import java.util.SplittableRandom;

/**
 * The per-row arithmetic of SMOTE (Chawla et al., 2002) with SMOTE-NC's handling of discrete slots,
 * in plain Java: the Spark code in {@link Rebalancer} and the tests call the same functions.
 *
 * <p><b>Neighbour space.</b> Distances are Euclidean over {@link #distanceScale scaled} slots: each
 * continuous slot (and each slot of a cyclical pair) divided by its standard deviation over the
 * minority rows, so that every continuous input counts alike whatever its units; a one-hot group
 * multiplied by {@code 1/sqrt(2)} and an indicator by 1, so that a differing category adds 1 to the
 * squared distance, the median continuous variance in that space (SMOTE-NC's penalty). Ties are
 * broken by record id, so the neighbours do not depend on the order rows arrive in.
 *
 * <p><b>Synthetic point.</b> With {@code g} uniform in [0, 1): every continuous slot is
 * {@code parent + g * (neighbour - parent)}, a point on the segment between the two rows; every
 * discrete group (one-hot, indicator, cyclical pair) is copied whole from the parent or the
 * neighbour, by a fair coin per group, so it stays a valid one-hot vector (SMOTE-NC takes the
 * neighbours' majority category instead; a copy from one of the two parents keeps the new row a mix
 * of two real rows and needs no vote over k rows).
 *
 * <pre>{@code
 * SplittableRandom random = Smote.random(rowHash, copy);
 * int neighbour = Smote.pickNeighbour(random, neighbours.length);
 * double[] synthetic = Smote.between(parent, rows[neighbours[neighbour]], random, layout);
 * }</pre>
 */
public final class Smote {
  /** Mixes the copy number into the row's hash (the golden-ratio increment of SplitMix64). */
  private static final long COPY_SALT = 0x9e3779b97f4a7c15L;
  private static final double ONE_HOT_SCALE = 1 / Math.sqrt(2);

  private Smote() {}

  /** The seeded random source of synthetic copy {@code copy} of the row whose hash is {@code rowHash}. */
  public static SplittableRandom random(long rowHash, int copy) {
    return new SplittableRandom(SeededPermutation.mix(rowHash + COPY_SALT * (copy + 1L)));
  }

  /** The first draw of a copy's random source: which of {@code available} neighbours pairs with it. */
  public static int pickNeighbour(SplittableRandom random, int available) {
    return random.nextInt(available);
  }

  /**
   * A synthetic row between {@code parent} and {@code neighbour}: the draws after
   * {@link #pickNeighbour} are the gap, then one coin per discrete group.
   */
  public static double[] between(double[] parent, double[] neighbour, SplittableRandom random,
      SlotLayout layout) {
    double gap = random.nextDouble();
    double[] out = parent.clone();
    for (int slot : layout.continuous()) {
      out[slot] = parent[slot] + gap * (neighbour[slot] - parent[slot]);
    }
    for (SlotLayout.Group group : layout.groups()) {
      if (random.nextBoolean()) {
        System.arraycopy(neighbour, group.start(), out, group.start(), group.size());
      }
    }
    return out;
  }

  /**
   * The factor each slot is multiplied by in the neighbour space, from the slots' standard
   * deviations over the minority rows (a constant slot gets 0: it separates no two rows).
   */
  public static double[] distanceScale(SlotLayout layout, double[] stddev) {
    double[] scale = new double[layout.width()];
    for (int slot : layout.continuous()) {
      scale[slot] = stddev[slot] > 0 ? 1 / stddev[slot] : 0;
    }
    for (SlotLayout.Group group : layout.groups()) {
      for (int slot = group.start(); slot < group.end(); slot++) {
        if (group.index()) {
          // Index 3 is no nearer to 4 than to 300: an embedded category takes no part in distance.
          scale[slot] = 0;
        } else if (!group.oneHot()) {
          scale[slot] = stddev[slot] > 0 ? 1 / stddev[slot] : 0;
        } else {
          scale[slot] = group.size() == 1 ? 1 : ONE_HOT_SCALE;
        }
      }
    }
    return scale;
  }

  /** Squared distance of two rows in the neighbour space. */
  public static double squaredDistance(double[] a, double[] b, double[] scale) {
    double sum = 0;
    for (int slot = 0; slot < a.length; slot++) {
      double d = (a[slot] - b[slot]) * scale[slot];
      sum += d * d;
    }
    return sum;
  }

  /**
   * The indices of the {@code k} rows of {@code rows} nearest to row {@code query} (itself excluded),
   * nearest first, ties by id; fewer when there are fewer other rows. A brute-force scan: what
   * {@code exact_max_rows} bounds.
   */
  public static int[] nearest(int query, double[][] rows, String[] ids, double[] scale, int k) {
    int size = Math.min(k, rows.length - 1);
    int[] best = new int[Math.max(0, size)];
    double[] bestDistance = new double[best.length];
    int found = 0;
    for (int other = 0; other < rows.length && best.length > 0; other++) {
      if (other == query) {
        continue;
      }
      double distance = squaredDistance(rows[query], rows[other], scale);
      if (found == best.length && !closer(distance, ids[other], bestDistance[found - 1],
          ids[best[found - 1]])) {
        continue;
      }
      int at = found == best.length ? found - 1 : found++;
      while (at > 0 && closer(distance, ids[other], bestDistance[at - 1], ids[best[at - 1]])) {
        best[at] = best[at - 1];
        bestDistance[at] = bestDistance[at - 1];
        at--;
      }
      best[at] = other;
      bestDistance[at] = distance;
    }
    return best;
  }

  static boolean closer(double distance, String id, double otherDistance, String otherId) {
    return distance < otherDistance || (distance == otherDistance && id.compareTo(otherId) < 0);
  }
}
