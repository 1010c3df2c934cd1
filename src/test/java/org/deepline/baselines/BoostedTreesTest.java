package org.deepline.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureTransform;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * MLlib's gradient-boosted trees exported to deepline's JSON and walked in plain Java give MLlib's
 * own probabilities.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoostedTreesTest {
  private static final int ROWS = 400;
  private static final int WIDTH = 5;
  private static final double PARITY = 1e-9;
  private final List<double[]> features = new ArrayList<>();
  private final List<Double> mllibProbabilities = new ArrayList<>();
  private BoostedTrees trees;

  /** A nonlinear signal in inputs 0 and 1, a one-hot-like input 2, and two noise inputs. */
  @BeforeAll
  void fitMllibAndExport() {
    Random random = new Random(3);
    List<Row> arrays = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      // Float-representable values: the float walk must then agree with the double one exactly.
      double[] x = new double[WIDTH];
      for (int j = 0; j < WIDTH; j++) {
        x[j] = j == 2 ? (random.nextInt(4) == 0 ? 1 : 0) : (float) random.nextGaussian();
      }
      double logit = 1.5 * x[0] * x[1] + x[0] - 0.8 * x[2];
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      features.add(x);
      arrays.add(RowFactory.create(x, label));
      vectors.add(RowFactory.create(Vectors.dense(x), label));
    }
    Dataset<Row> train = SparkTestSession.get().createDataFrame(arrays, new StructType()
        .add(FeatureTransform.FEATURES, DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add(LabelConfig.LABEL, DataTypes.DoubleType));
    GBTClassificationModel model = BaselineLadder.fitMllibGbt(train, FeatureTransform.FEATURES,
        LabelConfig.LABEL, 42L);
    Dataset<Row> scored = model.setFeaturesCol("v").transform(SparkTestSession.get()
        .createDataFrame(vectors, new StructType().add("v", new VectorUDT())
            .add("y", DataTypes.DoubleType)));
    for (Row row : scored.select("probability").collectAsList()) {
      mllibProbabilities.add(((Vector) row.get(0)).apply(1));
    }
    trees = BoostedTrees.fromMllib(model);
  }

  @Test
  void theExportHasTheLaddersTreesAndRealSplits() {
    assertEquals(20, trees.trees().size(), "the ladder's 20 trees");
    int splits = 0;
    for (BoostedTrees.Tree tree : trees.trees()) {
      for (BoostedTrees.TreeNode node : tree.nodes()) {
        splits += node.feature() == BoostedTrees.LEAF ? 0 : 1;
      }
    }
    assertTrue(splits > 20, "depth-4 trees split more than once each: " + splits);
    assertTrue(trees.minimumWidth() <= WIDTH);
  }

  @Test
  void plainJavaGivesMllibsProbabilitiesAfterAJsonRoundTrip() {
    BoostedTrees read = BoostedTrees.fromJson(trees.toJson(), "gbt.json");
    assertEquals(trees, read);
    float[] rowMajor = new float[ROWS * WIDTH];
    for (int i = 0; i < ROWS; i++) {
      double[] x = features.get(i);
      for (int j = 0; j < WIDTH; j++) {
        rowMajor[i * WIDTH + j] = (float) x[j];
      }
    }
    double spread = 0;
    for (int i = 0; i < ROWS; i++) {
      double expected = mllibProbabilities.get(i);
      assertEquals(expected, read.probability(features.get(i)), PARITY, "row " + i);
      assertEquals(expected, read.probability(rowMajor, i * WIDTH), PARITY, "row " + i);
      spread = Math.max(spread, Math.abs(expected - mllibProbabilities.get(0)));
    }
    assertTrue(spread > 0.3, "the rows span a wide range of probabilities: " + spread);
  }

  /** Broken fixture: one root split moved to the far left; the parity check must see it. */
  @Test
  void aMovedThresholdIsCaughtByTheParityCheck() {
    List<BoostedTrees.Tree> moved = new ArrayList<>(trees.trees());
    BoostedTrees.Tree first = moved.get(0);
    List<BoostedTrees.TreeNode> nodes = new ArrayList<>(first.nodes());
    BoostedTrees.TreeNode root = nodes.get(0);
    nodes.set(0, new BoostedTrees.TreeNode(root.feature(), Double.NEGATIVE_INFINITY, root.left(),
        root.right(), root.value()));
    moved.set(0, new BoostedTrees.Tree(first.weight(), nodes));
    BoostedTrees broken = new BoostedTrees(moved);
    int differing = 0;
    for (int i = 0; i < ROWS; i++) {
      if (Math.abs(broken.probability(features.get(i)) - mllibProbabilities.get(i)) > PARITY) {
        differing++;
      }
    }
    assertTrue(differing > ROWS / 10, differing + " rows differ");
  }
}
