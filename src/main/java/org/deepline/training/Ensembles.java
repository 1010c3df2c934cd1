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
import org.deepline.baselines.BoostedTrees;
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
 *     network, bestEpoch, validation, networkScores, ladderTrees, 50_000, metrics); // null: network alone
 * }</pre>
 */
public final class Ensembles {
  private static final Logger LOG = LoggerFactory.getLogger(Ensembles.class);
  /** Run metrics of one member: {@code ensemble_member_<name>_validation_roc_auc}, ... */
  public static final String MEMBER_PREFIX = "ensemble_member_";
  /** Run metric: 1 when {@code auto} registered a stack, 0 when it kept the network alone. */
  static final String AUTO_STACKED = "ensemble_auto_stacked";
  /**
   * Run metric, and model metadata of a stack {@code auto} built: the ladder's gbt validation ROC
   * AUC minus the network's, as {@code auto} saw it.
   */
  public static final String AUTO_GBT_LEAD = "ensemble_auto_gbt_lead";

  private Ensembles() {}

  /**
   * A trained ensemble.
   *
   * @param memberFiles the members' bytes by name, the main network's excepted (it is the
   *                    bundle's own {@code network.zip})
   * @param validation  the ensemble's probabilities on the validation split
   * @param metrics     {@code ensemble_validation_roc_auc}, each member's and the members' mean
   *                    validation ROC AUC, fit times, the combiner's coefficients
   */
  public record Outcome(EnsembleSpec spec, Map<String, byte[]> memberFiles,
      ScoredLabels validation, Map<String, Double> metrics) {}

  /**
   * What {@code auto} takes from the baseline ladder's {@code gbt} rung.
   *
   * @param validationRocAuc the trees' validation ROC AUC, on the rows the network is judged on
   * @param fittedOnAllRows  the fitted trees when the ladder fitted them on every training row
   *                         (no {@code baselines.max_rows} sample): the stack's shipped member,
   *                         which then is not fitted twice; null otherwise
   * @param fitSeconds       what the ladder's fit took, recorded as the shipped member's fit time
   *                         when it is reused
   */
  public record LadderTrees(double validationRocAuc, BoostedTrees fittedOnAllRows,
      double fitSeconds) {}

  /** {@code auto}'s rule: the trees lead the network by more than the margin. */
  static boolean treesLead(double networkRocAuc, double treesRocAuc, double margin) {
    return treesRocAuc - networkRocAuc > margin;
  }

  /**
   * @param features    the features table (all splits); members fit on its training rows
   * @param config      the resolved training config; {@code config.ensemble()} says what to build
   * @param network     the main network, trained and prior-corrected
   * @param bestEpoch   its best epoch: the epochs every member network trains for
   * @param validation  the cached validation split
   * @param networkScores the network's probabilities on the validation split
   * @param ladderTrees the ladder's boosted trees, null when the ladder fitted none; read by
   *                    {@code auto} only
   * @param treesDriverMaxRows a stack fits its trees on the driver up to this many rows
   *                    ({@code baselines.driver_max_rows}), as the ladder does
   * @param runMetrics  where {@code auto} records its decision ({@code ensemble_auto_*})
   * @return null when the network alone is registered: method none, or auto without a stack that
   *         beats it
   */
  public static Outcome train(JavaSparkContext spark, Dataset<Row> features, TrainingConfig config,
      NetworkInput input, double[] classWeights, MultiLayerNetwork network, int bestEpoch,
      TrainingData validation, ScoredLabels networkScores, LadderTrees ladderTrees,
      int treesDriverMaxRows, Map<String, Double> runMetrics) {
    EnsembleConfig ensemble = config.ensemble();
    if (ensemble.always()) {
      return build(spark, features, config, input, classWeights, network, bestEpoch, validation,
          ensemble.method(), null, treesDriverMaxRows);
    }
    if (!ensemble.auto()) {
      return null;
    }
    if (ladderTrees == null) {
      runMetrics.put(AUTO_STACKED, 0.0);
      LOG.info("train: ensemble auto: the baseline ladder fitted no gbt to compare with, so the "
          + "network alone is registered");
      return null;
    }
    double margin = ensemble.autoMarginOrDefault();
    double networkRocAuc = networkScores.rocAuc();
    double treesRocAuc = ladderTrees.validationRocAuc();
    double lead = treesRocAuc - networkRocAuc;
    runMetrics.put(AUTO_GBT_LEAD, lead);
    runMetrics.put(AUTO_STACKED, 0.0);
    if (!treesLead(networkRocAuc, treesRocAuc, margin)) {
      LOG.info(String.format(Locale.ROOT, "train: ensemble auto: the network alone (validation "
          + "ROC AUC %.4f; the ladder's gbt %.4f leads by %.4f, not more than auto_margin %.4f)",
          networkRocAuc, treesRocAuc, lead, margin));
      return null;
    }
    LOG.info(String.format(Locale.ROOT, "train: ensemble auto: the ladder's gbt (validation ROC "
        + "AUC %.4f) leads the network (%.4f) by %.4f, more than auto_margin %.4f: stacking the "
        + "two", treesRocAuc, networkRocAuc, lead, margin));
    Outcome stack;
    try {
      stack = build(spark, features, config, input, classWeights, network, bestEpoch, validation,
          EnsembleConfig.STACKING, ladderTrees, treesDriverMaxRows);
    } catch (RuntimeException e) {
      // The network trained and passed its gates; a stack the user did not ask for by name must
      // not take it down with it (a fold network's loss turning NaN, say).
      runMetrics.put("ensemble_auto_failed", 1.0);
      LOG.warn("train: ensemble auto: the stack failed ({}), so the network alone is registered",
          e.getMessage(), e);
      return null;
    }
    if (stack.validation().rocAuc() <= networkRocAuc) {
      LOG.warn(String.format(Locale.ROOT, "train: ensemble auto: the stack's validation ROC AUC "
          + "%.4f is not above the network's %.4f, so the network alone is registered",
          stack.validation().rocAuc(), networkRocAuc));
      return null;
    }
    runMetrics.put(AUTO_STACKED, 1.0);
    // Into the model's metadata too, so that its evaluation report can say why it is a stack.
    Map<String, Double> metrics = new LinkedHashMap<>(stack.metrics());
    metrics.put(AUTO_GBT_LEAD, lead);
    return new Outcome(stack.spec(), stack.memberFiles(), stack.validation(), metrics);
  }

  /** Builds the {@code method} ensemble around the trained network. */
  private static Outcome build(JavaSparkContext spark, Dataset<Row> features,
      TrainingConfig config, NetworkInput input, double[] classWeights, MultiLayerNetwork network,
      int bestEpoch, TrainingData validation, String method, LadderTrees ladderTrees,
      int treesDriverMaxRows) {
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
    if (EnsembleConfig.BAGGING.equals(method)) {
      Bagging.Members bag = Bagging.train(spark, trainRows, config, input, classWeights,
          priorOffset, bestEpoch, ensemble.members());
      List<EnsembleSpec.Member> members = new ArrayList<>();
      for (int i = 0; i < bag.networks().size(); i++) {
        String name = Bagging.memberName(i + 1);
        members.add(EnsembleSpec.Member.network(name));
        files.put(name, ModelBundle.serialise(bag.networks().get(i)));
      }
      spec = EnsembleSpec.mean(EnsembleConfig.BAGGING, members);
      metrics.putAll(bag.metrics());
      scores = MemberScores.of(spark, validation, bag.networks(), null);
    } else {
      Stacking.Fitted stack = Stacking.train(spark, trainRows, config, input, classWeights,
          priorOffset, bestEpoch, ensemble.foldsOrDefault(),
          ladderTrees == null ? null : ladderTrees.fittedOnAllRows(),
          ladderTrees == null ? 0 : ladderTrees.fitSeconds(), treesDriverMaxRows);
      spec = stack.spec();
      files.put(Stacking.TREES, stack.trees().toJson().getBytes(StandardCharsets.UTF_8));
      metrics.putAll(stack.metrics());
      scores = MemberScores.of(spark, validation, List.of(network), stack.trees());
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
    return new Outcome(spec, files, combined, metrics);
  }
}
