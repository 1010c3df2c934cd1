package org.deepline.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Regression trees grown on the driver by the algorithm MLlib's trees use, for the ladder's
 * {@code one_rule}, {@code gbt} and {@code random_forest} on small data: each feature's values
 * binned at no more than {@value #MAX_BINS} candidate thresholds (midpoints between neighbouring
 * distinct values, as MLlib takes them), a node split where the weighted variance of the target
 * falls most, leaves predicting the weighted mean. For a 0/1 target the variance reduction orders
 * splits as the Gini gain does, so one learner serves the classification forest too.
 *
 * <p>Why: on a few thousand rows MLlib's boosting is about 120 small Spark jobs (8 s on churn),
 * each mostly scheduling; here the same trees take a fraction of a second.
 *
 * <pre>{@code
 * TreeLearner learner = new TreeLearner(rows);
 * BoostedTrees gbt = learner.boost(20, 4, 0.1);
 * double p = gbt.probability(rows.features()[0]);
 * }</pre>
 */
public final class TreeLearner {
  /** MLlib's default {@code maxBins}. */
  public static final int MAX_BINS = 32;
  /** MLlib's default {@code stepSize} for boosting. */
  public static final double BOOSTING_STEP = 0.1;
  /**
   * A split must remove more than this share of its node's sum of squares: what is below is
   * rounding, where MLlib's exact arithmetic sees a pure node.
   */
  private static final double MIN_RELATIVE_GAIN = 1e-12;
  /** MLlib's log loss gradient for labels in {-1, 1}: 4 y / (1 + exp(2 y F)). */
  private static final double LOG_LOSS_GRADIENT = 4.0;
  private static final double LOG_LOSS_SCALE = 2.0;

  private final LocalRows rows;
  private final int width;
  /** Per feature, the ascending candidate thresholds. */
  private final double[][] thresholds;
  /** Per feature, each row's bin: the index of the first threshold at or above its value. */
  private final byte[][] bins;

  public TreeLearner(LocalRows rows) {
    this.rows = rows;
    this.width = rows.width();
    this.thresholds = new double[width][];
    this.bins = new byte[width][rows.size()];
    double[] column = new double[rows.size()];
    for (int j = 0; j < width; j++) {
      for (int r = 0; r < column.length; r++) {
        column[r] = rows.features()[r][j];
      }
      thresholds[j] = candidateThresholds(column.clone());
      for (int r = 0; r < column.length; r++) {
        bins[j][r] = (byte) bin(thresholds[j], column[r]);
      }
    }
  }

  /**
   * At most {@value #MAX_BINS} - 1 thresholds for one feature's values: every midpoint between
   * neighbouring distinct values when there are few, else midpoints at about equal counts of rows.
   */
  static double[] candidateThresholds(double[] values) {
    Arrays.sort(values);
    List<Double> distinct = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    for (double value : values) {
      if (distinct.isEmpty() || distinct.get(distinct.size() - 1) != value) {
        distinct.add(value);
        counts.add(1);
      } else {
        counts.set(counts.size() - 1, counts.get(counts.size() - 1) + 1);
      }
    }
    List<Double> chosen = new ArrayList<>();
    if (distinct.size() <= MAX_BINS) {
      for (int i = 1; i < distinct.size(); i++) {
        chosen.add((distinct.get(i - 1) + distinct.get(i)) / 2);
      }
    } else {
      double stride = values.length / (double) MAX_BINS;
      double target = stride;
      long seen = 0;
      for (int i = 0; i < distinct.size() - 1 && chosen.size() < MAX_BINS - 1; i++) {
        seen += counts.get(i);
        if (seen >= target) {
          chosen.add((distinct.get(i) + distinct.get(i + 1)) / 2);
          while (target <= seen) {
            target += stride;
          }
        }
      }
    }
    return chosen.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The bin of {@code value}: it goes left of threshold {@code b} when its bin is at most b. */
  private static int bin(double[] thresholds, double value) {
    int low = 0;
    int high = thresholds.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (value <= thresholds[middle]) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  /** The best single split of a single input on the 0/1 label: each side its positive rate. */
  public BoostedTrees.Tree stump() {
    return grow(labels01(), null, 1, width, null, new double[rows.size()]);
  }

  /**
   * MLlib's gradient boosting with its log loss: the first tree fits the labels as -1/1 with
   * weight 1, each next one the loss's negative gradient with weight {@code step}.
   */
  public BoostedTrees boost(int iterations, int depth, double step) {
    int n = rows.size();
    double[] signs = new double[n];
    for (int r = 0; r < n; r++) {
      signs[r] = rows.labels()[r] == 1 ? 1 : -1;
    }
    double[] leafValues = new double[n];
    List<BoostedTrees.Tree> trees = new ArrayList<>();
    BoostedTrees.Tree first = grow(signs, null, depth, width, null, leafValues);
    trees.add(new BoostedTrees.Tree(1.0, first.nodes()));
    double[] margins = leafValues.clone();
    double[] residuals = new double[n];
    for (int m = 1; m < iterations; m++) {
      for (int r = 0; r < n; r++) {
        residuals[r] = LOG_LOSS_GRADIENT * signs[r]
            / (1 + Math.exp(LOG_LOSS_SCALE * signs[r] * margins[r]));
      }
      BoostedTrees.Tree tree = grow(residuals, null, depth, width, null, leafValues);
      trees.add(new BoostedTrees.Tree(step, tree.nodes()));
      for (int r = 0; r < n; r++) {
        margins[r] += step * leafValues[r];
      }
    }
    return new BoostedTrees(trees);
  }

  /**
   * MLlib's random forest for a 0/1 label: each tree on a Poisson(1) bootstrap of the rows,
   * choosing each split among ceil(sqrt(width)) features drawn afresh; a tree's leaf predicts its
   * rows' weighted positive rate, and the forest the mean over trees.
   */
  public List<BoostedTrees.Tree> forest(int trees, int depth, long seed) {
    int n = rows.size();
    double[] labels = labels01();
    int perSplit = (int) Math.ceil(Math.sqrt(width));
    List<BoostedTrees.Tree> forest = new ArrayList<>();
    for (int t = 0; t < trees; t++) {
      SplittableRandom random = new SplittableRandom(seed + t);
      double[] weights = new double[n];
      double drawn = 0;
      for (int r = 0; r < n; r++) {
        weights[r] = poisson(random);
        drawn += weights[r];
      }
      // A bootstrap that drew no row (likely only on a handful of rows) has nothing to predict:
      // MLlib's forest leaves such a tree out of its vote too.
      if (drawn > 0) {
        forest.add(grow(labels, weights, depth, perSplit, random, new double[n]));
      }
    }
    if (forest.isEmpty()) {
      forest.add(grow(labels, null, depth, perSplit, new SplittableRandom(seed), new double[n]));
    }
    return forest;
  }

  /** The mean of the trees' predictions for one row. */
  public static double forestProbability(List<BoostedTrees.Tree> forest, double[] features) {
    double sum = 0;
    for (BoostedTrees.Tree tree : forest) {
      sum += tree.predict(features);
    }
    return sum / forest.size();
  }

  private double[] labels01() {
    double[] labels = new double[rows.size()];
    for (int r = 0; r < labels.length; r++) {
      labels[r] = rows.labels()[r];
    }
    return labels;
  }

  /** A Poisson(1) draw by Knuth's multiplication method (the mean is small). */
  private static int poisson(SplittableRandom random) {
    double limit = Math.exp(-1);
    double product = random.nextDouble();
    int draws = 0;
    while (product > limit) {
      product *= random.nextDouble();
      draws++;
    }
    return draws;
  }

  /**
   * One tree on {@code targets} (row weights {@code weights}, null for all 1; a row of weight 0 is
   * left out), each split among {@code featuresPerSplit} features drawn from {@code random} (all of
   * them when it is the width). {@code leafValues} receives each in-tree row's leaf value.
   */
  private BoostedTrees.Tree grow(double[] targets, double[] weights, int depth,
      int featuresPerSplit, SplittableRandom random, double[] leafValues) {
    int[] members = new int[rows.size()];
    int count = 0;
    for (int r = 0; r < members.length; r++) {
      if (weights == null || weights[r] > 0) {
        members[count++] = r;
      }
    }
    List<BoostedTrees.TreeNode> nodes = new ArrayList<>();
    new Growth(targets, weights, depth, featuresPerSplit, random, leafValues, nodes)
        .node(members, 0, count, 0);
    return new BoostedTrees.Tree(1.0, nodes);
  }

  /** The state of growing one tree. */
  private final class Growth {
    private final double[] targets;
    private final double[] weights;
    private final int maxDepth;
    private final int featuresPerSplit;
    private final SplittableRandom random;
    private final double[] leafValues;
    private final List<BoostedTrees.TreeNode> nodes;
    private final double[] binWeight = new double[MAX_BINS];
    private final double[] binSum = new double[MAX_BINS];
    private final int[] featureOrder;

    Growth(double[] targets, double[] weights, int maxDepth, int featuresPerSplit,
        SplittableRandom random, double[] leafValues, List<BoostedTrees.TreeNode> nodes) {
      this.targets = targets;
      this.weights = weights;
      this.maxDepth = maxDepth;
      this.featuresPerSplit = Math.min(featuresPerSplit, width);
      this.random = random;
      this.leafValues = leafValues;
      this.nodes = nodes;
      this.featureOrder = new int[width];
      for (int j = 0; j < width; j++) {
        featureOrder[j] = j;
      }
    }

    private double weight(int row) {
      return weights == null ? 1 : weights[row];
    }

    /** Grows the node of rows {@code members[from, to)}; returns its index in pre-order. */
    int node(int[] members, int from, int to, int depth) {
      double total = 0;
      double sum = 0;
      double squares = 0;
      for (int i = from; i < to; i++) {
        int r = members[i];
        double w = weight(r);
        total += w;
        sum += w * targets[r];
        squares += w * targets[r] * targets[r];
      }
      double mean = sum / total;
      double spread = squares - sum * sum / total;
      int index = nodes.size();
      int bestFeature = -1;
      int bestBin = -1;
      double bestGain = MIN_RELATIVE_GAIN * spread;
      if (depth < maxDepth && to - from > 1 && spread > 0) {
        if (featuresPerSplit < width) {
          // A partial Fisher-Yates shuffle: the first featuresPerSplit are a uniform draw.
          for (int j = 0; j < featuresPerSplit; j++) {
            int pick = j + random.nextInt(width - j);
            int swap = featureOrder[j];
            featureOrder[j] = featureOrder[pick];
            featureOrder[pick] = swap;
          }
        }
        double parent = sum * sum / total;
        for (int f = 0; f < featuresPerSplit; f++) {
          int feature = featureOrder[f];
          int binCount = thresholds[feature].length + 1;
          if (binCount < 2) {
            continue;
          }
          Arrays.fill(binWeight, 0, binCount, 0);
          Arrays.fill(binSum, 0, binCount, 0);
          byte[] featureBins = bins[feature];
          for (int i = from; i < to; i++) {
            int r = members[i];
            double w = weight(r);
            binWeight[featureBins[r]] += w;
            binSum[featureBins[r]] += w * targets[r];
          }
          double leftWeight = 0;
          double leftSum = 0;
          for (int b = 0; b < binCount - 1; b++) {
            leftWeight += binWeight[b];
            leftSum += binSum[b];
            double rightWeight = total - leftWeight;
            if (leftWeight <= 0 || rightWeight <= 0 || binWeight[b] == 0) {
              continue;
            }
            double rightSum = sum - leftSum;
            double gain = leftSum * leftSum / leftWeight + rightSum * rightSum / rightWeight
                - parent;
            if (gain > bestGain) {
              bestGain = gain;
              bestFeature = feature;
              bestBin = b;
            }
          }
        }
      }
      if (bestFeature < 0) {
        nodes.add(BoostedTrees.TreeNode.leaf(mean));
        for (int i = from; i < to; i++) {
          leafValues[members[i]] = mean;
        }
        return index;
      }
      // Rows of bin <= bestBin to the front: the left child's.
      byte[] featureBins = bins[bestFeature];
      int split = from;
      for (int i = from; i < to; i++) {
        if (featureBins[members[i]] <= bestBin) {
          int swap = members[split];
          members[split++] = members[i];
          members[i] = swap;
        }
      }
      nodes.add(null);
      int left = node(members, from, split, depth + 1);
      int right = node(members, split, to, depth + 1);
      nodes.set(index, new BoostedTrees.TreeNode(bestFeature, thresholds[bestFeature][bestBin],
          left, right, 0));
      return index;
    }
  }
}
