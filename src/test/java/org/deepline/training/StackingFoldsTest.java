package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * Stacking's combiner learns from out-of-fold predictions only: the fold assignment, the check that
 * a fold's members never predict their own training rows, and the combiner's fit.
 */
class StackingFoldsTest {
  private static final int ROWS = 500;
  private static final int FOLDS = 5;

  private static Dataset<Row> trainRows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create("r" + i, new double[] {i, i % 3}, (double) (i % 2)));
    }
    return frameOf(rows);
  }

  /** Rows of (record id, features array, label) as the features table gives them to training. */
  static Dataset<Row> frameOf(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, new StructType()
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(FeatureTransform.FEATURES, DataTypes.createArrayType(DataTypes.DoubleType, false))
        .add(LabelConfig.LABEL, DataTypes.DoubleType));
  }

  @Test
  void everyTrainingRowIsInExactlyOneFoldAndNoFoldPredictsItsOwnTrainingRows() {
    Dataset<Row> folded = Stacking.withFolds(trainRows(), FOLDS, 42L).persist();
    try {
      List<Row> sizes = folded.groupBy(Stacking.FOLD).count().orderBy(Stacking.FOLD)
          .collectAsList();
      assertEquals(FOLDS, sizes.size(), "every fold has rows");
      long total = 0;
      for (Row size : sizes) {
        // 100 expected per fold; a seeded hash spreads 500 ids within a few dozen of that.
        assertTrue(size.getLong(1) > 60 && size.getLong(1) < 140, sizes.toString());
        total += size.getLong(1);
      }
      assertEquals(ROWS, total);
      for (int fold = 0; fold < FOLDS; fold++) {
        Stacking.requireOutOfFold(folded.where(functions.col(Stacking.FOLD).notEqual(fold)),
            folded.where(functions.col(Stacking.FOLD).equalTo(fold)), fold);
      }
      // The same seed gives the same folds; another seed other folds.
      assertEquals(folded.select(RecordIds.RECORD_ID, Stacking.FOLD).collectAsList(),
          Stacking.withFolds(trainRows(), FOLDS, 42L).select(RecordIds.RECORD_ID, Stacking.FOLD)
              .collectAsList());
      assertTrue(Stacking.withFolds(trainRows(), FOLDS, 7L).join(folded.select(
          functions.col(RecordIds.RECORD_ID), functions.col(Stacking.FOLD).as("before")),
          RecordIds.RECORD_ID).where(functions.col(Stacking.FOLD).notEqual(functions.col("before")))
          .count() > ROWS / 2);
    } finally {
      folded.unpersist();
    }
  }

  /**
   * A model cannot tell copies of one input vector apart, and the split keeps a record's copies
   * together: held-out folds must not hold vectors their members were fitted on, or trees that
   * memorise each vector look better there than on test. A vector repeated far more often than a
   * run of copies is spread over the folds in runs, as the split spreads it.
   */
  @Test
  void copiesOfOneInputVectorShareAFoldWhateverTheirLabelsAndLongRunsSpreadOverFolds() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create("r" + i, new double[] {i, i % 3}, (double) (i % 2)));
    }
    // One vector, two contents (the label differs): 3 copies say yes and 3 say no.
    for (int copy = 1; copy <= 3; copy++) {
      rows.add(RowFactory.create("AAAA-" + copy, new double[] {-1, -1}, 1.0));
      rows.add(RowFactory.create("BBBB-" + copy, new double[] {-1, -1}, 0.0));
    }
    // One vector of 60 identical rows: 6 runs of 10 copies.
    for (int copy = 1; copy <= 60; copy++) {
      rows.add(RowFactory.create("CCCC-" + copy, new double[] {-2, -2}, 0.0));
    }
    Dataset<Row> folded = Stacking.withFolds(frameOf(rows), FOLDS, 42L);
    assertEquals(ROWS + 66, folded.count(), "no row lost or doubled by the vectors' counts");
    assertEquals(1, folded.where(functions.col(RecordIds.RECORD_ID).rlike("^(AAAA|BBBB)-"))
        .select(Stacking.FOLD).distinct().count(), "the yes and no copies of one vector");
    Dataset<Row> frequent = folded.where(functions.col(RecordIds.RECORD_ID).startsWith("CCCC-"));
    assertEquals(6, frequent.select(RecordIds.copyGroupId(functions.col(RecordIds.RECORD_ID))
        .as("run"), functions.col(Stacking.FOLD)).distinct().count(),
        "each run of 10 copies in one fold");
    assertTrue(frequent.select(Stacking.FOLD).distinct().count() > 1,
        "60 copies of one vector are not one fold");
  }

  /** Broken fixture: a fold whose members were fitted on all rows, its own among them. */
  @Test
  void aFoldThatPredictsRowsItsMembersWereFittedOnIsRefused() {
    Dataset<Row> folded = Stacking.withFolds(trainRows(), FOLDS, 42L);
    Dataset<Row> held = folded.where(functions.col(Stacking.FOLD).equalTo(2));
    IllegalStateException leak = assertThrows(IllegalStateException.class,
        () -> Stacking.requireOutOfFold(folded, held, 2));
    assertTrue(leak.getMessage().startsWith("stacking: fold 2 predicts " + held.count()
        + " rows its members were fitted on"), leak.getMessage());
  }

  @Test
  void theCombinerRecoversTheLogisticRegressionThatMadeTheLabels() {
    Random random = new Random(5);
    int n = 20_000;
    double[][] inputs = new double[n][2];
    byte[] labels = new byte[n];
    for (int r = 0; r < n; r++) {
      inputs[r][0] = random.nextGaussian() * 2;
      inputs[r][1] = random.nextGaussian() * 2;
      double z = -0.5 + 1.2 * inputs[r][0] + 0.4 * inputs[r][1];
      labels[r] = (byte) (random.nextDouble() < EnsembleSpec.sigmoid(z) ? 1 : 0);
    }
    MetaLearner.Fit fit = MetaLearner.fit(new MetaLearner.Rows(inputs, labels));
    assertEquals(-0.5, fit.intercept(), 0.08);
    assertEquals(1.2, fit.weights().get(0), 0.08);
    assertEquals(0.4, fit.weights().get(1), 0.08);
    assertTrue(fit.iterations() < 20, "Newton's method converges in a few steps: "
        + fit.iterations());
  }

  /**
   * Why in-fold predictions are refused: a member that memorised its training rows looks perfect
   * on them, and a combiner fitted there trusts it far more than held-out rows justify.
   */
  @Test
  void aCombinerFittedOnInSamplePredictionsOvertrustsTheMemoriser() {
    Random random = new Random(9);
    int n = 4000;
    double[][] inSample = new double[n][2];
    double[][] heldOut = new double[n][2];
    byte[] labels = new byte[n];
    for (int r = 0; r < n; r++) {
      double signal = random.nextGaussian();
      labels[r] = (byte) (random.nextDouble() < EnsembleSpec.sigmoid(1.5 * signal) ? 1 : 0);
      double honest = 1.5 * signal + 0.3 * random.nextGaussian();
      // The memoriser: on its own training rows it recalls the label; on new rows it is noise.
      inSample[r] = new double[] {honest, labels[r] == 1 ? 3 : -3};
      heldOut[r] = new double[] {honest, random.nextGaussian()};
    }
    MetaLearner.Fit leaky = MetaLearner.fit(new MetaLearner.Rows(inSample, labels));
    MetaLearner.Fit outOfFold = MetaLearner.fit(new MetaLearner.Rows(heldOut, labels));
    assertTrue(leaky.weights().get(1) > 1, "in-sample: the memoriser dominates " + leaky);
    assertTrue(Math.abs(outOfFold.weights().get(1)) < 0.1, "held out: it gets ~0 " + outOfFold);
    assertTrue(outOfFold.weights().get(0) > 0.8, outOfFold.toString());
  }

  @Test
  void eachFoldIsCombinedByACombinerThatNeverSawItsRows() {
    // One member, three folds: fold 0 runs against the member, the others with it.
    List<EnsembleSpec.Member> members = List.of(EnsembleSpec.Member.mainNetwork());
    MemberScores fold1 = new MemberScores(new float[][] {{0.1f, 0.4f, 0.6f, 0.9f}},
        new byte[] {0, 1, 0, 1});
    MemberScores fold2 = new MemberScores(new float[][] {{0.2f, 0.3f, 0.7f, 0.8f}},
        new byte[] {0, 0, 1, 1});
    MemberScores fold0 = new MemberScores(new float[][] {{0.2f, 0.8f}}, new byte[] {1, 0});
    MemberScores fold0Flipped = new MemberScores(new float[][] {{0.2f, 0.8f}},
        new byte[] {0, 1});

    var crossFitted = Stacking.crossFitted(List.of(fold0, fold1, fold2), members);
    var flipped = Stacking.crossFitted(List.of(fold0Flipped, fold1, fold2), members);

    // Fold 0's probabilities come from folds 1 and 2 only: its own labels change nothing.
    assertEquals(flipped.probability(0), crossFitted.probability(0));
    assertEquals(flipped.probability(1), crossFitted.probability(1));
    // Folds 1 and 2 teach a positive weight, so fold 0 is ranked the member's way, wrongly.
    assertTrue(crossFitted.probability(0) < crossFitted.probability(1));
    assertEquals(10, crossFitted.count());
  }
}
