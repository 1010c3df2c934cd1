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
import org.deepline.baselines.RegressionLadder;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.SchemaConfig;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.RegressionScores;
import org.deepline.sampling.StratifiedSplitter;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage for a regression label ({@link LabelConfig#isRegression}): the same network and
 * parameter averaging with one linear output unit, trained on the training rows' number
 * standardised to mean 0 and standard deviation 1 (so that the learning rate, weight decay and a
 * Huber loss's {@code delta} mean the same on prices in millions as on a rate in [0, 1]), with
 * early stopping on the validation rows' loss of the same kind. The output layer is then scaled back
 * ({@link #unstandardise}), so the saved network outputs the number itself and every scorer, the
 * Spark-free one too, needs nothing else. Judged beside the regression baselines on the same
 * validation rows and registered with its target's mean and standard deviation.
 *
 * <p>What the classification stage adds around the network and a regression label does not have
 * is refused before a row is read, naming the setting: class weights, resampling, augmentation,
 * ensembles other than {@code auto}, tuning, the sanity run, resuming, ROC/PR AUC early stopping
 * and classification losses.
 *
 * <pre>{@code
 * StageResult result = RegressionTrain.run(context, config, label, featureModel, stored,
 *     features, featuresRef);
 * }</pre>
 */
final class RegressionTrain {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /**
   * Predictions whose standard deviation is below this share of the label's are one number: the
   * network predicts the mean and has learnt nothing about the rows.
   */
  static final double COLLAPSED_SPREAD = 1e-4;
  /** The early-stopping metric of a regression network: the validation rows' loss. */
  static final String STOPPING_METRIC = "loss";
  /**
   * How much above the best baseline's validation RMSE (as a share of it) the network's may be
   * before a WARN says so.
   */
  static final double BASELINE_TOLERANCE = 0.01;

  private RegressionTrain() {}

  /**
   * Settings of {@code training} and {@code baselines} a regression label cannot take, each
   * named with why; empty when it can train.
   */
  static List<String> unsupported(TrainingConfig config, BaselineConfig baselines, boolean tune,
      boolean sanity, boolean resume) {
    List<String> own = new ArrayList<>();
    if (!"none".equals(config.classWeights())) {
      own.add("training.class_weights " + config.classWeights() + " (a number has no classes to "
          + "weigh)");
    }
    if ("pr_auc".equals(config.earlyStoppingMetric())) {
      own.add("training.early_stopping_metric pr_auc (a number has no PR AUC; the default "
          + "stops on the validation loss)");
    }
    if (config.loss().isFocal()) {
      own.add("training.loss.type focal (a classification loss; use mse, mae or huber)");
    }
    return SingleNetworkTraining.refused(config, baselines, tune, sanity, resume,
        "its samplers balance classes", own);
  }

  /** Fails naming the {@link #unsupported} settings of a run of {@code label}, before a row is read. */
  static void requireSupported(LabelConfig label, TrainingConfig config, BaselineConfig baselines,
      boolean tune, boolean sanity, boolean resume) {
    SingleNetworkTraining.requireNone(unsupported(config, baselines, tune, sanity, resume),
        label.describe() + " is a regression label (a number to predict), and these settings are "
        + "not available for one");
  }

  /** Fails when a class label is to be trained with a regression loss, before a row is read. */
  static void requireClassificationLoss(LabelConfig label, LossConfig loss) {
    if (loss.isRegressionLoss()) {
      throw new DeeplineException(Failure.CONFIG, "train: training.loss.type " + loss.type()
          + " is a regression loss, and " + label.describe() + " is a class label; use "
          + "cross_entropy or focal, or set label.regression for a number");
    }
  }

  /**
   * The loss {@code training.loss.type} names; the default {@code cross_entropy}, which a config
   * written for any label carries, is {@code mse} here.
   */
  static ILossFunction loss(LossConfig config) {
    return switch (lossName(config)) {
      case LossConfig.MAE -> new LossL1();
      case LossConfig.HUBER -> new HuberLoss(config.delta());
      default -> new LossMSE();
    };
  }

  /**
   * The validation rows' mean loss of the kind {@code config} trains with, on {@code scores} (the
   * standardised numbers): what early stopping reads.
   */
  static double validationLoss(LossConfig config, RegressionScores scores) {
    return switch (lossName(config)) {
      case LossConfig.MAE -> scores.mae();
      case LossConfig.HUBER -> {
        double delta = config.delta();
        double sum = 0;
        for (int row = 0; row < scores.count(); row++) {
          double error = Math.abs(scores.prediction(row) - scores.label(row));
          sum += error <= delta ? 0.5 * error * error : delta * (error - 0.5 * delta);
        }
        yield scores.count() == 0 ? Double.NaN : sum / scores.count();
      }
      default -> scores.mse();
    };
  }

  /** The loss's name as the model records it. */
  static String lossName(LossConfig config) {
    return config.isRegressionLoss() ? config.type() : LossConfig.MSE;
  }

  static StageResult run(RunContext context, TrainingConfig config, LabelConfig label,
      FeatureModel featureModel, Dataset<Row> stored, Dataset<Row> features,
      TableRef featuresRef) {
    NetworkInput input = NetworkInput.of(featureModel);
    int width = input.width();
    TrainingData train = null;
    TrainingData validation = null;
    try {
      train = TrainJob.cache(stored, StratifiedSplitter.TRAIN, config, width,
          TrainingData.NUMBER);
      validation = TrainJob.cache(stored, StratifiedSplitter.VALIDATION, config, width,
          TrainingData.NUMBER);
      requireRows(train, label);
      requireRows(validation, label);
      double mean = train.targetMean();
      double deviation = train.targetDeviation();
      train.standardise(mean, deviation);
      validation.standardise(mean, deviation);
      TrainingConfig resolved = config.withEarlyStoppingMetric(STOPPING_METRIC)
          .resolve(train.rows());
      TrainJob.requireSensibleSize(resolved, input, TrainingData.NUMBER);
      JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
      LOG.info("train {}: a regression label {} ({} loss on the number standardised by the "
          + "training rows' mean {} and standard deviation {}); {}; {}; batch {} per worker, "
          + "averaging every {} minibatches, {} workers", context.dataset(), label.describe(),
          lossName(config.loss()), mean, deviation, train, validation,
          resolved.batchSizePerWorker(), resolved.averagingFrequency(), resolved.workers());
      Training outcome = new EpochLoop(spark, resolved, train, validation,
          NetworkFactory.regressor(resolved, input, loss(config.loss())), null,
          EpochLoop.Listener.NONE).run();
      MultiLayerNetwork network = outcome.network();
      unstandardise(network, mean, deviation);
      validation.standardise(0, 1);
      ColumnSpec declared = context.section(SchemaConfig.class).byName().get(label.column());
      ModelMetadata.RegressionTarget target = new ModelMetadata.RegressionTarget(mean, deviation,
          lossName(config.loss()), declared == null ? null : declared.min(),
          declared == null ? null : declared.max());
      RegressionScores unclipped = validation.scoreNumbers(spark, network);
      RegressionScores scores = clipped(unclipped, target);
      requireNotCollapsed(scores, deviation);
      Map<String, Double> metrics = new LinkedHashMap<>(validationMetrics(scores));
      BaselineConfig baselineConfig = context.section(BaselineConfig.class);
      if (baselineConfig.enabled()) {
        metrics.putAll(compareWithBaselines(context, features, train.rows(), baselineConfig,
            resolved.seed(), scores));
      }
      return save(context, featuresRef, featureModel, resolved, label, outcome, train, metrics,
          target);
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
   * {@code scores} with each prediction clipped to the target's declared range, as every scorer
   * clips it; the share it moved is logged.
   */
  static RegressionScores clipped(RegressionScores scores, ModelMetadata.RegressionTarget target) {
    double[] predictions = new double[scores.count()];
    double[] labels = new double[scores.count()];
    int moved = 0;
    for (int row = 0; row < scores.count(); row++) {
      predictions[row] = target.clip(scores.prediction(row));
      labels[row] = scores.label(row);
      moved += predictions[row] != scores.prediction(row) ? 1 : 0;
    }
    if (moved > 0) {
      LOG.info(String.format(Locale.ROOT, "train: %d of %d validation predictions (%.1f %%) lie "
          + "outside the label's declared range [%s, %s] and are clipped to it, as scoring "
          + "clips them", moved, scores.count(), 100.0 * moved / scores.count(),
          target.lowest(), target.highest()));
    }
    return new RegressionScores(predictions, labels);
  }

  /** Fails when a split has no row, or (train) its numbers are one number. */
  static void requireRows(TrainingData split, LabelConfig label) {
    if (split.rows() == 0) {
      throw new DeeplineException(Failure.DATA_QUALITY, "train: the " + split + " split has no "
          + "row; re-run split");
    }
    if (split.targetDeviation() == 0 && StratifiedSplitter.TRAIN.equals(split.split())) {
      throw new DeeplineException(Failure.DATA_QUALITY, "train: " + label.describe() + " is "
          + split.targetMean() + " in every training row (" + split + "); a regression label "
          + "must vary");
    }
  }

  /**
   * Scales the output unit of a network trained on {@code (y - mean) / deviation} so that it
   * outputs {@code y}: its weights by {@code deviation}, its bias by {@code deviation} plus
   * {@code mean}. Exact for the linear output unit.
   */
  static void unstandardise(MultiLayerNetwork network, double mean, double deviation) {
    int output = network.getnLayers() - 1;
    INDArray weights = network.getLayer(output).getParam("W");
    INDArray bias = network.getLayer(output).getParam("b");
    weights.muli(deviation);
    bias.muli(deviation).addi(mean);
  }

  /**
   * Fails when the predictions hardly move over the validation rows (their spread below
   * {@value #COLLAPSED_SPREAD} of the label's): the network predicts one number for every row.
   */
  static void requireNotCollapsed(RegressionScores scores, double labelDeviation) {
    double spread = scores.predictionSpread();
    if (spread < COLLAPSED_SPREAD * labelDeviation) {
      throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT, "train: the "
          + "network collapsed: its predictions over the %d validation rows spread %.3g, against "
          + "the label's %.3g (it predicts about %.4g for every row); lower "
          + "training.learning_rate, or check that the features vary", scores.count(), spread,
          labelDeviation, scores.meanPrediction()));
    }
    if (scores.r2() < 0) {
      LOG.warn(String.format(Locale.ROOT, "train: the network's validation R² is %.4f: it "
          + "predicts worse than the training rows' mean would; more epochs, other "
          + "training.layers or features may help", scores.r2()));
    }
  }

  /**
   * The run record's validation metrics of a regression model, in the label's unit:
   * {@code validation_rmse}, {@code validation_mae}, {@code validation_r2},
   * {@code validation_explained_variance}, {@code validation_median_absolute_error} and
   * {@code validation_loss} (the mean squared error).
   */
  static Map<String, Double> validationMetrics(RegressionScores scores) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validation_rmse", scores.rmse());
    metrics.put("validation_mae", scores.mae());
    metrics.put("validation_r2", scores.r2());
    metrics.put("validation_explained_variance", scores.explainedVariance());
    metrics.put("validation_median_absolute_error", scores.medianAbsoluteError());
    metrics.put("validation_loss", scores.mse());
    return metrics;
  }

  /**
   * The regression baselines' validation metrics beside the network's: each one's RMSE, R² and fit
   * time, the best one (lowest RMSE), and the network's RMSE as a ratio of it; a WARN naming it
   * when the network's RMSE is more than {@value #BASELINE_TOLERANCE} of it above.
   */
  private static Map<String, Double> compareWithBaselines(RunContext context,
      Dataset<Row> features, long trainRows, BaselineConfig config, long seed,
      RegressionScores network) {
    Dataset<Row> train = features.where(functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.TRAIN));
    Dataset<Row> validation = features.where(functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION));
    List<RegressionLadder.Rung> rungs = RegressionLadder.fit(train, trainRows, validation,
        FeatureTransform.FEATURES, LabelConfig.LABEL, config, seed);
    Map<String, Double> metrics = new LinkedHashMap<>();
    RegressionLadder.Rung best = null;
    for (RegressionLadder.Rung rung : rungs) {
      double rmse = rung.validation().rmse();
      metrics.put("baseline_" + rung.model() + "_validation_rmse", rmse);
      metrics.put("baseline_" + rung.model() + "_validation_r2", rung.validation().r2());
      metrics.put("baseline_" + rung.model() + "_fit_seconds", rung.fitSeconds());
      if (Double.isFinite(rmse) && (best == null || rmse < best.validation().rmse())) {
        best = rung;
      }
    }
    if (best == null) {
      return metrics;
    }
    double bestRmse = best.validation().rmse();
    double ratio = network.rmse() / bestRmse;
    metrics.put("baseline_best_validation_rmse", bestRmse);
    metrics.put("network_rmse_ratio_to_best_baseline", ratio);
    String line = String.format(Locale.ROOT, "train %s: validation RMSE network %.4g, best "
        + "baseline %s %.4g (ratio %.3f); R² %.4f against %.4f", context.dataset(),
        network.rmse(), best.model(), bestRmse, ratio, network.r2(), best.validation().r2());
    if (ratio > 1 + BASELINE_TOLERANCE) {
      LOG.warn("{}: the network loses to the {} baseline on the same rows; more epochs, other "
          + "training.layers or features may close the gap", line, best.model());
    } else {
      LOG.info(line);
    }
    return metrics;
  }

  private static StageResult save(RunContext context, TableRef featuresRef,
      FeatureModel featureModel, TrainingConfig resolved, LabelConfig label, Training outcome,
      TrainingData train, Map<String, Double> metrics, ModelMetadata.RegressionTarget target) {
    ModelMetadata metadata = SingleNetworkTraining.metadata(context, label, featureModel,
        resolved, outcome, metrics, null, target);
    return SingleNetworkTraining.register(context, featuresRef, metadata, outcome, train, resolved)
        .artifact("loss", target.loss())
        .metric("label_mean", target.mean())
        .metric("label_standard_deviation", target.standardDeviation())
        .build();
  }
}
