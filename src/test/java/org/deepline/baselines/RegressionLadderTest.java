package org.deepline.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.metrics.RegressionScores;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class RegressionLadderTest {
  /** The features table's layout: a dense array of doubles and the number to predict. */
  private static final StructType SCHEMA = new StructType()
      .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("_label", DataTypes.DoubleType, true);
  /** The label's noise: the best any model can do is an RMSE of about this. */
  private static final double NOISE = 0.1;

  /**
   * Rows of y = 3 x1 - 2 x2 + noise, x1 and x2 standard normal (y's spread about 3.6); the third
   * input is a one-hot slot that is always 0.
   */
  private static List<Row> linearRows(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double x1 = random.nextGaussian();
      double x2 = random.nextGaussian();
      rows.add(RowFactory.create(List.of(x1, x2, 0.0),
          3 * x1 - 2 * x2 + NOISE * random.nextGaussian()));
    }
    return rows;
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static BaselineConfig models(List<String> models, Long maxRows) {
    return new BaselineConfig(true, models, maxRows, false);
  }

  @Test
  void everyRungIsJudgedOnTheSameValidationRowsInTheStatedOrder() {
    List<Row> train = linearRows(300, 1);
    List<RegressionLadder.Rung> ladder = RegressionLadder.fit(frame(train), 300,
        frame(linearRows(150, 2)), "features", "_label", BaselineConfig.defaults(), 42L);
    Map<String, RegressionScores> byModel = ladder.stream().collect(Collectors.toMap(
        RegressionLadder.Rung::model, RegressionLadder.Rung::validation));

    // The default models list the binary ladder's five; one_rule has no regression rung.
    assertEquals(List.of("mean", "linear_regression", "gbt", "random_forest"),
        ladder.stream().map(RegressionLadder.Rung::model).toList());
    for (RegressionLadder.Rung rung : ladder) {
      assertEquals(150, rung.validation().count(), rung.model());
      assertTrue(rung.fitSeconds() > 0, rung.model() + " " + rung.fitSeconds());
    }
    // The mean predicts one number, the training labels' mean, for every row: R² about 0.
    double trainMean = train.stream().mapToDouble(row -> row.getDouble(1)).average().orElseThrow();
    RegressionScores mean = byModel.get("mean");
    assertEquals(trainMean, mean.meanPrediction(), 1e-9);
    assertEquals(0.0, mean.predictionSpread(), 1e-9);
    assertEquals(0.0, mean.r2(), 0.1);
    // The label is linear in the inputs: least squares finds it up to the noise.
    RegressionScores linear = byModel.get("linear_regression");
    assertTrue(linear.r2() > 0.95, "linear R² " + linear.r2());
    assertTrue(linear.rmse() < 1.5 * NOISE, "linear RMSE " + linear.rmse());
    // Trees approximate a plane in steps: well above the mean, below the linear model.
    for (String trees : List.of("gbt", "random_forest")) {
      assertTrue(byModel.get(trees).r2() > 0.7, trees + " R² " + byModel.get(trees).r2());
      assertTrue(byModel.get(trees).rmse() > linear.rmse(), trees);
    }
  }

  @Test
  void theListedModelsSwitchRungsOnInTheLaddersOwnOrder() {
    // Listed backwards, with one_rule (binary only): the forest and the mean, mean first.
    List<RegressionLadder.Rung> ladder = RegressionLadder.fit(frame(linearRows(100, 3)), 100,
        frame(linearRows(40, 4)), "features", "_label",
        models(List.of("random_forest", "one_rule", "majority"), null), 42L);
    assertEquals(List.of("mean", "random_forest"),
        ladder.stream().map(RegressionLadder.Rung::model).toList());

    assertEquals(List.of(), RegressionLadder.fit(frame(linearRows(100, 3)), 100,
        frame(linearRows(40, 4)), "features", "_label", models(List.of("one_rule"), null), 42L));
  }

  @Test
  void theSampleCapsTheRowsTheLadderFitsOn() {
    // Labels 0..999, mean 499.5; max_rows 20 fits the mean on a seeded sample of about 20 of them.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(RowFactory.create(List.of((double) i, 0.0), (double) i));
    }
    Dataset<Row> train = frame(rows);
    BaselineConfig config = models(List.of("majority"), 20L);
    List<RegressionLadder.Rung> ladder = RegressionLadder.fit(train, 1000,
        frame(rows.subList(0, 40)), "features", "_label", config, 42L);

    double sampleMean = BaselineLadder.sampled(train, 1000, config, 42L)
        .agg(functions.avg("_label")).head().getDouble(0);
    RegressionScores mean = ladder.get(0).validation();
    assertEquals(sampleMean, mean.meanPrediction(), 1e-9);
    assertTrue(Math.abs(mean.meanPrediction() - 499.5) > 1, "mean of every row: "
        + mean.meanPrediction());
    // Validation is never sampled.
    assertEquals(40, mean.count());
  }

  @Test
  void aNullLabelInTheTrainingRowsFailsNamingThem() {
    List<Row> train = new ArrayList<>(linearRows(50, 5));
    train.set(7, RowFactory.create(List.of(1.0, 1.0, 0.0), null));
    DeeplineException failure = assertThrows(DeeplineException.class,
        () -> RegressionLadder.fit(frame(train), 50, frame(linearRows(20, 6)), "features",
            "_label", models(List.of("majority"), null), 42L));
    assertEquals(DeeplineException.Failure.DATA_QUALITY, failure.failure());
    assertEquals("regression baselines: 1 of 50 training rows the ladder fits on (of 50, "
        + "baselines.max_rows 200000) have a null, NaN or infinite label (_label); a regression "
        + "label must be a finite number", failure.getMessage());
  }

  @Test
  void aNaNLabelInTheValidationRowsFailsNamingThem() {
    List<Row> validation = new ArrayList<>(linearRows(20, 6));
    validation.set(3, RowFactory.create(List.of(1.0, 1.0, 0.0), Double.NaN));
    DeeplineException failure = assertThrows(DeeplineException.class,
        () -> RegressionLadder.fit(frame(linearRows(50, 5)), 50, frame(validation), "features",
            "_label", models(List.of("majority"), null), 42L));
    assertEquals(DeeplineException.Failure.DATA_QUALITY, failure.failure());
    assertEquals("regression baselines: 1 of 20 validation rows have a null, NaN or infinite "
        + "label (_label); a regression label must be a finite number", failure.getMessage());
  }

  @Test
  void noValidationRowsFailsBeforeAnyFit() {
    DeeplineException failure = assertThrows(DeeplineException.class,
        () -> RegressionLadder.fit(frame(linearRows(50, 5)), 50, frame(List.of()), "features",
            "_label", BaselineConfig.defaults(), 42L));
    assertEquals(DeeplineException.Failure.INPUT, failure.failure());
    assertEquals("regression baselines: 0 validation rows; the ladder needs at least one",
        failure.getMessage());
  }

  @Test
  void noTrainingRowsFailsBeforeAnyFit() {
    DeeplineException failure = assertThrows(DeeplineException.class,
        () -> RegressionLadder.fit(frame(List.of()), 0, frame(linearRows(20, 6)), "features",
            "_label", BaselineConfig.defaults(), 42L));
    assertEquals(DeeplineException.Failure.INPUT, failure.failure());
    assertEquals("regression baselines: 0 training rows the ladder fits on (of 0, "
        + "baselines.max_rows 200000); the ladder needs at least one", failure.getMessage());
  }
}
