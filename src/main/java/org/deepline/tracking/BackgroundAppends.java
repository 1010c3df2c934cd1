package org.deepline.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.deepline.core.Futures;

/**
 * Run records appended to the runs table on a thread of their own, in the order they are handed
 * over: what {@link RunRecorder#appendingInBackground} records a pipeline's stages with. Used by
 * one thread, and not after {@link #close}.
 *
 * <pre>{@code
 * BackgroundAppends appends = new BackgroundAppends(registry);
 * appends.append(record, () -> {}); // returns at once
 * appends.close();                  // every record is committed, or the first failure thrown
 * }</pre>
 */
final class BackgroundAppends implements AutoCloseable {
  private static final String THREAD = "deepline-run-records";

  private final RunRegistry registry;
  private final ExecutorService thread = Futures.singleDaemonThread(THREAD);
  private final List<Future<?>> appending = new ArrayList<>();

  BackgroundAppends(RunRegistry registry) {
    this.registry = registry;
  }

  /**
   * Hands {@code record} to the appending thread, which runs {@code beforeAppend} first (to put
   * the stage's Spark job group on it).
   */
  void append(RunRecord record, Runnable beforeAppend) {
    appending.add(thread.submit(() -> {
      beforeAppend.run();
      try {
        registry.append(record);
      } catch (Exception e) {
        // Also what Delta throws unchecked from Scala (an IOException of the file system).
        throw new IllegalStateException("cannot append the " + record.command() + " run "
            + record.runId() + " to the runs table " + registry.path(), e);
      }
    }));
  }

  /**
   * Rethrows an append that already failed, so that a pipeline stops before its next stage (at
   * most the stage already running finishes first).
   */
  void requireAppendsSoFar() {
    if (thread.isShutdown()) {
      throw new IllegalStateException("this recorder was closed; run stages before close()");
    }
    for (Future<?> append : appending) {
      if (append.isDone()) {
        Futures.join(append, "appending a run record");
      }
    }
  }

  /**
   * Waits for every record still being appended (an interrupt does not cut the wait short: a
   * record left half-way would be lost; the interrupt stays set), then stops the thread; the first
   * failed append is rethrown, later ones suppressed on it (and the whole added to a failure
   * already propagating, when closed by try-with-resources).
   */
  @Override
  public void close() {
    if (thread.isShutdown()) {
      return;
    }
    thread.shutdown();
    boolean interrupted = false;
    Throwable failed = null;
    for (Future<?> append : appending) {
      while (true) {
        try {
          append.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (failed == null) {
            failed = e.getCause();
          } else {
            failed.addSuppressed(e.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    rethrow(failed);
  }

  private static void rethrow(Throwable failed) {
    if (failed instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failed instanceof Error error) {
      throw error;
    }
    if (failed != null) {
      throw new IllegalStateException("appending a run record failed", failed);
    }
  }
}
