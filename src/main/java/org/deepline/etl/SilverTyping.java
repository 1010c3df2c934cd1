package org.deepline.etl;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;

/**
 * Converts bronze's columns to the declared schema and says, for every row, why it cannot go to
 * silver: a malformed record, a missing required value, a value that does not convert, a repeated key.
 * A pure {@code Dataset -> Dataset} function: rows whose {@value #REASON} is empty are silver, the
 * others are quarantine.
 *
 * <p>A bronze column is either text (CSV, or a JSON string) or already typed (JSON numbers and
 * booleans, Parquet, ORC, Delta):
 *
 * <ul>
 *   <li>text is trimmed and parsed with {@code try_cast} (a date or timestamp with a declared
 *       {@code format} with {@code try_to_timestamp}); a value that does not parse is quarantined
 *       ({@code <column>: cannot parse '<text>' as <type>});</li>
 *   <li>a typed value is converted with {@code try_cast}; one that does not convert is quarantined
 *       ({@code cannot convert}), and so is one that converts with loss, i.e. does not convert back to
 *       the same value (3.5 declared {@code int}, a timestamp with a time of day declared
 *       {@code date}). Conversions to {@code double} and {@code string} are never called lossy: a
 *       declared double accepts floating-point rounding.</li>
 * </ul>
 *
 * <p>Everything is one projection of built-in expressions (no UDF, no higher-order function), so it
 * is code-generated and costs one pass wherever it is evaluated.
 */
public final class SilverTyping {
  /** The reason after a column's name when a non-nullable column has no value. */
  static final String MISSING_VALUE = ": missing value in a non-nullable column";
  /** All reasons of a row, joined by {@value #REASON_SEPARATOR}; empty for a silver row. */
  public static final String REASON = "_reason";
  /**
   * The record as it arrived: the malformed line, a REST record's text (which bronze keeps under
   * this name), or the raw fields as JSON.
   */
  public static final String RAW_RECORD = "_raw_record";
  public static final String REASON_SEPARATOR = "; ";
  /** Declared types whose conversion from a typed source value is checked for loss. */
  private static final Set<String> LOSS_CHECKED = Set.of("int", "long", "boolean", "date",
      "timestamp");
  /**
   * Text dates and timestamps read without a declared format when ISO 8601 does not parse them:
   * year first with slashes, as exports and logs write them ({@code 2001/01/01 00:47}). Only
   * year-first forms: {@code 01/02/2001} is January or February depending on who wrote it, so it
   * stays an error until the column declares its format. A date takes no time of day, which it
   * would drop.
   */
  private static final Map<String, List<String>> UNAMBIGUOUS_PATTERNS = Map.of(
      "date", List.of("yyyy/MM/dd"),
      "timestamp", List.of("yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "yyyy/MM/dd"));

  /** What Spark reads as a boolean, in any letter case. */
  private static final Set<String> BOOLEAN_WORDS = Set.of("t", "true", "y", "yes", "f", "false",
      "n", "no");

  /** A number written with a decimal comma: one comma followed by digits, no point. */
  private static final String DECIMAL_COMMA_NUMBER = "^[+-]?[0-9]*,[0-9]+([eE][+-]?[0-9]+)?$";
  /**
   * A number written with commas between groups of three digits ({@code 1,003}, {@code 12,345.5}):
   * a thousands separator at least as likely as a decimal comma, and {@code 1,003} read with a
   * decimal comma is a thousand times smaller. A leading 0 ({@code 0,500}) is a decimal comma.
   */
  private static final String THOUSANDS_GROUPED = groupedBy(",", ".");
  /**
   * A number written with points between groups of three digits ({@code 69.711},
   * {@code 1.234.567}, {@code 1.234,5}): in a file read with a decimal comma, a thousands point as
   * a German or Italian spreadsheet writes it at least as likely as a decimal point, and read as
   * written {@code 69.711} was a thousand times smaller than the 69,711 meant, without a word.
   */
  private static final String POINT_GROUPED = groupedBy(".", ",");
  /** A number with a currency sign before or after it, or a percent sign after it. */
  private static final String CURRENCY_OR_PERCENT =
      "^(?:[+-]?[$\u20ac\u00a3\u00a5] ?[0-9][0-9.,]*|[+-]?[0-9][0-9.,]* ?[%$\u20ac\u00a3\u00a5])$";
  private static final String THOUSANDS_HINT = " (a thousands separator? set source.options "
      + "thousands to \",\" to read it, or declare the column string";
  private static final String OR_DECIMAL_COMMA =
      "; if the comma is the decimal mark, set source.options decimal to \",\"";
  private static final String DECIMAL_COMMA_HINT =
      " (a decimal comma? set source.options decimal to \",\")";
  private static final String POINT_HINT = " (a thousands point? in a file read with a decimal "
      + "comma, a point before three digits may separate thousands or mark decimals: if the "
      + "file's decimals are points, set source.options decimal to \".\"; if the point separates "
      + "thousands, set source.options thousands to \".\"; or declare the column string)";
  private static final String UNIT_HINT = " (a currency or percent sign? numbers are read without "
      + "one: remove it from the file, or declare the column string)";

  private SilverTyping() {}

  /**
   * A number written with {@code separator} between groups of three digits, and decimals after
   * {@code decimalMark} or none: the shape every thousands rule here reads ({@code 1,003},
   * {@code 12,345.5}, {@code 1.234.567,5}). A leading 0 ({@code 0,500}) is never a group.
   */
  private static String groupedBy(String separator, String decimalMark) {
    return "^[+-]?[1-9][0-9]{0,2}(" + Pattern.quote(separator) + "[0-9]{3})+("
        + Pattern.quote(decimalMark) + "[0-9]*)?$";
  }

  /**
   * Checks, before any data is read, that every declared column can be converted from its bronze
   * type: text and atomic types can; arrays, maps and binary data cannot.
   */
  public static void transformSchema(StructType bronze, SchemaConfig schema) {
    for (ColumnSpec column : schema.columns()) {
      DataType type = bronze.apply(column.name()).dataType();
      boolean convertible = type instanceof NullType
          || (type instanceof AtomicType && !(type instanceof BinaryType));
      if (!convertible) {
        throw new DeeplineException("ingest: column " + column.name() + " is "
            + type.simpleString() + " in the source and cannot be declared " + column.type()
            + "; only text, numbers, booleans, dates and timestamps can be converted");
      }
    }
  }

  /**
   * @param nullTokens text that means "no value" in a text column declared other than string
   *                   ({@link IngestConfig#nullTokens})
   * @param carried bronze columns passed to silver as they are, after the declared ones:
   *                undeclared source columns under {@code source.schema_evolution: add_columns}
   * @param marks        how text numbers are written: a value of a {@code double} column that
   *                     does not parse as written is read with its one comma as the decimal mark
   *                     ({@code 3,5}) when {@link NumberMarks#decimalComma}; a declared thousands
   *                     separator is removed between groups of three digits
   * @param label        the label: when its column is declared {@code string}, a null token in
   *                     it is no value too (R's {@code write.csv} writes a missing class as
   *                     {@code NA}, which would otherwise be a class of its own: a negative row),
   *                     unless the token is the positive class or one of the column's
   *                     {@code allowed_values}
   * @param datePatterns  by text date or timestamp column declared without a format, the patterns
   *                      its values are read with when ISO 8601 does not parse them
   *                      ({@link DayMonthOrder}); a column not named has none of its own
   */
  public static Dataset<Row> apply(Dataset<Row> bronze, SchemaConfig schema,
      String malformedReason, List<String> nullTokens, List<String> carried,
      NumberMarks marks, LabelConfig label, Map<String, List<String>> datePatterns) {
    boolean decimalComma = marks.decimalComma();
    transformSchema(bronze.schema(), schema);
    boolean fixedOffset = ZoneId.of(bronze.sparkSession().sessionState().conf()
        .sessionLocalTimeZone()).getRules().isFixedOffset();
    List<Column> selected = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    reasons.add(functions.when(functions.col(SourceReader.CORRUPT_RECORD).isNotNull(),
        functions.lit(malformedReason)));
    if (!schema.key().isEmpty()) {
      // Which of two records with one key is right cannot be known here: neither goes to silver.
      reasons.add(functions.when(functions.col(RecordIds.COPIES).gt(1),
          functions.concat(functions.lit("duplicate key " + schema.key() + " = "),
              functions.col(RecordIds.RECORD_ID), functions.lit(": "),
              functions.col(RecordIds.COPIES).cast("string"), functions.lit(" records share it"))));
    }
    for (ColumnSpec column : schema.columns()) {
      DataType sourceType = bronze.schema().apply(column.name()).dataType();
      List<String> tokens = column.nullTokensOr(nullTokens);
      Converted converted = sourceType != DataTypes.StringType
          ? fromTyped(column, sourceType, fixedOffset)
          : column.name().equals(label.column()) && "string".equals(column.type())
              ? labelText(column, tokens.stream()
                  .filter(token -> !namesAClass(token, label.positive(), column.allowedValues()))
                  .toList())
              : fromText(column, tokens, marks,
                  datePatterns.getOrDefault(column.name(), List.of()));
      selected.add(converted.value().as(column.name()));
      reasons.add(converted.reason());
    }
    List<Column> out = new ArrayList<>(selected);
    carried.forEach(name -> out.add(Columns.col(name)));
    out.add(functions.col(RecordIds.RECORD_ID));
    out.add(functions.col(SourceReader.SOURCE_FILE));
    // concat_ws skips nulls: a row without reasons gets "", and no array is built per row.
    out.add(functions.concat_ws(REASON_SEPARATOR, reasons.toArray(Column[]::new)).as(REASON));
    Column[] rawFields = Arrays.stream(bronze.columns())
        .filter(name -> !name.startsWith("_") && !name.equals(DeltaTables.RUN_DATE))
        .map(Columns::col)
        .toArray(Column[]::new);
    List<Column> asArrived = new ArrayList<>(List.of(functions.col(SourceReader.CORRUPT_RECORD)));
    if (Arrays.asList(bronze.columns()).contains(RAW_RECORD)) {
      asArrived.add(functions.col(RAW_RECORD)); // a REST record's own text
    }
    asArrived.add(functions.to_json(functions.struct(rawFields)));
    // Only quarantine reads it: the optimizer drops it from the silver projection.
    out.add(functions.coalesce(asArrived.toArray(Column[]::new)).as(RAW_RECORD));
    return bronze.select(out.toArray(Column[]::new));
  }

  /**
   * Adds a reason to every row whose label expression is null (its inputs are missing), so that every
   * silver row has a label. Column labels need no such step: their column is non-nullable.
   */
  public static Dataset<Row> requireLabel(Dataset<Row> typed, LabelConfig label) {
    if (!label.isExpression()) {
      return typed;
    }
    Column binary = label.binaryOn(typed);
    Column reason = functions.col(REASON);
    return typed.withColumn(REASON, functions.concat_ws(REASON_SEPARATOR,
        functions.when(reason.notEqual(""), reason),
        functions.when(binary.isNull(), functions.lit(label.nullReason()))));
  }

  /**
   * A declared column's typed value, and the one expression that says why a row's value cannot go
   * to silver (null when it can). Silver's filter evaluates the reason and its projection the value,
   * each once per value: written so that a value that converts, by far the commonest, costs one trim
   * and one conversion in each, and the checks of what is missing run only for a value that did not
   * convert. Written as separate conditions (value missing, value not parsed, value not finite),
   * each re-evaluating the trim, the null tokens and the conversion, they were most of ingest's
   * time on wide tables (1,503 columns: each row's filter and projection evaluated about 12,000
   * trims, 6,000 token lists and 6,000 conversions).
   */
  private record Converted(Column value, Column reason) {}

  /** The reason of a column that no conversion can reject: none, or its missing value. */
  private static Converted withoutConversion(ColumnSpec column, Column value, Column present) {
    return new Converted(value, column.nullable() ? functions.lit(null).cast(DataTypes.StringType)
        : functions.when(functions.not(present), functions.lit(column.name() + MISSING_VALUE)));
  }

  /**
   * Whether a null token is a class of the label after all: the positive one, or one of the
   * column's declared {@code allowed_values} ({@code NA} for North America).
   */
  private static boolean namesAClass(String token, String positive, List<String> allowedValues) {
    return (positive != null && LabelConfig.sameClass(token, positive))
        || allowedValues.stream().anyMatch(value -> LabelConfig.sameClass(token, value));
  }

  /**
   * A text label: its exact text, or no value when it is blank or one of {@code nullTokens}, so that
   * the row goes to quarantine as one without a label instead of into a class of its own.
   */
  private static Converted labelText(ColumnSpec column, List<String> nullTokens) {
    Column raw = Columns.col(column.name());
    Column present = raw.isNotNull()
        .and(functions.not(functions.expr(missingText(trimmed(column), nullTokens))));
    return withoutConversion(column, functions.when(present, raw), present);
  }

  /** SQL of a text column's value without surrounding spaces. */
  private static String trimmed(ColumnSpec column) {
    return "trim(" + Columns.quote(column.name()) + ")";
  }

  /**
   * SQL that is true where a text value ({@code trimmed}, SQL) is blank or one of
   * {@code nullTokens}.
   */
  private static String missingText(String trimmed, List<String> nullTokens) {
    return trimmed + " = ''" + tokenIn(trimmed, nullTokens, " OR ");
  }

  /** SQL {@code <joiner><text> IN (<tokens>)}, or nothing for no token. */
  private static String tokenIn(String text, List<String> tokens, String joiner) {
    return tokens.isEmpty() ? "" : joiner + text + " IN (" + tokens.stream()
        .map(SilverTyping::sqlString).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * try_cast gives null instead of failing (whatever spark.sql.ansi.enabled says), which is how a bad
   * value is told apart from a good one; strings keep their exact text, numbers ignore padding.
   *
   * <p>A value that converts is neither blank nor a null token, except a token that the conversion
   * itself accepts ({@link #mayConvert}: {@code NaN} for a double): so only those are compared with
   * the value, and the whole token list only where the conversion gave nothing.
   */
  private static Converted fromText(ColumnSpec column, List<String> nullTokens,
      NumberMarks marks, List<String> datePatterns) {
    boolean decimalComma = marks.decimalComma();
    Column raw = Columns.col(column.name());
    String text = trimmed(column);
    if ("string".equals(column.type())) {
      if (column.nullTokens() == null || column.nullTokens().isEmpty()) {
        // ingest.null_tokens are not applied to text: NA may be North America.
        return withoutConversion(column, raw, raw.isNotNull().and(functions.expr(text + " <> ''")));
      }
      // The column's own tokens: its text NA is a missing value, as the config says.
      Column present = raw.isNotNull().and(functions.not(functions.expr(missingText(text,
          nullTokens))));
      return withoutConversion(column, functions.when(present.or(functions.expr(text + " = ''")),
          raw), present);
    }
    // The declared thousands separator goes before any parse of a number.
    String number = marks.thousands() != null && column.isNumeric()
        ? withoutSeparator(text, marks.thousands(), decimalComma) : text;
    // coalesce evaluates a fallback only for a value the cast before it did not parse.
    Stream<String> fallbacks = decimalComma && "double".equals(column.type())
        ? Stream.of(withDecimalComma(number))
        : Stream.concat(UNAMBIGUOUS_PATTERNS.getOrDefault(column.type(), List.of()).stream(),
                datePatterns.stream())
            .map(pattern -> fromPattern(text, pattern, column.type()));
    String parsed = column.format() != null
        ? fromPattern(text, column.format(), column.type())
        : "coalesce(" + Stream.concat(Stream.of("try_cast(" + number + " as "
            + sqlType(column.type()) + ")"), fallbacks).collect(Collectors.joining(", ")) + ")";
    if (decimalComma && "double".equals(column.type()) && marks.thousands() == null) {
      // Not read as written: which of 69,711 and 69.711 it is, the file does not say.
      parsed = "CASE WHEN " + text + " RLIKE " + sqlString(POINT_GROUPED) + " THEN NULL ELSE "
          + parsed + " END";
    }
    // A declared format may read words (month names: MMMM), so any token may parse with it.
    List<String> convertible = nullTokens.stream()
        .filter(token -> column.format() != null || mayConvert(token, column.type())).toList();
    // try_cast exists only in SQL text in this Spark.
    String value = convertible.isEmpty() ? parsed
        : "CASE WHEN " + text + tokenIn("", convertible, "") + " THEN NULL ELSE " + parsed + " END";
    Column typed = functions.expr(value);
    Column unparsable = functions.concat(functions.lit(column.name() + ": cannot parse '"), raw,
        functions.lit("' as " + column.type() + expectedFormat(column)),
        numberHint(column, decimalComma, marks.thousands() != null));
    Column missing = functions.expr(Columns.quote(column.name()) + " IS NULL OR "
        + missingText(text, nullTokens));
    Column noValue = column.nullable() ? functions.lit(null).cast(DataTypes.StringType)
        : functions.lit(column.name() + MISSING_VALUE);
    Column whenConverted = "double".equals(column.type())
        // try_cast accepts NaN and Infinity, which no statistic or network can use. A finite
        // number times zero is zero, NaN and the infinities give NaN: the value is evaluated once.
        ? functions.when(typed.multiply(0.0).equalTo(0.0), functions.lit(null))
            .when(typed.isNotNull(), nonFinite(column))
        : functions.when(typed.isNotNull(), functions.lit(null));
    return new Converted(typed, whenConverted.when(missing, noValue).otherwise(unparsable));
  }

  /** The reason of a double that converted to NaN or an infinity. */
  private static Column nonFinite(ColumnSpec column) {
    return functions.concat(functions.lit(column.name() + ": '"), text(column.name()),
        functions.lit("' is not a finite number"));
  }

  /**
   * Whether a null token could be read as a value of {@code type}: one with a digit, a double's
   * special words ({@code NaN}, {@code Infinity}, {@code inf}) or a boolean's words. Erring
   * towards yes costs one comparison per value; towards no would let a null token through as a
   * value.
   */
  static boolean mayConvert(String token, String type) {
    String word = token.strip().toLowerCase(Locale.ROOT);
    if (word.chars().anyMatch(Character::isDigit)) {
      return true;
    }
    return switch (type) {
      case "double" -> word.replaceFirst("^[+-]", "").matches("nan|inf|infinity");
      case "boolean" -> BOOLEAN_WORDS.contains(word);
      default -> false;
    };
  }

  /**
   * SQL of a text number without its thousands separator, removed only where it stands between
   * groups of three digits ({@code 1.234.567}, {@code 1.234,5}): a separator anywhere else
   * ({@code 7.25} with {@code .}, {@code 1,5} with {@code ,}) is left, so that the value is read
   * as written or quarantined, never a hundred times larger. A space also stands for the no-break
   * spaces French exports write between groups.
   */
  private static String withoutSeparator(String text, String separator, boolean decimalComma) {
    String spaced = " ".equals(separator)
        ? "replace(replace(" + text + ", '\u00a0', ' '), '\u202f', ' ')" : text;
    String grouped = groupedBy(separator, decimalComma ? "," : ".");
    return "CASE WHEN " + spaced + " RLIKE " + sqlString(grouped) + " THEN replace(" + spaced
        + ", " + sqlString(separator) + ", '') ELSE " + text + " END";
  }

  /**
   * SQL that parses {@code value} written with a decimal comma ({@code -3,5}, {@code 2,875},
   * {@code 1,5E3}) as a double, or null: one comma followed by digits, no point, as a number is written
   * where the comma is the decimal mark.
   */
  private static String withDecimalComma(String value) {
    return "try_cast(CASE WHEN " + value + " RLIKE " + sqlString(DECIMAL_COMMA_NUMBER)
        + " THEN replace(" + value + ", ',', '.') END as double)";
  }

  /**
   * After a number that did not parse: what it looks written with, and what to do. A currency or
   * percent sign, or a thousands separator (any number column); in a double read without a decimal
   * comma the thousands separator is said before the decimal comma ({@code 1,003} read with one
   * would load as 1.003 without a word), and a decimal comma ({@code 2,5}) with the option that
   * reads it. Otherwise nothing.
   */
  private static Column numberHint(ColumnSpec column, boolean decimalComma,
      boolean separatorDeclared) {
    if (!column.isNumeric()) {
      return functions.lit("");
    }
    Column value = functions.expr(trimmed(column));
    Column hint = functions.when(value.rlike(CURRENCY_OR_PERCENT), functions.lit(UNIT_HINT));
    if (separatorDeclared) {
      // The user said how thousands are written: a hint about them would second-guess it.
      return hint.otherwise(functions.lit(""));
    }
    if (decimalComma) {
      hint = hint.when(value.rlike(POINT_GROUPED), functions.lit(POINT_HINT));
    }
    if (!"double".equals(column.type())) {
      hint = hint.when(value.rlike(THOUSANDS_GROUPED), functions.lit(THOUSANDS_HINT + ")"));
    } else if (!decimalComma) {
      hint = hint.when(value.rlike(THOUSANDS_GROUPED),
              functions.lit(THOUSANDS_HINT + OR_DECIMAL_COMMA + ")"))
          .when(value.rlike(DECIMAL_COMMA_NUMBER), functions.lit(DECIMAL_COMMA_HINT));
    }
    return hint.otherwise(functions.lit(""));
  }

  /** SQL that parses {@code value} with a datetime {@code pattern} into {@code type}, or null. */
  private static String fromPattern(String value, String pattern, String type) {
    return "try_cast(try_to_timestamp(" + value + ", " + sqlString(pattern) + ") as "
        + sqlType(type) + ")";
  }

  /**
   * What a date or timestamp was expected to look like, for the quarantine reason: the declared
   * format, or ISO 8601 and the key that changes it.
   */
  private static String expectedFormat(ColumnSpec column) {
    if (!"date".equals(column.type()) && !"timestamp".equals(column.type())) {
      return "";
    }
    return column.format() != null ? " with format '" + column.format() + "'"
        : " (ISO 8601 or yyyy/MM/dd expected; declare the column's format otherwise, e.g. "
            + "\"format\": \"dd/MM/yyyy\" or \"MM/dd/yyyy\" in schema.columns)";
  }

  /** A SQL string literal of {@code text}. */
  private static String sqlString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * @param fixedOffset whether the session time zone has one offset all year (UTC, as deepline's
   *                    sessions have it)
   */
  private static Converted fromTyped(ColumnSpec column, DataType sourceType, boolean fixedOffset) {
    Converted converted = convertTyped(column, sourceType, fixedOffset);
    if (!"double".equals(column.type())) {
      return converted;
    }
    // try_cast accepts NaN and Infinity, which no statistic or network can use.
    Column nonFinite = functions.when(converted.value().multiply(0.0).notEqual(0.0),
        nonFinite(column));
    return new Converted(converted.value(), functions.coalesce(converted.reason(), nonFinite));
  }

  private static Converted convertTyped(ColumnSpec column, DataType sourceType,
      boolean fixedOffset) {
    Column raw = Columns.col(column.name());
    Column present = raw.isNotNull();
    String target = sqlType(column.type());
    if ("string".equals(column.type())) {
      return withoutConversion(column, raw.cast(DataTypes.StringType), present);
    }
    if (sourceType instanceof NullType) {
      return withoutConversion(column, functions.lit(null).cast(target), present);
    }
    if (sameType(sourceType, column.type())) {
      return withoutConversion(column, raw, present);
    }
    String converted = "try_cast(" + Columns.quote(column.name()) + " as " + target + ")";
    Column typed = functions.expr(converted);
    String described = " (" + sourceType.simpleString() + ")";
    Column reason = functions.when(present.and(typed.isNull()),
        functions.concat(functions.lit(column.name() + ": cannot convert "), text(column.name()),
            functions.lit(described + " to " + column.type())));
    if (!column.nullable()) {
      reason = functions.when(functions.not(present), functions.lit(column.name() + MISSING_VALUE))
          .otherwise(reason);
    }
    if (LOSS_CHECKED.contains(column.type())
        && !alwaysExact(sourceType, column.type(), fixedOffset)) {
      Column back = functions.expr("try_cast(" + converted + " as " + sourceType.sql() + ")");
      reason = functions.coalesce(reason, functions.when(
          typed.isNotNull().and(functions.not(back.eqNullSafe(raw))),
          functions.concat(functions.lit(column.name() + ": "), text(column.name()),
              functions.lit(described + " does not convert to " + column.type()
                  + " without loss"))));
    }
    return new Converted(typed, reason);
  }

  /**
   * Whether every value of {@code sourceType} converts to {@code declared} exactly, so that the
   * round trip that looks for loss can be left out (it converted each value twice more: for a
   * timestamp, twice through the calendar of the zone). A timestamp without a zone (Parquet's
   * {@code timestamp_ntz}) is one instant in a zone of fixed offset; in a zone with daylight saving
   * time a local time in the spring gap is not, which the round trip still catches.
   */
  private static boolean alwaysExact(DataType sourceType, String declared, boolean fixedOffset) {
    return sourceType == DataTypes.TimestampNTZType && "timestamp".equals(declared) && fixedOffset;
  }

  private static boolean sameType(DataType sourceType, String declared) {
    return switch (declared) {
      case "int" -> sourceType == DataTypes.IntegerType;
      case "long" -> sourceType == DataTypes.LongType;
      case "double" -> sourceType == DataTypes.DoubleType;
      case "boolean" -> sourceType == DataTypes.BooleanType;
      case "date" -> sourceType == DataTypes.DateType;
      case "timestamp" -> sourceType == DataTypes.TimestampType;
      default -> false;
    };
  }

  /** A column's value as text, for reasons. */
  private static Column text(String column) {
    return Columns.col(column).cast(DataTypes.StringType);
  }

  private static String sqlType(String type) {
    return "long".equals(type) ? "bigint" : type;
  }
}
