package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.SchemaConfig;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityCheckTest {
  private static final StructType SCHEMA = new StructType()
      .add("age", DataTypes.IntegerType, true)
      .add("plan", DataTypes.StringType, true);
  private static final SchemaConfig DECLARED = new SchemaConfig(List.of(), List.of(
      new ColumnSpec("age", "int", true, 0.0, 120.0, null, 0.25),
      new ColumnSpec("plan", "string", false, null, null, List.of("basic", "pro"), null)));

  private static Dataset<Row> frame(Object[]... rows) {
    return SparkTestSession.get().createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
  }

  private static Map<String, ConstraintResult> byName(List<ConstraintResult> results) {
    return results.stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));
  }

  @Test
  void schemaConstraintsMeasureEveryDeclaredRuleInOnePass() {
    Dataset<Row> silver = frame(new Object[] {30, "basic"}, new Object[] {null, "pro"},
        new Object[] {150, "gold"}, new Object[] {-1, null});
    QualityCheck check = SchemaConstraints.forSilver(DECLARED, ValidationConfig.defaults());

    Map<String, ConstraintResult> results = byName(check.run(silver));

    assertEquals(List.of("size", "null_fraction:age", "range:age", "null_fraction:plan",
        "allowed_values:plan"), check.constraints().stream().map(Constraint::name).toList());
    assertEquals(4.0, results.get("size").value());
    assertTrue(results.get("size").passed());
    assertEquals(0.25, results.get("null_fraction:age").value());
    assertTrue(results.get("null_fraction:age").passed(), "0.25 is within the declared 0.25");
    assertEquals(2.0, results.get("range:age").value(), "150 and -1 are outside [0, 120]");
    assertFalse(results.get("range:age").passed());
    assertEquals(0.25, results.get("null_fraction:plan").value());
    assertFalse(results.get("null_fraction:plan").passed(), "plan is not nullable");
    assertEquals(1.0, results.get("allowed_values:plan").value(), "gold is not allowed");
  }

  @Test
  void aSparseColumnWithoutADeclaredLimitIsAWarningUnlessTheDefaultLimitIsSet() {
    SchemaConfig undeclared = new SchemaConfig(List.of(), List.of(
        new ColumnSpec("age", "int", true, null, null, null, null),
        new ColumnSpec("plan", "string", true, null, null, null, 0.2)));
    Dataset<Row> sparse = frame(new Object[] {30, null}, new Object[] {null, null},
        new Object[] {null, "pro"}, new Object[] {40, "basic"});

    Map<String, ConstraintResult> byDefault = byName(SchemaConstraints.forSilver(undeclared,
        ValidationConfig.defaults()).run(sparse));
    assertEquals(0.5, byDefault.get("null_fraction:age").value());
    assertFalse(byDefault.get("null_fraction:age").passed());
    assertEquals(Severity.WARNING, byDefault.get("null_fraction:age").severity());
    // plan declares its limit: over it is an error whatever the default is.
    assertEquals(Severity.ERROR, byDefault.get("null_fraction:plan").severity());
    assertEquals(List.of("null_fraction:plan"), ResultTable.errors(List.copyOf(byDefault.values()))
        .stream().map(ConstraintResult::name).toList());
    assertTrue(byDefault.get("not_all_null:age").passed(), "half of age is there");
    assertFalse(byDefault.containsKey("not_all_null:plan"), "plan's declared limit covers it");
    Map<String, ConstraintResult> emptyColumn = byName(SchemaConstraints.forSilver(undeclared,
        ValidationConfig.defaults()).run(frame(new Object[] {null, "pro"},
        new Object[] {null, "basic"})));
    assertFalse(emptyColumn.get("not_all_null:age").passed());
    assertEquals(Severity.ERROR, emptyColumn.get("not_all_null:age").severity());

    Map<String, ConstraintResult> declaredDefault = byName(SchemaConstraints.forSilver(undeclared,
        new ValidationConfig(null, 0.6, null)).run(sparse));
    assertTrue(declaredDefault.get("null_fraction:age").passed(), "0.5 is within 0.6");
    assertEquals(Severity.ERROR, declaredDefault.get("null_fraction:age").severity());
    assertFalse(declaredDefault.containsKey("not_all_null:age"), "the declared default covers it");
    Map<String, ConstraintResult> strictDefault = byName(SchemaConstraints.forSilver(undeclared,
        new ValidationConfig(null, 0.2, null)).run(sparse));
    assertFalse(strictDefault.get("null_fraction:age").passed());
    assertEquals(Severity.ERROR, strictDefault.get("null_fraction:age").severity());
  }

  @Test
  void emptyTableFailsTheSizeConstraintWithoutDividingByZero() {
    Map<String, ConstraintResult> results = byName(
        SchemaConstraints.forSilver(DECLARED, ValidationConfig.defaults()).run(frame()));
    assertEquals(0.0, results.get("size").value());
    assertFalse(results.get("size").passed());
    assertEquals(0.0, results.get("null_fraction:age").value());
  }

  @Test
  void severityOverrideTurnsAnErrorIntoAWarning() {
    ValidationConfig validation = new ValidationConfig(null, null, Map.of("range:age", "warning"));
    Map<String, ConstraintResult> results = byName(SchemaConstraints.forSilver(DECLARED, validation)
        .run(frame(new Object[] {130, "pro"})));
    assertEquals(Severity.WARNING, results.get("range:age").severity());
    assertEquals(List.of(), ResultTable.errors(List.copyOf(results.values())));
    assertEquals(1, ResultTable.warnings(List.copyOf(results.values())));
  }

  @Test
  void declaredConstraintsJudgeCompletenessUniquenessRangeAndAllowedValues() {
    ValidationConfig validation = new ValidationConfig(null, null, null, List.of(
        new ConstraintSpec("completeness", "age", null, null, null, 0.75, null),
        new ConstraintSpec("uniqueness", "age", null, null, null, null, "warning"),
        new ConstraintSpec("uniqueness", "plan", null, null, null, null, null)), null, null);
    QualityCheck check = SchemaConstraints.forSilver(new SchemaConfig(List.of(), List.of()),
        validation);
    Map<String, ConstraintResult> broken = byName(check.run(frame(new Object[] {30, "basic"},
        new Object[] {30, "pro"}, new Object[] {null, "gold"}, new Object[] {null, null})));
    assertEquals(0.5, broken.get("completeness:age").value());
    assertFalse(broken.get("completeness:age").passed(), "2 of 4 present, 0.75 required");
    assertEquals(1.0, broken.get("uniqueness:age").value(), "30 twice; nulls are not duplicates");
    assertFalse(broken.get("uniqueness:age").passed());
    assertEquals(Severity.WARNING, broken.get("uniqueness:age").severity());
    assertEquals(0.0, broken.get("uniqueness:plan").value());
    assertTrue(broken.get("uniqueness:plan").passed());

    Map<String, ConstraintResult> clean = byName(check.run(frame(new Object[] {30, "basic"},
        new Object[] {31, "pro"}, new Object[] {32, "gold"}, new Object[] {null, "x"})));
    assertTrue(clean.get("completeness:age").passed());
    assertTrue(clean.get("uniqueness:age").passed());

    ValidationConfig ranges = new ValidationConfig(null, null, null, List.of(
        new ConstraintSpec("range", "age", 0.0, 100.0, null, null, null),
        new ConstraintSpec("allowed_values", "plan", null, null, List.of("basic"), null, null)),
        null, null);
    Map<String, ConstraintResult> outside = byName(SchemaConstraints.forSilver(
        new SchemaConfig(List.of(), List.of()), ranges).run(frame(new Object[] {130, "pro"})));
    assertEquals(1.0, outside.get("range:age").value());
    assertEquals("0 values outside [0.0, 100.0]", outside.get("range:age").expectation());
    assertEquals(1.0, outside.get("allowed_values:plan").value());
  }

  @Test
  void duplicateConstraintNamesAreRefused() {
    Constraint size = new Constraint("size", null, Severity.ERROR, Analyzers.size(), v -> true, "any");
    assertThrows(IllegalArgumentException.class, () -> QualityCheck.of("t").with(size).with(size));
  }

  @Test
  void validateStageRecordsVerdictsAndFailsOnErrors(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 60, false, "schema.columns[1].max=0.5");
    new org.deepline.etl.IngestJob().run(context);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new ValidationJob().run(context));
    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().startsWith("validate: 1 error-level constraint(s) failed"),
        error.getMessage());
    assertTrue(error.getMessage().contains("range:x: failed"), error.getMessage());
    List<Row> failed = DeltaTables.read(SparkTestSession.get(), context.table(Table.QUALITY))
        .where("NOT passed").collectAsList();
    assertEquals(1, failed.size());
    assertEquals("x", failed.get(0).getAs("column"));
  }

  @Test
  void validateStagePassesCleanDataAndCountsRows(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 60, false);
    new org.deepline.etl.IngestJob().run(context);
    StageResult result = new ValidationJob().run(context);
    assertEquals(60.0, result.metric("rows"));
    assertEquals(0.0, result.metric("constraints_failed_warning"));
    assertEquals(TestRuns.RUN_DATE, DeltaTables.read(SparkTestSession.get(),
        context.table(Table.QUALITY)).select("run_date").head().getDate(0).toString());
  }
}
