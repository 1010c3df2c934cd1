package org.deepline.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;

/**
 * Thresholds of the validate stage. Per-column ranges, allowed values and null limits are declared on
 * the schema's columns; these are the table-wide ones.
 *
 * @param minRows                 fewer rows than this is an error
 * @param defaultMaxNullFraction  null limit of nullable columns that declare none
 * @param severities              per-constraint severity overrides, keyed by constraint name
 *                                ({@code "range:tenure": "warning"})
 */
public record ValidationConfig(
    @JsonPropertyDescription("Fewer silver rows for the run date is an error (constraint `size`). "
        + "Allowed: `> 0`.")
    Long minRows,
    @JsonPropertyDescription("Null limit of nullable columns that declare no `max_null_fraction`. "
        + "Allowed: `[0, 1]`.")
    Double defaultMaxNullFraction,
    @JsonPropertyDescription("Per-constraint severity overrides, e.g. `{\"range:tenure\": "
        + "\"warning\"}`. A failed `error` constraint fails the run; a failed `warning` is only "
        + "recorded in the `quality` table. Allowed: values `error` or `warning` (lower case).")
    Map<String, String> severities) {
  public static final long DEFAULT_MIN_ROWS = 1;
  public static final double DEFAULT_MAX_NULL_FRACTION = 0.2;

  public ValidationConfig {
    minRows = minRows == null ? DEFAULT_MIN_ROWS : minRows;
    defaultMaxNullFraction = defaultMaxNullFraction == null
        ? DEFAULT_MAX_NULL_FRACTION : defaultMaxNullFraction;
    severities = severities == null ? Map.of() : Map.copyOf(severities);
  }

  public static ValidationConfig defaults() {
    return new ValidationConfig(null, null, null);
  }

  /**
   * @param constraintNames the constraints the schema yields; a severity for any other name is a typo
   *                        that would otherwise be silently ignored
   */
  public void validate(ConfigErrors errors, List<String> constraintNames) {
    errors.requirePositive(minRows, "min_rows");
    errors.requireFraction(defaultMaxNullFraction, "default_max_null_fraction", true, true);
    List<String> levels = List.of(Severity.ERROR.label(), Severity.WARNING.label());
    severities.forEach((name, level) -> {
      errors.requireOneOf(level, levels, "severities." + name);
      if (!constraintNames.isEmpty() && !constraintNames.contains(name)) {
        errors.add("severities." + name, "names no constraint; the schema yields " + constraintNames);
      }
    });
  }
}
