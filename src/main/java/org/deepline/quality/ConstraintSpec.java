package org.deepline.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;

/**
 * A constraint declared in {@code validation.constraints} (what {@code validate --suggest} proposes),
 * next to the ones the schema yields. Its name is {@code <kind>:<column>}.
 *
 * <pre>{@code
 * {"kind": "range", "column": "distance", "min": 0, "max": 5000, "severity": "warning"}
 * }</pre>
 *
 * @param kind        {@code completeness} (share of non-null values at least {@code min_fraction}),
 *                    {@code uniqueness} (no non-null value twice, counted exactly), {@code range}
 *                    (no value outside [{@code min}, {@code max}]) or {@code allowed_values} (no value
 *                    outside {@code values})
 * @param column      a column of silver: declared in the schema, or {@code _record_id} /
 *                    {@code _source_file}
 * @param min         range only: the smallest allowed value; null for no lower bound
 * @param max         range only: the largest allowed value; null for no upper bound
 * @param values      allowed_values only: the values the column may take
 * @param minFraction completeness only: the least share of non-null values; default 1 (no nulls)
 * @param severity    {@code error} (default) or {@code warning}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConstraintSpec(
    @JsonPropertyDescription("`completeness`: share of non-null values `>= min_fraction`; "
        + "`uniqueness`: no non-null value occurs twice (counted exactly); `range`: no non-null "
        + "value outside `[min, max]` (NaN counts as outside); `allowed_values`: no non-null value "
        + "outside `values`.")
    @Required
    @OneOf("KINDS")
    String kind,
    @JsonPropertyDescription("The column judged: a column of `schema.columns`, `_record_id` or "
        + "`_source_file`.")
    @Required
    String column,
    @JsonPropertyDescription("`range` only: the smallest allowed value (at least one of `min`, "
        + "`max`; `min <= max`).")
    Double min,
    @JsonPropertyDescription("`range` only: the largest allowed value.")
    Double max,
    @JsonPropertyDescription("`allowed_values` only (required there, non-empty): the values the "
        + "column may take.")
    List<String> values,
    @JsonPropertyDescription("`completeness` only: the least share of non-null values. When unset: "
        + "1 (no nulls). Allowed: `[0, 1]`.")
    Double minFraction,
    @JsonPropertyDescription("What a failure means. Allowed: `error`, `warning`.")
    String severity) {
  public static final String COMPLETENESS = "completeness";
  public static final String UNIQUENESS = "uniqueness";
  public static final String RANGE = "range";
  public static final String ALLOWED_VALUES = "allowed_values";
  public static final List<String> KINDS = List.of(COMPLETENESS, UNIQUENESS, RANGE, ALLOWED_VALUES);
  private static final double COMPLETE = 1.0;

  public ConstraintSpec {
    values = values == null ? List.of() : List.copyOf(values);
    severity = severity == null ? Severity.ERROR.label() : severity;
  }

  /** {@code <kind>:<column>}, the name of its verdict in the quality table. */
  public String name() {
    return kind + ":" + column;
  }

  /** The share of non-null values completeness requires. */
  public double requiredFraction() {
    return minFraction == null ? COMPLETE : minFraction;
  }

  /**
   * @param columns the columns it may name: the schema's and silver's own
   */
  void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireOneOf(kind, KINDS, "kind");
    if (column == null || !columns.containsKey(column)) {
      errors.add("column", "names no column of silver (schema.columns, _record_id, _source_file): "
          + column);
    }
    errors.requireOneOf(severity, List.of(Severity.ERROR.label(), Severity.WARNING.label()),
        "severity");
    boolean range = RANGE.equals(kind);
    if (!range && (min != null || max != null)) {
      errors.add(min != null ? "min" : "max", "is only allowed with kind range");
    }
    if (range) {
      if (min == null && max == null) {
        errors.add("", "range needs min, max or both");
      }
      if (min != null && max != null && min > max) {
        errors.add("min", "must be <= max, got min " + min + " and max " + max);
      }
      if ((min != null && min.isNaN()) || (max != null && max.isNaN())) {
        errors.add("", "min and max must be numbers, not NaN");
      }
      ColumnSpec declared = column == null ? null : columns.get(column);
      if (declared != null && declared.type() != null && !declared.isNumeric()) {
        errors.add("column", "range needs a numeric column, " + column + " is " + declared.type());
      }
    }
    boolean allowed = ALLOWED_VALUES.equals(kind);
    if (allowed && values.isEmpty()) {
      errors.add("values", "allowed_values needs at least one value");
    }
    if (!allowed && !values.isEmpty()) {
      errors.add("values", "is only allowed with kind allowed_values");
    }
    if (minFraction != null) {
      if (!COMPLETENESS.equals(kind)) {
        errors.add("min_fraction", "is only allowed with kind completeness");
      } else {
        errors.requireFraction(minFraction, "min_fraction", true, true);
      }
    }
  }
}
