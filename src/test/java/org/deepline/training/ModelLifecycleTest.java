package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.deepline.compression.CompressJob;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.etl.RecordIds;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.evaluation.EvaluationReport;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureVectorizer;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.SplitJob;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.NetworkScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.StreamScoreJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.Lineage;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
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
  /** How far after the training date the nightly test's dates lie (clear of the other tests'). */
  private static final int NIGHTLY_DAYS = 10;
  /** How far after the training date the drift test's shifted date lies. */
  private static final int MONITOR_DAYS = 20;
  /** How far after the training date the streaming test's date lies. */
  private static final int STREAM_DAYS = 30;

  @TempDir
  static Path dir;
  private RunContext context;
  private StageResult trained;

  @BeforeAll
  void trainOnce() {
    context = ToyData.context(dir, ROWS, false);
    // Recorded as the CLI records them: the lineage test asks which run wrote each table the model
    // read. The train run keeps the context's run id, which is the model version the tests name.
    RunRecorder recorder = new RunRecorder(new RunRegistry(context.spark(), context.warehouse()));
    for (Stage stage : List.<Stage>of(new IngestJob(), new SplitJob(), new FeatureJob())) {
      recorder.run(context.child(RunContext.newRunId(), stage.command()), stage);
    }
    trained = recorder.run(context, new TrainJob());
    new ScoreJob().run(context);
  }

  @Test
  void trainingLearnsTheSignalAndKeepsTheBestEpoch() {
    // x and segment carry a logistic signal whose Bayes AUC is about 0.85.
    assertTrue(trained.metric("validation_roc_auc") > 0.75, trained.metrics().toString());
    assertTrue(trained.metric("best_epoch") <= trained.metric("epochs_run"));
    assertEquals(splitRows("train"), trained.metric("rows_train"));
    // The toy config sets them; the run record holds them even when they resolve from the size.
    assertEquals(6.0, trained.metric("epochs"));
    assertEquals(3.0, trained.metric("patience"));
  }

  /** The toy label depends on x (strongly) and segment; noise, income and channel carry nothing. */
  @Test
  void permutationImportanceRanksTheSignalAboveTheNoise() {
    Map<String, Double> importance = new java.util.LinkedHashMap<>();
    trained.metrics().forEach((name, drop) -> {
      if (name.startsWith(TrainJob.IMPORTANCE_PREFIX)) {
        importance.put(name.substring(TrainJob.IMPORTANCE_PREFIX.length()), drop);
      }
    });

    assertEquals(java.util.Set.of("x", "noise", "income", "segment", "channel",
        "segment_x_channel"), importance.keySet(), "one entry per input, crosses included");
    assertEquals("x", importance.entrySet().stream().max(Map.Entry.comparingByValue())
        .orElseThrow().getKey(), importance.toString());
    assertTrue(importance.get("x") > 0.1, importance.toString());
    assertTrue(importance.get("segment") > importance.get("noise"), importance.toString());
    for (String empty : List.of("noise", "income", "channel")) {
      assertTrue(Math.abs(importance.get(empty)) < 0.03, empty + ": " + importance);
    }
  }

  @Test
  void theSanityCheckMemorisesATinySampleAndRefusesANetworkThatCannot() {
    StageResult sane = new TrainJob(null, true).run(with("train"));
    assertEquals(SanityCheck.ROWS, sane.metric("sanity_rows"));
    // The toy rows have continuous inputs: no two are identical, so the floor is 0.
    assertEquals(0.0, sane.metric("sanity_loss_floor"));
    assertTrue(sane.metric("sanity_loss") < SanityCheck.TOLERANCE, sane.metrics().toString());
    assertEquals(List.of(), sane.artifacts().keySet().stream().toList(), "nothing registered");

    // A learning rate a thousand times too small: 1500 steps move the weights nowhere.
    DeeplineException stuck = assertThrows(DeeplineException.class,
        () -> new TrainJob(null, true).run(with("train", "training.learning_rate=0.000005")));
    assertEquals(Failure.MODEL_GATE, stuck.failure());
    assertTrue(stuck.getMessage().startsWith("train --sanity: the network cannot memorise 64 "
        + "training rows, 1500 full-batch steps: loss "), stuck.getMessage());
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
    // The network alone: auto would stack it with the logistic regression it loses to.
    RunContext mustWin = with("train", "training.learning_rate=0.000001", "training.epochs=1",
        "baselines.require_network_wins=true", "training.ensemble.method=none");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(mustWin));
    assertEquals(Failure.MODEL_GATE, error.failure());

    assertTrue(error.getMessage().contains("BELOW the logistic_regression baseline's"),
        error.getMessage());
    // The model version is the run id: none was registered for the refused run.
    ModelRegistry registry = new ModelRegistry(context.spark(), context.warehouse());
    assertThrows(DeeplineException.class, () -> registry.version("toy", mustWin.runId()));
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
    // Every epoch measured every layer: the hidden layers and the output layer.
    int layers = metadata.training().layers().size() + 1;
    assertEquals(metadata.epochs().size() * layers, metadata.layerStatistics().size());
    assertEquals(List.of(1, 2), metadata.layerStatistics().stream()
        .map(LayerStatistics.Layer::epoch).distinct().limit(2).toList());
    assertEquals(metadata.layerStatistics().stream()
        .filter(l -> l.epoch() == metadata.bestEpoch() && l.layer() == 0).findFirst()
        .orElseThrow().updateRatio(), trained.metric("layer_0_update_ratio"));
    DecisionThreshold threshold = metadata.decisionThreshold();
    assertEquals("max_f1", threshold.rule());
    assertEquals(trained.metric("decision_threshold"), threshold.value());
    assertTrue(threshold.value() > 0 && threshold.value() < 1, threshold.toString());
    assertTrue(threshold.f1() > 0, threshold.toString());
    assertEquals(trained.metric("validation_f1_at_threshold"), threshold.f1().doubleValue());

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
  void modelJsonWrittenBeforeThresholdsReadsAsTheDefault() throws Exception {
    ModelMetadata metadata = ModelBundle.load(context.files(), trained.artifacts().get("model"))
        .metadata();
    com.fasterxml.jackson.databind.node.ObjectNode old =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(Json.write(metadata));
    old.remove("decision_threshold");

    ModelMetadata read = Json.read(old.toString(), ModelMetadata.class, "old model.json");

    assertEquals(DecisionThreshold.DEFAULT, read.decisionThreshold());
    assertEquals(0.5, read.decisionThreshold().value());
    assertEquals("default", read.decisionThreshold().rule());
  }

  @Test
  void rescoringTheSameDateReplacesItsPredictions() {
    SparkSession spark = SparkTestSession.get();
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
    double chosen = trained.metric("decision_threshold");
    assertEquals(chosen, again.metric("threshold"));
    assertEquals("model (max_f1)", again.artifacts().get("threshold_source"));
    assertEquals(0, predictions.where(functions.col(ScoreJob.PREDICTED_LABEL).notEqual(
        functions.col(BatchScorer.PROBABILITY).geq(chosen).cast("int"))).count());
  }

  @Test
  void anExplicitThresholdWinsAndTheRunSaysSo() {
    RunContext explicit = with("score", "scoring.threshold=0.9");

    StageResult scored = new ScoreJob().run(explicit);

    assertEquals(0.9, scored.metric("threshold"));
    assertEquals(trained.metric("decision_threshold"), scored.metric("model_threshold"));
    assertEquals("scoring.threshold", scored.artifacts().get("threshold_source"));
    Dataset<Row> predictions = DeltaTables.read(SparkTestSession.get(),
        context.table(Table.PREDICTIONS));
    assertEquals(0, predictions.where("predicted_label <> CAST(probability >= 0.9 AS INT)").count());
  }

  @Test
  void batchScoringEqualsSingleRowScoring() {
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    Map<String, Double> batch = ScoringAgreement.batchEqualsSingle(
        context.input(Table.SILVER).rows(), bundle, 1e-6);
    assertEquals(ROWS, batch.size());
    ModelScorer single = new ModelScorer(bundle);
    assertEquals(bundle.metadata().decisionThreshold(), single.threshold());
  }

  @Test
  void scoringInputWithoutAFeatureColumnFailsBeforeReadingData() {
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    Dataset<Row> silver = DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER));
    DeeplineException missing = assertThrows(DeeplineException.class,
        () -> new BatchScorer(bundle, 16).transformSchema(silver.drop("x").schema()));
    assertTrue(missing.getMessage().contains("lacks column(s) [x]"), missing.getMessage());
    DeeplineException wrongType = assertThrows(DeeplineException.class,
        () -> new BatchScorer(bundle, 16).transformSchema(silver.withColumn("x",
            functions.array(functions.col("x"))).schema()));
    assertTrue(wrongType.getMessage().contains("numeric input x has type array<double>"),
        wrongType.getMessage());
  }

  @Test
  @Order(Integer.MAX_VALUE - 2)
  void scoringADateScoresThatDatesPartitionOnly() {
    // The first day's predictions were written by the tests that ran before (rescoring, evaluation).
    SparkSession spark = SparkTestSession.get();
    String nextDay = java.time.LocalDate.parse(context.runDate()).plusDays(1).toString();
    int nextDayRows = 150;
    java.nio.file.Path nextCsv = ToyData.csv(newDir(dir.resolve("next-day")), nextDayRows, 99, false);
    RunContext next = new RunContext(RunContext.newRunId(), null, "score", nextDay,
        TestRuns.configFromJson(ToyData.configJson(nextCsv, false)), context.warehouse(), spark);
    new IngestJob().run(next);

    StageResult scored = new ScoreJob().run(next);

    Dataset<Row> predictions = DeltaTables.read(spark, context.table(Table.PREDICTIONS));
    Dataset<Row> silverNextDay = DeltaTables.slice(spark,
        DeltaTables.ref(spark, context.table(Table.SILVER)), nextDay);
    Dataset<Row> predictedNextDay = predictions.where(functions.col("run_date").equalTo(
        functions.lit(nextDay).cast("date")));
    assertEquals(nextDayRows, scored.metric("rows_scored"));
    assertEquals(nextDayRows, predictedNextDay.count());
    assertEquals(0, predictedNextDay.select("_record_id")
        .except(silverNextDay.select("_record_id")).count());
    assertEquals(ROWS, predictions.where(functions.col("run_date").equalTo(
        functions.lit(context.runDate()).cast("date"))).count(), "the first day is untouched");
    assertEquals(ROWS + nextDayRows, predictions.count());
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void compressionRegistersSmallerVersionsThatScore() {
    StageResult quantized = new CompressJob().run(with("compress", "compression.method=int8"));
    StageResult pruned = new CompressJob().run(with("compress", "compression.method=prune",
        "compression.target_sparsity=0.5", "compression.model_version=" + context.runId()));

    String prunedVersion = context.runId() + "-pruned50";
    assertEquals(context.runId() + "-int8", quantized.artifacts().get("model_version"));
    assertEquals(prunedVersion, pruned.artifacts().get("model_version"));
    assertEquals(context.runId(), pruned.artifacts().get("compressed_from"));
    assertEquals(0.5, pruned.metric("weight_sparsity"), 0.01);
    // Rounding to 255 levels zeroes only the weights below half a level.
    assertTrue(quantized.metric("weight_sparsity") < 0.25, quantized.metrics().toString());
    assertEquals(trained.metric("validation_roc_auc"), quantized.metric("test_roc_auc_before"),
        0.15, "the same model on the test split");
    assertTrue(Math.abs(quantized.metric("test_roc_auc_change")) < 0.02, quantized.metrics().toString());
    assertTrue(pruned.metric("network_bytes_after") > 0);
    ModelMetadata metadata = ModelBundle.load(context.files(), pruned.artifacts().get("model"))
        .metadata();
    assertEquals(prunedVersion, metadata.modelVersion());
    assertEquals("max_f1", metadata.decisionThreshold().rule());

    StageResult scored = new ScoreJob().run(with("score", "scoring.model_version=" + prunedVersion));
    assertEquals(prunedVersion, scored.artifacts().get("model_version"));
    assertEquals(ROWS, scored.metric("rows_scored"));
  }

  private RunContext with(String command, String... overrides) {
    return new RunContext(RunContext.newRunId(), null, command, context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), overrides),
        context.warehouse(), context.spark());
  }

  private static java.nio.file.Path newDir(java.nio.file.Path path) {
    try {
      return Files.createDirectories(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One evaluation for both: the report, then the gate that fails the run after writing it. */
  @Test
  void evaluationWritesJsonHtmlAndATableRowBeforeAFloorFailsIt() throws Exception {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(with("evaluate", "evaluation.min_roc_auc=0.999")));
    assertEquals(Failure.MODEL_GATE, error.failure());

    assertTrue(error.getMessage().contains("is below evaluation.min_roc_auc 0.9990"),
        error.getMessage());
    String reportDir = context.warehouse().reportDir("toy", context.runDate());
    EvaluationReport report = Json.read(
        context.files().readText(reportDir + "/" + EvaluateJob.JSON_REPORT),
        EvaluationReport.class, "report");
    assertEquals(splitRows("test"), report.metrics().count());
    assertTrue(report.metrics().rocAuc() > 0.7, "roc_auc " + report.metrics().rocAuc());
    assertTrue(error.getMessage().contains(String.format(java.util.Locale.ROOT, "ROC AUC %.4f",
        report.metrics().rocAuc())), error.getMessage());
    String html = context.files().readText(reportDir + "/" + EvaluateJob.HTML_REPORT);
    assertTrue(html.contains(context.runId()), "the page names the model version");
    Row row = DeltaTables.read(SparkTestSession.get(), context.table(Table.EVALUATIONS)).head();
    assertEquals(report.metrics().rocAuc(), row.<Double>getAs("roc_auc"));
    assertEquals("test", row.getAs("split"));
    assertEquals(TestRuns.RUN_DATE, row.getDate(row.fieldIndex("run_date")).toString());
  }

  @Test
  @Order(Integer.MAX_VALUE - 1)
  void evaluationNeverJudgesOnRowsTheModelTrainedOn() {
    new ScoreJob().run(context);
    RunContext resplit = with("split", "split.seed=5");
    new SplitJob().run(resplit);

    StageResult evaluated = new EvaluateJob().run(resplit);

    // About 70 % of the new test split was in the model's training split: those rows are left out.
    long excluded = (long) evaluated.metric("rows_excluded_seen_in_training");
    assertTrue(excluded > 0.5 * splitRows("test"), "excluded " + excluded);
    assertEquals(splitRows("test") - excluded, (long) evaluated.metric("rows"));
    // The date's split as the other tests' features were built from it: train refuses features
    // of an earlier split.
    new SplitJob().run(context);
  }

  /**
   * {@code deepline nightly} in this JVM, as a scheduler runs it (its lock refusal through
   * {@code submit/nightly.sh} is in SubmitPipelineIT): a later date run, then re-run within a
   * two-date backfill, keeps its predictions and adds the next date as a partition. After the test
   * that counts every prediction, since it adds dates.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void nightlyRerunsADateUnchangedAndBackfillsTheNext() throws Exception {
    Path conf = Files.writeString(dir.resolve("toy-nightly.json"),
        ToyData.configJson(dir.resolve("toy.csv"), false));
    java.time.LocalDate later = java.time.LocalDate.parse(context.runDate()).plusDays(NIGHTLY_DAYS);
    String first = later.toString();
    String second = later.plusDays(1).toString();
    // What is checked is the tables a date's run leaves, not the model: one epoch and no baseline
    // ladder make each of the three date runs shorter.
    String[] common = {"--conf", conf.toString(), "--warehouse", context.warehouse().root(),
        "--lock-dir", dir.resolve("locks").toString(), "--set", "training.epochs=1",
        "--set", "baselines.enabled=false"};

    assertEquals(0, org.deepline.cli.DeeplineCli.execute(concat(new String[] {"nightly",
        "--run-date", first}, common)));
    List<String> firstRun = predictionsOn(first);
    assertEquals(0, org.deepline.cli.DeeplineCli.execute(concat(new String[] {"nightly", "--from",
        first, "--to", second}, common)));

    assertEquals(ROWS, firstRun.size());
    assertEquals(firstRun, predictionsOn(first), "a re-run leaves the date's predictions");
    assertEquals(ROWS, predictionsOn(second).size());
    assertEquals(List.of(first, second), DeltaTables.read(context.spark(),
            context.table(Table.EVALUATIONS)).select(functions.col("run_date").cast("string"))
        .where(functions.col("run_date").geq(functions.lit(first).cast("date")))
        .orderBy("run_date").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  /**
   * {@code monitor}: the training date's rows are stable against its own train split; a later date
   * whose {@code x} (the strongest input) moved up by one standard deviation has drifted, and so
   * have the model's probabilities, while {@code noise} has not; with
   * {@code monitoring.fail_on_drift} the run fails with exit code 9's failure after writing.
   */
  @Test
  @Order(Integer.MAX_VALUE - 1)
  void monitorFindsTheShiftedInputAndTheMovedProbabilities() throws Exception {
    String version = "scoring.model_version=" + trained.artifacts().get("model_version");
    // Scored again by the trained model: other tests score the date with compressed versions.
    new ScoreJob().run(with("score", version));
    StageResult same = new org.deepline.monitoring.DriftJob().run(with("monitor", version));
    assertTrue(same.metric("max_psi") < 0.1, same.metrics().toString());
    assertEquals(0.0, same.metric("columns_moved"));

    List<String> lines = Files.readAllLines(dir.resolve("toy.csv"));
    StringBuilder shifted = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      fields[1] = String.format(java.util.Locale.ROOT, "%.4f", Double.parseDouble(fields[1]) + 1);
      shifted.append(String.join(",", fields)).append('\n');
    }
    Path moved = TestRuns.writeFile(newDir(dir.resolve("shifted")), "toy.csv",
        shifted.toString());
    String later = java.time.LocalDate.parse(context.runDate()).plusDays(MONITOR_DAYS).toString();
    java.util.function.Function<String[], RunContext> on = overrides -> new RunContext(
        RunContext.newRunId(), null, "monitor", later, TestRuns.configFromJson(
            ToyData.configJson(moved, false), overrides), context.warehouse(), context.spark());
    new IngestJob().run(on.apply(new String[] {version}));
    new ScoreJob().run(on.apply(new String[] {version}));

    StageResult drifted = new org.deepline.monitoring.DriftJob().run(
        on.apply(new String[] {version}));

    assertTrue(drifted.metric("psi:x") >= 0.25, drifted.metrics().toString());
    assertTrue(drifted.metric("psi:noise") < 0.1, drifted.metrics().toString());
    assertTrue(drifted.metric("psi:_probability") >= 0.1, drifted.metrics().toString());
    assertEquals(ROWS, drifted.metric("rows_current"));
    assertEquals(splitRows("train"), drifted.metric("rows_reference"));
    assertEquals(context.runDate(), drifted.artifacts().get("reference_date"));
    DeeplineException alert = assertThrows(DeeplineException.class,
        () -> new org.deepline.monitoring.DriftJob().run(on.apply(new String[] {version,
            "monitoring.fail_on_drift=true"})));
    assertEquals(DeeplineException.Failure.DRIFT, alert.failure());
    assertTrue(alert.getMessage().contains(" moved (population stability index): x "),
        alert.getMessage());
    assertEquals(drifted.metric("columns_compared"), DeltaTables.read(context.spark(),
            context.table(Table.DRIFT))
        .where(functions.col("run_date").equalTo(functions.lit(later).cast("date"))).count(),
        "the failed run replaced the date's rows, it did not add to them");
  }

  /**
   * {@code score-stream}: the first run scores every row silver holds, with the probabilities batch
   * scoring gives the same rows; a date that lands later is scored alone, the same date loaded again
   * is scored again as silver's new version of its rows, and a run with nothing new scores nothing.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void streamScoringScoresEachVersionOfARecordOnceAsBatchScoringDoes() throws Exception {
    SparkSession spark = context.spark();
    String modelVersion = trained.artifacts().get("model_version");
    String version = "scoring.model_version=" + modelVersion;
    Dataset<Row> silver = DeltaTables.read(spark, context.table(Table.SILVER));
    long silverRows = silver.count();

    StageResult first = new StreamScoreJob().run(with("score-stream", version));

    Dataset<Row> streamed = DeltaTables.read(spark, context.table(Table.STREAM_PREDICTIONS));
    assertEquals(silverRows, first.metric("rows_scored"));
    assertEquals(silverRows, streamed.count());
    assertEquals(modelVersion, first.artifacts().get("model_version"));
    ModelBundle bundle = ModelBundle.load(context.files(), new ModelRegistry(spark,
        context.warehouse()).resolve("toy", modelVersion).path());
    // Batch scoring of silver as it stood, each row kept with its date: the toy file was loaded
    // on several dates, and its record ids with it.
    Dataset<Row> batch = ScoreJob.predict(silver, List.of(), bundle, 64, 0.5, "batch",
        List.of("run_date"));
    Dataset<Row> both = streamed.alias("s").join(batch.alias("b"),
        functions.col("s._record_id").equalTo(functions.col("b._record_id"))
            .and(functions.col("s.run_date").equalTo(functions.col("b.run_date"))));
    assertEquals(silverRows, both.count());
    assertEquals(0, both.where("abs(s.probability - b.probability) > 1e-6").count(),
        "the stream's probabilities are batch scoring's");

    String landed = java.time.LocalDate.parse(context.runDate()).plusDays(STREAM_DAYS).toString();
    int landedRows = 40;
    java.nio.file.Path landedCsv = ToyData.csv(newDir(dir.resolve("streamed")), landedRows, 23,
        false);
    RunContext ingest = new RunContext(RunContext.newRunId(), null, "ingest", landed,
        TestRuns.configFromJson(ToyData.configJson(landedCsv, false)), context.warehouse(), spark);
    new IngestJob().run(ingest);
    StageResult second = new StreamScoreJob().run(with("score-stream", version));
    new IngestJob().run(ingest);
    StageResult third = new StreamScoreJob().run(with("score-stream", version));
    StageResult idle = new StreamScoreJob().run(with("score-stream", version));

    assertEquals(landedRows, second.metric("rows_scored"));
    assertEquals(landedRows, third.metric("rows_scored"), "the date loaded again");
    assertEquals(0.0, idle.metric("rows_scored"));
    Dataset<Row> onLanded = DeltaTables.read(spark, context.table(Table.STREAM_PREDICTIONS))
        .where(functions.col("run_date").equalTo(functions.lit(landed).cast("date")));
    assertEquals(2 * landedRows, onLanded.count());
    assertEquals(2, onLanded.select(StreamScoreJob.SILVER_VERSION).distinct().count());
    assertEquals(silverRows + 2 * landedRows,
        DeltaTables.read(spark, context.table(Table.STREAM_PREDICTIONS)).count());

    // Stopped after its last batch's commit and before the checkpoint's: the next run replays the
    // batch, which Delta does not write a second time.
    java.nio.file.Path commits = java.nio.file.Paths.get(java.net.URI.create(context.warehouse()
        .streamCheckpoint("toy", StreamScoreJob.STREAM))).resolve("commits");
    Files.delete(commits.resolve("2"));
    Files.deleteIfExists(commits.resolve(".2.crc"));
    StageResult replayed = new StreamScoreJob().run(with("score-stream", version));
    assertEquals(1.0, replayed.metric("batches_replayed"));
    assertEquals(0.0, replayed.metric("rows_scored"));
    // An interval stream with nothing to score stops when its minutes are up, and says so.
    StageResult interval = new StreamScoreJob().run(with("score-stream", version,
        "scoring.stream.trigger=interval", "scoring.stream.interval_seconds=1",
        "scoring.stream.run_minutes=0.05"));
    assertEquals(0.0, interval.metric("rows_scored"));
    assertTrue(interval.metric("seconds") >= 3, interval.metrics().toString());
    assertEquals(silverRows + 2 * landedRows,
        DeltaTables.read(spark, context.table(Table.STREAM_PREDICTIONS)).count());

    // A load while the change data feed was off: the checkpoint cannot read across it, and says so.
    spark.sql("ALTER TABLE delta.`" + context.table(Table.SILVER) + "` SET TBLPROPERTIES ('"
        + DeltaTables.CHANGE_DATA_FEED + "' = 'false')");
    new IngestJob().run(ingest);
    DeeplineException broken = assertThrows(DeeplineException.class,
        () -> new StreamScoreJob().run(with("score-stream", version)));
    assertEquals(DeeplineException.Failure.INPUT, broken.failure());
    assertTrue(broken.getMessage().startsWith("score-stream: the stream stopped: "),
        broken.getMessage());
    assertTrue(broken.getMessage().contains("see docs/operations.md, Streaming scoring"),
        broken.getMessage());
  }

  /** A date's predictions without what differs between runs by design (run id, scoring time). */
  private List<String> predictionsOn(String runDate) {
    return DeltaTables.read(context.spark(), context.table(Table.PREDICTIONS))
        .where(functions.col("run_date").equalTo(functions.lit(runDate).cast("date")))
        .drop("run_id", "scored_at").orderBy(RecordIds.RECORD_ID)
        .toJSON().collectAsList();
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /**
   * The model's lineage names the table versions it was trained on; after the date is split again
   * (other train records), time travel to those versions still gives exactly the training rows.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void lineageReproducesTheTrainingSetAfterTheDateIsReSplit() {
    SparkSession spark = SparkTestSession.get();
    RunRegistry runs = new RunRegistry(spark, context.warehouse());
    ModelRegistry.ModelEntry model = new ModelRegistry(spark, context.warehouse()).resolve("toy",
        trained.artifacts().get("model_version"));
    FeatureModel.FitProvenance fitted = ModelBundle.loadMetadata(context.files(), model.path())
        .featureModel().fittedOn();
    long rowsTrain = runs.require(model.runId()).metrics().get("rows_train").longValue();

    RunContext resplit = with("split", "split.seed=7");
    new SplitJob().run(resplit);
    Dataset<Row> resplitRows = DeltaTables.slice(spark,
        DeltaTables.ref(spark, context.table(Table.SPLITS)), context.runDate());
    assertNotEquals(fitted.fingerprint(),
        SplitFingerprint.of(resplitRows, StratifiedSplitter.TRAIN),
        "the re-split date has other train records");

    Lineage lineage = Lineage.of(model, runs.all());
    Lineage.Source features = lineage.sources().get(0);
    assertEquals("features", features.writer());
    assertEquals(context.table(Table.FEATURES), features.table().path());
    Lineage.Source splits = lineage.sources().stream()
        .filter(source -> source.table().path().equals(context.table(Table.SPLITS)))
        .findFirst().orElseThrow();
    assertEquals("split", splits.writer());
    assertEquals(fitted.splitsVersion(), splits.table().version());

    Dataset<Row> trainedOn = DeltaTables.slice(spark, features.table(), features.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    Dataset<Row> trainSplit = DeltaTables.slice(spark, splits.table(), splits.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    assertEquals(rowsTrain, trainedOn.count());
    assertEquals(fitted.rows(), trainSplit.count());
    assertEquals(fitted.fingerprint(), SplitFingerprint.of(DeltaTables.slice(spark, splits.table(),
        splits.runDate()), StratifiedSplitter.TRAIN));
    assertEquals(0, trainedOn.exceptAll(trainSplit).count(), "the same record ids");
    assertEquals(0, trainSplit.exceptAll(trainedOn).count(), "the same record ids");
  }

  private long splitRows(String split) {
    return DeltaTables.read(SparkTestSession.get(), context.table(Table.SPLITS))
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(split)).count();
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
