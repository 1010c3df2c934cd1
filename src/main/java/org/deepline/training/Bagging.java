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
 * Bagging: {@code members} networks of the run's configuration, each trained on its own bootstrap
 * sample of the training split (rows drawn with replacement, as many as the split has on average;
 * seeded from {@code training.seed} and the member's number) and with its own weight
 * initialisation, for the main network's best epoch count; the ensemble's probability is their
 * mean. Averaging members that err differently lowers the variance of the prediction, which is
 * what a small tabular network trained on a few thousand rows has most of.
 *
 * <pre>{@code
 * Bagging.Members bag = Bagging.train(spark, trainRows, resolved, input, weights, offset,
 *     bestEpoch, 5);
 * }</pre>
 */
final class Bagging {
  private static final Logger LOG = LoggerFactory.getLogger(Bagging.class);
  /** Bootstrap samples are as large as the split on average. */
  private static final double BOOTSTRAP_FRACTION = 1.0;
  /** Mixes the member's number into the run's seed: members' samples and weights differ. */
  private static final long MEMBER_SALT = 0x9e3779b97f4a7c15L;

  private Bagging() {}

  /** The bootstrap networks, in member order, and each one's fit time. */
  record Members(List<MultiLayerNetwork> networks, Map<String, Double> metrics) {}

  /** Member {@code number}'s name in the ensemble and its files. */
  static String memberName(int number) {
    return "bag_" + number;
  }

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
      NetworkInput input, double[] classWeights, double priorOffset, int epochs, int members) {
    List<MultiLayerNetwork> networks = new ArrayList<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int number = 1; number <= members; number++) {
      long started = System.nanoTime();
      long seed = memberSeed(config.seed(), number);
      TrainingData sample = TrainingData.cache(
          trainRows.sample(true, BOOTSTRAP_FRACTION, seed), config.workers(), seed,
          "bootstrap sample " + number, input.width());
      try {
        networks.add(MemberTraining.fit(spark, sample, config.forMember(seed, epochs), input,
            classWeights, priorOffset));
      } finally {
        sample.release();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      metrics.put(Ensembles.MEMBER_PREFIX + memberName(number) + "_fit_seconds", seconds);
      LOG.info(String.format(Locale.ROOT, "bagging: member %d of %d trained on %s for %d "
          + "epochs in %.1f s", number, members, sample, epochs, seconds));
    }
    return new Members(networks, metrics);
  }
}
