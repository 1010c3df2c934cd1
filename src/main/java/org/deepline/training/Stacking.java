package org.deepline.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import java.util.function.Function;
import java.util.function.Supplier;
import org.deepline.baselines.BaselineLadder;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.LinearModel;
import org.deepline.baselines.SparkFreeModel;
import org.deepline.core.Futures;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.ScoredLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stacking: the network, gradient-boosted trees and a logistic regression (the baseline ladder's
 * settings), combined by a logistic regression on the logits of their probabilities. The combiner
 * is fitted on out-of-fold predictions of the training split only: each training row is predicted
 * by members fitted on the other {@code folds - 1} folds (the network for the main network's best
 * epoch count), so the combiner learns how much to trust each member on rows it has not seen, as
 * at scoring time. Validation and test rows never reach the combiner's fit. The shipped members are
 * the main network (trained on the whole training split) and the trees and logistic regression
 * fitted on the whole split (the baseline ladder's, when it fitted them on every training row).
 *
 * <p>Why a linear member: on small tabular data a regularised logistic regression often ranks rows
 * better than both the network and the trees (German credit: 0.8226 test ROC AUC against the
 * network's 0.7750), and a stack without it cannot follow it there.
 *
 * <pre>{@code
 * Stacking.Fitted stack = Stacking.train(spark, trainRows, resolved, input, weights, offset,
 *     bestEpoch, 5, Ensembles.LadderMembers.none(50_000)); // fit every member here
 * EnsembleSpec spec = stack.spec();
 * }</pre>
 */
final class Stacking {
  private static final Logger LOG = LoggerFactory.getLogger(Stacking.class);
  static final String FOLD = "_stacking_fold";
  static final String TREES = "gbt";
  static final String LINEAR = "logistic_regression";
  /**
   * The linear member's L2 strength when the ladder chose none (it is off, or not joined yet):
   * the middle of the ladder's grid.
   */
  static final double DEFAULT_REG_PARAM = 1e-2;
  private static final String TREES_THREAD = "deepline-stacking-trees";

  private Stacking() {}

  /**
   * The fitted stack.
   *
   * @param trees      the boosted trees fitted on the whole training split
   * @param linear     the logistic regression fitted on the whole training split
   */
  record Fitted(EnsembleSpec spec, BoostedTrees trees, LinearModel linear,
      Map<String, Double> metrics) {}

  /**
   * The training rows with their fold in {@value #FOLD}: a vector's copies together
   * ({@link CrossValidation#withFolds}).
   */
  static Dataset<Row> withFolds(Dataset<Row> trainRows, int folds, long seed) {
    return CrossValidation.withFolds(trainRows, FOLD, folds, seed);
  }

  /**
   * Fails when a row a fold's members are fitted on is also one they predict: the out-of-fold
   * predictions would then be in-sample ones, which flatter the better-fitting member and teach the
   * combiner to trust it too much. {@link #withFolds} gives every row exactly one fold, so
   * {@link #train} does not pay a join per fold for it (its count of predicted rows catches a lost
   * fold); this is the invariant's executable form, which the tests hold fold assignments to.
   */
  static void requireOutOfFold(Dataset<Row> fitted, Dataset<Row> predicted, int fold) {
    long shared = predicted.select(RecordIds.RECORD_ID)
        .join(fitted.select(RecordIds.RECORD_ID), RecordIds.RECORD_ID, "left_semi").count();
    if (shared > 0) {
      throw new IllegalStateException("stacking: fold " + fold + " predicts " + shared
          + " rows its members were fitted on; out-of-fold predictions must be held out");
    }
  }

  /**
   * @param trainRows   the training split as it is (record id, features, label)
   * @param priorOffset the logit offset each fold's network gets (as the main network got)
   * @param ladder      the baseline ladder's rungs: a rung fitted on every row of
   *                    {@code trainRows} is the shipped member as it is, and the logistic
   *                    regression's chosen L2 strength is the linear member's
   */
  static Fitted train(JavaSparkContext spark, Dataset<Row> trainRows, TrainingConfig config,
      NetworkInput input, double[] classWeights, double priorOffset, int epochs, int folds,
      Ensembles.LadderMembers ladder) {
    double regParam = ladder.linear() != null
        ? BaselineLadder.regularisation(ladder.linear().result()) : DEFAULT_REG_PARAM;
    Function<Dataset<Row>, List<SparkFreeModel>> fitOthers = fitRows -> {
      BaselineLadder.StackMembers fitted = BaselineLadder.fitStackMembers(fitRows,
          FeatureTransform.FEATURES, LabelConfig.LABEL, regParam, config.seed(),
          ladder.driverMaxRows());
      return List.of(fitted.trees(), fitted.linear());
    };
    Dataset<Row> rows = withFolds(trainRows, folds, config.seed()).persist();
    // Made here, on the stage's thread, so that the folds' tree jobs carry the run's job group.
    ExecutorService forTrees = Futures.singleDaemonThread(TREES_THREAD);
    try {
      List<MemberScores> heldOut = new ArrayList<>();
      Map<String, Double> metrics = new LinkedHashMap<>();
      long expected = rows.count();
      long predicted = 0;
      for (int fold = 0; fold < folds; fold++) {
        long started = System.nanoTime();
        Dataset<Row> fitRows = rows.where(functions.col(FOLD).notEqual(fold));
        Dataset<Row> foldRows = rows.where(functions.col(FOLD).equalTo(fold));
        heldOut.add(foldPredictions(spark, fitRows, foldRows, config, input, classWeights,
            priorOffset, epochs, fold, forTrees, fitOthers));
        predicted += heldOut.get(fold).labels().length;
        LOG.info(String.format(Locale.ROOT, "stacking: fold %d of %d: %d held-out rows "
            + "predicted in %.1f s", fold + 1, folds, heldOut.get(fold).labels().length,
            (System.nanoTime() - started) / 1e9));
      }
      if (predicted != expected) {
        throw new IllegalStateException("stacking: " + predicted + " out-of-fold predictions for "
            + expected + " training rows; every row must be predicted exactly once");
      }
      MemberScores outOfFold = MemberScores.concatenate(heldOut, heldOut.get(0).members());
      MetaLearner.Fit meta = MetaLearner.fit(logits(outOfFold));
      List<EnsembleSpec.Member> members = List.of(EnsembleSpec.Member.mainNetwork(),
          EnsembleSpec.Member.trees(TREES), EnsembleSpec.Member.linear(LINEAR));
      EnsembleSpec spec = EnsembleSpec.logistic(EnsembleConfig.STACKING, members, meta.weights(),
          meta.intercept());
      for (int m = 0; m < members.size(); m++) {
        metrics.put(outOfFoldRocAuc(members.get(m).name()), outOfFold.member(m).rocAuc());
      }
      metrics.put(Ensembles.OUT_OF_FOLD_STACKED, outOfFold.combined(spec).rocAuc());
      metrics.put(Ensembles.CROSS_FITTED_STACKED, crossFitted(heldOut, members).rocAuc());
      metrics.put("ensemble_combiner_intercept", meta.intercept());
      for (int m = 0; m < members.size(); m++) {
        metrics.put("ensemble_combiner_weight_" + members.get(m).name(), meta.weights().get(m));
      }
      BoostedTrees shipped = (BoostedTrees) shippedMember(ladder.trees(), TREES, metrics,
          () -> BaselineLadder.fitGbt(rows, FeatureTransform.FEATURES, LabelConfig.LABEL,
              config.seed(), ladder.driverMaxRows()));
      LinearModel linear = (LinearModel) shippedMember(ladder.linear(), LINEAR, metrics,
          () -> BaselineLadder.fitLogistic(rows, FeatureTransform.FEATURES, LabelConfig.LABEL,
              regParam, ladder.driverMaxRows()));
      LOG.info(String.format(Locale.ROOT, "stacking: combiner fitted on %d out-of-fold rows: "
          + "p = sigmoid(%.4f + %.4f logit(network) + %.4f logit(gbt) + %.4f "
          + "logit(logistic_regression))", predicted, meta.intercept(), meta.weights().get(0),
          meta.weights().get(1), meta.weights().get(2)));
      return new Fitted(spec, shipped, linear, metrics);
    } finally {
      forTrees.shutdown();
      rows.unpersist();
    }
  }

  /**
   * The shipped member: the ladder's fit of it on every training row when there is one (its fit
   * time is the ladder's, whichever stage paid: for the logistic regression, its whole grid of
   * L2 strengths), else {@code fit} here.
   */
  private static SparkFreeModel shippedMember(Ensembles.LadderRung rung, String name,
      Map<String, Double> metrics, Supplier<SparkFreeModel> fit) {
    boolean reused = rung != null && rung.fittedOnAllRows() != null;
    long started = System.nanoTime();
    SparkFreeModel model = reused ? rung.fittedOnAllRows() : fit.get();
    metrics.put(Ensembles.MEMBER_PREFIX + name + "_fit_seconds", reused
        ? rung.result().fitSeconds() : (System.nanoTime() - started) / 1e9);
    metrics.put(Ensembles.MEMBER_PREFIX + name + "_reused_from_ladder", reused ? 1.0 : 0.0);
    return model;
  }

  /**
   * A network, trees and a logistic regression fitted on {@code fitRows}, each predicting
   * {@code foldRows}. The trees and the logistic regression fit on {@code treesThread} while the
   * network fits on this one: MLlib's boosting is a chain of small Spark jobs that mostly wait on
   * the scheduler, the network's minibatches keep the cores busy, so side by side a fold costs
   * about the longer of the two instead of their sum.
   */
  private static MemberScores foldPredictions(JavaSparkContext spark, Dataset<Row> fitRows,
      Dataset<Row> foldRows, TrainingConfig config, NetworkInput input, double[] classWeights,
      double priorOffset, int epochs, int fold, ExecutorService treesThread,
      Function<Dataset<Row>, List<SparkFreeModel>> fitOthers) {
    TrainingData fit = TrainingData.cache(fitRows, config.workers(), config.seed(),
        "stacking fold " + fold + " fit rows", input.width());
    TrainingData held = null;
    Future<List<SparkFreeModel>> fittingTrees = treesThread.submit(() -> fitOthers.apply(fitRows));
    try {
      MultiLayerNetwork network = MemberTraining.fit(spark, fit,
          config.forMember(config.seed(), epochs), input, classWeights, priorOffset);
      List<SparkFreeModel> others = Futures.join(fittingTrees,
          "stacking fold " + fold + "'s trees and logistic regression");
      held = TrainingData.cache(foldRows, config.workers(), config.seed(),
          "stacking fold " + fold + " held-out rows", input.width());
      return MemberScores.of(spark, held, List.of(network), others);
    } finally {
      // The trees read the fold's rows, which train() unpersists: a network that failed first
      // waits for them to finish.
      Futures.awaitQuietly(fittingTrees);
      fit.release();
      if (held != null) {
        held.release();
      }
    }
  }

  /**
   * The stack's held-out probabilities on every training row: each fold's rows combined by a
   * combiner fitted on the other folds' out-of-fold predictions only. The shipped combiner is
   * fitted on all of them, so its own score on them is in-sample; this one is not, and costs a few
   * Newton fits of a handful of weights.
   */
  static ScoredLabels crossFitted(List<MemberScores> heldOut, List<EnsembleSpec.Member> members) {
    MemberScores all = MemberScores.concatenate(heldOut, members.size());
    float[] probabilities = new float[all.labels().length];
    int offset = 0;
    for (int fold = 0; fold < heldOut.size(); fold++) {
      List<MemberScores> others = new ArrayList<>(heldOut);
      others.remove(fold);
      MetaLearner.Fit meta = MetaLearner.fit(logits(
          MemberScores.concatenate(others, members.size())));
      ScoredLabels foldScores = heldOut.get(fold).combined(EnsembleSpec.logistic(
          EnsembleConfig.STACKING, members, meta.weights(), meta.intercept()));
      for (int row = 0; row < foldScores.count(); row++) {
        probabilities[offset + row] = foldScores.probability(row);
      }
      offset += foldScores.count();
    }
    return new ScoredLabels(probabilities, all.labels());
  }

  /** A member's out-of-fold ROC AUC's run metric: {@code ensemble_out_of_fold_<name>_roc_auc}. */
  static String outOfFoldRocAuc(String member) {
    return "ensemble_out_of_fold_" + member + "_roc_auc";
  }

  /** The combiner's inputs: each row's member logits, and its label. */
  static MetaLearner.Rows logits(MemberScores scores) {
    int rows = scores.labels().length;
    double[][] inputs = new double[rows][scores.members()];
    for (int r = 0; r < rows; r++) {
      for (int m = 0; m < scores.members(); m++) {
        inputs[r][m] = EnsembleSpec.logit(scores.probabilities()[m][r]);
      }
    }
    return new MetaLearner.Rows(inputs, scores.labels());
  }
}
