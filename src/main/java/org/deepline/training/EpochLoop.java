package org.deepline.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.ProgressNotes;
import org.deepline.metrics.MulticlassScores;
import org.deepline.metrics.RegressionScores;
import org.deepline.metrics.ScoredLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epochs of parameter averaging ({@link Averaging}) over cached training rows, each followed by a
 * validation pass and the early-stopping decision; the best epoch's weights are kept. One
 * configuration, one network: {@code train} runs it once to the end, {@code train --tune}
 * ({@link Tuner}) runs one loop per trial and continues it rung by rung with {@link #trainUntil},
 * which trains exactly what one run to the same epoch would.
 *
 * <pre>{@code
 * EpochLoop loop = new EpochLoop(spark, resolved, train, validation,
 *     NetworkFactory.binaryClassifier(resolved, width, weights), null, EpochLoop.Listener.NONE);
 * loop.trainUntil(2);             // the first rung
 * double auc = loop.bestValidationRocAuc();
 * Training trained = loop.run();  // on to training.epochs or the early stop
 * }</pre>
 */
public final class EpochLoop {
  /** The train stage's logger: these lines are the train log's, as before the loop had a class. */
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

  /** Told after every epoch what a resumed run would start from, e.g. to checkpoint it. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (epoch, epochs, bestEpoch, bestScore, network, best) -> { };

    void afterEpoch(int epoch, List<EpochMetrics> epochs, int bestEpoch, double bestScore,
        MultiLayerNetwork network, MultiLayerNetwork best);
  }

  private final JavaSparkContext spark;
  private final TrainingConfig config;
  private final TrainingData train;
  private final TrainingData validation;
  private final Listener listener;
  private final boolean higherIsBetter;
  private final Averaging averaging;
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private MultiLayerNetwork best;
  /** The best epoch's validation scores; null while the best is a resumed checkpoint's. */
  private ScoredLabels bestScores;
  /** A multi-class label's best epoch's validation scores (null for a 0/1 label's loop). */
  private MulticlassScores bestClassScores;
  /** A regression label's best epoch's validation numbers (null for a class label's loop). */
  private RegressionScores bestNumberScores;
  private int bestEpoch;
  private double bestScore;
  private int nextEpoch = 1;
  private boolean stoppedEarly;
  private final List<LayerStatistics.Layer> layerStatistics = new ArrayList<>();
  private boolean warnAboutLayers = true;
  private boolean epochLines = true;

  /**
   * @param config        resolved: batch size and averaging frequency fixed
   * @param networkConfig the network to start from, unless {@code restored}
   * @param restored      a checkpoint to continue from, or null
   */
  public EpochLoop(JavaSparkContext spark, TrainingConfig config, TrainingData train,
      TrainingData validation, MultiLayerConfiguration networkConfig,
      Checkpoints.Restored restored, Listener listener) {
    this.spark = spark;
    this.config = config;
    this.train = train;
    this.validation = validation;
    this.listener = listener;
    this.higherIsBetter = EpochMetrics.higherIsBetter(config.earlyStoppingMetric());
    this.bestScore = higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    MultiLayerNetwork start;
    if (restored == null) {
      start = new MultiLayerNetwork(networkConfig);
      start.init();
    } else {
      start = restored.network();
      best = restored.best();
      epochs.addAll(restored.state().epochs());
      bestEpoch = restored.state().bestEpoch();
      bestScore = restored.state().bestScore();
      nextEpoch = restored.state().epoch() + 1;
    }
    this.averaging = Averaging.start(spark, start, config, train);
    if (averaging instanceof DriverAveraging
        && validation.featureBytes() <= TrainingConfig.MAX_DRIVER_FEATURE_BYTES) {
      // Every epoch scores it: on the driver too, so no epoch waits for a Spark job.
      validation.keepOnDriver();
    }
  }

  /**
   * This loop, measuring its layers ({@link LayerStatistics}) without a WARN for each unhealthy
   * one: a tuning trial's layers are recorded, but its bad configurations are the search's business.
   */
  public EpochLoop withoutLayerWarnings() {
    warnAboutLayers = false;
    return this;
  }

  /**
   * This loop without its INFO line per epoch (DEBUG instead): a tuning trial's epochs are summed
   * up by the tuner's line per trial and rung, a cross-validation fold's by its line per finalist
   * (a 10-minute churn search trains about 5,000 epochs).
   */
  public EpochLoop withoutEpochLines() {
    epochLines = false;
    return this;
  }

  /** Trains to {@code training.epochs} or the early stop, and returns the best epoch's network. */
  public Training run() {
    trainUntil(config.epochs());
    if (epochs.size() < config.epochs()) {
      LOG.info("early stop after epoch {}: no better validation {} since epoch {}",
          epochs.size(), config.earlyStoppingMetric(), bestEpoch);
    }
    return result();
  }

  /**
   * Trains the epochs up to {@code lastEpoch} (at most {@code training.epochs}) that are not trained
   * yet, unless the early-stopping rule ends training first; nothing once it has.
   */
  public void trainUntil(int lastEpoch) {
    for (int epoch = nextEpoch; epoch <= Math.min(lastEpoch, config.epochs()); epoch++) {
      if (epoch - bestEpoch > config.patience() && bestEpoch > 0) {
        stoppedEarly = true;
        break;
      }
      fitEpoch(epoch);
      nextEpoch = epoch + 1;
    }
  }

  private void fitEpoch(int epoch) {
    long started = System.currentTimeMillis();
    float[] before = LayerStatistics.parameters(averaging.network());
    Averaging.EpochStats stats = averaging.fitEpoch(train, epoch);
    MultiLayerNetwork network = averaging.network();
    List<LayerStatistics.Layer> layers = LayerStatistics.measure(epoch, network, before,
        train.probe(LayerStatistics.PROBE_ROWS));
    layerStatistics.addAll(layers);
    if (warnAboutLayers) {
      for (String warning : LayerStatistics.warnings(layers)) {
        LOG.warn("train: epoch {}: {}", epoch, warning);
      }
    }
    if (!Double.isFinite(stats.lastLoss())) {
      throw new DeeplineException(Failure.MODEL_GATE, "train: the training loss became "
          + stats.lastLoss() + " in epoch " + epoch + "; lower training.learning_rate (now "
          + config.learningRate() + ") or check the features for extreme values");
    }
    boolean regression = validation.classes() == TrainingData.NUMBER;
    boolean multiclass = validation.classes() > NetworkFactory.CLASSES;
    ScoredLabels scores = multiclass || regression ? null : validation.score(spark, network);
    MulticlassScores classScores = multiclass ? validation.scoreClasses(spark, network) : null;
    RegressionScores numberScores = regression ? validation.scoreNumbers(spark, network) : null;
    // A regression label's loss is the one it trains with, on the standardised number: early
    // stopping on squared error stopped an absolute-error network at its first epoch.
    double loss = regression ? RegressionTrain.validationLoss(config.loss(), numberScores)
        : multiclass ? classScores.logLoss() : scores.logLoss();
    // A multi-class label's ROC AUC is the mean of its classes' one-vs-rest ones; it has no PR AUC;
    // a regression label has neither.
    double rocAuc = regression ? Double.NaN
        : multiclass ? classScores.macroRocAuc() : scores.rocAuc();
    double prAuc = multiclass || regression ? Double.NaN : scores.prAuc();
    if (!Double.isFinite(loss)) {
      throw new DeeplineException(Failure.MODEL_GATE, "train: the validation loss became " + loss
          + " in epoch " + epoch + "; lower training.learning_rate (now " + config.learningRate()
          + ")");
    }
    ProgressNotes.set(spark.sc(), ProgressNotes.VALIDATION, regression
        ? String.format(Locale.ROOT, "val_loss %.4f val_r2 %.4f", loss, numberScores.r2())
        : String.format(Locale.ROOT, "val_loss %.4f val_auc %.4f", loss, rocAuc));
    EpochMetrics metrics = new EpochMetrics(epoch, rocAuc, prAuc, loss,
        stats.lastLoss(), stats.rowsPerSecond(), System.currentTimeMillis() - started);
    double score = metrics.metric(config.earlyStoppingMetric());
    boolean improved = higherIsBetter ? score > bestScore + config.minDelta()
        : score < bestScore - config.minDelta();
    if (improved) {
      bestScore = score;
      bestEpoch = epoch;
      best = network.clone();
      bestScores = scores;
      bestClassScores = classScores;
      bestNumberScores = numberScores;
    }
    epochs.add(metrics);
    listener.afterEpoch(epoch, epochs, bestEpoch, bestScore, network, best);
    if (epochLines || LOG.isDebugEnabled()) {
      String validated = regression ? String.format(Locale.ROOT, "validation loss %.4f "
          + "(%s of the standardised number) r2 %.4f", loss,
          RegressionTrain.lossName(config.loss()), numberScores.r2())
          : String.format(Locale.ROOT, "validation roc_auc %.4f pr_auc %.4f loss %.4f",
              metrics.validationRocAuc(), metrics.validationPrAuc(), loss);
      String line = String.format(Locale.ROOT, "epoch %d/%d: %s, training loss %.4f, %.0f "
          + "rows/s, %.1f s%s", epoch, config.epochs(), validated, stats.lastLoss(),
          stats.rowsPerSecond(), metrics.millis() / 1000.0, improved ? " (best)" : "");
      if (epochLines) {
        LOG.info(line);
      } else {
        LOG.debug(line);
      }
    }
  }

  /** The best epoch's network, its validation scores again and every epoch's metrics. */
  public Training result() {
    // The best epoch's scores, not the last epoch's; scored again only when the best epoch came
    // from the checkpoint this loop resumed.
    if (validation.classes() == TrainingData.NUMBER) {
      RegressionScores numberScores = bestNumberScores != null ? bestNumberScores
          : validation.scoreNumbers(spark, best);
      return new Training(best, new ArrayList<>(epochs), bestEpoch, null, averaging.statsPage(),
          new ArrayList<>(layerStatistics), averaging instanceof DriverAveraging, null,
          numberScores);
    }
    if (validation.classes() > NetworkFactory.CLASSES) {
      MulticlassScores classScores = bestClassScores != null ? bestClassScores
          : validation.scoreClasses(spark, best);
      return new Training(best, new ArrayList<>(epochs), bestEpoch, null, averaging.statsPage(),
          new ArrayList<>(layerStatistics), averaging instanceof DriverAveraging, classScores);
    }
    ScoredLabels scores = bestScores != null ? bestScores : validation.score(spark, best);
    return new Training(best, new ArrayList<>(epochs), bestEpoch, scores,
        averaging.statsPage(), new ArrayList<>(layerStatistics),
        averaging instanceof DriverAveraging);
  }

  /** Every epoch trained so far, in order, with its wall time. */
  public List<EpochMetrics> epochMetrics() {
    return List.copyOf(epochs);
  }

  /** Epochs trained so far (a resumed loop counts the checkpoint's too). */
  public int epochsTrained() {
    return epochs.size();
  }

  /** The epoch whose weights are kept so far; 0 before the first. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The validation ROC AUC of the best epoch so far. */
  public double bestValidationRocAuc() {
    if (bestEpoch == 0) {
      throw new IllegalStateException("no epoch trained yet");
    }
    return epochs.get(bestEpoch - 1).validationRocAuc();
  }

  /** Whether the early-stopping rule ended training before {@code training.epochs}. */
  public boolean stoppedEarly() {
    return stoppedEarly;
  }
}
