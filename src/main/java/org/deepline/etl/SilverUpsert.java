package org.deepline.etl;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.core.TableRef;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Writes a load's silver rows into silver as an upsert on the schema's key ({@code ingest.upsert}),
 * with one Delta {@code MERGE}: a key silver does not have yet is inserted, a key whose declared
 * columns changed (a late correction) is updated, with the run date of this load, and a key whose
 * values are the same is left alone, so that loading the same batch again changes nothing. Rows of
 * this run date that the batch no longer has are deleted, so that re-running a date still replaces
 * what that date loaded. The batch has unique keys: ingest quarantines records that share one.
 *
 * <p>Silver then holds the latest version of each key, under the run date of the load that last
 * changed it.
 *
 * <pre>{@code
 * SilverUpsert.Merged merged = SilverUpsert.merge(silverRows, silverPath, schema, "2026-11-24");
 * merged.inserted(); merged.updated(); // from the MERGE's commit
 * }</pre>
 */
public final class SilverUpsert {
  private static final String TARGET = "silver";
  private static final String BATCH = "batch";

  private SilverUpsert() {}

  /**
   * A merge's commit: the table (with the batch's size as its row count, what ingest reconciles with
   * bronze) and how many rows it inserted, updated and deleted.
   */
  public record Merged(DeltaTables.Written written, long inserted, long updated, long deleted,
      long keptNewer) {
    public long unchanged() {
      return written.rows().orElseThrow() - inserted - updated;
    }
  }

  public static Merged merge(Dataset<Row> batch, String path, SchemaConfig schema, String runDate) {
    return merge(batch, path, schema, runDate, true);
  }

  /**
   * {@link #merge(Dataset, String, SchemaConfig, String)}; with {@code whole} false the batch is
   * part of what the date loaded (a bounded re-read), and no key of the date is deleted.
   */
  public static Merged merge(Dataset<Row> batch, String path, SchemaConfig schema, String runDate,
      boolean whole) {
    SparkSession spark = batch.sparkSession();
    long batchRows = batch.count();
    if (!DeltaTables.exists(spark, path)) {
      DeltaTables.Written created = DeltaTables.replaceRunDateCounted(batch, path, runDate,
          List.of(), IngestJob.silverProperties(schema));
      return new Merged(new DeltaTables.Written(created.table(), OptionalLong.of(batchRows)),
          batchRows, 0, 0, 0);
    }
    Dataset<Row> dated = batch.withColumn(DeltaTables.RUN_DATE, functions.lit(runDate).cast("date"));
    String sameKey = schema.key().stream()
        .map(k -> TARGET + ".`" + k + "` = " + BATCH + ".`" + k + "`")
        .collect(Collectors.joining(" AND "));
    Column day = functions.lit(runDate).cast("date");
    long keptNewer = keysChangedLater(batch, path, schema, day);
    Column changed = compared(schema).stream()
        .map(c -> functions.not(functions.col(TARGET + ".`" + c + "`")
            .eqNullSafe(functions.col(BATCH + ".`" + c + "`"))))
        .reduce(Column::or)
        .orElseThrow();
    // Schema evolution as the run-date replace has it (mergeSchema): a column the batch gained (a
    // newly declared one, or an undeclared source column under add_columns) is added to silver.
    DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as(TARGET)
        .merge(dated.as(BATCH), sameKey)
        .withSchemaEvolution()
        // A key a later date's load changed keeps that version: a backfill of an older date
        // re-loads what was true then, which a correction since has replaced.
        .whenMatched(changed.and(functions.col(TARGET + "." + DeltaTables.RUN_DATE).leq(day)))
        .updateAll()
        .whenNotMatched().insertAll();
    if (whole) {
      merge = merge.whenNotMatchedBySource(
          functions.col(TARGET + "." + DeltaTables.RUN_DATE).equalTo(day)).delete();
    }
    merge.execute();
    DeltaTables.Commit last = DeltaTables.lastCommits(spark, path, 1).get(0);
    Map<String, String> metrics = last.operationMetrics();
    return new Merged(new DeltaTables.Written(new TableRef(path, last.version()),
        OptionalLong.of(batchRows)), metric(metrics, "numTargetRowsInserted"),
        metric(metrics, "numTargetRowsUpdated"), metric(metrics, "numTargetRowsDeleted"),
        keptNewer);
  }

  /**
   * How many of the batch's keys silver holds under a later run date than {@code day}: none on a
   * load of the newest date (a read of no partition), some on a backfill of an older one.
   */
  private static long keysChangedLater(Dataset<Row> batch, String path, SchemaConfig schema,
      Column day) {
    Dataset<Row> later = DeltaTables.read(batch.sparkSession(), path)
        .where(functions.col(DeltaTables.RUN_DATE).gt(day));
    if (later.isEmpty()) {
      return 0;
    }
    Seq<String> keys = JavaConverters.asScalaBuffer(schema.key()).toSeq();
    return batch.select(schema.key().stream().map(Columns::col).toArray(Column[]::new))
        .join(later.select(schema.key().stream().map(Columns::col).toArray(Column[]::new)), keys,
            "left_semi")
        .count();
  }

  private static long metric(Map<String, String> metrics, String name) {
    String value = metrics.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The declared columns compared to tell a correction from a repeat: every one of the schema. */
  static List<String> compared(SchemaConfig schema) {
    return schema.columns().stream().map(ColumnSpec::name).toList();
  }
}
