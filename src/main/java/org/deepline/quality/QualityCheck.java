package org.deepline.quality;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A named group of constraints run against one table in a single aggregation.
 *
 * <pre>{@code
 * List<ConstraintResult> results = QualityCheck.of("silver")
 *     .with(new Constraint("size", null, Severity.ERROR, Analyzers.size(), v -> v >= 100, ">= 100"))
 *     .run(silver);
 * }</pre>
 */
public final class QualityCheck {
  private final String name;
  private final List<Constraint> constraints;

  private QualityCheck(String name, List<Constraint> constraints) {
    this.name = name;
    this.constraints = List.copyOf(constraints);
  }

  public static QualityCheck of(String name) {
    return new QualityCheck(name, List.of());
  }

  /** A new check with one more constraint; names must be unique. */
  public QualityCheck with(Constraint constraint) {
    Set<String> names = new HashSet<>();
    constraints.forEach(c -> names.add(c.name()));
    if (!names.add(constraint.name())) {
      throw new IllegalArgumentException("check " + name + " has a constraint " + constraint.name());
    }
    List<Constraint> more = new ArrayList<>(constraints);
    more.add(constraint);
    return new QualityCheck(name, more);
  }

  public String name() {
    return name;
  }

  public List<Constraint> constraints() {
    return constraints;
  }

  public List<ConstraintResult> run(Dataset<Row> table) {
    if (constraints.isEmpty()) {
      return List.of();
    }
    Column[] analyzers = constraints.stream()
        .map(Constraint::analyzer)
        .toArray(Column[]::new);
    Row metrics = table.agg(analyzers[0], java.util.Arrays.copyOfRange(analyzers, 1,
        analyzers.length)).head();
    List<ConstraintResult> results = new ArrayList<>();
    for (int i = 0; i < constraints.size(); i++) {
      Constraint c = constraints.get(i);
      double value = metrics.isNullAt(i) ? Double.NaN : ((Number) metrics.get(i)).doubleValue();
      boolean passed = !Double.isNaN(value) && c.assertion().test(value);
      results.add(new ConstraintResult(c.name(), c.column(), c.severity(), value, passed,
          c.expectation()));
    }
    return results;
  }
}
