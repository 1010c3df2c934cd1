package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;

/**
 * One declared column of the silver table.
 *
 * @param name           the column name in the source (and in silver), after ingest's renaming of
 *                       names Delta rejects ({@link ColumnNames})
 * @param type           string, int, long, double, boolean, date or timestamp
 * @param nullable       whether a missing value is allowed; a missing value in a non-nullable column
 *                       sends the row to quarantine. Not declared: allowed, except in the label
 *                       column and key columns ({@link SchemaConfig#requiring})
 * @param min            smallest allowed value of a numeric column (checked by {@code validate})
 * @param max            largest allowed value of a numeric column (checked by {@code validate})
 * @param allowedValues  the only values a string column may take (checked by {@code validate})
 * @param maxNullFraction the largest share of missing values {@code validate} accepts, when stricter
 *                       or looser than the job's default
 * @param sourceName     the column's name in the source when it differs from {@code name}: set by the
 *                       config loader when the config declares a header name Delta rejects
 *                       ({@code HeaderNames}); ingest fails if the source's renaming does not give
 *                       this source column the name {@code name}
 * @param format         the datetime pattern of a text date or timestamp column
 * @param nullTokens     text that means no value in this column, in place of
 *                       {@code ingest.null_tokens} (which a string column does not apply); null
 *                       when the column declares none
 */
public record ColumnSpec(
    @JsonPropertyDescription("Column name in the source and in silver. A header name Delta "
        + "rejects (`Cost Total $`) is replaced, here and wherever the config names it, by the "
        + "name ingest gives the column (`cost_total`, see "
        + "[renaming](configuration.md#source-sourceconfig)). Allowed: non-blank, not starting "
        + "with `_`.")
    @Required
    String name,
    @JsonPropertyDescription("Silver type; see [type "
        + "conversion](configuration.md#type-conversion). Spark SQL's and pandas' spellings "
        + "are read as the type they name, in any letter case: `integer`, `smallint`, "
        + "`tinyint`, `short`, `byte`, `int32`, `int64` and `bigint` (`long`), `float`, `real`, "
        + "`float32` and `float64` (`double`), `bool`, `str`, `object`, `category` and "
        + "`text` (`string`), `datetime`, `datetime64[ns]` and `timestamp_ntz` (`timestamp`).")
    @Required
    @OneOf("TYPES")
    String type,
    @JsonPropertyDescription("`false`: a missing or blank value sends the row to quarantine "
        + "(`<name>: missing value in a non-nullable column`). The label column and key columns "
        + "are required without saying so: a row without them cannot be used; declaring them "
        + "`true` is an error. Default: `true`; `false` for the label column and key columns.")
    Boolean nullable,
    @JsonPropertyDescription("Smallest allowed value; checked by `validate` (constraint "
        + "`range:<name>`). Allowed: numeric types only; `min <= max`.")
    Double min,
    @JsonPropertyDescription("Largest allowed value; checked by `validate`. Allowed: numeric "
        + "types only.")
    Double max,
    @JsonPropertyDescription("The only values allowed; checked by `validate` (constraint "
        + "`allowed_values:<name>`). Allowed: `string` columns only.")
    List<String> allowedValues,
    @JsonPropertyDescription("Largest share of nulls `validate` accepts (constraint "
        + "`null_fraction:<name>`, an error). When absent: `0` for non-nullable columns (an "
        + "error); for nullable ones `validation.default_max_null_fraction`, a warning unless "
        + "that is set (a column with every row null then fails `not_all_null:<name>`, unless "
        + "no earlier run saw a value in it either: then it warns). "
        + "Allowed: `[0, 1]`.")
    Double maxNullFraction,
    @JsonPropertyDescription("The header name of a column declared by a name Delta rejects; "
        + "ingest fails if the source's renaming gives that source column another name. Normally "
        + "left out. Set by the loader.")
    String sourceName,
    @JsonPropertyDescription("The pattern a text value of a `date` or `timestamp` column is "
        + "written in, in Spark's datetime pattern letters, e.g. `yyyy/MM/dd HH:mm` or "
        + "`dd.MM.yyyy`; a value that does not match it is quarantined. When unset: ISO 8601 "
        + "(`2026-05-01`, `2026-05-01 06:30:00`, `2026-05-01T06:30:00`) or year first with "
        + "slashes (`2026/05/01`, `2026/05/01 06:30`), never a day-month order that could be read "
        + "two ways. Typed source values "
        + "(Parquet, Avro, ORC, Delta timestamps) need none. Allowed: `date` and `timestamp` "
        + "columns only.")
    String format,
    @JsonPropertyDescription("Text that means \"no value\" in this column, in place of "
        + "`ingest.null_tokens`: after trimming, a value equal to one of them (exact case) is "
        + "missing. On a `string` column, which keeps `ingest.null_tokens`' text as it is (`NA` "
        + "may be North America), this is how R's `NA` in a text column becomes missing: "
        + "`[\"NA\"]`; `validate` warns of a string column whose common values are such text "
        + "(`null_text:<name>`), and `[]` says the text is data. Default: `ingest.null_tokens` "
        + "for the column's type. Allowed: non-blank, no surrounding spaces.")
    List<String> nullTokens) {
  public static final List<String> TYPES =
      List.of("string", "int", "long", "double", "boolean", "date", "timestamp");
  /**
   * Other spellings of {@link #TYPES}: Spark SQL's ({@code DESCRIBE} output) and pandas' dtypes,
   * so that a config written from a schema dump or a data frame runs as it is. {@code int64} is a
   * pandas integer, which needs {@code long}'s range.
   */
  private static final Map<String, String> TYPE_SYNONYMS = Map.ofEntries(
      Map.entry("integer", "int"), Map.entry("smallint", "int"), Map.entry("tinyint", "int"),
      Map.entry("short", "int"), Map.entry("byte", "int"), Map.entry("int32", "int"),
      Map.entry("bigint", "long"), Map.entry("int64", "long"),
      Map.entry("float", "double"), Map.entry("real", "double"), Map.entry("float32", "double"),
      Map.entry("float64", "double"),
      Map.entry("bool", "boolean"),
      Map.entry("str", "string"), Map.entry("object", "string"), Map.entry("category", "string"),
      Map.entry("text", "string"),
      Map.entry("datetime", "timestamp"), Map.entry("datetime64[ns]", "timestamp"),
      Map.entry("timestamp_ntz", "timestamp"));
  private static final Set<String> NUMERIC = Set.of("int", "long", "double");
  private static final Set<String> DATE_TYPES = Set.of("date", "timestamp");

  public ColumnSpec {
    allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    nullTokens = nullTokens == null ? null : List.copyOf(nullTokens);
    type = canonicalType(type);
  }

  /** {@code type} as {@link #TYPES} spells it; unchanged when it is no type's spelling. */
  public static String canonicalType(String type) {
    if (type == null) {
      return null;
    }
    String lower = type.strip().toLowerCase(Locale.ROOT);
    return TYPES.contains(lower) ? lower : TYPE_SYNONYMS.getOrDefault(lower, type);
  }

  /** A column whose source name is its name, written in the default format of its type. */
  public ColumnSpec(String name, String type, Boolean nullable, Double min, Double max,
      List<String> allowedValues, Double maxNullFraction) {
    this(name, type, nullable, min, max, allowedValues, maxNullFraction, null, null, null);
  }

  /** The null tokens of this column: its own when it declares them, else {@code ingestTokens}. */
  public List<String> nullTokensOr(List<String> ingestTokens) {
    return nullTokens != null ? nullTokens : ingestTokens;
  }

  /** Whether a missing value is allowed: yes unless the config says {@code false}. */
  @Override
  public Boolean nullable() {
    return nullable == null ? Boolean.TRUE : nullable;
  }

  /** Whether the config says {@code nullable} at all (rather than leaving it to the default). */
  public boolean nullableDeclared() {
    return nullable != null;
  }

  /** This column, with missing values sent to quarantine. */
  public ColumnSpec required() {
    return new ColumnSpec(name, type, Boolean.FALSE, min, max, allowedValues, maxNullFraction,
        sourceName, format, nullTokens);
  }

  public boolean isNumeric() {
    return NUMERIC.contains(type);
  }

  public void validate(ConfigErrors errors) {
    errors.requireNonBlank(name, "name");
    if (name != null && !name.isBlank() && !ColumnNames.deltaAccepts(name)) {
      errors.add("name", name + " has characters Delta does not accept in column names ("
          + ColumnNames.DELTA_INVALID.replace("\n", "\\n").replace("\t", "\\t")
          + "); ingest renames such source columns to " + ColumnNames.rewrite(name));
    }
    errors.requireOneOf(type, TYPES, "type");
    if ((min != null || max != null) && type != null && !isNumeric()) {
      errors.add("min", "ranges apply to numeric columns only, " + name + " is " + type);
    }
    if (min != null && max != null && min > max) {
      errors.add("max", "must be >= min (" + min + "), got " + max);
    }
    if (!allowedValues.isEmpty() && !"string".equals(type)) {
      errors.add("allowed_values", "applies to string columns only, " + name + " is " + type);
    }
    if (maxNullFraction != null) {
      errors.requireFraction(maxNullFraction, "max_null_fraction", true, true);
    }
    if (nullTokens != null) {
      IngestConfig.validateTokens(errors, nullTokens);
    }
    if (format != null) {
      if (!DATE_TYPES.contains(type)) {
        errors.add("format", "applies to date and timestamp columns only, " + name + " is "
            + type);
      } else if (format.isBlank()) {
        errors.add("format", "must not be blank");
      } else {
        try {
          DateTimeFormatter.ofPattern(format);
        } catch (IllegalArgumentException e) {
          errors.add("format", "is not a datetime pattern: " + e.getMessage());
        }
      }
    }
  }
}
