package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTable;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.SplitJob;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --tune} end to end on the toy data: 4 trials over 2 rungs (1 and 2 epochs, eta 2),
 * each a child run, the first of them the untuned config; the best two on validation and the
 * untuned config are cross-validated, and the best of them there is the winner, registered, and its
 * training section written next to the model. The test split's features are all NaN: reading them fails training
 * (proved first), so a tuning run that succeeds never read them.
 */
class TrainTuneTest {
  private static final int ROWS = 1500;
  private static final int TRIALS = 4;

  @TempDir
  static Path dir;

  @Test
  void trialsAreChildRunsTheWinnerIsTheBestOnValidationAndTheTestSplitIsNeverRead() {
    RunContext context = ToyData.context(dir, ROWS, false, "training.epochs=2",
        "training.patience=2", "tuning.max_trials=" + TRIALS, "tuning.eta=2", "tuning.seed=3",
        "tuning.space.layer_units=[[4], [16]]", "tuning.space.batch_size_per_worker=[16, 32]",
        "tuning.space.averaging_frequency=[2, 5]",
        "tuning.space.learning_rate={\"min\": 0.001, \"max\": 0.05}", "tuning.finalists=2",
        // One rung of the ladder keeps the comparison (and the class under a minute).
        "baselines.models=[\"majority\"]");
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    breakTestSplit(context);
    int width = FeatureModel.fromJson(context.files().readText(context.warehouse()
        .featureArtifact("toy", context.runDate())), "features").width();
    Dataset<Row> testRows = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TEST));
    DeeplineException readingTest = assertThrows(DeeplineException.class,
        () -> TrainingData.cache(testRows, 2, 42L, StratifiedSplitter.TEST, width));
    assertEquals("train: feature 0 of a test row is NaN; the features stage must not emit NaN or "
        + "infinite values", readingTest.getMessage());

    RunRegistry runs = new RunRegistry(context.spark(), context.warehouse());
    StageResult result = new RunRecorder(runs).run(context,
        new TrainJob(null, false, true, new RunRecorder(runs)));

    List<RunRecord> trials = runs.all().stream()
        .filter(run -> context.runId().equals(run.parentRunId()))
        .sorted(Comparator.comparing(run -> run.metrics().get("trial"))).toList();
    assertEquals(TRIALS, trials.size());
    assertEquals(TRIALS, result.metric("tune_trials"));
    assertEquals(0.0, result.metric("tune_trials_failed"));
    for (RunRecord trial : trials) {
      assertEquals(Tuner.TRIAL_COMMAND, trial.command());
      assertEquals(RunRecord.SUCCEEDED, trial.status());
      assertTrue(trial.metrics().containsKey("rung_0_validation_roc_auc"), trial.metrics()
          .toString());
      // The record's config is the trial's: its training section holds the drawn values.
      assertEquals(trial.metrics().get("learning_rate"),
          trial.config().get("training").get("learning_rate").asDouble());
      assertEquals(trial.artifacts().get("layers"),
          trial.config().get("training").get("layers").get(0).get("units").asText());
      assertEquals(2, trial.config().get("training").get("epochs").asInt());
    }
    // Rung 1 (2 epochs): the better of the first two as soon as both are in, and the top two of
    // all four at the end, so two or three trials, the best of rung 0 among them.
    List<RunRecord> secondRung = trials.stream()
        .filter(trial -> trial.metrics().containsKey("rung_1_validation_roc_auc")).toList();
    assertTrue(secondRung.size() == 2 || secondRung.size() == 3, secondRung.toString());
    RunRecord bestFirst = trials.stream().max(Comparator.comparing(
        (RunRecord trial) -> trial.metrics().get("rung_0_validation_roc_auc"))).orElseThrow();
    assertTrue(secondRung.contains(bestFirst), bestFirst.metrics().toString());
    RunRecord validationWinner = secondRung.stream().max(Comparator.comparing(
        (RunRecord trial) -> trial.metrics().get("rung_1_validation_roc_auc"))).orElseThrow();
    assertEquals(validationWinner.metrics().get("trial"),
        result.metric("tune_validation_best_trial"));
    // Trial 1 is the training section as written.
    RunRecord untuned = trials.get(0);
    assertEquals(1.0, untuned.metrics().get("trial"));
    TrainingConfig written = context.section(TrainingConfig.class);
    assertEquals(written.learningRate(), untuned.metrics().get("learning_rate"));
    assertEquals(SearchSpace.layerShape(written), untuned.artifacts().get("layers"));
    // The finalists: the best two of the highest rungs, and the untuned config when it is not one.
    List<RunRecord> finalists = trials.stream()
        .filter(trial -> trial.metrics().containsKey("cv_roc_auc")).toList();
    assertTrue(finalists.size() == 2 || finalists.size() == 3, finalists.toString());
    assertTrue(finalists.contains(validationWinner) && finalists.contains(untuned),
        finalists.toString());
    assertEquals(finalists.size(), result.metric("tune_cv_finalists"));
    assertEquals(5.0, result.metric("tune_cv_folds"));
    // Every training and validation row is held out once (the test split's rows are NaN).
    assertEquals(ROWS - testRows.count(), result.metric("tune_cv_rows"));
    // The best on the folds: the finalist the run names has the highest mean (of equal means,
    // the first finalist scored is named).
    RunRecord bestOnFolds = finalists.stream().filter(trial -> trial.metrics().get("trial")
        .equals(result.metric("tune_cv_best_trial"))).findFirst().orElseThrow();
    assertEquals(finalists.stream().mapToDouble(trial -> trial.metrics().get("cv_roc_auc")).max()
        .orElseThrow(), bestOnFolds.metrics().get("cv_roc_auc"));
    // The best on the folds wins when it is the untuned config or leads it beyond one standard
    // error; the untuned config is kept otherwise.
    boolean leads = bestOnFolds == untuned || result.metric("tune_cv_lead_over_untuned")
        > result.metric("tune_cv_lead_standard_error");
    RunRecord winner = leads ? bestOnFolds : untuned;
    assertEquals(winner.metrics().get("cv_roc_auc"), result.metric("tune_cv_winner_roc_auc"));
    assertEquals(1.0, winner.metrics().get("winner"));
    assertEquals(1, trials.stream().filter(trial -> trial.metrics().containsKey("winner"))
        .count());
    assertEquals(winner.metrics().get("trial"), result.metric("tune_best_trial"));
    assertEquals(winner.runId(), result.artifacts().get("tune_best_trial_run"));
    assertEquals(winner.metrics().get("validation_roc_auc"),
        result.metric("tune_winner_validation_roc_auc"));
    assertEquals(result.metric("tune_winner_validation_roc_auc"),
        result.metric("validation_roc_auc"));
    // Registered like a plain run, with the winner's training section next to the model.
    String modelDir = context.warehouse().modelDir("toy", context.runId());
    assertEquals(modelDir, result.artifacts().get("model"));
    assertEquals(context.runId(), new ModelRegistry(context.spark(), context.warehouse())
        .latest("toy", context.runDate()).modelVersion());
    TrainingConfig tuned = Json.read(context.files().readText(modelDir + "/"
        + Tuner.TUNED_TRAINING_FILE), TrainingConfig.class, "tuned-training.json");
    assertEquals(ModelBundle.loadMetadata(context.files(), modelDir).training(), tuned);
    assertEquals(tuned, Json.read(winner.config().get("training").toString(),
        TrainingConfig.class, "the winner's run record"));
    assertTrue(result.metrics().containsKey("baseline_best_validation_roc_auc"),
        result.metrics().toString());
    RunRecord tuneRun = runs.require(context.runId());
    assertNull(tuneRun.parentRunId());
    assertEquals(TRIALS, tuneRun.metrics().get("tune_trials"));
  }

  @Test
  void tuneExcludesResumeAndSanity() {
    RunRecorder recorder = new RunRecorder(null);
    DeeplineException withSanity = assertThrows(DeeplineException.class,
        () -> new TrainJob(null, true, true, recorder));
    assertEquals("train: --tune excludes --sanity (a search starts anew and registers its "
        + "winner)", withSanity.getMessage());
    DeeplineException withResume = assertThrows(DeeplineException.class,
        () -> new TrainJob("20261124T000000-abcdef", false, true, recorder));
    assertEquals("train: --tune excludes --resume (a search starts anew and registers its "
        + "winner)", withResume.getMessage());
  }

  /** Every test row's features NaN, written back over the run date's features. */
  private static void breakTestSplit(RunContext context) {
    Dataset<Row> features = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows())
        .localCheckpoint();
    Dataset<Row> broken = features.withColumn(FeatureTransform.FEATURES, functions.when(
        functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TEST),
        functions.expr("transform(features, x -> double('NaN'))"))
        .otherwise(functions.col(FeatureTransform.FEATURES)));
    DeltaTables.replaceRunDate(broken.drop(DeltaTables.RUN_DATE), context.table(Table.FEATURES),
        context.runDate());
  }
}
