package org.deepline.baselines;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.LeafNode;
import org.apache.spark.ml.tree.Node;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;

/**
 * A binary gradient-boosted tree model in deepline's own JSON, evaluated in plain Java: the
 * boosting member of a stacked ensemble scores inside {@code ModelScorer} and a Spark task alike
 * without MLlib, and a saved model does not depend on MLlib's private persistence format.
 *
 * <p>Semantics are MLlib's {@link GBTClassificationModel} with its log loss: a row goes to a node's
 * left child when {@code features[feature] <= threshold}; the margin is the sum over trees of
 * {@code weight * leaf value}; the positive-class probability is {@code 1 - 1 / (1 + exp(2 *
 * margin))}, written as MLlib computes it so that both agree to the last bits.
 *
 * <pre>{@code
 * BoostedTrees trees = BoostedTrees.fromMllib(gbtModel);
 * String json = trees.toJson();
 * double p = BoostedTrees.fromJson(json, "members/gbt.json").probability(new double[] {0.3, 1.0});
 * }</pre>
 *
 * @param trees the trees in boosting order, each with its weight
 */
public record BoostedTrees(
    @JsonPropertyDescription("Trees in boosting order.") List<Tree> trees)
    implements Serializable, SparkFreeModel {
  private static final long serialVersionUID = 1L;
  /** {@link Node#feature} of a leaf. */
  public static final int LEAF = -1;
  /** MLlib's log loss: the probability is the logistic function of twice the margin. */
  private static final double LOG_LOSS_SCALE = 2.0;

  public BoostedTrees {
    trees = List.copyOf(trees);
  }

  /**
   * One tree as an array of nodes, the root first.
   *
   * @param weight the tree's weight in the margin (MLlib's {@code treeWeights})
   * @param nodes  internal nodes have {@code feature >= 0} and child indexes; leaves have
   *               {@code feature == -1} and a {@code value}
   */
  public record Tree(double weight, List<TreeNode> nodes) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Tree {
      nodes = List.copyOf(nodes);
    }

    double predict(double[] features) {
      TreeNode node = nodes.get(0);
      while (node.feature() != LEAF) {
        node = nodes.get(features[node.feature()] <= node.threshold() ? node.left() : node.right());
      }
      return node.value();
    }

    /**
     * The same walk on the float vector of a row at {@code offset}, against each threshold rounded
     * to a float as the row's values were. Why: MLlib often splits at a training value itself
     * ({@code x <= t} with {@code x == t} goes left), and a value rounded up to its float lands above
     * the double threshold: widened, the float of {@code t} went right. One row in 600 of a toy
     * data set took the other branch that way, its probability 0.2 off MLlib's. Rounded alike, a
     * value and a threshold compare as their doubles do unless they are within a float's
     * precision of each other (about 1e-7 relative).
     */
    double predict(float[] features, int offset) {
      TreeNode node = nodes.get(0);
      while (node.feature() != LEAF) {
        float value = features[offset + node.feature()];
        node = nodes.get(value <= (float) node.threshold() ? node.left() : node.right());
      }
      return node.value();
    }
  }

  /** A split ({@code feature}, {@code threshold}, children) or a leaf ({@code value}). */
  public record TreeNode(int feature, double threshold, int left, int right, double value)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static TreeNode leaf(double value) {
      return new TreeNode(LEAF, 0, LEAF, LEAF, value);
    }
  }

  /** MLlib's trees and weights; fails on a categorical split (deepline's vectors have none). */
  public static BoostedTrees fromMllib(GBTClassificationModel model) {
    DecisionTreeRegressionModel[] mllibTrees = model.trees();
    double[] weights = model.treeWeights();
    List<Tree> trees = new ArrayList<>();
    for (int i = 0; i < mllibTrees.length; i++) {
      List<TreeNode> nodes = new ArrayList<>();
      flatten(mllibTrees[i].rootNode(), nodes);
      trees.add(new Tree(weights[i], nodes));
    }
    return new BoostedTrees(trees);
  }

  /** Appends {@code node}'s subtree in pre-order; returns the index {@code node} got. */
  private static int flatten(Node node, List<TreeNode> nodes) {
    int index = nodes.size();
    if (node instanceof LeafNode leaf) {
      nodes.add(TreeNode.leaf(leaf.prediction()));
      return index;
    }
    InternalNode internal = (InternalNode) node;
    if (internal.split() instanceof CategoricalSplit) {
      throw new DeeplineException("gradient-boosted trees: a categorical split on feature "
          + internal.split().featureIndex() + " cannot be exported; deepline's feature vectors "
          + "carry no categorical metadata, so MLlib should not have made one");
    }
    ContinuousSplit split = (ContinuousSplit) internal.split();
    nodes.add(null);
    int left = flatten(internal.leftChild(), nodes);
    int right = flatten(internal.rightChild(), nodes);
    nodes.set(index, new TreeNode(split.featureIndex(), split.threshold(), left, right, 0));
    return index;
  }

  /** The positive-class probability of one feature vector. */
  public double probability(double[] features) {
    double margin = 0;
    for (Tree tree : trees) {
      margin += tree.weight() * tree.predict(features);
    }
    return positive(margin);
  }

  /** The positive-class probability of the row at {@code offset} of a row-major float buffer. */
  @Override
  public double probability(float[] rowMajor, int offset) {
    double margin = 0;
    for (Tree tree : trees) {
      margin += tree.weight() * tree.predict(rowMajor, offset);
    }
    return positive(margin);
  }

  /** The widest feature index any split reads, plus one: the narrowest input these trees accept. */
  @JsonIgnore
  public int minimumWidth() {
    int width = 0;
    for (Tree tree : trees) {
      for (TreeNode node : tree.nodes()) {
        width = Math.max(width, node.feature() + 1);
      }
    }
    return width;
  }

  private static double positive(double margin) {
    return 1.0 - 1.0 / (1.0 + Math.exp(LOG_LOSS_SCALE * margin));
  }

  public String toJson() {
    return Json.write(this);
  }

  public static BoostedTrees fromJson(String json, String source) {
    return Json.read(json, BoostedTrees.class, source);
  }
}
