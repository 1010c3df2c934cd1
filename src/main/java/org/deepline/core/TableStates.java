package org.deepline.core;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the Delta state of tables a run will replace dates in, on a thread of its own, while the
 * run's first stages work on others. Why: in a new JVM, Delta rebuilds each table's state from its
 * log the first time a write needs it (the files of the date it replaces, and the file count a
 * {@code replaceWhere} reports), two Spark jobs and about 0.3 s of planning a table on the
 * driver's one busy thread; a nightly re-run of a pipeline replaces dates in ten tables. Delta
 * keeps the state with the table's latest snapshot, so the stage that writes the table later
 * finds it built, as long as nothing committed to the table in between (then it rebuilds, as it
 * would have).
 *
 * <p>Only an optimisation: a table that cannot be loaded here is left to the stage that uses it,
 * which reports what is wrong with it.
 *
 * <pre>{@code
 * try (TableStates states = TableStates.loadInBackground(spark, List.of(splitsPath, featuresPath))) {
 *   ... run the stages ...
 * }
 * }</pre>
 */
public final class TableStates implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TableStates.class);

  private final ExecutorService thread;
  private final AtomicBoolean closed;
  private final Future<?> loading;

  private TableStates(ExecutorService thread, AtomicBoolean closed, Future<?> loading) {
    this.thread = thread;
    this.closed = closed;
    this.loading = loading;
  }

  /**
   * Starts loading the state of every table of {@code paths} that exists, in that order. Start it
   * on the run's thread: the loading's Spark jobs then carry the run's job group.
   */
  public static TableStates loadInBackground(SparkSession spark, List<String> paths) {
    return inBackground(paths, path -> load(spark, path));
  }

  /** Runs {@code loader} on each path in turn on the thread, until closed. */
  static TableStates inBackground(List<String> paths, Consumer<String> loader) {
    ExecutorService thread = Futures.singleDaemonThread("deepline-table-states");
    AtomicBoolean closed = new AtomicBoolean();
    Future<?> loading = thread.submit(() -> {
      for (String path : paths) {
        if (closed.get()) {
          return;
        }
        loader.accept(path);
      }
    });
    return new TableStates(thread, closed, loading);
  }

  /** The table's latest snapshot with its state built, or nothing when there is no table. */
  static void load(SparkSession spark, String path) {
    try {
      if (!DeltaTables.exists(spark, path)) {
        return;
      }
      Snapshot snapshot = DeltaTables.currentSnapshot(DeltaLog.forTable(spark, path));
      // The file count a replaceWhere's delete reports comes from the state Delta builds and
      // keeps for the snapshot; the files of the replaced date are then a filter of that state.
      snapshot.numOfFiles();
    } catch (Exception e) {
      // Spark's failures are checked exceptions (SparkException) that Scala throws undeclared.
      LOG.debug("table state of {} not loaded ahead; its stage will load it", path, e);
    }
  }

  /** Waits until every table is loaded (or skipped): for a caller that needs them all. */
  void awaitLoaded() {
    Futures.awaitQuietly(loading);
  }

  /** No table after the one being loaded is loaded. */
  void stop() {
    closed.set(true);
  }

  /**
   * Stops the loading after the table it is at and waits for that one, so that no job of it
   * outlives the run (a run that fails early does not wait for every table).
   */
  @Override
  public void close() {
    stop();
    awaitLoaded();
    thread.shutdown();
  }
}
