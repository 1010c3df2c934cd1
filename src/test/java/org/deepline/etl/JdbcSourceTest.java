package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.core.Warehouse;
import org.deepline.testing.ClosedPort;
import org.deepline.testing.RowAssertions;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code source.format: jdbc} against a real PostgreSQL server that the test starts. */
class JdbcSourceTest {
  private static final String PASSWORD = "pg-test-secret-5d1e";
  private static final String USER_ENV = "LOANS_DB_USER";
  private static final String PASSWORD_ENV = "LOANS_DB_PASSWORD";
  private static final UnaryOperator<String> ENVIRONMENT =
      Map.of(USER_ENV, PostgresServer.USER, PASSWORD_ENV, PASSWORD)::get;
  private static final String DAY_1 = "2026-11-23";
  private static final String DAY_2 = "2026-11-24";
  private static final String DAY_3 = "2026-11-25";

  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start(PASSWORD);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static void createLoans(String table) throws Exception {
    postgres.execute("CREATE TABLE " + table + " (id integer PRIMARY KEY, amount numeric(10, 2), "
            + "kind text, label text, updated_at timestamp NOT NULL)",
        "INSERT INTO " + table + " VALUES "
            + "(1, 10.50, 'a', 'yes', '2026-11-22 08:00:00.000001'), "
            + "(2, 20.00, 'b', 'no', '2026-11-22 09:00:00'), "
            + "(3, 30.25, 'a', 'no', '2026-11-22 10:00:00'), "
            + "(4, 40.00, 'c', 'yes', '2026-11-22 11:00:00')");
  }

  private static DeeplineConfig config(String jdbc) {
    return config(jdbc, "");
  }

  /** {@code ingest}: more keys of the ingest section, each followed by a comma. */
  private static DeeplineConfig config(String jdbc, String ingest) {
    return TestRuns.configFromJson("""
        {"dataset": "loans",
         "source": {"format": "jdbc", "jdbc": {"url": "%s", "user_env": "%s", "password_env": "%s",
                    %s}},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "amount", "type": "double"},
           {"name": "kind", "type": "string"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "ingest": {%s "max_quarantine_fraction": 0.0},
         "features": {"numeric": ["amount"], "categorical": ["kind"]}}
        """.formatted(postgres.url(), USER_ENV, PASSWORD_ENV, jdbc, ingest));
  }

  private static DeeplineConfig incremental(String table) {
    return config("\"table\": \"" + table + "\", \"watermark_column\": \"updated_at\", "
        + "\"partition_column\": \"id\", \"num_partitions\": 2");
  }

  private static RunContext context(DeeplineConfig config, Path warehouse, String runDate) {
    return new RunContext(RunContext.newRunId(), null, "ingest", runDate, config,
        Warehouse.at(warehouse.toString()), SparkTestSession.get());
  }

  private static StageResult ingest(DeeplineConfig config, Path warehouse, String runDate) {
    return new IngestJob(ENVIRONMENT).run(context(config, warehouse, runDate));
  }

  private static List<String> silverOf(RunContext context) {
    return DeltaTables.slice(SparkTestSession.get(), DeltaTables.ref(SparkTestSession.get(),
            context.table(Table.SILVER)), context.runDate())
        .orderBy("id")
        .select(functions.concat_ws(" ", functions.col("id"), functions.col("amount"),
            functions.col("label")))
        .as(Encoders.STRING()).collectAsList();
  }

  private static List<String> watermarks(Path warehouse) {
    return DeltaTables.read(SparkTestSession.get(),
            Warehouse.at(warehouse.toString()).table("loans", Table.WATERMARKS))
        .orderBy(DeltaTables.RUN_DATE)
        .select(functions.concat_ws(" ", functions.col(DeltaTables.RUN_DATE).cast("string"),
            functions.col(Watermarks.VALUE), functions.col(Watermarks.ROWS)))
        .as(Encoders.STRING()).collectAsList();
  }

  @Test
  void fullLoadThenIncrementalLoadReadsOnlyTheChangedRows(@TempDir Path dir) throws Exception {
    createLoans("loans_incremental");
    DeeplineConfig config = incremental("loans_incremental");
    Path warehouse = dir.resolve("wh");

    StageResult full = ingest(config, warehouse, DAY_1);
    assertEquals(4, full.metric("rows_read"));
    assertEquals(List.of("1 10.5 yes", "2 20.0 no", "3 30.25 no", "4 40.0 yes"),
        silverOf(context(config, warehouse, DAY_1)));

    postgres.execute(
        "UPDATE loans_incremental SET amount = 22.00, updated_at = '2026-11-23 12:00:00' WHERE id = 2",
        "INSERT INTO loans_incremental VALUES (5, 50.00, 'b', 'no', '2026-11-23 13:00:00')");
    StageResult changes = ingest(config, warehouse, DAY_2);
    assertEquals(2, changes.metric("rows_read"));
    assertEquals(List.of("2 22.0 no", "5 50.0 no"), silverOf(context(config, warehouse, DAY_2)));
    assertEquals("2026-11-23 13:00:00", changes.artifacts().get("source_watermark"));

    // A re-run of the date starts from the previous date's watermark again: same rows, replaced.
    StageResult rerun = ingest(config, warehouse, DAY_2);
    assertEquals(2, rerun.metric("rows_read"));
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4", "2026-11-24 2026-11-23 13:00:00 2"),
        watermarks(warehouse));

    // No change since: a load that reads nothing, succeeds and keeps the watermark.
    StageResult nothing = ingest(config, warehouse, DAY_3);
    assertEquals(0, nothing.metric("rows_read"));
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4", "2026-11-24 2026-11-23 13:00:00 2",
        "2026-11-25 2026-11-23 13:00:00 0"), watermarks(warehouse));
    assertEquals(List.of("jdbc:" + postgres.url().substring("jdbc:".length())
            + " table loans_incremental"),
        DeltaTables.read(SparkTestSession.get(), context(config, warehouse, DAY_2)
            .table(Table.BRONZE)).select(SourceReader.SOURCE_FILE).distinct()
            .as(Encoders.STRING()).collectAsList());
    for (StageResult result : List.of(full, changes, rerun, nothing)) {
      assertFalse(result.toString().contains(PASSWORD), "the password leaked into the result");
    }
  }

  @Test
  void reRunningEarlierDatesInOrderReadsEachDatesChangesAgainAndLosesNone(@TempDir Path dir)
      throws Exception {
    createLoans("loans_backfill");
    DeeplineConfig config = config("\"table\": \"loans_backfill\", \"watermark_column\": "
        + "\"updated_at\"", "\"upsert\": true,");
    Path warehouse = dir.resolve("wh");
    ingest(config, warehouse, DAY_1);
    // Key 3 touched at the source with its declared values the same: the upsert leaves it under
    // the first date, though its watermark is now past that date's.
    postgres.execute(
        "UPDATE loans_backfill SET amount = 22.00, updated_at = '2026-11-23 12:00:00' WHERE id = 2",
        "UPDATE loans_backfill SET updated_at = '2026-11-23 12:30:00' WHERE id = 3",
        "INSERT INTO loans_backfill VALUES (5, 50.00, 'b', 'no', '2026-11-23 13:00:00')");
    ingest(config, warehouse, DAY_2);

    // A backfill of both dates: the first reads up to its own mark, not to the second's changes,
    // which the second's re-run reads again (before: 5 rows, then 0, and the upsert deleted 2),
    // and deletes none of its keys the bounded re-read does not see (key 3).
    StageResult first = ingest(config, warehouse, DAY_1);
    StageResult second = ingest(config, warehouse, DAY_2);

    assertEquals(2, first.metric("rows_read"));
    assertEquals(0, first.metric("rows_silver_deleted"));
    assertEquals(3, second.metric("rows_read"));
    assertEquals(0, second.metric("rows_silver_deleted"));
    assertEquals(List.of("1 10.5 yes", "3 30.25 no", "4 40.0 yes"),
        silverOf(context(config, warehouse, DAY_1)));
    assertEquals(List.of("2 22.0 no", "5 50.0 no"), silverOf(context(config, warehouse, DAY_2)));
    // The re-run records where it stopped, where the second date's load started.
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 2", "2026-11-24 2026-11-23 13:00:00 3"),
        watermarks(warehouse));
  }

  /**
   * Without upsert silver is a log of what each date received: the backfill of the first date keeps
   * the version of key 2 it received, changed at the source since and not read again, and of key 4,
   * deleted there (before: both were lost, exit 0).
   */
  @Test
  void anAppendBackfillKeepsTheVersionsItsDateReceivedThatTheSourceNoLongerHas(@TempDir Path dir)
      throws Exception {
    createLoans("loans_log");
    DeeplineConfig config = config("\"table\": \"loans_log\", \"watermark_column\": "
        + "\"updated_at\"");
    Path warehouse = dir.resolve("wh");
    ingest(config, warehouse, DAY_1);
    postgres.execute(
        "UPDATE loans_log SET amount = 22.00, updated_at = '2026-11-23 12:00:00' WHERE id = 2",
        "DELETE FROM loans_log WHERE id = 4");
    ingest(config, warehouse, DAY_2);

    StageResult backfill = ingest(config, warehouse, DAY_1);

    assertEquals(2, backfill.metric("rows_kept_from_earlier_load"));
    assertEquals(List.of("1 10.5 yes", "2 20.0 no", "3 30.25 no", "4 40.0 yes"),
        silverOf(context(config, warehouse, DAY_1)));
    assertEquals(List.of("2 22.0 no"), silverOf(context(config, warehouse, DAY_2)));
  }

  @Test
  void aFailedLoadLeavesTheWatermarkAndTheNextRunReadsTheSameChanges(@TempDir Path dir)
      throws Exception {
    createLoans("loans_failing");
    DeeplineConfig config = incremental("loans_failing");
    Path warehouse = dir.resolve("wh");
    ingest(config, warehouse, DAY_1);

    postgres.execute(
        "UPDATE loans_failing SET label = NULL, updated_at = '2026-11-23 12:00:00' WHERE id = 3",
        "UPDATE loans_failing SET amount = 41.00, updated_at = '2026-11-23 12:30:00' WHERE id = 4");
    DeeplineException failed = assertThrows(DeeplineException.class,
        () -> ingest(config, warehouse, DAY_2));
    assertTrue(failed.getMessage().contains("1 of 2 rows (50.0%) quarantined"), failed.getMessage());
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4"), watermarks(warehouse));

    postgres.execute(
        "UPDATE loans_failing SET label = 'no', updated_at = '2026-11-23 14:00:00' WHERE id = 3");
    StageResult fixed = ingest(config, warehouse, DAY_2);
    assertEquals(2, fixed.metric("rows_read"));
    assertEquals(List.of("3 30.25 no", "4 41.0 yes"), silverOf(context(config, warehouse, DAY_2)));
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4", "2026-11-24 2026-11-23 14:00:00 2"),
        watermarks(warehouse));
  }

  /**
   * A load stopped after its silver commit (finished by the next run's repair, which records its
   * watermark) or after its quarantine commit, before its watermark's (the next run records the
   * watermark the load planned): either way the next load reads only later changes, where the
   * second read the same rows into silver again (the seventh sweep).
   */
  @ParameterizedTest
  @EnumSource(value = Table.class, names = {"SILVER", "QUARANTINE"})
  void aLoadStoppedAfterACommitGetsItsWatermarkAndIsNotReadAgain(Table stoppedAfter,
      @TempDir Path dir) throws Exception {
    String table = "loans_stopped_" + stoppedAfter.dirName();
    createLoans(table);
    DeeplineConfig config = incremental(table);
    Path warehouse = dir.resolve("wh");
    ingest(config, warehouse, DAY_1);
    postgres.execute(
        "UPDATE " + table + " SET amount = 22.00, updated_at = '2026-11-23 12:00:00' WHERE id = 2");
    IngestJob stopped = new IngestJob(ENVIRONMENT, RestSource.SLEEP, committed -> {
      if (committed == stoppedAfter) {
        throw new IllegalStateException("killed after the " + committed.dirName() + " commit");
      }
    });
    assertThrows(IllegalStateException.class,
        () -> stopped.run(context(config, warehouse, DAY_2)));
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4"), watermarks(warehouse));

    postgres.execute(
        "INSERT INTO " + table + " VALUES (5, 50.00, 'b', 'no', '2026-11-23 13:00:00')");
    StageResult next = ingest(config, warehouse, DAY_3);

    boolean silverOnly = stoppedAfter == Table.SILVER;
    assertEquals(silverOnly ? 1 : 0, next.metric("ingest_repaired"));
    assertEquals(silverOnly ? 0 : 1, next.metric("ingest_watermark_repaired"));
    // Day 2's watermark recorded, so day 3 reads only the row changed after it.
    assertEquals(List.of("2026-11-23 2026-11-22 11:00:00 4", "2026-11-24 2026-11-23 12:00:00 1",
        "2026-11-25 2026-11-23 13:00:00 1"), watermarks(warehouse));
    assertEquals(1, next.metric("rows_read"));
    assertEquals(List.of("2 22.0 no"), silverOf(context(config, warehouse, DAY_2)));
    assertEquals(List.of("5 50.0 no"), silverOf(context(config, warehouse, DAY_3)));
  }

  @Test
  void aQueryIsReadInTheConfiguredRangesOfItsPartitionColumn() throws Exception {
    createLoans("loans_query");
    JdbcConfig jdbc = config("\"query\": \"SELECT id, amount, kind, label FROM loans_query "
        + "WHERE kind = 'a'\", \"partition_column\": \"id\", \"num_partitions\": 3, "
        + "\"lower_bound\": \"0\", \"upper_bound\": \"6\"").source().jdbc();

    JdbcSource.Extract extract = JdbcSource.extract(SparkTestSession.get(), jdbc, Optional.empty(),
        Optional.empty(), ENVIRONMENT);

    assertEquals(3, extract.rows().rdd().getNumPartitions());
    RowAssertions.assertRows(List.of(RowFactory.create(1, "a"), RowFactory.create(3, "a")),
        extract.rows().select("id", "kind"), 0.0, "id");
  }

  @Test
  void aMissingTableOrColumnIsNamedInTheError(@TempDir Path dir) throws Exception {
    createLoans("loans_named");
    Path warehouse = dir.resolve("wh");
    DeeplineException noTable = assertThrows(DeeplineException.class,
        () -> ingest(incremental("loans_nowhere"), warehouse, DAY_1));
    assertTrue(noTable.getMessage().contains("table loans_nowhere: ERROR: relation "
        + "\"loans_nowhere\" does not exist"), noTable.getMessage());
    assertEquals(DeeplineException.Failure.INPUT, noTable.failure());

    DeeplineException noWatermark = assertThrows(DeeplineException.class, () -> ingest(config(
        "\"table\": \"loans_named\", \"watermark_column\": \"changed_at\""), warehouse, DAY_1));
    assertTrue(noWatermark.getMessage().contains("column \"changed_at\" does not exist"),
        noWatermark.getMessage());

    DeeplineException noPartition = assertThrows(DeeplineException.class, () -> ingest(config(
        "\"table\": \"loans_named\", \"partition_column\": \"row_no\""), warehouse, DAY_1));
    assertTrue(noPartition.getMessage().contains("column \"row_no\" does not exist"),
        noPartition.getMessage());

    DeeplineException noDeclared = assertThrows(DeeplineException.class, () -> ingest(config(
        "\"query\": \"SELECT id, amount, kind FROM loans_named\""), warehouse, DAY_1));
    assertTrue(noDeclared.getMessage().contains("declared column(s) [label] missing from the source "
        + "columns [id, amount, kind]"), noDeclared.getMessage());
    assertFalse(DeltaTables.exists(SparkTestSession.get(),
        Warehouse.at(warehouse.toString()).table("loans", Table.BRONZE)), "no table is written");
  }

  @Test
  void credentialsComeFromTheEnvironmentAndNeverShowInErrors() throws Exception {
    createLoans("loans_secret");
    JdbcConfig jdbc = config("\"table\": \"loans_secret\"").source().jdbc();

    DeeplineException unset = assertThrows(DeeplineException.class, () -> JdbcSource.extract(
        SparkTestSession.get(), jdbc, Optional.empty(), Optional.empty(),
        Map.of(USER_ENV, "deepline")::get));
    assertEquals("source.jdbc.password_env: environment variable LOANS_DB_PASSWORD is not set",
        unset.getMessage());

    String wrong = "wrong-" + PASSWORD;
    DeeplineException refused = assertThrows(DeeplineException.class, () -> JdbcSource.extract(
        SparkTestSession.get(), jdbc, Optional.empty(), Optional.empty(),
        Map.of(USER_ENV, PostgresServer.USER, PASSWORD_ENV, wrong)::get));
    assertTrue(refused.getMessage().contains("password authentication failed for user \"deepline\""),
        refused.getMessage());
    assertFalse(refused.getMessage().contains(wrong), refused.getMessage());
    // A wrong password is the config's or the environment's to mend: no retry helps.
    assertEquals(DeeplineException.Failure.INPUT, refused.failure());
  }

  @Test
  void aServerStartingStoppingOrFullIsWorthARetryAndABadQueryIsNot() {
    // PostgreSQL's own states, as its driver reports them.
    for (String passing : List.of("57P01", "57P02", "57P03", "53300", "08006")) {
      assertTrue(JdbcSource.unreachable(new java.sql.SQLException("FATAL", passing)), passing);
    }
    for (String lasting : List.of("28P01", "42P01", "42703", "3D000")) {
      assertFalse(JdbcSource.unreachable(new java.sql.SQLException("ERROR", lasting)), lasting);
    }
    assertTrue(JdbcSource.unreachable(new java.sql.SQLException("I/O error", "08001",
        new java.net.ConnectException())));
  }

  @Test
  void anUnreachableDatabaseIsInfrastructureTroubleWorthARetry() {
    int closedPort = ClosedPort.take();
    JdbcConfig jdbc = new JdbcConfig("jdbc:postgresql://127.0.0.1:" + closedPort + "/loans",
        "loans", null, USER_ENV, PASSWORD_ENV, null, null, null, null, null, null);

    DeeplineException refused = assertThrows(DeeplineException.class, () -> JdbcSource.extract(
        SparkTestSession.get(), jdbc, Optional.empty(), Optional.empty(), ENVIRONMENT));

    assertTrue(refused.getMessage().startsWith("source jdbc:postgresql://127.0.0.1:" + closedPort
        + "/loans table loans: Connection to 127.0.0.1:" + closedPort + " refused"),
        refused.getMessage());
    assertEquals(DeeplineException.Failure.INFRASTRUCTURE, refused.failure());
  }

  @Test
  void credentialsInTheUrlAndAmbiguousReadsAreConfigErrors() {
    ConfigErrors errors = new ConfigErrors();
    new JdbcConfig("jdbc:postgresql://etl:s3cr3t@db/loans", "loans", "SELECT 1", "U", "P", null,
        null, "0", null, null, null).validate(errors.at("jdbc"));
    assertEquals(List.of(
        "jdbc.url: credentials in the URL are not accepted (they would be written to run records "
            + "and logs); name environment variables in user_env and password_env",
        "jdbc.table: give exactly one of table and query",
        "jdbc.partition_column: is required with lower_bound and upper_bound",
        "jdbc.lower_bound: give both lower_bound and upper_bound, or neither (then they are found "
            + "with a MIN/MAX query)"), errors.messages());
    ConfigErrors inUrlParameters = new ConfigErrors();
    new JdbcConfig("jdbc:postgresql://db/loans?user=etl&password=s3cr3t", "loans", null, "U", "P",
        null, null, null, null, null, null).validate(inUrlParameters);
    assertFalse(inUrlParameters.messages().toString().contains("s3cr3t"));
    assertEquals(1, inUrlParameters.messages().size());
  }

  @Test
  void readerOptionsAndAPathDoNotApplyToJdbc() {
    ConfigErrors errors = new ConfigErrors().at("source");
    new SourceConfig("jdbc", "data/loans.csv", Map.of("sep", ";"), null,
        new JdbcConfig("jdbc:postgresql://db/loans", "loans", null, "U", "P", null, null, null,
            null, null, null)).validate(errors);
    assertEquals(List.of(
        "source.path: does not apply to format jdbc (the source is source.jdbc)",
        "source.options: do not apply to format jdbc (its settings are under source.jdbc)"),
        errors.messages());
  }
}
