package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load interrupted between its bronze, silver and quarantine commits, by a hook that throws after a
 * real Delta commit, is found and finished by the next run; the tables then hold exactly what
 * uninterrupted runs leave.
 */
class IngestRepairTest {
  private static final String FIRST_DATE = "2026-11-23";
  private static final String SECOND_DATE = "2026-11-24";
  private static final List<Table> TABLES = List.of(Table.BRONZE, Table.SILVER, Table.QUARANTINE);

  /** Thrown by the hook: where a crash would stop the load. */
  private static final class Interrupted extends RuntimeException {
    Interrupted(Table after) {
      super("interrupted after the " + after.dirName() + " commit");
    }
  }

  /** One file per run date, each with a row that goes to quarantine. */
  private static DeeplineConfig config(Path dir, String... overrides) {
    TestRuns.writeFile(dir, FIRST_DATE + ".csv", "id,amount,label\n1,1.5,yes\n2,abc,no\n3,3.5,no\n");
    TestRuns.writeFile(dir, SECOND_DATE + ".csv", "id,amount,label\n3,3.0,no\n4,4.5,yes\n5,,\n");
    return TestRuns.configFromJson("""
        {"dataset": "toy",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "amount", "type": "double"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "ingest": {"max_quarantine_fraction": 1.0},
         "features": {"numeric": ["amount"]}}
        """.formatted(dir.resolve("{run_date}.csv").toString().replace("\\", "\\\\")), overrides);
  }

  private static RunContext onDate(DeeplineConfig config, Path warehouse, String runDate) {
    return new RunContext(RunContext.newRunId(), null, "ingest", runDate, config,
        Warehouse.at(warehouse.toString()), SparkTestSession.get());
  }

  private static IngestJob interruptedAfter(Table table) {
    return new IngestJob(System::getenv, RestSource.SLEEP, committed -> {
      if (committed == table) {
        throw new Interrupted(committed);
      }
    });
  }

  /** A table's rows as sorted text, every column but the load time (which differs per run). */
  private static List<String> contents(Path warehouse, Table table) {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> rows = DeltaTables.read(spark,
        Warehouse.at(warehouse.toString()).table("toy", table));
    String[] columns = Arrays.stream(rows.columns()).filter(c -> !c.equals(IngestJob.INGESTED_AT))
        .sorted().toArray(String[]::new);
    return rows.select(functions.to_json(functions.struct(Arrays.stream(columns)
            .map(functions::col).toArray(org.apache.spark.sql.Column[]::new))))
        .as(Encoders.STRING()).collectAsList().stream().sorted().toList();
  }

  private static List<String> silverOf(Path warehouse) {
    return DeltaTables.read(SparkTestSession.get(),
            Warehouse.at(warehouse.toString()).table("toy", Table.SILVER))
        .orderBy("id", "run_date")
        .selectExpr("concat_ws(' ', id, amount, label, cast(run_date as string))")
        .as(Encoders.STRING()).collectAsList();
  }

  /** Runs both dates without interruption: what an interrupted warehouse must end up as. */
  private static Path uninterrupted(Path dir, DeeplineConfig config) {
    Path warehouse = dir.resolve("uninterrupted");
    new IngestJob().run(onDate(config, warehouse, FIRST_DATE));
    new IngestJob().run(onDate(config, warehouse, SECOND_DATE));
    return warehouse;
  }

  @Test
  void aLoadInterruptedAfterBronzeIsFinishedByTheNextRun(@TempDir Path dir) {
    DeeplineConfig config = config(dir);
    Path warehouse = dir.resolve("wh");
    RunContext first = onDate(config, warehouse, FIRST_DATE);
    assertThrows(Interrupted.class, () -> interruptedAfter(Table.BRONZE).run(first));
    SparkSession spark = SparkTestSession.get();
    assertEquals(3, DeltaTables.read(spark, first.table(Table.BRONZE)).count());
    assertFalse(DeltaTables.exists(spark, first.table(Table.SILVER)));
    Map<String, String> others = Map.of("silver", first.table(Table.SILVER),
        "quarantine", first.table(Table.QUARANTINE));
    Optional<IngestBatches.Incomplete> found = IngestBatches.incomplete(spark,
        first.table(Table.BRONZE), others);
    assertEquals(first.runId(), found.orElseThrow().batch().id());
    assertEquals(FIRST_DATE, found.get().batch().runDate());

    StageResult next = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(1, next.metric("ingest_repaired"));
    assertEquals(3, next.metric("repair_rows_read"));
    assertEquals(2, next.metric("repair_rows_silver"));
    assertEquals(1, next.metric("repair_rows_quarantined"));
    assertEquals("{\"action\":\"" + IngestJob.REPAIR_DERIVED + "\",\"batch\":\"" + first.runId()
        + "\",\"bronze_version\":0,\"missing\":[\"silver\",\"quarantine\"],\"run_date\":\""
        + FIRST_DATE + "\"}", next.artifacts().get("ingest_repair"));
    assertEquals(List.of("1 1.5 yes " + FIRST_DATE, "3 3.5 no " + FIRST_DATE,
        "3 3.0 no " + SECOND_DATE, "4 4.5 yes " + SECOND_DATE), silverOf(warehouse));
    Path reference = uninterrupted(dir, config);
    for (Table table : TABLES) {
      assertEquals(contents(reference, table), contents(warehouse, table), table.dirName());
    }
    assertTrue(IngestBatches.incomplete(spark, first.table(Table.BRONZE), others).isEmpty());
  }

  @Test
  void anUpsertInterruptedAfterSilverGetsItsQuarantineFromTheNextRun(@TempDir Path dir) {
    DeeplineConfig config = config(dir, "ingest.upsert=true");
    Path warehouse = dir.resolve("wh");
    RunContext first = onDate(config, warehouse, FIRST_DATE);
    assertThrows(Interrupted.class, () -> interruptedAfter(Table.SILVER).run(first));
    assertFalse(DeltaTables.exists(SparkTestSession.get(), first.table(Table.QUARANTINE)));

    StageResult next = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(1, next.metric("ingest_repaired"));
    assertEquals("{\"action\":\"" + IngestJob.REPAIR_DERIVED + "\",\"batch\":\"" + first.runId()
        + "\",\"bronze_version\":0,\"missing\":[\"quarantine\"],\"run_date\":\"" + FIRST_DATE
        + "\"}", next.artifacts().get("ingest_repair"));
    assertEquals(1, next.metric("rows_silver_updated"));
    assertEquals(List.of("1 1.5 yes " + FIRST_DATE, "3 3.0 no " + SECOND_DATE,
        "4 4.5 yes " + SECOND_DATE), silverOf(warehouse));
    Path reference = uninterrupted(dir, config);
    for (Table table : TABLES) {
      assertEquals(contents(reference, table), contents(warehouse, table), table.dirName());
    }
  }

  @Test
  void aRerunOfTheInterruptedDateReplacesTheLoadAndSaysSo(@TempDir Path dir) {
    DeeplineConfig config = config(dir);
    Path warehouse = dir.resolve("wh");
    RunContext first = onDate(config, warehouse, FIRST_DATE);
    new IngestJob().run(first);
    RunContext second = onDate(config, warehouse, SECOND_DATE);
    assertThrows(Interrupted.class, () -> interruptedAfter(Table.SILVER).run(second));

    StageResult rerun = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(1, rerun.metric("ingest_repaired"));
    assertEquals("{\"action\":\"" + IngestJob.REPAIR_REPLACED + "\",\"batch\":\""
        + second.runId() + "\",\"bronze_version\":1,\"missing\":[\"quarantine\"],\"run_date\":\""
        + SECOND_DATE + "\"}", rerun.artifacts().get("ingest_repair"));
    assertEquals(3, rerun.metric("rows_read"));
    assertEquals(2, rerun.metric("rows_silver"));
    assertEquals(1, rerun.metric("rows_quarantined"));
    Path reference = uninterrupted(dir, config);
    for (Table table : TABLES) {
      assertEquals(contents(reference, table), contents(warehouse, table), table.dirName());
    }
  }

  @Test
  void completeLoadsNeedNoRepairEvenWhenQuarantineStaysEmpty(@TempDir Path dir) {
    DeeplineConfig config = config(dir);
    TestRuns.writeFile(dir, SECOND_DATE + ".csv", "id,amount,label\n6,6.5,yes\n");
    Path warehouse = dir.resolve("wh");
    new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    StageResult again = new IngestJob().run(onDate(config, warehouse, SECOND_DATE));

    assertEquals(0, again.metric("rows_quarantined"));
    assertEquals(0, again.metric("ingest_repaired"));
    assertNull(again.artifacts().get("ingest_repair"));
  }

  @Test
  void aCommitOfAnotherWriterIsNotABatch() {
    assertEquals(Optional.empty(), IngestBatches.Batch.fromJson("nightly compaction"));
    assertEquals(Optional.empty(), IngestBatches.Batch.fromJson("{\"ingest_batch\": 3}"));
    assertEquals(Optional.of(new IngestBatches.Batch("r1", FIRST_DATE, List.of("gate"))),
        IngestBatches.Batch.fromJson(new IngestBatches.Batch("r1", FIRST_DATE, List.of("gate"))
            .toJson()));
    // A load that read decimal commas says so, so that its repair reads bronze's text the same way.
    IngestBatches.Batch comma = new IngestBatches.Batch("r2", FIRST_DATE, List.of(), null,
        new NumberMarks(true, null));
    assertEquals("{\"carried_columns\":[],\"decimal_comma\":true,\"ingest_batch\":\"r2\","
        + "\"run_date\":\"" + FIRST_DATE + "\"}", comma.toJson());
    assertEquals(Optional.of(comma), IngestBatches.Batch.fromJson(comma.toJson()));
    // ... and its thousands separator.
    IngestBatches.Batch grouped = new IngestBatches.Batch("r3", FIRST_DATE, List.of(), null,
        new NumberMarks(true, "."));
    assertEquals("{\"carried_columns\":[],\"decimal_comma\":true,\"ingest_batch\":\"r3\","
        + "\"run_date\":\"" + FIRST_DATE + "\",\"thousands\":\".\"}", grouped.toJson());
    assertEquals(Optional.of(grouped), IngestBatches.Batch.fromJson(grouped.toJson()));
  }
}
