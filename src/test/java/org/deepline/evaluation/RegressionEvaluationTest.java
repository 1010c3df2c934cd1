package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.RegressionScores;
import org.deepline.testing.HeadlessChromium;
import org.deepline.testing.LoggedWarnings;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stage for a regression model on hand-made tables: a registered model whose
 * metadata carries a {@link ModelMetadata.RegressionTarget}, its predictions of six test rows of
 * known RMSE, MAE and R², and the splits they are judged by.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegressionEvaluationTest {
  private static final String VERSION = "reg-v1";
  private static final String EARLIER_DATE = "2026-11-23";
  /** A record in the test split of the date, and in the train split the model was fitted on. */
  private static final String SEEN = "s0";
  private static final double EXACT = 1e-9;
  private static final String SCREENSHOT = "target/report-browser/regression-evaluation.png";
  /** Six test rows: errors -0.5, 0.5, 0, 1, 0, 1. RMSE 0.6455, MAE 0.5, R² 0.9262. */
  private static final double[] TEST_LABELS = {3.0, -0.5, 2.0, 7.0, 4.0, 1.0};
  private static final double[] TEST_PREDICTIONS = {2.5, 0.0, 2.0, 8.0, 4.0, 2.0};
  private static final StructType JUDGED = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("prediction", DataTypes.DoubleType, true)
      .add("model_version", DataTypes.StringType, false)
      .add("_label", DataTypes.DoubleType, true);

  @TempDir
  static Path dir;
  private RunContext context;
  /** The model as train would save it, not read back (see the report's note on model.json). */
  private ModelBundle bundle;

  @BeforeAll
  void registerAModelWithItsPredictions() {
    SparkSession spark = SparkTestSession.get();
    context = ToyData.context(dir, 10, false);
    List<Row> splits = new ArrayList<>();
    List<Row> predictions = new ArrayList<>();
    List<Row> silver = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (int r = 0; r < TEST_LABELS.length; r++) {
      splits.add(RowFactory.create("t" + r, "test", TEST_LABELS[r]));
      predictions.add(RowFactory.create("t" + r, TEST_PREDICTIONS[r], VERSION, "run", now));
    }
    // Training rows, scored far off: judged, they would move every figure.
    for (int r = 0; r < 2; r++) {
      splits.add(RowFactory.create("a" + r, "train", 100.0));
      predictions.add(RowFactory.create("a" + r, 0.0, VERSION, "run", now));
    }
    // A test row of today's splits that the model trained on under the split it was fitted on.
    predictions.add(RowFactory.create(SEEN, 50.0, VERSION, "run", now));
    StructType splitsSchema = new StructType()
        .add("_record_id", DataTypes.StringType, false)
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false);
    String splitsPath = context.table(Table.SPLITS);
    List<Row> fittedOn = new ArrayList<>(splits);
    fittedOn.add(RowFactory.create(SEEN, "train", 0.0));
    DeltaTables.replaceRunDate(spark.createDataFrame(fittedOn, splitsSchema), splitsPath,
        context.runDate());
    long fittedVersion = DeltaTables.ref(spark, splitsPath).version();
    splits.add(RowFactory.create(SEEN, "test", 0.0));
    DeltaTables.replaceRunDate(spark.createDataFrame(splits, splitsSchema), splitsPath,
        context.runDate());
    splits.forEach(row -> silver.add(RowFactory.create(row.getString(0), 1.0)));
    DeltaTables.replaceRunDate(spark.createDataFrame(predictions, new StructType()
            .add("_record_id", DataTypes.StringType, false)
            .add("prediction", DataTypes.DoubleType, false)
            .add("model_version", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("scored_at", DataTypes.TimestampType, false)),
        context.table(Table.PREDICTIONS), context.runDate());
    DeltaTables.replaceRunDate(spark.createDataFrame(silver, new StructType()
            .add("_record_id", DataTypes.StringType, false)
            .add("x", DataTypes.DoubleType, false)), context.table(Table.SILVER),
        context.runDate());

    FeatureModel features = new FeatureModel(FeatureModel.FORMAT_VERSION,
        new FeatureModel.FitProvenance("toy", context.runDate(), "run", "train", 2, splitsPath,
            fittedVersion, 0L),
        List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    ModelMetadata metadata = new ModelMetadata(VERSION, "toy", "run", context.runDate(),
        Instant.now().toString(), "size", 1, TrainingConfig.defaults(), features, List.of(), 0,
        validationMetrics(), List.of(), null, new ModelMetadata.RegressionTarget(2.0, 1.5, "mse"));
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(
        TrainingConfig.defaults(), 1, null));
    network.init();
    String modelDir = context.warehouse().modelDir("toy", VERSION);
    bundle = ModelBundle.of(metadata, network);
    bundle.save(context.files(), modelDir);
    new ModelRegistry(spark, context.warehouse()).register(new ModelRegistry.ModelEntry(VERSION,
        "toy", "run", context.runDate(), Instant.now(), modelDir, Map.of()));
  }

  /** The train run's figures: the network loses to linear regression on validation. */
  private static Map<String, Double> validationMetrics() {
    return Map.of("validation_rmse", 0.70, "validation_mae", 0.52, "validation_r2", 0.90,
        "baseline_mean_validation_rmse", 2.9, "baseline_mean_validation_r2", 0.0,
        "baseline_linear_regression_validation_rmse", 0.65,
        "baseline_linear_regression_validation_r2", 0.93,
        "baseline_linear_regression_fit_seconds", 0.2,
        "baseline_best_validation_rmse", 0.65, "network_rmse_ratio_to_best_baseline", 1.0769);
  }

  @Test
  @Order(1)
  void theTestRowsAreJudgedIntoJsonHtmlAndTheEvaluationsRow() throws Exception {
    SparkSession spark = SparkTestSession.get();
    // An evaluations table written before the regression columns existed.
    DeltaTables.replaceRunDate(spark.createDataFrame(List.of(RowFactory.create("old", "b1",
            "test", 100L, 10L, 0.5, 0.9, 0.8, 0.7, 0.75, 0.93, 0.8, 0.3, 0.1, 0.02, true, null,
            "j", "h")), EvaluateJob.SCHEMA), context.table(Table.EVALUATIONS), EARLIER_DATE);
    StageResult[] result = new StageResult[1];

    RunContext evaluate = run();
    EvaluationConfig config = evaluate.section(EvaluationConfig.class);
    RunContext.Input predictions = evaluate.input(Table.PREDICTIONS);
    RunContext.Input splits = evaluate.input(Table.SPLITS);
    // As evaluate brings the rows: the split's, with their label, less the training rows.
    Dataset<Row> onSplit = EvaluateJob.onSplit(predictions.rows(), splits.rows(), config.split());
    Dataset<Row> judged = EvaluateJob.withoutTrainingRows(evaluate, bundle, onSplit);
    assertEquals(7, onSplit.count());

    List<String> warnings = LoggedWarnings.during(() -> result[0] = RegressionEvaluation.run(
        evaluate, config, bundle.metadata(), judged, evaluate.input(Table.SILVER).rows(), 1,
        predictions.ref(), splits.ref(), java.util.Optional.empty(), false));

    assertTrue(warnings.contains("evaluate: model reg-v1's validation RMSE 0.7000 at training is "
        + "worse than baseline linear_regression's 0.6500 on the same rows: the simpler model "
        + "predicts better; look at the features and training settings before promoting it"),
        warnings.toString());
    assertEquals(6.0, result[0].metric("rows"));
    assertEquals(1.0, result[0].metric("rows_excluded_seen_in_training"));
    assertEquals(0.6454972243679028, result[0].metric("rmse"), EXACT);
    assertEquals(1.0, result[0].metric("blessed"));

    JsonNode json = Json.mapper().readTree(Files.readString(
        Path.of(URI.create(result[0].artifacts().get("report_json")))));
    assertEquals(6, json.get("rows").asLong());
    assertEquals("test", json.get("split").asText());
    JsonNode metrics = json.get("metrics");
    assertEquals(0.6454972243679028, metrics.get("rmse").asDouble(), EXACT);
    assertEquals(0.5, metrics.get("mae").asDouble(), EXACT);
    assertEquals(0.9261992619926199, metrics.get("r2").asDouble(), EXACT);
    assertEquals(0.9458794587945879, metrics.get("explained_variance").asDouble(), EXACT);
    assertEquals(0.5, metrics.get("median_absolute_error").asDouble(), EXACT);
    assertEquals(1.0, metrics.get("max_error").asDouble(), EXACT);
    assertEquals(2.75, metrics.get("mean_label").asDouble(), EXACT);
    assertEquals(3.0833333333333335, metrics.get("mean_prediction").asDouble(), EXACT);
    List<Double> quantiles = new ArrayList<>();
    json.get("error_quantiles").forEach(q -> quantiles.add(q.get("absolute_error").asDouble()));
    assertEquals(List.of(0.5, 0.875, 1.0, 1.0, 1.0, 1.0), quantiles);
    // A bin per row with six rows, ordered by prediction (the two 2.0s by label).
    List<String> bins = new ArrayList<>();
    json.get("calibration").forEach(b -> bins.add(b.get("mean_prediction").asDouble() + "/"
        + b.get("mean_label").asDouble()));
    assertEquals(List.of("0.0/-0.5", "2.0/1.0", "2.0/2.0", "2.5/3.0", "4.0/4.0", "8.0/7.0"), bins);
    JsonNode baselines = json.get("baselines");
    assertEquals("linear_regression", baselines.get("best").asText());
    assertTrue(baselines.get("model_is_worse").asBoolean());
    assertEquals(2, baselines.get("baselines").size());
    assertTrue(json.get("champion").isNull());

    Row row = DeltaTables.read(spark, context.table(Table.EVALUATIONS))
        .where(functions.col("run_date").equalTo(context.runDate())).head();
    assertEquals(VERSION, row.getAs("model_version"));
    assertEquals(6L, (long) row.getAs("rows"));
    assertEquals(0L, (long) row.getAs("positives"));
    assertTrue(Double.isNaN(row.getAs("roc_auc")));
    assertTrue(Double.isNaN(row.getAs("accuracy")));
    assertTrue(Double.isNaN(row.getAs("threshold")));
    assertEquals(0.6454972243679028, (double) row.getAs("rmse"), EXACT);
    assertEquals(0.5, (double) row.getAs("mae"), EXACT);
    assertEquals(0.9261992619926199, (double) row.getAs("r2"), EXACT);
    assertEquals(true, row.getAs("blessed"));
    Row old = DeltaTables.read(spark, context.table(Table.EVALUATIONS))
        .where(functions.col("run_date").equalTo(EARLIER_DATE)).head();
    assertEquals(0.93, (double) old.getAs("roc_auc"));
    assertTrue(old.isNullAt(old.fieldIndex("rmse")), "an earlier row reads rmse as null");

    String html = Files.readString(Path.of(URI.create(result[0].artifacts().get("report_html"))));
    for (String shown : List.of("0.6455", "0.5000", "0.9262", "0.9459", "3.0833", "2.7500",
        "linear_regression (best)", "worse than baseline linear_regression", "Blessed",
        "no champion yet", "Predictions against labels")) {
      assertTrue(html.contains(shown), shown);
    }
  }

  @Test
  @Order(2)
  void aClassifiersSettingsAreRefusedByNameBeforeARowIsRead() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(run("evaluation.min_roc_auc=0.8",
            "evaluation.slices.columns=[\"region\"]", "evaluation.blessing.max_brier=0.2",
            "evaluation.blessing.metric=log_loss")));

    assertEquals(Failure.CONFIG, error.failure());
    assertEquals("evaluate: the model that wrote " + context.table(Table.PREDICTIONS)
        + " predicts a number, and these settings are for a classifier: evaluation.min_roc_auc; "
        + "evaluation.slices; evaluation.blessing.max_brier; evaluation.blessing.metric (a "
        + "regression model is compared on rmse); leave them out", error.getMessage());
  }

  @Test
  void theBlessingRefusesAWorseChallengerAndBlessesABetterOne() {
    BlessingConfig config = BlessingConfig.defaults();
    Blessing.Candidate champion = candidate("v1", new double[] {2.5, 0.0, 2.0, 8.0, 4.0, 2.0});

    Blessing.Verdict worse = RegressionEvaluation.verdict(config,
        candidate("v2", new double[] {2.0, 0.5, 2.0, 8.0, 4.0, 2.5}), champion, false);
    Blessing.Verdict better = RegressionEvaluation.verdict(config,
        candidate("v3", new double[] {3.0, -0.5, 2.0, 7.5, 4.0, 1.0}), champion, false);

    assertFalse(worse.blessed());
    // max_drop 0.01 of the champion's rmse: 0.0065.
    assertEquals(List.of("rmse 0.9354 is 0.2899 behind the champion's 0.6455 (max_drop 0.0065)"),
        worse.reasons());
    assertTrue(better.blessed(), better.toString());
    assertEquals("rmse 0.2041 is 0.4414 ahead of the champion's 0.6455 (max_drop 0.0065)",
        better.checks().get(1).detail());
    assertEquals(2, better.checks().size());
    // Without a champion only R² above 0 is asked: the classifier's bounds mean nothing here.
    Blessing.Verdict alone = RegressionEvaluation.verdict(config, champion, null, false);
    assertTrue(alone.blessed());
    assertEquals(List.of("min_r2"), alone.checks().stream().map(Blessing.Check::name).toList());
  }

  @Test
  void aModelWorseThanTheRowsMeanIsRefusedEvenWithoutAChampion() {
    // The labels (3, -0.5, 2, 7, 4, 1; mean 2.75) in reverse order predict them worse than 2.75.
    Blessing.Verdict reversed = RegressionEvaluation.verdict(BlessingConfig.defaults(),
        candidate("v4", new double[] {1.0, 4.0, 7.0, 2.0, -0.5, 3.0}), null, false);

    assertFalse(reversed.blessed());
    assertEquals(List.of("r2 -1.9077 is not above 0: the model predicts these rows worse than "
        + "their mean would"), reversed.reasons());
  }

  @Test
  void theBinsAreTenthsOfTheRowsOrderedByPrediction() {
    double[] predictions = new double[20];
    double[] labels = new double[20];
    for (int r = 0; r < 20; r++) {
      // Given in reverse: the bins must sort them.
      predictions[r] = 20 - r;
      labels[r] = 2 * (20 - r);
    }

    List<RegressionEvaluation.PredictionBin> bins =
        RegressionEvaluation.predictionBins(new RegressionScores(predictions, labels));

    assertEquals(10, bins.size());
    assertEquals(new RegressionEvaluation.PredictionBin(1, 2, 1.0, 2.0, 1.5, 3.0), bins.get(0));
    assertEquals(new RegressionEvaluation.PredictionBin(10, 2, 19.0, 20.0, 19.5, 39.0),
        bins.get(9));
    assertEquals(-19.5, bins.get(9).meanError());
  }

  @Test
  void theBaselinesAreReadFromTheTrainRunsKeys() {
    RegressionEvaluation.Baselines baselines = RegressionEvaluation.baselines("network",
        Map.of("validation_rmse", 0.5, "baseline_mean_validation_rmse", 2.0,
            "baseline_gbt_validation_rmse", 0.6, "baseline_best_validation_rmse", 0.6));

    assertEquals(List.of(new RegressionEvaluation.BaselineFigures("gbt", 0.6, Double.NaN),
        new RegressionEvaluation.BaselineFigures("mean", 2.0, Double.NaN)),
        baselines.baselines());
    assertEquals("gbt", baselines.best());
    assertFalse(baselines.modelIsWorse());
    assertEquals(java.util.Optional.empty(),
        RegressionEvaluation.baselineWarning("v1", baselines));
  }

  @Test
  void aModelPredictingOneNumberIsSaidToHaveCollapsed() {
    RegressionScores constant = new RegressionScores(new double[] {2.5, 2.5, 2.5},
        new double[] {1.0, 2.0, 4.0});

    assertEquals(java.util.Optional.of("evaluate: model v1 predicts 2.5000 for every one of the "
            + "3 test rows: it learnt no more than one number (a collapsed network); retrain"),
        RegressionEvaluation.constantPredictionWarning("test", "v1", constant));
    assertEquals(java.util.Optional.empty(), RegressionEvaluation.constantPredictionWarning("test",
        "v1", new RegressionScores(TEST_PREDICTIONS, TEST_LABELS)));
  }

  @Test
  void theDefaultsHoldNoClassifierSetting() {
    assertEquals(List.of(), RegressionEvaluation.unsupported(EvaluationConfig.defaults()));
  }

  @Test
  void predictionsWithoutThePredictionColumnAreNamed() {
    Dataset<Row> probabilities = SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create("t0", 0.4, VERSION, 1.0)), new StructType()
            .add("_record_id", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false)
            .add("model_version", DataTypes.StringType, false)
            .add("_label", DataTypes.DoubleType, false));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> RegressionEvaluation.scores(probabilities, "test", VERSION));

    assertEquals("evaluate: model reg-v1 predicts a number, and the test predictions have no "
        + "column prediction (columns: [_record_id, probability, model_version, _label]); re-run "
        + "score with this model", error.getMessage());
  }

  @Test
  void aSplitWithoutRowsAndARowWithoutAPredictionAreNamed() {
    SparkSession spark = SparkTestSession.get();
    DeeplineException empty = assertThrows(DeeplineException.class,
        () -> RegressionEvaluation.scores(spark.createDataFrame(List.of(), JUDGED), "validation",
            VERSION));
    assertEquals("evaluate: no validation rows to judge model reg-v1 on", empty.getMessage());

    DeeplineException missing = assertThrows(DeeplineException.class,
        () -> RegressionEvaluation.scores(spark.createDataFrame(List.of(
            RowFactory.create("t7", null, VERSION, 1.0)), JUDGED), "test", VERSION));
    assertEquals("evaluate: the test row t7 has no prediction; re-run score",
        missing.getMessage());
  }

  @Test
  void predictionsOfNeitherKindAreNamedWithTheirColumns() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> neither = spark.createDataFrame(List.of(RowFactory.create("t0", VERSION)),
        new StructType().add("_record_id", DataTypes.StringType, false)
            .add("model_version", DataTypes.StringType, false));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> EvaluateJob.onSplit(neither, neither, "test"));

    assertEquals("evaluate: the predictions hold neither probability (a classifier's) nor "
        + "prediction (a regression model's) (columns: [_record_id, model_version]); re-run "
        + "score", error.getMessage());
  }

  /**
   * The page in headless Chromium, without the pipeline: it renders (the house scripts mark it),
   * nothing reaches the console, and a screenshot is kept at {@value #SCREENSHOT}.
   */
  @Test
  void theReportRendersInABrowser(@TempDir Path pageDir) throws Exception {
    RegressionScores scores = new RegressionScores(TEST_PREDICTIONS, TEST_LABELS);
    Blessing.Candidate challenger = candidate(VERSION, TEST_PREDICTIONS);
    Blessing.Candidate champion = candidate("reg-v0", new double[] {2.0, 0.5, 2.0, 8.0, 4.0, 2.5});
    RegressionEvaluation.Report report = new RegressionEvaluation.Report("toy", "run-1",
        "2026-11-24", VERSION, "network", "test", "2026-11-24T06:00:00Z", scores.count(),
        RegressionEvaluation.metrics(scores), RegressionEvaluation.errorQuantiles(scores),
        RegressionEvaluation.predictionBins(scores),
        RegressionEvaluation.baselines("network", validationMetrics()),
        new RegressionEvaluation.Comparison("reg-v0", 6, challenger.metrics(),
            champion.metrics()),
        RegressionEvaluation.verdict(BlessingConfig.defaults(), challenger, champion, false));
    Path screenshot = Path.of(SCREENSHOT).toAbsolutePath();
    Files.createDirectories(screenshot.getParent());

    HeadlessChromium.Loaded page = HeadlessChromium.load(RegressionEvaluation.html(report),
        pageDir, screenshot);

    assertEquals(List.of(), page.console(), "console output");
    assertEquals("ok", HeadlessChromium.attribute(page.dom(), "html", "data-render"));
    assertTrue(page.dom().contains("Champion reg-v0 and this model on the same 6 rows"),
        "comparison");
    assertTrue(page.dom().contains("rmse 0.6455 is 0.2899 ahead of the champion's 0.9354"),
        "the blessing's check");
  }

  private static Blessing.Candidate candidate(String version, double[] predictions) {
    return new Blessing.Candidate(version, RegressionEvaluation.metrics(
        new RegressionScores(predictions, TEST_LABELS)), Map.of());
  }

  private RunContext run(String... overrides) {
    return new RunContext(RunContext.newRunId(), null, "evaluate", context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), overrides),
        context.warehouse(), context.spark());
  }
}
