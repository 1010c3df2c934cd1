package org.deepline.quality;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;

/** Aggregate expressions that turn a table into the metrics constraints judge. */
public final class Analyzers {
  private Analyzers() {}

  public static Column size() {
    return functions.count(functions.lit(1)).cast("double");
  }

  /** Share of rows where the column is null (0 for an empty table). */
  public static Column nullFraction(String column) {
    Column nulls = functions.sum(functions.when(Columns.col(column).isNull(), 1).otherwise(0));
    return functions.coalesce(nulls.divide(functions.count(functions.lit(1))), functions.lit(0.0));
  }

  /**
   * {@link #nullFraction} as the profile of the table holds it. The column is found as Spark
   * resolves the analyzer's column, in any letter case where no column has the exact name (a table
   * created with {@code Age} and declared {@code age} later).
   */
  public static ToDoubleFunction<TableProfile> nullFractionInProfile(String column) {
    return profile -> profile.columns().stream()
        .filter(c -> c.name().equals(column)).findFirst()
        .or(() -> profile.columns().stream().filter(c -> c.name().equalsIgnoreCase(column))
            .findFirst())
        .orElseGet(() -> profile.column(column))
        .nullFraction(profile.rows());
  }

  /** Rows whose non-null value lies outside [min, max]; an absent bound is open. */
  public static Column outOfRange(String column, Double min, Double max) {
    Column value = Columns.col(column).cast("double");
    Column outside = functions.lit(false);
    if (min != null) {
      outside = outside.or(value.lt(min));
    }
    if (max != null) {
      outside = outside.or(value.gt(max));
    }
    Column bad = value.isNotNull().and(outside.or(functions.isnan(value)));
    return functions.coalesce(functions.sum(functions.when(bad, 1).otherwise(0)), functions.lit(0))
        .cast("double");
  }

  /** Rows whose non-null value is not in the allowed set. */
  public static Column notAllowed(String column, List<String> allowed) {
    Column bad = Columns.col(column).isNotNull().and(functions.not(Columns.col(column).isin(allowed.toArray())));
    return functions.coalesce(functions.sum(functions.when(bad, 1).otherwise(0)), functions.lit(0))
        .cast("double");
  }

  /** Share of rows where the column is not null (1 for an empty table: nothing is missing). */
  public static Column completeness(String column) {
    return functions.coalesce(functions.count(Columns.col(column))
        .divide(functions.count(functions.lit(1))), functions.lit(1.0));
  }

  /**
   * Non-null values that repeat an earlier one: non-null rows minus exact distinct values (0 when
   * every value is unique). Exact, so it costs a distinct aggregation; only declared uniqueness
   * constraints use it, the profile's distinct count is HyperLogLog.
   */
  public static Column duplicates(String column) {
    return functions.count(Columns.col(column)).minus(functions.count_distinct(Columns.col(column)))
        .cast("double");
  }
}
