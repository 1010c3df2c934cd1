package org.deepline.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.MulticlassLadder;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.MulticlassScores;
import org.deepline.sampling.StratifiedSplitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage for a multi-class label ({@link LabelConfig#classes}): the same network with a
 * softmax head of one unit per class, trained with parameter averaging by the same epoch loop and
 * early stopping (on the mean of the classes' one-vs-rest validation ROC AUCs, or the loss), its
 * classes weighted as {@code training.class_weights} says; judged beside the multi-class baselines
 * ({@link MulticlassLadder}) on the same validation rows, and registered with its classes in the
 * order of its outputs.
 *
 * <p>What the binary stage adds around the network and a multi-class label does not have yet is
 * refused before a row is read, naming the setting: resampling and augmentation, ensembles other
 * than {@code auto} (which trains the network alone here), tuning, the sanity run, resuming,
 * {@code pr_auc} early stopping, focal-loss calibration and baseline promotion. A decision
 * threshold has no meaning here: a row's prediction is its most probable class.
 *
 * <pre>{@code
 * StageResult result = MulticlassTrain.run(context, config, label, featureModel, stored,
 *     features, featuresRef);
 * }</pre>
 */
final class MulticlassTrain {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /**
   * A class probability that moves less than this over the validation rows is a constant: a
   * network whose every output is one has collapsed, whatever its loss.
   */
  static final double COLLAPSED_SPREAD = 1e-4;
  /** How far below the best baseline's macro ROC AUC the network may be before a WARN says so. */
  static final double BASELINE_TOLERANCE = 0.01;
  /** The run record's prefix of each class's validation metrics, e.g. {@code validation_recall:Large}. */
  static final String CLASS_RECALL = "validation_recall:";
  static final String CLASS_ROC_AUC = "validation_roc_auc:";

  private MulticlassTrain() {}

  /**
   * Settings of {@code training} and {@code baselines} a multi-class label cannot take yet, each
   * named with why; empty when it can train.
   */
  static List<String> unsupported(TrainingConfig config, BaselineConfig baselines, boolean tune,
      boolean sanity, boolean resume) {
    List<String> own = new ArrayList<>();
    if ("pr_auc".equals(config.earlyStoppingMetric())) {
      own.add("training.early_stopping_metric pr_auc (a PR AUC is one class's; use roc_auc, "
          + "the mean of the classes' one-vs-rest ROC AUCs, or loss)");
    }
    if (config.loss().calibrate() != null) {
      own.add("training.loss.calibrate (Platt scaling moves one class's logit)");
    }
    return SingleNetworkTraining.refused(config, baselines, tune, sanity, resume,
        "its samplers pair one minority class with one majority", own);
  }

  /**
   * Fails naming the {@link #unsupported} settings of a run of {@code label}, before a row is read.
   */
  static void requireSupported(LabelConfig label, TrainingConfig config, BaselineConfig baselines,
      boolean tune, boolean sanity, boolean resume) {
    SingleNetworkTraining.requireNone(unsupported(config, baselines, tune, sanity, resume),
        label.describe() + " is a multi-class label of " + label.classCount() + " classes "
        + label.classes() + ", and these settings are for a binary one so far");
  }

  static StageResult run(RunContext context, TrainingConfig config, LabelConfig label,
      FeatureModel featureModel, Dataset<Row> stored, Dataset<Row> features,
      TableRef featuresRef) {
    int classes = label.classCount();
    NetworkInput input = NetworkInput.of(featureModel);
    int width = input.width();
    TrainingData train = null;
    TrainingData validation = null;
    try {
      train = TrainJob.cache(stored, StratifiedSplitter.TRAIN, config, width, classes);
      validation = TrainJob.cache(stored, StratifiedSplitter.VALIDATION, config, width, classes);
      requireClasses(train, label);
      requireClasses(validation, label);
      TrainingConfig resolved = config.resolve(train.rows());
      TrainJob.requireSensibleSize(resolved, input, classes);
      double[] weights = ClassWeights.of(config, train.rowsPerClass());
      JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
      LOG.info("train {}: a multi-class label of {} classes {}; {}; {}; batch {} per worker, "
          + "averaging every {} minibatches, {} workers", context.dataset(), classes,
          label.classes(), train, validation, resolved.batchSizePerWorker(),
          resolved.averagingFrequency(), resolved.workers());
      Training outcome = new EpochLoop(spark, resolved, train, validation,
          NetworkFactory.classifier(resolved, input, classes, weights), null,
          EpochLoop.Listener.NONE).run();
      MulticlassScores scores = outcome.bestClassScores();
      requireNotCollapsed(scores, label);
      Map<String, Double> metrics = new LinkedHashMap<>(validationMetrics(scores, label));
      BaselineConfig baselineConfig = context.section(BaselineConfig.class);
      if (baselineConfig.enabled()) {
        metrics.putAll(compareWithBaselines(context, features, train.rows(), classes,
            baselineConfig, resolved.seed(), scores));
      }
      return save(context, featuresRef, featureModel, resolved, label, outcome, train, metrics);
    } finally {
      if (train != null) {
        train.release();
      }
      if (validation != null) {
        validation.release();
      }
    }
  }

  /**
   * Fails unless a split holds at least two classes; WARNs of classes it lacks (split WARNed of
   * them too): a class without training rows is never learned, one without validation rows has no
   * ROC AUC in the mean.
   */
  static void requireClasses(TrainingData split, LabelConfig label) {
    long[] rows = split.rowsPerClass();
    List<String> missing = new ArrayList<>();
    for (int c = 0; c < rows.length; c++) {
      if (rows[c] == 0) {
        missing.add(label.className(c));
      }
    }
    if (rows.length - missing.size() < 2) {
      throw new DeeplineException(Failure.DATA_QUALITY, "train: at least two classes are needed "
          + "in each split; got " + split + " (no row of " + missing + ")");
    }
    if (!missing.isEmpty()) {
      LOG.warn("train: {} has no row of {}", split, missing);
    }
  }

  /**
   * Fails when every class's probability is the same for every validation row: the network
   * predicts its prior and nothing else, and registering it would score every row alike.
   */
  static void requireNotCollapsed(MulticlassScores scores, LabelConfig label) {
    double widest = 0;
    for (int c = 0; c < scores.classes(); c++) {
      float low = Float.POSITIVE_INFINITY;
      float high = Float.NEGATIVE_INFINITY;
      for (int row = 0; row < scores.count(); row++) {
        low = Math.min(low, scores.probability(row, c));
        high = Math.max(high, scores.probability(row, c));
      }
      widest = Math.max(widest, high - low);
    }
    if (widest < COLLAPSED_SPREAD) {
      throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT, "train: the "
          + "network collapsed: every class's probability moves less than %.0e over the %d "
          + "validation rows (it predicts the same for every row); lower training.learning_rate, "
          + "set training.class_weights to balanced, or check that the features vary",
          COLLAPSED_SPREAD, scores.count()));
    }
    long[] predicted = scores.predictedPerClass();
    long classesPredicted = java.util.Arrays.stream(predicted).filter(n -> n > 0).count();
    if (classesPredicted == 1) {
      LOG.warn("train: the network predicts one class of {} for every validation row; its "
          + "rankings may still help (ROC AUC), its predicted classes do not: set "
          + "training.class_weights to balanced", label.classes());
    }
  }

  /**
   * The run record's validation metrics of a multi-class model: {@code validation_roc_auc} (the
   * mean of the classes' one-vs-rest ROC AUCs, scikit-learn's {@code macro} average, so that
   * everything reading a model's {@code validation_roc_auc} reads the same kind of number),
   * {@code validation_weighted_roc_auc}, accuracy, macro F1, log loss, and each class's ROC AUC and
   * recall.
   */
  static Map<String, Double> validationMetrics(MulticlassScores scores, LabelConfig label) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validation_roc_auc", scores.macroRocAuc());
    metrics.put("validation_weighted_roc_auc", scores.weightedRocAuc());
    metrics.put("validation_accuracy", scores.accuracy());
    metrics.put("validation_macro_f1", scores.macroF1());
    metrics.put("validation_loss", scores.logLoss());
    metrics.put("classes", (double) scores.classes());
    double[] aucs = scores.rocAucPerClass();
    double[] recalls = scores.recallPerClass();
    for (int c = 0; c < scores.classes(); c++) {
      metrics.put(CLASS_ROC_AUC + label.className(c), aucs[c]);
      metrics.put(CLASS_RECALL + label.className(c), recalls[c]);
    }
    return metrics;
  }

  /**
   * The multi-class baselines' validation metrics beside the network's: each one's macro ROC AUC
   * and accuracy, the best one and the network's margin over it; a WARN when the network is more
   * than {@value #BASELINE_TOLERANCE} below it, naming it.
   */
  private static Map<String, Double> compareWithBaselines(RunContext context,
      Dataset<Row> features, long trainRows, int classes, BaselineConfig config, long seed,
      MulticlassScores network) {
    Dataset<Row> train = features.where(functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.TRAIN));
    Dataset<Row> validation = features.where(functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION));
    List<MulticlassLadder.Rung> rungs = MulticlassLadder.fit(train, trainRows, validation,
        FeatureTransform.FEATURES, LabelConfig.LABEL, classes, config, seed);
    Map<String, Double> metrics = new LinkedHashMap<>();
    MulticlassLadder.Rung best = null;
    for (MulticlassLadder.Rung rung : rungs) {
      double auc = rung.validation().macroRocAuc();
      metrics.put("baseline_" + rung.model() + "_validation_roc_auc", auc);
      metrics.put("baseline_" + rung.model() + "_validation_accuracy",
          rung.validation().accuracy());
      metrics.put("baseline_" + rung.model() + "_fit_seconds", rung.fitSeconds());
      if (Double.isFinite(auc) && (best == null || auc > best.validation().macroRocAuc())) {
        best = rung;
      }
    }
    if (best == null) {
      return metrics;
    }
    double bestAuc = best.validation().macroRocAuc();
    double margin = network.macroRocAuc() - bestAuc;
    metrics.put("baseline_best_validation_roc_auc", bestAuc);
    metrics.put("network_margin_over_best_baseline", margin);
    String line = String.format(Locale.ROOT, "train %s: validation ROC AUC (mean of the classes' "
        + "one-vs-rest) network %.4f, best baseline %s %.4f (margin %+.4f); accuracy %.4f against "
        + "%.4f", context.dataset(), network.macroRocAuc(), best.model(), bestAuc, margin,
        network.accuracy(), best.validation().accuracy());
    if (margin < -BASELINE_TOLERANCE) {
      LOG.warn("{}: the network loses to the {} baseline on the same rows; more epochs, other "
          + "training.layers or features may close the gap", line, best.model());
    } else {
      LOG.info(line);
    }
    return metrics;
  }

  private static StageResult save(RunContext context, TableRef featuresRef,
      FeatureModel featureModel, TrainingConfig resolved, LabelConfig label, Training outcome,
      TrainingData train, Map<String, Double> metrics) {
    ModelMetadata metadata = SingleNetworkTraining.metadata(context, label, featureModel,
        resolved, outcome, metrics, label.classes(), null);
    return SingleNetworkTraining.register(context, featuresRef, metadata, outcome, train, resolved)
        .artifact("classes", String.join(",", label.classes()))
        .build();
  }
}
