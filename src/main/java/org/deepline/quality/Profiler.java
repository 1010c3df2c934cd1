package org.deepline.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.deepline.core.Columns;

/**
 * The one-pass profile (Deequ's column profiler): every statistic of every column is an aggregate
 * expression of a single {@code agg}, so profiling reads the table once, in one Spark job, however
 * many rows it has. A table of more than {@value #WIDE_ABOVE_COLUMNS} columns has its number (not
 * decimal) and text columns profiled by {@link WideProfile} in a second pass (the same statistics, in plain Java
 * per partition), since Spark evaluates an aggregation of thousands of statistics interpreted, at
 * about 10 microseconds a value. A constraint whose metric the profile holds (a null fraction) is
 * judged from the profile instead of by an aggregate of its own.
 *
 * <pre>{@code
 * TableProfile profile = Profiler.profile(silver.drop("run_date"), Profiler.DEFAULT_TOP_K);
 * double delayNulls = profile.column("delay").nullFraction(profile.rows());
 * }</pre>
 *
 * <p>What each column gets depends on its type: all get nulls; every type HyperLogLog can hash an
 * approximate distinct count; ordered types (numbers, strings, dates, timestamps, booleans) minimum
 * and maximum; numbers mean, standard deviation and approximate quantiles; strings their most
 * frequent values ({@link TopValues}, which also finds their minimum and maximum: one conversion of
 * each value instead of three aggregates over it).
 */
public final class Profiler {
  /** Relative standard deviation of the HyperLogLog++ distinct counts (Spark's default). */
  public static final double DISTINCT_RELATIVE_ERROR = 0.05;
  /** The quantiles kept of every numeric column. */
  public static final List<Double> QUANTILES = List.of(0.05, 0.25, 0.5, 0.75, 0.95);
  public static final int DEFAULT_TOP_K = 5;
  static final Set<String> NUMERIC_TYPES =
      Set.of("tinyint", "smallint", "int", "bigint", "float", "double");

  private static final String ROWS = "rows";
  /**
   * The widest table whose every column is profiled in the one aggregation; a wider one has its
   * number and text columns profiled by {@link WideProfile}: about as wide as Spark's generated
   * code for an aggregation of every column's statistics stays fast (Spark's own limit for
   * whole-stage code generation, {@code spark.sql.codegen.maxFields}, is 100 fields).
   */
  static final int WIDE_ABOVE_COLUMNS = 100;

  private Profiler() {}

  /** The statistics one column gets: fixed by its type, before any data is read. */
  enum Kind {
    NUMERIC, TEXT, ORDERED, HASHABLE, OPAQUE;

    static Kind of(DataType type) {
      if (type instanceof NumericType) {
        return NUMERIC;
      }
      if (type instanceof StringType) {
        return TEXT;
      }
      if (type instanceof DateType || type instanceof TimestampType
          || type instanceof TimestampNTZType || type instanceof BooleanType) {
        return ORDERED;
      }
      if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
        return OPAQUE;
      }
      return HASHABLE;
    }
  }

  /**
   * Checks what can be checked on the schema alone (Spark ML's {@code transformSchema}): column names
   * must be unique, since the profile and every check address columns by name.
   */
  public static void checkSchema(StructType schema) {
    Set<String> seen = new java.util.HashSet<>();
    for (String name : schema.fieldNames()) {
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("cannot profile a table with two columns named " + name
            + ": " + List.of(schema.fieldNames()));
      }
    }
  }

  /** Profiles every column of {@code rows} in one aggregation; {@code topK} values per string column. */
  public static TableProfile profile(Dataset<Row> rows, int topK) {
    return profileAndCheck(rows, topK, QualityCheck.of("none")).profile();
  }

  /** A profile and a check's results from the same pass over the rows. */
  public record Checked(TableProfile profile, List<ConstraintResult> results) {}

  /**
   * Profiles every column of {@code rows} and judges {@code check}'s constraints: their analyzers
   * ride along in the profile's aggregation, so validating a table reads it once (twice when it is
   * wide: {@link WideProfile}), except exact distinct counts (uniqueness), which get an aggregation
   * of their own ({@link QualityCheck#withoutDistinctCounts}); a constraint whose metric the profile
   * holds is judged from it. Results come in the check's order.
   */
  public static Checked profileAndCheck(Dataset<Row> rows, int topK, QualityCheck check) {
    return profileAndCheck(rows, topK, check, WIDE_ABOVE_COLUMNS);
  }

  /**
   * ... with the number and text columns of a table of more than {@code wideAbove} columns
   * profiled by {@link WideProfile}.
   */
  static Checked profileAndCheck(Dataset<Row> rows, int topK, QualityCheck check,
      int wideAbove) {
    if (topK <= 0) {
      throw new IllegalArgumentException("topK must be > 0, got " + topK);
    }
    StructField[] fields = rows.schema().fields();
    List<Integer> wide = fields.length <= wideAbove ? List.of()
        : IntStream.range(0, fields.length)
            .filter(i -> WideProfile.profiled(fields[i].dataType())).boxed().toList();
    QualityCheck riding = check.withoutDistinctCounts().withoutProfiled();
    Row result = aggregation(rows, topK, riding, Set.copyOf(wide)).head();
    long count = result.getLong(result.fieldIndex(ROWS));
    Map<Integer, ColumnProfile> wideProfiles = wide.isEmpty() ? Map.of()
        : WideProfile.profile(rows, wide, count, topK);
    List<ColumnProfile> columns = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      columns.add(wideProfiles.containsKey(i) ? wideProfiles.get(i)
          : read(result, fields[i], i, count));
    }
    TableProfile profile = new TableProfile(count, columns);
    List<ConstraintResult> results = new ArrayList<>(riding.judge(result));
    results.addAll(check.withoutDistinctCounts().judgeInProfile(profile));
    results.addAll(check.distinctCountsOnly().run(rows));
    List<String> order = check.constraints().stream().map(Constraint::name).toList();
    results.sort(Comparator.comparingInt(r -> order.indexOf(r.name())));
    return new Checked(profile, results);
  }

  /** The one-row aggregation {@link #profile} collects: every analyzer of every column. */
  static Dataset<Row> aggregation(Dataset<Row> rows, int topK) {
    return aggregation(rows, topK, QualityCheck.of("none"));
  }

  /** ... and every analyzer of {@code check}'s constraints. */
  static Dataset<Row> aggregation(Dataset<Row> rows, int topK, QualityCheck check) {
    return aggregation(rows, topK, check, Set.of());
  }

  /** ... without the analyzers of the columns at {@code elsewhere}, profiled elsewhere. */
  private static Dataset<Row> aggregation(Dataset<Row> rows, int topK, QualityCheck check,
      Set<Integer> elsewhere) {
    StructType schema = rows.schema();
    checkSchema(schema);
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(functions.count(functions.lit(1)).as(ROWS));
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (!elsewhere.contains(i)) {
        aggregates.addAll(analyzers(fields[i], i, topK));
      }
    }
    aggregates.addAll(check.analyzers());
    return rows.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(new Column[0]));
  }

  private static List<Column> analyzers(StructField field, int index, int topK) {
    Column column = Columns.col(field.name());
    Kind kind = Kind.of(field.dataType());
    List<Column> analyzers = new ArrayList<>();
    analyzers.add(functions.count(column).as(alias(index, "present")));
    if (kind != Kind.OPAQUE) {
      analyzers.add(functions.approx_count_distinct(column, DISTINCT_RELATIVE_ERROR)
          .as(alias(index, "distinct")));
    }
    if (kind == Kind.NUMERIC || kind == Kind.ORDERED) {
      analyzers.add(functions.min(column).cast("string").as(alias(index, "min")));
      analyzers.add(functions.max(column).cast("string").as(alias(index, "max")));
    }
    if (kind == Kind.NUMERIC) {
      Column value = column.cast("double");
      analyzers.add(functions.avg(value).as(alias(index, "mean")));
      analyzers.add(functions.stddev_samp(value).as(alias(index, "stddev")));
      analyzers.add(functions.udaf(new Quantiles(QUANTILES), Encoders.DOUBLE()).apply(value)
          .as(alias(index, "quantiles")));
    }
    if (kind == Kind.TEXT) {
      analyzers.add(functions.udaf(new TopValues(topK), Encoders.STRING()).apply(column)
          .as(alias(index, "top")));
    }
    return analyzers;
  }

  private static ColumnProfile read(Row result, StructField field, int index, long rows) {
    Kind kind = Kind.of(field.dataType());
    long present = result.getLong(result.fieldIndex(alias(index, "present")));
    // HyperLogLog's estimate may exceed the values there are (a unique id: 1,157,062 "distinct"
    // of 1,078,800 rows); no more can be distinct than are present.
    Long distinct = kind == Kind.OPAQUE ? null
        : Math.min(present, result.getLong(result.fieldIndex(alias(index, "distinct"))));
    boolean ordered = kind == Kind.NUMERIC || kind == Kind.ORDERED;
    String min = ordered ? result.getString(result.fieldIndex(alias(index, "min"))) : null;
    String max = ordered ? result.getString(result.fieldIndex(alias(index, "max"))) : null;
    Double mean = null;
    Double stddev = null;
    Map<String, Double> quantiles = new LinkedHashMap<>();
    if (kind == Kind.NUMERIC) {
      mean = nullableDouble(result, alias(index, "mean"));
      stddev = nullableDouble(result, alias(index, "stddev"));
      List<Double> values = Quantiles.parse(
          result.getString(result.fieldIndex(alias(index, "quantiles"))));
      for (int q = 0; q < values.size(); q++) {
        quantiles.put(QUANTILES.get(q).toString(), values.get(q));
      }
    }
    TopValues.Result top = kind == Kind.TEXT
        ? TopValues.parse(result.getString(result.fieldIndex(alias(index, "top"))))
        : new TopValues.Result(List.of(), List.of(), null, null);
    if (kind == Kind.TEXT) {
      min = top.min();
      max = top.max();
    }
    return new ColumnProfile(field.name(), field.dataType().simpleString(), rows - present,
        distinct, min, max, mean, stddev, quantiles, top.top(), top.values());
  }

  private static Double nullableDouble(Row row, String name) {
    int at = row.fieldIndex(name);
    if (row.isNullAt(at)) {
      return null;
    }
    double value = row.getDouble(at);
    return Double.isNaN(value) ? null : value;
  }

  /** Result columns are named by position: source names may contain anything. */
  private static String alias(int index, String statistic) {
    return "c" + index + "_" + statistic;
  }
}
