package org.deepline.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.tracking.RunRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train --tune}: random configurations from {@code tuning.space}, trained with asynchronous
 * successive halving ({@link HalvingSchedule}) on the cached training split and judged by validation
 * ROC AUC, within {@code tuning.max_trials} and {@code tuning.max_minutes}. Every trial is a child
 * run ({@value #TRIAL_COMMAND}) of the train run, with its config and its validation metrics per
 * rung. The winner, the best trial of the highest rung reached, is trained on to
 * {@code training.epochs} (early stopping as configured) and handed back for the train stage to
 * check, compare with the baselines and register like any model.
 *
 * <p>The tuner gets the training and validation splits and nothing else, so the test split cannot
 * take part in the choice.
 *
 * <pre>{@code
 * Tuner.Outcome tuned = new Tuner(context, recorder, tuning)
 *     .search(resolved, input, classWeights, train, validation);
 * TrainingConfig winner = tuned.config(); // what tuned-training.json holds
 * }</pre>
 */
public final class Tuner {
  private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);
  /** The command of a trial's run record. */
  public static final String TRIAL_COMMAND = "train-trial";
  /** The winner's {@code training} section, written next to the model. */
  public static final String TUNED_TRAINING_FILE = "tuned-training.json";
  /** Metric name prefix of a trial's result at a rung: {@code rung_<k>_validation_roc_auc}. */
  public static final String RUNG_PREFIX = "rung_";
  /** Mixes the trial number into the seed, so each trial's draw depends on its number only. */
  private static final long TRIAL_SALT = 0x9e3779b97f4a7c15L;
  private static final double MILLIS_PER_MINUTE = 60_000.0;
  private static final double MILLIS_PER_SECOND = 1_000.0;

  private final RunContext context;
  private final RunRecorder recorder;
  private final TuningConfig tuning;

  /**
   * What the search found.
   *
   * @param config          the winner's resolved training config
   * @param training        the winner's network trained to {@code training.epochs} or its early stop
   * @param metrics         {@code tune_*} metrics for the train run's record
   * @param winnerRunId     the winning trial's child run
   */
  public record Outcome(TrainingConfig config, Training training, Map<String, Double> metrics,
      String winnerRunId) {

    /**
     * The train run's result with the tuning metrics and the winner's {@code training} section
     * written as {@value #TUNED_TRAINING_FILE} in the model directory {@code modelDir}.
     */
    public StageResult addTo(StageResult result, RunContext context, String modelDir) {
      String file = modelDir + "/" + TUNED_TRAINING_FILE;
      context.files().writeText(file, Json.write(config));
      Map<String, Double> metrics = new HashMap<>(result.metrics());
      metrics.putAll(this.metrics);
      Map<String, String> artifacts = new HashMap<>(result.artifacts());
      artifacts.put("tuned_training", file);
      artifacts.put("tune_best_trial_run", winnerRunId);
      return new StageResult(result.inputs(), result.outputs(), metrics, artifacts);
    }
  }

  /** One trial: its drawn config, its loop (kept to continue rung by rung) and what it reached. */
  private static final class Trial {
    final int number;
    final String runId;
    final TrainingConfig config;
    final Instant started = Instant.now();
    final Map<String, Double> metrics = new LinkedHashMap<>();
    Instant finished = started;
    EpochLoop loop;
    String error;

    Trial(int number, TrainingConfig config) {
      this.number = number;
      this.runId = RunContext.newRunId();
      this.config = config;
    }
  }

  public Tuner(RunContext context, RunRecorder recorder, TuningConfig tuning) {
    this.context = context;
    this.recorder = recorder;
    this.tuning = tuning;
  }

  /** The config of trial {@code number}: the same seed and number draw the same config. */
  public static TrainingConfig draw(SearchSpace space, TrainingConfig base, long seed, int number) {
    return space.sample(base, new Random(seed ^ ((number + 1L) * TRIAL_SALT)));
  }

  /**
   * Runs the search and trains the winner on to {@code base.epochs()}.
   *
   * @param base    the resolved training config the space's draws replace values of
   * @param weights the class weights of the loss, as for a plain run
   * @throws DeeplineException when every trial failed
   */
  public Outcome search(TrainingConfig base, NetworkInput input, double[] weights, TrainingData train,
      TrainingData validation) {
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    long seed = tuning.seedOr(base.seed());
    int minEpochs = Math.min(tuning.minEpochs(), base.epochs());
    HalvingSchedule schedule = new HalvingSchedule(
        HalvingSchedule.rungEpochs(base.epochs(), minEpochs, tuning.eta()), tuning.eta());
    long budgetMillis = Math.round(tuning.maxMinutes() * MILLIS_PER_MINUTE);
    long started = System.currentTimeMillis();
    String limit = tuning.maxTrials() == null ? "no trial limit"
        : "at most " + tuning.maxTrials() + " trials";
    LOG.info("tune {}: asynchronous successive halving, rungs of {} epochs, eta {}, {}, budget "
        + "{} min, seed {}; chosen on validation ROC AUC", context.dataset(),
        java.util.Arrays.toString(schedule.rungEpochs()), tuning.eta(), limit,
        tuning.maxMinutes(), seed);
    Map<Integer, Trial> trials = new LinkedHashMap<>();
    long epochsTrained = 0;
    long trainingMillis = 0;
    try {
      while (System.currentTimeMillis() - started < budgetMillis) {
        boolean mayStart = tuning.maxTrials() == null
            || schedule.trialsStarted() < tuning.maxTrials();
        Optional<HalvingSchedule.Job> next = schedule.next(mayStart);
        if (next.isEmpty()) {
          break;
        }
        HalvingSchedule.Job job = next.get();
        Trial trial = job.starts()
            ? new Trial(job.trial(), draw(tuning.space(), base, seed, job.trial()))
            : trials.get(job.trial());
        int trialEpochs = trial.loop == null ? 0 : trial.loop.epochsTrained();
        int bestEpochs = schedule.best().map(b -> trials.get(b.getKey()).loop)
            .map(EpochLoop::epochsTrained).orElse(0);
        if (!fitsBudget(System.currentTimeMillis() - started, budgetMillis, epochsTrained,
            trainingMillis, schedule.epochs(job.rung()) - trialEpochs, base.epochs() - bestEpochs)) {
          LOG.info("tune {}: stopping the search: the next job and the winner's remaining epochs "
              + "would not end inside the budget", context.dataset());
          break;
        }
        trials.put(trial.number, trial);
        long jobStarted = System.currentTimeMillis();
        if (job.starts()) {
          LOG.info("tune {}: trial {} ({}): {}", context.dataset(), trial.number + 1, limit,
              SearchSpace.describe(trial.config));
        }
        double score = train(spark, trial, schedule.epochs(job.rung()), input, weights, train,
            validation);
        trial.metrics.put(RUNG_PREFIX + job.rung() + "_epochs", (double) (trial.loop == null ? 0
            : trial.loop.epochsTrained()));
        epochsTrained += (trial.loop == null ? 0 : trial.loop.epochsTrained()) - trialEpochs;
        trainingMillis += System.currentTimeMillis() - jobStarted;
        trial.metrics.put(RUNG_PREFIX + job.rung() + "_validation_roc_auc", score);
        schedule.report(trial.number, job.rung(), score);
        long elapsed = System.currentTimeMillis() - started;
        Map.Entry<Integer, Double> best = schedule.best().orElse(Map.entry(-1, Double.NaN));
        LOG.info(String.format(Locale.ROOT, "tune %s: trial %d rung %d/%d (%d epochs): validation "
            + "ROC AUC %.4f%s; best so far trial %d (%.4f, rung %d); %.0f s elapsed, %.0f s of "
            + "the budget left", context.dataset(), trial.number + 1, job.rung() + 1,
            schedule.rungs(), schedule.epochs(job.rung()), score,
            trial.error == null ? "" : " (failed: " + trial.error + ")", best.getKey() + 1,
            best.getValue(), schedule.rungOf(best.getKey()) + 1, elapsed / MILLIS_PER_SECOND,
            Math.max(0, budgetMillis - elapsed) / MILLIS_PER_SECOND));
      }
      long searchMillis = System.currentTimeMillis() - started;
      Map.Entry<Integer, Double> best = schedule.best().orElseThrow(() -> new DeeplineException(
          Failure.MODEL_GATE, "train --tune: all " + trials.size() + " trials failed; the first: "
              + trials.values().stream().map(t -> t.error).filter(e -> e != null).findFirst()
                  .orElse("none ran (raise tuning.max_minutes)")));
      Trial winner = trials.get(best.getKey());
      int winnerRung = schedule.rungOf(winner.number);
      long finishStarted = System.currentTimeMillis();
      if (winner.loop.epochsTrained() < base.epochs() && !winner.loop.stoppedEarly()) {
        LOG.info("tune {}: the winner, trial {} (rung {}, validation ROC AUC {}), trains on to {} "
            + "epochs", context.dataset(), winner.number + 1, winnerRung + 1,
            String.format(Locale.ROOT, "%.4f", best.getValue()), base.epochs());
        winner.loop.trainUntil(base.epochs());
        winner.finished = Instant.now();
      }
      Training training = winner.loop.result();
      winner.metrics.put("winner", 1.0);
      double winnerAuc = winner.loop.bestValidationRocAuc();
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("tune_trials", (double) trials.size());
      metrics.put("tune_trials_failed",
          (double) trials.values().stream().filter(t -> t.error != null).count());
      metrics.put("tune_best_trial", winner.number + 1.0);
      metrics.put("tune_best_trial_rung", winnerRung + 1.0);
      metrics.put("tune_winner_validation_roc_auc", winnerAuc);
      metrics.put("tune_search_seconds", searchMillis / MILLIS_PER_SECOND);
      metrics.put("tune_finish_seconds",
          (System.currentTimeMillis() - finishStarted) / MILLIS_PER_SECOND);
      metrics.put("tune_budget_seconds", budgetMillis / MILLIS_PER_SECOND);
      metrics.put("tune_budget_used", searchMillis / (double) budgetMillis);
      LOG.info(String.format(Locale.ROOT, "tune %s: %d trials in %.0f s (%.0f%% of the budget); "
          + "winner trial %d, validation ROC AUC %.4f after %d epochs: %s", context.dataset(),
          trials.size(), searchMillis / MILLIS_PER_SECOND, 100.0 * searchMillis / budgetMillis,
          winner.number + 1, winnerAuc, training.epochs().size(),
          SearchSpace.describe(winner.config)));
      return new Outcome(winner.config, training, metrics, winner.runId);
    } finally {
      record(trials.values());
    }
  }

  /**
   * Trains a trial up to {@code epochs} and returns its best epoch's validation ROC AUC; NaN when
   * it fails (a diverging loss, a network too large), which the trial's record says.
   */
  private double train(JavaSparkContext spark, Trial trial, int epochs, NetworkInput input,
      double[] weights, TrainingData train, TrainingData validation) {
    if (trial.error != null) {
      return Double.NaN;
    }
    try {
      if (trial.loop == null) {
        TrainJob.requireSensibleSize(trial.config, input);
        trial.loop = new EpochLoop(spark, trial.config, train, validation,
            NetworkFactory.binaryClassifier(trial.config, input, weights), null,
            EpochLoop.Listener.NONE).withoutLayerWarnings();
      }
      trial.loop.trainUntil(epochs);
      return trial.loop.bestValidationRocAuc();
    } catch (DeeplineException e) {
      trial.error = e.getMessage();
      return Double.NaN;
    } finally {
      trial.finished = Instant.now();
    }
  }

  /**
   * Whether a job of {@code jobEpochs} epochs, and then the winner's {@code finishEpochs} epochs up to
   * {@code training.epochs}, end inside the budget at the mean epoch time measured so far: the
   * search stops before it would overrun, instead of finding out after the job. Before any epoch is
   * measured every job fits. Work after the search (the ladder, an ensemble, saving) is not counted.
   */
  static boolean fitsBudget(long elapsedMillis, long budgetMillis, long epochsTrained,
      long trainingMillis, int jobEpochs, int finishEpochs) {
    if (epochsTrained == 0) {
      return elapsedMillis < budgetMillis;
    }
    double epochMillis = (double) trainingMillis / epochsTrained;
    return elapsedMillis + epochMillis * (Math.max(0, jobEpochs) + Math.max(0, finishEpochs))
        <= budgetMillis;
  }

  /** Every trial as a child run of the train run, with its config and its metrics per rung. */
  private void record(Iterable<Trial> trials) {
    List<RunRecorder.ChildRun> children = new ArrayList<>();
    for (Trial trial : trials) {
      StageResult.Builder result = StageResult.builder()
          .metrics(trial.metrics)
          .metric("trial", trial.number + 1.0)
          .metric("learning_rate", trial.config.learningRate())
          .metric("l2", trial.config.l2())
          .metric("dropout", trial.config.layers().get(0).dropout())
          .metric("batch_size_per_worker", trial.config.batchSizePerWorker())
          .metric("averaging_frequency", trial.config.averagingFrequency())
          .artifact("layers", SearchSpace.layerShape(trial.config))
          .artifact("loss", trial.config.loss().type())
          .artifact("trial_config", SearchSpace.describe(trial.config));
      if (trial.loop != null && trial.loop.bestEpoch() > 0) {
        result.metric("validation_roc_auc", trial.loop.bestValidationRocAuc())
            .metric("epochs_run", trial.loop.epochsTrained())
            .metric("best_epoch", trial.loop.bestEpoch());
      }
      children.add(new RunRecorder.ChildRun(context.child(trial.runId, TRIAL_COMMAND), "training",
          trial.config, trial.started, trial.finished, result.build(), trial.error));
    }
    recorder.recordChildren(children);
  }
}
