package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * Where the raw data comes from.
 *
 * @param format    the reader: {@code csv}, {@code json} (JSON lines), {@code parquet}, {@code orc},
 *                  {@code avro}, {@code delta}, {@code jdbc} or {@code rest}
 * @param path      a file, directory or glob (a table directory for delta), local or on any Hadoop
 *                  file system; every format but jdbc and rest. {@code {run_date}} in it is
 *                  replaced by the run date ({@link #on})
 * @param options   reader options passed to Spark as they are (e.g. {@code "sep": ";"}); with rest,
 *                  JSON reader options for the records
 * @param multiLine json only: each file is one JSON document (an object, or an array of objects)
 *                  that may span lines, instead of one object per line
 * @param jdbc      jdbc only: the database, table or query, credentials and read plan
 * @param rest      rest only: the API, its pagination, retries and credentials
 * @param schemaEvolution what ingest does when the source's columns differ from
 *                  {@code schema.columns} ({@link SchemaEvolution}): {@value #FAIL} (the default),
 *                  {@value #ADD_COLUMNS} or {@value #BRONZE_ONLY}
 */
public record SourceConfig(
    @JsonPropertyDescription("The reader; what each gives bronze: "
        + "[formats](configuration.md#source-sourceconfig).")
    @OneOf("FORMATS")
    String format,
    @JsonPropertyDescription("A file, directory or glob (for `delta`, the table's directory), "
        + "local or on any Hadoop file system (`hdfs://`, `s3a://`). A relative path is resolved "
        + "against the driver's working directory, so run from the repository root; on a cluster "
        + "use a path every executor can read. `{run_date}` in it becomes the run date being "
        + "processed (`/landing/churn/{run_date}/*.csv`, for `nightly`); Hadoop's glob braces "
        + "(`{a,b}`) are left alone. A path that matches nothing fails with `source.path: cannot "
        + "read <path>: no such file or directory`. Allowed: non-blank. Required, except with "
        + "`jdbc` and `rest` (where it is not allowed).")
    String path,
    @JsonPropertyDescription("Spark reader options of the format, passed as they are (not with "
        + "`jdbc`, whose settings are under `source.jdbc`; with `rest`, JSON reader options "
        + "applied to the records, e.g. `{\"primitivesAsString\": \"true\"}`), e.g. `{\"sep\": "
        + "\";\", \"encoding\": \"ISO-8859-1\"}` for CSV, `{\"mergeSchema\": \"true\"}` for "
        + "Parquet, `{\"versionAsOf\": \"12\"}` for Delta. Two are deepline's own, for CSV: "
        + "`decimal`, the decimal mark of numbers written as text, `\",\"` or `\".\"`; unset, a "
        + "`;`-delimited file (declared or found from its header) reads `3,5` in a `double` column "
        + "as 3.5, as spreadsheets and R's `write.csv2` write it, and any other file only `3.5`; "
        + "and `thousands` (pandas' name), the separator between groups of thousands, `\",\"`, "
        + "`\".\"`, `\" \"` (also the no-break spaces) or `\"'\"`, removed from every `int`, "
        + "`long` and `double` value before it is read (`1.234.567` and `69.711` with `\".\"`, "
        + "`1,003` with `\",\"`); unset, a number written with one is quarantined with a hint "
        + "that names it. It cannot be the decimal mark.")
    Map<String, String> options,
    @JsonPropertyDescription("json: `false` (default): JSON lines, one object per line; `true`: "
        + "each file is one JSON document that may span lines, an object or an array of objects "
        + "(Spark's `multiLine`). csv: `true`: a quoted field may hold line breaks (each file is "
        + "then read by one task); `false`: one record per line; unset: `true` when, in the first "
        + "5,000 lines Spark reads of the files, a record's quoted field spans lines (RFC 4180, "
        + "as R's `write.csv` writes text with line breaks) and no stray quote is found. Allowed: `json` and `csv` only.")
    Boolean multiLine,
    @JsonPropertyDescription("The database table or query: "
        + "[details](configuration.md#sourcejdbc-jdbcconfig). Allowed: `jdbc` only. Required "
        + "with `jdbc`.")
    JdbcConfig jdbc,
    @JsonPropertyDescription("The JSON API, its pagination, retries and credentials: "
        + "[details](configuration.md#sourcerest-restconfig). Allowed: `rest` only. Required "
        + "with `rest`.")
    RestConfig rest,
    @JsonPropertyDescription("What ingest does when the source's columns differ from "
        + "`schema.columns` (names after renaming): "
        + "[schema evolution](configuration.md#schema-evolution). `fail`: a source column the "
        + "schema does not declare, or a declared column the source lacks, fails the load before "
        + "anything is written, naming the columns and the source. `add_columns`: undeclared "
        + "source columns are loaded into bronze and silver as they arrive, added to the tables by "
        + "Delta schema evolution; a declared column the source lacks is loaded as null when it is "
        + "nullable and fails the load when it is not. `bronze_only`: undeclared source columns "
        + "are kept in bronze only; a missing declared column fails. A JDBC source's "
        + "`watermark_column` and `partition_column` are never undeclared.")
    @OneOf("SCHEMA_EVOLUTIONS")
    String schemaEvolution) {
  public static final String CSV = "csv";
  public static final String JSON = "json";
  public static final String PARQUET = "parquet";
  public static final String ORC = "orc";
  public static final String AVRO = "avro";
  public static final String DELTA = "delta";
  public static final String JDBC = "jdbc";
  public static final String REST = "rest";
  public static final List<String> FORMATS = List.of(CSV, JSON, PARQUET, ORC, AVRO, DELTA,
      JDBC, REST);
  /** An undeclared source column or a declared column missing from the source fails the load. */
  public static final String FAIL = "fail";
  /**
   * Undeclared source columns go to bronze and silver (Delta schema evolution); a declared nullable
   * column missing from the source is loaded as null.
   */
  public static final String ADD_COLUMNS = "add_columns";
  /** Undeclared source columns are kept in bronze only; a missing declared column fails the load. */
  public static final String BRONZE_ONLY = "bronze_only";
  public static final List<String> SCHEMA_EVOLUTIONS = List.of(FAIL, ADD_COLUMNS, BRONZE_ONLY);
  /** Replaced in {@code path} by the run date, as {@code YYYY-MM-DD}. */
  public static final String RUN_DATE_PLACEHOLDER = "{run_date}";

  public SourceConfig {
    format = format == null ? CSV : format;
    options = options == null ? Map.of() : Map.copyOf(options);
    // A CSV source without it is looked at when it is read (SourceReader): null until then.
    multiLine = multiLine == null && !CSV.equals(format) ? Boolean.FALSE : multiLine;
    schemaEvolution = schemaEvolution == null ? FAIL : schemaEvolution;
  }

  /** This source with the reader option {@code key} set to {@code value}. */
  public SourceConfig withOption(String key, String value) {
    Map<String, String> more = new HashMap<>(options);
    more.put(key, value);
    return new SourceConfig(format, path, more, multiLine, jdbc, rest, schemaEvolution);
  }

  /** A file, JDBC or REST source that fails on a column the schema does not match. */
  public SourceConfig(String format, String path, Map<String, String> options, Boolean multiLine,
      JdbcConfig jdbc, RestConfig rest) {
    this(format, path, options, multiLine, jdbc, rest, null);
  }

  /** A file source. */
  public SourceConfig(String format, String path, Map<String, String> options, Boolean multiLine) {
    this(format, path, options, multiLine, null, null);
  }

  /** A file or JDBC source. */
  public SourceConfig(String format, String path, Map<String, String> options, Boolean multiLine,
      JdbcConfig jdbc) {
    this(format, path, options, multiLine, jdbc, null);
  }

  /**
   * This source for one run date: {@value #RUN_DATE_PLACEHOLDER} in {@code path} becomes the date
   * ({@code landing/flights/{run_date}/*.csv} reads {@code landing/flights/2026-12-02/*.csv}), so a
   * nightly run reads that night's files. Hadoop's own glob braces ({@code {a,b}}) are left alone.
   */
  public SourceConfig on(String runDate) {
    if (path == null || !path.contains(RUN_DATE_PLACEHOLDER)) {
      return this;
    }
    return new SourceConfig(format, path.replace(RUN_DATE_PLACEHOLDER, runDate), options, multiLine,
        jdbc, rest, schemaEvolution);
  }

  public boolean isJdbc() {
    return JDBC.equals(format);
  }

  public boolean isRest() {
    return REST.equals(format);
  }

  /** How errors and bronze's {@code _source_file} name the source. */
  public String describe() {
    if (isJdbc() && jdbc != null) {
      return jdbc.describe();
    }
    return isRest() && rest != null ? rest.describe() : path;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(format, FORMATS, "format");
    errors.requireOneOf(schemaEvolution, SCHEMA_EVOLUTIONS, "schema_evolution");
    validateSection(errors, JDBC, jdbc, jdbc == null ? null : jdbc::validate, "source.jdbc");
    validateSection(errors, REST, rest, rest == null ? null : rest::validate, "source.rest.url");
    if (isJdbc() && !options.isEmpty()) {
      errors.add("options", "do not apply to format jdbc (its settings are under source.jdbc)");
    }
    if (!isJdbc() && !isRest()) {
      errors.requireNonBlank(path, "path");
    }
    if (path != null && path.matches("^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@.*")) {
      // Never echo the path here: it holds the credentials.
      errors.add("path", "credentials in the URI are not accepted (they would be written to run "
          + "records and logs); use the environment or a credential provider");
    }
    options.forEach((key, value) -> {
      if (CsvDelimiters.isOwnOption(key)) {
        if (!CSV.equals(format)) {
          errors.at("options").add(key, "applies to format csv only, format is " + format);
        } else if (CsvDelimiters.THOUSANDS.equalsIgnoreCase(key)) {
          errors.at("options").require(CsvDelimiters.THOUSANDS_SEPARATORS.contains(value), key,
              "must be one of \",\" \".\" \" \" \"'\", got " + value);
          errors.at("options").require(!value.equals(CsvDelimiters.decimalComma(options)
                  ? CsvDelimiters.DECIMAL_COMMA : CsvDelimiters.DECIMAL_POINT), key,
              "is the decimal mark too (" + value + "); set source.options decimal to the other "
                  + "one");
        } else {
          errors.at("options").require(CsvDelimiters.DECIMAL_MARKS.contains(value), key,
              "must be \",\" (a decimal comma) or \".\", got " + value);
        }
      }
    });
    if (Boolean.TRUE.equals(multiLine) && !JSON.equals(format) && !CSV.equals(format)) {
      errors.add("multi_line", "applies to formats json and csv only, format is " + format);
    }
  }

  /**
   * The section of a source that is not a file ({@code jdbc}, {@code rest}): required with its format
   * and validated, where it replaces {@code path}; not allowed with any other format.
   */
  private void validateSection(ConfigErrors errors, String sectionFormat, Object section,
      Consumer<ConfigErrors> validate, String source) {
    if (!sectionFormat.equals(format)) {
      if (section != null) {
        errors.add(sectionFormat, "applies to format " + sectionFormat + " only, format is " + format);
      }
      return;
    }
    if (section == null) {
      errors.add(sectionFormat, "is required with format " + sectionFormat);
    } else {
      validate.accept(errors.at(sectionFormat));
    }
    if (path != null) {
      errors.add("path", "does not apply to format " + sectionFormat + " (the source is " + source
          + ")");
    }
  }
}
