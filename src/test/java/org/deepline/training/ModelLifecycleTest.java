package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.evaluation.EvaluationReport;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureTransform;
import org.deepline.features.FeatureVectorizer;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.NetworkScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Train, score and evaluate on one prepared toy data set: the model's whole life in one warehouse. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelLifecycleTest {
  private static final int ROWS = 600;

  @TempDir
  static Path dir;
  private RunContext context;
  private StageResult trained;

  @BeforeAll
  void trainOnce() {
    context = ToyData.context(dir, ROWS, false);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    trained = new TrainJob().run(context);
  }

  @Test
  void trainingLearnsTheSignalAndKeepsTheBestEpoch() {
    // x and segment carry a logistic signal whose Bayes AUC is about 0.85.
    assertTrue(trained.metric("validation_roc_auc") > 0.75, trained.metrics().toString());
    assertTrue(trained.metric("best_epoch") <= trained.metric("epochs_run"));
    assertEquals(splitRows("train"), trained.metric("rows_train"));
  }

  @Test
  void theBaselineLadderIsJudgedOnTheSameValidationRows() {
    Map<String, Double> metrics = trained.metrics();
    // The toy config's ladder: the majority rung (all ties) and a logistic regression, which the
    // toy data's linear signal suits.
    assertEquals(0.5, metrics.get("baseline_majority_validation_roc_auc"));
    double best = metrics.get("baseline_logistic_regression_validation_roc_auc");
    assertTrue(best > 0.75, metrics.toString());
    assertEquals(best, metrics.get("baseline_best_validation_roc_auc"));
    assertEquals(metrics.get("validation_roc_auc") - best,
        metrics.get("network_margin_over_best_baseline"), 1e-12);
    assertEquals("logistic_regression", trained.artifacts().get("baseline_best"));
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void aNetworkThatLosesToABaselineIsNotRegisteredWhenItMustWin() {
    // A learning rate of 1e-6 for one epoch leaves the network at its random initialisation.
    RunContext mustWin = new RunContext(RunContext.newRunId(), null, "train", context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false),
            "training.learning_rate=0.000001", "training.epochs=1",
            "baselines.require_network_wins=true"), context.warehouse(), context.spark());

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(mustWin));

    assertTrue(error.getMessage().contains("BELOW the logistic_regression baseline's"),
        error.getMessage());
    assertEquals(trained.artifacts().get("model_version"),
        new ModelRegistry(context.spark(), context.warehouse()).latest("toy", context.runDate())
            .modelVersion());
  }

  @Test
  void bundleHoldsTheNetworkAndEverythingToFeedIt() {
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    ModelMetadata metadata = bundle.metadata();
    assertEquals(context.runId(), metadata.modelVersion());
    assertEquals("label", metadata.labelColumn());
    assertEquals("yes", metadata.positiveLabel());
    assertEquals(metadata.featureModel().width(), metadata.inputWidth());
    assertEquals((int) trained.metric("epochs_run"), metadata.epochs().size());

    NetworkScorer scorer = new NetworkScorer(bundle.network());
    FeatureVectorizer vectorizer = new FeatureVectorizer(metadata.featureModel());
    java.util.Map<String, Object> strongPositive = java.util.Map.of("x", 3.0, "noise", 0.0,
        "income", 50.0, "segment", "a", "channel", "web");
    java.util.Map<String, Object> strongNegative = java.util.Map.of("x", -3.0, "noise", 0.0,
        "income", 50.0, "segment", "c", "channel", "web");
    double[] p = scorer.probabilities(new float[][] {
        toFloats(vectorizer.vectorize(strongPositive::get)),
        toFloats(vectorizer.vectorize(strongNegative::get))});
    assertTrue(p[0] > 0.8 && p[1] < 0.2, java.util.Arrays.toString(p));

    ModelRegistry.ModelEntry latest = new ModelRegistry(SparkTestSession.get(), context.warehouse())
        .latest("toy", context.runDate());
    assertEquals(metadata.modelVersion(), latest.modelVersion());
  }

  @Test
  void rescoringTheSameDateReplacesItsPredictions() {
    SparkSession spark = SparkTestSession.get();
    new ScoreJob().run(context);
    StageResult again = new ScoreJob().run(context);

    Dataset<Row> predictions = DeltaTables.read(spark, context.table(Table.PREDICTIONS));
    assertEquals(ROWS, predictions.count());
    assertEquals(ROWS, again.metric("rows_scored"));
    assertEquals(ROWS, predictions.select("_record_id").distinct().count());
    assertEquals(List.of(context.runId()), predictions.select(ScoreJob.MODEL_VERSION).distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    Row bounds = predictions.agg(functions.min(BatchScorer.PROBABILITY),
        functions.max(BatchScorer.PROBABILITY)).head();
    assertTrue(bounds.getDouble(0) >= 0 && bounds.getDouble(1) <= 1);
    assertEquals(0, predictions.where("predicted_label <> CAST(probability >= 0.5 AS INT)").count());
  }

  @Test
  void batchScoringMatchesScoringRecordByRecord() {
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    Dataset<Row> silver = DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
        .limit(25);
    List<Row> batch = new BatchScorer(bundle.networkBytes(), 7).transform(
        new FeatureTransform(bundle.metadata().featureModel()).transform(silver)).collectAsList();
    NetworkScorer single = new NetworkScorer(bundle.network());
    for (Row row : batch) {
      List<Double> features = row.getList(row.fieldIndex(FeatureTransform.FEATURES));
      float[] vector = toFloats(features.stream().mapToDouble(Double::doubleValue).toArray());
      assertEquals(single.probabilities(new float[][] {vector})[0],
          row.<Double>getAs(BatchScorer.PROBABILITY), 1e-6);
    }
  }

  @Test
  void evaluationWritesJsonHtmlAndATableRow() throws Exception {
    new ScoreJob().run(context);
    StageResult evaluated = new EvaluateJob().run(context);

    Path json = Path.of(java.net.URI.create(evaluated.artifacts().get("report_json")));
    EvaluationReport report = Json.read(Files.readString(json), EvaluationReport.class, "report");
    assertEquals(splitRows("test"), report.metrics().count());
    assertEquals(0.0, evaluated.metric("rows_excluded_seen_in_training"));
    assertEquals(evaluated.metric("roc_auc"), report.metrics().rocAuc());
    assertTrue(report.metrics().rocAuc() > 0.7, "roc_auc " + report.metrics().rocAuc());
    String html = Files.readString(Path.of(java.net.URI.create(evaluated.artifacts().get("report_html"))));
    assertTrue(html.contains(context.runId()), "the page names the model version");
    Row row = DeltaTables.read(SparkTestSession.get(), context.table(Table.EVALUATIONS)).head();
    assertEquals(report.metrics().rocAuc(), row.<Double>getAs("roc_auc"));
    assertEquals("test", row.getAs("split"));
    assertEquals(TestRuns.RUN_DATE, row.getDate(row.fieldIndex("run_date")).toString());
  }

  @Test
  void evaluationBelowTheFloorFailsAfterWritingTheReport() {
    new ScoreJob().run(context);
    RunContext strict = new RunContext(RunContext.newRunId(), null, "evaluate", context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false),
            "evaluation.min_roc_auc=0.999"), context.warehouse(), context.spark());

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(strict));

    assertTrue(error.getMessage().contains("is below evaluation.min_roc_auc 0.9990"),
        error.getMessage());
    assertTrue(context.files().exists(context.warehouse().reportDir("toy", context.runDate())
        + "/evaluation.html"));
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void evaluationNeverJudgesOnRowsTheModelTrainedOn() {
    new ScoreJob().run(context);
    RunContext resplit = new RunContext(RunContext.newRunId(), null, "split", context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), "split.seed=5"),
        context.warehouse(), context.spark());
    new SplitJob().run(resplit);

    StageResult evaluated = new EvaluateJob().run(resplit);

    // About 70 % of the new test split was in the model's training split: those rows are left out.
    long excluded = (long) evaluated.metric("rows_excluded_seen_in_training");
    assertTrue(excluded > 0.5 * splitRows("test"), "excluded " + excluded);
    assertEquals(splitRows("test") - excluded, (long) evaluated.metric("rows"));
  }

  private long splitRows(String split) {
    return DeltaTables.read(SparkTestSession.get(), context.table(Table.SPLITS))
        .where(functions.col(org.deepline.sampling.StratifiedSplitter.SPLIT).equalTo(split)).count();
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
