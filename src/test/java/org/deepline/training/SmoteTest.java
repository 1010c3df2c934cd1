package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SMOTE's and the augmentations' per-row arithmetic, as plain Java properties over random rows. */
class SmoteTest {
  /** Two continuous slots, a one-hot group of three, an indicator, a cyclical pair. */
  static final SlotLayout LAYOUT = new SlotLayout(8, new int[] {0, 1},
      List.of(new SlotLayout.Group(2, 5, true), new SlotLayout.Group(5, 6, true),
          new SlotLayout.Group(6, 8, false)));
  private static final double TOLERANCE = 1e-9;

  static double[] randomRow(Random random) {
    double[] row = new double[8];
    row[0] = random.nextGaussian() * 3;
    row[1] = random.nextGaussian();
    row[2 + random.nextInt(3)] = 1;
    row[5] = random.nextInt(2);
    double angle = random.nextInt(12) * Math.PI / 6;
    row[6] = Math.sin(angle);
    row[7] = Math.cos(angle);
    return row;
  }

  /** Each slot's population standard deviation over {@code rows}. */
  static double[] stddev(double[][] rows) {
    double[] out = new double[rows[0].length];
    for (int slot = 0; slot < out.length; slot++) {
      double sum = 0;
      double squares = 0;
      for (double[] row : rows) {
        sum += row[slot];
        squares += row[slot] * row[slot];
      }
      double mean = sum / rows.length;
      out[slot] = Math.sqrt(Math.max(0, squares / rows.length - mean * mean));
    }
    return out;
  }

  /**
   * Whether {@code point} is {@code a + g * (b - a)} on every continuous slot for one g in [0, 1],
   * and every discrete group of it is a's or b's.
   */
  static boolean onSegment(double[] point, double[] a, double[] b, SlotLayout layout) {
    Double gap = null;
    for (int slot : layout.continuous()) {
      double span = b[slot] - a[slot];
      if (Math.abs(span) < TOLERANCE) {
        if (Math.abs(point[slot] - a[slot]) > TOLERANCE) {
          return false;
        }
        continue;
      }
      double g = (point[slot] - a[slot]) / span;
      if (g < -TOLERANCE || g > 1 + TOLERANCE || (gap != null && Math.abs(g - gap) > 1e-6)) {
        return false;
      }
      gap = g;
    }
    for (SlotLayout.Group group : layout.groups()) {
      boolean fromA = true;
      boolean fromB = true;
      for (int slot = group.start(); slot < group.end(); slot++) {
        fromA &= point[slot] == a[slot];
        fromB &= point[slot] == b[slot];
      }
      if (!fromA && !fromB) {
        return false;
      }
    }
    return true;
  }

  @Test
  void theSegmentCheckRefusesPointsOffTheSegmentAndMixedGroups() {
    double[] a = {0, 0, 1, 0, 0, 0, 0, 1};
    double[] b = {2, 4, 0, 1, 0, 1, 1, 0};
    assertTrue(onSegment(new double[] {1, 2, 0, 1, 0, 0, 0, 1}, a, b, LAYOUT));
    // Broken fixtures: a different gap per slot, beyond b, a group that is neither parent's.
    assertFalse(onSegment(new double[] {1, 1, 0, 1, 0, 0, 0, 1}, a, b, LAYOUT));
    assertFalse(onSegment(new double[] {3, 6, 0, 1, 0, 0, 0, 1}, a, b, LAYOUT));
    assertFalse(onSegment(new double[] {1, 2, 0, 0, 1, 0, 0, 1}, a, b, LAYOUT));
    assertFalse(onSegment(new double[] {1, 2, 0, 1, 0, 0, 0.5, 0.5}, a, b, LAYOUT));
  }

  @Test
  void slotLayoutFindsOneHotGroupsValid() {
    assertTrue(LAYOUT.validGroups(new double[] {0.3, -1, 0, 0, 1, 1, 0.5, 0.8}));
    assertFalse(LAYOUT.validGroups(new double[] {0.3, -1, 0, 1, 1, 1, 0.5, 0.8}));
    assertFalse(LAYOUT.validGroups(new double[] {0.3, -1, 0, 0.5, 0.5, 1, 0.5, 0.8}));
    assertFalse(LAYOUT.validGroups(new double[] {0.3, -1, 0, 0, 1, 0.5, 0.5, 0.8}));
  }

  @Test
  void distanceScaleUnitsContinuousSlotsAndChargesOneForADifferingCategory() {
    double[] scale = Smote.distanceScale(LAYOUT, new double[] {2, 0, 9, 9, 9, 9, 0.5, 0.5});
    assertArrayEquals(new double[] {0.5, 0, 1 / Math.sqrt(2), 1 / Math.sqrt(2), 1 / Math.sqrt(2),
        1, 2, 2}, scale, 1e-12);
    double[] a = {0, 0, 1, 0, 0, 0, 0, 0};
    double[] b = {0, 0, 0, 1, 0, 0, 0, 0};
    assertEquals(1.0, Smote.squaredDistance(a, b, scale), 1e-12);
  }

  /** Property: the brute-force search returns the k nearest by (distance, id), itself excluded. */
  @Test
  void nearestAreTheKClosestRowsTiesByIdWithoutTheQuery() {
    Random random = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(30);
      int k = 1 + random.nextInt(7);
      double[][] rows = new double[n][];
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) {
        // Few distinct rows: many ties, which the id must break.
        rows[i] = randomRow(new Random(random.nextInt(4)));
        ids[i] = "r" + random.nextInt(1000) + "-" + i;
      }
      double[] scale = Smote.distanceScale(LAYOUT, new double[] {1, 1, 1, 1, 1, 1, 1, 1});
      int query = random.nextInt(n);
      List<Integer> sorted = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i != query) {
          sorted.add(i);
        }
      }
      sorted.sort(Comparator.<Integer>comparingDouble(
          i -> Smote.squaredDistance(rows[query], rows[i], scale)).thenComparing(i -> ids[i]));
      int[] expected = sorted.subList(0, Math.min(k, sorted.size())).stream()
          .mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, Smote.nearest(query, rows, ids, scale, k), "trial " + trial);
    }
  }

  /** Property: a synthetic row lies between its parents, with valid groups, and is reproducible. */
  @Test
  void syntheticRowsLieOnTheSegmentWithValidGroups() {
    Random random = new Random(8);
    for (int trial = 0; trial < 1000; trial++) {
      double[] parent = randomRow(random);
      double[] neighbour = randomRow(random);
      long hash = random.nextLong();
      double[] child = Smote.between(parent, neighbour, Smote.random(hash, 3), LAYOUT);
      assertTrue(onSegment(child, parent, neighbour, LAYOUT), "trial " + trial);
      assertTrue(LAYOUT.validGroups(child));
      assertArrayEquals(child, Smote.between(parent, neighbour, Smote.random(hash, 3), LAYOUT));
    }
  }

  @Test
  void noiseMovesContinuousSlotsOnlyByTheirScaledSpread() {
    double[] row = {1, 2, 0, 1, 0, 1, 0.5, Math.sqrt(0.75)};
    double[] stddev = {4, 0.5, 1, 1, 1, 1, 1, 1};
    SplittableRandom random = new SplittableRandom(3);
    int draws = 20_000;
    double[] sumSquares = new double[2];
    for (int i = 0; i < draws; i++) {
      double[] noisy = Augmenter.noisy(row, LAYOUT, stddev, 0.1, random);
      for (int slot = 2; slot < 8; slot++) {
        assertEquals(row[slot], noisy[slot]);
      }
      sumSquares[0] += Math.pow(noisy[0] - row[0], 2);
      sumSquares[1] += Math.pow(noisy[1] - row[1], 2);
    }
    // Standard deviations 0.1 * 4 and 0.1 * 0.5, within 3% (about 4 standard errors).
    assertEquals(0.4, Math.sqrt(sumSquares[0] / draws), 0.4 * 0.03);
    assertEquals(0.05, Math.sqrt(sumSquares[1] / draws), 0.05 * 0.03);
  }

  @Test
  void mixupIsAConvexCombinationWithGroupsFromOneParent() {
    Random random = new Random(13);
    double sum = 0;
    int draws = 4000;
    for (int i = 0; i < draws; i++) {
      double[] a = randomRow(random);
      double[] b = randomRow(random);
      double[] mixed = Augmenter.mixup(a, b, LAYOUT, 0.4, new SplittableRandom(i));
      assertTrue(onSegment(mixed, a, b, LAYOUT), "draw " + i);
      double lambda = Augmenter.beta(0.4, new SplittableRandom(i));
      assertTrue(lambda >= 0 && lambda <= 1);
      sum += lambda;
    }
    // Beta(alpha, alpha) has mean 1/2 and variance 1 / (4 (2 alpha + 1)) = 0.139 for alpha 0.4.
    assertEquals(0.5, sum / draws, 4 * Math.sqrt(0.139 / draws));
  }
}
