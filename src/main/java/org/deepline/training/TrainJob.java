package org.deepline.training;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.BaselineLadder;
import org.deepline.baselines.BaselinePromotion;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.LinearModel;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTable;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.metrics.ScoredLabels;
import org.deepline.metrics.ThresholdRule;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecorder;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Train: fits the configured network on the training split with data-parallel parameter averaging
 * ({@link Averaging}: on the executors, or on the driver for a small split), scores the validation
 * split after every epoch, checkpoints network and updater state, keeps the best epoch's weights
 * (early stopping on a validation metric), refuses a collapsed network ({@link CollapseGuard}),
 * saves the bundle and registers the model version (the run id). Built with a run id to resume, it
 * continues that run from its last complete checkpoint. With {@code tune} it first searches
 * {@code tuning.space} on the same cached splits ({@link Tuner}) and then checks, compares and
 * registers the winner exactly as a plain run's network. With {@code baselines.promote} a baseline
 * of the ladder that beats the network (or ensemble) by more than {@code baselines.promote_margin}
 * is registered instead ({@link PromotedBaseline}).
 */
public final class TrainJob implements Stage {
  /** The share of validation rows a threshold labels positive that is nearly every row. */
  static final double NEARLY_EVERY_ROW = 0.9;
  /** An F1 this close to labelling every row positive is that rule's, give or take the split. */
  static final double TRIVIAL_F1_MARGIN = 0.02;
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /**
   * Largest network trained: parameters, gradients, Adam's two moments and each worker's copy all
   * scale with it, and a dense network this large on tabular rows is a config mistake, not a model.
   */
  public static final long MAX_PARAMETERS = 20_000_000L;
  /**
   * Run metrics {@code importance:<input>}: the validation ROC AUC drop when the input is shuffled
   * ({@link PermutationImportance}).
   */
  public static final String IMPORTANCE_PREFIX = "importance:";
  /**
   * The run metric of the main network's own validation ROC AUC minus the best baseline's, beside
   * {@code network_margin_over_best_baseline}, which is the registered model's (an ensemble's or a
   * promoted baseline's when there is one).
   */
  public static final String NETWORK_ALONE_MARGIN = "network_alone_margin_over_best_baseline";

  private final String resumeRunId;
  private final boolean sanity;
  /** Records the trials of {@code --tune}; null for a plain run. */
  private final RunRecorder tuneTrials;

  public TrainJob() {
    this(null, false);
  }

  /**
   * @param resumeRunId a killed train run to continue from its checkpoint, or null
   * @param sanity      only check that the configured network can memorise a tiny sample of the
   *                    training split ({@link SanityCheck}); registers nothing
   */
  public TrainJob(String resumeRunId, boolean sanity) {
    this(resumeRunId, sanity, false, null);
  }

  /**
   * @param tune     search {@code tuning.space} ({@link Tuner}) and register the winner instead of
   *                 training {@code training} as configured
   * @param recorder records every trial of {@code tune} as a child run; may be null without it
   */
  public TrainJob(String resumeRunId, boolean sanity, boolean tune, RunRecorder recorder) {
    if (sanity && resumeRunId != null) {
      throw new DeeplineException(Failure.USAGE, "train: --sanity and --resume exclude each other "
          + "(the check trains nothing to resume)");
    }
    if (tune && (sanity || resumeRunId != null)) {
      throw new DeeplineException(Failure.USAGE, "train: --tune excludes --"
          + (sanity ? "sanity" : "resume") + " (a search starts anew and registers its winner)");
    }
    this.resumeRunId = resumeRunId;
    this.sanity = sanity;
    this.tuneTrials = tune ? Objects.requireNonNull(recorder, "recorder") : null;
  }

  /**
   * What to tell a user whose {@code max_f1} threshold labels nearly every validation row positive
   * for hardly more F1 than labelling every row so ({@value #TRIVIAL_F1_MARGIN} or less), or
   * nothing. Why: on a weak model (ROC AUC 0.68, 57.5 % positive) the F1 maximum sits where nearly
   * everything is positive, and {@code predicted_label} was 1 on 94.5 % of the rows without a word.
   *
   * @param positiveRate the validation rows' positive share
   */
  static Optional<String> nearlyEveryRowPositive(String dataset, DecisionThreshold threshold,
      double positiveRate, double rocAuc) {
    if (!ThresholdRule.MAX_F1.equals(threshold.rule()) || threshold.f1() == null
        || threshold.precision() == null || threshold.recall() == null
        || threshold.precision() == 0) {
      return Optional.empty();
    }
    double labelledPositive = threshold.recall() * positiveRate / threshold.precision();
    double everyRowF1 = 2 * positiveRate / (1 + positiveRate);
    if (labelledPositive < NEARLY_EVERY_ROW || threshold.f1() - everyRowF1 > TRIVIAL_F1_MARGIN) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "train %s: the decision threshold %.4f (max_f1) "
        + "labels %.1f %% of the validation rows positive (%.1f %% are): its F1 %.4f is %.4f above "
        + "labelling every row positive (%.4f), so predicted_label says little at this model's "
        + "ROC AUC %.4f; rank by probability, or choose training.threshold.rule cost or "
        + "target_precision", dataset, threshold.value(), 100 * labelledPositive,
        100 * positiveRate, threshold.f1(), threshold.f1() - everyRowF1, everyRowF1, rocAuc));
  }

  @Override
  public Name name() {
    return new Name("train",
        "Train the DL4J network with parameter averaging on Spark; register the model.");
  }

  @Override
  public StageResult run(RunContext context) {
    TrainingConfig config = context.section(TrainingConfig.class);
    RunContext.Input featuresInput = context.input(Table.FEATURES);
    TableRef featuresRef = featuresInput.ref();
    // The network's training and validation rows are cached from the vectors as stored; what
    // reads the table otherwise (the ladder, ensembles, resampling) takes them dense.
    Dataset<Row> stored = featuresInput.rows();
    Dataset<Row> features = FeatureTable.withDenseVectors(stored);
    String artifact = context.warehouse().featureArtifact(context.dataset(), context.runDate());
    FeatureModel featureModel = FeatureModel.fromJson(context.files().readText(artifact), artifact);
    // The class split took and kept when the config named none, or a multi-class label's classes
    // (read from the kept file: no row is read once split has run).
    LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
        () -> context.input(Table.SILVER).rows(), "train");
    if (label.isMulticlass()) {
      MulticlassTrain.requireSupported(label, config, context.section(BaselineConfig.class),
          tuneTrials != null, sanity, resumeRunId != null);
    }
    if (label.isRegression()) {
      RegressionTrain.requireSupported(label, config, context.section(BaselineConfig.class),
          tuneTrials != null, sanity, resumeRunId != null);
    } else {
      RegressionTrain.requireClassificationLoss(label, config.loss());
    }
    checkFeaturesMatchModel(features, featureModel, featuresRef);
    checkSplitsMatchModel(context.input(Table.SPLITS).rows(), featureModel, context.runDate());
    if (label.isRegression()) {
      try {
        return RegressionTrain.run(context, config, label, featureModel, stored, features,
            featuresRef);
      } catch (RuntimeException e) {
        throw userError(e);
      }
    }
    if (label.isMulticlass()) {
      try {
        return MulticlassTrain.run(context, config, label, featureModel, stored, features,
            featuresRef);
      } catch (RuntimeException e) {
        throw userError(e);
      }
    }
    if (sanity) {
      return sanityCheck(context, features, config, NetworkInput.of(featureModel), featuresRef);
    }
    Checkpoints resumed = resumeRunId == null ? null : new Checkpoints(context.files(),
        context.warehouse().checkpointDir(context.dataset(), resumeRunId));
    Checkpoints.Restored restored = resumed == null ? null : restore(resumed, context, featuresRef);
    Checkpoints checkpoints = new Checkpoints(context.files(),
        context.warehouse().checkpointDir(context.dataset(), context.runId()));
    LOG.info("train {}: run {} on ND4J {} ({} threads per worker); checkpoints in {}",
        context.dataset(), context.runId(), Nd4j.getBackend().getClass().getSimpleName(),
        Nd4j.getEnvironment().maxMasterThreads(), checkpoints.dir());
    warnAboutUnusedSlots(context, config);

    NetworkInput input = NetworkInput.of(featureModel);
    int width = input.width();
    TrainingData train = null;
    TrainingData validation = null;
    Map<String, Double> balance = new LinkedHashMap<>();
    BackgroundLadder ladder = null;
    try {
      train = cacheTraining(stored, features, config, featureModel, balance);
      validation = cache(stored, StratifiedSplitter.VALIDATION, config, width);
      requireBothClasses(train);
      requireBothClasses(validation);
      long negativesBefore = balance.get(BalanceReport.PREFIX + "rows_before_negative").longValue();
      long positivesBefore = balance.get(BalanceReport.PREFIX + "rows_before_positive").longValue();
      BaselineConfig baselineConfig = context.section(BaselineConfig.class);
      // The ladder fits on the real training rows, whatever resampling did to the network's.
      ladder = baselineConfig.enabled() ? BackgroundLadder.start(features,
          negativesBefore + positivesBefore, baselineConfig, config.seed()) : null;
      TrainingConfig resolved = config.resolve(train.rows());
      if (restored != null) {
        requireResolvedAsCheckpointed(restored.state().training(), resolved);
      }
      double[] weights = ClassWeights.of(config, train.negatives(), train.positives());
      Tuner.Outcome tuned = tuneTrials == null ? null
          : new Tuner(context, tuneTrials, context.section(TuningConfig.class))
              .search(resolved, input, weights, train, validation,
                  features.where(functions.col(StratifiedSplitter.SPLIT).isin(
                      StratifiedSplitter.TRAIN, StratifiedSplitter.VALIDATION)));
      resolved = tuned == null ? resolved : tuned.config();
      JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
      LOG.info("train {}: {}; {}; batch {} per worker, averaging every {} minibatches, {} workers "
          + "on the {}", context.dataset(), train, validation, resolved.batchSizePerWorker(),
          resolved.averagingFrequency(), resolved.workers(),
          Averaging.onDriver(spark, resolved, train) ? "driver" : "executors");
      // A tuned winner was size-checked and trained as a trial; a plain run is checked here.
      Training outcome = tuned != null ? tuned.training()
          : trainOnce(context, resolved, input, weights, train, validation, restored,
              checkpointing(context, featuresRef, resolved, checkpoints));
      double[] effectiveWeights = CollapseGuard.withResampling(weights, negativesBefore,
          positivesBefore, train.negatives(), train.positives());
      SameInputs.requireValidationRowsApart(features, outcome.bestScores());
      CollapseGuard.check(outcome.bestScores(), effectiveWeights, outcome.bestEpoch());
      outcome = correctPrior(context, spark, resolved, outcome, validation, effectiveWeights,
          balance);
      // Before the ladder is joined: it may still be fitting on its own thread.
      Map<String, Double> importance = PermutationImportance.of(spark, validation,
          outcome.network(), featureModel, outcome.bestScores().rocAuc(), resolved.seed());
      LOG.info("train {}: validation ROC AUC drop when each input is shuffled (permutation "
          + "importance): {}", context.dataset(), importance);
      // auto decides on the ladder's trees, so it joins the ladder first; bagging and stacking
      // train beside the ladder's last fits and join it after.
      List<BaselineLadder.Fitted> ladderFits = ladder != null && resolved.ensemble().auto()
          ? ladder.fitted() : null;
      long trainRows = negativesBefore + positivesBefore;
      Ensembles.Outcome ensemble = Ensembles.train(spark, features, resolved, input, weights,
          outcome.network(), outcome.bestEpoch(), validation, outcome.bestScores(),
          ladderMembers(ladderFits, baselineConfig, trainRows), trainRows,
          outcome.workersOnDriver(), balance);
      outcome = calibrate(context, spark, resolved, outcome, validation, balance, ensemble);
      if (ensemble != null && ensemble.averagedNetworks() != null) {
        // The report's importance is the shipped model's: the mean of the members, of which the
        // main network is none.
        importance = PermutationImportance.of(spark, validation, ensemble.averagedNetworks(),
            featureModel, resolved.seed());
        LOG.info("train {}: the {}'s permutation importance: {}", context.dataset(),
            ensemble.spec().description(), importance);
      }
      if (ladder != null && ladderFits == null) {
        ladderFits = ladder.fitted();
      }
      // The ladder is compared with the model that is registered (the ensemble, when there is one).
      double networkRocAuc = outcome.epochs().get(outcome.bestEpoch() - 1).validationRocAuc();
      BaselineComparison baselines = compareWithBaselines(context, ladderFits,
          ensemble != null ? ensemble.spec().description() : ModelMetadata.SINGLE_NETWORK,
          ensemble != null ? ensemble.validation().rocAuc() : networkRocAuc, networkRocAuc);
      if (baselines.promoted() != null) {
        // The report's importance is the shipped model's: the baseline now, not the network.
        importance = PermutationImportance.of(spark, validation, baselines.promoted().model(),
            featureModel, resolved.seed());
        LOG.info("train {}: the promoted baseline's permutation importance: {}",
            context.dataset(), importance);
      }
      StageResult result = save(context, featuresRef, featureModel, label, resolved, outcome,
          ensemble, train, baselines, importance, balance);
      if (tuned != null) {
        result = tuned.addTo(result, context,
            context.warehouse().modelDir(context.dataset(), context.runId()));
      }
      checkpoints.delete();
      if (resumed != null) {
        resumed.delete();
      }
      return result;
    } catch (RuntimeException e) {
      throw userError(e);
    } finally {
      if (ladder != null) {
        ladder.close();
      }
      if (train != null) {
        train.release();
      }
      if (validation != null) {
        validation.release();
      }
    }
  }

  private static StageResult sanityCheck(RunContext context, Dataset<Row> features,
      TrainingConfig config, NetworkInput input, TableRef featuresRef) {
    SanityCheck.Outcome outcome = SanityCheck.run(
        features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN)),
        config, input);
    String summary = String.format(Locale.ROOT, "%d training rows, %d full-batch steps: loss %.4f, "
        + "best possible %.4f", outcome.rows(), outcome.steps(), outcome.loss(), outcome.lossFloor());
    if (!outcome.passed()) {
      throw new DeeplineException(Failure.MODEL_GATE, "train --sanity: the network cannot memorise "
          + summary + " (allowed: " + SanityCheck.TOLERANCE + " above it); raise "
          + "training.learning_rate or the layers' units, or check the features, before a long run");
    }
    LOG.info("train {} --sanity: passed: {}", context.dataset(), summary);
    return StageResult.builder().input(featuresRef)
        .metric("sanity_rows", outcome.rows())
        .metric("sanity_loss", outcome.loss())
        .metric("sanity_loss_floor", outcome.lossFloor())
        .build();
  }

  /**
   * The training split, resampled and augmented as {@code training.resample} and
   * {@code training.augment} ask ({@link Rebalancer}), cached; its balance report goes into
   * {@code balance}. With both off the rows are read as they are, with no extra pass: the vectors
   * as {@code stored}; resampling works on the same rows made dense ({@code features}).
   */
  private static TrainingData cacheTraining(Dataset<Row> stored, Dataset<Row> features,
      TrainingConfig config, FeatureModel featureModel, Map<String, Double> balance) {
    if (!config.resample().enabled() && !config.augment().enabled()) {
      TrainingData train = cache(stored, StratifiedSplitter.TRAIN, config, featureModel.width());
      balance.putAll(BalanceReport.unchanged(train.negatives(), train.positives()));
      return train;
    }
    long started = System.nanoTime();
    Rebalancer.Outcome outcome = Rebalancer.apply(features, config.resample(), config.augment(),
        SlotLayout.of(featureModel), config.rebalanceSeed());
    Dataset<Row> rows = outcome.rows().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      balance.putAll(BalanceReport.metrics(outcome.negativesBefore(), outcome.positivesBefore(),
          BalanceReport.countByOrigin(rows)));
      balance.putAll(outcome.metrics());
      // Counting filled the persisted rows: what the rebalancing cached on the way is not needed
      // while the training chunks are built from them.
      outcome.release();
      TrainingData train = TrainingData.cache(rows, config.workers(), config.seed(),
          StratifiedSplitter.TRAIN, featureModel.width());
      balance.put(BalanceReport.PREFIX + "seconds", (System.nanoTime() - started) / 1e9);
      LOG.info("train: training split rebalanced: {}", balance);
      return train;
    } finally {
      rows.unpersist();
      outcome.release();
    }
  }

  private static TrainingData cache(Dataset<Row> features, String split, TrainingConfig config,
      int width) {
    return cache(features, split, config, width, NetworkFactory.CLASSES);
  }

  /** One split's rows of {@code features} cached for training, their labels of {@code classes}. */
  static TrainingData cache(Dataset<Row> features, String split, TrainingConfig config, int width,
      int classes) {
    Dataset<Row> rows = features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split));
    return TrainingData.cache(rows, config.workers(), config.seed(), split, width, classes);
  }

  private Checkpoints.Restored restore(Checkpoints checkpoints, RunContext context,
      TableRef featuresRef) {
    Checkpoints.Restored restored = checkpoints.load();
    Checkpoints.State state = restored.state();
    List<String> mismatches = new ArrayList<>();
    if (!state.dataset().equals(context.dataset())) {
      mismatches.add("data set " + state.dataset());
    }
    if (!state.runDate().equals(context.runDate())) {
      mismatches.add("run date " + state.runDate() + " (pass --run-date " + state.runDate() + ")");
    }
    if (state.featuresVersion() != featuresRef.version()) {
      mismatches.add("features table version " + state.featuresVersion() + " (now "
          + featuresRef.version() + ")");
    }
    TrainingConfig now = context.section(TrainingConfig.class).resolvedAs(state.training());
    if (!state.training().equals(now)) {
      List<String> differences = Json.differences("training", state.training(), now);
      // Records that differ where their JSON does not (a value the JSON leaves out): say both.
      mismatches.addAll(differences.isEmpty()
          ? List.of("training config " + state.training() + " (now " + now + ")") : differences);
    }
    if (!mismatches.isEmpty()) {
      throw new DeeplineException("train --resume " + resumeRunId + ": the checkpoint was made with "
          + String.join(", ", mismatches) + "; resume with the same inputs or train anew");
    }
    LOG.info("train {}: resuming run {} after epoch {} (best epoch {})", context.dataset(),
        resumeRunId, state.epoch(), state.bestEpoch());
    return restored;
  }

  /**
   * A resumed run's config resolved for its training split must be the one its checkpoint trained
   * with. {@link #restore} compares them before the split is read, taking what the config leaves to
   * the split's size from the checkpoint; this compares what those sizes resolve to now, so a
   * checkpoint trained with {@code --set training.epochs=30} does not resume with the 200 epochs
   * the unset key gives a small split. Where the workers run may differ.
   */
  /** Where two training configs differ by config path, or both whole when their JSON is equal. */
  private static String differencesOrBoth(TrainingConfig was, TrainingConfig now) {
    List<String> differences = Json.differences("training", was, now);
    return differences.isEmpty() ? was + " (now " + now + ")" : String.join(", ", differences);
  }

  private void requireResolvedAsCheckpointed(TrainingConfig checkpointed, TrainingConfig resolved) {
    TrainingConfig now = resolved.withWorkersOn(checkpointed.workersOn());
    if (!now.equals(checkpointed)) {
      throw new DeeplineException("train --resume " + resumeRunId + ": the checkpoint was made "
          + "with another resolved training config: "
          + differencesOrBoth(checkpointed, now)
          + "; resume with the same inputs or train anew");
    }
  }

  /**
   * The outcome with the real class prior given back to the network ({@link PriorCorrection}) and
   * its validation rows scored again, when resampling or class weights changed the prior it learned
   * and {@code training.prior_correction} is on; the offset and the mean validation probability
   * before it go into {@code metrics}.
   */
  private static Training correctPrior(RunContext context, JavaSparkContext spark,
      TrainingConfig config, Training outcome, TrainingData validation, double[] effectiveWeights,
      Map<String, Double> metrics) {
    double offset = config.priorCorrection() ? PriorCorrection.logitOffset(effectiveWeights) : 0;
    metrics.put("prior_correction_logit_offset", offset);
    if (offset == 0) {
      return outcome;
    }
    metrics.put("validation_mean_probability_before_prior_correction",
        outcome.bestScores().meanProbability());
    PriorCorrection.apply(outcome.network(), offset);
    ScoredLabels corrected = validation.score(spark, outcome.network());
    LOG.info(String.format(Locale.ROOT, "train %s: the class prior resampling and class weights "
        + "taught the network is undone (logit offset %.4f): mean validation probability %.4f -> "
        + "%.4f, positive rate %.4f", context.dataset(), offset,
        outcome.bestScores().meanProbability(), corrected.meanProbability(),
        corrected.positiveRate()));
    metrics.put("validation_loss_after_prior_correction", corrected.logLoss());
    return outcome.withBestScores(corrected);
  }

  /**
   * With {@code training.loss.calibrate} (focal loss), the network Platt-scaled on validation
   * ({@link PlattScaling}) and its validation scores again; the outcome as it is otherwise: with an
   * ensemble (INFO), or when the fit is not {@link PlattScaling.Fit#usable} (WARN).
   */
  private static Training calibrate(RunContext context, JavaSparkContext spark,
      TrainingConfig config, Training outcome, TrainingData validation,
      Map<String, Double> metrics, Ensembles.Outcome ensemble) {
    if (!config.loss().calibrates()) {
      return outcome;
    }
    if (ensemble != null) {
      // Stacking's combiner is fitted on its fold networks' raw logits and calibrates the stack;
      // bagging's members are new networks the main network's map was not fitted for.
      LOG.info("train {}: focal loss's probabilities are not Platt-scaled: an ensemble ({}) is "
          + "registered", context.dataset(), ensemble.spec().description());
      return outcome;
    }
    PlattScaling.Fit fit = PlattScaling.fit(outcome.bestScores());
    if (!fit.usable()) {
      LOG.warn("train {}: no calibration: Platt scaling on validation gives {}, which is not safe "
          + "to apply (a slope outside (0, {}] or no convergence); the focal network's "
          + "probabilities are kept as they are", context.dataset(), fit, PlattScaling.MAX_SLOPE);
      return outcome;
    }
    PlattScaling.apply(outcome.network(), fit);
    ScoredLabels calibrated = validation.score(spark, outcome.network());
    metrics.put("calibration_slope", fit.slope());
    metrics.put("calibration_intercept", fit.intercept());
    metrics.put("validation_loss_before_calibration", outcome.bestScores().logLoss());
    metrics.put("validation_loss_after_calibration", calibrated.logLoss());
    LOG.info(String.format(Locale.ROOT, "train %s: focal loss's probabilities calibrated on "
        + "validation (Platt scaling, %s): validation log loss %.4f -> %.4f, mean probability "
        + "%.4f -> %.4f (positive rate %.4f)", context.dataset(), fit,
        outcome.bestScores().logLoss(), calibrated.logLoss(), outcome.bestScores().meanProbability(),
        calibrated.meanProbability(), calibrated.positiveRate()));
    return outcome.withBestScores(calibrated);
  }

  /** Saves every epoch's network, the best one and the loop's state, for {@code --resume}. */
  private static EpochLoop.Listener checkpointing(RunContext context, TableRef featuresRef,
      TrainingConfig config, Checkpoints checkpoints) {
    return (epoch, epochs, bestEpoch, bestScore, network, best) -> checkpoints.save(
        new Checkpoints.State(context.runId(), context.dataset(), context.runDate(),
            featuresRef.version(), config, epoch, epochs, bestEpoch, bestScore), network, best);
  }

  /** One network trained to the end of its epoch loop, refused first when it is absurdly large. */
  private static Training trainOnce(RunContext context, TrainingConfig resolved, NetworkInput input,
      double[] weights, TrainingData train, TrainingData validation,
      Checkpoints.Restored restored, EpochLoop.Listener listener) {
    requireSensibleSize(resolved, input);
    return new EpochLoop(JavaSparkContext.fromSparkContext(context.spark().sparkContext()),
        resolved, train, validation, NetworkFactory.binaryClassifier(resolved, input, weights),
        restored, listener).run();
  }

  /**
   * The baseline ladder's validation metrics and the best baseline, empty when the ladder is off.
   *
   * @param metrics    {@code baseline_<model>_validation_roc_auc} per baseline,
   *                   {@code baseline_best_validation_roc_auc} and
   *                   {@code network_margin_over_best_baseline} (the registered model's margin:
   *                   the ensemble's when there is one, a promoted baseline's when one is
   *                   promoted; negative: it lost); with {@code baselines.promote}
   *                   {@code baseline_promotable_margin} (the best promotable baseline's validation
   *                   ROC AUC minus the network's or ensemble's)
   * @param promotion  what {@code baselines.promote} decided, e.g. {@code promoted
   *                   logistic_regression ...} or {@code kept network: ...}; null without it
   * @param promoted   the baseline registered instead of the network; null when none is
   * @param saved      the rungs saved with the model for {@code evaluate} ({@link LadderModel})
   */
  record BaselineComparison(Map<String, Double> metrics, String bestModel, String promotion,
      Promotion promoted, SavedRungs saved) {
    static final BaselineComparison NONE = new BaselineComparison(Map.of(), null, null, null,
        SavedRungs.NONE);
  }

  /**
   * A baseline registered as the model version: what it is, its model file (deepline's JSON) and
   * its validation scores, on which the threshold is chosen and the collapse guard applied.
   */
  record Promotion(PromotedBaseline spec, byte[] modelJson, ScoredLabels validation,
      TrainingData.ChunkModel model) {}

  /**
   * The ladder's {@code gbt} and {@code logistic_regression} rungs for an ensemble: none when the
   * ladder is off or not joined yet ({@code fitted} null).
   *
   * @param trainRows the training split's rows before any resampling (what the ladder samples)
   */
  private static Ensembles.LadderMembers ladderMembers(List<BaselineLadder.Fitted> fitted,
      BaselineConfig config, long trainRows) {
    if (fitted == null) {
      return Ensembles.LadderMembers.none(config.driverMaxRows());
    }
    boolean everyRow = BaselineLadder.fitsEveryRow(trainRows, config);
    java.util.function.Function<String, Ensembles.LadderRung> rung = model -> fitted.stream()
        .filter(f -> model.equals(f.result().model())).findFirst()
        .map(f -> new Ensembles.LadderRung(f.result(), everyRow ? f.model() : null))
        .orElse(null);
    return new Ensembles.LadderMembers(rung.apply(BaselineLadder.GBT),
        rung.apply(BaselineLadder.LOGISTIC_REGRESSION), config.driverMaxRows());
  }

  /**
   * Compares the best baseline's validation ROC AUC (the ladder's {@code fitted} rungs on the same
   * features and splits, null when it is off) with the registered model's (the network,
   * or its ensemble): a model that
   * loses says so loudly in the log and the run record, and fails the run when
   * {@code baselines.require_network_wins} is set; with {@code baselines.promote} the best
   * promotable baseline replaces it when it wins by more than {@code baselines.promote_margin}.
   *
   * @param registeredKind what train registers without promotion: {@code network} or the
   *                       ensemble's description
   */
  private static BaselineComparison compareWithBaselines(RunContext context,
      List<BaselineLadder.Fitted> fitted, String registeredKind, double registeredRocAuc,
      double networkRocAuc) {
    if (fitted == null) {
      return BaselineComparison.NONE;
    }
    BaselineConfig config = context.section(BaselineConfig.class);
    SavedRungs saved = savedRungs(fitted);
    List<BaselineLadder.Result> ladder = fitted.stream().map(BaselineLadder.Fitted::result)
        .toList();
    Map<String, Double> metrics = new LinkedHashMap<>();
    ladder.forEach(b -> metrics.put("baseline_" + b.model() + "_validation_roc_auc",
        b.validationRocAuc()));
    BaselineLadder.Result best = BaselineLadder.best(ladder).orElseThrow();
    double margin = registeredRocAuc - best.validationRocAuc();
    metrics.put("baseline_best_validation_roc_auc", best.validationRocAuc());
    metrics.put("network_margin_over_best_baseline", margin);
    double networkAloneMargin = networkRocAuc - best.validationRocAuc();
    metrics.put(NETWORK_ALONE_MARGIN, networkAloneMargin);
    if (!ModelMetadata.SINGLE_NETWORK.equals(registeredKind) && networkAloneMargin < 0) {
      // The registered ensemble may beat the ladder where the network alone does not: an alert
      // on the registered model's margin would never say that the network itself lost.
      LOG.warn(String.format(Locale.ROOT, "train %s: the network alone scores validation ROC AUC "
          + "%.4f, %.4f below the %s baseline's %.4f; the registered %s scores %.4f",
          context.dataset(), networkRocAuc, -networkAloneMargin, best.model(),
          best.validationRocAuc(), registeredKind, registeredRocAuc));
    }
    if (config.promote()) {
      BaselinePromotion choice = BaselinePromotion.decide(ladder, registeredKind,
          registeredRocAuc, config.promoteMargin());
      metrics.put("baseline_promotable_margin", choice.lead());
      if (choice.promote()) {
        BaselineLadder.Fitted chosen = fitted.stream()
            .filter(f -> f.result() == choice.candidate()).findFirst().orElseThrow();
        Promotion promoted = promote(chosen, registeredKind, registeredRocAuc);
        metrics.put("network_margin_over_best_baseline",
            promoted.spec().validationRocAuc() - best.validationRocAuc());
        LOG.warn("train {}: baselines.promote: {}; the baseline is registered as model version {} "
            + "(kind {})", context.dataset(), choice.decision(), context.runId(),
            promoted.spec().kind());
        return new BaselineComparison(metrics, best.model(), choice.decision(), promoted, saved);
      }
      LOG.info("train {}: baselines.promote: {}", context.dataset(), choice.decision());
      return new BaselineComparison(withVerdict(context, config, metrics, best, margin,
          registeredRocAuc), best.model(), choice.decision(), null, saved);
    }
    return new BaselineComparison(withVerdict(context, config, metrics, best, margin,
        registeredRocAuc), best.model(), null, null, saved);
  }

  /**
   * The chosen baseline as the model version: its validation scores checked by the collapse guard,
   * its model exported to deepline's JSON.
   */
  private static Promotion promote(BaselineLadder.Fitted promotable, String registeredKind,
      double registeredRocAuc) {
    BaselineLadder.Result result = promotable.result();
    // The ladder fits on the real training rows with no class weights: it should reproduce the
    // validation positive rate on average, like an unweighted network.
    CollapseGuard.check(promotable.validation(), null, "the baseline " + result.model()
        + " that baselines.promote would register", "on validation",
        "; set baselines.promote to false to keep the " + registeredKind);
    Exported exported = exported(promotable);
    PromotedBaseline spec = PromotedBaseline.of(result.model(), result.settings(),
        result.validationRocAuc(), registeredKind, registeredRocAuc);
    return new Promotion(spec, exported.json(), promotable.validation(), exported.model());
  }

  /** A promotable rung in deepline's JSON, and as the model that scores training chunks. */
  private record Exported(byte[] json, TrainingData.ChunkModel model) {}

  private static Exported exported(BaselineLadder.Fitted promotable) {
    String model = promotable.result().model();
    return switch (model) {
      case BaselineLadder.LOGISTIC_REGRESSION -> {
        LinearModel linear = (LinearModel) promotable.model();
        yield new Exported(linear.toJson().getBytes(StandardCharsets.UTF_8),
            TrainingData.ChunkModel.linear(linear));
      }
      case BaselineLadder.GBT -> {
        BoostedTrees trees = (BoostedTrees) promotable.model();
        yield new Exported(trees.toJson().getBytes(StandardCharsets.UTF_8),
            TrainingData.ChunkModel.trees(trees));
      }
      default -> throw new IllegalStateException("baseline " + model + " is not promotable");
    };
  }

  /**
   * The ladder's rungs that have a Spark-free form, exported to be saved with the model version
   * whatever is registered, so that {@code evaluate} can judge them on the model's test rows.
   */
  private static SavedRungs savedRungs(List<BaselineLadder.Fitted> fitted) {
    List<LadderModel> rungs = new ArrayList<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (BaselineLadder.Fitted rung : fitted) {
      BaselineLadder.Result result = rung.result();
      if (BaselineLadder.PROMOTABLE.contains(result.model())) {
        LadderModel saved = LadderModel.of(result.model(), result.settings(),
            result.validationRocAuc());
        rungs.add(saved);
        files.put(saved.file(), exported(rung).json());
      }
    }
    return new SavedRungs(rungs, files);
  }

  /** The ladder rungs saved with the model, and their files by file name. */
  record SavedRungs(List<LadderModel> rungs, Map<String, byte[]> files) {
    static final SavedRungs NONE = new SavedRungs(List.of(), Map.of());
  }

  /**
   * {@code metrics}, after saying in the log whether the registered model beat the best baseline,
   * and failing the run when it lost and {@code baselines.require_network_wins} is set.
   */
  private static Map<String, Double> withVerdict(RunContext context, BaselineConfig config,
      Map<String, Double> metrics, BaselineLadder.Result best, double margin,
      double registeredRocAuc) {
    if (margin < 0) {
      String verdict = String.format(Locale.ROOT, "train %s: the registered model's validation ROC AUC "
          + "%.4f is %.4f BELOW the %s baseline's %.4f on the same features and rows",
          context.dataset(), registeredRocAuc, -margin, best.model(), best.validationRocAuc());
      if (config.requireNetworkWins()) {
        throw new DeeplineException(Failure.MODEL_GATE, verdict + "; baselines.require_network_wins is set, so no model "
            + "is registered");
      }
      LOG.warn("{}; the model is registered, but the baseline is the better choice until the "
          + "network improves (features, layers, epochs)", verdict);
    } else {
      LOG.info(String.format(Locale.ROOT, "train %s: the registered model's validation ROC AUC "
          + "%.4f beats the best baseline, %s (%.4f), by %.4f", context.dataset(), registeredRocAuc,
          best.model(), best.validationRocAuc(), margin));
    }
    return metrics;
  }

  private StageResult save(RunContext context, TableRef featuresRef, FeatureModel featureModel,
      LabelConfig label, TrainingConfig resolved, Training outcome, Ensembles.Outcome ensemble, TrainingData train,
      BaselineComparison baselines, Map<String, Double> importance, Map<String, Double> balance) {
    EpochMetrics best = outcome.epochs().get(outcome.bestEpoch() - 1);
    Map<String, Double> validationMetrics = new LinkedHashMap<>();
    Promotion promoted = baselines.promoted();
    // validation_* are the registered model's: the promoted baseline's when one is, else the
    // ensemble's when there is one.
    ScoredLabels registered = promoted != null ? promoted.validation()
        : ensemble == null ? outcome.bestScores() : ensemble.validation();
    boolean network = promoted == null && ensemble == null;
    validationMetrics.put("validation_roc_auc",
        network ? best.validationRocAuc() : registered.rocAuc());
    validationMetrics.put("validation_pr_auc",
        network ? best.validationPrAuc() : registered.prAuc());
    validationMetrics.put("validation_loss",
        network ? best.validationLoss() : registered.logLoss());
    validationMetrics.put("network_validation_roc_auc", best.validationRocAuc());
    if (promoted != null) {
      validationMetrics.put("promoted_baseline_margin", promoted.spec().margin());
    }
    if (ensemble != null) {
      validationMetrics.putAll(ensemble.metrics());
    }
    validationMetrics.putAll(baselines.metrics());
    importance.forEach((input, drop) -> validationMetrics.put(IMPORTANCE_PREFIX + input, drop));
    String version = context.runId();
    // On the registered model's validation scores: the threshold belongs to the model that ships.
    DecisionThreshold threshold = resolved.threshold().toRule().choose(registered);
    LOG.info(String.format(Locale.ROOT, "train %s: decision threshold %.4f (%s): validation "
        + "precision %.4f, recall %.4f, F1 %.4f", context.dataset(), threshold.value(),
        threshold.rule(), threshold.precision(), threshold.recall(), threshold.f1()));
    nearlyEveryRowPositive(context.dataset(), threshold, registered.positiveRate(),
        registered.rocAuc()).ifPresent(LOG::warn);
    ModelMetadata metadata = new ModelMetadata(version, context.dataset(), context.runId(),
        context.runDate(), Instant.now().toString(), label.column(), label.positive(),
        featureModel.width(), resolved, featureModel, outcome.epochs(), outcome.bestEpoch(),
        validationMetrics, threshold,
        ensemble == null || promoted != null ? null : ensemble.spec(), outcome.layerStatistics(),
        promoted == null ? null : promoted.spec(), baselines.saved().rungs());
    String dir = context.warehouse().modelDir(context.dataset(), version);
    Map<String, byte[]> files = new LinkedHashMap<>(baselines.saved().files());
    if (promoted != null) {
      files.put(promoted.spec().file(), promoted.modelJson());
    } else if (ensemble != null) {
      files.putAll(ensemble.memberFiles());
    }
    ModelBundle bundle = new ModelBundle(metadata, ModelBundle.serialise(outcome.network()), files);
    bundle.save(context.files(), dir);
    new ModelRegistry(context.spark(), context.warehouse()).register(new ModelRegistry.ModelEntry(
        version, context.dataset(), context.runId(), context.runDate(), Instant.now(), dir,
        validationMetrics));
    double trainingSeconds = outcome.epochs().stream().mapToDouble(EpochMetrics::millis).sum()
        / 1000.0;
    StageResult.Builder result = StageResult.builder()
        .input(featuresRef)
        .artifact("model", dir)
        .artifact("model_version", version)
        .metrics(validationMetrics)
        .metrics(balance)
        .metric("validation_mean_probability", registered.meanProbability())
        .metric("validation_positive_rate", registered.positiveRate())
        .metric("decision_threshold", threshold.value())
        .metric("validation_precision_at_threshold", threshold.precision())
        .metric("validation_recall_at_threshold", threshold.recall())
        .metric("validation_f1_at_threshold", threshold.f1())
        .artifact("decision_threshold_rule", threshold.rule())
        .metric("epochs_run", outcome.epochs().size())
        .metric("best_epoch", outcome.bestEpoch())
        .metric("rows_train", train.rows())
        .metric("batch_size_per_worker", resolved.batchSizePerWorker())
        .metric("averaging_frequency", resolved.averagingFrequency())
        .metric("epochs", resolved.epochs())
        .metric("patience", resolved.patience())
        .metric("workers", resolved.workers())
        .metric("workers_on_driver", outcome.workersOnDriver() ? 1 : 0)
        .metric("rows_per_second", outcome.epochs().get(outcome.epochs().size() - 1)
            .rowsPerSecond())
        .metric("training_seconds", trainingSeconds)
        .metric("parameters", outcome.network().numParams())
        .metrics(layerMetrics(outcome));
    result.artifact("model_kind", metadata.modelKind());
    if (baselines.bestModel() != null) {
      result.artifact("baseline_best", baselines.bestModel());
    }
    if (baselines.promotion() != null) {
      result.artifact("baseline_promotion", baselines.promotion());
    }
    if (promoted != null) {
      result.artifact("promoted_baseline", promoted.spec().model());
    }
    if (resumeRunId != null) {
      result.artifact("resumed_from", resumeRunId);
    }
    if (outcome.statsPage() != null) {
      String page = context.warehouse().reportDir(context.dataset(), context.runDate())
          + "/training-stats-" + context.runId() + ".html";
      context.files().writeBytes(page, outcome.statsPage());
      result.artifact("training_stats_html", page);
    }
    return result.build();
  }

  /**
   * Run metrics of each layer after the best epoch ({@link LayerStatistics}): its share of dead ReLU
   * units (ReLU layers only), the mean absolute gradient and the update ratio, e.g.
   * {@code layer_0_dead_relu_share}. All epochs' statistics are in the model's metadata.
   */
  private static Map<String, Double> layerMetrics(Training outcome) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (LayerStatistics.Layer layer : outcome.layerStatistics()) {
      if (layer.epoch() != outcome.bestEpoch()) {
        continue;
      }
      String prefix = "layer_" + layer.layer() + "_";
      if (!Double.isNaN(layer.deadShare())) {
        metrics.put(prefix + "dead_relu_share", layer.deadShare());
      }
      metrics.put(prefix + "gradient_abs_mean", layer.gradientAbsMean());
      if (Double.isFinite(layer.updateRatio())) {
        metrics.put(prefix + "update_ratio", layer.updateRatio());
      }
    }
    return metrics;
  }

  /**
   * The features table must hold the vectors the saved feature model makes, computed for the train
   * split it was fitted on; otherwise the network would learn from one transform and ship another.
   */
  private static void checkFeaturesMatchModel(Dataset<Row> features, FeatureModel model,
      TableRef table) {
    long fingerprint = SplitFingerprint.of(features, StratifiedSplitter.TRAIN);
    if (fingerprint != model.fittedOn().fingerprint()) {
      throw new DeeplineException("train: " + table.path() + " (version " + table.version()
          + ") was not written with the saved feature model (fitted on run " + model.fittedOn().runId()
          + "); re-run features");
    }
  }

  /**
   * The date's splits must still hold the train split the feature model was fitted on: a split
   * redone since (another seed or fraction) moved records between the splits, and a model trained
   * on the older features would be evaluated on test rows it trained on (evaluate leaves them out,
   * and judged most of a test split away without a word).
   */
  static void checkSplitsMatchModel(Dataset<Row> splits, FeatureModel model, String runDate) {
    long fingerprint = SplitFingerprint.of(splits, StratifiedSplitter.TRAIN);
    if (fingerprint != model.fittedOn().fingerprint()) {
      throw new DeeplineException("train: the splits of " + runDate + " were written again after "
          + "the features were built (train split " + SplitFingerprint.format(fingerprint)
          + ", the feature model's " + SplitFingerprint.format(model.fittedOn().fingerprint())
          + "); re-run features (and leakage) for " + runDate);
    }
  }

  /**
   * Negatives and positives of a split; both must be present, for training to learn anything and for
   * the validation metrics that drive early stopping to exist.
   */
  private static void requireBothClasses(TrainingData split) {
    if (split.rows() == 0 || split.positives() == 0 || split.negatives() == 0) {
      throw new DeeplineException(Failure.DATA_QUALITY,
          "train: both classes are needed in each split; got " + split);
    }
  }

  static void requireSensibleSize(TrainingConfig config, NetworkInput input) {
    requireSensibleSize(config, input, NetworkFactory.CLASSES);
  }

  /** As above for a softmax head of {@code classes} units. */
  static void requireSensibleSize(TrainingConfig config, NetworkInput input, int classes) {
    int width = input.width();
    long parameters = input.embeddingParameters();
    int inputs = input.hiddenInputWidth();
    StringBuilder shape = new StringBuilder(String.valueOf(width));
    if (input.hasEmbeddings()) {
      shape.append("(embedded ").append(inputs).append(')');
    }
    for (LayerSpec layer : config.layers()) {
      parameters += (long) inputs * layer.units() + layer.units();
      inputs = layer.units();
      shape.append('-').append(layer.units());
    }
    parameters += (long) inputs * classes + classes;
    if (parameters > MAX_PARAMETERS) {
      throw new DeeplineException("train: the network " + shape + "-" + classes
          + " (feature width " + width + ") has " + parameters + " parameters, more than "
          + MAX_PARAMETERS + "; use fewer or narrower training.layers");
    }
  }

  private static void warnAboutUnusedSlots(RunContext context, TrainingConfig config) {
    int slots = context.spark().sparkContext().defaultParallelism();
    if (slots > config.workers()) {
      LOG.info("train: {} workers use {} of {} task slots; set training.workers to use more (the "
          + "model depends on it, so it is never chosen for you)", config.workers(),
          config.workers(), slots);
    }
  }

  /**
   * A {@link DeeplineException} thrown inside a Spark task reaches the driver wrapped in Spark's own
   * exceptions; the user should see its message, not a stack of task failures.
   */
  private static RuntimeException userError(RuntimeException error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof DeeplineException user) {
        return user;
      }
    }
    return error;
  }
}
