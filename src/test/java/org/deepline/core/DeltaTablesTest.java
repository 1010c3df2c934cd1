package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTablesTest {
  private static final StructType SCHEMA = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false);

  @TempDir
  Path dir;

  @Test
  void statsColumnsAreSetOnATableMadeWithoutThemAndTheDateIsStillReplaced() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("predictions").toString();
    DeltaTables.replaceRunDate(rows(spark, "a", "b"), path, "2026-11-24");
    assertEquals(null, property(spark, path));

    TableRef replaced = DeltaTables.replaceRunDate(rows(spark, "c"), path, "2026-11-24",
        List.of("probability"));

    assertEquals("probability", property(spark, path));
    assertEquals(List.of("c"), DeltaTables.slice(spark, replaced, "2026-11-24")
        .select("_record_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aNewTableIsCreatedWithItsStatsColumnsAndNullableColumns() {
    SparkSession spark = SparkTestSession.get();
    // A URI as the warehouse gives it: Delta compares the create's location with its own spelling.
    String path = dir.resolve("fresh").toUri().toString();

    TableRef created = DeltaTables.replaceRunDate(rows(spark, "a"), path, "2026-11-24",
        List.of("probability"));

    // Created with its property by the write itself: one commit, not a create and then a write.
    assertEquals(0, created.version());
    assertEquals("probability", property(spark, path));
    assertEquals(1, DeltaTables.read(spark, path).count());
    // As a DataFrame write would: Delta keeps no NOT NULL constraint from the writer's schema.
    assertEquals(true, DeltaTables.read(spark, path).schema().apply("_record_id").nullable());
  }

  @Test
  void propertiesGivenAtCreationAreTheTablesInItsOneCommitAndLaterWritesKeepThem() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("bronze").toString();

    DeltaTables.Written created = DeltaTables.replaceRunDateCounted(rows(spark, "a", "b"), path,
        "2026-11-24", List.of(), Map.of(DeltaTables.STATS_COLUMN_COUNT, "0"));
    DeltaTables.Written replaced = DeltaTables.replaceRunDateCounted(rows(spark, "c"), path,
        "2026-11-24", List.of(), Map.of(DeltaTables.STATS_COLUMN_COUNT, "32"));

    assertEquals(0, created.table().version());
    assertEquals(2, created.rows().getAsLong());
    assertEquals(1, replaced.rows().getAsLong());
    // A write of no rows that removes the date's old file: Delta gives no row count, only no files.
    DeltaTables.Written emptied = DeltaTables.replaceRunDateCounted(rows(spark), path,
        "2026-11-24", List.of(), Map.of());
    assertEquals(2, emptied.table().version());
    assertEquals(java.util.OptionalLong.of(0), emptied.rows());
    assertEquals("0", DeltaTable.forPath(spark, path).detail().select("properties").head()
        .<String, String>getJavaMap(0).get(DeltaTables.STATS_COLUMN_COUNT));
    // Every file's statistics: its row count, and no minimum of any column.
    List<String> stats = spark.read().json(path + "/_delta_log/*.json").where("add IS NOT NULL")
        .select("add.stats").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertTrue(stats.stream().allMatch(s -> s.contains("numRecords") && !s.contains("minValues")),
        stats.toString());
  }

  @Test
  void aTablesSizeIsItsDataFilesBytesAndNoTableHasNoSize() throws java.io.IOException {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("sized").toString();
    assertEquals(SmallInputPlanning.UNKNOWN_SIZE, DeltaTables.sizeInBytes(spark, path));

    DeltaTables.replaceRunDate(rows(spark, "a", "b"), path, "2026-11-24");

    long parquetBytes;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("sized"))) {
      parquetBytes = files.filter(file -> file.toString().endsWith(".parquet"))
          .mapToLong(file -> file.toFile().length()).sum();
    }
    assertEquals(parquetBytes, DeltaTables.sizeInBytes(spark, path));
  }

  @Test
  void withoutTheCommitsChecksumTheSizeComesFromTheLog() throws java.io.IOException {
    SparkSession spark = SparkTestSession.get();
    Path table = dir.resolve("unchecked");
    DeltaTables.replaceRunDate(rows(spark, "a", "b"), table.toString(), "2026-11-24");
    long withChecksum = DeltaTables.sizeInBytes(spark, table.toString());
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(table.resolve("_delta_log"))) {
      for (Path checksum : files.filter(f -> f.toString().endsWith(".crc")).toList()) {
        java.nio.file.Files.delete(checksum);
      }
    }
    // A fresh log (another process, or a table an older writer made) has no checksum to read.
    org.apache.spark.sql.delta.DeltaLog.clearCache();
    assertEquals(withChecksum, DeltaTables.sizeInBytes(spark, table.toString()));
  }

  @Test
  void lastCommitsAreTheLogsNewestFirstWithMetricsAndUserMetadata() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("commits").toString();
    DeltaTables.replaceRunDate(rows(spark, "a", "b"), path, "2026-11-24");
    DeltaTables.replaceRunDate(rows(spark, "c"), path, "2026-11-25");
    rows(spark, "d", "e", "f").withColumn(DeltaTables.RUN_DATE,
            org.apache.spark.sql.functions.lit("2026-11-25").cast("date"))
        .write().format("delta").mode("append").option("userMetadata", "{\"batch\":7}")
        .save(path);

    List<DeltaTables.Commit> commits = DeltaTables.lastCommits(spark, path, 2);

    assertEquals(List.of(2L, 1L), commits.stream().map(DeltaTables.Commit::version).toList());
    assertEquals("3", commits.get(0).operationMetrics().get("numOutputRows"));
    assertEquals("1", commits.get(1).operationMetrics().get("numOutputRows"));
    assertEquals(java.util.Optional.of("{\"batch\":7}"), commits.get(0).userMetadata());
    assertEquals(java.util.Optional.empty(), commits.get(1).userMetadata());
    assertEquals(2, DeltaTables.latestVersion(spark, path));
    // What Delta's own history says, read without its query.
    assertEquals(DeltaTables.historyOf(spark, path, 3), DeltaTables.lastCommits(spark, path, 3));
  }

  @Test
  void commitsCleanedUpAfterACheckpointAreLeftOutAsHistoryLeavesThemOut() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path table = dir.resolve("cleaned");
    String path = table.toString();
    DeltaTables.replaceRunDate(rows(spark, "a"), path, "2026-11-23");
    DeltaTables.replaceRunDate(rows(spark, "b"), path, "2026-11-24");
    DeltaTables.replaceRunDate(rows(spark, "c", "d"), path, "2026-11-25");
    org.apache.spark.sql.delta.DeltaLog.forTable(spark, path).checkpoint();
    // What log retention does to a table's oldest commits once a checkpoint holds its state.
    java.nio.file.Files.delete(table.resolve("_delta_log/00000000000000000000.json"));
    java.nio.file.Files.delete(table.resolve("_delta_log/00000000000000000001.json"));

    List<DeltaTables.Commit> commits = DeltaTables.lastCommits(spark, path, 50);

    assertEquals(List.of(2L), commits.stream().map(DeltaTables.Commit::version).toList());
    assertEquals("2", commits.get(0).operationMetrics().get("numOutputRows"));
    assertEquals(DeltaTables.historyOf(spark, path, 50), commits);
  }

  @Test
  void aDatesRowsAreKnownFromTheCommitThatWroteThemAndOtherwiseFromTheData() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path table = dir.resolve("dated");
    String path = table.toString();
    TableRef first = DeltaTables.replaceRunDate(rows(spark, "a", "b"), path, "2026-11-24");
    TableRef second = DeltaTables.replaceRunDate(rows(spark, "c"), path, "2026-11-25");
    TableRef emptied = DeltaTables.replaceRunDate(rows(spark), path, "2026-11-24");

    assertTrue(DeltaTables.versionAddedRowsTo(spark, first, "2026-11-24"));
    assertTrue(DeltaTables.versionAddedRowsTo(spark, second, "2026-11-25"));
    // The commit of the 25th says nothing of the 24th, whose rows the data still has.
    assertEquals(false, DeltaTables.versionAddedRowsTo(spark, second, "2026-11-24"));
    assertEquals(2, DeltaTables.nonEmptySlice(spark, second, "2026-11-24").count());
    // A commit that removed the 24th's rows and added none: the data is asked, and is empty.
    assertEquals(false, DeltaTables.versionAddedRowsTo(spark, emptied, "2026-11-24"));
    DeeplineException empty = assertThrows(DeeplineException.class,
        () -> DeltaTables.nonEmptySlice(spark, emptied, "2026-11-24"));
    assertEquals("table " + path + " has no rows for run_date 2026-11-24 (run the stage that "
        + "writes it for that date first, e.g. ingest --run-date 2026-11-24 before score)",
        empty.getMessage());
    // A commit file cleaned up after the log's retention: the data is asked.
    org.apache.spark.sql.delta.DeltaLog.forTable(spark, path).checkpoint();
    java.nio.file.Files.delete(table.resolve("_delta_log/00000000000000000000.json"));
    assertEquals(false, DeltaTables.versionAddedRowsTo(spark, first, "2026-11-24"));
  }

  /** A stream's batch replayed after a failure commits nothing; another batch or stream appends. */
  @Test
  void aStreamsBatchIsAppendedOnceHoweverOftenItIsWritten() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("stream").toString();
    Map<String, String> createdWith = Map.of(DeltaTables.STATS_COLUMNS, "probability");

    assertEquals(new DeltaTables.Appended(2, false), DeltaTables.appendOnce(
        rows(spark, "a", "b"), path, "stream-1", 0, List.of(), createdWith));
    assertEquals(new DeltaTables.Appended(0, true), DeltaTables.appendOnce(
        rows(spark, "a", "b"), path, "stream-1", 0, List.of(), createdWith),
        "batch 0 of stream-1 again: a replay");
    assertEquals(new DeltaTables.Appended(1, false), DeltaTables.appendOnce(rows(spark, "c"),
        path, "stream-1", 1, List.of(), createdWith));
    assertEquals(new DeltaTables.Appended(1, false), DeltaTables.appendOnce(rows(spark, "d"),
        path, "stream-2", 0, List.of(), createdWith), "another stream's batch 0");

    assertEquals(List.of("a", "b", "c", "d"), DeltaTables.read(spark, path).select("_record_id")
        .orderBy("_record_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals("probability", property(spark, path));
  }

  @Test
  void theChangeDataFeedIsTurnedOnOnce() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("silver").toString();
    DeltaTables.replaceRunDate(rows(spark, "a"), path, "2026-11-24");

    assertTrue(DeltaTables.enableChangeDataFeed(spark, path));
    long version = DeltaTables.latestVersion(spark, path);
    assertEquals(false, DeltaTables.enableChangeDataFeed(spark, path));

    assertEquals(version, DeltaTables.latestVersion(spark, path), "no second commit");
    DeltaTables.replaceRunDate(rows(spark, "b"), path, "2026-11-24");
    assertEquals(List.of("delete a", "insert b"), spark.read().format("delta")
        .option("readChangeFeed", "true").option("startingVersion", version + 1).load(path)
        .selectExpr("concat(_change_type, ' ', _record_id)").orderBy("_change_type")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  private static Dataset<Row> rows(SparkSession spark, String... ids) {
    return spark.createDataFrame(java.util.Arrays.stream(ids)
        .map(id -> RowFactory.create(id, 0.5)).toList(), SCHEMA);
  }

  private static String property(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).detail().select("properties").head()
        .<String, String>getJavaMap(0).get(DeltaTables.STATS_COLUMNS);
  }
}
