package org.deepline.etl;

import java.util.List;
import java.util.Optional;
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
 * daily stage does; a source or watermark column that changed starts from scratch (a full load). The
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

  /** Records a committed load's mark, replacing the one of a previous run of the same date. */
  public static void record(SparkSession spark, String path, Mark mark) {
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(mark.source(), mark.column(),
        mark.value(), mark.rows(), mark.runId())), SCHEMA);
    DeltaTables.replaceRunDate(row, path, mark.runDate());
  }
}
