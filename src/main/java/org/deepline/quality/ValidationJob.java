package org.deepline.quality;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.SchemaConfig;

/**
 * Validate: runs the schema's constraints on the run date's silver rows, keeps every verdict in the
 * quality table, and fails the run when an error-level constraint fails (warnings are only recorded).
 */
public final class ValidationJob implements Stage {
  @Override
  public String command() {
    return "validate";
  }

  @Override
  public String description() {
    return "Check silver against the declared constraints; fail on an error-level breach.";
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    String silverPath = context.table(Table.SILVER);
    TableRef silverRef = DeltaTables.ref(spark, silverPath);
    // Possibly empty: an empty table is a failed size constraint, reported like any other.
    Dataset<Row> silver = DeltaTables.slice(spark, silverRef, context.runDate());
    QualityCheck check = SchemaConstraints.forSilver(context.section(SchemaConfig.class),
        context.section(ValidationConfig.class));
    List<ConstraintResult> results = check.run(silver);

    TableRef qualityRef = ResultTable.write(context, check.name(), results,
        context.table(Table.QUALITY));
    List<ConstraintResult> errors = ResultTable.errors(results);
    if (!errors.isEmpty()) {
      throw new DeeplineException(Failure.DATA_QUALITY, "validate: " + errors.size() + " error-level constraint(s) failed on "
          + silverPath + " for " + context.runDate() + ": "
          + errors.stream().map(ConstraintResult::message).collect(Collectors.joining("; ")));
    }
    return StageResult.builder()
        .input(silverRef)
        .output(qualityRef)
        .metric("constraints", results.size())
        .metric("constraints_failed_warning", ResultTable.warnings(results))
        .metric("rows", results.get(0).value())
        .build();
  }
}
