package org.deepline.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
 * rung. Trial 1 is the {@code training} section as written, so the search can keep it.
 *
 * <p>On small data ({@value #CROSS_VALIDATION_MAX_ROWS} training and validation rows at most) the
 * best {@code tuning.finalists} trials of the highest rungs and trial 1 are then compared by k-fold
 * cross-validation on the training and validation rows ({@link CrossValidation}): the best
 * validation score of hundreds of trials on a small split is mostly noise the search selected, so
 * the finalists are judged on scores it never maximised. The budget keeps their folds' time
 * reserved from the start. Without cross-validation the best trial of the highest rung wins.
 *
 * <p>The winner is trained on to {@code training.epochs} (early stopping as configured) and handed
 * back for the train stage to check, compare with the baselines and register like any model.
 *
 * <p>The tuner gets the training and validation rows and nothing else, so the test split cannot
 * take part in the choice.
 *
 * <pre>{@code
 * Tuner.Outcome tuned = new Tuner(context, recorder, tuning)
 *     .search(resolved, input, classWeights, train, validation, trainAndValidationRows);
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
  /**
   * The most training and validation rows the finalists are cross-validated on: above, the
   * validation split is large enough to rank them alone, and k more networks per finalist cost more
   * than its noise.
   */
  public static final long CROSS_VALIDATION_MAX_ROWS = 100_000;
  /**
   * The largest share of the budget kept for the finalists' cross-validation: beyond it the search
   * would be cut to a handful of trials; the finalists that do not fit are left out instead.
   */
  static final double CROSS_VALIDATION_MAX_BUDGET_SHARE = 0.5;
  /**
   * The least share of the budget kept for the finalists' cross-validation once it is projected: a
   * projection from the search's short jobs undercounts folds that each build and score a fresh
   * network (a lung finalist took 2.3 to 4 s against 1.7 s projected).
   */
  static final double CROSS_VALIDATION_MIN_BUDGET_SHARE = 0.25;
  /**
   * The share of the budget the search runs before it projects what the rest costs: a small
   * table's first epochs are the JIT's warm-up (lung, 161 training rows: 358 ms an epoch in the
   * first job, about 5 ms later), and a projection from them stopped the search after its first
   * job. A large table's first job takes about this share anyway, so its projection starts after it.
   */
  static final double UNPROJECTED_BUDGET_SHARE = 0.1;
  /** The trial that is the {@code training} section as written. */
  static final int UNTUNED_TRIAL = 0;
  /** Mixes the trial number into the seed, so each trial's draw depends on its number only. */
  private static final long TRIAL_SALT = 0x9e3779b97f4a7c15L;
  private static final double MILLIS_PER_MINUTE = 60_000.0;
  private static final double MILLIS_PER_SECOND = 1_000.0;
  private static final int BYTES_PER_MEGABYTE_SHIFT = 20;

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

    /**
     * What a fold of this trial's config costs an epoch and how many epochs it trains: the median
     * of its epochs' wall times, and the epochs it stopped early at in the search (folds stop by
     * the same rule), else as many as it trained but at least {@code typicalStop}. Null before its
     * first epoch.
     *
     * @param typicalStop the epochs the search's trials that stopped early trained (the median),
     *                    or {@code training.epochs} when none did
     */
    FoldCost foldCost(int typicalStop) {
      if (loop == null || loop.epochsTrained() == 0) {
        return null;
      }
      // Its first epoch built the network's kernels for its shapes: left out once there are others.
      long[] millis = loop.epochMetrics().stream().mapToLong(EpochMetrics::millis)
          .skip(loop.epochsTrained() > 1 ? 1 : 0).toArray();
      return new FoldCost(median(millis),
          foldEpochs(loop.stoppedEarly(), loop.epochsTrained(), config.epochs(), typicalStop));
    }

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
   * @param rows    the training and validation rows (features, label, record id) the finalists
   *                are cross-validated on
   * @throws DeeplineException when every trial failed
   */
  public Outcome search(TrainingConfig base, NetworkInput input, double[] weights, TrainingData train,
      TrainingData validation, Dataset<Row> rows) {
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    long seed = tuning.seedOr(base.seed());
    int minEpochs = Math.min(tuning.minEpochs(), base.epochs());
    HalvingSchedule schedule = new HalvingSchedule(
        HalvingSchedule.rungEpochs(base.epochs(), minEpochs, tuning.eta()), tuning.eta());
    long budgetMillis = Math.round(tuning.maxMinutes() * MILLIS_PER_MINUTE);
    long started = System.currentTimeMillis();
    String withoutCrossValidation = withoutCrossValidation(tuning, base);
    // Without resample and augment (else no cross-validation) the cached splits are the rows as
    // read: their counts are the folds' rows, with no Spark pass to count them again.
    long foldRows = withoutCrossValidation == null ? train.rows() + validation.rows() : 0;
    withoutCrossValidation = withoutCrossValidation != null ? withoutCrossValidation
        : tooLargeToFold(foldRows, input.width());
    boolean crossValidate = withoutCrossValidation == null;
    double foldShare = foldShare(tuning.folds(), train.rows(), foldRows);
    long reserveCeiling = Math.round(budgetMillis * CROSS_VALIDATION_MAX_BUDGET_SHARE);
    long reserveFloor = Math.round(budgetMillis * CROSS_VALIDATION_MIN_BUDGET_SHARE);
    String limit = tuning.maxTrials() == null ? "no trial limit"
        : "at most " + tuning.maxTrials() + " trials";
    LOG.info("tune {}: asynchronous successive halving, rungs of {} epochs, eta {}, {}, budget "
        + "{} min, seed {}; ranked on validation ROC AUC, {}", context.dataset(),
        java.util.Arrays.toString(schedule.rungEpochs()), tuning.eta(), limit,
        tuning.maxMinutes(), seed, crossValidate ? "the best " + tuning.finalists() + " and the "
            + "untuned config chosen by " + tuning.folds() + "-fold cross-validation on "
            + foldRows + " training and validation rows (their time reserved: a quarter to half "
            + "the budget)"
            : "chosen on validation (no cross-validation: " + withoutCrossValidation + ")");
    // The folds are cached before the search, inside the budget: cached after it, their Spark jobs
    // (10 to 14 s for lung's 195 rows) came out of the finalists' time, which counted none of it.
    // A trial limit below two leaves no finalists to compare: nothing to cache or reserve.
    crossValidate = crossValidate && (tuning.maxTrials() == null || tuning.maxTrials() > 1);
    CrossValidation folds = crossValidate ? cacheFolds(rows, base, input) : null;
    crossValidate = folds != null;
    Map<Integer, Trial> trials = new LinkedHashMap<>();
    List<Long> epochMillis = new ArrayList<>();
    List<Long> jobOverheadMillis = new ArrayList<>();
    try {
      // The first trial (the untuned config) runs whatever the clock says: caching the folds may
      // take a small budget, and a search of no trial has no winner.
      while (trials.isEmpty() || System.currentTimeMillis() - started < budgetMillis) {
        boolean mayStart = tuning.maxTrials() == null
            || schedule.trialsStarted() < tuning.maxTrials();
        Optional<HalvingSchedule.Job> next = schedule.next(mayStart);
        if (next.isEmpty()) {
          break;
        }
        HalvingSchedule.Job job = next.get();
        Trial trial = !job.starts() ? trials.get(job.trial())
            : new Trial(job.trial(), job.trial() == UNTUNED_TRIAL ? base
                : draw(tuning.space(), base, seed, job.trial()));
        int trialEpochs = trial.loop == null ? 0 : trial.loop.epochsTrained();
        int bestEpochs = schedule.best().map(b -> trials.get(b.getKey()).loop)
            .map(EpochLoop::epochsTrained).orElse(0);
        EpochCost cost = EpochCost.of(epochMillis, jobOverheadMillis);
        int typicalStop = typicalStop(trials.values(), base.epochs());
        long reservedMillis = !crossValidate || cost == null ? 0 : Math.min(reserveCeiling,
            Math.max(reserveFloor, crossValidationMillis(finalists(schedule, trials).stream()
                .map(t -> t.foldCost(typicalStop)).toList(), tuning.finalists() + 1, cost,
                tuning.folds(), base.epochs(), foldShare)));
        long elapsedMillis = System.currentTimeMillis() - started;
        boolean projecting = elapsedMillis >= UNPROJECTED_BUDGET_SHARE * budgetMillis;
        if (!trials.isEmpty() && !fitsBudget(elapsedMillis, budgetMillis - reservedMillis,
            projecting ? cost : null, schedule.epochs(job.rung()) - trialEpochs,
            base.epochs() - bestEpochs)) {
          LOG.info(String.format(Locale.ROOT, "tune %s: stopping the search: the next job "
              + "(about %.1f s), the finalists' cross-validation (about %.1f s) and the winner's "
              + "remaining epochs (about %.1f s) would not end inside the budget (%.1f s left; "
              + "an epoch %.1f ms, a job %.0f ms besides)", context.dataset(),
              cost == null ? 0 : cost.millis(schedule.epochs(job.rung()) - trialEpochs)
                  / MILLIS_PER_SECOND,
              reservedMillis / MILLIS_PER_SECOND,
              cost == null ? 0 : cost.epochsMillis(base.epochs() - bestEpochs) / MILLIS_PER_SECOND,
              (budgetMillis - elapsedMillis) / MILLIS_PER_SECOND,
              cost == null ? 0 : cost.epochMillis(), cost == null ? 0 : cost.jobMillis()));
          break;
        }
        trials.put(trial.number, trial);
        long jobStarted = System.currentTimeMillis();
        if (job.starts()) {
          LOG.info("tune {}: trial {} ({}){}: {}", context.dataset(), trial.number + 1, limit,
              trial.number == UNTUNED_TRIAL ? ", the untuned config" : "",
              SearchSpace.describe(trial.config));
        }
        double score = train(spark, trial, schedule.epochs(job.rung()), input, weights, train,
            validation);
        trial.metrics.put(RUNG_PREFIX + job.rung() + "_epochs", (double) (trial.loop == null ? 0
            : trial.loop.epochsTrained()));
        long jobMillis = System.currentTimeMillis() - jobStarted;
        // The job's epochs apart from what it cost besides (a new network, the Spark jobs): a
        // small table's job is mostly the latter, and a mean per epoch counted it 200 times over.
        long jobEpochMillis = 0;
        List<EpochMetrics> trained = trial.loop == null ? List.of() : trial.loop.epochMetrics();
        for (EpochMetrics epoch : trained.subList(Math.min(trialEpochs, trained.size()),
            trained.size())) {
          epochMillis.add(epoch.millis());
          jobEpochMillis += epoch.millis();
        }
        jobOverheadMillis.add(Math.max(0, jobMillis - jobEpochMillis));
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
      Trial validationWinner = trials.get(best.getKey());
      Map<String, Double> metrics = new LinkedHashMap<>();
      Trial winner = validationWinner;
      if (crossValidate) {
        List<Trial> finalists = finalists(schedule, trials);
        winner = crossValidate(spark, finalists, trials.values(), base, input, folds,
            started + budgetMillis,
            EpochCost.of(epochMillis, jobOverheadMillis), foldShare, metrics)
            .orElse(validationWinner);
      }
      int winnerRung = schedule.rungOf(winner.number);
      long finishStarted = System.currentTimeMillis();
      if (winner.loop.epochsTrained() < base.epochs() && !winner.loop.stoppedEarly()) {
        LOG.info("tune {}: the winner, trial {} (rung {}, validation ROC AUC {}), trains on to {} "
            + "epochs", context.dataset(), winner.number + 1, winnerRung + 1,
            String.format(Locale.ROOT, "%.4f", winner.loop.bestValidationRocAuc()), base.epochs());
        winner.loop.trainUntil(base.epochs());
        winner.finished = Instant.now();
      }
      Training training = winner.loop.result();
      winner.metrics.put("winner", 1.0);
      double winnerAuc = winner.loop.bestValidationRocAuc();
      metrics.put("tune_trials", (double) trials.size());
      metrics.put("tune_trials_failed",
          (double) trials.values().stream().filter(t -> t.error != null).count());
      metrics.put("tune_best_trial", winner.number + 1.0);
      metrics.put("tune_best_trial_rung", winnerRung + 1.0);
      metrics.put("tune_validation_best_trial", validationWinner.number + 1.0);
      metrics.put("tune_winner_validation_roc_auc", winnerAuc);
      metrics.put("tune_search_seconds", searchMillis / MILLIS_PER_SECOND);
      metrics.put("tune_finish_seconds",
          (System.currentTimeMillis() - finishStarted) / MILLIS_PER_SECOND);
      metrics.put("tune_budget_seconds", budgetMillis / MILLIS_PER_SECOND);
      metrics.put("tune_budget_used",
          (System.currentTimeMillis() - started) / (double) budgetMillis);
      LOG.info(String.format(Locale.ROOT, "tune %s: %d trials in %.0f s, %.0f%% of the budget "
          + "with the finalists and the winner's epochs; winner trial %d%s, validation ROC AUC "
          + "%.4f after %d epochs: %s", context.dataset(), trials.size(),
          searchMillis / MILLIS_PER_SECOND, 100.0 * metrics.get("tune_budget_used"),
          winner.number + 1, winner.number == UNTUNED_TRIAL ? " (the untuned config)" : "",
          winnerAuc, training.epochs().size(), SearchSpace.describe(winner.config)));
      return new Outcome(winner.config, training, metrics, winner.runId);
    } finally {
      if (folds != null) {
        folds.close();
      }
      record(trials.values());
    }
  }

  /** The folds of {@code rows}, cached; null, with a WARN, when a fold lacks a class. */
  private CrossValidation cacheFolds(Dataset<Row> rows, TrainingConfig base, NetworkInput input) {
    long started = System.currentTimeMillis();
    Optional<CrossValidation> cached = CrossValidation.cache(rows, tuning.folds(), base,
        input.width());
    if (cached.isEmpty()) {
      LOG.warn("tune {}: no cross-validation: a fold of the {} folds lacks a class; the best "
          + "trial on validation wins", context.dataset(), tuning.folds());
      return null;
    }
    LOG.info(String.format(Locale.ROOT, "tune %s: %d folds of %s held-out rows cached for the "
        + "finalists in %.1f s", context.dataset(), cached.get().folds(),
        cached.get().heldOutRows(), (System.currentTimeMillis() - started) / MILLIS_PER_SECOND));
    return cached.get();
  }

  /** Why the config leaves the finalists without cross-validation, or null when it does not. */
  static String withoutCrossValidation(TuningConfig tuning, TrainingConfig base) {
    if (tuning.finalists() == 0) {
      return "tuning.finalists = 0";
    }
    if (base.resample().enabled() || base.augment().enabled()) {
      // Folds of the rows as read would judge the configs on other rows than they train on.
      return "training.resample or training.augment changes the training rows";
    }
    return null;
  }

  /**
   * Why {@code rows} training and validation rows of {@code width} features are too many to fold,
   * or null: above {@value #CROSS_VALIDATION_MAX_ROWS} rows, or above the driver's
   * {@link TrainingConfig#MAX_DRIVER_FEATURE_BYTES} of features as floats (k folds cache k copies).
   */
  static String tooLargeToFold(long rows, int width) {
    if (rows > CROSS_VALIDATION_MAX_ROWS) {
      return rows + " training and validation rows, above " + CROSS_VALIDATION_MAX_ROWS;
    }
    long bytes = rows * width * (long) Float.BYTES;
    if (bytes > TrainingConfig.MAX_DRIVER_FEATURE_BYTES) {
      return (bytes >> BYTES_PER_MEGABYTE_SHIFT) + " MB of features, above "
          + (TrainingConfig.MAX_DRIVER_FEATURE_BYTES >> BYTES_PER_MEGABYTE_SHIFT) + " MB";
    }
    return null;
  }

  /**
   * The trials cross-validation compares: the best {@code tuning.finalists} ({@link
   * HalvingSchedule#leaders}), with the untuned trial second when it is not among them (and did not
   * fail), so that a budget that runs out after two still compares the search with no search.
   */
  private List<Trial> finalists(HalvingSchedule schedule, Map<Integer, Trial> trials) {
    List<Trial> finalists = new ArrayList<>();
    for (int number : schedule.leaders(tuning.finalists())) {
      finalists.add(trials.get(number));
    }
    Trial untuned = trials.get(UNTUNED_TRIAL);
    if (!finalists.contains(untuned) && untuned != null && untuned.error == null
        && untuned.loop != null && untuned.loop.bestEpoch() > 0) {
      finalists.add(Math.min(1, finalists.size()), untuned);
    }
    return finalists;
  }

  /**
   * The finalists' cross-validation, in their order while the budget lasts (each finalist's folds
   * and the winner's epochs up to {@code training.epochs} must end before {@code deadlineMillis}
   * at the finalist's epoch time in the search); the best mean held-out ROC AUC, unless its lead over the
   * untuned config on the same folds is within one standard error (the one-standard-error rule:
   * a search over hundreds of trials must show more than noise to replace what the user wrote),
   * then the untuned config; empty when fewer than two finalists were scored (the validation
   * winner stands then).
   *
   * <p>A finalist's folds are expected to cost what {@link #crossValidationMillis} says, scaled by
   * what the finalists scored so far took against what it said for them: the folds stop early on
   * their own rows, and the first finalist measures by how much.
   *
   * @param cost      the search's epoch and job times, for a finalist without its own
   * @param foldShare a fold's epoch against one of the training split ({@link #foldShare})
   */
  private Optional<Trial> crossValidate(JavaSparkContext spark, List<Trial> finalists,
      Collection<Trial> searched, TrainingConfig base, NetworkInput input, CrossValidation folds,
      long deadlineMillis, EpochCost cost, double foldShare, Map<String, Double> metrics) {
    long started = System.currentTimeMillis();
    if (finalists.size() < 2) {
      LOG.info("tune {}: no cross-validation: {} finalist, nothing to compare", context.dataset(),
          finalists.size());
      return Optional.empty();
    }
    LOG.info("tune {}: cross-validation of {} finalists on {} folds of {} held-out rows",
        context.dataset(), finalists.size(), folds.folds(), folds.heldOutRows());
    Map<Integer, CrossValidation.Score> scores = new LinkedHashMap<>();
    int typicalStop = typicalStop(searched, base.epochs());
    long predictedMillis = 0;
    long measuredMillis = 0;
    for (Trial finalist : finalists) {
      long predicted = crossValidationMillis(
          Collections.singletonList(finalist.foldCost(typicalStop)), 1, cost,
          folds.folds(), base.epochs(), foldShare);
      double measuredShare = predictedMillis == 0 ? 1 : measuredMillis / (double) predictedMillis;
      int finishEpochs = finalist.loop.stoppedEarly() ? 0
          : base.epochs() - finalist.loop.epochsTrained();
      long needed = Math.round(predicted * measuredShare) + (cost == null ? 0
          : Math.round(cost.epochsMillis(finishEpochs)));
      if (System.currentTimeMillis() + needed > deadlineMillis) {
        LOG.info(String.format(Locale.ROOT, "tune %s: cross-validation stops after %d of %d "
            + "finalists: the next (about %.1f s with the winner's remaining epochs) would not "
            + "end inside the budget (%.1f s left)", context.dataset(), scores.size(),
            finalists.size(), needed / MILLIS_PER_SECOND,
            (deadlineMillis - System.currentTimeMillis()) / MILLIS_PER_SECOND));
        break;
      }
      CrossValidation.Score score;
      try {
        score = folds.score(spark, finalist.config, input);
      } catch (DeeplineException e) {
        LOG.info("tune {}: trial {} failed in cross-validation: {}", context.dataset(),
            finalist.number + 1, e.getMessage());
        finalist.metrics.put("cv_failed", 1.0);
        continue;
      }
      scores.put(finalist.number, score);
      predictedMillis += predicted;
      measuredMillis += score.millis();
      finalist.metrics.put("cv_roc_auc", score.meanRocAuc());
      finalist.metrics.put("cv_roc_auc_std", score.standardDeviation());
      finalist.metrics.put("cv_folds", (double) folds.folds());
      finalist.finished = Instant.now();
      LOG.info(String.format(Locale.ROOT, "tune %s: cross-validation of trial %d%s: held-out "
          + "ROC AUC %s %s (validation %.4f) in %.1f s", context.dataset(), finalist.number + 1,
          finalist.number == UNTUNED_TRIAL ? " (untuned)" : "", score,
          foldList(score.foldRocAuc()), finalist.loop.bestValidationRocAuc(),
          score.millis() / MILLIS_PER_SECOND));
    }
    metrics.put("tune_cv_folds", (double) folds.folds());
    metrics.put("tune_cv_rows", (double) folds.rows());
    metrics.put("tune_cv_finalists", (double) scores.size());
    metrics.put("tune_cv_seconds", (System.currentTimeMillis() - started) / MILLIS_PER_SECOND);
    if (scores.size() < 2) {
      LOG.warn("tune {}: cross-validation scored {} finalists, too few to choose between; the "
          + "best trial on validation wins (raise tuning.max_minutes)", context.dataset(),
          scores.size());
      return Optional.empty();
    }
    CrossValidation.Choice choice = CrossValidation.choose(scores, UNTUNED_TRIAL);
    Trial best = trialNumbered(finalists, choice.best());
    Trial winner = trialNumbered(finalists, choice.winner());
    metrics.put("tune_cv_best_trial", best.number + 1.0);
    metrics.put("tune_cv_best_roc_auc", scores.get(best.number).meanRocAuc());
    if (choice.lead() != null) {
      metrics.put("tune_cv_lead_over_untuned", choice.lead().mean());
      metrics.put("tune_cv_lead_standard_error", choice.lead().standardError());
      LOG.info("tune {}: trial {}'s lead over the untuned config, {} (paired over {} folds), "
          + "is {} one standard error: {}", context.dataset(), best.number + 1, choice.lead(),
          folds.folds(), choice.lead().beyondOneStandardError() ? "beyond" : "within",
          winner == best ? "trial " + (best.number + 1) + " wins"
              : "the untuned config is kept");
    }
    metrics.put("tune_cv_winner_roc_auc", scores.get(winner.number).meanRocAuc());
    return Optional.of(winner);
  }

  private static Trial trialNumbered(List<Trial> trials, int number) {
    return trials.stream().filter(trial -> trial.number == number).findFirst().orElseThrow();
  }

  private static String foldList(double[] values) {
    StringBuilder list = new StringBuilder("[");
    for (double value : values) {
      list.append(list.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", value));
    }
    return list.append(']').toString();
  }

  /**
   * What a fold of a finalist costs: the wall time of one of its epochs on the training split, and
   * the epochs a fold is expected to train.
   */
  record FoldCost(double epochMillis, int epochs) {}

  /**
   * What the search measured an epoch and a job to cost: the median wall time of its epochs (the
   * search's very first epoch, which warms the JIT up, left out once there are others), and the
   * median of what each job cost besides its epochs (a new network, Spark's jobs). Medians, since
   * one slow epoch or job (a collection, a warm-up) would otherwise be counted for every epoch
   * still to come.
   */
  record EpochCost(double epochMillis, double jobMillis) {
    /** The cost measured, or null before the first epoch. */
    static EpochCost of(List<Long> epochMillis, List<Long> jobOverheadMillis) {
      if (epochMillis.isEmpty()) {
        return null;
      }
      List<Long> warm = epochMillis.size() > 1 ? epochMillis.subList(1, epochMillis.size())
          : epochMillis;
      return new EpochCost(median(warm.stream().mapToLong(Long::longValue).toArray()),
          median(jobOverheadMillis.stream().mapToLong(Long::longValue).toArray()));
    }

    /** A job of {@code epochs} epochs: its fixed cost and its epochs. */
    double millis(int epochs) {
      return jobMillis + epochsMillis(epochs);
    }

    /** {@code epochs} more epochs of a job under way (the winner's finish): no fixed cost. */
    double epochsMillis(int epochs) {
      return epochMillis * Math.max(0, epochs);
    }
  }

  /**
   * What the finalists' cross-validation takes: {@code folds} folds for each of {@code finalists}
   * configurations, each fold a job (a fresh network) of its finalist's expected epochs, an epoch
   * {@code foldShare} of one of the training split. The known finalists cost what their epochs cost
   * in the search ({@code finalistCosts}; null when unknown): the top rungs hold the larger
   * networks, so the search's median epoch would undercount them; the finalists not known yet cost
   * that median for {@code epochs} epochs.
   */
  static long crossValidationMillis(List<FoldCost> finalistCosts, int finalists, EpochCost cost,
      int folds, int epochs, double foldShare) {
    if (cost == null) {
      return 0;
    }
    double millis = 0;
    for (int finalist = 0; finalist < finalists; finalist++) {
      FoldCost known = finalist < finalistCosts.size() ? finalistCosts.get(finalist) : null;
      FoldCost fold = known != null ? known : new FoldCost(cost.epochMillis(), epochs);
      millis += folds * (cost.jobMillis() + fold.epochMillis() * fold.epochs() * foldShare);
    }
    return Math.round(millis);
  }

  /**
   * A fold's epoch against one of the training split: a fold fits (k - 1)/k of the training and
   * validation rows and scores the rest, as an epoch of the search fits the training split and
   * scores validation.
   */
  static double foldShare(int folds, long trainRows, long trainAndValidationRows) {
    return trainAndValidationRows * (folds - 1.0) / folds / Math.max(1, trainRows);
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
            EpochLoop.Listener.NONE).withoutLayerWarnings().withoutEpochLines();
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
   * {@code training.epochs}, end inside the budget at the epoch and job times measured so far
   * ({@code cost}): the search stops before it would overrun, instead of finding out after the
   * job. Before any epoch is measured ({@code cost} null) every job fits. Work after the search
   * (the ladder, an ensemble, saving) is not counted.
   */
  static boolean fitsBudget(long elapsedMillis, long budgetMillis, EpochCost cost, int jobEpochs,
      int finishEpochs) {
    if (cost == null) {
      return elapsedMillis < budgetMillis;
    }
    return elapsedMillis + cost.millis(jobEpochs) + cost.epochsMillis(finishEpochs)
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

  /**
   * The epochs the trials that stopped early trained, the median; {@code epochs} when none did. A
   * fold stops by the same rule on rows like theirs, where {@code training.epochs} (200 on a small
   * table) counted each fold of a finalist that had not reached its stop as training them all.
   */
  static int typicalStop(Collection<Trial> trials, int epochs) {
    return typicalStop(trials.stream().filter(t -> t.loop != null && t.loop.stoppedEarly())
        .mapToLong(t -> t.loop.epochsTrained()).toArray(), epochs);
  }

  /** {@link #typicalStop(Collection, int)} of the epochs at which trials stopped early. */
  static int typicalStop(long[] stops, int epochs) {
    return stops.length == 0 ? epochs : (int) Math.round(median(stops));
  }

  /**
   * The epochs each fold of a finalist is expected to train: where it stopped early in the search
   * ({@code trained}), else what it trained but at least {@code typicalStop}, at most its
   * {@code epochs}.
   */
  static int foldEpochs(boolean stoppedEarly, int trained, int epochs, int typicalStop) {
    return stoppedEarly ? trained : Math.min(epochs, Math.max(trained, typicalStop));
  }

  /** The median of {@code values}; 0 for none. */
  static double median(long[] values) {
    if (values.length == 0) {
      return 0;
    }
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
  }
}
