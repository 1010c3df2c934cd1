package org.deepline.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Waiting for work another thread does for a stage (the baseline ladder's fits, the averaging
 * workers, stacking's trees), with its failure rethrown as it was thrown. Why one helper: the
 * caller should see the fit's own exception (a {@link DeeplineException} naming the input, an
 * out-of-memory error), not an {@link ExecutionException} wrapping it, and an interrupt must stay
 * visible to the caller's caller.
 *
 * <pre>{@code
 * BoostedTrees trees = Futures.join(fittingTrees, "the fold's boosted trees");
 * }</pre>
 */
public final class Futures {
  private Futures() {}

  /**
   * The future's value once it is done.
   *
   * @param what names the work in the messages: "interrupted while waiting for {@code what}",
   *             "{@code what} failed" (a checked cause, which the work's signature hid)
   * @throws java.util.concurrent.CancellationException as it is, for a future cancelled before
   *             it ran: the canceller knows why
   */
  public static <T> T join(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(what + " failed", e.getCause());
    }
  }

  /**
   * Waits for work that may still be running when its outcome is someone else's news (the caller
   * is already failing, or {@link #join} reported it): so that cached data the work reads is not
   * released under it. An interrupt ends the wait and stays set.
   */
  public static void awaitQuietly(Future<?> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | CancellationException e) {
      // Reported elsewhere, or outweighed by the failure the caller is handling.
    }
  }

  /**
   * One daemon thread named {@code name} for a stage's background work. Create it on the stage's
   * thread: Spark's local properties (the run's job group and description) pass to a thread when it
   * is created, so its jobs then show as the stage's in the Spark UI and in progress lines.
   */
  public static ExecutorService singleDaemonThread(String name) {
    return Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
  }
}
