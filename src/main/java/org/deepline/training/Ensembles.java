package org.deepline.training;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.baselines.BaselineLadder;
import org.deepline.baselines.SparkFreeModel;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.StratifiedSplitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble {@code training.ensemble} asks for, built after the main network is trained: its
 * members, its combiner, and its validation scores (the combined probability on the validation
 * split), which then stand for the registered model in the run record, the decision threshold and
 * the baseline comparison.
 *
 * <pre>{@code
 * Ensembles.Outcome ensemble = Ensembles.train(spark, features, resolved, input, weights,
 *     network, bestEpoch, validation, networkScores, ladder, trainRows, onDriver, metrics);
 * // null: the network alone
 * }</pre>
 */
public final class Ensembles {
  private static final Logger LOG = LoggerFactory.getLogger(Ensembles.class);
  /** Run metrics of one member: {@code ensemble_member_<name>_validation_roc_auc}, ... */
  public static final String MEMBER_PREFIX = "ensemble_member_";
  /** Run metric: 1 when {@code auto} registered a stack, 0 when it did not. */
  static final String AUTO_STACKED = "ensemble_auto_stacked";
  /**
   * Run metric, and model metadata of a deep ensemble {@code auto} built: 1 when it registered
   * one, 0 when it registered neither a stack nor a deep ensemble (absent when it registered a
   * stack).
   */
  public static final String AUTO_AVERAGED = "ensemble_auto_averaged";
  /**
   * Run metric: the validation ROC AUC of the deep ensemble {@code auto} built, registered or not
   * ({@link #MAX_AVERAGE_SHORTFALL}).
   */
  static final String AUTO_AVERAGE_ROC_AUC = "ensemble_auto_average_validation_roc_auc";
  /**
   * How far below the network's validation ROC AUC a deep ensemble {@code auto} built may fall and
   * still be registered: on the public data sets it was measured on it fell 0.0045 at most and rose
   * 0.0061 at most (the network's figure picked its own epoch on those rows), so a shortfall four
   * times the largest seen says members that failed to learn.
   */
  static final double MAX_AVERAGE_SHORTFALL = 0.02;
  /**
   * Run metric: the training split's rows when {@code auto} judged them at most
   * {@code auto_stack_rows}, so that held-out predictions on them, not validation, decided (kept or
   * not: {@link #AUTO_STACKED} says); model metadata of a stack so built.
   */
  public static final String AUTO_SMALL_SPLIT = "ensemble_auto_small_split";
  /** Stacking's ROC AUC of the shipped combiner on the out-of-fold rows it was fitted on. */
  static final String OUT_OF_FOLD_STACKED = "ensemble_out_of_fold_stacked_roc_auc";
  /**
   * Stacking's ROC AUC on every training row, each fold combined by a combiner fitted on the other
   * folds only ({@link Stacking#crossFitted}): held out at both levels, as the network's folds are.
   */
  static final String CROSS_FITTED_STACKED = "ensemble_cross_fitted_stacked_roc_auc";
  /** The main network's folds' out-of-fold ROC AUC, as {@link Stacking} names its members'. */
  static final String OUT_OF_FOLD_NETWORK = Stacking.outOfFoldRocAuc(EnsembleSpec.MAIN_NETWORK);
  /**
   * Run metric, and model metadata of a stack {@code auto} built: the ladder's gbt validation ROC
   * AUC minus the network's, as {@code auto} saw it.
   */
  public static final String AUTO_GBT_LEAD = autoLead(BaselineLadder.GBT);
  /** As {@link #AUTO_GBT_LEAD}, for the ladder's logistic regression. */
  public static final String AUTO_LINEAR_LEAD = autoLead(BaselineLadder.LOGISTIC_REGRESSION);

  private Ensembles() {}

  /**
   * A trained ensemble.
   *
   * @param memberFiles the members' bytes by name, the main network's excepted (it is the
   *                    bundle's own {@code network.zip})
   * @param validation  the ensemble's probabilities on the validation split
   * @param metrics     {@code ensemble_validation_roc_auc}, each member's and the members' mean
   *                    validation ROC AUC, fit times, the combiner's coefficients
   * @param averagedNetworks for bagging and a deep ensemble, the shipped mean of networks as the
   *                    permutation importance scores it (the main network is no member of it);
   *                    null for a stack, whose main network is its network member
   */
  public record Outcome(EnsembleSpec spec, Map<String, byte[]> memberFiles,
      ScoredLabels validation, Map<String, Double> metrics,
      TrainingData.ChunkModel averagedNetworks) {}

  /**
   * One rung of the baseline ladder an ensemble may use.
   *
   * @param result          its settings, validation ROC AUC (on the rows the network is judged
   *                        on) and fit time
   * @param fittedOnAllRows the fitted model when the ladder fitted it on every training row (no
   *                        {@code baselines.max_rows} sample): the stack's shipped member, which
   *                        then is not fitted twice, its fit time the ladder's; null otherwise
   */
  public record LadderRung(BaselineLadder.Result result, SparkFreeModel fittedOnAllRows) {}

  /**
   * What an ensemble takes from the baseline ladder: its {@code gbt} and
   * {@code logistic_regression} rungs, each null when the ladder fitted none (or was not joined
   * yet), and up to how many rows a stack's own fits of them run on the driver
   * ({@code baselines.driver_max_rows}).
   */
  public record LadderMembers(LadderRung trees, LadderRung linear, int driverMaxRows) {
    /** No rungs: the ladder is off, or not joined yet. */
    public static LadderMembers none(int driverMaxRows) {
      return new LadderMembers(null, null, driverMaxRows);
    }

    /** Each rung there is, by model name ({@code gbt} first), and its validation ROC AUC. */
    Map<String, Double> validationRocAucs() {
      Map<String, Double> rocAucs = new LinkedHashMap<>();
      for (LadderRung rung : java.util.Arrays.asList(trees, linear)) {
        if (rung != null) {
          rocAucs.put(rung.result().model(), rung.result().validationRocAuc());
        }
      }
      return rocAucs;
    }
  }

  /** The run metric of a rung's lead over the network: {@code ensemble_auto_<model>_lead}. */
  private static String autoLead(String model) {
    return "ensemble_auto_" + model + "_lead";
  }

  /**
   * {@code auto}'s rule: the rungs (by name) whose validation ROC AUC leads the network's by more
   * than the margin, in the order given; a rung whose ROC AUC is not a number leads nothing.
   */
  static List<String> leaders(Map<String, Double> rungRocAucs, double networkRocAuc,
      double margin) {
    return rungRocAucs.entrySet().stream()
        .filter(rung -> rung.getValue() - networkRocAuc > margin)
        .map(Map.Entry::getKey).toList();
  }

  /**
   * @param features    the features table (all splits); members fit on its training rows
   * @param config      the resolved training config; {@code config.ensemble()} says what to build
   * @param network     the main network, trained and prior-corrected
   * @param bestEpoch   its best epoch: the epochs every member network trains for
   * @param validation  the cached validation split
   * @param networkScores the network's probabilities on the validation split
   * @param ladder      the ladder's rungs a stack compares with ({@code auto}) and reuses
   * @param trainRows   the training split's rows, before any resampling: {@code auto} stacks a
   *                    split of at most {@code auto_stack_rows} whatever validation says
   * @param runMetrics  where {@code auto} records its decision ({@code ensemble_auto_*})
   * @param trainedOnDriver whether the network's workers ran on the driver: {@code auto} averages
   *                    only such a network
   * @return null when the network alone is registered: method none, or auto without a stack that
   *         beats it and without a deep ensemble
   */
  public static Outcome train(JavaSparkContext spark, Dataset<Row> features, TrainingConfig config,
      NetworkInput input, double[] classWeights, MultiLayerNetwork network, int bestEpoch,
      TrainingData validation, ScoredLabels networkScores, LadderMembers ladder, long trainRows,
      boolean trainedOnDriver, Map<String, Double> runMetrics) {
    EnsembleConfig ensemble = config.ensemble();
    if (ensemble.always()) {
      return build(spark, features, config, input, classWeights, network, bestEpoch, validation,
          ensemble.method(), ladder);
    }
    if (!ensemble.auto()) {
      return null;
    }
    Outcome stack = autoStack(spark, features, config, input, classWeights, network, bestEpoch,
        validation, networkScores, ladder, trainRows, runMetrics);
    return stack != null ? stack : autoAverage(spark, features, config, input, classWeights,
        network, bestEpoch, validation, networkScores.rocAuc(), ladder, trainRows,
        trainedOnDriver, runMetrics);
  }

  /**
   * {@code auto}'s second step, where its first registered no stack: above {@code auto_stack_rows}
   * and up to {@code auto_average_rows} training rows, when the network trained on the driver (so
   * each member costs seconds) from the training split as it is (no {@code resample} or
   * {@code augment}, which members skip) and is not to be Platt-scaled (focal loss), the deep
   * ensemble of {@code members} networks ({@link Bagging.Kind#DEEP_ENSEMBLE}); otherwise null,
   * the network alone ({@link #whyNotAveraged} says why).
   *
   * <p>Registered without a validation contest (only a shortfall beyond
   * {@link #MAX_AVERAGE_SHORTFALL}, a failure, keeps the network): the network's validation ROC AUC
   * chose its own best epoch on those rows, so it flatters the network against members trained for
   * that epoch count, and the mean of networks that differ only by their seed varies less than any
   * one of them. On
   * ten public data sets of 2,052 to 9,813 training rows (configs from the CSV header) the deep
   * ensemble's test ROC AUC was above the network's on seven and below on three by at most 0.0038
   * (mean +0.0050); Telco churn 0.8434 to 0.8493, the credit sample 0.8209 to 0.8384
   * ({@code bench/README.md}, "auto's deep ensemble").
   */
  private static Outcome autoAverage(JavaSparkContext spark, Dataset<Row> features,
      TrainingConfig config, NetworkInput input, double[] classWeights, MultiLayerNetwork network,
      int bestEpoch, TrainingData validation, double networkRocAuc, LadderMembers ladder,
      long trainRows, boolean trainedOnDriver, Map<String, Double> runMetrics) {
    runMetrics.put(AUTO_AVERAGED, 0.0);
    String alone = whyNotAveraged(config, trainRows, trainedOnDriver);
    if (alone != null) {
      LOG.info("train: ensemble auto: no deep ensemble: {}", alone);
      return null;
    }
    int members = config.ensemble().membersOrDefault();
    LOG.info(String.format(Locale.ROOT, "train: ensemble auto: averaging %d networks of the "
        + "network's configuration, each trained on the %d training rows from its own seed for "
        + "the best epoch count %d (a deep ensemble: their mean varies less than one network)",
        members, trainRows, bestEpoch));
    Outcome averaged;
    try {
      averaged = build(spark, features, config, input, classWeights, network, bestEpoch,
          validation, EnsembleConfig.DEEP_ENSEMBLE, ladder);
    } catch (RuntimeException e) {
      // As for the stack: an ensemble the user did not name must not take the network down.
      runMetrics.put("ensemble_auto_average_failed", 1.0);
      LOG.warn("train: ensemble auto: the deep ensemble failed ({}), so the network alone is "
          + "registered", e.getMessage(), e);
      return null;
    }
    double averagedRocAuc = averaged.validation().rocAuc();
    // Into the run record whichever way it goes, as the small split's stack figures are.
    runMetrics.put(AUTO_AVERAGE_ROC_AUC, averagedRocAuc);
    if (!keepsAverage(averagedRocAuc, networkRocAuc)) {
      LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the deep ensemble's validation "
          + "ROC AUC %.4f is more than %.2f below the network's %.4f: members that failed to "
          + "learn, not chance, so the network alone is registered", averagedRocAuc,
          MAX_AVERAGE_SHORTFALL, networkRocAuc));
      return null;
    }
    if (averagedRocAuc < networkRocAuc) {
      // Kept all the same (the network's figure chose its own epoch on these rows). Said, because
      // require_network_wins, promote and the baseline warning judge the ensemble's figure; with
      // the gap, since at 4 decimals both figures may print alike.
      LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the deep ensemble's validation "
          + "ROC AUC %.4f is %.2g below the network's %.4f, which picked its best epoch on these "
          + "rows; the ensemble is registered, and the baseline comparison judges its figure",
          averagedRocAuc, networkRocAuc - averagedRocAuc, networkRocAuc));
    }
    runMetrics.put(AUTO_AVERAGED, 1.0);
    // Into the model's metadata too, so that its evaluation report can say why it is an ensemble.
    Map<String, Double> metrics = new LinkedHashMap<>(averaged.metrics());
    metrics.put(AUTO_AVERAGED, 1.0);
    return new Outcome(averaged.spec(), averaged.memberFiles(), averaged.validation(), metrics,
        averaged.averagedNetworks());
  }

  /**
   * Whether {@code auto} registers the deep ensemble it built: unless its validation ROC AUC is
   * more than {@link #MAX_AVERAGE_SHORTFALL} below the network's, or not a number.
   */
  static boolean keepsAverage(double averagedRocAuc, double networkRocAuc) {
    return averagedRocAuc >= networkRocAuc - MAX_AVERAGE_SHORTFALL;
  }

  /**
   * Why {@code auto} registers no deep ensemble around a network it did not stack, or null when it
   * does: each reason is a case where averaging would cost too much or change what the user asked
   * for.
   *
   * @param trainRows       the training split's rows, before any resampling
   * @param trainedOnDriver whether the network's workers ran on the driver
   */
  static String whyNotAveraged(TrainingConfig config, long trainRows, boolean trainedOnDriver) {
    EnsembleConfig ensemble = config.ensemble();
    if (trainRows <= ensemble.autoStackRowsOrDefault()) {
      return "the training split's " + trainRows + " rows are at most auto_stack_rows "
          + ensemble.autoStackRowsOrDefault() + ", where auto only stacks";
    }
    if (trainRows > ensemble.autoAverageRowsOrDefault()) {
      return "the training split's " + trainRows + " rows are more than auto_average_rows "
          + ensemble.autoAverageRowsOrDefault() + ", where one network varies little and "
          + ensemble.membersOrDefault() + " more cost " + ensemble.membersOrDefault()
          + " times its training";
    }
    if (!trainedOnDriver) {
      return "it trained on the executors, where each of a deep ensemble's "
          + ensemble.membersOrDefault() + " members would cost as much again";
    }
    if (config.resample().enabled() || config.augment().enabled()) {
      // Members learn from the training split as it is: averaging them would undo what the user
      // asked resampling for.
      return "it learnt from resampled or augmented rows, which a deep ensemble's members would "
          + "not";
    }
    if (config.loss().calibrates()) {
      // Platt scaling is fitted on one network's logits; a mean of focal members has none.
      return "focal loss's probabilities are calibrated on one network, not on a deep "
          + "ensemble's mean";
    }
    return null;
  }

  /**
   * {@code auto}'s first step: the stack when a rung leads the network by more than
   * {@code auto_margin}, or the training split is small, and the stack then beats the network as
   * {@link #keeps} judges; null otherwise.
   */
  private static Outcome autoStack(JavaSparkContext spark, Dataset<Row> features,
      TrainingConfig config, NetworkInput input, double[] classWeights, MultiLayerNetwork network,
      int bestEpoch, TrainingData validation, ScoredLabels networkScores, LadderMembers ladder,
      long trainRows, Map<String, Double> runMetrics) {
    EnsembleConfig ensemble = config.ensemble();
    runMetrics.put(AUTO_STACKED, 0.0);
    Map<String, Double> rungs = ladder.validationRocAucs();
    if (rungs.isEmpty()) {
      LOG.info("train: ensemble auto: the baseline ladder fitted no gbt or logistic_regression "
          + "to compare with: no stack");
      return null;
    }
    double margin = ensemble.autoMarginOrDefault();
    double networkRocAuc = networkScores.rocAuc();
    Map<String, Double> leads = new LinkedHashMap<>();
    rungs.forEach((model, auc) -> leads.put(autoLead(model), auc - networkRocAuc));
    runMetrics.putAll(leads);
    List<String> leaders = leaders(rungs, networkRocAuc, margin);
    // The trees are the member a small split gains most from; a ladder without them says the user
    // wants none.
    boolean smallSplit = ladder.trees() != null && trainRows <= ensemble.autoStackRowsOrDefault();
    if (smallSplit) {
      runMetrics.put(AUTO_SMALL_SPLIT, (double) trainRows);
      LOG.info(String.format(Locale.ROOT, "train: ensemble auto: the training split has %d rows, "
          + "at most auto_stack_rows %d: stacking the network (validation ROC AUC %.4f) with the "
          + "ladder's trees and logistic regression, judged on held-out training rows, as %d "
          + "validation rows cannot tell them apart (%s)", trainRows,
          ensemble.autoStackRowsOrDefault(), networkRocAuc, validation.rows(),
          describeLeads(rungs, networkRocAuc)));
    } else if (leaders.isEmpty()) {
      LOG.info(String.format(Locale.ROOT, "train: ensemble auto: no stack (the network's validation "
          + "ROC AUC %.4f; %s; not more than auto_margin %.4f)", networkRocAuc,
          describeLeads(rungs, networkRocAuc), margin));
      return null;
    } else {
      Map<String, Double> leading = new LinkedHashMap<>(rungs);
      leading.keySet().retainAll(leaders);
      LOG.info(String.format(Locale.ROOT, "train: ensemble auto: %s over the network (validation "
          + "ROC AUC %.4f), more than auto_margin %.4f: stacking the network with the ladder's "
          + "trees and logistic regression", describeLeads(leading, networkRocAuc), networkRocAuc,
          margin));
    }
    Outcome stack;
    try {
      stack = build(spark, features, config, input, classWeights, network, bestEpoch, validation,
          EnsembleConfig.STACKING, ladder);
    } catch (RuntimeException e) {
      // The network trained and passed its gates; a stack the user did not ask for by name must
      // not take it down with it (a fold network's loss turning NaN, say).
      runMetrics.put("ensemble_auto_failed", 1.0);
      LOG.warn("train: ensemble auto: the stack failed ({}), so no stack is registered",
          e.getMessage(), e);
      return null;
    }
    if (smallSplit) {
      // The decision's figures, into the run record whichever way it goes.
      runMetrics.put(CROSS_FITTED_STACKED, stack.metrics().get(CROSS_FITTED_STACKED));
      runMetrics.put(OUT_OF_FOLD_NETWORK, stack.metrics().get(OUT_OF_FOLD_NETWORK));
    }
    if (!keeps(stack.metrics(), stack.validation().rocAuc(), networkRocAuc, smallSplit)) {
      return null;
    }
    runMetrics.put(AUTO_STACKED, 1.0);
    // Into the model's metadata too, so that its evaluation report can say why it is a stack.
    Map<String, Double> metrics = new LinkedHashMap<>(stack.metrics());
    metrics.putAll(leads);
    if (smallSplit) {
      metrics.put(AUTO_SMALL_SPLIT, (double) trainRows);
    }
    return new Outcome(stack.spec(), stack.memberFiles(), stack.validation(), metrics, null);
  }

  /**
   * Whether {@code auto} registers the stack it built: on a small split, when its cross-fitted ROC
   * AUC over every training row is at least the network's folds' out-of-fold ROC AUC (both held
   * out; the fold networks learn from the split as it is, without {@code resample} or
   * {@code augment}); otherwise when its validation ROC AUC is above the network's.
   *
   * @param stackMetrics the stack's metrics ({@link #CROSS_FITTED_STACKED},
   *                     {@link #OUT_OF_FOLD_NETWORK})
   */
  static boolean keeps(Map<String, Double> stackMetrics, double stackRocAuc,
      double networkRocAuc, boolean smallSplit) {
    if (smallSplit) {
      double stacked = stackMetrics.get(CROSS_FITTED_STACKED);
      double alone = stackMetrics.get(OUT_OF_FOLD_NETWORK);
      // Written so that a NaN on either side keeps the network.
      if (!(stacked >= alone)) {
        LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the stack's cross-fitted ROC "
            + "AUC %.4f on the training rows is below the network's out-of-fold %.4f, so the "
            + "network alone is registered", stacked, alone));
        return false;
      }
      if (stackRocAuc < networkRocAuc) {
        // Kept all the same: the training split's rows outweigh validation's few. Said, because
        // require_network_wins, promote and the baseline warning judge the stack's figure.
        LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the stack's validation ROC AUC "
            + "%.4f is below the network's %.4f on a small validation split; the stack is "
            + "registered on its cross-fitted ROC AUC %.4f against the network's out-of-fold "
            + "%.4f over the training rows", stackRocAuc, networkRocAuc, stacked, alone));
      }
      return true;
    }
    if (stackRocAuc <= networkRocAuc) {
      LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the stack's validation ROC AUC "
          + "%.4f is not above the network's %.4f, so no stack is registered",
          stackRocAuc, networkRocAuc));
      return false;
    }
    return true;
  }

  /**
   * E.g. {@code the ladder's gbt (0.8363) leads by -0.00460 and logistic_regression (0.8422) by
   * 0.00130}: five decimals, so that a lead just past a four-decimal margin does not print as it.
   */
  private static String describeLeads(Map<String, Double> rungs, double networkRocAuc) {
    List<String> parts = new ArrayList<>();
    rungs.forEach((model, auc) -> parts.add(String.format(Locale.ROOT, "%s (%.4f)%s by %.5f",
        model, auc, parts.isEmpty() ? " leads" : "", auc - networkRocAuc)));
    return "the ladder's " + String.join(" and ", parts);
  }

  /** Builds the {@code method} ensemble around the trained network. */
  private static Outcome build(JavaSparkContext spark, Dataset<Row> features,
      TrainingConfig config, NetworkInput input, double[] classWeights, MultiLayerNetwork network,
      int bestEpoch, TrainingData validation, String method, LadderMembers ladder) {
    EnsembleConfig ensemble = config.ensemble();
    long started = System.nanoTime();
    Dataset<Row> trainRows = features.where(
        functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN));
    // Members learn from the training split as it is; only the class weights shift their prior.
    double priorOffset = config.priorCorrection() ? PriorCorrection.logitOffset(classWeights) : 0;
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    EnsembleSpec spec;
    MemberScores scores;
    TrainingData.ChunkModel averagedNetworks = null;
    if (!EnsembleConfig.STACKING.equals(method)) {
      Bagging.Kind kind = Bagging.Kind.of(method);
      Bagging.Members bag = Bagging.train(spark, trainRows, config, input, classWeights,
          priorOffset, bestEpoch, ensemble.membersOrDefault(), kind);
      List<EnsembleSpec.Member> members = new ArrayList<>();
      for (int i = 0; i < bag.networks().size(); i++) {
        String name = kind.memberName(i + 1);
        members.add(EnsembleSpec.Member.network(name));
        files.put(name, ModelBundle.serialise(bag.networks().get(i)));
      }
      spec = EnsembleSpec.mean(method, members);
      averagedNetworks = TrainingData.ChunkModel.ensemble(spec, bag.networks());
      metrics.putAll(bag.metrics());
      scores = MemberScores.of(spark, validation, bag.networks(), List.of());
    } else {
      Stacking.Fitted stack = Stacking.train(spark, trainRows, config, input, classWeights,
          priorOffset, bestEpoch, ensemble.foldsOrDefault(), ladder);
      spec = stack.spec();
      files.put(Stacking.TREES, stack.trees().toJson().getBytes(StandardCharsets.UTF_8));
      files.put(Stacking.LINEAR, stack.linear().toJson().getBytes(StandardCharsets.UTF_8));
      metrics.putAll(stack.metrics());
      scores = MemberScores.of(spark, validation, List.of(network),
          List.of(stack.trees(), stack.linear()));
    }
    ScoredLabels combined = scores.combined(spec);
    double memberSum = 0;
    for (int m = 0; m < scores.members(); m++) {
      double auc = scores.member(m).rocAuc();
      memberSum += auc;
      metrics.put(MEMBER_PREFIX + spec.members().get(m).name() + "_validation_roc_auc", auc);
    }
    double memberMean = memberSum / scores.members();
    metrics.put("ensemble_members_mean_validation_roc_auc", memberMean);
    metrics.put("ensemble_validation_roc_auc", combined.rocAuc());
    metrics.put("ensemble_validation_pr_auc", combined.prAuc());
    metrics.put("ensemble_validation_loss", combined.logLoss());
    metrics.put("ensemble_members", (double) scores.members());
    double seconds = (System.nanoTime() - started) / 1e9;
    metrics.put("ensemble_fit_seconds", seconds);
    LOG.info(String.format(Locale.ROOT, "train: %s: validation ROC AUC %.4f (members' mean "
        + "%.4f), %.1f s", spec.description(), combined.rocAuc(), memberMean, seconds));
    return new Outcome(spec, files, combined, metrics, averagedNetworks);
  }
}
