package org.deepline.quality;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.etl.ColumnSpec;

/**
 * Thresholds of the validate stage. Per-column ranges, allowed values and null limits are declared on
 * the schema's columns; these are the table-wide ones, the constraints declared here (what
 * {@code validate --suggest} proposes), the anomaly checks against earlier runs and the profile's
 * settings.
 *
 * @param minRows                 fewer rows than this is an error
 * @param defaultMaxNullFraction  null limit of nullable columns that declare none; when unset,
 *                                {@value #DEFAULT_MAX_NULL_FRACTION} as a warning
 * @param severities              per-constraint severity overrides, keyed by constraint name
 *                                ({@code "range:tenure": "warning"})
 * @param constraints             more constraints, each {@code <kind>:<column>}
 * @param anomalies               checks of this run's profile against earlier runs' metrics
 * @param topK                    most frequent values the profile keeps per string column
 */
public record ValidationConfig(
    @JsonPropertyDescription("Fewer silver rows for the run date is an error (constraint `size`). "
        + "Allowed: `> 0`.")
    Long minRows,
    @JsonPropertyDescription("Null limit of nullable columns that declare no `max_null_fraction`; "
        + "when set, a column over it fails the run. Unset: 0.2, and a column over it is a "
        + "warning (recorded in the `quality` table, the run record and the quality report), not "
        + "an error: many real tables have sparse columns (a cabin number, a second address "
        + "line) and nothing in the config says theirs are wrong; a column with every row null "
        + "still fails (`not_all_null:<name>`) when an earlier run date saw a value in it; one "
        + "never filled is a warning. Allowed: `[0, 1]` when set.")
    Double defaultMaxNullFraction,
    @JsonPropertyDescription("Per-constraint severity overrides, e.g. `{\"range:tenure\": "
        + "\"warning\"}`. A failed `error` constraint fails the run; a failed `warning` is only "
        + "recorded in the `quality` table. Allowed: values `error` or `warning` (lower case).")
    Map<String, String> severities,
    @JsonPropertyDescription("More constraints, each named `<kind>:<column>`; what `validate "
        + "--suggest` prints is a `constraints` list to paste here.")
    List<ConstraintSpec> constraints,
    @JsonPropertyDescription("Checks of this run's profile against the previous runs' metrics.")
    List<AnomalyCheckConfig> anomalies,
    @JsonPropertyDescription("Most frequent values the profile keeps per string column. Allowed: "
        + "`[1, 100]`.")
    Integer topK) {
  public static final long DEFAULT_MIN_ROWS = 1;
  public static final double DEFAULT_MAX_NULL_FRACTION = 0.2;
  /** More top values than this per column would make the metrics table a copy of the data. */
  public static final int MAX_TOP_K = 100;

  public ValidationConfig {
    minRows = minRows == null ? DEFAULT_MIN_ROWS : minRows;
    severities = severities == null ? Map.of() : Map.copyOf(severities);
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    anomalies = anomalies == null ? List.of() : List.copyOf(anomalies);
    topK = topK == null ? Profiler.DEFAULT_TOP_K : topK;
  }

  /** Thresholds only: no declared constraints or anomaly checks, the default profile. */
  public ValidationConfig(Long minRows, Double defaultMaxNullFraction,
      Map<String, String> severities) {
    this(minRows, defaultMaxNullFraction, severities, null, null, null);
  }

  /**
   * The null limit of a nullable column that declares none: {@code default_max_null_fraction}, or
   * {@value #DEFAULT_MAX_NULL_FRACTION} when that is unset.
   */
  public double nullLimit() {
    return defaultMaxNullFraction == null ? DEFAULT_MAX_NULL_FRACTION : defaultMaxNullFraction;
  }

  /**
   * How a nullable column without a declared limit fails {@link #nullLimit}: an error when the
   * config set {@code default_max_null_fraction}, else a warning. A sparse column is common in real
   * data; only a limit someone declared says that more nulls are wrong.
   */
  public Severity nullLimitSeverity() {
    return defaultMaxNullFraction == null ? Severity.WARNING : Severity.ERROR;
  }

  public static ValidationConfig defaults() {
    return new ValidationConfig(null, null, null);
  }

  /**
   * @param constraintNames the constraints the schema yields; a severity for any other name is a typo
   *                        that would otherwise be silently ignored
   * @param columns         the schema's columns by name (empty when the schema is invalid)
   */
  public void validate(ConfigErrors errors, List<String> constraintNames,
      Map<String, ColumnSpec> columns) {
    errors.requirePositive(minRows, "min_rows");
    if (defaultMaxNullFraction != null) {
      errors.requireFraction(defaultMaxNullFraction, "default_max_null_fraction", true, true);
    }
    List<String> levels = List.of(Severity.ERROR.label(), Severity.WARNING.label());
    severities.forEach((name, level) -> {
      errors.requireOneOf(level, levels, "severities." + name);
      if (!constraintNames.isEmpty() && !constraintNames.contains(name)) {
        errors.add("severities." + name, "names no constraint; the schema yields " + constraintNames);
      }
    });
    errors.require(topK >= 1 && topK <= MAX_TOP_K, "top_k",
        "must be in [1, " + MAX_TOP_K + "], got " + topK);
    if (columns.isEmpty()) {
      // Without a valid schema every column reference would be reported again as unknown.
      return;
    }
    Map<String, ColumnSpec> silver = ColumnSpecs.silver(columns);
    Set<String> names = new HashSet<>(constraintNames);
    for (int i = 0; i < constraints.size(); i++) {
      ConstraintSpec constraint = constraints.get(i);
      ConfigErrors at = errors.at("constraints", i);
      constraint.validate(at, silver);
      if (!names.add(constraint.name())) {
        at.add("", constraint.name() + " is declared twice (in schema.columns or in "
            + "validation.constraints); keep one");
      }
    }
    Set<String> anomalyNames = new HashSet<>();
    for (int i = 0; i < anomalies.size(); i++) {
      AnomalyCheckConfig anomaly = anomalies.get(i);
      ConfigErrors at = errors.at("anomalies", i);
      anomaly.validate(at, silver);
      if (!anomalyNames.add(anomaly.name())) {
        at.add("", anomaly.name() + " is declared twice; keep one");
      }
    }
  }
}
