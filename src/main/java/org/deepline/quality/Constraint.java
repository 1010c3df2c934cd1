package org.deepline.quality;

import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Column;

/**
 * A rule about a table: an analyzer (an aggregate expression that computes one metric) and an
 * assertion that judges the metric. All analyzers of a check run in a single aggregation, so adding a
 * constraint does not add a pass over the data.
 *
 * @param name        unique within a check, e.g. {@code range:tenure}; severities are overridden by it
 * @param column      the column it is about, or null for table-wide constraints
 * @param severity    what a failure means
 * @param analyzer    aggregate expression yielding the metric as a number
 * @param assertion   true when the metric is acceptable
 * @param expectation human-readable form of the assertion, for messages and reports
 * @param inProfile   the same metric read from the table's profile, or null when the profile does
 *                    not hold it: where the constraint is judged with a profile
 *                    ({@link Profiler#profileAndCheck}), its analyzer is not run
 */
public record Constraint(String name, String column, Severity severity, Column analyzer,
    DoublePredicate assertion, String expectation, ToDoubleFunction<TableProfile> inProfile) {

  /** A constraint whose metric only its analyzer computes. */
  public Constraint(String name, String column, Severity severity, Column analyzer,
      DoublePredicate assertion, String expectation) {
    this(name, column, severity, analyzer, assertion, expectation, null);
  }

  public Constraint withSeverity(Severity newSeverity) {
    return new Constraint(name, column, newSeverity, analyzer, assertion, expectation, inProfile);
  }
}
