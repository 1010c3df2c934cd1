package org.deepline.quality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.TableRef;

/**
 * Deequ's metrics repository as a Delta table: one row per metric of each run date's profile
 * ({@code rows}, and per column {@code nulls}, {@code null_fraction}, {@code distinct}, {@code min},
 * {@code max}, {@code mean}, {@code stddev}, {@code quantile_<p>}, {@code top_values}), so anomaly
 * checks compare a run with the runs before it, and a column's history is a query.
 *
 * <p>Re-running a date replaces that date's rows in one commit ({@code replaceWhere}); a failed
 * write leaves them as they were.
 */
public final class MetricsTable {
  public static final String ROWS = "rows";
  public static final String NULLS = "nulls";
  public static final String NULL_FRACTION = "null_fraction";
  public static final String DISTINCT = "distinct";
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String MEAN = "mean";
  public static final String STDDEV = "stddev";
  public static final String QUANTILE_PREFIX = "quantile_";
  public static final String TOP_VALUES = "top_values";

  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("column", DataTypes.StringType, true)
      .add("metric", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("text", DataTypes.StringType, true);

  /** {@link #filledOnOtherDates}' working column: the rows of the date a null count is from. */
  private static final String DATE_ROWS = "_date_rows";

  private MetricsTable() {}

  /** One earlier run date's value of a metric. */
  public record PastMetric(String runDate, String column, String metric, double value) {}

  /**
   * The rows of a profile: numeric metrics in {@code value}; a minimum or maximum also as
   * {@code text} (the value of a string or date column is text only), top values as JSON text.
   */
  static List<Row> rows(String runId, TableProfile profile) {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(runId, null, ROWS, (double) profile.rows(), null));
    for (ColumnProfile column : profile.columns()) {
      String name = column.name();
      rows.add(RowFactory.create(runId, name, NULLS, (double) column.nulls(), null));
      rows.add(RowFactory.create(runId, name, NULL_FRACTION, column.nullFraction(profile.rows()),
          null));
      if (column.distinct() != null) {
        rows.add(RowFactory.create(runId, name, DISTINCT, column.distinct().doubleValue(), null));
      }
      if (column.min() != null) {
        rows.add(RowFactory.create(runId, name, MIN, numberOrNull(column, column.min()),
            column.min()));
        rows.add(RowFactory.create(runId, name, MAX, numberOrNull(column, column.max()),
            column.max()));
      }
      if (column.mean() != null) {
        rows.add(RowFactory.create(runId, name, MEAN, column.mean(), null));
      }
      if (column.stddev() != null) {
        rows.add(RowFactory.create(runId, name, STDDEV, column.stddev(), null));
      }
      for (Map.Entry<String, Double> quantile : column.quantiles().entrySet()) {
        rows.add(RowFactory.create(runId, name, QUANTILE_PREFIX + quantile.getKey(),
            quantile.getValue(), null));
      }
      if (!column.topValues().isEmpty()) {
        rows.add(RowFactory.create(runId, name, TOP_VALUES, null,
            Json.writeCompact(column.topValues())));
      }
    }
    return rows;
  }

  private static Double numberOrNull(ColumnProfile column, String text) {
    return column.numeric() && text != null ? Double.valueOf(text) : null;
  }

  /** Replaces the run date's metrics with {@code profile}'s. */
  public static TableRef write(SparkSession spark, String runId, String runDate,
      TableProfile profile, String path) {
    return DeltaTables.replaceRunDate(spark.createDataFrame(rows(runId, profile), SCHEMA)
        .coalesce(1), path, runDate);
  }

  /**
   * The values of {@code metrics} on run dates before {@code runDate}, newest first; empty when the
   * table does not exist yet (the first run).
   *
   * @param metrics (metric, column) pairs; column null for table metrics
   */
  public static List<PastMetric> history(SparkSession spark, String path, String runDate,
      Collection<Map.Entry<String, String>> metrics) {
    if (metrics.isEmpty() || !DeltaTables.exists(spark, path)) {
      return List.of();
    }
    Column wanted = functions.lit(false);
    for (Map.Entry<String, String> metric : metrics) {
      wanted = wanted.or(functions.col("metric").equalTo(metric.getKey())
          .and(functions.col("column").eqNullSafe(metric.getValue())));
    }
    return DeltaTables.read(spark, path)
        .where(functions.col(DeltaTables.RUN_DATE).lt(functions.lit(runDate).cast("date"))
            .and(functions.col("value").isNotNull()).and(wanted))
        .orderBy(functions.col(DeltaTables.RUN_DATE).desc())
        .select(functions.col(DeltaTables.RUN_DATE).cast("string"), functions.col("column"),
            functions.col("metric"), functions.col("value"))
        .collectAsList().stream()
        .map(r -> new PastMetric(r.getString(0), r.getString(1), r.getString(2), r.getDouble(3)))
        .toList();
  }

  /**
   * Which of {@code columns} had a value on some run date other than {@code runDate}: fewer nulls
   * than the date had rows. A date without rows fills nothing (its null fraction reads 0), and
   * every other date counts, before or after, whichever order the dates were validated in.
   * Empty when the table does not exist yet.
   */
  public static Set<String> filledOnOtherDates(SparkSession spark, String path, String runDate,
      Collection<String> columns) {
    if (columns.isEmpty() || !DeltaTables.exists(spark, path)) {
      return Set.of();
    }
    Dataset<Row> others = DeltaTables.read(spark, path).where(functions.col(DeltaTables.RUN_DATE)
        .notEqual(functions.lit(runDate).cast("date")));
    Dataset<Row> rowsByDate = others.where(functions.col("metric").equalTo(ROWS))
        .select(functions.col(DeltaTables.RUN_DATE), functions.col("value").as(DATE_ROWS));
    return new HashSet<>(others.where(functions.col("metric").equalTo(NULLS)
            .and(functions.col("column").isin(columns.toArray())))
        .join(rowsByDate, DeltaTables.RUN_DATE)
        .where(functions.col("value").lt(functions.col(DATE_ROWS)))
        .select("column").distinct().as(Encoders.STRING()).collectAsList());
  }
}
