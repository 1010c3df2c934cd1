package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random-projection forest (Annoy-style RP trees) over SMOTE's neighbour space, built on the
 * driver from a sample of minority rows and broadcast: every tree cuts the space in two, again and
 * again, until each leaf holds at most {@code leafRows} sample rows; rows in the same leaf of some
 * tree are candidate neighbours ({@link ForestNeighbours}).
 *
 * <p><b>A split.</b> Two sample rows {@code p} and {@code q} of the node, drawn at random, give the
 * direction {@code p - q} in the scaled space (as in Annoy: a random direction that follows the
 * data). On 100,000 flights minority rows, 8 trees with leaves of about 64 rows found 0.72 of the
 * exact 5 nearest neighbours with it, 0.57 with Gaussian directions (which are dense, so routing
 * took 4 times the CPU) and 0.66 with two-means refined pairs. The node's sample rows are projected on it and cut at their median: a row whose
 * projection is below the threshold goes left, the others right. When many rows share the median
 * projection the threshold moves to the next larger value; when every row projects alike (identical
 * rows) another pair is drawn, and after {@value #SPLIT_ATTEMPTS} failed pairs the node stays a leaf,
 * however many rows it holds (the search caps the rows one leaf compares, see
 * {@link ForestNeighbours.LeafBlocks}).
 *
 * <p>Directions are kept sparse, as {@code scale^2 * (p - q)} over the raw slots (the projection of
 * a raw row on it is the scaled row's on {@code p - q}), so routing a row takes its non-zero slots
 * only, and a tree of flights' 8,700 leaves keeps about 16 values per node. Routing is deterministic: the same row reaches the same leaf of a tree on any
 * executor, and a sample row reaches the leaf it was put in while building.
 *
 * <pre>{@code
 * RpForest forest = RpForest.build(sample, scale, 8, 6, seed);
 * int leaf = forest.leaf(tree, row);
 * }</pre>
 */
public final class RpForest implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Pairs drawn before a node whose rows cannot be told apart stays a leaf. */
  public static final int SPLIT_ATTEMPTS = 8;
  private final Tree[] trees;

  /**
   * One tree: node {@code i} sends a row left when {@code row . direction[i] < threshold[i]}. A child
   * {@code c >= 0} is a node, {@code c < 0} is leaf {@code -c - 1}; {@code root} likewise.
   */
  record Tree(int root, SparseRow[] direction, double[] threshold, int[] left, int[] right,
      int leaves) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private RpForest(Tree[] trees) {
    this.trees = trees;
  }

  /**
   * Builds {@code trees} trees over {@code sample} (whose order, with the seed, fixes the trees)
   * until every leaf holds at most {@code leafRows} sample rows, or cannot be split.
   */
  public static RpForest build(List<SparseRow> sample, double[] scale, int trees, int leafRows,
      long seed) {
    if (leafRows < 1) {
      throw new IllegalArgumentException("leafRows must be >= 1, got " + leafRows);
    }
    SparseRow[] rows = sample.toArray(SparseRow[]::new);
    double[] squaredScale = new double[scale.length];
    for (int i = 0; i < scale.length; i++) {
      squaredScale[i] = scale[i] * scale[i];
    }
    SplittableRandom random = new SplittableRandom(seed);
    Tree[] built = new Tree[trees];
    for (int t = 0; t < trees; t++) {
      built[t] = buildTree(rows, squaredScale, leafRows, random.split());
    }
    return new RpForest(built);
  }

  public int trees() {
    return trees.length;
  }

  /** Leaves of tree {@code tree}. */
  public int leaves(int tree) {
    return trees[tree].leaves();
  }

  /** The leaf of tree {@code tree} that {@code row} falls in. */
  public int leaf(int tree, SparseRow row) {
    Tree t = trees[tree];
    int code = t.root();
    while (code >= 0) {
      code = row.dot(t.direction()[code]) < t.threshold()[code] ? t.left()[code] : t.right()[code];
    }
    return -code - 1;
  }

  /** Inner nodes of tree {@code tree}. */
  int nodes(int tree) {
    return trees[tree].threshold().length;
  }

  /** Work left while building: the rows of a node, and where its code goes. */
  private record Pending(int[] members, int parent, boolean leftSide) {}

  /** A split of a node's rows, or null. */
  private record Split(SparseRow direction, double threshold, int[] left, int[] right) {}

  private static Tree buildTree(SparseRow[] rows, double[] squaredScale, int leafRows,
      SplittableRandom random) {
    List<SparseRow> directions = new ArrayList<>();
    List<Double> thresholds = new ArrayList<>();
    List<Integer> lefts = new ArrayList<>();
    List<Integer> rights = new ArrayList<>();
    int leaves = 0;
    int root = 0;
    int[] all = new int[rows.length];
    Arrays.setAll(all, i -> i);
    // Depth first, left before right, with an explicit stack: leaves are numbered left to right,
    // and a long run of lopsided splits (many tied projections) cannot overflow the call stack.
    Deque<Pending> stack = new ArrayDeque<>();
    stack.push(new Pending(all, -1, false));
    while (!stack.isEmpty()) {
      Pending node = stack.pop();
      Split split = node.members().length <= leafRows ? null
          : split(rows, node.members(), squaredScale, random);
      int code;
      if (split == null) {
        code = -(leaves++) - 1;
      } else {
        code = directions.size();
        directions.add(split.direction());
        thresholds.add(split.threshold());
        lefts.add(0);
        rights.add(0);
        stack.push(new Pending(split.right(), code, false));
        stack.push(new Pending(split.left(), code, true));
      }
      if (node.parent() < 0) {
        root = code;
      } else if (node.leftSide()) {
        lefts.set(node.parent(), code);
      } else {
        rights.set(node.parent(), code);
      }
    }
    return new Tree(root, directions.toArray(SparseRow[]::new),
        thresholds.stream().mapToDouble(Double::doubleValue).toArray(),
        lefts.stream().mapToInt(Integer::intValue).toArray(),
        rights.stream().mapToInt(Integer::intValue).toArray(), leaves);
  }

  private static Split split(SparseRow[] rows, int[] members, double[] squaredScale,
      SplittableRandom random) {
    for (int attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
      SparseRow p = rows[members[random.nextInt(members.length)]];
      SparseRow q = rows[members[random.nextInt(members.length)]];
      SparseRow direction = direction(p, q, squaredScale);
      if (direction.size() == 0) {
        continue;
      }
      double[] projection = new double[members.length];
      for (int i = 0; i < members.length; i++) {
        projection[i] = rows[members[i]].dot(direction);
      }
      double[] sorted = projection.clone();
      Arrays.sort(sorted);
      int middle = sorted.length / 2;
      double threshold = sorted[middle];
      if (sorted[0] == threshold) {
        // Nothing below the median: cut above it instead, if any row projects higher.
        int above = middle;
        while (above < sorted.length && sorted[above] == threshold) {
          above++;
        }
        if (above == sorted.length) {
          continue;
        }
        threshold = sorted[above];
      }
      int leftCount = 0;
      for (double x : projection) {
        leftCount += x < threshold ? 1 : 0;
      }
      int[] left = new int[leftCount];
      int[] right = new int[members.length - leftCount];
      int l = 0;
      int r = 0;
      for (int i = 0; i < members.length; i++) {
        if (projection[i] < threshold) {
          left[l++] = members[i];
        } else {
          right[r++] = members[i];
        }
      }
      return new Split(direction, threshold, left, right);
    }
    return null;
  }

  /** {@code scale^2 * (p - q)} over the slots where it is not zero. */
  static SparseRow direction(SparseRow p, SparseRow q, double[] squaredScale) {
    int[] index = new int[p.size() + q.size()];
    double[] value = new double[index.length];
    int size = 0;
    int i = 0;
    int j = 0;
    while (i < p.size() || j < q.size()) {
      int slot;
      double d;
      if (j == q.size() || (i < p.size() && p.index()[i] < q.index()[j])) {
        slot = p.index()[i];
        d = p.value()[i++];
      } else if (i == p.size() || q.index()[j] < p.index()[i]) {
        slot = q.index()[j];
        d = -q.value()[j++];
      } else {
        slot = p.index()[i];
        d = p.value()[i++] - q.value()[j++];
      }
      double w = d * squaredScale[slot];
      if (w != 0) {
        index[size] = slot;
        value[size++] = w;
      }
    }
    return new SparseRow(Arrays.copyOf(index, size), Arrays.copyOf(value, size));
  }
}
