package org.deepline.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deepline.baselines.BaselineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureModel;
import org.deepline.tracking.ModelRegistry;

/**
 * What the multi-class and regression train stages share: each trains the network alone, so each
 * refuses the settings that wrap the binary network (resampling, augmentation, ensembles, baseline
 * promotion, tuning, the sanity run, resuming) in the same words, and saves and registers its
 * network and reports its run in the same shape.
 *
 * <pre>{@code
 * List<String> refused = SingleNetworkTraining.refused(config, baselines, tune, sanity, resume,
 *     "its samplers balance classes", List.of("training.class_weights balanced"));
 * StageResult.Builder result = SingleNetworkTraining.register(context, featuresRef, metadata,
 *     outcome, train, resolved);
 * }</pre>
 */
final class SingleNetworkTraining {
  private SingleNetworkTraining() {}

  /**
   * The settings of a run that a single-network head cannot take, each named: resampling (with
   * {@code resampleWhy}), augmentation and ensembles other than {@code auto}, then the head's own
   * ({@code headRefused}), then baseline promotion and the {@code train} options.
   */
  static List<String> refused(TrainingConfig config, BaselineConfig baselines, boolean tune,
      boolean sanity, boolean resume, String resampleWhy, List<String> headRefused) {
    List<String> refused = new ArrayList<>();
    if (config.resample().enabled()) {
      refused.add("training.resample (" + resampleWhy + ")");
    }
    if (config.augment().enabled()) {
      refused.add("training.augment");
    }
    if (config.ensemble().always()) {
      refused.add("training.ensemble.method " + config.ensemble().method());
    }
    refused.addAll(headRefused);
    if (baselines.enabled() && Boolean.TRUE.equals(baselines.promote())) {
      refused.add("baselines.promote");
    }
    if (tune) {
      refused.add("train --tune");
    }
    if (sanity) {
      refused.add("train --sanity");
    }
    if (resume) {
      refused.add("train --resume");
    }
    return refused;
  }

  /**
   * Fails with a config error when {@code refused} names any setting: {@code why} says what the
   * label is and why they do not fit, before the list.
   */
  static void requireNone(List<String> refused, String why) {
    if (!refused.isEmpty()) {
      throw new DeeplineException(Failure.CONFIG, "train: " + why + ": "
          + String.join("; ", refused) + "; leave them out");
    }
  }

  /**
   * The metadata of the run's network, the model version being the run id: a multi-class model's
   * ({@code classes}) or a regression model's ({@code regression}).
   */
  static ModelMetadata metadata(RunContext context, LabelConfig label, FeatureModel featureModel,
      TrainingConfig resolved, Training outcome, Map<String, Double> metrics,
      List<String> classes, ModelMetadata.RegressionTarget regression) {
    return new ModelMetadata(context.runId(), context.dataset(), context.runId(),
        context.runDate(), Instant.now().toString(), label.column(), featureModel.width(),
        resolved, featureModel, outcome.epochs(), outcome.bestEpoch(), metrics,
        outcome.layerStatistics(), classes, regression);
  }

  /**
   * Saves the network with {@code metadata} and registers it, then gives the run's result so far:
   * the model's artifacts, the validation metrics and how training went.
   */
  static StageResult.Builder register(RunContext context, TableRef featuresRef,
      ModelMetadata metadata, Training outcome, TrainingData train, TrainingConfig resolved) {
    String version = metadata.modelVersion();
    String dir = context.warehouse().modelDir(context.dataset(), version);
    new ModelBundle(metadata, ModelBundle.serialise(outcome.network()), Map.of())
        .save(context.files(), dir);
    new ModelRegistry(context.spark(), context.warehouse()).register(new ModelRegistry.ModelEntry(
        version, context.dataset(), context.runId(), context.runDate(), Instant.now(), dir,
        metadata.validationMetrics()));
    double trainingSeconds = outcome.epochs().stream().mapToDouble(EpochMetrics::millis).sum()
        / 1000.0;
    return StageResult.builder()
        .input(featuresRef)
        .artifact("model", dir)
        .artifact("model_version", version)
        .artifact("model_kind", metadata.modelKind())
        .metrics(metadata.validationMetrics())
        .metric("epochs_run", outcome.epochs().size())
        .metric("best_epoch", outcome.bestEpoch())
        .metric("rows_train", train.rows())
        .metric("batch_size_per_worker", resolved.batchSizePerWorker())
        .metric("averaging_frequency", resolved.averagingFrequency())
        .metric("workers", resolved.workers())
        .metric("rows_per_second", outcome.epochs().get(outcome.epochs().size() - 1)
            .rowsPerSecond())
        .metric("training_seconds", trainingSeconds)
        .metric("parameters", outcome.network().numParams());
  }
}
