package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.Warehouse;
import org.deepline.featurestore.FeatureDefinition;
import org.deepline.featurestore.FeatureTables;
import org.deepline.featurestore.OnlineStoreConfig;
import org.deepline.featurestore.RedisOnlineStore;
import org.deepline.featurestore.RedisServer;
import org.deepline.featurestore.RedisSettings;
import org.deepline.testing.AirportDaily;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code deepline feature-lookup} against a real {@code redis-server}: an entity's values as JSON,
 * the consistency check against the offline table (and a corrupted value it catches), and a clear
 * error with its exit code for an unknown entity, an unknown table and a wrong number of keys.
 */
class FeatureLookupCommandTest {
  private static final String PASSWORD = "lookup-test-password";
  private static final Instant DAY_2 = Instant.parse("2001-01-02T00:00:00Z");
  private static final Instant DAY_3 = Instant.parse("2001-01-03T00:00:00Z");

  private static String config(Path dir) {
    return TestRuns.writeFile(dir, "flights.json", """
        {"dataset": "flights", "source": {"path": "/nowhere.csv"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "origin", "type": "string"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "features": {"categorical": ["origin"]},
         "feature_store": {"tables": [{"name": "airport_daily", "owner": "ops",
           "description": "d", "source": "silver", "entity_keys": ["airport"],
           "event_time": "event_time",
           "transform": "SELECT origin AS airport, current_timestamp() AS event_time FROM source"}],
           "online": {"key_prefix": "dl"}}}
        """).toString();
  }

  private static CliCall run(RedisServer redis, String... args) {
    return CliCall.run(Map.of(RedisSettings.URL_VARIABLE, "redis://127.0.0.1:" + redis.port() + "/0",
        RedisSettings.PASSWORD_VARIABLE, PASSWORD), args);
  }

  @Test
  void printsAnEntitysLatestValuesChecksThemAndNamesWhatIsUnknown(@TempDir Path dir)
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.at(dir.resolve("warehouse").toString());
    String conf = config(dir);
    FeatureDefinition definition = new FeatureDefinition("airport_daily", "ops", "d", "silver",
        null, "SELECT 1", List.of("airport"), "event_time", null);
    Dataset<Row> offline = spark.createDataFrame(List.of(
        RowFactory.create("ORD", Timestamp.from(DAY_2), 2L, 15.0, Date.valueOf("2001-01-02"), 1L),
        RowFactory.create("ORD", Timestamp.from(DAY_3), 1L, 4.0, Date.valueOf("2001-01-03"), 1L),
        RowFactory.create("SFO", Timestamp.from(DAY_2), 1L, null, Date.valueOf("2001-01-02"), 1L)),
        AirportDaily.SCHEMA);
    offline.write().format("delta").save(warehouse.featureTable("flights", "airport_daily"));

    try (RedisServer redis = RedisServer.start(PASSWORD)) {
      RedisSettings settings = RedisSettings.resolve(new OnlineStoreConfig(null, "dl", null, null),
          Map.of(RedisSettings.URL_VARIABLE, "redis://127.0.0.1:" + redis.port(),
              RedisSettings.PASSWORD_VARIABLE, PASSWORD));
      RedisOnlineStore store = new RedisOnlineStore(settings, "dl", "flights");
      String[] ord = {"feature-lookup", "--conf", conf, "--table", "airport_daily", "--key", "ORD"};
      CliCall unpublished = run(redis, ord);
      assertEquals(1, unpublished.code(), unpublished.err());
      assertTrue(unpublished.err().contains("deepline: error: feature table airport_daily has not "
          + "been published to the online store at redis://127.0.0.1:" + redis.port() + "/0 "
          + "(password from the environment); run feature-store with feature_store.online set"),
          unpublished.err());

      store.publish("airport_daily", FeatureTables.latestPerEntity(offline, definition),
          definition, "generation-1");
      CliCall found = run(redis, ord);
      assertEquals(0, found.code(), found.err());
      assertEquals("""
          {
            "table" : "airport_daily",
            "entity" : {
              "airport" : "ORD"
            },
            "event_time" : "2001-01-03T00:00:00Z",
            "features" : {
              "flights" : "1",
              "mean_delay" : "4.0"
            },
            "consistency" : null
          }
          """, found.out());

      String[] sfoChecked = {"feature-lookup", "--conf", conf, "--table", "airport_daily",
          "--key", "SFO", "--check", "--warehouse", warehouse.root()};
      CliCall consistent = run(redis, sfoChecked);
      assertEquals(0, consistent.code(), consistent.err());
      // SFO's mean delay is null: absent online, and the check agrees.
      assertTrue(consistent.out().contains("\"features\" : {\n    \"flights\" : \"1\"\n  },\n"
          + "  \"consistency\" : \"consistent\""), consistent.out());

      try (Jedis raw = redis.client()) {
        raw.hset("dl:flights:airport_daily:generation-1:SFO", "flights", "7");
      }
      CliCall corrupted = run(redis, sfoChecked);
      assertEquals(DeeplineException.Failure.DATA_QUALITY.exitCode(), corrupted.code(),
          corrupted.err());
      assertTrue(corrupted.out().contains(
          "\"consistency\" : \"flights is 1 offline but 7 in Redis\""), corrupted.out());

      CliCall unknownEntity = run(redis, "feature-lookup", "--conf", conf, "--table",
          "airport_daily", "--key", "LAX");
      assertEquals(1, unknownEntity.code(), unknownEntity.err());
      assertTrue(unknownEntity.err().contains("deepline: error: feature table airport_daily: no "
          + "entity {airport=LAX} in the online store at redis://127.0.0.1:" + redis.port()
          + "/0 (password from the environment) (2 entities)"), unknownEntity.err());

      CliCall unknownTable = run(redis, "feature-lookup", "--conf", conf, "--table",
          "airport_hourly", "--key", "ORD");
      assertEquals(DeeplineException.Failure.CONFIG.exitCode(), unknownTable.code());
      assertTrue(unknownTable.err().contains("deepline: error: no feature table airport_hourly in "
          + "feature_store.tables (declared: airport_daily)"), unknownTable.err());

      CliCall twoKeys = run(redis, "feature-lookup", "--conf", conf, "--table", "airport_daily",
          "--key", "ORD", "--key", "2001-01-02");
      assertEquals(DeeplineException.Failure.USAGE.exitCode(), twoKeys.code());
      assertTrue(twoKeys.err().contains("deepline: error: feature table airport_daily has 1 "
          + "entity key(s) [airport]; got 2 value(s) [ORD, 2001-01-02]"), twoKeys.err());
    }
  }

  @Test
  void withoutAnOnlineStoreOrWithRedisDownTheLookupSaysSo(@TempDir Path dir) throws Exception {
    String conf = config(dir);
    CliCall noOnline = CliCall.run(Map.of(), "feature-lookup", "--conf", conf, "--set",
        "feature_store.online=null", "--table", "airport_daily", "--key", "ORD");
    assertEquals(DeeplineException.Failure.CONFIG.exitCode(), noOnline.code(), noOnline.err());
    assertTrue(noOnline.err().contains("deepline: error: feature_store.online is not set: this "
        + "data set has no online store to look up"), noOnline.err());

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliCall down = CliCall.run(Map.of(RedisSettings.URL_VARIABLE, "redis://127.0.0.1:" + closedPort),
        "feature-lookup", "--conf", conf, "--table", "airport_daily", "--key", "ORD");
    assertEquals(DeeplineException.Failure.INFRASTRUCTURE.exitCode(), down.code(), down.err());
    assertTrue(down.err().contains("deepline: error: online store: cannot reach Redis at "
        + "redis://127.0.0.1:" + closedPort + "/0: "), down.err());
  }
}
