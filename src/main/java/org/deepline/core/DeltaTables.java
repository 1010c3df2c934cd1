package org.deepline.core;

import io.delta.tables.DeltaTable;
import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaHistoryManager;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.VersionChecksum;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.Action$;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.util.FileNames;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The Delta reads and writes every stage shares. All writes of a daily stage replace the slice of its
 * run date ({@code replaceWhere}) in one atomic commit, so re-running a job for the same date replaces
 * its output instead of duplicating it, and a failed run leaves the table as it was.
 */
public final class DeltaTables {
  public static final String RUN_DATE = "run_date";
  /** The operation metric of a Delta write commit that counts the rows it wrote. */
  private static final String NUM_OUTPUT_ROWS = "numOutputRows";
  /** The operation metric of a Delta write commit that counts the data files it added. */
  private static final String NUM_FILES = "numFiles";
  private static final String NO_FILES = "0";
  /** The version of a table that does not exist yet. */
  private static final long NO_VERSION = -1;
  /** The table property naming the columns Delta keeps per-file statistics of. */
  public static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";
  /**
   * The table property saying how many leading columns Delta keeps per-file statistics of; 0 keeps
   * only each file's row count.
   */
  public static final String STATS_COLUMN_COUNT = "delta.dataSkippingNumIndexedCols";

  private DeltaTables() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new DeeplineException("no Delta table at " + path
          + " (run the stage that writes it first)");
    }
    return spark.read().format("delta").load(path);
  }

  /**
   * The rows of one run date as of the table's version in {@code table}: what a run reads is exactly
   * what its run record says it read, even if another job commits to the table meanwhile.
   */
  public static Dataset<Row> slice(SparkSession spark, TableRef table, String runDate) {
    return spark.read().format("delta").option("versionAsOf", table.version()).load(table.path())
        .where(functions.col(RUN_DATE).equalTo(functions.lit(runDate).cast("date")));
  }

  /**
   * {@link #slice}, failing with the table's path when the run date has no rows. Usually answered
   * from the log alone ({@link #versionAddedRowsTo}): a query asking the same costs Delta's file
   * listing, a Spark job and about 0.1 s of planning, and every stage of a pipeline asks once or
   * twice.
   */
  public static Dataset<Row> nonEmptySlice(SparkSession spark, TableRef table, String runDate) {
    return nonEmptySlice(spark, table, runDate, null);
  }

  /**
   * {@link #nonEmptySlice(SparkSession, TableRef, String)}, its error naming {@code writtenBy}, the
   * command that writes the table ({@code score} for predictions), when known.
   */
  public static Dataset<Row> nonEmptySlice(SparkSession spark, TableRef table, String runDate,
      String writtenBy) {
    Dataset<Row> slice = slice(spark, table, runDate);
    if (!versionAddedRowsTo(spark, table, runDate) && slice.isEmpty()) {
      // A nightly score of a date whose ingest has not run yet lands here (found by a sweep).
      throw new DeeplineException("table " + table.path() + " has no rows for run_date " + runDate
          + (writtenBy == null ? " (run the stage that writes it for that date first, e.g. "
              + "ingest --run-date " + runDate + " before score)"
              : " (run " + writtenBy + " --run-date " + runDate + " first)"));
    }
    return slice;
  }

  /**
   * Whether the commit that made {@code table}'s version added a file with rows to the run date's
   * partition, read from that one commit file. True means the slice has rows at that version (a
   * file added by a commit is live in the version it makes); false means only that this commit
   * does not say (another date's write, a commit without row counts, a log cleaned up, a table not
   * partitioned by run date), and the caller asks the data.
   */
  static boolean versionAddedRowsTo(SparkSession spark, TableRef table, String runDate) {
    DeltaLog log = DeltaLog.forTable(spark, table.path());
    org.apache.hadoop.fs.Path commitFile = FileNames.unsafeDeltaFile(log.logPath(), table.version());
    scala.collection.Seq<String> lines;
    try {
      lines = log.store().read(commitFile, log.newDeltaHadoopConf());
    } catch (Exception e) {
      if (isFileNotFound(e)) {
        // Cleaned up after the log's retention, or kept elsewhere until published: ask the data.
        return false;
      }
      throw e;
    }
    for (String line : JavaConverters.seqAsJavaList(lines)) {
      // An action this Delta does not know (a newer writer's) reads as null.
      Action action = Action$.MODULE$.fromJson(line);
      AddFile added = action == null ? null : action.wrap().add();
      if (added != null && runDate.equals(added.partitionValues().get(RUN_DATE).getOrElse(() -> null))
          && added.numLogicalRecords().exists(records -> (Long) records > 0)) {
        return true;
      }
    }
    return false;
  }

  public static long latestVersion(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      throw new DeeplineException("no Delta table at " + path
          + " (run the stage that writes it first)");
    }
    return currentSnapshot(DeltaLog.forTable(spark, path)).version();
  }

  /** The log's snapshot after listing it for commits this JVM has not seen. */
  static Snapshot currentSnapshot(DeltaLog log) {
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
  }

  /**
   * One commit of a table's log: its version, Delta's operation metrics (empty when Delta kept
   * none) and the user metadata it was committed with.
   */
  public record Commit(long version, Map<String, String> operationMetrics,
      Optional<String> userMetadata) {}

  /**
   * The table's latest {@code limit} commits, newest first, each read from its commit file in the
   * log: {@code DeltaTable.history(limit)} builds a DataFrame of them and runs a Spark job for
   * each call, about 100 ms on the driver, and a churn pipeline asked 32 times.
   */
  public static List<Commit> lastCommits(SparkSession spark, String path, int limit) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    long latest = currentSnapshot(log).version();
    Configuration hadoopConf = log.newDeltaHadoopConf();
    List<Commit> commits = new ArrayList<>();
    for (long version = latest; version >= 0 && version > latest - limit; version--) {
      Option<CommitInfo> info = commitInfo(log, version, hadoopConf);
      if (info.isEmpty() && version == latest) {
        // Not where a published commit lives (a table with coordinated commits keeps its newest
        // ones elsewhere until they are published): Delta's own history finds it.
        return historyOf(spark, path, limit);
      }
      if (info.isEmpty()) {
        // Cleaned up after the log's retention (a checkpoint holds the table's state), as
        // history() leaves it out.
        continue;
      }
      Map<String, String> metrics = info.get().operationMetrics().isDefined()
          ? Map.copyOf(JavaConverters.mapAsJavaMap(info.get().operationMetrics().get()))
          : Map.of();
      Optional<String> userMetadata = info.get().userMetadata().isDefined()
          ? Optional.of(info.get().userMetadata().get()) : Optional.empty();
      commits.add(new Commit(version, metrics, userMetadata));
    }
    return commits;
  }

  /** A commit's information; empty when its file is not there (or holds none). */
  private static Option<CommitInfo> commitInfo(DeltaLog log, long version,
      Configuration hadoopConf) {
    try {
      return DeltaHistoryManager.getCommitInfoOpt(log.store(),
          FileNames.unsafeDeltaFile(log.logPath(), version), hadoopConf);
    } catch (Exception e) {
      if (isFileNotFound(e)) {
        return Option.empty();
      }
      throw e;
    }
  }

  /** Scala declares no checked exceptions: a missing file comes as itself, or wrapped. */
  private static boolean isFileNotFound(Throwable thrown) {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof FileNotFoundException) {
        return true;
      }
    }
    return false;
  }

  /** {@link #lastCommits} through {@code DeltaTable.history}: a query and a Spark job. */
  static List<Commit> historyOf(SparkSession spark, String path, int limit) {
    List<Commit> commits = new ArrayList<>();
    for (Row commit : DeltaTable.forPath(spark, path).history(limit)
        .select("version", "operationMetrics", "userMetadata")
        .orderBy(functions.col("version").desc()).collectAsList()) {
      commits.add(new Commit(commit.getLong(0),
          commit.isNullAt(1) ? Map.of() : Map.copyOf(commit.<String, String>getJavaMap(1)),
          Optional.ofNullable(commit.isNullAt(2) ? null : commit.getString(2))));
    }
    return commits;
  }

  /**
   * The bytes of the table's data files at its latest version, or
   * {@link SmallInputPlanning#UNKNOWN_SIZE} when there is no table: what a stage reading it plans
   * for ({@link SmallInputPlanning}). Read from the Delta log, without touching the data.
   */
  public static long sizeInBytes(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return SmallInputPlanning.UNKNOWN_SIZE;
    }
    Snapshot snapshot = DeltaLog.forTable(spark, path).unsafeVolatileSnapshot();
    // The commit's checksum file (.crc) holds the size; without one (an older writer, checksums
    // off) the size needs the snapshot's state, which is a Spark job over the log.
    Option<VersionChecksum> checksum = snapshot.checksumOpt();
    return checksum.isDefined() ? checksum.get().tableSizeBytes() : snapshot.sizeInBytes();
  }

  /**
   * The table's columns at its latest version, or {@link SmallInputPlanning#UNKNOWN_WIDTH} when
   * there is no table; read from the Delta log's schema, without touching the data.
   */
  public static int columnCount(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return SmallInputPlanning.UNKNOWN_WIDTH;
    }
    return DeltaLog.forTable(spark, path).unsafeVolatileSnapshot().schema().size();
  }

  public static TableRef ref(SparkSession spark, String path) {
    return new TableRef(path, latestVersion(spark, path));
  }

  /**
   * Replaces the rows of {@code runDate} in the table at {@code path} with {@code rows} (which must all
   * carry that run date), creating the table partitioned by run date when it does not exist.
   */
  public static TableRef replaceRunDate(Dataset<Row> rows, String path, String runDate) {
    return replaceRunDateCounted(rows, path, runDate).table();
  }

  /**
   * A write's commit: the table version it made and the rows it wrote, as Delta recorded them in its
   * log ({@code numOutputRows}), so a stage can count what it wrote without reading it back. The count
   * is empty when Delta kept no operation metrics
   * ({@code spark.databricks.delta.history.metricsEnabled=false}). Both are read from the table's
   * latest commit, as {@link #ref} reads the version: one job writes to a warehouse at a time.
   */
  public record Written(TableRef table, OptionalLong rows) {}

  /**
   * {@link #replaceRunDate} into a table whose per-file statistics cover only {@code statsColumns}
   * (Delta's {@value #STATS_COLUMNS} property, set when the table is created and restored if it
   * differs). Why: Delta computes the minimum, maximum and null count of the first 32 columns of
   * every row it writes; for a table of ids and constant strings (predictions) that costs about as
   * much as encoding the rows, and no query skips files on them.
   *
   * <pre>{@code
   * DeltaTables.replaceRunDate(predictions, path, "2026-11-24", List.of("probability"));
   * }</pre>
   */
  public static TableRef replaceRunDate(Dataset<Row> rows, String path, String runDate,
      List<String> statsColumns) {
    SparkSession spark = rows.sparkSession();
    String wanted = String.join(",", statsColumns);
    if (exists(spark, path) && !wanted.equals(tableProperties(spark, path).get(STATS_COLUMNS))) {
      spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES ('"
          + STATS_COLUMNS + "' = '" + wanted + "')");
    }
    return replaceRunDateCounted(rows, path, runDate, List.of(), Map.of(STATS_COLUMNS, wanted))
        .table();
  }

  /**
   * The table's properties at its latest version, read from its log's metadata: no query and no
   * Spark job, where {@code DeltaTable.detail()} costs both.
   */
  static Map<String, String> tableProperties(SparkSession spark, String path) {
    return JavaConverters.mapAsJavaMap(
        currentSnapshot(DeltaLog.forTable(spark, path)).metadata().configuration());
  }

  /** {@link #replaceRunDate}, also returning the number of rows written. */
  public static Written replaceRunDateCounted(Dataset<Row> rows, String path, String runDate) {
    return replaceRunDateCounted(rows, path, runDate, List.of());
  }

  /**
   * {@link #replaceRunDate} into a table that, when this write creates it, is partitioned by the run
   * date and then by {@code subPartitions}, so that a reader filtering on them reads only their
   * files. Why: the features table is read one split at a time (train, then validation; test by
   * {@code evaluate}), and without a partition per split every read decodes every split's rows. A
   * table created before keeps its layout (Delta fixes partitioning at creation); its readers are
   * only slower.
   *
   * <pre>{@code
   * DeltaTables.replaceRunDateCounted(features, path, "2026-11-24", List.of("_split"));
   * }</pre>
   */
  public static Written replaceRunDateCounted(Dataset<Row> rows, String path, String runDate,
      List<String> subPartitions) {
    return replaceRunDateCounted(rows, path, runDate, subPartitions, Map.of());
  }

  /**
   * {@link #replaceRunDateCounted(Dataset, String, String, List)} where a write that creates the
   * table gives it the table properties {@code createdWith} in its one commit (a {@code delta.}
   * write option, which Delta ignores on a table that exists: it keeps the properties it was created
   * with). Why: a property such as {@value #STATS_COLUMN_COUNT} changes what every later write
   * costs, and setting it in a separate commit would give the table a commit of its own before the
   * first rows.
   *
   * <pre>{@code
   * DeltaTables.replaceRunDateCounted(bronze, path, "2026-11-24", List.of(),
   *     Map.of(DeltaTables.STATS_COLUMN_COUNT, "0"));
   * }</pre>
   */
  public static Written replaceRunDateCounted(Dataset<Row> rows, String path, String runDate,
      List<String> subPartitions, Map<String, String> createdWith) {
    SparkSession spark = rows.sparkSession();
    Dataset<Row> dated = rows.withColumn(RUN_DATE, functions.lit(runDate).cast("date"));
    long before = exists(spark, path) ? latestVersion(spark, path) : NO_VERSION;
    if (before == NO_VERSION) {
      List<String> partitions = new ArrayList<>(List.of(RUN_DATE));
      partitions.addAll(subPartitions);
      // ErrorIfExists, not Overwrite: an overwrite first lists the files to remove, and on a table
      // that does not exist yet that is a query and a Spark job over an empty log (about 0.2 s a
      // table, ten tables in a first pipeline); a table created meanwhile by another job fails
      // the write instead of being replaced whole.
      dated.write().format("delta").mode(SaveMode.ErrorIfExists).options(createdWith)
          .partitionBy(partitions.toArray(String[]::new)).save(path);
    } else {
      checkCompatible(read(spark, path).schema(), dated.schema(), path);
      // A source or config that gains a column adds it to the table; older dates read it as null.
      dated.write().format("delta").mode(SaveMode.Overwrite)
          .option("replaceWhere", RUN_DATE + " = '" + runDate + "'")
          .option("mergeSchema", "true")
          .save(path);
    }
    return rowsCommitted(spark, path, before);
  }

  /**
   * The table's newest version and the rows its commit wrote, after a write that found the table at
   * version {@code before} ({@value #NO_VERSION} when it created it); empty when Delta did not
   * count them.
   */
  private static Written rowsCommitted(SparkSession spark, String path, long before) {
    Commit last = lastCommits(spark, path, 1).get(0);
    TableRef table = new TableRef(path, last.version());
    if (last.version() == before) {
      // Delta records no commit for a write that neither adds nor removes a file
      // (spark.databricks.delta.skipRecordingEmptyCommits): no rows to an already empty date.
      return new Written(table, OptionalLong.of(0));
    }
    String written = last.operationMetrics().get(NUM_OUTPUT_ROWS);
    if (written == null && NO_FILES.equals(last.operationMetrics().get(NUM_FILES))) {
      // A write of no rows (an empty quarantine, as most loads have) that removed the date's old
      // files: Delta counts the files it added, none, and leaves the rows out.
      return new Written(table, OptionalLong.of(0));
    }
    return new Written(table, written == null ? OptionalLong.empty()
        : OptionalLong.of(Long.parseLong(written)));
  }

  /**
   * A column whose type changed cannot share a table with the dates written before: say which column
   * and what to do, instead of Delta's schema-mismatch stack trace.
   */
  static void checkCompatible(StructType existing, StructType incoming, String path) {
    for (StructField field : incoming.fields()) {
      if (!java.util.Arrays.asList(existing.fieldNames()).contains(field.name())) {
        continue;
      }
      DataType before = existing.apply(field.name()).dataType();
      if (!before.sameType(field.dataType())) {
        throw new DeeplineException("table " + path + ": column " + field.name() + " was "
            + before.simpleString() + " and is now " + field.dataType().simpleString()
            + "; keep the declared type, or write to a new warehouse or data set name");
      }
    }
  }

  /** The table property that makes Delta keep every commit's row changes (its change data feed). */
  public static final String CHANGE_DATA_FEED = "delta.enableChangeDataFeed";

  /**
   * Turns on the table's change data feed unless it is on, so that a stream can read every row a
   * later commit inserts or updates, including those of a date replaced or a key merged (a plain
   * Delta stream fails on such commits, or skips them whole with {@code skipChangeCommits}). Only
   * commits after this one carry their changes.
   *
   * @return whether this call turned it on
   */
  public static boolean enableChangeDataFeed(SparkSession spark, String path) {
    if ("true".equalsIgnoreCase(tableProperties(spark, path).get(CHANGE_DATA_FEED))) {
      return false;
    }
    spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES ('"
        + CHANGE_DATA_FEED + "' = 'true')");
    return true;
  }

  /**
   * Appends a stream's micro-batch {@code batchId} of the stream {@code streamId} exactly once: a
   * batch the table already holds (the stream failed after the commit and replays it) commits
   * nothing, by Delta's idempotent writes ({@code txnAppId}, {@code txnVersion}). A table this
   * creates is partitioned by {@code partitions} and keeps the properties {@code createdWith}.
   *
   * <pre>{@code
   * DeltaTables.appendOnce(scored, path, query.id().toString(), batchId, List.of("run_date"),
   *     Map.of(DeltaTables.STATS_COLUMNS, "probability"));
   * }</pre>
   *
   * @return the rows this call committed, or that the batch was committed before (nothing is
   *     computed then: Delta's log says so before the rows are read)
   */
  public static Appended appendOnce(Dataset<Row> rows, String path, String streamId, long batchId,
      List<String> partitions, Map<String, String> createdWith) {
    SparkSession spark = rows.sparkSession();
    if (committed(spark, path, streamId, batchId)) {
      return Appended.REPLAYED;
    }
    long before = exists(spark, path) ? latestVersion(spark, path) : NO_VERSION;
    rows.write().format("delta").mode(SaveMode.Append)
        .option("txnAppId", streamId).option("txnVersion", batchId)
        .options(before == NO_VERSION ? createdWith : Map.of())
        .partitionBy(partitions.toArray(String[]::new)).save(path);
    // Read from the table's newest commit: one stream writes its table at a time.
    return new Appended(rowsCommitted(spark, path, before).rows().orElse(0), false);
  }

  /**
   * Whether the table at {@code path} holds a commit of {@code streamId}'s batch {@code batchId} or
   * a later one (Delta's transactions of the table, {@code txnAppId} and {@code txnVersion}): what
   * a stream asks before it computes a batch a replay may bring again.
   */
  public static boolean committed(SparkSession spark, String path, String streamId,
      long batchId) {
    if (!exists(spark, path)) {
      return false;
    }
    Option<Object> committed = currentSnapshot(DeltaLog.forTable(spark, path)).transactions()
        .get(streamId);
    return committed.isDefined() && (Long) committed.get() >= batchId;
  }

  /**
   * What {@link #appendOnce} did: the rows it committed, or that the table held the batch already
   * (a stream replaying the batch it was in when it stopped).
   */
  public record Appended(long rows, boolean replayed) {
    static final Appended REPLAYED = new Appended(0, true);
  }

  /**
   * Appends rows to an append-only log table (run records, model registry). A log that gains a column
   * keeps its older rows, which read the new column as null.
   */
  public static TableRef append(Dataset<Row> rows, String path) {
    rows.write().format("delta").mode(SaveMode.Append).option("mergeSchema", "true").save(path);
    return ref(rows.sparkSession(), path);
  }
}
