package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationJobTest {
  private static final String NEXT_DATE = "2026-11-25";
  private static final String ANOMALIES = "validation.anomalies=["
      + "{\"metric\": \"rows\", \"max_change_percent\": 10},"
      + "{\"metric\": \"null_fraction\", \"column\": \"income\", \"max_change_percent\": 1000,"
      + " \"severity\": \"warning\"}]";

  private static RunContext onDate(RunContext context, String runDate) {
    return new RunContext(RunContext.newRunId(), null, context.command(), runDate,
        context.config(), context.warehouse(), context.spark());
  }

  private static List<Row> metrics(RunContext context, String runDate) {
    return DeltaTables.read(SparkTestSession.get(), context.table(Table.METRICS))
        .where("run_date = '" + runDate + "'").collectAsList();
  }

  @Test
  void profileIsKeptPerDateReplacedOnReRunAndAnomaliesCompareWithEarlierDates(@TempDir Path dir)
      throws Exception {
    RunContext first = ToyData.context(dir, 60, false, ANOMALIES);
    new IngestJob().run(first);
    StageResult result = new ValidationJob().run(first);

    assertEquals(60.0, result.metric("rows"));
    assertEquals(9.0, result.metric("profile_columns"), "8 toy columns and _record_id, _source_file,"
        + " without run_date: " + result.metrics().keySet());
    assertEquals(2.0, result.metric("anomaly_checks"));
    assertEquals(0.0, result.metric("null_fraction:x"));
    assertTrue(result.outputs().stream().anyMatch(t -> t.path().endsWith("/metrics")));
    List<Row> firstRows = metrics(first, TestRuns.RUN_DATE);
    Row rows = firstRows.stream().filter(r -> "rows".equals(r.getAs("metric"))).findFirst()
        .orElseThrow();
    assertEquals(60.0, (double) rows.getAs("value"));
    List<Row> quality = DeltaTables.read(SparkTestSession.get(), first.table(Table.QUALITY))
        .where("check = 'anomalies'").orderBy("constraint").collectAsList();
    assertEquals(2, quality.size());
    assertEquals("no history: no earlier run has this metric", quality.get(1).getAs("expectation"));

    JsonNode report = Json.mapper().readTree(Files.readString(
        Path.of(java.net.URI.create(result.artifacts().get("report_json")))));
    assertEquals(60, report.get("profile").get("rows").asInt());
    assertEquals("segment", report.get("profile").get("columns").get(4).get("name").asText());
    assertEquals(3, report.get("profile").get("columns").get(4).get("values").size());
    assertEquals("no history: no earlier run has this metric",
        report.get("anomalies").get(0).get("expectation").asText());
    assertEquals("error", report.get("anomalies").get(0).get("severity").asText(),
        "as in the quality table and the config");
    assertEquals(0, report.get("anomaly_history").get("anomaly:rows").size(), "no earlier run");
    String page = Files.readString(Path.of(java.net.URI.create(
        result.artifacts().get("report_html"))));
    assertTrue(page.contains("<dt>Verdict</dt><dd>Passed</dd>"), page);

    // The same date again: its metrics are replaced, not added to.
    RunContext again = onDate(first, TestRuns.RUN_DATE);
    new ValidationJob().run(again);
    List<Row> againRows = metrics(again, TestRuns.RUN_DATE);
    assertEquals(firstRows.size(), againRows.size());
    assertTrue(againRows.stream().allMatch(r -> again.runId().equals(r.getAs("run_id"))));

    // The next date has half the rows: the row-count check fires, the null-rate one does not.
    ToyData.csv(dir, 30, 17, false);
    RunContext next = onDate(first, NEXT_DATE);
    new IngestJob().run(next);
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new ValidationJob().run(next));
    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().contains("anomaly:rows: failed, got 30.0, expected within 10 % of "
        + "60 (mean of 1 earlier run), moved 50 %"), error.getMessage());
    assertFalse(error.getMessage().contains("anomaly:null_fraction:income"), error.getMessage());
    String nextReports = next.warehouse().reportDir(next.dataset(), NEXT_DATE);
    String failedPage = Files.readString(Path.of(java.net.URI.create(nextReports + "/"
        + QualityReport.HTML_FILE)));
    assertTrue(failedPage.contains("<dt>Verdict</dt><dd>Failed with 1 error</dd>"),
        "the page is written before the run fails");
    assertTrue(failedPage.contains("<li><span class=\"date\">" + TestRuns.RUN_DATE
        + "</span> 60</li>"), "the earlier run's row count");
    assertEquals(30.0, (double) metrics(next, NEXT_DATE).stream()
        .filter(r -> "rows".equals(r.getAs("metric"))).findFirst().orElseThrow().getAs("value"),
        "the profile is kept even when the run fails, as evidence");
  }

  @Test
  void suggestPrintsConstraintsThatValidateTheProfiledData(@TempDir Path dir) throws Exception {
    RunContext context = ToyData.context(dir, 60, false);
    new IngestJob().run(context);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    StageResult result = new ValidationJob(true, new PrintStream(printed, true,
        StandardCharsets.UTF_8)).run(context);

    String output = printed.toString(StandardCharsets.UTF_8);
    assertTrue(output.startsWith("Suggested constraints for the validation section of toy ("),
        output);
    String snippet = Files.readString(Path.of(java.net.URI.create(
        result.artifacts().get("suggestions"))));
    assertTrue(output.contains(snippet), output);
    JsonNode constraints = Json.mapper().readTree(snippet).get("constraints");
    assertEquals(result.metric("suggestions"), constraints.size());
    List<String> names = new java.util.ArrayList<>();
    constraints.forEach(c -> names.add(c.get("kind").asText() + ":" + c.get("column").asText()));
    assertTrue(names.containsAll(List.of("uniqueness:id", "range:x", "completeness:channel",
        "allowed_values:channel", "uniqueness:_record_id")), names.toString());
    assertFalse(names.contains("allowed_values:segment"), "the schema declares it already");
    assertFalse(names.contains("completeness:income"), "income has gaps");
    assertFalse(names.stream().anyMatch(n -> n.endsWith(":_source_file")), names.toString());

    // Pasted into the config, the suggestions hold on the data they came from.
    DeeplineConfig pasted = TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"),
        false), "validation.constraints=" + constraints);
    RunContext checked = new RunContext(RunContext.newRunId(), null, "validate",
        TestRuns.RUN_DATE, pasted, context.warehouse(), SparkSession.active());
    StageResult verdict = new ValidationJob().run(checked);
    assertEquals(0.0, verdict.metric("constraints_failed_warning"));
    assertEquals(SchemaConstraints.names(pasted.schema()).size() + constraints.size(),
        verdict.metric("constraints"));
  }

  @Test
  void aDeclaredDefaultNullLimitFailsTheRunAndAWarningLetsItGoOn(@TempDir Path dir) {
    // income is empty in about 10 % of the toy rows.
    RunContext strict = ToyData.context(dir.resolve("strict"), 60, false,
        "validation.default_max_null_fraction=0.01");
    new IngestJob().run(strict);
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new ValidationJob().run(strict));
    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().contains("null_fraction:income: failed"), error.getMessage());

    RunContext warned = ToyData.context(dir.resolve("warned"), 60, false,
        "validation.default_max_null_fraction=0.01",
        "validation.severities={\"null_fraction:income\": \"warning\"}");
    new IngestJob().run(warned);
    StageResult result = new ValidationJob().run(warned);
    assertEquals(1.0, result.metric("constraints_failed_warning"));
    Row verdict = DeltaTables.read(SparkTestSession.get(), warned.table(Table.QUALITY))
        .where("constraint = 'null_fraction:income'").first();
    assertEquals("warning", verdict.getAs("severity"));
    assertFalse((boolean) verdict.getAs("passed"));
  }

  private static final String DAY_BEFORE = java.time.LocalDate.parse(TestRuns.RUN_DATE)
      .minusDays(1).toString();
  private static final String SPARSE_CONFIG = """
      {"dataset": "sparse", "source": {"path": "%s"},
       "schema": {"columns": [{"name": "id", "type": "int", "nullable": false},
         {"name": "cabin", "type": "string"}, {"name": "deck", "type": "string"},
         {"name": "label", "type": "string"}]},
       "label": {"column": "label", "positive": "yes"},
       "features": {"numeric": ["id"]}}
      """;

  /** 20 rows: cabin filled in 5 (sparse, as a cabin number is), deck in all or none. */
  private static Path sparseCsv(Path dir, boolean deckFilled) {
    StringBuilder csv = new StringBuilder("id,cabin,deck,label\n");
    for (int i = 0; i < 20; i++) {
      csv.append(i).append(',').append(i % 4 == 0 ? "C" + i : "").append(',')
          .append(deckFilled ? "D" : "").append(',').append(i % 2 == 0 ? "yes" : "no")
          .append('\n');
    }
    return TestRuns.writeFile(dir, "sparse.csv", csv.toString());
  }

  @Test
  void aSparseColumnWarnsAndAColumnNoRunEverFilledWarnsToo(@TempDir Path dir) {
    Path file = sparseCsv(dir, false);
    RunContext context = TestRuns.context(TestRuns.configFromJson(SPARSE_CONFIG.formatted(
        file.toString().replace("\\", "\\\\"))), dir.resolve("warehouse"), "test");
    new IngestJob().run(context);

    StageResult result = new ValidationJob().run(context);

    // cabin: 0.75 > 0.2; deck: 1.0 > 0.2, and no value at all on the data set's first load.
    assertEquals(3.0, result.metric("constraints_failed_warning"));
    assertEquals(0.75, result.metric("null_fraction:cabin"));
    Row verdict = DeltaTables.read(SparkTestSession.get(), context.table(Table.QUALITY))
        .where("constraint = 'not_all_null:deck'").first();
    assertEquals("warning", verdict.getAs("severity"));
    assertFalse((boolean) verdict.getAs("passed"));
  }

  @Test
  void anEmptyColumnStaysAWarningOnLaterDatesAndFailsWhereTheConfigSaysError(@TempDir Path dir) {
    Path file = sparseCsv(dir, false);
    DeeplineConfig config = TestRuns.configFromJson(SPARSE_CONFIG.formatted(
        file.toString().replace("\\", "\\\\")));
    RunContext dayBefore = new RunContext(RunContext.newRunId(), null, "test", DAY_BEFORE, config,
        Warehouse.at(dir.resolve("warehouse").toString()), SparkTestSession.get());
    new IngestJob().run(dayBefore);
    new ValidationJob().run(dayBefore);
    RunContext context = TestRuns.context(config, dir.resolve("warehouse"), "test");
    new IngestJob().run(context);

    assertEquals(3.0, new ValidationJob().run(context).metric("constraints_failed_warning"),
        "still never filled");
    RunContext strict = TestRuns.context(TestRuns.configFromJson(SPARSE_CONFIG.formatted(
        file.toString().replace("\\", "\\\\")),
        "validation.severities={\"not_all_null:deck\": \"error\"}"),
        dir.resolve("warehouse"), "test");
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new ValidationJob().run(strict));
    assertTrue(error.getMessage().endsWith(": not_all_null:deck: failed, got 1.0, expected < 1.0 "
        + "(not every row null)"), error.getMessage());
  }

  @Test
  void aColumnThatHadValuesOnAnEarlierDateAndHasNoneFails(@TempDir Path dir) {
    Path file = sparseCsv(dir, true);
    DeeplineConfig config = TestRuns.configFromJson(SPARSE_CONFIG.formatted(
        file.toString().replace("\\", "\\\\")));
    RunContext dayBefore = new RunContext(RunContext.newRunId(), null, "test", DAY_BEFORE,
        config, Warehouse.at(dir.resolve("warehouse").toString()), SparkTestSession.get());
    new IngestJob().run(dayBefore);
    new ValidationJob().run(dayBefore);
    sparseCsv(dir, false);
    RunContext context = TestRuns.context(config, dir.resolve("warehouse"), "test");
    new IngestJob().run(context);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new ValidationJob().run(context));
    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().endsWith(": not_all_null:deck: failed, got 1.0, expected < 1.0 "
        + "(not every row null)"), error.getMessage());
  }
}
