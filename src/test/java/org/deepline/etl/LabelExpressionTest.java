package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.SqlExpressions;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.sampling.SplitConfig;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.RowAssertions;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code label.expression}: checked in the config, again on the data, and null labels quarantined. */
class LabelExpressionTest {
  private static final String FLIGHTS = "id,delay,distance,origin\n"
      + "1,30,100,ATL\n"
      + "2,-5,200,SFO\n"
      + "3,,300,ATL\n"
      + "4,16,400,LAX\n";

  private static String config(Path csv, String label, String numeric) {
    return """
        {"dataset": "flights",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "delay", "type": "int"},
           {"name": "distance", "type": "int"},
           {"name": "origin", "type": "string"}]},
         "label": %s,
         "ingest": {"max_quarantine_fraction": 1.0},
         "features": {"numeric": %s, "categorical": ["origin"]}}
        """.formatted(csv.toString().replace("\\", "\\\\"), label, numeric);
  }

  private static RunContext context(Path dir, String label) {
    Path csv = TestRuns.writeFile(dir, "flights.csv", FLIGHTS);
    return TestRuns.context(TestRuns.configFromJson(config(csv, label, "[\"distance\"]")),
        dir.resolve("wh"), "test");
  }

  private static String configError(String label, String numeric) {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> TestRuns.configFromJson(config(Path.of("flights.csv"), label, numeric)));
    return error.getMessage();
  }

  @Test
  void expressionLabelsSilverRowsAndQuarantinesRowsWhereItIsNull(@TempDir Path dir) {
    RunContext context = context(dir, "{\"expression\": \"delay > 15\"}");

    StageResult ingest = new IngestJob().run(context);
    Dataset<Row> splits = SplitJob.split(
        DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER)),
        context.section(LabelConfig.class), context.section(SplitConfig.class));

    assertEquals(3, ingest.metric("rows_silver"));
    assertEquals(1, ingest.metric("rows_label_null"));
    assertEquals(List.of("label expression `delay > 15` is null"),
        DeltaTables.read(SparkTestSession.get(), context.table(Table.QUARANTINE)).select("reason")
            .as(Encoders.STRING()).collectAsList());
    RowAssertions.assertRows(List.of(RowFactory.create("1", 1.0), RowFactory.create("2", 0.0),
            RowFactory.create("4", 1.0)),
        splits.select(RecordIds.RECORD_ID, LabelConfig.LABEL),
        0.0, RecordIds.RECORD_ID);
  }

  @Test
  void aMalformedLineIsNotCountedAsARowWithoutALabel(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "flights.csv", FLIGHTS + "7\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv,
        "{\"expression\": \"delay > 15\"}", "[\"distance\"]")), dir.resolve("wh"), "test");

    StageResult ingest = new IngestJob().run(context);

    assertEquals(2, ingest.metric("rows_quarantined"));
    assertEquals(1, ingest.metric("rows_label_null"), "row 3's; line 7 is malformed");
  }

  @Test
  void expressionThatIsNotBooleanFailsBeforeAnyRowIsWritten(@TempDir Path dir) {
    RunContext context = context(dir, "{\"expression\": \"delay + 1\"}");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertEquals("label.expression `delay + 1` is int, not boolean; write a condition, e.g. "
        + "delay > 15", error.getMessage());
    assertTrue(!DeltaTables.exists(SparkTestSession.get(), context.table(Table.SILVER)));
  }

  @Test
  void expressionThatIsNotDeterministicFails(@TempDir Path dir) {
    RunContext context = context(dir, "{\"expression\": \"delay > 15 AND rand() < 0.5\"}");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertEquals("label.expression `delay > 15 AND rand() < 0.5` is not deterministic; ingest and "
        + "split would give a record different labels", error.getMessage());
  }

  @Test
  void expressionOverAColumnTheRowsLackIsNamedAtRunTime() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(RowFactory.create(1)),
        new StructType().add("distance", DataTypes.IntegerType));
    LabelConfig label = new LabelConfig(null, null, "delay > 15");

    DeeplineException error = assertThrows(DeeplineException.class, () -> label.binaryOn(rows));

    assertTrue(error.getMessage().startsWith("label.expression `delay > 15` cannot be evaluated: "
        + "[UNRESOLVED_COLUMN"), error.getMessage());
  }

  @Test
  void featureReadByTheLabelExpressionIsAConfigError() {
    String message = configError("{\"expression\": \"delay > 15\"}", "[\"delay\", \"distance\"]");
    assertTrue(message.contains("1 config error: features.numeric[0]: delay is read by "
        + "label.expression `delay > 15`; a feature computed from the label's inputs leaks the label"),
        message);
  }

  @Test
  void columnsReadInsideLambdasCountButLambdaVariablesDoNot() {
    String message = configError(
        "{\"expression\": \"exists(array(delay, distance), x -> x > 15)\"}", "[\"distance\"]");
    assertTrue(message.contains("features.numeric[0]: distance is read by label.expression"),
        message);
    assertEquals(List.of("delay", "distance", "Cost Total $"), SqlExpressions.referencedColumns(
        "exists(array(delay, distance), x -> x > 15) AND `Cost Total $` > 0 AND DELAY < 1000"));
  }

  /** R's airquality has a column Solar.R, which a label expression must quote. */
  @Test
  void aDottedColumnNameUnquotedInTheExpressionIsAConfigError() {
    String config = """
        {"dataset": "air", "source": {"path": "air.csv"},
         "schema": {"columns": [{"name": "Ozone", "type": "int"},
           {"name": "Solar.R", "type": "int"}]},
         "label": {"expression": "%s"},
         "features": {"numeric": ["Ozone"]}}
        """;
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> TestRuns.configFromJson(config.formatted("Solar.R > 200")));
    assertTrue(error.getMessage().contains("label.expression: `Solar.R > 200` names the column "
        + "Solar.R without backticks, which Spark reads as a field of a column Solar: write "
        + "`Solar.R`"), error.getMessage());
    TestRuns.configFromJson(config.formatted("`Solar.R` > 200"));
    // Judged by the parse, not the text: a bare twin beside a quoted one, another letter case.
    for (String bare : List.of("`Solar.R` > 1 AND Solar.R < 5", "solar.r > 200")) {
      String message = assertThrows(DeeplineException.class,
          () -> TestRuns.configFromJson(config.formatted(bare))).getMessage();
      assertTrue(message.contains("without backticks"), message);
    }
    String twins = """
        {"dataset": "air", "source": {"path": "air.csv"},
         "schema": {"columns": [{"name": "x.1", "type": "int"}, {"name": "x.10", "type": "int"},
           {"name": "y", "type": "string"}]},
         "label": {"expression": "`x.10` > 200 AND y <> 'x.1'"},
         "features": {"numeric": ["x.1"]}}
        """;
    TestRuns.configFromJson(twins);
  }

  @Test
  void unknownColumnBadSyntaxAndTwoFormsAreConfigErrors() {
    assertTrue(configError("{\"expression\": \"dely > 15\"}", "[\"distance\"]").contains(
        "label.expression: `dely > 15` reads [dely], not declared in schema.columns "
            + "[id, delay, distance, origin]"));
    String syntax = configError("{\"expression\": \"delay >\"}", "[\"distance\"]");
    assertTrue(syntax.contains("label.expression: `delay >` is not a valid Spark SQL expression: "
        + "[PARSE_SYNTAX_ERROR]"), syntax);
    assertTrue(configError("{\"column\": \"origin\", \"positive\": \"ATL\", \"expression\": "
        + "\"delay > 15\"}", "[\"distance\"]").contains(
            "label.expression: give either column and positive, or expression, not both"));
  }

  @Test
  void aBlankPositiveIsAConfigErrorAndALeftOutOneIsTakenFromTheData() {
    assertTrue(configError("{\"column\": \"origin\", \"positive\": \" \"}", "[\"distance\"]")
        .contains("label.positive: must not be blank: the value of the class to predict, e.g. "
            + "\"Yes\", or leave it out to take the affirmative, larger or rarer of the column's "
            + "two classes"));
    assertEquals(new LabelConfig("delay", null, null), TestRuns.configFromJson(
        config(Path.of("flights.csv"), "{\"column\": \"delay\"}", "[\"distance\"]")).label());
  }

}
