package org.deepline.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Networks averaged: {@code members} networks of the run's configuration, each with its own weight
 * initialisation, row order and dropout (seeded from {@code training.seed} and the member's
 * number), trained for the main network's best epoch count; the ensemble's probability is their
 * mean. Averaging members that err differently lowers the variance of the prediction, which is
 * what a small tabular network trained on a few thousand rows has most of. Two kinds:
 *
 * <ul>
 *   <li>{@link Kind#BAGGING}: each member learns from its own bootstrap sample of the training
 *       split (rows drawn with replacement, as many as the split has on average);</li>
 *   <li>{@link Kind#DEEP_ENSEMBLE}: each member learns from the whole training split, so the
 *       seeds alone make them differ (Lakshminarayanan et al., 2017). Each member is then as good
 *       as the main network, where a bootstrap member sees about 63 % of the distinct rows: on
 *       Telco churn and the credit sample the mean of 5 scored 0.849 and 0.841 test ROC AUC
 *       against bagging's 0.845 and 0.838 and one network's 0.843 and 0.832.</li>
 * </ul>
 *
 * <pre>{@code
 * Bagging.Members bag = Bagging.train(spark, trainRows, resolved, input, weights, offset,
 *     bestEpoch, 5, Bagging.Kind.DEEP_ENSEMBLE);
 * }</pre>
 */
final class Bagging {
  private static final Logger LOG = LoggerFactory.getLogger(Bagging.class);
  /** Bootstrap samples are as large as the split on average. */
  private static final double BOOTSTRAP_FRACTION = 1.0;
  /** Mixes the member's number into the run's seed: members' samples and weights differ. */
  private static final long MEMBER_SALT = 0x9e3779b97f4a7c15L;

  private Bagging() {}

  /** What each member learns from, and how members are named in the ensemble and its files. */
  enum Kind {
    BAGGING(EnsembleConfig.BAGGING, "bag_"),
    DEEP_ENSEMBLE(EnsembleConfig.DEEP_ENSEMBLE, "seed_");

    private final String method;
    private final String memberPrefix;

    Kind(String method, String memberPrefix) {
      this.method = method;
      this.memberPrefix = memberPrefix;
    }

    /** The {@code training.ensemble.method} that builds this kind. */
    String method() {
      return method;
    }

    /** Member {@code number}'s name (1-based), e.g. {@code bag_1} or {@code seed_1}. */
    String memberName(int number) {
      return memberPrefix + number;
    }

    static Kind of(String method) {
      return switch (method) {
        case EnsembleConfig.BAGGING -> BAGGING;
        case EnsembleConfig.DEEP_ENSEMBLE -> DEEP_ENSEMBLE;
        default -> throw new IllegalArgumentException(method + " averages no networks");
      };
    }
  }

  /** The member networks, in member order, and each one's fit time. */
  record Members(List<MultiLayerNetwork> networks, Map<String, Double> metrics) {}

  /** Member {@code number}'s seed (1-based): its bootstrap sample, weight init and row order. */
  static long memberSeed(long seed, int number) {
    return seed ^ (MEMBER_SALT * number);
  }

  /**
   * @param trainRows   the training split's rows as they are (no resampling)
   * @param config      the main network's resolved config
   * @param priorOffset the logit offset each member's output gets (the class weights' correction)
   */
  static Members train(JavaSparkContext spark, Dataset<Row> trainRows, TrainingConfig config,
      NetworkInput input, double[] classWeights, double priorOffset, int epochs, int members,
      Kind kind) {
    List<MultiLayerNetwork> networks = new ArrayList<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int number = 1; number <= members; number++) {
      long started = System.nanoTime();
      long seed = memberSeed(config.seed(), number);
      TrainingData sample = kind == Kind.BAGGING
          ? TrainingData.cache(trainRows.sample(true, BOOTSTRAP_FRACTION, seed), config.workers(),
              seed, "bootstrap sample " + number, input.width())
          : TrainingData.cache(trainRows, config.workers(), seed, "training split", input.width());
      try {
        networks.add(MemberTraining.fit(spark, sample, config.forMember(seed, epochs), input,
            classWeights, priorOffset));
      } finally {
        sample.release();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      metrics.put(Ensembles.MEMBER_PREFIX + kind.memberName(number) + "_fit_seconds", seconds);
      LOG.info(String.format(Locale.ROOT, "%s: member %d of %d trained on %s for %d "
          + "epochs in %.1f s", kind.method(), number, members, sample, epochs, seconds));
    }
    return new Members(networks, metrics);
  }
}
