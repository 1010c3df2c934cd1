package org.deepline.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;
import org.deepline.core.Columns;

/**
 * A first look at a table: per column its type, nulls, approximate distinct count, minimum, maximum
 * and (numeric columns) mean, computed in one Spark aggregation and printed one line per column.
 *
 * <pre>{@code
 * Profile silver = Profile.of("silver", dl.table("silver"));
 * long rows = silver.rows();
 * }</pre>
 */
public final class Profile {
  /** Minimum and maximum values longer than this are cut in the printed table. */
  private static final int MAX_VALUE_WIDTH = 24;

  /**
   * One column's statistics.
   *
   * @param distinct approximate distinct non-null values (HyperLogLog++, about 5 % error)
   * @param min      the smallest value as text; null for nested types or an all-null column
   * @param mean     the mean of a numeric column, else null
   */
  public record ColumnProfile(String name, String type, long nulls, long distinct, String min,
      String max, Double mean) {}

  private final String name;
  private final long rows;
  private final List<ColumnProfile> columns;

  private Profile(String name, long rows, List<ColumnProfile> columns) {
    this.name = name;
    this.rows = rows;
    this.columns = List.copyOf(columns);
  }

  /** Profiles every column of {@code rows} in one pass; {@code name} titles the printout. */
  public static Profile of(String name, Dataset<Row> rows) {
    List<Column> aggregates = new ArrayList<>(List.of(functions.count(functions.lit(1))));
    StructField[] fields = rows.schema().fields();
    for (StructField field : fields) {
      Column column = Columns.col(field.name());
      aggregates.add(functions.count(column));
      aggregates.add(functions.approx_count_distinct(column));
      boolean ordered = ordered(field.dataType());
      aggregates.add(ordered ? functions.min(column).cast("string") : functions.lit(null));
      aggregates.add(ordered ? functions.max(column).cast("string") : functions.lit(null));
      aggregates.add(field.dataType() instanceof NumericType ? functions.avg(column).cast("double")
          : functions.lit(null).cast("double"));
    }
    Row result = rows.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(new Column[0])).first();
    long count = result.getLong(0);
    List<ColumnProfile> profiles = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      int at = 1 + i * 5;
      profiles.add(new ColumnProfile(fields[i].name(), fields[i].dataType().simpleString(),
          count - result.getLong(at), result.getLong(at + 1), (String) result.get(at + 2),
          (String) result.get(at + 3), result.isNullAt(at + 4) ? null : result.getDouble(at + 4)));
    }
    return new Profile(name, count, profiles);
  }

  public long rows() {
    return rows;
  }

  public List<ColumnProfile> columns() {
    return columns;
  }

  /** One column's statistics; fails naming the columns when there is no such one. */
  public ColumnProfile column(String column) {
    return columns.stream().filter(c -> c.name().equals(column)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + column + " in " + name
            + "; columns: " + columns.stream().map(ColumnProfile::name).toList()));
  }

  @Override
  public String toString() {
    TextTable table = new TextTable("column", "type", "nulls", "distinct~", "min", "max", "mean");
    for (ColumnProfile c : columns) {
      table.row(c.name(), c.type(), (double) c.nulls(), (double) c.distinct(), cut(c.min()),
          cut(c.max()), c.mean());
    }
    return String.format(Locale.ROOT, "%s: %d rows, %d columns%n", name, rows, columns.size())
        + table;
  }

  private static boolean ordered(DataType type) {
    return type instanceof NumericType || type instanceof StringType || type instanceof DateType
        || type instanceof TimestampType || type instanceof BooleanType;
  }

  private static String cut(String value) {
    String text = Objects.toString(value, "-");
    return text.length() <= MAX_VALUE_WIDTH ? text : text.substring(0, MAX_VALUE_WIDTH - 1) + "…";
  }
}
