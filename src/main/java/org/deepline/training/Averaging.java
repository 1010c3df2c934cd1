package org.deepline.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Parameter averaging, epoch by epoch: {@code workers} copies of the network each fit
 * {@code averaging_frequency} minibatches of their own partition of the training split, then their
 * parameters and Adam state are averaged into the network every copy starts the next round from.
 * Two places run the workers ({@code training.workers_on}): Spark tasks on the executors
 * ({@link ParameterAveraging}) or threads of the driver ({@link DriverAveraging}), for a split small
 * enough that a Spark job per round costs more than the round's fitting.
 *
 * <pre>{@code
 * Averaging averaging = Averaging.start(spark, network, config, train);
 * for (int epoch = 1; epoch <= config.epochs(); epoch++) {
 *   Averaging.EpochStats stats = averaging.fitEpoch(train, epoch);
 * }
 * }</pre>
 */
public interface Averaging {
  /** Rows fitted, seconds spent and the training loss reported after the epoch's last round. */
  record EpochStats(long rows, double seconds, double lastLoss) {
    public double rowsPerSecond() {
      return seconds > 0 ? rows / seconds : Double.NaN;
    }
  }

  /** The network the next round starts from: the last round's average. */
  MultiLayerNetwork network();

  /** One pass over {@code train}, round after round. */
  EpochStats fitEpoch(TrainingData train, int epoch);

  /** DL4J's timing breakdown of every round so far, as an HTML page; null when none was kept. */
  byte[] statsPage();

  /** Whether {@code config.workers_on} puts the workers on the driver for {@code train}. */
  static boolean onDriver(JavaSparkContext spark, TrainingConfig config, TrainingData train) {
    return config.workersOnDriver(train.featureBytes(), spark.master().startsWith(LOCAL_MASTER));
  }

  /** How a local master's URL starts ({@code local}, {@code local[2]}, {@code local[*, 4]}). */
  String LOCAL_MASTER = "local";

  /**
   * Averaging from {@code start} where {@code config.workers_on} puts the workers for
   * {@code train}; on the driver, {@code train} is copied there first.
   *
   * @param config resolved: batch size and averaging frequency fixed
   */
  static Averaging start(JavaSparkContext spark, MultiLayerNetwork start, TrainingConfig config,
      TrainingData train) {
    if (onDriver(spark, config, train)) {
      train.keepOnDriver();
      return new DriverAveraging(start, config);
    }
    return new ParameterAveraging(spark, start, config);
  }
}
