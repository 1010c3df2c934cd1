package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.BaselineLadder;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.BaselinePromotion;
import org.deepline.baselines.LinearModel;
import org.deepline.compression.CompressJob;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureTable;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.SplitJob;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.LinearScorer;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baselines.promote}: a logistic regression that beats a deliberately weak network (one
 * epoch at a tiny learning rate) is registered as the model version, scores alike in batch, row by
 * row and in MLlib, is evaluated under its own kind and refused by compress; without promote the
 * same run registers the network. Gradient-boosted trees that beat it are registered likewise and
 * score as MLlib's own trees.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BaselinePromotionTest {
  private static final int ROWS = 600;
  private static final double SAME_PROBABILITY = 1e-6;
  /** MLlib scores the features table's doubles, deepline the vectoriser's floats. */
  private static final double SAME_AS_MLLIB = 1e-5;
  private static final int CONVERGED_ITERATIONS = 1000;
  private static final double CONVERGED_TOLERANCE = 1e-12;
  /**
   * The network alone: auto would stack it with the logistic regression it is to lose to (that
   * path is EnsembleLifecycleTest's).
   */
  private static final String[] WEAK_NETWORK = {"training.epochs=1",
      "training.learning_rate=0.00001", "baselines.models=[\"majority\", \"logistic_regression\"]",
      "training.ensemble.method=none"};
  /** The weak network against the logistic regression alone, with the default ensemble, auto. */
  private static final String[] WEAK_NETWORK_AUTO = {"training.epochs=1",
      "training.learning_rate=0.00001", "baselines.models=[\"majority\", \"logistic_regression\"]"};
  /** The network alone: auto would stack it with the trees it is to lose to. */
  private static final String[] WEAK_NETWORK_AGAINST_GBT = {"training.epochs=1",
      "training.learning_rate=0.00001", "baselines.models=[\"majority\", \"gbt\"]",
      "baselines.promote=true", "training.ensemble.method=none"};
  /**
   * The same with the default ensemble method, auto, stacking on the trees' lead (the toy's
   * training split is small enough to be stacked for its size: that rule is
   * EnsembleLifecycleTest's).
   */
  private static final String[] WEAK_NETWORK_AGAINST_GBT_AUTO = {"training.epochs=1",
      "training.learning_rate=0.00001", "baselines.models=[\"majority\", \"gbt\"]",
      "baselines.promote=true", "training.ensemble.auto_stack_rows=0"};

  @TempDir
  static Path dir;
  private RunContext context;
  private StageResult kept;
  private StageResult promoted;
  private StageResult promotedGbt;
  private StageResult autoStackKept;
  private StageResult autoLinearStack;

  @BeforeAll
  void trainTheWeakNetworkWithAndWithoutPromotion() {
    context = ToyData.context(dir, ROWS, false);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    kept = new TrainJob().run(with("train", WEAK_NETWORK));
    // Before the logistic regression's run, so that the latest model version stays that one.
    promotedGbt = new TrainJob().run(with("train", WEAK_NETWORK_AGAINST_GBT));
    // The same, with the default ensemble method: auto stacks the network with the trees first.
    autoStackKept = new TrainJob().run(with("train", WEAK_NETWORK_AGAINST_GBT_AUTO));
    autoLinearStack = new TrainJob().run(with("train", WEAK_NETWORK_AUTO));
    promoted = new TrainJob().run(with("train", concat(WEAK_NETWORK, "baselines.promote=true")));
  }

  private RunContext with(String command, String... overrides) {
    return new RunContext(RunContext.newRunId(), null, command, context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), overrides),
        context.warehouse(), context.spark());
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void withAutoTheStackIsWhatAPromotableBaselineMustBeat() {
    Map<String, Double> metrics = autoStackKept.metrics();
    assertEquals(1.0, metrics.get("ensemble_auto_stacked"), metrics.toString());
    double stack = metrics.get("ensemble_validation_roc_auc");
    double gbt = metrics.get("baseline_gbt_validation_roc_auc");
    // The trees beat the network alone by far, but not the stack by promote_margin.
    assertTrue(gbt - metrics.get("network_validation_roc_auc") > 0.002, metrics.toString());
    assertEquals(gbt - stack, metrics.get("baseline_promotable_margin"), 1e-12);
    assertTrue(gbt - stack <= 0.002, metrics.toString());
    assertTrue(autoStackKept.artifacts().get("model_kind").startsWith("stacking"),
        autoStackKept.artifacts().toString());
    assertTrue(autoStackKept.artifacts().get("baseline_promotion").startsWith("kept stacking"),
        autoStackKept.artifacts().get("baseline_promotion"));
  }

  /**
   * The ladder's logistic regression leading the network is reason enough for auto to stack: the
   * stack has a linear member, the ladder's own fit, and no gbt rung to compare with.
   */
  @Test
  void withAutoALeadingLogisticRegressionIsStackedWithTheNetwork() {
    Map<String, Double> metrics = autoLinearStack.metrics();
    assertTrue(metrics.get("ensemble_auto_logistic_regression_lead") > 0.005, metrics.toString());
    assertFalse(metrics.containsKey("ensemble_auto_gbt_lead"), metrics.toString());
    // A small split, but no gbt rung: the lead, not the size, stacked it.
    assertFalse(metrics.containsKey("ensemble_auto_small_split"), metrics.toString());
    assertEquals(1.0, metrics.get("ensemble_auto_stacked"), metrics.toString());
    assertEquals("stacking of 1 network, 1 boosted-tree model and 1 logistic regression "
        + "(logistic_regression)", autoLinearStack.artifacts().get("model_kind"));
    assertEquals(1.0, metrics.get("ensemble_member_logistic_regression_reused_from_ladder"));
    assertEquals(0.0, metrics.get("ensemble_member_gbt_reused_from_ladder"));
    assertEquals(metrics.get("baseline_logistic_regression_validation_roc_auc"),
        metrics.get("ensemble_member_logistic_regression_validation_roc_auc"), 1e-4);
    assertTrue(metrics.get("ensemble_validation_roc_auc")
        > metrics.get("network_validation_roc_auc"), metrics.toString());
  }

  @Test
  void withoutPromoteTheLosingNetworkIsRegistered() {
    Map<String, Double> metrics = kept.metrics();
    assertEquals("network", kept.artifacts().get("model_kind"));
    assertTrue(metrics.get("network_margin_over_best_baseline") < -0.01, metrics.toString());
    assertEquals(metrics.get("network_validation_roc_auc"), metrics.get("validation_roc_auc"));
    assertFalse(kept.artifacts().containsKey("promoted_baseline"));
    assertFalse(kept.artifacts().containsKey("baseline_promotion"));
    assertFalse(metrics.containsKey("promoted_baseline_margin"));
    ModelBundle bundle = ModelBundle.load(context.files(), kept.artifacts().get("model"));
    assertNull(bundle.metadata().baseline());
  }

  @Test
  void withPromoteTheLogisticRegressionIsTheModelVersion() {
    Map<String, Double> metrics = promoted.metrics();
    double logistic = metrics.get("baseline_logistic_regression_validation_roc_auc");
    double network = metrics.get("network_validation_roc_auc");
    assertEquals("baseline:logistic_regression", promoted.artifacts().get("model_kind"));
    assertEquals("logistic_regression", promoted.artifacts().get("promoted_baseline"));
    assertTrue(promoted.artifacts().get("baseline_promotion")
        .startsWith("promoted logistic_regression: validation ROC AUC 0.8"),
        promoted.artifacts().get("baseline_promotion"));
    assertEquals(logistic, metrics.get("validation_roc_auc"));
    assertEquals(logistic - network, metrics.get("promoted_baseline_margin"), 1e-12);
    assertEquals(logistic - network, metrics.get("baseline_promotable_margin"), 1e-12);
    assertTrue(logistic - network > 0.002, metrics.toString());
    // The registered model is the best baseline: its margin over the ladder is zero.
    assertEquals(0.0, metrics.get("network_margin_over_best_baseline"), 1e-12);

    ModelBundle bundle = ModelBundle.load(context.files(), promoted.artifacts().get("model"));
    PromotedBaseline baseline = bundle.metadata().baseline();
    assertEquals("logistic_regression", baseline.model());
    assertEquals("baseline/logistic_regression.json", baseline.file());
    assertEquals("network", baseline.replacedKind());
    assertEquals(network, baseline.replacedRocAuc());
    assertTrue(baseline.settings().startsWith("reg_param="), baseline.settings());
    assertNull(bundle.metadata().ensemble());
    assertEquals(promoted.artifacts().get("model_version"),
        new ModelRegistry(context.spark(), context.warehouse()).latest("toy", context.runDate())
            .modelVersion());
  }

  /**
   * Batch and single-row scores agree; they are MLlib's own logistic regression's probabilities,
   * refitted here with the settings the ladder chose; and the threshold and validation ROC AUC
   * training recorded are those of these scores.
   */
  @Test
  void thePromotedModelScoresAsMllibInBatchAndRowByRow() {
    ModelBundle bundle = ModelBundle.load(context.files(), promoted.artifacts().get("model"));
    Map<String, Double> batch = ScoringAgreement.batchEqualsSingle(
        context.input(Table.SILVER).rows(), bundle, SAME_PROBABILITY);
    assertEquals(ROWS, batch.size());

    Dataset<Row> features = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows())
        .select(functions.col(RecordIds.RECORD_ID), functions.col(StratifiedSplitter.SPLIT),
            org.apache.spark.ml.functions.array_to_vector(functions.col(FeatureTransform.FEATURES))
                .as("vector"), functions.col(LabelConfig.LABEL).cast("double").as("target"));
    double regularisation = Double.parseDouble(
        bundle.metadata().baseline().settings().substring("reg_param=".length()));
    // The ladder fitted it on the driver to the optimum of MLlib's objective: MLlib run to
    // convergence meets it there.
    LogisticRegressionModel mllib = new LogisticRegression().setFeaturesCol("vector")
        .setLabelCol("target").setRegParam(regularisation)
        .setMaxIter(CONVERGED_ITERATIONS).setTol(CONVERGED_TOLERANCE)
        .fit(features.where(functions.col(StratifiedSplitter.SPLIT)
            .equalTo(StratifiedSplitter.TRAIN)));
    List<Row> scored = mllib.transform(features)
        .select(functions.col(RecordIds.RECORD_ID), org.apache.spark.ml.functions
            .vector_to_array(functions.col("probability"), "float64").getItem(1),
            functions.col(StratifiedSplitter.SPLIT), functions.col("target"))
        .collectAsList();
    assertEquals(ROWS, scored.size());
    int validationRows = 0;
    for (Row row : scored) {
      validationRows += StratifiedSplitter.VALIDATION.equals(row.getString(2)) ? 1 : 0;
    }
    float[] probabilities = new float[validationRows];
    byte[] labels = new byte[validationRows];
    int next = 0;
    for (Row row : scored) {
      String id = row.getString(0);
      assertEquals(row.getDouble(1), batch.get(id), SAME_AS_MLLIB, "record " + id);
      if (StratifiedSplitter.VALIDATION.equals(row.getString(2))) {
        probabilities[next] = batch.get(id).floatValue();
        labels[next++] = (byte) row.getDouble(3);
      }
    }
    ScoredLabels validation = new ScoredLabels(probabilities, labels);
    assertEquals(promoted.metric("validation_roc_auc"), validation.rocAuc(), 1e-4);
    double threshold = with("train").section(TrainingConfig.class).threshold().toRule()
        .choose(validation).value();
    assertEquals(threshold, promoted.metric("decision_threshold"), 1e-4);
    assertEquals(threshold, bundle.metadata().decisionThreshold().value(), 1e-4);
  }

  @Test
  void aPromotedGbtIsTheModelVersionAndScoresAsTheLaddersTreesInBatchAndRowByRow() {
    assertEquals("baseline:gbt", promotedGbt.artifacts().get("model_kind"));
    assertEquals("gbt", promotedGbt.artifacts().get("promoted_baseline"));
    ModelBundle bundle = ModelBundle.load(context.files(), promotedGbt.artifacts().get("model"));
    Map<String, Double> batch = ScoringAgreement.batchEqualsSingle(
        context.input(Table.SILVER).rows(), bundle, SAME_PROBABILITY);
    assertEquals(ROWS, batch.size());

    // The ladder's trees refitted with its settings on the same training rows (on the driver, as
    // the ladder fits data this small), scored here from the features table's doubles.
    Dataset<Row> features = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows());
    BoostedTrees refitted = BaselineLadder.fitGbt(
        features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN)),
        FeatureTransform.FEATURES, LabelConfig.LABEL,
        with("train").section(TrainingConfig.class).seed(),
        BaselineConfig.DEFAULT_DRIVER_MAX_ROWS);
    List<Row> rows = features.select(RecordIds.RECORD_ID, FeatureTransform.FEATURES)
        .collectAsList();
    assertEquals(ROWS, rows.size());
    for (Row row : rows) {
      double[] vector = row.getList(1).stream().mapToDouble(value -> ((Number) value).doubleValue())
          .toArray();
      assertEquals(refitted.probability(vector), batch.get(row.getString(0)), SAME_AS_MLLIB,
          "record " + row.getString(0));
    }
  }

  @Test
  void theImportanceIsThePromotedModelsOwn() {
    // The toy label is a logistic function of x (and segment); noise carries nothing. The weak
    // network leaned on neither in particular, the logistic regression it lost to leans on x.
    Map<String, Double> importance = importanceOf(promoted);
    assertEquals(java.util.Set.of("x", "noise", "income", "segment", "channel",
        "segment_x_channel"), importance.keySet());
    String strongest = java.util.Collections.max(importance.entrySet(),
        Map.Entry.comparingByValue()).getKey();
    assertEquals("x", strongest, importance.toString());
    assertTrue(importance.get("x") > 0.1, importance.toString());
    assertTrue(Math.abs(importance.get("noise")) < 0.02, importance.toString());
    assertFalse(importance.equals(importanceOf(kept)), "the network's figures, not the model's");
  }

  private static Map<String, Double> importanceOf(StageResult run) {
    Map<String, Double> importance = new java.util.TreeMap<>();
    run.metrics().forEach((name, value) -> {
      if (name.startsWith(TrainJob.IMPORTANCE_PREFIX)) {
        importance.put(name.substring(TrainJob.IMPORTANCE_PREFIX.length()), value);
      }
    });
    return importance;
  }

  @Test
  void evaluateNamesTheKindAndCompressRefusesIt() {
    RunContext evaluate = with("evaluate");
    new ScoreJob().run(evaluate);
    StageResult evaluated = new EvaluateJob().run(evaluate);
    String html = context.files().readText(evaluated.artifacts().get("report_html"));
    assertTrue(html.contains("baseline:logistic_regression"), "the report names the model's kind");
    assertTrue(html.contains("The model is the logistic_regression baseline, promoted "
        + "(baselines.promote)"), "the ladder section says the model is the promoted baseline");
    assertTrue(html.contains("on the model that ships: the promoted baseline, "
        + "baseline:logistic_regression, not the network it replaced (a baseline promoted before "
        + "December 2026 has its network&#39;s figures)"),
        "the importance section says whose figures they are");
    DeeplineException refused = assertThrows(DeeplineException.class,
        () -> new CompressJob().run(with("compress", "compression.method=int8")));
    assertEquals("compress: model " + promoted.artifacts().get("model_version") + " is a promoted "
        + "baseline:logistic_regression (" + ModelBundle.load(context.files(),
            promoted.artifacts().get("model")).metadata().baseline().settings() + "); it has no "
        + "network weights to compress; name a network model version with "
        + "compression.model_version", refused.getMessage());
  }

  /**
   * Every model version carries its ladder's rungs that have a Spark-free form, and evaluate judges
   * them on the model's own test rows: the losing network's report shows the logistic regression
   * ahead on test, and the saved rung scores there exactly as the same rung promoted to a model
   * version does through score and evaluate.
   */
  @Test
  void evaluateJudgesTheSavedLadderRungsOnTheModelsOwnTestRows() {
    ModelBundle keptBundle = ModelBundle.load(context.files(), kept.artifacts().get("model"));
    // majority has no saved form; the logistic regression is saved as the ladder chose it.
    List<LadderModel> ladder = keptBundle.metadata().ladder();
    assertEquals(1, ladder.size(), ladder.toString());
    assertEquals("logistic_regression", ladder.get(0).model());
    assertEquals("ladder/logistic_regression.json", ladder.get(0).file());
    assertTrue(ladder.get(0).settings().startsWith("reg_param="), ladder.get(0).settings());
    assertEquals(kept.metrics().get("baseline_logistic_regression_validation_roc_auc"),
        ladder.get(0).validationRocAuc());
    assertTrue(context.files().exists(kept.artifacts().get("model")
        + "/ladder/logistic_regression.json"), "the rung's file");

    // A model copied without its rungs still loads and scores; only the comparison is lost.
    String copy = dir.resolve("copied-without-rungs").toString();
    for (String file : List.of(ModelBundle.NETWORK_FILE, ModelBundle.METADATA_FILE)) {
      context.files().writeBytes(copy + "/" + file,
          context.files().readBytes(kept.artifacts().get("model") + "/" + file));
    }
    ModelBundle copied = ModelBundle.load(context.files(), copy);
    assertEquals(List.of(), copied.metadata().ladder());
    Map<String, Object> record = Map.of("x", 0.5, "noise", -1.0, "income", 42.0, "segment", "a",
        "channel", "web");
    assertEquals(new ModelScorer(keptBundle).probability(record),
        new ModelScorer(copied).probability(record), SAME_PROBABILITY);

    RunContext onValidation = with("evaluate", "scoring.model_version="
        + kept.artifacts().get("model_version"), "evaluation.split=validation");
    new ScoreJob().run(onValidation);
    assertFalse(new EvaluateJob().run(onValidation).metrics()
        .containsKey("margin_over_best_baseline"), "the rungs' settings were chosen on validation");

    RunContext network = with("evaluate", "scoring.model_version="
        + kept.artifacts().get("model_version"));
    new ScoreJob().run(network);
    StageResult networkEvaluated = new EvaluateJob().run(network);
    // Read before the next evaluate of the same date replaces it.
    String html = context.files().readText(networkEvaluated.artifacts().get("report_html"));
    RunContext baseline = with("evaluate");
    new ScoreJob().run(baseline);
    StageResult baselineEvaluated = new EvaluateJob().run(baseline);

    Map<String, Double> metrics = networkEvaluated.metrics();
    double rungOnTest = metrics.get("baseline_logistic_regression_roc_auc");
    // The promoted model is the same ladder fit (same rows, settings and seed).
    assertEquals(baselineEvaluated.metrics().get("roc_auc"), rungOnTest, SAME_PROBABILITY);
    // A promoted baseline is not compared with its own rung.
    assertFalse(baselineEvaluated.metrics().containsKey("baseline_logistic_regression_roc_auc"),
        baselineEvaluated.metrics().toString());
    assertEquals(metrics.get("roc_auc") - rungOnTest, metrics.get("margin_over_best_baseline"),
        1e-12);
    // Beyond the 0.01 at which evaluate flags the gap.
    assertTrue(metrics.get("margin_over_best_baseline") < -0.01, metrics.toString());
    assertTrue(html.contains(String.format(java.util.Locale.ROOT, "On the %,d test rows the "
        + "logistic_regression baseline&#39;s ROC AUC is %.4f, the network&#39;s %.4f: the "
        + "baseline leads by %.4f.", networkEvaluated.metrics().get("rows").longValue(),
        rungOnTest, metrics.get("roc_auc"), -metrics.get("margin_over_best_baseline"))),
        "the flagged gap");

    // The trees' path: the auto stack's saved gbt rung scores on test as the same ladder fit
    // promoted to a model version does through score and evaluate.
    RunContext stack = with("evaluate", "scoring.model_version="
        + autoStackKept.artifacts().get("model_version"));
    new ScoreJob().run(stack);
    double gbtRungOnTest = new EvaluateJob().run(stack).metrics().get("baseline_gbt_roc_auc");
    RunContext trees = with("evaluate", "scoring.model_version="
        + promotedGbt.artifacts().get("model_version"));
    new ScoreJob().run(trees);
    assertEquals(new EvaluateJob().run(trees).metrics().get("roc_auc"), gbtRungOnTest,
        SAME_PROBABILITY);
  }

  @Test
  void promoteWithRequireNetworkWinsOrWithoutAPromotableRungIsAConfigError() {
    String toy = ToyData.configJson(dir.resolve("toy.csv"), false);
    DeeplineException both = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        toy, "baselines.promote=true", "baselines.require_network_wins=true"));
    assertTrue(both.getMessage().contains("baselines.promote: cannot be set with "
        + "require_network_wins"), both.getMessage());
    DeeplineException none = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        toy, "baselines.promote=true", "baselines.models=[\"majority\", \"random_forest\"]",
        "baselines.promote_margin=1.5"));
    assertTrue(none.getMessage().contains("baselines.promote: needs a promotable baseline in "
        + "models (one of [logistic_regression, gbt])"), none.getMessage());
    assertTrue(none.getMessage().contains("baselines.promote_margin: must be >= 0 and < 1, got "
        + "1.5"), none.getMessage());
  }

  private static BaselineLadder.Result rung(String model, double rocAuc) {
    return new BaselineLadder.Result(model, "", rocAuc, 0, 0, 0);
  }

  @Test
  void theBestPromotableRungIsPromotedOnlyWhenItWinsByMoreThanTheMargin() {
    List<BaselineLadder.Result> ladder = List.of(rung("majority", 0.5),
        rung("logistic_regression", 0.84), rung("gbt", 0.82));
    BaselinePromotion wins = BaselinePromotion.decide(ladder, "network", 0.80, 0.002);
    assertTrue(wins.promote());
    assertEquals("logistic_regression", wins.candidate().model());
    assertEquals(0.04, wins.lead(), 1e-12);
    assertEquals("promoted logistic_regression: validation ROC AUC 0.8400 against the network's "
        + "0.8000 (+0.0400; promote_margin 0.0020)", wins.decision());

    BaselinePromotion withinMargin = BaselinePromotion.decide(ladder, "network", 0.839, 0.002);
    assertFalse(withinMargin.promote());
    assertEquals("kept network: the best promotable baseline, logistic_regression, has validation "
        + "ROC AUC 0.8400 against the network's 0.8390 (+0.0010; promote_margin 0.0020)",
        withinMargin.decision());
  }

  @Test
  void aBetterRungThatCannotBePromotedIsNamedAndThePromotableOneJudgedAlone() {
    List<BaselineLadder.Result> ladder = List.of(rung("random_forest", 0.90),
        rung("logistic_regression", 0.80), rung("gbt", 0.85));
    String ensemble = "bagging of 5 networks (mean)";
    BaselinePromotion gbt = BaselinePromotion.decide(ladder, ensemble, 0.84, 0.002);
    assertTrue(gbt.promote());
    assertEquals("promoted gbt: validation ROC AUC 0.8500 against the bagging of 5 networks "
        + "(mean)'s 0.8400 (+0.0100; promote_margin 0.0020); the best baseline, random_forest "
        + "(0.9000), cannot be promoted", gbt.decision());
    BaselinePromotion kept = BaselinePromotion.decide(ladder, "network", 0.86, 0.002);
    assertFalse(kept.promote());
    assertEquals("kept network: the best promotable baseline, gbt, has validation ROC AUC 0.8500 "
        + "against the network's 0.8600 (-0.0100; promote_margin 0.0020); the best baseline, "
        + "random_forest (0.9000), cannot be promoted", kept.decision());
    assertThrows(IllegalArgumentException.class, () -> BaselinePromotion.decide(
        List.of(rung("majority", 0.5)), "network", 0.4, 0.002));
  }

  @Test
  void aCollapsedBaselineIsRefusedBeforeItIsPromoted() {
    ScoredLabels constant = new ScoredLabels(new float[] {0.3f, 0.3f, 0.3f, 0.3f},
        new byte[] {0, 1, 0, 1});
    DeeplineException refused = assertThrows(DeeplineException.class,
        () -> CollapseGuard.check(constant, null, "the baseline gbt", "on validation", ""));
    assertEquals("train: the baseline gbt collapsed: on validation it gives every validation row "
        + "the probability 0.3000 (spread 0.0)", refused.getMessage());
  }

  @Test
  void linearScorerIsMllibsLogisticFunctionOfTheMargin() {
    LinearModel model = new LinearModel(List.of(2.0, -1.0, 0.0), 0.5);
    LinearScorer scorer = new LinearScorer(LinearModel.fromJson(model.toJson(), "test"));
    assertEquals(3, scorer.inputWidth());
    // Margins 0.5 + 2 - 3 = -0.5 and 0.5 (an all-zero row): sigmoid -0.5 and 0.5.
    float[] dense = scorer.probabilities(new float[] {1f, 3f, 7f, 0f, 0f, 0f}, 2);
    assertArrayEquals(new float[] {0.37754067f, 0.62245933f}, dense);
    float[] sparse = scorer.probabilities(new int[] {0, 2, 2}, new int[] {0, 1},
        new float[] {1f, 3f}, 2);
    assertArrayEquals(dense, sparse);
    assertEquals(0.3775406687981454, model.probability(new double[] {1, 3, 7}), 1e-15);
    Map<String, Object> json = new HashMap<>(org.deepline.core.Json.read(model.toJson(),
        Map.class, "test"));
    assertEquals(Map.of("coefficients", List.of(2.0, -1.0, 0.0), "intercept", 0.5), json);
  }
}
