package org.deepline.evaluation;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;
import org.deepline.core.SqlExpressions;

/**
 * One behavioural test in the style of CheckList (Ribeiro et al., 2020): instead of one more average,
 * a statement about how the model must behave, checked row by row on the judged split, with the share
 * of rows that break it.
 *
 * <ul>
 *   <li>{@code invariance}: setting {@code column} to {@code perturbation} (a SQL expression over the
 *       silver row, e.g. {@code noise * 1.1} or {@code 'web'}) moves no row's probability by more
 *       than {@code tolerance};
 *   <li>{@code directional}: the same perturbation moves the probability the stated
 *       {@code direction} ({@code increase} or {@code decrease}), by no more than {@code tolerance}
 *       the other way;
 *   <li>{@code minimum_functionality}: the rows matching {@code where} (a SQL condition) are
 *       predicted {@code expected} ({@code positive}, {@code negative}, or {@code label}: their true
 *       label) at the chosen threshold; at least {@code min_rows} rows must match.
 * </ul>
 *
 * <p>The test passes when the share of failing rows is at most {@code max_failure_rate}.
 *
 * <pre>{@code
 * {"name": "noise does not matter", "type": "invariance", "column": "noise",
 *  "perturbation": "noise + 1", "tolerance": 0.05}
 * }</pre>
 */
public record BehaviouralTest(
    @JsonPropertyDescription("How the report and the blessing name the test. Allowed: unique "
        + "among the tests.")
    @Required
    String name,
    @JsonPropertyDescription("`invariance`: perturbing a column that should not matter moves no "
        + "probability by more than `tolerance`. `directional`: the perturbation moves the "
        + "probability the stated `direction`, by at most `tolerance` the other way. "
        + "`minimum_functionality`: the rows matching `where` are predicted `expected` at the "
        + "chosen threshold.")
    @Required
    @OneOf("TYPES")
    String type,
    @JsonPropertyDescription("The column the perturbation replaces. Allowed: a silver column. "
        + "Required for `invariance` and `directional`.")
    String column,
    @JsonPropertyDescription("The column's new value, e.g. `noise * 1.1`, `tenure + 12`, `'Two "
        + "year'`. Allowed: a Spark SQL expression over the silver row. Required for "
        + "`invariance` and `directional`.")
    String perturbation,
    @JsonPropertyDescription("Which way the probability must move. Required for `directional`.")
    @OneOf("DIRECTIONS")
    String direction,
    @JsonPropertyDescription("How far a probability may move (invariance) or move the wrong way "
        + "(directional) before the row fails. Allowed: `>= 0`. Default: `0.05` for "
        + "`invariance`, `0` for `directional`.")
    Double tolerance,
    @JsonPropertyDescription("The rows the expectation is about, e.g. `contract = 'Two year' AND "
        + "tenure > 48`. Allowed: a Spark SQL condition over the silver row. Required for "
        + "`minimum_functionality`.")
    String where,
    @JsonPropertyDescription("What those rows must be predicted: a class, or each row's own "
        + "label. When unset: `label`.")
    @OneOf("EXPECTATIONS")
    String expected,
    @JsonPropertyDescription("The largest share of failing rows that still passes. Allowed: `[0, "
        + "1]`.")
    Double maxFailureRate,
    @JsonPropertyDescription("A `minimum_functionality` test with fewer matching rows fails. "
        + "Allowed: `> 0`.")
    Long minRows) {
  public static final String INVARIANCE = "invariance";
  public static final String DIRECTIONAL = "directional";
  public static final String MINIMUM_FUNCTIONALITY = "minimum_functionality";
  public static final List<String> TYPES = List.of(INVARIANCE, DIRECTIONAL, MINIMUM_FUNCTIONALITY);
  public static final List<String> DIRECTIONS = List.of("increase", "decrease");
  public static final List<String> EXPECTATIONS = List.of("positive", "negative", "label");
  /** Invariance: a probability that moves less than this has not really moved. */
  public static final double DEFAULT_INVARIANCE_TOLERANCE = 0.05;
  public static final double DEFAULT_MAX_FAILURE_RATE = 0.05;
  public static final long DEFAULT_MIN_ROWS = 1;

  public BehaviouralTest {
    if (tolerance == null) {
      tolerance = INVARIANCE.equals(type) ? DEFAULT_INVARIANCE_TOLERANCE : 0.0;
    }
    expected = expected == null && MINIMUM_FUNCTIONALITY.equals(type) ? "label" : expected;
    maxFailureRate = maxFailureRate == null ? DEFAULT_MAX_FAILURE_RATE : maxFailureRate;
    minRows = minRows == null ? DEFAULT_MIN_ROWS : minRows;
  }

  public boolean perturbs() {
    return INVARIANCE.equals(type) || DIRECTIONAL.equals(type);
  }

  void validate(ConfigErrors errors) {
    errors.requireNonBlank(name, "name");
    errors.requireOneOf(type, TYPES, "type");
    errors.requireFraction(maxFailureRate, "max_failure_rate", true, true);
    errors.require(tolerance >= 0, "tolerance", "must be >= 0, got " + tolerance);
    if (perturbs()) {
      errors.requireNonBlank(column, "column");
      requireExpression(errors, perturbation, "perturbation");
      if (DIRECTIONAL.equals(type)) {
        errors.requireOneOf(direction, DIRECTIONS, "direction");
      }
      rejectKey(errors, where, "where");
      rejectKey(errors, expected, "expected");
    } else if (MINIMUM_FUNCTIONALITY.equals(type)) {
      requireExpression(errors, where, "where");
      errors.requireOneOf(expected, EXPECTATIONS, "expected");
      errors.requirePositive(minRows, "min_rows");
      rejectKey(errors, column, "column");
      rejectKey(errors, perturbation, "perturbation");
      rejectKey(errors, direction, "direction");
    }
  }

  private void rejectKey(ConfigErrors errors, String value, String field) {
    errors.require(value == null, field, "is not a key of a " + type + " test");
  }

  private static void requireExpression(ConfigErrors errors, String expression, String field) {
    if (expression == null || expression.isBlank()) {
      errors.add(field, "is required");
      return;
    }
    try {
      SqlExpressions.referencedColumns(expression);
    } catch (IllegalArgumentException e) {
      errors.add(field, "is not a SQL expression: " + e.getMessage());
    }
  }
}
