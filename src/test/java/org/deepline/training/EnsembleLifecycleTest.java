package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.compression.CompressJob;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.SplitJob;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bagging, a stacking and auto's ensembles (stacks and a deep ensemble) trained on one toy data
 * set, registered, saved, loaded, scored in batch and one record at a time, evaluated and, last
 * (each compressed version is the newest model), compressed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleLifecycleTest {
  private static final int ROWS = 600;
  private static final double SAME_PROBABILITY = 1e-6;

  @TempDir
  static Path dir;
  private RunContext context;
  private StageResult bagging;
  private StageResult stacking;
  private StageResult autoStacked;
  private StageResult autoAlone;
  private StageResult autoAveraged;
  private StageResult alone;
  private StageResult autoRefitted;
  private StageResult autoSmall;

  @BeforeAll
  void trainBothEnsembles() {
    context = ToyData.context(dir, ROWS, false);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    // A one-unit network trained for one epoch at a crawl: the ladder's trees lead it by far.
    // auto_stack_rows 0: the toy's training split is small, and here the lead is to decide.
    autoStacked = new TrainJob().run(with("train", "training.ensemble.folds=2",
        "training.epochs=1", "training.learning_rate=0.00001", "training.layers=[{\"units\":1}]",
        "baselines.models=[\"gbt\"]", "training.ensemble.auto_stack_rows=0"));
    // The ladder on a 100-row sample: its trees did not see every training row, so the stack
    // fits its own.
    autoRefitted = new TrainJob().run(with("train", "training.ensemble.folds=2",
        "training.epochs=1", "training.learning_rate=0.00001", "training.layers=[{\"units\":1}]",
        "baselines.models=[\"gbt\"]", "baselines.max_rows=100",
        "training.ensemble.auto_stack_rows=0"));
    // The same network with a margin no lead can pass and no averaging: auto keeps the network
    // alone.
    autoAlone = new TrainJob().run(with("train", "training.ensemble.auto_margin=0.99",
        "training.epochs=1", "training.learning_rate=0.00001", "training.layers=[{\"units\":1}]",
        "baselines.models=[\"gbt\"]", "training.ensemble.auto_stack_rows=0",
        "training.ensemble.auto_average_rows=0"));
    // A network that learns, averaged by auto over 3 seeds; and the same config with method
    // none: the network alone.
    autoAveraged = new TrainJob().run(with("train", "training.epochs=3",
        "baselines.models=[\"majority\"]", "training.ensemble.auto_stack_rows=100",
        "training.ensemble.members=3"));
    alone = new TrainJob().run(with("train", "training.epochs=3",
        "baselines.models=[\"majority\"]", "training.ensemble.method=none"));
    // That margin again, with the default auto_stack_rows: the split's size alone stacks it.
    autoSmall = new TrainJob().run(with("train", "training.ensemble.auto_margin=0.99",
        "training.ensemble.folds=2", "training.epochs=1", "training.learning_rate=0.00001",
        "training.layers=[{\"units\":1}]", "baselines.models=[\"gbt\"]"));
    // Few epochs, two folds and a short ladder: the test is about the ensembles' plumbing.
    bagging = new TrainJob().run(with("train", "training.ensemble.method=bagging",
        "training.epochs=3", "baselines.models=[\"majority\"]"));
    stacking = new TrainJob().run(with("train", "training.ensemble.method=stacking",
        "training.ensemble.folds=2", "training.epochs=3", "baselines.models=[\"gbt\"]"));
  }

  private RunContext with(String command, String... overrides) {
    return new RunContext(RunContext.newRunId(), null, command, context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), overrides),
        context.warehouse(), context.spark());
  }

  @Test
  void baggingIsNotWorseThanItsMembersMeanAndIsWhatIsRegistered() {
    Map<String, Double> metrics = bagging.metrics();
    double ensemble = metrics.get("ensemble_validation_roc_auc");
    double membersMean = metrics.get("ensemble_members_mean_validation_roc_auc");
    double memberSum = 0;
    for (int member = 1; member <= 5; member++) {
      memberSum += metrics.get("ensemble_member_bag_" + member + "_validation_roc_auc");
    }
    assertEquals(memberSum / 5, membersMean, 1e-12);
    assertTrue(ensemble >= membersMean, "bagging " + ensemble + " vs members' mean " + membersMean);
    assertTrue(ensemble > 0.75, metrics.toString());
    // validation_* and the baseline margin are the registered model's: the ensemble's.
    assertEquals(ensemble, metrics.get("validation_roc_auc"));
    assertEquals(ensemble - metrics.get("baseline_best_validation_roc_auc"),
        metrics.get("network_margin_over_best_baseline"), 1e-12);
    // The main network's own margin beside it, which an ensemble that wins cannot hide.
    assertEquals(metrics.get("network_validation_roc_auc")
            - metrics.get("baseline_best_validation_roc_auc"),
        metrics.get(TrainJob.NETWORK_ALONE_MARGIN), 1e-12);
    assertEquals("bagging of 5 networks (mean)", bagging.artifacts().get("model_kind"));
  }

  @Test
  void stackingsCombinerWeighsItsMembersFittedOutOfFold() {
    Map<String, Double> metrics = stacking.metrics();
    ModelBundle bundle = ModelBundle.load(context.files(), stacking.artifacts().get("model"));
    EnsembleSpec spec = bundle.metadata().ensemble();
    assertEquals(EnsembleSpec.LOGISTIC, spec.combiner());
    assertEquals(List.of("network", "gbt", "logistic_regression"), spec.members().stream()
        .map(EnsembleSpec.Member::name).toList());
    assertEquals(List.of("network.zip", "members/gbt.json", "members/logistic_regression.json"),
        spec.members().stream().map(EnsembleSpec.Member::file).toList());
    assertEquals(spec.weights().get(0), metrics.get("ensemble_combiner_weight_network"));
    assertEquals(spec.weights().get(1), metrics.get("ensemble_combiner_weight_gbt"));
    assertEquals(spec.weights().get(2),
        metrics.get("ensemble_combiner_weight_logistic_regression"));
    // The network and the trees carry the toy signal: the combiner gives each a positive weight.
    assertTrue(spec.weights().get(0) > 0 && spec.weights().get(1) > 0, spec.toString());
    assertTrue(metrics.get("ensemble_out_of_fold_network_roc_auc") > 0.7, metrics.toString());
    assertTrue(metrics.get("ensemble_out_of_fold_gbt_roc_auc") > 0.7, metrics.toString());
    assertTrue(metrics.get("ensemble_out_of_fold_logistic_regression_roc_auc") > 0.7,
        metrics.toString());
    assertEquals(metrics.get("ensemble_validation_roc_auc"), metrics.get("validation_roc_auc"));
    assertEquals("stacking of 1 network, 1 boosted-tree model and 1 logistic regression "
        + "(logistic_regression)",
        stacking.artifacts().get("model_kind"));
  }

  @Test
  void autoStacksANetworkTheLaddersTreesBeatAndKeepsTheNetworkAloneWithinTheMargin() {
    Map<String, Double> stacked = autoStacked.metrics();
    double lead = stacked.get("ensemble_auto_gbt_lead");
    assertTrue(lead > 0.005, stacked.toString());
    assertEquals(1.0, stacked.get("ensemble_auto_stacked"));
    assertTrue(autoStacked.artifacts().get("model_kind").startsWith("stacking"),
        autoStacked.artifacts().toString());
    // The stack is what is registered and judged against the ladder.
    assertEquals(stacked.get("ensemble_validation_roc_auc"), stacked.get("validation_roc_auc"));
    // Its trees are the ladder's, not fitted again: the same validation ROC AUC (deepline's
    // trees score the vectoriser's floats, MLlib the table's doubles).
    assertEquals(1.0, stacked.get("ensemble_member_gbt_reused_from_ladder"));
    assertEquals(stacked.get("baseline_gbt_validation_roc_auc"),
        stacked.get("ensemble_member_gbt_validation_roc_auc"), 1e-4);

    // The model carries why it is a stack, for its evaluation report.
    assertEquals(lead, ModelBundle.load(context.files(), autoStacked.artifacts().get("model"))
        .metadata().validationMetrics().get("ensemble_auto_gbt_lead"), 1e-12);

    Map<String, Double> refitted = autoRefitted.metrics();
    assertEquals(1.0, refitted.get("ensemble_auto_stacked"), refitted.toString());
    assertEquals(0.0, refitted.get("ensemble_member_gbt_reused_from_ladder"));

    Map<String, Double> unstacked = autoAlone.metrics();
    assertEquals(lead, unstacked.get("ensemble_auto_gbt_lead"), 1e-12);
    assertEquals(0.0, unstacked.get("ensemble_auto_stacked"));
    assertEquals(0.0, unstacked.get("ensemble_auto_averaged"));
    assertEquals(ModelMetadata.SINGLE_NETWORK, autoAlone.artifacts().get("model_kind"));
    assertNull(unstacked.get("ensemble_validation_roc_auc"));
    assertNull(unstacked.get("ensemble_auto_small_split"));
  }

  @Test
  void autoAveragesNetworksThatDifferOnlyByTheirSeedWhereItBuildsNoStack() {
    Map<String, Double> metrics = autoAveraged.metrics();
    assertEquals(0.0, metrics.get("ensemble_auto_stacked"), metrics.toString());
    assertEquals(1.0, metrics.get("ensemble_auto_averaged"), metrics.toString());
    assertEquals("deep_ensemble of 3 networks (mean)", autoAveraged.artifacts().get("model_kind"));
    ModelBundle bundle = ModelBundle.load(context.files(), autoAveraged.artifacts().get("model"));
    EnsembleSpec spec = bundle.metadata().ensemble();
    assertEquals(EnsembleSpec.MEAN, spec.combiner());
    assertEquals(List.of("members/seed_1.zip", "members/seed_2.zip", "members/seed_3.zip"),
        spec.members().stream().map(EnsembleSpec.Member::file).toList());
    // Each member learnt from the whole training split: as good as the main network, give or
    // take its seed, where a bootstrap member sees about 63 % of the rows.
    double network = metrics.get("network_validation_roc_auc");
    double membersMean = metrics.get("ensemble_members_mean_validation_roc_auc");
    assertTrue(Math.abs(membersMean - network) < 0.05, metrics.toString());
    double ensemble = metrics.get("ensemble_validation_roc_auc");
    assertTrue(ensemble >= membersMean, "deep ensemble " + ensemble + " vs members' mean "
        + membersMean);
    assertEquals(ensemble, metrics.get("validation_roc_auc"));
    assertEquals(ensemble, metrics.get("ensemble_auto_average_validation_roc_auc"));
    // The model carries why it is an ensemble, for its evaluation report.
    assertEquals(1.0, bundle.metadata().validationMetrics().get("ensemble_auto_averaged"));

    Map<String, Double> single = alone.metrics();
    assertEquals(ModelMetadata.SINGLE_NETWORK, alone.artifacts().get("model_kind"));
    assertNull(single.get("ensemble_auto_averaged"), single.toString());
    assertNull(single.get("ensemble_validation_roc_auc"), single.toString());
    // The same seed and epochs: the main network is the one auto averaged around.
    assertEquals(network, single.get("validation_roc_auc"), 1e-12);

    // The permutation importance is the shipped mean's, not that main network's (which the
    // single-network twin measured): every input measured, not every figure the same.
    Map<String, Double> ensembleImportance = importance(metrics);
    Map<String, Double> networkImportance = importance(single);
    assertEquals(networkImportance.keySet(), ensembleImportance.keySet());
    assertFalse(ensembleImportance.isEmpty());
    assertNotEquals(networkImportance, ensembleImportance);
    assertEquals(ensembleImportance, importance(bundle.metadata().validationMetrics()));
  }

  private static Map<String, Double> importance(Map<String, Double> metrics) {
    Map<String, Double> importance = new java.util.TreeMap<>();
    metrics.forEach((name, value) -> {
      if (name.startsWith("importance:")) {
        importance.put(name, value);
      }
    });
    return importance;
  }

  @Test
  void theDeepEnsembleScoresAlikeInBatchAndOneRecordAtATimeAfterLoading() {
    batchEqualsSingleAndMatchesTraining(autoAveraged);
  }

  @Test
  void autoStacksASmallTrainingSplitWhateverTheLeadsAndJudgesItOutOfFold() {
    Map<String, Double> small = autoSmall.metrics();
    // No lead passes a margin of 0.99; 600 toy rows leave about 420 for training, below 2,000.
    assertEquals(autoAlone.metrics().get("ensemble_auto_gbt_lead"),
        small.get("ensemble_auto_gbt_lead"), 1e-12);
    assertEquals(small.get("rows_train"), small.get("ensemble_auto_small_split"));
    assertEquals(1.0, small.get("ensemble_auto_stacked"), small.toString());
    assertTrue(autoSmall.artifacts().get("model_kind").startsWith("stacking"),
        autoSmall.artifacts().toString());
    // Judged on held-out training rows: the cross-fitted combiner's figure is a real ROC AUC
    // there, and never above the shipped combiner's in-sample one.
    double crossFitted = small.get("ensemble_cross_fitted_stacked_roc_auc");
    assertTrue(crossFitted > 0.5 && crossFitted <= 1, small.toString());
    assertTrue(crossFitted >= small.get("ensemble_out_of_fold_network_roc_auc"),
        small.toString());
    assertEquals(small.get("rows_train"), ModelBundle.load(context.files(),
        autoSmall.artifacts().get("model")).metadata().validationMetrics()
        .get("ensemble_auto_small_split"));
  }

  @Test
  void bothAreRegisteredModelVersions() {
    ModelRegistry registry = new ModelRegistry(context.spark(), context.warehouse());
    assertEquals(stacking.artifacts().get("model_version"),
        registry.latest("toy", context.runDate()).modelVersion());
  }

  @Test
  void baggingScoresAlikeInBatchAndOneRecordAtATimeAfterLoading() {
    batchEqualsSingleAndMatchesTraining(bagging);
  }

  @Test
  void stackingScoresAlikeInBatchAndOneRecordAtATimeAfterLoading() {
    batchEqualsSingleAndMatchesTraining(stacking);
  }

  /**
   * The loaded ensemble scores every silver record the same in Spark's batch path and in
   * {@link ModelScorer}, and its validation rows' ROC AUC is the one training recorded: training's
   * combination and scoring's are the same.
   */
  private void batchEqualsSingleAndMatchesTraining(StageResult trained) {
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    Map<String, Double> batch = ScoringAgreement.batchEqualsSingle(
        context.input(Table.SILVER).rows(), bundle, SAME_PROBABILITY);
    assertEquals(ROWS, batch.size());

    List<Row> validation = context.input(Table.SPLITS).rows()
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION))
        .select(RecordIds.RECORD_ID, LabelConfig.LABEL).collectAsList();
    List<Float> probabilities = new ArrayList<>();
    byte[] labels = new byte[validation.size()];
    for (int i = 0; i < labels.length; i++) {
      probabilities.add(batch.get(validation.get(i).getString(0)).floatValue());
      labels[i] = (byte) ((Number) validation.get(i).get(1)).intValue();
    }
    float[] scores = new float[labels.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = probabilities.get(i);
    }
    assertEquals(trained.metric("validation_roc_auc"), new ScoredLabels(scores, labels).rocAuc(),
        1e-3);
  }

  @Test
  void theEvaluationReportSaysWhatKindOfModelItIs() {
    RunContext evaluate = with("evaluate");
    new ScoreJob().run(evaluate);
    StageResult evaluated = new EvaluateJob().run(evaluate);
    String html = context.files().readText(evaluated.artifacts().get("report_html"));
    assertTrue(html.contains("stacking of 1 network, 1 boosted-tree model and 1 logistic regression "
        + "(logistic_regression)"),
        "the report names the model's kind");
    assertTrue(html.contains("member gbt") && html.contains("members&#39; mean")
        || html.contains("members' mean"), "the ensemble table lists the members and their mean");
    assertTrue(html.contains("The ensemble beats the best baseline")
        || html.contains("The ensemble LOSES to the"), "the ladder compares the ensemble");
  }

  @Test
  void aBundleIsScoredInItsSpecsMemberOrderWhateverTheMembersKinds() {
    // The stack lists its network first; listed after its trees and logistic regression (weights
    // moved along), the same members must combine to the same probabilities: ModelBundle.score
    // takes the networks first from MemberScores and must put each member back in the spec's order.
    ModelBundle stack = ModelBundle.load(context.files(), stacking.artifacts().get("model"));
    EnsembleSpec spec = stack.metadata().ensemble();
    List<Integer> order = List.of(1, 2, 0);
    EnsembleSpec reordered = EnsembleSpec.logistic(spec.method(),
        order.stream().map(spec.members()::get).toList(),
        order.stream().map(spec.weights()::get).toList(), spec.intercept());
    ModelMetadata metadata = stack.metadata();
    ModelBundle reorderedBundle = new ModelBundle(new ModelMetadata(metadata.modelVersion(),
        metadata.dataset(), metadata.runId(), metadata.runDate(), metadata.createdAt(),
        metadata.labelColumn(), metadata.positiveLabel(), metadata.inputWidth(),
        metadata.training(), metadata.featureModel(), metadata.epochs(), metadata.bestEpoch(),
        metadata.validationMetrics(), metadata.decisionThreshold(), reordered,
        metadata.layerStatistics(), null, metadata.ladder()), stack.networkBytes(),
        stack.memberFiles());
    org.apache.spark.api.java.JavaSparkContext spark = org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(context.spark().sparkContext());
    TrainingData validation = TrainingData.cache(org.deepline.features.FeatureTable
            .withDenseVectors(context.input(Table.FEATURES).rows())
            .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION)),
        1, 0, StratifiedSplitter.VALIDATION, metadata.inputWidth());
    try {
      ScoredLabels inOrder = stack.score(spark, validation);
      ScoredLabels moved = reorderedBundle.score(spark, validation);
      assertEquals(inOrder.count(), moved.count());
      for (int row = 0; row < inOrder.count(); row++) {
        assertEquals(inOrder.label(row), moved.label(row));
        assertEquals(inOrder.probability(row), moved.probability(row), SAME_PROBABILITY);
      }
      assertEquals(stacking.metric("validation_roc_auc"), inOrder.rocAuc(), 1e-3);
    } finally {
      validation.release();
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void compressionShrinksEveryNetworkOfAnEnsembleAndKeepsItsCombination() {
    ModelBundle deep = ModelBundle.load(context.files(), autoAveraged.artifacts().get("model"));
    StageResult pruned = new CompressJob().run(with("compress", "compression.method=prune",
        "compression.target_sparsity=0.5",
        "compression.model_version=" + autoAveraged.artifacts().get("model_version")));
    // network.zip and the three seeds' networks.
    assertEquals(4.0, pruned.metric("networks_compressed"));
    assertEquals(0.5, pruned.metric("weight_sparsity"), 0.01);
    assertTrue(pruned.metric("size_ratio") < 1, pruned.metrics().toString());
    ModelBundle prunedBundle = ModelBundle.load(context.files(), pruned.artifacts().get("model"));
    assertEquals(deep.metadata().ensemble(), prunedBundle.metadata().ensemble());
    assertEquals("deep_ensemble of 3 networks (mean)", prunedBundle.metadata().modelKind());
    // Judged as the ensemble it is: its validation figure is the one its scorers give.
    batchEqualsSingleAndMatchesTraining(pruned);

    ModelBundle stack = ModelBundle.load(context.files(), stacking.artifacts().get("model"));
    StageResult quantized = new CompressJob().run(with("compress", "compression.method=int8",
        "compression.model_version=" + stacking.artifacts().get("model_version")));
    assertEquals(1.0, quantized.metric("networks_compressed"));
    assertTrue(Math.abs(quantized.metric("test_roc_auc_change")) < 0.02,
        quantized.metrics().toString());
    ModelBundle quantizedBundle = ModelBundle.load(context.files(),
        quantized.artifacts().get("model"));
    assertEquals(stack.metadata().ensemble(), quantizedBundle.metadata().ensemble());
    // The trees and the logistic regression are kept byte for byte; the network is not.
    for (String member : List.of("gbt", "logistic_regression")) {
      assertTrue(java.util.Arrays.equals(stack.memberFiles().get(member),
          quantizedBundle.memberFiles().get(member)), member);
    }
    assertFalse(java.util.Arrays.equals(stack.networkBytes(), quantizedBundle.networkBytes()));
    // The ladder's rungs and their validation figures go with it, for evaluate's comparison.
    assertEquals(stack.metadata().ladder(), quantizedBundle.metadata().ladder());
    assertFalse(quantizedBundle.metadata().ladder().isEmpty());
    assertEquals(stack.metadata().validationMetrics().get("baseline_gbt_validation_roc_auc"),
        quantizedBundle.metadata().validationMetrics().get("baseline_gbt_validation_roc_auc"));
    batchEqualsSingleAndMatchesTraining(quantized);
  }
}
