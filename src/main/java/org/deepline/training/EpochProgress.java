package org.deepline.training;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress line of a long epoch, wherever its rounds run: at most one every
 * {@value #INTERVAL_MS} ms, with the share done, the rate, the last loss and when the epoch ends.
 */
final class EpochProgress {
  private static final Logger LOG = LoggerFactory.getLogger(EpochProgress.class);
  /** A progress line at most this often during an epoch. */
  static final long INTERVAL_MS = 10_000;

  private final long trainRows;
  private final int epoch;
  private final int rounds;
  private final long started = System.nanoTime();
  private long lastReport = System.currentTimeMillis();

  EpochProgress(long trainRows, int epoch, int rounds) {
    this.trainRows = trainRows;
    this.epoch = epoch;
    this.rounds = rounds;
  }

  /** Round {@code round} (from 0) is done and the workers' mean loss was {@code loss}. */
  void roundDone(int round, double loss) {
    long now = System.currentTimeMillis();
    if (now - lastReport < INTERVAL_MS || round + 1 >= rounds) {
      return;
    }
    lastReport = now;
    double seconds = seconds();
    double done = (round + 1) / (double) rounds;
    long rows = Math.round(trainRows * done);
    LOG.info(String.format(Locale.ROOT, "epoch %d: %.0f%% (%d of %d rows), %.0f rows/s, "
        + "training loss %.4f, epoch ends in %.0f s", epoch, 100 * done, rows, trainRows,
        rows / seconds, loss, seconds / done - seconds));
  }

  /** Seconds since the epoch started. */
  double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
