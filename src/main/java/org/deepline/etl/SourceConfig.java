package org.deepline.etl;

import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;

/**
 * Where the raw data comes from.
 *
 * @param format    the reader: {@code csv}, {@code json} (JSON lines), {@code parquet}, {@code orc},
 *                  {@code delta} or {@code jdbc}
 * @param path      a file, directory or glob (a table directory for delta), local or on any Hadoop
 *                  file system; every format but jdbc
 * @param options   reader options passed to Spark as they are (e.g. {@code "sep": ";"})
 * @param multiLine json only: each file is one JSON document (an object, or an array of objects)
 *                  that may span lines, instead of one object per line
 * @param jdbc      jdbc only: the database, table or query, credentials and read plan
 */
public record SourceConfig(String format, String path, Map<String, String> options,
    Boolean multiLine, JdbcConfig jdbc) {
  public static final String CSV = "csv";
  public static final String JSON = "json";
  public static final String PARQUET = "parquet";
  public static final String ORC = "orc";
  public static final String DELTA = "delta";
  public static final String JDBC = "jdbc";
  public static final List<String> FORMATS = List.of(CSV, JSON, PARQUET, ORC, DELTA, JDBC);

  public SourceConfig {
    format = format == null ? CSV : format;
    options = options == null ? Map.of() : Map.copyOf(options);
    multiLine = multiLine == null ? Boolean.FALSE : multiLine;
  }

  /** A file source. */
  public SourceConfig(String format, String path, Map<String, String> options, Boolean multiLine) {
    this(format, path, options, multiLine, null);
  }

  public boolean isJdbc() {
    return JDBC.equals(format);
  }

  /** How errors and bronze's {@code _source_file} name the source. */
  public String describe() {
    return isJdbc() && jdbc != null ? jdbc.describe() : path;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(format, FORMATS, "format");
    if (isJdbc()) {
      if (jdbc == null) {
        errors.add("jdbc", "is required with format jdbc");
      } else {
        jdbc.validate(errors.at("jdbc"));
      }
      if (path != null) {
        errors.add("path", "does not apply to format jdbc (the source is source.jdbc)");
      }
      if (!options.isEmpty()) {
        errors.add("options", "do not apply to format jdbc (its settings are under source.jdbc)");
      }
    } else {
      errors.requireNonBlank(path, "path");
      if (jdbc != null) {
        errors.add("jdbc", "applies to format jdbc only, format is " + format);
      }
    }
    if (path != null && path.matches("^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@.*")) {
      // Never echo the path here: it holds the credentials.
      errors.add("path", "credentials in the URI are not accepted (they would be written to run "
          + "records and logs); use the environment or a credential provider");
    }
    if (multiLine && !JSON.equals(format)) {
      errors.add("multi_line", "applies to format json only, format is " + format);
    }
  }
}
