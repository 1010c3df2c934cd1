package org.deepline.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.LinearModel;
import org.deepline.training.EnsembleSpec;
import org.deepline.training.LayerSpec;
import org.deepline.training.ModelBundle;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.junit.jupiter.api.Test;

/** The Spark-free ensemble: the combiner's arithmetic and its members scored through the seam. */
class EnsembleScorerTest {
  private static final int WIDTH = 6;
  private static final int ROWS = 40;

  @Test
  void theCombinersArithmetic() {
    EnsembleSpec mean = EnsembleSpec.mean("bagging", List.of(EnsembleSpec.Member.network("bag_1"),
        EnsembleSpec.Member.network("bag_2")));
    assertEquals(0.3, mean.combine(new double[] {0.2, 0.4}), 1e-15);
    EnsembleSpec logistic = EnsembleSpec.logistic("stacking", List.of(
        EnsembleSpec.Member.mainNetwork(), EnsembleSpec.Member.trees("gbt")), List.of(1.0, 0.5),
        -0.25);
    // logit(0.8) = ln 4, logit(0.5) = 0: sigmoid(-0.25 + ln 4) = 4 e^-0.25 / (1 + 4 e^-0.25).
    double expected = 4 * Math.exp(-0.25) / (1 + 4 * Math.exp(-0.25));
    assertEquals(expected, logistic.combine(new double[] {0.8, 0.5}), 1e-12);
    // A float probability of exactly 1 is clipped, not an infinite logit.
    assertEquals(EnsembleSpec.sigmoid(-0.25 + Math.log((1 - 1e-7) / 1e-7)),
        logistic.combine(new double[] {1.0, 0.5}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> mean.combine(new double[] {0.5}));
  }

  @Test
  void anEnsembleScoresTheMeanOfItsMembersOnDenseAndSparseMinibatchesAlike() {
    MultiLayerNetwork first = network(1L);
    MultiLayerNetwork second = network(2L);
    BoostedTrees trees = new BoostedTrees(List.of(new BoostedTrees.Tree(0.5, List.of(
        new BoostedTrees.TreeNode(3, 0.25, 1, 2, 0),
        new BoostedTrees.TreeNode(BoostedTrees.LEAF, 0, -1, -1, -1.0),
        new BoostedTrees.TreeNode(BoostedTrees.LEAF, 0, -1, -1, 2.0)))));
    EnsembleSpec spec = EnsembleSpec.mean("bagging", List.of(EnsembleSpec.Member.mainNetwork(),
        EnsembleSpec.Member.network("bag_2"), EnsembleSpec.Member.trees("gbt")));
    Predictor ensemble = Predictor.of(spec, ModelBundle.serialise(first),
        Map.of("bag_2", ModelBundle.serialise(second),
            "gbt", trees.toJson().getBytes(StandardCharsets.UTF_8)), WIDTH);

    Random random = new Random(4);
    float[] dense = new float[ROWS * WIDTH];
    int[] rowStarts = new int[ROWS + 1];
    int[] slots = new int[ROWS * WIDTH];
    float[] values = new float[ROWS * WIDTH];
    int entries = 0;
    for (int row = 0; row < ROWS; row++) {
      for (int slot = 0; slot < WIDTH; slot++) {
        if (random.nextInt(3) == 0) {
          float value = (float) random.nextGaussian();
          dense[row * WIDTH + slot] = value;
          slots[entries] = slot;
          values[entries++] = value;
        }
      }
      rowStarts[row + 1] = entries;
    }
    float[] fromDense = ensemble.probabilities(dense, ROWS);
    float[] fromSparse = ensemble.probabilities(rowStarts, slots, values, ROWS);
    float[] firstAlone = new NetworkScorer(first).probabilities(dense, ROWS);
    float[] secondAlone = new NetworkScorer(second).probabilities(dense, ROWS);
    for (int row = 0; row < ROWS; row++) {
      double margin = 0.5 * (dense[row * WIDTH + 3] <= 0.25 ? -1.0 : 2.0);
      double treeProbability = 1 - 1 / (1 + Math.exp(2 * margin));
      double mean = (firstAlone[row] + secondAlone[row] + (float) treeProbability) / 3;
      assertEquals(mean, fromDense[row], 1e-6, "row " + row);
      assertEquals(fromDense[row], fromSparse[row], 1e-6, "row " + row);
    }
  }

  /**
   * A stack's logistic-regression member scores as its coefficients say, combined on its logit;
   * one of another width is refused when the model loads.
   */
  @Test
  void aStacksLinearMemberScoresItsMarginAndMustFitTheFeatures() {
    MultiLayerNetwork main = network(3L);
    LinearModel linear = new LinearModel(List.of(0.5, -1.0, 0.0, 2.0, 0.0, 0.25), -0.5);
    EnsembleSpec spec = EnsembleSpec.logistic("stacking", List.of(
        EnsembleSpec.Member.mainNetwork(), EnsembleSpec.Member.linear("logistic_regression")),
        List.of(0.4, 1.2), 0.1);
    Predictor stack = Predictor.of(spec, ModelBundle.serialise(main), Map.of(
        "logistic_regression", linear.toJson().getBytes(StandardCharsets.UTF_8)), WIDTH);
    float[] row = {1, 2, 3, 0.5f, 7, -4};
    double margin = -0.5 + 0.5 * 1 - 1.0 * 2 + 2.0 * 0.5 + 0.25 * -4;
    double network = new NetworkScorer(main).probabilities(row, 1)[0];
    double expected = EnsembleSpec.sigmoid(0.1 + 0.4 * EnsembleSpec.logit(network)
        + 1.2 * margin);
    assertEquals(expected, stack.probabilities(row, 1)[0], 1e-6);
    // The float walk MemberScores takes during training gives the double one's probability.
    float[] twoRows = new float[2 * WIDTH];
    System.arraycopy(row, 0, twoRows, WIDTH, WIDTH);
    assertEquals(LinearModel.sigmoid(margin), linear.probability(twoRows, WIDTH), 1e-12);
    assertEquals("stacking of 1 network and 1 logistic regression (logistic_regression)",
        spec.description());

    LinearModel narrow = new LinearModel(List.of(0.5, -1.0), 0);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> Predictor.of(spec, ModelBundle.serialise(main), Map.of("logistic_regression",
            narrow.toJson().getBytes(StandardCharsets.UTF_8)), WIDTH));
    assertEquals("members/logistic_regression.json: the logistic regression takes vectors 2 "
        + "wide, the feature model makes 6", refused.getMessage());
  }

  private static MultiLayerNetwork network(long seed) {
    TrainingConfig config = new TrainingConfig(seed, null, null, null, null, null, null, null,
        List.of(new LayerSpec(4, null, null)), null, null, null, null, null, null, null, null);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(config,
        WIDTH, null));
    network.init();
    return network;
  }
}
