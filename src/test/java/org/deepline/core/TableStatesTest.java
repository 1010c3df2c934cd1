package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableStatesTest {
  private static final StructType SCHEMA = new StructType()
      .add("_record_id", DataTypes.StringType, false);

  @TempDir
  Path dir;

  @Test
  void closingStopsTheLoadingAfterTheTableItIsAtAndWaitsForThatOne() throws Exception {
    List<String> loaded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CountDownLatch atFirst = new CountDownLatch(1);
    CountDownLatch firstMayEnd = new CountDownLatch(1);
    TableStates states = TableStates.inBackground(List.of("bronze", "silver", "splits"), path -> {
      atFirst.countDown();
      try {
        firstMayEnd.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loaded.add(path);
    });
    atFirst.await();

    // A run that failed while the first table was loading.
    states.stop();
    firstMayEnd.countDown();
    states.close();

    assertEquals(List.of("bronze"), loaded);
  }

  @Test
  void theLatestVersionsStateIsBuiltAheadAndMissingOrBrokenTablesAreLeftToTheirStages()
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("splits").toString();
    DeltaTables.replaceRunDate(rows(spark, "a", "b"), path, "2026-11-24");
    DeltaTables.replaceRunDate(rows(spark, "c"), path, "2026-11-24");
    Path broken = dir.resolve("broken/_delta_log");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("00000000000000000000.json"), "{not json");
    // Version 1 is the latest: its commit built no state, as a new JVM would find it.
    assertEquals(0, cachedStateBlocks(spark, "#1 - ", path));

    try (TableStates states = TableStates.loadInBackground(spark, List.of(
        dir.resolve("missing").toString(), dir.resolve("broken").toString(), path))) {
      states.awaitLoaded();
    }

    // The state of version 1, kept by Delta in one cached block per snapshot partition: the broken
    // table (Spark's checked SparkException) and the missing one did not end the loading.
    assertEquals(SparkTestSession.DELTA_SNAPSHOT_PARTITIONS,
        cachedStateBlocks(spark, "#1 - ", path));
  }

  /** Blocks of the cached Delta state of {@code path}'s version named by {@code version}. */
  private static int cachedStateBlocks(SparkSession spark, String version, String path)
      throws java.util.concurrent.TimeoutException {
    // Spark's storage figures come from its status listener, which hears of new blocks a moment
    // later: Spark's own tests wait for its queue the same way.
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return Arrays.stream(spark.sparkContext().getRDDStorageInfo())
        .filter(rdd -> rdd.name().contains("Delta Table State " + version)
            && rdd.name().contains(path))
        .mapToInt(rdd -> rdd.numCachedPartitions()).sum();
  }

  private static Dataset<Row> rows(SparkSession spark, String... ids) {
    return spark.createDataFrame(Arrays.stream(ids).map(id -> RowFactory.create(id)).toList(),
        SCHEMA);
  }
}
