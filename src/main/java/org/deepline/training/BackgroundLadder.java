package org.deepline.training;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.BaselineLadder;
import org.deepline.core.Futures;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.StratifiedSplitter;

/**
 * The baseline ladder, fitting on a thread of its own while the network trains, and on the stage's
 * thread too once the network is done.
 *
 * <p>Why: the two share nothing but the features table, and on a small data set both are mostly
 * Spark's fixed cost per job (scheduling, task serialization, the driver planning the next
 * iteration) rather than work; run one after the other they leave the second core idle most of
 * the time. The churn pipeline's {@code train} spent 11 s on the network and then 14 s on the ladder;
 * beside each other, the ladder still ran 8 s after the network ended, while the stage's thread
 * waited. So {@link #fitted} takes the ladder's fits not started yet ({@link BaselineLadder.Fits}).
 * The thread is created by {@link #start}, so it inherits the stage's Spark job group and
 * description: its jobs show as the train run's in the Spark UI and in progress lines.
 *
 * <pre>{@code
 * try (BackgroundLadder ladder = BackgroundLadder.start(features, trainRows, config, seed)) {
 *   Training network = trainNetwork();
 *   compare(network, ladder.fitted());
 * }
 * }</pre>
 */
final class BackgroundLadder implements AutoCloseable {
  private static final String THREAD_NAME = "deepline-baseline-ladder";

  private final ExecutorService thread;
  private final BaselineLadder.Fits fits;
  private final Future<?> working;

  private BackgroundLadder(ExecutorService thread, BaselineLadder.Fits fits, Future<?> working) {
    this.thread = thread;
    this.fits = fits;
    this.working = working;
  }

  /**
   * Starts fitting the ladder on the train rows of {@code features}, judged on its validation rows.
   *
   * @param trainRows the train rows before any resampling, which the ladder never sees
   */
  static BackgroundLadder start(Dataset<Row> features, long trainRows, BaselineConfig config,
      long seed) {
    // The fits first: when they cannot be prepared, no thread is left behind.
    BaselineLadder.Fits fits = BaselineLadder.prepare(
        split(features, StratifiedSplitter.TRAIN), split(features, StratifiedSplitter.VALIDATION),
        FeatureTransform.FEATURES, LabelConfig.LABEL, trainRows, config, seed);
    ExecutorService thread = Futures.singleDaemonThread(THREAD_NAME);
    return new BackgroundLadder(thread, fits, thread.submit(fits::work));
  }

  /**
   * The ladder's fits: the calling thread runs those not started yet, then waits for the one the
   * ladder's thread is running. A fit's failure is rethrown as it was thrown.
   */
  List<BaselineLadder.Fitted> fitted() {
    return fits.results();
  }

  /**
   * Drops the fits not started yet (the network's training failed first), waits for the one the
   * ladder's thread is running so that no job of this stage outlives it, and ends the thread. A
   * ladder failure here is the lesser news and is dropped.
   */
  @Override
  public void close() {
    fits.dropWaiting();
    try {
      working.get();
      // Released only once no fit can be reading them.
      fits.close();
    } catch (InterruptedException e) {
      // The ladder's thread may still be fitting on the cached rows: they stay cached (Spark drops
      // them with the session) rather than vanish under a running fit.
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // Each fit keeps its own failure in its task; working through them throws nothing.
      fits.close();
    } finally {
      thread.shutdown();
    }
  }

  private static Dataset<Row> split(Dataset<Row> features, String split) {
    return features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split));
  }
}
