package org.deepline.etl;

import java.util.List;
import java.util.Map;
import org.deepline.config.ConfigErrors;

/**
 * Where the raw data comes from.
 *
 * @param format    the reader: {@code csv}, {@code json} (JSON lines), {@code parquet}, {@code orc}
 *                  or {@code delta}
 * @param path      a file, directory or glob (a table directory for delta), local or on any Hadoop
 *                  file system
 * @param options   reader options passed to Spark as they are (e.g. {@code "sep": ";"})
 * @param multiLine json only: each file is one JSON document (an object, or an array of objects)
 *                  that may span lines, instead of one object per line
 */
public record SourceConfig(String format, String path, Map<String, String> options,
    Boolean multiLine) {
  public static final String CSV = "csv";
  public static final String JSON = "json";
  public static final String PARQUET = "parquet";
  public static final String ORC = "orc";
  public static final String DELTA = "delta";
  public static final List<String> FORMATS = List.of(CSV, JSON, PARQUET, ORC, DELTA);

  public SourceConfig {
    format = format == null ? CSV : format;
    options = options == null ? Map.of() : Map.copyOf(options);
    multiLine = multiLine == null ? Boolean.FALSE : multiLine;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(format, FORMATS, "format");
    errors.requireNonBlank(path, "path");
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
