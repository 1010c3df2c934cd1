package org.deepline.quality;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import scala.runtime.AbstractFunction1;

/**
 * A named group of constraints run against one table in a single aggregation, alone
 * ({@link #run}) or inside the profile's ({@link Profiler#profileAndCheck}).
 *
 * <pre>{@code
 * List<ConstraintResult> results = QualityCheck.of("silver")
 *     .with(new Constraint("size", null, Severity.ERROR, Analyzers.size(), v -> v >= 100, ">= 100"))
 *     .run(silver);
 * }</pre>
 */
public final class QualityCheck {
  /** Result fields are named by position: constraint names may contain anything. */
  static final String RESULT_PREFIX = "constraint_";
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

  /** Judges the constraints on {@code table} in one aggregation of their analyzers. */
  public List<ConstraintResult> run(Dataset<Row> table) {
    if (constraints.isEmpty()) {
      return List.of();
    }
    List<Column> analyzers = analyzers();
    return judge(table.agg(analyzers.get(0), analyzers.subList(1, analyzers.size())
        .toArray(new Column[0])).head());
  }

  /**
   * This check without the constraints whose analyzer counts distinct values exactly (a uniqueness
   * constraint): inside a larger aggregation such an aggregate makes Spark group every other
   * aggregate's buffer by the counted column's values, which for the profile's sketches costs far
   * more than a second read. {@link Profiler#profileAndCheck} runs those on their own.
   */
  QualityCheck withoutDistinctCounts() {
    return new QualityCheck(name, constraints.stream().filter(c -> !countsDistinct(c)).toList());
  }

  /** This check without the constraints whose metric a profile holds ({@link Constraint#inProfile}). */
  QualityCheck withoutProfiled() {
    return new QualityCheck(name, constraints.stream().filter(c -> c.inProfile() == null)
        .toList());
  }

  /** The results of the constraints whose metric {@code profile} holds, from it. */
  List<ConstraintResult> judgeInProfile(TableProfile profile) {
    return constraints.stream().filter(c -> c.inProfile() != null)
        .map(c -> result(c, c.inProfile().applyAsDouble(profile))).toList();
  }

  /** The constraints {@link #withoutDistinctCounts} leaves out. */
  QualityCheck distinctCountsOnly() {
    return new QualityCheck(name, constraints.stream().filter(QualityCheck::countsDistinct)
        .toList());
  }

  private static boolean countsDistinct(Constraint constraint) {
    return constraint.analyzer().expr().exists(new AbstractFunction1<Expression, Object>() {
      @Override
      public Object apply(Expression expression) {
        // Unresolved as built by functions.count_distinct; resolved once analysed.
        return expression instanceof UnresolvedFunction function && function.isDistinct()
            || expression instanceof AggregateExpression aggregate && aggregate.isDistinct();
      }
    });
  }

  /**
   * The constraints' analyzers, each named by its position ({@value #RESULT_PREFIX}{@code <i>}), to
   * run inside a larger aggregation (the profile's) whose result {@link #judge} reads.
   */
  public List<Column> analyzers() {
    List<Column> analyzers = new ArrayList<>();
    for (int i = 0; i < constraints.size(); i++) {
      analyzers.add(constraints.get(i).analyzer().as(RESULT_PREFIX + i));
    }
    return analyzers;
  }

  /** The results from a row holding the {@link #analyzers} among its fields. */
  public List<ConstraintResult> judge(Row metrics) {
    List<ConstraintResult> results = new ArrayList<>();
    for (int i = 0; i < constraints.size(); i++) {
      Constraint c = constraints.get(i);
      int at = metrics.fieldIndex(RESULT_PREFIX + i);
      results.add(result(c, metrics.isNullAt(at) ? Double.NaN
          : ((Number) metrics.get(at)).doubleValue()));
    }
    return results;
  }

  private static ConstraintResult result(Constraint constraint, double value) {
    boolean passed = !Double.isNaN(value) && constraint.assertion().test(value);
    return new ConstraintResult(constraint.name(), constraint.column(), constraint.severity(),
        value, passed, constraint.expectation());
  }
}
