package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-class label through every stage that trains, scores and judges a model, on data whose
 * three classes follow from {@code x} and {@code segment}: split takes the classes from the data,
 * train fits a three-unit softmax beside the multi-class baselines, score writes each row's class
 * probabilities and predicted class, evaluate judges them on the test rows, and the Spark-free
 * scorer gives the same class. Settings made for a binary label are refused by name.
 */
class MulticlassPipelineTest {
  private static final int ROWS = 900;
  private static final String[] SIZES = {"small", "medium", "large"};

  private static Path csv(Path dir) {
    Random random = new Random(7);
    StringBuilder out = new StringBuilder("id,x,noise,segment,size\n");
    for (int i = 0; i < ROWS; i++) {
      String segment = random.nextBoolean() ? "a" : "b";
      double x = random.nextGaussian();
      double shifted = x + ("a".equals(segment) ? 0.4 : -0.4) + 0.3 * random.nextGaussian();
      String size = shifted < -0.5 ? "small" : shifted < 0.5 ? "medium" : "large";
      out.append(i).append(',').append(String.format(Locale.ROOT, "%.4f", x)).append(',')
          .append(String.format(Locale.ROOT, "%.4f", random.nextGaussian())).append(',')
          .append(segment).append(',').append(size).append('\n');
    }
    return TestRuns.writeFile(dir, "sizes.csv", out.toString());
  }

  private static RunContext context(Path dir, String... overrides) {
    String json = """
        {"dataset": "sizes",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "x", "type": "double", "nullable": false},
           {"name": "noise", "type": "double", "nullable": false},
           {"name": "segment", "type": "string"},
           {"name": "size", "type": "string", "nullable": false}]},
         "label": {"column": "size"},
         "validation": {"min_rows": 10},
         "features": {"numeric": ["x", "noise"], "categorical": ["segment"]},
         "training": {"epochs": 15, "patience": 5, "batch_size_per_worker": 32,
                      "learning_rate": 0.02, "layers": [{"units": 16}]},
         "baselines": {"models": ["majority", "logistic_regression"]}}
        """.formatted(csv(dir).toString().replace("\\", "\\\\"));
    return TestRuns.context(TestRuns.configFromJson(json, overrides), dir.resolve("warehouse"),
        "test");
  }

  @Test
  void aThreeClassLabelIsTrainedScoredAndJudgedClassByClass(@TempDir Path dir) {
    RunContext context = context(dir);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    new LeakageJob().run(context);

    StageResult trained = new TrainJob().run(context);

    assertEquals("large,medium,small", trained.artifacts().get("classes"));
    assertEquals(3.0, trained.metric("classes"));
    assertTrue(trained.metric("validation_roc_auc") > 0.9, trained.metrics().toString());
    assertTrue(trained.metric("validation_accuracy")
        > trained.metric("baseline_majority_validation_accuracy") + 0.2, trained.metrics()
        .toString());
    assertEquals(trained.metric("validation_roc_auc")
            - trained.metric("baseline_best_validation_roc_auc"),
        trained.metric("network_margin_over_best_baseline"), 1e-12);
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    assertEquals(List.of("large", "medium", "small"), bundle.metadata().classes());
    assertNull(bundle.metadata().positiveLabel());

    StageResult scored = new ScoreJob().run(context);

    assertEquals(ROWS, scored.metric("rows_scored"));
    Dataset<Row> predictions = DeltaTables.slice(SparkTestSession.get(), DeltaTables.ref(
        SparkTestSession.get(), context.table(Table.PREDICTIONS)), context.runDate());
    for (Row row : predictions.collectAsList()) {
      List<Double> byClass = row.getList(row.fieldIndex(BatchScorer.CLASS_PROBABILITIES));
      assertEquals(1.0, byClass.stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
      int predicted = row.getInt(row.fieldIndex(ScoreJob.PREDICTED_LABEL));
      assertEquals(byClass.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
          byClass.get(predicted), 0.0);
      assertEquals(row.getDouble(row.fieldIndex(BatchScorer.PROBABILITY)), byClass.get(predicted),
          0.0);
      assertEquals(bundle.metadata().classes().get(predicted),
          row.getString(row.fieldIndex(ScoreJob.PREDICTED_CLASS)));
    }

    StageResult evaluated = new EvaluateJob().run(context);

    assertTrue(evaluated.metric("roc_auc") > 0.9, evaluated.metrics().toString());
    assertTrue(evaluated.metric("accuracy") > 0.7, evaluated.metrics().toString());
    for (String size : SIZES) {
      assertTrue(evaluated.metric("recall:" + size) > 0.3, size + " " + evaluated.metrics());
    }
    assertEquals(1.0, evaluated.metric("blessed"));
    Row evaluation = DeltaTables.read(SparkTestSession.get(), context.table(Table.EVALUATIONS))
        .first();
    assertEquals(evaluated.metric("roc_auc"), evaluation.<Double>getAs("roc_auc"), 1e-12);
    assertEquals(0L, evaluation.<Long>getAs("positives"));
    String html = context.files().readText(evaluated.artifacts().get("report_html"));
    assertTrue(html.contains("Confusion matrix") && html.contains("<th>medium</th>"), html);

    Row first = predictions.where("_record_id = '0'").first();
    ModelScorer scorer = new ModelScorer(bundle);
    Row silverRow = DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
        .where("id = 0").first();
    Map<String, Object> record = Map.of("x", silverRow.getAs("x"),
        "noise", silverRow.getAs("noise"), "segment", silverRow.getAs("segment"));
    assertEquals(first.<String>getAs(ScoreJob.PREDICTED_CLASS), scorer.predictedClass(record));
    assertEquals(first.getDouble(first.fieldIndex(BatchScorer.PROBABILITY)),
        scorer.classProbabilities(record).get(scorer.predictedClass(record)), 1e-5);
    assertThrows(IllegalStateException.class, () -> scorer.probability(record));

    RunContext binarySettings = context(dir, "training.resample={\"method\": \"smote\"}",
        "training.ensemble={\"method\": \"bagging\"}");
    DeeplineException refused = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(binarySettings));
    assertEquals("train: label.column size is a multi-class label of 3 classes [large, medium, "
        + "small], and these settings are for a binary one so far: training.resample (its "
        + "samplers pair one minority class with one majority); training.ensemble.method "
        + "bagging; leave them out", refused.getMessage());

    // The date split again with another seed after the features were built: train refuses the
    // features, whose test rows would now be training rows.
    RunContext resplit = context(dir, "split.seed=99");
    new SplitJob().run(resplit);
    DeeplineException stale = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(resplit));
    assertTrue(stale.getMessage().startsWith("train: the splits of 2026-11-24 were written again "
        + "after the features were built (train split "), stale.getMessage());
    assertTrue(stale.getMessage().endsWith("); re-run features (and leakage) for 2026-11-24"),
        stale.getMessage());
  }
}
