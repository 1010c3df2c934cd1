package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SMOTE's random-projection forest and the leaf search over it, in plain Java: leaves, routing,
 * bounded blocks, and the share of the exact neighbours it finds on seeded clustered data.
 */
class RpForestTest {
  /** One continuous slot. */
  private static final double[] UNIT = {1};

  private static SparseRow point(double x) {
    return SparseRow.of(new double[] {x});
  }

  @Test
  void sparseRowsGiveTheDenseDistanceBitForBit() {
    Random random = new Random(4);
    double[] scale = Smote.distanceScale(SmoteTest.LAYOUT, new double[] {2, 0.5, 1, 1, 1, 1, 1, 1});
    for (int trial = 0; trial < 500; trial++) {
      double[] a = SmoteTest.randomRow(random);
      double[] b = SmoteTest.randomRow(random);
      a[1] = trial % 3 == 0 ? 0 : a[1];
      assertEquals(Smote.squaredDistance(a, b, scale),
          SparseRow.squaredDistance(SparseRow.of(a), SparseRow.of(b), scale), 0.0);
      assertArrayEquals(a, SparseRow.of(a).dense(a.length));
    }
    SparseRow row = SparseRow.of(new double[] {0, 2.5, 0, 1});
    assertArrayEquals(new int[] {1, 3}, row.index());
    assertArrayEquals(new double[] {2.5, 1}, row.value());
    assertEquals(2.5 * 3 + 1 * 2, row.dot(SparseRow.of(new double[] {7, 3, 5, 2})));
  }

  /**
   * Eight points 0..7 on a line, leaves of at most 2 sample rows: whatever the direction's sign, every
   * tree cuts them at medians into {0, 1}, {2, 3}, {4, 5}, {6, 7}; every sample row is routed back to
   * its own leaf, and points beyond the ends to the end leaves.
   */
  @Test
  void medianSplitsMakeLeavesOfAtMostLeafRowsAndRoutingFindsThem() {
    List<SparseRow> sample = new ArrayList<>();
    for (int x = 0; x < 8; x++) {
      sample.add(point(x));
    }
    RpForest forest = RpForest.build(sample, UNIT, 5, 2, 11);
    assertEquals(5, forest.trees());
    for (int tree = 0; tree < forest.trees(); tree++) {
      assertEquals(4, forest.leaves(tree));
      assertEquals(3, forest.nodes(tree));
      Set<Set<Integer>> leaves = new HashSet<>();
      for (int leaf = 0; leaf < 4; leaf++) {
        Set<Integer> members = new HashSet<>();
        for (int x = 0; x < 8; x++) {
          if (forest.leaf(tree, point(x)) == leaf) {
            members.add(x);
          }
        }
        leaves.add(members);
      }
      assertEquals(Set.of(Set.of(0, 1), Set.of(2, 3), Set.of(4, 5), Set.of(6, 7)), leaves);
      assertEquals(forest.leaf(tree, point(0)), forest.leaf(tree, point(-50)));
      assertEquals(forest.leaf(tree, point(0)), forest.leaf(tree, point(0.5)));
      assertEquals(forest.leaf(tree, point(7)), forest.leaf(tree, point(6.6)));
      assertEquals(forest.leaf(tree, point(7)), forest.leaf(tree, point(1e9)));
    }
  }

  @Test
  void identicalRowsStayOneLeafHoweverSmallTheLeavesAndTheSameSeedBuildsTheSameForest() {
    List<SparseRow> same = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      same.add(SparseRow.of(new double[] {1, 0, 3}));
    }
    RpForest forest = RpForest.build(same, new double[] {1, 1, 1}, 3, 1, 5);
    for (int tree = 0; tree < 3; tree++) {
      assertEquals(1, forest.leaves(tree));
      assertEquals(0, forest.leaf(tree, same.get(0)));
    }
    // Ties at the median: 6 rows at 0 and 2 at 1 split into {0 x 6} and {1 x 2}, not into nothing.
    List<SparseRow> tied = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tied.add(point(i < 6 ? 0 : 1));
    }
    RpForest split = RpForest.build(tied, UNIT, 1, 4, 5);
    assertEquals(2, split.leaves(0));
    assertTrue(split.leaf(0, point(0)) != split.leaf(0, point(1)));

    List<SparseRow> sample = clustered(new Random(1), 300).rows();
    RpForest a = RpForest.build(sample, clusteredScale(sample), 4, 10, 99);
    RpForest b = RpForest.build(sample, clusteredScale(sample), 4, 10, 99);
    RpForest c = RpForest.build(sample, clusteredScale(sample), 4, 10, 100);
    int differ = 0;
    for (SparseRow row : sample) {
      for (int tree = 0; tree < 4; tree++) {
        assertEquals(a.leaf(tree, row), b.leaf(tree, row));
        differ += a.leaf(tree, row) != c.leaf(tree, row) ? 1 : 0;
      }
    }
    assertTrue(differ > 0, "another seed builds other trees");
  }

  /**
   * Groups sorted by key are cut into blocks of at most 3: a group of 2 is one block; a group of 7
   * is 3 (once 6 are buffered and a 7th comes), then the last 4 in halves; a group of 4 in halves.
   */
  @Test
  void leafBlocksBoundWhatOneLeafComparesAndCutInOrder() {
    List<List<String>> blocks = new ArrayList<>();
    ForestNeighbours.LeafBlocks<String> cutter = new ForestNeighbours.LeafBlocks<>(3);
    String[][] groups = {{"a1", "a2"}, {"b1", "b2", "b3", "b4", "b5", "b6", "b7"},
        {"c1", "c2", "c3", "c4"}};
    for (int g = 0; g < groups.length; g++) {
      for (String item : groups[g]) {
        cutter.add(ForestNeighbours.group(0, g), item, blocks::add);
      }
    }
    cutter.finish(blocks::add);
    assertEquals(List.of(List.of("a1", "a2"), List.of("b1", "b2", "b3"), List.of("b4", "b5"),
        List.of("b6", "b7"), List.of("c1", "c2"), List.of("c3", "c4")), blocks);
    assertTrue(ForestNeighbours.group(1, 0) != ForestNeighbours.group(0, 1));
  }

  /**
   * With one leaf holding every row (and no block cut) the forest search is the exact search, ties by
   * id included; 1,000 identical rows in leaves capped at 8 rows cost 7 comparisons per row and tree
   * and still find 5 neighbours at distance 0.
   */
  @Test
  void oneLeafIsTheExactSearchAndAHugeLeafOfIdenticalRowsStaysBounded() {
    Clustered data = clustered(new Random(2), 120);
    SparseRow[] rows = data.rows().toArray(SparseRow[]::new);
    double[] scale = clusteredScale(data.rows());
    RpForest oneLeaf = RpForest.build(data.rows(), scale, 2, rows.length, 3);
    ForestNeighbours.Result result = ForestNeighbours.search(rows, data.ids(), data.hashes(), scale,
        oneLeaf, 5, rows.length);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(ForestNeighbours.exact(i, rows, data.ids(), scale, 5).ids(),
          result.neighbours()[i].ids());
    }
    assertEquals(2L * 120 * 119, result.comparisons());

    SparseRow[] same = new SparseRow[1000];
    String[] ids = new String[same.length];
    long[] hashes = new long[same.length];
    Random random = new Random(6);
    for (int i = 0; i < same.length; i++) {
      same[i] = SparseRow.of(new double[] {2, 0, 1});
      ids[i] = "same-" + i;
      hashes[i] = random.nextLong();
    }
    double[] ones = {1, 1, 1};
    RpForest forest = RpForest.build(Arrays.asList(same).subList(0, 100), ones, 3, 4, 3);
    ForestNeighbours.Result capped = ForestNeighbours.search(same, ids, hashes, ones, forest, 5, 8);
    assertEquals(3L * 1000 * 7, capped.comparisons());
    for (ForestNeighbours.Nearest nearest : capped.neighbours()) {
      assertEquals(5, nearest.size());
      assertArrayEquals(new double[5], nearest.distances());
    }
  }

  /**
   * On 3,000 rows in 30 Gaussian clusters (10 continuous slots, two one-hot groups), a forest built
   * on a 1,000-row sample, 16 trees with leaves of about 64 rows (so 21 sample rows), finds at least
   * 90 % of the exact 5 nearest neighbours of 200 rows (measured: 0.978; 0.953 when the centres are
   * half as far apart, 1.0 four times as far), comparing each row with about 770 others (at most
   * 16 x 127); a broken forest whose leaves hold one row finds none, and the same
   * check rejects it.
   */
  @Test
  void theForestFindsMostExactNeighboursOfClusteredDataAndTheCheckRejectsABrokenOne() {
    Clustered data = clustered(new Random(7), 3000);
    SparseRow[] rows = data.rows().toArray(SparseRow[]::new);
    double[] scale = clusteredScale(data.rows());
    List<SparseRow> sample = data.rows().subList(0, 1000);
    RpForest forest = RpForest.build(sample, scale, 16, 64 * 1000 / 3000, 13);
    ForestNeighbours.Result result = ForestNeighbours.search(rows, data.ids(), data.hashes(), scale,
        forest, 5, 128);
    double recall = recall(rows, data.ids(), scale, result);
    assertTrue(recall >= 0.9, "recall " + recall);
    double perRow = result.comparisons() / (double) rows.length;
    assertTrue(perRow > 16 * 20 && perRow < 16 * 127, "comparisons per row " + perRow);

    RpForest broken = RpForest.build(sample, scale, 16, 1, 13);
    ForestNeighbours.Result none = ForestNeighbours.search(rows, data.ids(), data.hashes(), scale,
        broken, 5, 1);
    assertEquals(0L, none.comparisons());
    double brokenRecall = recall(rows, data.ids(), scale, none);
    assertEquals(0.0, brokenRecall);
    assertTrue(brokenRecall < 0.9, "the check rejects a forest of one-row leaves");
  }

  /** The mean recall of 200 evenly spaced rows against the brute-force search. */
  private static double recall(SparseRow[] rows, String[] ids, double[] scale,
      ForestNeighbours.Result result) {
    double sum = 0;
    for (int q = 0; q < 200; q++) {
      int query = q * rows.length / 200;
      sum += ForestNeighbours.recall(ForestNeighbours.exact(query, rows, ids, scale, 5),
          result.neighbours()[query]);
    }
    return sum / 200;
  }

  /** Rows of the clustered generator, with ids and hashes. */
  record Clustered(List<SparseRow> rows, String[] ids, long[] hashes) {}

  /**
   * Seeded clustered rows: 30 cluster centres in 10 continuous dimensions, standard Gaussian, and
   * rows around theirs with the same spread (the clusters overlap: most of a row's near neighbours
   * are in its own cluster, not all), and two one-hot groups of 4 whose value follows the cluster with
   * probability 0.8.
   */
  static Clustered clustered(Random random, int n) {
    double[][] centres = new double[30][10];
    int[][] categories = new int[30][2];
    for (int c = 0; c < centres.length; c++) {
      for (int j = 0; j < 10; j++) {
        centres[c][j] = random.nextGaussian();
      }
      categories[c][0] = random.nextInt(4);
      categories[c][1] = random.nextInt(4);
    }
    List<SparseRow> rows = new ArrayList<>();
    String[] ids = new String[n];
    long[] hashes = new long[n];
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(centres.length);
      double[] x = new double[18];
      for (int j = 0; j < 10; j++) {
        x[j] = centres[c][j] + random.nextGaussian();
      }
      x[10 + (random.nextDouble() < 0.8 ? categories[c][0] : random.nextInt(4))] = 1;
      x[14 + (random.nextDouble() < 0.8 ? categories[c][1] : random.nextInt(4))] = 1;
      rows.add(SparseRow.of(x));
      ids[i] = "row-" + i;
      hashes[i] = random.nextLong();
    }
    return new Clustered(rows, ids, hashes);
  }

  /** The neighbour space of the clustered rows: continuous slots over their spread, one-hot 1/sqrt 2. */
  static double[] clusteredScale(List<SparseRow> rows) {
    int[] continuous = new int[10];
    Arrays.setAll(continuous, i -> i);
    SlotLayout layout = new SlotLayout(18, continuous, List.of(new SlotLayout.Group(10, 14, true),
        new SlotLayout.Group(14, 18, true)));
    double[][] dense = rows.stream().map(r -> r.dense(18)).toArray(double[][]::new);
    return Smote.distanceScale(layout, SmoteTest.stddev(dense));
  }
}
