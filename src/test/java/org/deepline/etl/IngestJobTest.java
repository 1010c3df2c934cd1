package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.testing.LoggedWarnings;
import org.deepline.testing.RowAssertions;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest {
  private static final String HEADER = "id,amount,kind,label\n";

  private static String config(Path csv, String extra) {
    return """
        {"dataset": "toy",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "amount", "type": "double"},
           {"name": "kind", "type": "string"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "ingest": {"max_quarantine_fraction": 1.0},
         "features": {"numeric": ["amount"], "categorical": ["kind"]}%s}
        """.formatted(csv.toString().replace("\\", "\\\\"), extra);
  }

  @Test
  void badRowsGoToQuarantineWithTheirReasonAndCountsReconcile(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER
        + "1,10.5,a,yes\n"
        + "2,abc,b,no\n"
        + "3,,a,yes\n"
        + "4,7,c\n"
        + "5,3,a,\n"
        + "5,4,b,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    StageResult[] ran = new StageResult[1];
    List<String> warnings = LoggedWarnings.during(() -> ran[0] = new IngestJob().run(context));
    StageResult result = ran[0];

    assertEquals(6, result.metric("rows_read"));
    assertEquals(2, result.metric("rows_silver"));
    assertEquals(4, result.metric("rows_quarantined"));
    // Under the limit (1.0 here), and said all the same: rows no model will see.
    List<String> said = warnings.stream().filter(w -> w.startsWith("ingest: 4 of 6 rows")).toList();
    assertEquals(1, said.size(), warnings.toString());
    assertTrue(said.get(0).startsWith("ingest: 4 of 6 rows (66.67%) quarantined, under "
        + "ingest.max_quarantine_fraction 100.0%, so the load goes on without them; most common "
        + "reasons: amount: cannot parse 'abc' as double (1 row) | "), said.get(0));
    RowAssertions.assertRows(List.of(
            RowFactory.create(1, 10.5, "a", "yes", "1"),
            RowFactory.create(3, null, "a", "yes", "3")),
        DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
            .select("id", "amount", "kind", "label", RecordIds.RECORD_ID),
        0.0, "id");

    List<String> reasons = DeltaTables.read(SparkTestSession.get(), context.table(Table.QUARANTINE))
        .orderBy("reason")
        .select(functions.concat_ws(" | ", functions.col(RecordIds.RECORD_ID),
            functions.col("reason")))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of(
        "2 | amount: cannot parse 'abc' as double",
        "5 | duplicate key [id] = 5: 2 records share it",
        "5 | duplicate key [id] = 5: 2 records share it; label: missing value in a non-nullable column",
        "4 | malformed line: field count or quoting does not match the header; "
            + "label: missing value in a non-nullable column"), reasons);
  }

  /**
   * Delta keeps no statistics of a boolean column and refuses a table property that names one
   * ({@code DELTA_COLUMN_DATA_SKIPPING_NOT_SUPPORTED_TYPE}): a declared boolean column failed every
   * load. Silver's statistics leave it out, and a schema of booleans only keeps none.
   */
  @Test
  void aBooleanColumnLoadsAndIsLeftOutOfSilversStatistics(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "flags.csv", "id,retweet,label\n1,TRUE,yes\n2,false,no\n");
    DeeplineConfig config = TestRuns.configFromJson("""
        {"dataset": "flags",
         "source": {"path": "%s"},
         "schema": {"columns": [
           {"name": "id", "type": "int"},
           {"name": "retweet", "type": "boolean"},
           {"name": "label", "type": "string"}]},
         "label": {"column": "label", "positive": "yes"},
         "features": {"numeric": ["id", "retweet"]}}
        """.formatted(csv.toString().replace("\\", "\\\\")));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(2, result.metric("rows_silver"));
    RowAssertions.assertRows(List.of(RowFactory.create(1, true), RowFactory.create(2, false)),
        DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
            .select("id", "retweet"), 0.0, "id");
    assertEquals(Map.of(DeltaTables.STATS_COLUMNS, "`id`,`label`"),
        IngestJob.silverProperties(config.schema()));
    assertEquals(Map.of(DeltaTables.STATS_COLUMN_COUNT, "0"),
        IngestJob.silverProperties(TestRuns.configFromJson("""
            {"dataset": "flags", "source": {"path": "x.csv"},
             "schema": {"columns": [{"name": "a", "type": "boolean"},
               {"name": "b", "type": "bool"}]},
             "label": {"column": "b", "positive": "true"}, "features": {"numeric": ["a"]}}
            """).schema()));
    String wide = IntStream.range(0, 40).mapToObj(i -> "{\"name\": \"c" + i
        + "\", \"type\": \"int\"}").collect(Collectors.joining(", "));
    assertEquals(Map.of(DeltaTables.STATS_COLUMNS, IntStream.range(0, 32)
            .mapToObj(i -> "`c" + i + "`").collect(Collectors.joining(","))),
        IngestJob.silverProperties(TestRuns.configFromJson("""
            {"dataset": "wide", "source": {"path": "x.csv"},
             "schema": {"columns": [%s]},
             "label": {"column": "c0", "positive": "1"}, "features": {"numeric": ["c1"]}}
            """.formatted(wide)).schema()), "the first 32 columns of a wide table");
  }

  @Test
  void rerunForTheSameDateReplacesInsteadOfDuplicating(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.0,a,yes\n2,2.0,b,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    new IngestJob().run(context);
    new IngestJob().run(context);

    assertEquals(2, DeltaTables.read(SparkTestSession.get(), context.table(Table.BRONZE)).count());
    assertEquals(2, DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER)).count());
  }

  @Test
  void missingDeclaredColumnIsNamedInTheError(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", "id,amount,label\n1,1.0,yes\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));
    assertTrue(error.getMessage().contains("[kind] missing from the CSV header"), error.getMessage());
  }

  @Test
  void missingSourcePathIsNamed(@TempDir Path dir) {
    DeeplineConfig config = TestRuns.configFromJson(config(dir.resolve("nope.csv"), ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));
    assertTrue(error.getMessage().startsWith("source.path: cannot read " + dir.resolve("nope.csv")),
        error.getMessage());
  }

  @Test
  void headerOnlyFileIsAnError(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER);
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));
    assertTrue(error.getMessage().endsWith("no data rows"), error.getMessage());
    assertEquals(DeeplineException.Failure.DATA_QUALITY, error.failure());

    // An empty JSON file is the same fault (exit 5, not 1).
    Path json = TestRuns.writeFile(dir, "toy.jsonl", "");
    RunContext jsonContext = TestRuns.context(TestRuns.configFromJson(config(json, "")
        .replace("\"source\": {", "\"source\": {\"format\": \"json\", ")), dir.resolve("wh2"), "ingest");
    DeeplineException empty = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(jsonContext));
    assertTrue(empty.getMessage().endsWith("toy.jsonl: no data rows"), empty.getMessage());
    assertEquals(DeeplineException.Failure.DATA_QUALITY, empty.failure());
  }

  @Test
  void tooManyQuarantinedRowsFailAfterKeepingThem(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,x,a,yes\n2,2.0,b,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""),
        "ingest.max_quarantine_fraction=0.1");
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));
    assertEquals(Failure.DATA_QUALITY, error.failure());
    assertTrue(error.getMessage().contains("1 of 2 rows (50.0%) quarantined"), error.getMessage());
    assertTrue(error.getMessage().contains("amount: cannot parse 'x' as double (1 row)"),
        error.getMessage());
    assertEquals(1, DeltaTables.read(SparkTestSession.get(), context.table(Table.QUARANTINE)).count());
  }

  /** The error of an ingest of {@code rows} (toy.csv's) with max_quarantine_fraction 0.3. */
  private static DeeplineException ingestFailsAt30Percent(Path dir, String warehouse,
      String rows) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + rows);
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv, ""),
        "ingest.max_quarantine_fraction=0.3"), dir.resolve(warehouse), "ingest");
    return assertThrows(DeeplineException.class, () -> new IngestJob().run(context));
  }

  /**
   * The error's most common reasons count a column's failures as one reason whatever value each
   * row quotes: three bad amounts are one reason of three rows, not three reasons of one row each;
   * a row with two faults is a kind of its own.
   */
  @Test
  void theMostCommonReasonsGroupAColumnsFailuresWhateverTheValue(@TempDir Path dir) {
    DeeplineException error = ingestFailsAt30Percent(dir, "wh", "1,1.5,a,yes\n2,x,b,no\n"
        + "3,y,a,no\n4,z,b,no\n5,w,a,\n");

    assertTrue(error.getMessage().contains("most common reasons: amount: cannot parse 'x' as "
        + "double (3 rows, this value and others like it) | amount: cannot parse 'w' as double; "
        + "label: missing value in a non-nullable column (1 row) (see "), error.getMessage());
  }

  /**
   * In a load that replaces the date, a row whose one fault is a missing label is quarantined but
   * not counted against max_quarantine_fraction: it is data no model can learn from, not a broken
   * record. A row missing its label and broken besides counts. (An incremental load counts them
   * all: JdbcSourceTest.aFailedLoadLeavesTheWatermarkAndTheNextRunReadsTheSameChanges.)
   */
  @Test
  void rowsWithoutALabelAloneDoNotCountAgainstTheQuarantineLimit(@TempDir Path dir) {
    // 4 rows: one without a label, one with a bad amount: 50 % quarantined, 25 % broken.
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.5,a,yes\n2,x,b,no\n3,2.5,a,\n"
        + "4,3.5,b,no\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv, ""),
        "ingest.max_quarantine_fraction=0.3"), dir.resolve("wh"), "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(2.0, result.metric("rows_quarantined"));
    assertEquals(1.0, result.metric("rows_unlabelled_not_counted"));
    assertEquals(2.0, result.metric("rows_silver"));

    // A fifth row without a label and with a bad amount is broken: 2 of 5 (40 %) counted.
    DeeplineException error = ingestFailsAt30Percent(dir, "wh2", "1,1.5,a,yes\n2,x,b,no\n"
        + "3,2.5,a,\n4,3.5,b,no\n5,y,a,\n");
    assertTrue(error.getMessage().startsWith("ingest: 2 of 5 rows (40.0%) quarantined for faults "
        + "other than a missing label (1 rows without one not counted), more than "
        + "ingest.max_quarantine_fraction 30.0%;"), error.getMessage());

    // More than half the rows without a label: a label column that broke.
    DeeplineException lost = ingestFailsAt30Percent(dir, "wh3", "1,1.5,a,yes\n2,2.5,b,\n"
        + "3,2.5,a,\n");
    assertTrue(lost.getMessage().startsWith("ingest: 2 of 3 rows have no label (label: missing "
        + "value in a non-nullable column), more than half: a label that broke"),
        lost.getMessage());
  }

  /** Text NaN is a missing value (ingest.null_tokens, as pandas writes one); infinities are not. */
  @Test
  void nonFiniteNumbersAreQuarantined(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv",
        HEADER + "1,-Infinity,a,yes\n2,Infinity,a,no\n3,1.5,b,no\n4,NaN,b,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    StageResult result = new IngestJob().run(context);

    assertEquals(2, result.metric("rows_silver"));
    List<String> reasons = DeltaTables.read(SparkTestSession.get(), context.table(Table.QUARANTINE))
        .orderBy("reason").select("reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("amount: '-Infinity' is not a finite number",
        "amount: 'Infinity' is not a finite number"), reasons);
  }

  @Test
  void fileWhoseHeaderDiffersFromTheFirstIsNamed(@TempDir Path dir) {
    Path sources = dir.resolve("in");
    TestRuns.writeFile(sources, "a.csv", HEADER + "1,1.0,a,yes\n");
    TestRuns.writeFile(sources, "b.csv", "id,kind,amount,label\n2,b,2.0,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(sources, ""));
    RunContext context = TestRuns.context(config, dir.resolve("wh"), "ingest");

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(context));

    assertTrue(error.getMessage().startsWith("source " + sources + ": CSV header does not conform"),
        error.getMessage());
  }

  @Test
  void addedSourceColumnExtendsBronzeButATypeChangeIsNamed(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.0,a,yes\n");
    RunContext context = TestRuns.context(TestRuns.configFromJson(config(csv, ""),
        "source.schema_evolution=bronze_only"), dir.resolve("wh"), "ingest");
    new IngestJob().run(context);
    TestRuns.writeFile(dir, "toy.csv", "id,amount,kind,label,extra\n1,1.0,a,yes,x\n");
    new IngestJob().run(context);
    assertTrue(List.of(DeltaTables.read(SparkTestSession.get(), context.table(Table.BRONZE))
        .columns()).contains("extra"));

    RunContext retyped = TestRuns.context(TestRuns.configFromJson(config(csv, ""),
        "schema.columns[2].type=int", "source.schema_evolution=bronze_only"), dir.resolve("wh"),
        "ingest");
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new IngestJob().run(retyped));
    assertTrue(error.getMessage().contains("column kind was string and is now int"),
        error.getMessage());
  }

  private static RunContext onDate(DeeplineConfig config, Path warehouse, String runDate) {
    return new RunContext(RunContext.newRunId(), null, "ingest", runDate, config,
        org.deepline.core.Warehouse.at(warehouse.toString()), SparkTestSession.get());
  }

  private static List<String> silverRows(RunContext context) {
    return DeltaTables.read(SparkTestSession.get(), context.table(Table.SILVER))
        .orderBy("id")
        .select(functions.concat_ws(" ", functions.col("id"), functions.col("amount"),
            functions.col(DeltaTables.RUN_DATE).cast("string")))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void upsertLeavesSilverAloneOnARepeatAndUpdatesCorrectedKeys(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.0,a,yes\n2,2.0,b,no\n3,3.0,a,no\n");
    DeeplineConfig config = TestRuns.configFromJson(config(csv, ""), "ingest.upsert=true");
    Path warehouse = dir.resolve("wh");
    new IngestJob().run(onDate(config, warehouse, "2026-11-22"));

    StageResult repeat = new IngestJob().run(onDate(config, warehouse, "2026-11-23"));
    assertEquals(0, repeat.metric("rows_silver_inserted"));
    assertEquals(0, repeat.metric("rows_silver_updated"));
    assertEquals(3, repeat.metric("rows_silver_unchanged"));
    assertEquals(List.of("1 1.0 2026-11-22", "2 2.0 2026-11-22", "3 3.0 2026-11-22"),
        silverRows(onDate(config, warehouse, "2026-11-23")));

    TestRuns.writeFile(dir, "toy.csv", HEADER + "2,2.5,b,no\n4,4.0,c,yes\n");
    StageResult corrected = new IngestJob().run(onDate(config, warehouse, "2026-11-24"));
    assertEquals(1, corrected.metric("rows_silver_inserted"));
    assertEquals(1, corrected.metric("rows_silver_updated"));
    assertEquals(List.of("1 1.0 2026-11-22", "2 2.5 2026-11-24", "3 3.0 2026-11-22",
        "4 4.0 2026-11-24"), silverRows(onDate(config, warehouse, "2026-11-24")));

    // Re-running a date replaces what that date loaded: key 4 is gone from the corrected batch.
    TestRuns.writeFile(dir, "toy.csv", HEADER + "2,2.5,b,no\n");
    StageResult rerun = new IngestJob().run(onDate(config, warehouse, "2026-11-24"));
    assertEquals(1, rerun.metric("rows_silver_deleted"));
    assertEquals(List.of("1 1.0 2026-11-22", "2 2.5 2026-11-24", "3 3.0 2026-11-22"),
        silverRows(onDate(config, warehouse, "2026-11-24")));

    // A backfill of the first date re-loads its old batch: key 2 keeps the later correction.
    TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.0,a,yes\n2,2.0,b,no\n3,3.0,a,no\n");
    StageResult backfill = new IngestJob().run(onDate(config, warehouse, "2026-11-22"));
    assertEquals(0, backfill.metric("rows_silver_updated"));
    assertEquals(0, backfill.metric("rows_silver_deleted"));
    assertEquals(1, backfill.metric("rows_silver_kept_newer"));
    assertEquals(List.of("1 1.0 2026-11-22", "2 2.5 2026-11-24", "3 3.0 2026-11-22"),
        silverRows(onDate(config, warehouse, "2026-11-24")));
  }

  @Test
  void upsertWithoutAKeyIsAConfigError(@TempDir Path dir) {
    Path csv = TestRuns.writeFile(dir, "toy.csv", HEADER + "1,1.0,a,yes\n");
    DeeplineException error = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        config(csv, "").replace("\"key\": [\"id\"], ", ""), "ingest.upsert=true"));
    assertTrue(error.getMessage().contains("ingest.upsert: needs schema.key"), error.getMessage());
  }
}
