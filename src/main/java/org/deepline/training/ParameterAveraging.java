package org.deepline.training;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deepline.core.ProgressNotes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's parameter averaging ({@link ParameterAveragingTrainingMaster}) driven one averaging round at a
 * time over cached {@link TrainingData}: each round hands every worker exactly
 * {@code batch_size_per_worker * averaging_frequency} rows of its own partition, already cut into
 * minibatches, and averages the workers' parameters and Adam state afterwards.
 *
 * <p>The master's settings follow from that. Each round enters DL4J's averaging step directly
 * ({@link RoundMaster}): no export of DataSets to files (DL4J's default {@code Export} approach wrote
 * 1.9 GB and took most of the time on 2 M rows), no count and random split of the input, no
 * repartitioning (the data already is one partition per worker; DL4J's balanced repartition would
 * shuffle it every round) and no storage level (a round's minibatches are cheap to rebuild from the
 * cached rows; cached DataSets would pin off-heap memory Spark does not account for). And
 * {@code saveUpdater(true)}, without which every round restarts Adam's moments from zero.
 *
 * <pre>{@code
 * ParameterAveraging averaging = new ParameterAveraging(spark, network, config);
 * for (int epoch = 1; epoch <= config.epochs(); epoch++) {
 *   Averaging.EpochStats stats = averaging.fitEpoch(train, epoch);
 *   double auc = validation.score(spark, averaging.network()).rocAuc();
 * }
 * }</pre>
 */
public final class ParameterAveraging implements Averaging {
  /**
   * No asynchronous prefetch on workers: minibatches are built in memory from cached arrays, so there
   * is no I/O to hide.
   */
  private static final int PREFETCH_BATCHES = 0;

  private final SparkDl4jMultiLayer sparkNet;
  private final RoundMaster master;
  private final TrainingConfig config;

  public ParameterAveraging(JavaSparkContext spark, MultiLayerNetwork start, TrainingConfig config) {
    this.config = config;
    ParameterAveragingTrainingMaster.Builder settings = new ParameterAveragingTrainingMaster.Builder(
        config.workers(), config.batchSizePerWorker())
        .batchSizePerWorker(config.batchSizePerWorker())
        .averagingFrequency(config.averagingFrequency())
        .workerPrefetchNumBatches(PREFETCH_BATCHES)
        .rngSeed(config.seed())
        .saveUpdater(true)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .repartionData(Repartition.Never)
        .storageLevel(null)
        .collectTrainingStats(config.collectStats());
    this.master = new RoundMaster(settings);
    this.sparkNet = new SparkDl4jMultiLayer(spark, start, master);
  }

  /** DL4J's timing breakdown of every round so far, as an HTML page; null unless collect_stats. */
  @Override
  public byte[] statsPage() {
    SparkTrainingStats stats = sparkNet.getSparkTrainingStats();
    if (stats == null) {
      return null;
    }
    ByteArrayOutputStream page = new ByteArrayOutputStream();
    try {
      StatsUtils.exportStatsAsHTML(stats, page);
    } catch (Exception e) {
      throw new IllegalStateException("DL4J could not render its training stats", e);
    }
    return page.toByteArray();
  }

  @Override
  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }

  @Override
  public EpochStats fitEpoch(TrainingData train, int epoch) {
    int rowsPerWorker = config.batchSizePerWorker() * config.averagingFrequency();
    int rounds = train.roundsPerEpoch(rowsPerWorker);
    EpochProgress progress = new EpochProgress(train.rows(), epoch, rounds);
    // Workers receive the configuration with every round; its epoch count drives the learning rate
    // schedule, and DL4J's master never advances it.
    network().getLayerWiseConfigurations().setEpochCount(epoch - 1);
    for (int round = 0; round < rounds; round++) {
      // Each round's jobs carry where training is, for the progress display; the loss is DL4J's
      // after the previous round (NaN before the first).
      ProgressNotes.set(sparkNet.getSparkContext().sc(), ProgressNotes.POSITION,
          String.format(Locale.ROOT, "epoch %d/%d batch %d/%d loss %.4f", epoch, config.epochs(),
              round + 1, rounds, sparkNet.getScore()));
      // The master directly, not sparkNet.fit: that also advances the network's epoch count.
      master.executeTraining(sparkNet,
          train.round(epoch, round, rowsPerWorker, config.batchSizePerWorker()));
      progress.roundDone(round, sparkNet.getScore());
    }
    return new EpochStats(train.rows(), progress.seconds(), sparkNet.getScore());
  }

  /**
   * DL4J's master for input that already is one averaging round: one partition per worker holding
   * exactly that worker's minibatches. DL4J's own entry point first counts the RDD (a Spark job that
   * builds every minibatch only to drop it, measured at 20-50 ms a round) to split it into rounds; here
   * the round goes straight to DL4J's worker function and averaging ({@code doIteration}).
   */
  private static final class RoundMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;
    private int rounds;

    RoundMaster(ParameterAveragingTrainingMaster.Builder settings) {
      super(settings);
    }

    @Override
    public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> round) {
      rounds++;
      doIteration(network, round, rounds, rounds);
    }
  }
}
