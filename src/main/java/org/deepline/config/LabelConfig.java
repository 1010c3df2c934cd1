package org.deepline.config;

import java.util.Map;
import org.deepline.etl.ColumnSpec;

/**
 * The binary target: which column, and which of its values is the positive class. Every later stage
 * reads the label through {@code label = 1.0 if column == positive else 0.0}.
 */
public record LabelConfig(String column, String positive) {
  /**
   * The 0/1 label column every stage after ingest works with; underscored like every column deepline
   * derives, so it can never clash with a source column (those may not start with '_').
   */
  public static final String LABEL = "_label";

  /** 1.0 where the label column holds the positive value, 0.0 otherwise (null stays null). */
  public org.apache.spark.sql.Column binary() {
    org.apache.spark.sql.Column value = org.deepline.core.Columns.col(column);
    return org.apache.spark.sql.functions.when(value.isNull(), null)
        .otherwise(value.cast("string").equalTo(positive).cast("double"));
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireColumn(column, columns, "column");
    errors.requireNonBlank(positive, "positive");
    ColumnSpec spec = columns.get(column);
    if (spec != null && Boolean.TRUE.equals(spec.nullable())) {
      errors.add("column", "the label column " + column
          + " must be declared nullable: false, so rows without a label go to quarantine");
    }
    if (spec != null && !spec.allowedValues().isEmpty() && positive != null
        && !spec.allowedValues().contains(positive)) {
      errors.add("positive", positive + " is not among " + column + "'s allowed_values "
          + spec.allowedValues());
    }
  }
}
