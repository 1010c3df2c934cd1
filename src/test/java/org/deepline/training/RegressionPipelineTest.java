package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.leakage.LeakageJob;
import org.deepline.monitoring.DriftJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.StreamScoreJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regression label through every stage that trains, scores and judges a model, on data whose
 * {@code price} is {@code 200 + 40 x + 30} for segment {@code a} plus noise of standard deviation
 * 5: split takes the column as a number from the data (900 distinct values), train fits a linear
 * output on the standardised number beside the regression baselines, score writes each row's
 * {@code prediction}, evaluate judges it on the test rows in the label's unit, and the Spark-free
 * scorer gives the same number. Settings made for a class label are refused by name.
 */
class RegressionPipelineTest {
  private static final int ROWS = 900;
  private static final double NOISE = 5.0;

  private static Path csv(Path dir) {
    Random random = new Random(11);
    StringBuilder out = new StringBuilder("id,x,noise,segment,price\n");
    for (int i = 0; i < ROWS; i++) {
      String segment = random.nextBoolean() ? "a" : "b";
      double x = random.nextGaussian();
      double price = 200 + 40 * x + ("a".equals(segment) ? 30 : 0) + NOISE * random.nextGaussian();
      out.append(i).append(',').append(String.format(Locale.ROOT, "%.4f", x)).append(',')
          .append(String.format(Locale.ROOT, "%.4f", random.nextGaussian())).append(',')
          .append(segment).append(',').append(String.format(Locale.ROOT, "%.3f", price))
          .append('\n');
    }
    return TestRuns.writeFile(dir, "prices.csv", out.toString());
  }

  private static RunContext context(Path dir, String... overrides) {
    String json = """
        {"dataset": "prices",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "x", "type": "double", "nullable": false},
           {"name": "noise", "type": "double", "nullable": false},
           {"name": "segment", "type": "string"},
           {"name": "price", "type": "double", "nullable": false, "min": 0}]},
         "label": {"column": "price"},
         "validation": {"min_rows": 10},
         "features": {"numeric": ["x", "noise"], "categorical": ["segment"]},
         "training": {"epochs": 40, "patience": 8, "batch_size_per_worker": 32,
                      "learning_rate": 0.01, "layers": [{"units": 16}]},
         "baselines": {"models": ["majority", "logistic_regression"]}}
        """.formatted(csv(dir).toString().replace("\\", "\\\\"));
    return TestRuns.context(TestRuns.configFromJson(json, overrides), dir.resolve("warehouse"),
        "test");
  }

  @Test
  void aNumberIsTrainedScoredAndJudgedInItsUnit(@TempDir Path dir) {
    RunContext context = context(dir);
    new IngestJob().run(context);
    StageResult split = new SplitJob().run(context);
    assertTrue(context.files().exists(context.warehouse().labelRegressionArtifact("prices")));
    // Stratified by deciles of the number: each split's mean is near the whole's (about 215).
    for (String name : List.of("train", "validation", "test")) {
      assertEquals(215, split.metric("label_mean_" + name), 10, split.metrics().toString());
    }
    new FeatureJob().run(context);
    StageResult leakage = new LeakageJob().run(context);
    // The honest features pass the gate: x orders the price well, not as a copy of it would.
    assertTrue(leakage.metric("max_single_feature_auc") < 0.95, leakage.metrics().toString());

    StageResult trained = new TrainJob().run(context);

    assertEquals("mse", trained.artifacts().get("loss"));
    // The mean's R² is about 0; the linear regression's is the data's (the noise leaves 1.4 %).
    assertEquals(0, trained.metric("baseline_mean_validation_r2"), 0.05);
    assertTrue(trained.metric("baseline_linear_regression_validation_r2") > 0.97,
        trained.metrics().toString());
    assertEquals(trained.metric("validation_rmse")
            / trained.metric("baseline_best_validation_rmse"),
        trained.metric("network_rmse_ratio_to_best_baseline"), 1e-12);
    assertTrue(trained.metric("validation_r2") > 0.95, trained.metrics().toString());
    assertTrue(trained.metric("validation_rmse") < 2 * NOISE, trained.metrics().toString());
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    assertTrue(bundle.metadata().isRegression());
    assertEquals(trained.metric("label_mean"), bundle.metadata().regression().mean(), 1e-9);

    StageResult scored = new ScoreJob().run(context);

    assertEquals(ROWS, scored.metric("rows_scored"));
    assertEquals(215, scored.metric("mean_prediction"), 10);
    // Clipped to the schema's min (none is below 0 here); no max is declared, none counted.
    assertEquals(0.0, scored.metric("predictions_clipped_to_label_min"));
    assertFalse(scored.metrics().containsKey("predictions_clipped_to_label_max"));
    assertEquals(0.0, bundle.metadata().regression().lowest());
    Dataset<Row> predictions = DeltaTables.slice(SparkTestSession.get(), DeltaTables.ref(
        SparkTestSession.get(), context.table(Table.PREDICTIONS)), context.runDate());
    assertFalse(Arrays.asList(predictions.columns()).contains(BatchScorer.PROBABILITY));
    Row first = predictions.where("_record_id = '0'").first();
    Row silverRow = DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
        .where("id = 0").first();
    double expected = 200 + 40 * silverRow.<Double>getAs("x")
        + ("a".equals(silverRow.getAs("segment")) ? 30 : 0);
    double predicted = first.getDouble(first.fieldIndex(ScoreJob.PREDICTION));
    assertEquals(expected, predicted, 4 * NOISE);

    // Monitoring reads the predicted numbers: the training date against itself, no drift.
    StageResult monitored = new DriftJob().run(context);
    assertEquals(0.0, monitored.metric("psi:_prediction"), 1e-9);

    // The stream writes the same number, its table's statistics on it (not on a probability).
    StageResult streamed = new StreamScoreJob().run(context);
    assertEquals(ROWS, streamed.metric("rows_scored"));
    assertFalse(streamed.metrics().containsKey("threshold"));
    Row streamedFirst = DeltaTables.read(SparkTestSession.get(),
        context.table(Table.STREAM_PREDICTIONS)).where("_record_id = '0'").first();
    assertEquals(predicted, streamedFirst.getDouble(streamedFirst.fieldIndex(
        ScoreJob.PREDICTION)), 1e-9);

    StageResult evaluated = new EvaluateJob().run(context);

    assertTrue(evaluated.metric("r2") > 0.95, evaluated.metrics().toString());
    assertTrue(evaluated.metric("rmse") < 2 * NOISE, evaluated.metrics().toString());
    assertEquals(1.0, evaluated.metric("blessed"));
    Row evaluation = DeltaTables.read(SparkTestSession.get(), context.table(Table.EVALUATIONS))
        .first();
    assertEquals(evaluated.metric("rmse"), evaluation.<Double>getAs("rmse"), 1e-12);
    assertTrue(Double.isNaN(evaluation.<Double>getAs("roc_auc")));

    ModelScorer scorer = new ModelScorer(bundle);
    Map<String, Object> record = Map.of("x", silverRow.getAs("x"),
        "noise", silverRow.getAs("noise"), "segment", silverRow.getAs("segment"));
    assertEquals(predicted, scorer.prediction(record), 1e-3);
    assertThrows(IllegalStateException.class, () -> scorer.probability(record));

    RunContext classSettings = context(dir, "training.class_weights=\"balanced\"",
        "training.ensemble={\"method\": \"bagging\"}");
    DeeplineException refused = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(classSettings));
    assertEquals("train: label.column price is a regression label (a number to predict), and "
        + "these settings are not available for one: training.ensemble.method bagging; "
        + "training.class_weights balanced (a number has no classes to weigh); leave them out",
        refused.getMessage());
  }
}
