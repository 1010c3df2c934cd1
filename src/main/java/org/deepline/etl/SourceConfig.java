package org.deepline.etl;

import java.util.List;
import java.util.Map;
import org.deepline.config.ConfigErrors;

/**
 * Where the raw data comes from.
 *
 * @param format  the reader; {@code csv} for now
 * @param path    a file, directory or glob, local or on any Hadoop file system
 * @param options reader options passed to Spark as they are (e.g. {@code "sep": ";"})
 */
public record SourceConfig(String format, String path, Map<String, String> options) {
  public static final List<String> FORMATS = List.of("csv");

  public SourceConfig {
    format = format == null ? "csv" : format;
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(format, FORMATS, "format");
    errors.requireNonBlank(path, "path");
    if (path != null && path.matches("^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*@.*")) {
      // Never echo the path here: it holds the credentials.
      errors.add("path", "credentials in the URI are not accepted (they would be written to run "
          + "records and logs); use the environment or a credential provider");
    }
  }
}
