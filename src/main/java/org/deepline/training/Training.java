package org.deepline.training;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.metrics.MulticlassScores;
import org.deepline.metrics.RegressionScores;
import org.deepline.metrics.ScoredLabels;

/**
 * What an {@link EpochLoop} trained: every epoch's metrics and the best epoch's network and its
 * validation scores.
 *
 * @param statsPage       DL4J's timing breakdown as an HTML page; null unless {@code collect_stats}
 * @param layerStatistics every layer's {@link LayerStatistics} after every epoch this loop trained
 *                        (not those of a checkpoint it resumed from)
 * @param bestNumberScores a regression label's best epoch's validation numbers, standardised as
 *                        the network learnt them; null for a class label
 * @param workersOnDriver whether the workers ran as driver threads ({@link DriverAveraging}) rather
 *                        than Spark tasks ({@code training.workers_on})
 */
record Training(MultiLayerNetwork network, List<EpochMetrics> epochs, int bestEpoch,
    ScoredLabels bestScores, byte[] statsPage, List<LayerStatistics.Layer> layerStatistics,
    boolean workersOnDriver, MulticlassScores bestClassScores,
    RegressionScores bestNumberScores) {

  /** A 0/1 or multi-class label's training ({@code bestClassScores} the latter's). */
  Training(MultiLayerNetwork network, List<EpochMetrics> epochs, int bestEpoch,
      ScoredLabels bestScores, byte[] statsPage, List<LayerStatistics.Layer> layerStatistics,
      boolean workersOnDriver, MulticlassScores bestClassScores) {
    this(network, epochs, bestEpoch, bestScores, statsPage, layerStatistics, workersOnDriver,
        bestClassScores, null);
  }

  /** A 0/1 label's training: {@code bestScores} its best epoch's validation scores. */
  Training(MultiLayerNetwork network, List<EpochMetrics> epochs, int bestEpoch,
      ScoredLabels bestScores, byte[] statsPage, List<LayerStatistics.Layer> layerStatistics,
      boolean workersOnDriver) {
    this(network, epochs, bestEpoch, bestScores, statsPage, layerStatistics, workersOnDriver,
        null);
  }

  /**
   * This training with {@code scores} as its best epoch's validation scores: after a change to the
   * network's output layer (prior correction, calibration) that moved its probabilities.
   */
  Training withBestScores(ScoredLabels scores) {
    return new Training(network, epochs, bestEpoch, scores, statsPage, layerStatistics,
        workersOnDriver);
  }
}
