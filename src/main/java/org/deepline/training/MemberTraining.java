package org.deepline.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;

/**
 * One ensemble member network trained with the public building blocks: the run's network
 * configuration ({@link NetworkFactory}), parameter averaging ({@link Averaging#fitEpoch})
 * for a fixed number of epochs (the main network's best epoch: early stopping already chose it on
 * validation, and a member has no validation rows of its own), then the main network's prior
 * correction.
 *
 * <pre>{@code
 * MultiLayerNetwork member = MemberTraining.fit(spark, sample, config.forMember(7, 6), input,
 *     weights, offset);
 * }</pre>
 */
final class MemberTraining {
  private MemberTraining() {}

  /**
   * @param config      the resolved config (batch size, averaging frequency fixed) with the
   *                    member's seed and epochs ({@link TrainingConfig#forMember}): all of them are
   *                    fitted (no early stopping)
   * @param priorOffset the logit offset added to the output bias afterwards (0: none)
   */
  static MultiLayerNetwork fit(JavaSparkContext spark, TrainingData rows, TrainingConfig config,
      NetworkInput input, double[] classWeights, double priorOffset) {
    MultiLayerNetwork start = new MultiLayerNetwork(
        NetworkFactory.binaryClassifier(config, input, classWeights));
    start.init();
    Averaging averaging = Averaging.start(spark, start, config, rows);
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      Averaging.EpochStats stats = averaging.fitEpoch(rows, epoch);
      if (!Double.isFinite(stats.lastLoss())) {
        throw new DeeplineException(Failure.MODEL_GATE, "train: an ensemble member's training "
            + "loss became " + stats.lastLoss() + " in epoch " + epoch + " (" + rows + "); lower "
            + "training.learning_rate (now " + config.learningRate() + ")");
      }
    }
    MultiLayerNetwork member = averaging.network().clone();
    PriorCorrection.apply(member, priorOffset);
    return member;
  }
}
