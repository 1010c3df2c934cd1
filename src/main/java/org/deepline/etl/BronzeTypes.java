package org.deepline.etl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed source (Parquet, ORC, Avro, JSON, Delta) whose column changed type between loads, brought
 * back to the type bronze has kept it in when every value of the load converts to it exactly.
 * Bronze keeps the source's own types, and a Delta column cannot change type; without this the
 * day pandas wrote an int column as float (it does so once the column holds a missing value) every
 * later load of the data set failed, whatever the schema evolution policy.
 *
 * <pre>{@code
 * Dataset<Row> rows = BronzeTypes.alignedTo(bronze.schema(), raw, source.describe());
 * }</pre>
 *
 * <p>Exactly: the value converted to bronze's type and back is the value (10010.0 as bigint
 * 10010; not 10010.5, not {@code "010"} as an int), whatever the session's ANSI mode. A NaN, which
 * a float column holds where pandas had no value, becomes null in a type that has no NaN. A load
 * with one value that does not convert fails before anything is written, naming the column, both
 * types, how many values and one of them. A converted record keeps its record id when its value
 * equals the earlier loads' (a float widened to a double is not the double an earlier load wrote).
 */
public final class BronzeTypes {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeTypes.class);
  private static final String LOST_PREFIX = "_lost_";
  private static final String EXAMPLE_PREFIX = "_example_";

  private BronzeTypes() {}

  /**
   * {@code rows} with each column whose atomic type differs from {@code bronze}'s converted to
   * bronze's type; {@code rows} itself when none differs.
   *
   * @throws DeeplineException when a value of such a column does not convert exactly
   */
  public static Dataset<Row> alignedTo(StructType bronze, Dataset<Row> rows, String source) {
    Map<String, DataType> changed = new LinkedHashMap<>();
    List<String> bronzeNames = Arrays.asList(bronze.fieldNames());
    for (StructField field : rows.schema().fields()) {
      if (!bronzeNames.contains(field.name())) {
        continue;
      }
      DataType before = bronze.apply(field.name()).dataType();
      if (!before.sameType(field.dataType()) && convertible(before)
          && convertible(field.dataType())) {
        changed.put(field.name(), before);
      }
    }
    if (changed.isEmpty()) {
      return rows;
    }
    List<Column> checks = new ArrayList<>();
    changed.forEach((name, before) -> {
      DataType now = rows.schema().apply(name).dataType();
      Column value = Columns.col(name);
      String converted = convertedSql(name, now, before);
      Column back = functions.expr("try_cast(" + converted + " AS " + now.sql() + ")");
      Column lost = value.isNotNull().and(missingAsNaN(now, before) ? functions.not(
              functions.isnan(value)) : functions.lit(true))
          .and(functions.expr(converted).isNull().or(back.isNull()).or(back.notEqual(value)));
      checks.add(functions.sum(functions.when(lost, 1L).otherwise(0L)).as(LOST_PREFIX + name));
      checks.add(functions.first(functions.when(lost, value.cast("string")), true)
          .as(EXAMPLE_PREFIX + name));
    });
    Row found = rows.agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new))
        .head();
    List<String> problems = new ArrayList<>();
    changed.forEach((name, before) -> {
      Long lost = found.getAs(LOST_PREFIX + name);
      if (lost != null && lost > 0) {
        problems.add("column " + name + " is " + rows.schema().apply(name).dataType().simpleString()
            + " in this load and " + before.simpleString() + " in bronze (the earlier loads'), and "
            + lost + " of its values do not convert to " + before.simpleString() + " exactly (e.g. "
            + found.getAs(EXAMPLE_PREFIX + name) + ")");
      }
    });
    if (!problems.isEmpty()) {
      throw new DeeplineException(Failure.DATA_QUALITY, "source " + source + ": "
          + String.join("; ", problems) + ". Bronze keeps one type per column: write the column "
          + "as the earlier loads did, or load the data set under a new name (a new bronze)");
    }
    changed.forEach((name, before) -> LOG.info("ingest: source column {} is {} in this load and "
        + "{} in bronze; every value converts exactly and is kept as {}", name,
        rows.schema().apply(name).dataType().simpleString(), before.simpleString(),
        before.simpleString()));
    List<Column> selected = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      DataType before = changed.get(field.name());
      selected.add(before == null ? Columns.col(field.name())
          : functions.expr(convertedSql(field.name(), field.dataType(), before))
              .as(field.name()));
    }
    return rows.select(selected.toArray(Column[]::new));
  }

  /** Plain values: not nested, not bytes. */
  private static boolean convertible(DataType type) {
    return type instanceof AtomicType && !(type instanceof BinaryType);
  }

  /**
   * Column {@code name} of type {@code type} as {@code target}, as SQL: null where it does not convert
   * (by {@code try_cast}, whatever the session's ANSI mode says), a NaN as null where the target
   * cannot hold one (a float column's missing value, pandas's).
   */
  private static String convertedSql(String name, DataType type, DataType target) {
    String value = Columns.quote(name);
    String plain = missingAsNaN(type, target)
        ? "CASE WHEN isnan(" + value + ") THEN NULL ELSE " + value + " END" : value;
    return "try_cast(" + plain + " AS " + target.sql() + ")";
  }

  /** Whether a NaN of {@code type} means a missing value once converted to {@code target}. */
  private static boolean missingAsNaN(DataType type, DataType target) {
    return isFloating(type) && !isFloating(target);
  }

  private static boolean isFloating(DataType type) {
    return type instanceof DoubleType || type instanceof FloatType;
  }
}
