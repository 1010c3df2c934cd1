package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The tuner's finalists are judged by k-fold cross-validation: every row is held out once, the
 * same config scores the same, a trained config beats an untrained one, and folds that lack a class
 * are refused instead of scored.
 */
class CrossValidationTest {
  private static final int ROWS = 800;
  private static final int FOLDS = 4;
  private static final int WIDTH = 2;
  /** 2 workers on the driver, 16-row minibatches averaged every 4, up to 6 epochs, patience 2. */
  private static final TrainingConfig TRAINED = new TrainingConfig(7L, 6, 2, 16, 4, 2, 0.01,
      1e-4, List.of(new LayerSpec(8, "relu", null)), null, null, null, null, null, null, null,
      null);
  /** The same network after one epoch at a learning rate that barely moves it. */
  private static final TrainingConfig UNTRAINED = new TrainingConfig(7L, 1, 2, 16, 4, 2, 1e-7,
      1e-4, List.of(new LayerSpec(8, "relu", null)), null, null, null, null, null, null, null,
      null);

  /** Labels drawn from a logistic model of the two features: about 0.9 ROC AUC to find. */
  private static Dataset<Row> rows(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double x = random.nextGaussian();
      double y = random.nextGaussian();
      double label = random.nextDouble() < EnsembleSpec.sigmoid(2.5 * x - y) ? 1.0 : 0.0;
      rows.add(RowFactory.create("r" + i, new double[] {x, y}, label));
    }
    return StackingFoldsTest.frameOf(rows);
  }

  @Test
  void everyRowIsHeldOutOnceAndATrainedConfigScoresAboveAnUntrainedOne() {
    JavaSparkContext spark =
        JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    NetworkInput input = NetworkInput.plain(WIDTH);
    try (CrossValidation folds = CrossValidation.cache(rows(ROWS, 3), FOLDS, TRAINED, WIDTH)
        .orElseThrow()) {
      assertEquals(FOLDS, folds.folds());
      assertEquals(ROWS, folds.rows(), "the held-out folds together are every row once");
      for (long[] fold : folds.foldRows()) {
        assertEquals(ROWS, fold[0] + fold[1], "a fold's held-out and fitting rows are all rows");
        // A fold fits the other three quarters: 600 rows give or take the hash's spread.
        assertTrue(fold[1] > 500 && fold[1] < 700, "fitting rows " + fold[1]);
      }

      CrossValidation.Score trained = folds.score(spark, TRAINED, input);
      CrossValidation.Score again = folds.score(spark, TRAINED, input);
      CrossValidation.Score untrained = folds.score(spark, UNTRAINED, input);

      assertEquals(FOLDS, trained.foldRocAuc().length);
      assertArrayEquals(trained.foldRocAuc(), again.foldRocAuc(), "the same config, the same folds");
      assertTrue(trained.meanRocAuc() > 0.85, trained.toString());
      assertTrue(trained.meanRocAuc() > untrained.meanRocAuc() + 0.01,
          trained + " against " + untrained);
      assertEquals(FOLDS, untrained.epochs(), "one epoch in each fold");
      assertTrue(trained.epochs() > FOLDS && trained.epochs() <= FOLDS * 6, trained.toString());
    }
  }

  /** Broken fixture: one positive row among 40, so three of four held-out folds lack positives. */
  @Test
  void foldsWithoutBothClassesAreNotScored() {
    Dataset<Row> onePositive = rows(40, 3).selectExpr(RecordIds.RECORD_ID,
        FeatureTransform.FEATURES, "CASE WHEN " + RecordIds.RECORD_ID + " = 'r0' THEN 1.0 ELSE 0.0 "
            + "END AS " + LabelConfig.LABEL);
    Optional<CrossValidation> folds = CrossValidation.cache(onePositive, FOLDS, TRAINED, WIDTH);
    assertTrue(folds.isEmpty());
  }

  @Test
  void theScoreIsTheMeanAndSampleStandardDeviationOfTheFolds() {
    CrossValidation.Score score = new CrossValidation.Score(new double[] {0.80, 0.90, 0.85}, 9,
        1_200);
    assertEquals(0.85, score.meanRocAuc(), 1e-12);
    assertEquals(0.05, score.standardDeviation(), 1e-12);
    assertEquals("0.8500 +- 0.0500 over 3 folds", score.toString());
  }

  @Test
  void aLeadCountsOnlyBeyondOneStandardErrorOfTheFoldByFoldDifferences() {
    CrossValidation.Score incumbent = new CrossValidation.Score(new double[] {0.80, 0.90, 0.85},
        9, 1_200);
    // Differences 0.01, 0.02, -0.01: mean 0.00667, standard deviation 0.01528; the standard
    // error with the folds' overlap (Nadeau and Bengio): 0.01528 sqrt(1/3 + 1/2) = 0.01394, a
    // lead within the noise.
    CrossValidation.Lead noisy = new CrossValidation.Score(new double[] {0.81, 0.92, 0.84}, 9,
        1_200).leadOver(incumbent);
    assertEquals(0.006667, noisy.mean(), 1e-6);
    assertEquals(0.013944, noisy.standardError(), 1e-6);
    assertFalse(noisy.beyondOneStandardError());
    assertEquals("+0.0067 +- 0.0139", noisy.toString());
    // The same 0.02 on every fold: a small lead, but no noise in it.
    CrossValidation.Lead steady = new CrossValidation.Score(new double[] {0.82, 0.92, 0.87}, 9,
        1_200).leadOver(incumbent);
    assertEquals(0.02, steady.mean(), 1e-12);
    assertEquals(0.0, steady.standardError(), 1e-12);
    assertTrue(steady.beyondOneStandardError());
    // A higher mean that comes from one fold only.
    CrossValidation.Lead oneFold = new CrossValidation.Score(new double[] {0.78, 0.99, 0.84}, 9,
        1_200).leadOver(incumbent);
    assertTrue(oneFold.mean() > 0 && !oneFold.beyondOneStandardError(), oneFold.toString());
  }

  @Test
  void theIncumbentIsKeptUnlessTheBestLeadsItBeyondOneStandardError() {
    CrossValidation.Score incumbent = new CrossValidation.Score(new double[] {0.80, 0.90, 0.85},
        9, 1_200);
    CrossValidation.Score noisy = new CrossValidation.Score(new double[] {0.81, 0.92, 0.84}, 9,
        1_200);
    CrossValidation.Score steady = new CrossValidation.Score(new double[] {0.82, 0.92, 0.87}, 9,
        1_200);
    CrossValidation.Score worse = new CrossValidation.Score(new double[] {0.70, 0.80, 0.75}, 9,
        1_200);
    Map<Integer, CrossValidation.Score> noisyLeader = new LinkedHashMap<>();
    noisyLeader.put(4, noisy);
    noisyLeader.put(0, incumbent);
    noisyLeader.put(9, worse);
    CrossValidation.Choice kept = CrossValidation.choose(noisyLeader, 0);
    assertEquals(4, kept.best());
    assertEquals(0, kept.winner());
    assertEquals(0.006667, kept.lead().mean(), 1e-6);

    noisyLeader.put(7, steady);
    CrossValidation.Choice replaced = CrossValidation.choose(noisyLeader, 0);
    assertEquals(new CrossValidation.Choice(7, 7, steady.leadOver(incumbent)), replaced);

    CrossValidation.Choice incumbentBest = CrossValidation.choose(Map.of(0, incumbent, 9, worse),
        0);
    assertEquals(new CrossValidation.Choice(0, 0, null), incumbentBest);
    // Without the incumbent among the scores (it failed in cross-validation) the best wins.
    assertEquals(new CrossValidation.Choice(4, 4, null),
        CrossValidation.choose(Map.of(4, noisy, 9, worse), 0));
  }
}
