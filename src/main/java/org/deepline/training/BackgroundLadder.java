package org.deepline.training;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.BaselineLadder;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.StratifiedSplitter;

/**
 * The baseline ladder, fitting on a thread of its own while the network trains.
 *
 * <p>Why: the two share nothing but the features table, and on a small data set both are mostly
 * Spark's fixed cost per job (scheduling, task serialization, the driver planning the next
 * iteration) rather than work; run one after the other they leave the second core idle most of
 * the time. The churn pipeline's {@code train} spent 11 s on the network and then 14 s on the ladder.
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
  private final Future<List<BaselineLadder.Fitted>> fitted;

  private BackgroundLadder(ExecutorService thread, Future<List<BaselineLadder.Fitted>> fitted) {
    this.thread = thread;
    this.fitted = fitted;
  }

  /**
   * Starts fitting the ladder on the train rows of {@code features}, judged on its validation rows.
   *
   * @param trainRows the train rows before any resampling, which the ladder never sees
   */
  static BackgroundLadder start(Dataset<Row> features, long trainRows, BaselineConfig config,
      long seed) {
    ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
      Thread ladder = new Thread(task, THREAD_NAME);
      ladder.setDaemon(true);
      return ladder;
    });
    Future<List<BaselineLadder.Fitted>> fitted = thread.submit(() -> BaselineLadder.fitAll(
        split(features, StratifiedSplitter.TRAIN), split(features, StratifiedSplitter.VALIDATION),
        FeatureTransform.FEATURES, LabelConfig.LABEL, trainRows, config, seed));
    return new BackgroundLadder(thread, fitted);
  }

  /** Waits for the ladder; its failure is rethrown as it was thrown. */
  List<BaselineLadder.Fitted> fitted() {
    try {
      return fitted.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the baseline ladder was fitting", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("the baseline ladder failed", e.getCause());
    }
  }

  /**
   * Waits for a ladder still fitting (the network's training failed first) so that no job of this
   * stage outlives it, and ends the thread. A ladder failure here is the lesser news and is dropped.
   */
  @Override
  public void close() {
    try {
      if (!fitted.isDone()) {
        fitted.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // The stage is already failing for the reason the caller is throwing.
    } finally {
      thread.shutdown();
    }
  }

  private static Dataset<Row> split(Dataset<Row> features, String split) {
    return features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split));
  }
}
