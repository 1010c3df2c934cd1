package org.deepline.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.TableRef;

/**
 * Keeps constraint verdicts as rows of a Delta table (the repository of quality and leakage results),
 * one slice per run date, so a gate's history can be queried like any other table.
 */
public final class ResultTable {
  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("check", DataTypes.StringType, false)
      .add("constraint", DataTypes.StringType, false)
      .add("column", DataTypes.StringType, true)
      .add("severity", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("passed", DataTypes.BooleanType, false)
      .add("expectation", DataTypes.StringType, false);

  private ResultTable() {}

  public static TableRef write(RunContext context, String check, List<ConstraintResult> results,
      String path) {
    return write(context, Map.of(check, results), path);
  }

  /**
   * Several checks' verdicts in one commit: the run date's slice is replaced as a whole, so checks
   * written one by one would each erase the one before.
   */
  public static TableRef write(RunContext context, Map<String, List<ConstraintResult>> checks,
      String path) {
    List<Row> rows = new ArrayList<>();
    checks.forEach((check, results) -> results.forEach(r -> rows.add(RowFactory.create(
        context.runId(), check, r.name(), r.column(), r.severity().label(),
        Double.isNaN(r.value()) ? null : r.value(), r.passed(), r.expectation()))));
    return DeltaTables.replaceRunDate(context.spark().createDataFrame(rows, SCHEMA).coalesce(1),
        path, context.runDate());
  }

  /** The error-level failures, or an empty list when the gate passes. */
  public static List<ConstraintResult> errors(List<ConstraintResult> results) {
    return results.stream().filter(ConstraintResult::failedAsError).toList();
  }

  /** The warning-level failures: recorded and logged, the run goes on. */
  public static List<ConstraintResult> failedWarnings(List<ConstraintResult> results) {
    return results.stream().filter(r -> !r.passed() && r.severity() == Severity.WARNING).toList();
  }

  public static long warnings(List<ConstraintResult> results) {
    return failedWarnings(results).size();
  }
}
