package org.deepline.etl;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaTables;

/**
 * The high-water marks of incremental JDBC loads, one row per run date in a Delta table of the
 * warehouse ({@code <warehouse>/<dataset>/watermarks}).
 *
 * <p>A load for run date D starts after the watermark of the latest earlier run date of the same
 * source and column, so re-running D reads the same changes again and replaces D's output, as every
 * daily stage does; a source or watermark column that changed starts from scratch (a full load).
 * When a later date has been loaded, a re-run of D also stops where D stopped before
 * ({@link #ceiling}): the later load started there. The
 * row of D is written only after bronze, silver and quarantine have committed: a load that fails
 * leaves the watermark where it was and the next run reads the same changes again.
 *
 * <p>Values are kept as the database prints them ({@code 2026-11-24 10:15:00.123456} for a
 * timestamp), which PostgreSQL reads back into the column's own type without loss.
 *
 * <p>{@code Watermarks.since(spark, path, source, column)} before the read,
 * {@code Watermarks.record(spark, path, mark)} after the commits.
 */
public final class Watermarks {
  static final String SOURCE = "source";
  static final String COLUMN = "watermark_column";
  static final String VALUE = "watermark";
  static final String ROWS = "rows_read";
  static final String RUN_ID = "run_id";
  private static final StructType SCHEMA = new StructType()
      .add(SOURCE, DataTypes.StringType, false)
      .add(COLUMN, DataTypes.StringType, false)
      .add(VALUE, DataTypes.StringType, true)
      .add(ROWS, DataTypes.LongType, false)
      .add(RUN_ID, DataTypes.StringType, false);

  private Watermarks() {}

  /**
   * One load's high-water mark: the highest watermark value it read up to (null when the source had
   * no rows yet), how many rows it read, and the run that read them.
   */
  public record Mark(String source, String column, String value, long rows, String runId,
      String runDate) {
    /** The mark a load plans to record, before it knows how many rows it read. */
    public static Mark planned(String source, String column, String value, String runId,
        String runDate) {
      return new Mark(source, column, value, 0, runId, runDate);
    }

    public Mark withRows(long read) {
      return new Mark(source, column, value, read, runId, runDate);
    }
  }

  /**
   * The watermark the load of {@code runDate} starts after: the one recorded by the latest earlier
   * run date for this source and column, or empty for a full load.
   */
  public static Optional<String> since(SparkSession spark, String path, String source,
      String column, String runDate) {
    if (!DeltaTables.exists(spark, path)) {
      return Optional.empty();
    }
    List<Row> last = DeltaTables.read(spark, path)
        .where(functions.col(SOURCE).equalTo(source)
            .and(functions.col(COLUMN).equalTo(column))
            .and(functions.col(DeltaTables.RUN_DATE).lt(functions.lit(runDate).cast("date")))
            .and(functions.col(VALUE).isNotNull()))
        .orderBy(functions.col(DeltaTables.RUN_DATE).desc())
        .select(VALUE)
        .limit(1)
        .collectAsList();
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).getString(0));
  }

  /**
   * Where a load of {@code runDate} must stop reading, when a later run date of this source and
   * column has been loaded: that load read every change after the mark it started from, so
   * {@code runDate} reads up to the mark it recorded when it was loaded before, and nothing when it
   * never was (a date between two loaded ones, whose changes the later one read). Empty when no
   * later date was loaded: the load reads up to the source's highest value.
   *
   * <p>Why: without it a re-run of an earlier date read every change up to now and recorded that
   * as its mark, the re-run of the next date started after it, read nothing, and its upsert deleted
   * that date's rows from silver, rows no later load read again.
   */
  public static Optional<Ceiling> ceiling(SparkSession spark, String path, String source,
      String column, String runDate) {
    if (!DeltaTables.exists(spark, path)) {
      return Optional.empty();
    }
    Column date = functions.col(DeltaTables.RUN_DATE);
    Column day = functions.lit(runDate).cast("date");
    List<Row> marks = DeltaTables.read(spark, path)
        .where(functions.col(SOURCE).equalTo(source).and(functions.col(COLUMN).equalTo(column))
            .and(date.geq(day)))
        .select(date.equalTo(day).as("own"), functions.col(VALUE))
        .collectAsList();
    if (marks.stream().allMatch(r -> r.getBoolean(0))) {
      return Optional.empty();
    }
    return Optional.of(new Ceiling(marks.stream().filter(r -> r.getBoolean(0))
        .map(r -> r.getString(1)).filter(Objects::nonNull).findFirst().orElse(null)));
  }

  /**
   * The highest watermark value a load may read up to ({@link #ceiling}); {@code value} null when
   * it reads nothing.
   */
  public record Ceiling(String value) {
    public boolean readsNothing() {
      return value == null;
    }
  }

  /** Whether the load {@code runId} of {@code runDate} recorded its mark for this source and column. */
  public static boolean recorded(SparkSession spark, String path, String source, String column,
      String runDate, String runId) {
    return DeltaTables.exists(spark, path) && !DeltaTables.read(spark, path)
        .where(functions.col(SOURCE).equalTo(source).and(functions.col(COLUMN).equalTo(column))
            .and(functions.col(DeltaTables.RUN_DATE).equalTo(functions.lit(runDate).cast("date")))
            .and(functions.col(RUN_ID).equalTo(runId)))
        .isEmpty();
  }

  /** Records a committed load's mark, replacing the one of a previous run of the same date. */
  public static void record(SparkSession spark, String path, Mark mark) {
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(mark.source(), mark.column(),
        mark.value(), mark.rows(), mark.runId())), SCHEMA);
    DeltaTables.replaceRunDate(row, path, mark.runDate());
  }
}
