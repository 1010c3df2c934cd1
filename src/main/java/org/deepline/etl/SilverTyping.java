package org.deepline.etl;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;

/**
 * Casts bronze's raw strings to the declared schema and says, for every row, why it cannot go to
 * silver: a malformed line, a missing required value, a value that does not parse, a repeated key.
 * A pure {@code Dataset -> Dataset} function: rows with an empty {@value #REASONS} array are silver,
 * the others are quarantine.
 */
public final class SilverTyping {
  public static final String REASONS = "_reasons";
  /** The record as it arrived: the malformed line, or the raw fields as JSON. */
  public static final String RAW_RECORD = "_raw_record";

  private SilverTyping() {}

  public static Dataset<Row> apply(Dataset<Row> bronze, SchemaConfig schema) {
    List<Column> selected = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    reasons.add(functions.when(functions.col(CsvSource.CORRUPT_RECORD).isNotNull(),
        functions.lit("malformed line: field count or quoting does not match the header")));
    if (!schema.key().isEmpty()) {
      // Which of two records with one key is right cannot be known here: neither goes to silver.
      reasons.add(functions.when(functions.col(RecordIds.COPIES).gt(1),
          functions.concat(functions.lit("duplicate key " + schema.key() + " = "),
              functions.col(RecordIds.RECORD_ID), functions.lit(": "),
              functions.col(RecordIds.COPIES).cast("string"), functions.lit(" records share it"))));
    }
    for (ColumnSpec column : schema.columns()) {
      Column raw = functions.col(Columns.quote(column.name()));
      Column present = raw.isNotNull().and(functions.trim(raw).notEqual(""));
      Column typed = typed(column);
      selected.add(typed.as(column.name()));
      if (!column.nullable()) {
        reasons.add(functions.when(functions.not(present),
            functions.lit(column.name() + ": missing value in a non-nullable column")));
      }
      if (!"string".equals(column.type())) {
        reasons.add(functions.when(present.and(typed.isNull()),
            functions.concat(functions.lit(column.name() + ": cannot parse '"), raw,
                functions.lit("' as " + column.type()))));
      }
      if ("double".equals(column.type())) {
        // try_cast accepts NaN and Infinity, which no statistic or network can use.
        Column nonFinite = functions.isnan(typed).or(typed.equalTo(Double.POSITIVE_INFINITY))
            .or(typed.equalTo(Double.NEGATIVE_INFINITY));
        reasons.add(functions.when(typed.isNotNull().and(nonFinite),
            functions.concat(functions.lit(column.name() + ": '"), raw,
                functions.lit("' is not a finite number"))));
      }
    }
    Column reasonArray = functions.filter(functions.array(reasons.toArray(Column[]::new)),
        Column::isNotNull);
    List<Column> out = new ArrayList<>(selected);
    out.add(functions.col(RecordIds.RECORD_ID));
    out.add(functions.col(CsvSource.SOURCE_FILE));
    out.add(reasonArray.as(REASONS));
    Column[] rawFields = java.util.Arrays.stream(bronze.columns())
        .filter(name -> !name.startsWith("_") && !name.equals(org.deepline.core.DeltaTables.RUN_DATE))
        .map(name -> functions.col(Columns.quote(name)))
        .toArray(Column[]::new);
    out.add(functions.coalesce(functions.col(CsvSource.CORRUPT_RECORD),
        functions.to_json(functions.struct(rawFields))).as(RAW_RECORD));
    return bronze.select(out.toArray(Column[]::new));
  }

  /**
   * try_cast gives null instead of failing (whatever spark.sql.ansi.enabled says), which is how a bad
   * value is told apart from a good one; strings keep their exact text, numbers ignore padding.
   */
  static Column typed(ColumnSpec column) {
    String ref = Columns.quote(column.name());
    return switch (column.type()) {
      case "string" -> functions.col(ref);
      case "int", "long", "double", "boolean", "date", "timestamp" ->
          functions.expr("try_cast(nullif(trim(" + ref + "), '') as " + sqlType(column.type()) + ")");
      default -> throw new IllegalArgumentException("unknown type " + column.type());
    };
  }

  private static String sqlType(String type) {
    return "long".equals(type) ? "bigint" : type;
  }
}
