package org.deepline.core;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Column references by name. Source column names may contain dots, spaces or backticks, which Spark
 * would otherwise parse as nested fields or reject, so every name is quoted.
 */
public final class Columns {
  private Columns() {}

  /** The name, backtick-quoted for Spark's parser. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  public static Column col(String name) {
    return functions.col(quote(name));
  }
}
