package org.deepline.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.JobConfig;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code feature-store} end to end on a tiny flights source: materialising two dates,
 * the registry's versions, and the online store's round trip through a real {@code redis-server}:
 * lookups, the consistency check, and the check catching a corrupted and a missing entity.
 */
class FeatureStoreJobTest {
  private static final String PASSWORD = "s3cret-test-password";
  private static final StructType FLIGHTS = new StructType()
      .add("date", DataTypes.TimestampType, false)
      .add("origin", DataTypes.StringType, false)
      .add("delay", DataTypes.LongType, true);
  /** An origin's flights and mean delay of the day before the run date, stamped at its midnight. */
  private static final String TRANSFORM = "SELECT origin AS airport, timestamp '{run_date}' AS "
      + "event_time, count(*) AS flights_prev_day, avg(delay) AS mean_delay_prev_day FROM source "
      + "WHERE to_date(date) = date_sub(date '{run_date}', 1) GROUP BY origin";

  private static Timestamp at(int day, int hour) {
    return Timestamp.valueOf(LocalDateTime.of(2001, 1, day, hour, 0));
  }

  private static FeatureDefinition airportDaily(String description, String source) {
    return new FeatureDefinition("airport_daily", "ops", description, source, "parquet", TRANSFORM,
        List.of("airport"), "event_time", "P2D");
  }

  private static JobConfig config(FeatureStoreConfig featureStore) {
    return new JobConfig() {
      @Override
      public String dataset() {
        return "flights";
      }

      @Override
      public <T> T section(Class<T> type) {
        return type.cast(featureStore);
      }

      @Override
      public JobConfig withSection(Object section) {
        return config((FeatureStoreConfig) section);
      }
    };
  }

  private static StageResult run(Warehouse warehouse, FeatureStoreConfig featureStore,
      String runDate, RedisServer redis) {
    RunContext context = new RunContext(RunContext.newRunId(), null, "feature-store", runDate,
        config(featureStore), warehouse, SparkTestSession.get());
    return new FeatureStoreJob(Map.of(RedisSettings.PASSWORD_VARIABLE, PASSWORD,
        RedisSettings.URL_VARIABLE, "redis://127.0.0.1:" + redis.port() + "/0")).run(context);
  }

  @Test
  void materialisesDatesRegistersVersionsAndRoundTripsThroughRedis(@TempDir Path dir)
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    String source = dir.resolve("flights.parquet").toString();
    spark.createDataFrame(List.of(
        RowFactory.create(at(1, 8), "ORD", 10L),
        RowFactory.create(at(1, 9), "ORD", 20L),
        RowFactory.create(at(1, 10), "SFO", null),
        RowFactory.create(at(2, 7), "ORD", 4L),
        RowFactory.create(at(2, 9), "JFK", 1L)), FLIGHTS).coalesce(1).write().parquet(source);
    Warehouse warehouse = Warehouse.at(dir.resolve("warehouse").toString());
    OnlineStoreConfig online = new OnlineStoreConfig(null, "dl", 10, 7L);
    // The first date offline only; the second publishes the latest rows of both dates.
    FeatureStoreConfig v1 = new FeatureStoreConfig(
        List.of(airportDaily("flights and mean delay of the day before", source)), null);

    try (RedisServer redis = RedisServer.start(PASSWORD)) {
      StageResult first = run(warehouse, v1, "2001-01-02", redis);
      assertEquals(1.0, first.metric("airport_daily.definition_version"));
      assertEquals(2.0, first.metric("airport_daily.rows"));
      assertFalse(first.metrics().containsKey("airport_daily.online_entities"));

      // A changed description is a new version (FeatureStoreConfigTest checks the versioning rules).
      FeatureStoreConfig v2 = new FeatureStoreConfig(
          List.of(airportDaily("an origin's flights and mean delay, day before", source)), online);
      StageResult second = run(warehouse, v2, "2001-01-03", redis);
      assertEquals(2.0, second.metric("airport_daily.definition_version"));
      assertEquals(2.0, second.metric("airport_daily.rows"));
      assertEquals(3.0, second.metric("airport_daily.online_entities"));
      assertEquals(3.0, second.metric("airport_daily.online_sampled"));
      assertEquals(0.0, second.metric("airport_daily.online_mismatches"));

      String table = warehouse.featureTable("flights", "airport_daily");
      assertEquals(List.of(
          "[JFK,2001-01-03 00:00:00.0,1,1.0,2,2001-01-03]",
          "[ORD,2001-01-02 00:00:00.0,2,15.0,1,2001-01-02]",
          "[ORD,2001-01-03 00:00:00.0,1,4.0,2,2001-01-03]",
          "[SFO,2001-01-02 00:00:00.0,1,null,1,2001-01-02]"),
          DeltaTables.read(spark, table).orderBy("airport", "event_time").collectAsList().stream()
              .map(Row::toString).toList());
      FeatureRegistry registry = new FeatureRegistry(spark.sparkContext().hadoopConfiguration(),
          warehouse);
      assertEquals(List.of(1L, 2L), registry.history("flights", "airport_daily").stream()
          .map(FeatureRegistry.Registered::version).toList());

      RedisSettings settings = RedisSettings.resolve(online, Map.of(RedisSettings.PASSWORD_VARIABLE,
          PASSWORD, RedisSettings.URL_VARIABLE, "redis://127.0.0.1:" + redis.port()));
      RedisOnlineStore store = new RedisOnlineStore(settings, "dl", "flights");
      assertEquals(Optional.of(Map.of("_event_time", "2001-01-03T00:00:00Z",
          "flights_prev_day", "1", "mean_delay_prev_day", "4.0")),
          store.lookup("airport_daily", List.of("ORD")).map(FeatureStoreJobTest::utc));
      // SFO's mean delay is null: the field is absent, not "null".
      assertEquals(Optional.of(Map.of("_event_time", "2001-01-02T00:00:00Z",
          "flights_prev_day", "1")),
          store.lookup("airport_daily", List.of("SFO")).map(FeatureStoreJobTest::utc));
      assertEquals(Optional.empty(), store.lookup("airport_daily", List.of("LAX")));
      assertEquals(3, store.count("airport_daily"));
      try (Jedis raw = redis.client()) {
        // Only the current generation is left: 3 entities and the pointer.
        assertEquals(4, raw.keys("dl:flights:airport_daily:*").size());
      }

      FeatureDefinition definition = v2.tables().get(0);
      Dataset<Row> latest = FeatureTables.latestPerEntity(DeltaTables.read(spark, table),
          definition);
      String generation = store.currentGeneration("airport_daily").orElseThrow();
      String ord = "dl:flights:airport_daily:" + generation + ":ORD";
      try (Jedis raw = redis.client()) {
        raw.hset(ord, "mean_delay_prev_day", "4.5");
        raw.del("dl:flights:airport_daily:" + generation + ":JFK");
      }
      RedisOnlineStore.ConsistencyReport report = store.check("airport_daily", latest, definition,
          10, 7L);
      assertFalse(report.consistent());
      assertEquals(3, report.offlineEntities());
      assertEquals(2, report.onlineEntities());
      assertEquals(2, report.mismatchCount());
      assertTrue(report.mismatches().contains(
          "entity ORD: mean_delay_prev_day is 4.0 offline but 4.5 in Redis"), report.summary());
      assertTrue(report.mismatches().contains("entity JFK: missing in Redis"), report.summary());
    }
  }

  /** Timestamps are spelled as UTC instants; the test session's zone shifts them, so compare in UTC. */
  private static Map<String, String> utc(Map<String, String> hash) {
    java.util.Map<String, String> copy = new java.util.HashMap<>(hash);
    String instant = copy.get(RedisOnlineStore.EVENT_TIME_FIELD);
    copy.put(RedisOnlineStore.EVENT_TIME_FIELD, java.time.Instant.parse(instant)
        .atZone(java.time.ZoneId.systemDefault()).toLocalDateTime().atZone(java.time.ZoneOffset.UTC)
        .toInstant().toString());
    return copy;
  }

  @Test
  void aTransformWithoutTheEventTimeOrWithAnUnknownColumnFailsNamingTheTable() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> source = spark.createDataFrame(List.of(RowFactory.create(at(1, 8), "ORD", 10L)),
        FLIGHTS);
    FeatureDefinition noTime = new FeatureDefinition("airport_daily", "ops", "d", "silver", null,
        "SELECT origin AS airport, count(*) AS flights FROM source GROUP BY origin",
        List.of("airport"), "event_time", null);
    DeeplineException error = assertThrows(DeeplineException.class, () ->
        FeatureTables.materialize(source, noTime, "2001-01-02", 1));
    assertEquals("feature table airport_daily: its transform yields no event-time column event_time "
        + "(columns: airport, flights)", error.getMessage());

    FeatureDefinition typo = new FeatureDefinition("airport_daily", "ops", "d", "silver", null,
        "SELECT origin AS airport, date AS event_time, dealy FROM source", List.of("airport"),
        "event_time", null);
    DeeplineException unknown = assertThrows(DeeplineException.class, () ->
        FeatureTables.materialize(source, typo, "2001-01-02", 1));
    assertTrue(unknown.getMessage().startsWith("feature table airport_daily: its transform fails "
        + "on the source silver: "), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("dealy"), unknown.getMessage());
  }
}
