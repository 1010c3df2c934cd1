package org.deepline.etl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.deepline.core.Columns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a text date column declared without a {@code format} writes the day or the month first
 * ({@code 13/05/1973} or {@code 05/13/1973}), told from the batch's own values: a first field above
 * 12 in some row and no second one above 12 is day-first; the other way round month-first. A column
 * whose every value has both fields at most 12 stays undecided (its values keep failing with a
 * reason that names the {@code format} key), and so does one with a first field above 12 in one
 * row and a second one in another, or with two separators: such values are not guessed.
 *
 * <p>Why from the data: exports write dates the way their locale does (R's {@code format()}, a
 * spreadsheet's {@code 5/13/1973}), and a config written from a header declares the column a date
 * without saying which; one value above 12 settles it for the whole column. Silver and quarantine
 * derived again from bronze (a repair) read the same rows and decide the same way.
 *
 * <pre>{@code
 * Map<String, List<String>> patterns = DayMonthOrder.patterns(bronze, schema);
 * // {"Date": ["d/M/yyyy"]} when a row has 13/05/1973
 * }</pre>
 */
final class DayMonthOrder {
  /** Day and month of one or two digits, one separator twice, a four-digit year, a time or not. */
  private static final String NUMERIC_DATE =
      "^(\\d{1,2})([/.-])(\\d{1,2})[/.-](\\d{4})( \\d{1,2}:\\d{2}(:\\d{2})?)?$";
  private static final int FIRST = 1;
  private static final int SEPARATOR = 2;
  private static final int SECOND = 3;
  private static final int LAST_DAY_OR_MONTH_WITHOUT_DOUBT = 12;
  private static final Set<String> DATE_TYPES = Set.of("date", "timestamp");
  private static final int STATISTICS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(DayMonthOrder.class);

  private DayMonthOrder() {}

  /**
   * The patterns to read each undecided-format text date column of {@code bronze} with, after ISO
   * 8601: the day-first or month-first form with the column's separator (a timestamp also with a
   * time of day). Columns without such values, or whose order cannot be told, are left out. One
   * aggregation over the candidate columns, and none when there is no candidate; a WARN for each
   * column decided, since the config did not say it.
   */
  static Map<String, List<String>> patterns(Dataset<Row> bronze, SchemaConfig schema) {
    List<ColumnSpec> candidates = schema.columns().stream()
        .filter(c -> DATE_TYPES.contains(c.type()) && c.format() == null)
        .filter(c -> List.of(bronze.columns()).contains(c.name())
            && bronze.schema().apply(c.name()).dataType() == DataTypes.StringType)
        .toList();
    Map<String, List<String>> patterns = new LinkedHashMap<>();
    if (candidates.isEmpty()) {
      return patterns;
    }
    List<Column> aggregates = new ArrayList<>();
    for (ColumnSpec column : candidates) {
      Column text = functions.trim(Columns.col(column.name()));
      Column matches = text.rlike(NUMERIC_DATE);
      Column first = functions.when(matches,
          functions.regexp_extract(text, NUMERIC_DATE, FIRST).cast(DataTypes.IntegerType));
      Column second = functions.when(matches,
          functions.regexp_extract(text, NUMERIC_DATE, SECOND).cast(DataTypes.IntegerType));
      Column separator = functions.when(matches,
          functions.regexp_extract(text, NUMERIC_DATE, SEPARATOR));
      aggregates.add(functions.max(first));
      aggregates.add(functions.max(second));
      aggregates.add(functions.min(separator));
      aggregates.add(functions.max(separator));
    }
    Row row = bronze.agg(aggregates.get(0), aggregates.subList(1, aggregates.size())
        .toArray(Column[]::new)).head();
    for (int i = 0; i < candidates.size(); i++) {
      int at = i * STATISTICS;
      if (row.isNullAt(at) || !row.getString(at + 2).equals(row.getString(at + 3))) {
        continue;
      }
      // Both above 12 somewhere: rows of both orders, or no dates; neither: no value tells.
      boolean dayFirst = row.getInt(at) > LAST_DAY_OR_MONTH_WITHOUT_DOUBT;
      boolean monthFirst = row.getInt(at + 1) > LAST_DAY_OR_MONTH_WITHOUT_DOUBT;
      if (dayFirst == monthFirst) {
        continue;
      }
      String separator = row.getString(at + 2);
      String date = dayFirst ? "d" + separator + "M" + separator + "yyyy"
          : "M" + separator + "d" + separator + "yyyy";
      ColumnSpec column = candidates.get(i);
      LOG.warn("ingest: {} is read as {} where ISO 8601 does not parse (a value's {} field is "
          + "above 12); declare its format in schema.columns to say so", column.name(), date,
          dayFirst ? "first" : "second");
      patterns.put(column.name(), "timestamp".equals(column.type())
          ? List.of(date + " H:mm:ss", date + " H:mm", date)
          : List.of(date));
    }
    return patterns;
  }
}
