package org.deepline.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.core.Warehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature store's config, Redis settings, value spelling and registry: no Spark. */
class FeatureStoreConfigTest {
  private static final String GOOD = """
      {"tables": [{"name": "airport_daily", "owner": "ops", "description": "day before",
        "source": "silver", "entity_keys": ["airport"], "event_time": "event_time", "ttl": "P7D",
        "transform": "SELECT origin AS airport, timestamp '{run_date}' AS event_time FROM source"}],
       "online": {"url": "redis://127.0.0.1:6380/2", "consistency_sample": 50}}
      """;

  private static FeatureDefinition definition(String transform, List<String> keys, String ttl) {
    return new FeatureDefinition("airport_daily", "ops", "d", "silver", null, transform, keys,
        "event_time", ttl);
  }

  @Test
  void aGoodSectionParsesWithDefaults() {
    FeatureStoreConfig config = Json.read(GOOD, FeatureStoreConfig.class, "feature_store");
    ConfigErrors errors = new ConfigErrors();
    config.validate(errors);
    assertEquals(List.of(), errors.messages());
    FeatureDefinition table = config.tables().get(0);
    assertEquals("delta", table.sourceFormat());
    assertEquals(java.time.Duration.ofDays(7), table.ttlDuration());
    assertEquals("SELECT origin AS airport, timestamp '2001-03-02' AS event_time FROM source",
        table.sql("2001-03-02"));
    assertEquals(new OnlineStoreConfig("redis://127.0.0.1:6380/2", "deepline", 50, 0L),
        config.online());
    assertThrows(DeeplineException.class, () -> Json.read(
        GOOD.replace("\"owner\"", "\"owners\""), FeatureStoreConfig.class, "feature_store"));
  }

  @Test
  void everyBadValueIsNamedByItsPath() {
    FeatureStoreConfig config = new FeatureStoreConfig(List.of(
        new FeatureDefinition("Airport", null, " ", "silver", "csv", "SELEC origin FROM source",
            List.of("airport", "airport"), "airport", "P0D"),
        new FeatureDefinition("daily", "ops", "d", "silver", null, "SELECT 1", List.of(),
            null, "7 days"),
        new FeatureDefinition("daily", "ops", "d", "silver", null, "SELECT 1",
            List.of("run_date"), "t", null)),
        new OnlineStoreConfig("redis://user:pw@127.0.0.1:6379", "Deepline", 0, null));
    ConfigErrors errors = new ConfigErrors();
    config.validate(errors.at("feature_store"));
    List<String> messages = errors.messages();
    assertEquals(List.of(
        "feature_store.tables[0].name: must be lower-case letters, digits and _, starting with a "
            + "letter, got Airport",
        "feature_store.tables[0].owner: is required",
        "feature_store.tables[0].description: is required",
        "feature_store.tables[0].source_format: must be one of [delta, parquet], got csv",
        messages.get(4),
        "feature_store.tables[0].entity_keys[1]: repeats airport",
        "feature_store.tables[0].event_time: airport is also an entity key",
        "feature_store.tables[0].ttl: must be > 0, got P0D",
        "feature_store.tables[1].entity_keys: at least one entity key column is required",
        "feature_store.tables[1].event_time: is required",
        "feature_store.tables[1].ttl: must be an ISO-8601 duration such as P7D or PT12H, got 7 days",
        "feature_store.tables[2].entity_keys[0]: run_date is a column the feature store adds itself",
        "feature_store.tables[2].name: repeats daily",
        "feature_store.online.url: must not hold credentials (they would be written to run records "
            + "and logs); set REDIS_PASSWORD in the environment",
        "feature_store.online.key_prefix: must be lower-case letters, digits and _, starting with a "
            + "letter, got Deepline",
        "feature_store.online.consistency_sample: must be > 0, got 0"), messages);
    assertTrue(messages.get(4).startsWith(
        "feature_store.tables[0].transform: is not valid Spark SQL: "), messages.get(4));
    assertFalse(messages.toString().contains("pw@"), "the password is not repeated");
  }

  @Test
  void redisSettingsComeFromTheConfigAndTheEnvironmentAndHideThePassword() {
    OnlineStoreConfig online = new OnlineStoreConfig("redis://10.0.0.5:6390/3", null, null, null);
    RedisSettings fromConfig = RedisSettings.resolve(online, Map.of());
    assertEquals(new RedisSettings("10.0.0.5", 6390, 3, false, null), fromConfig);

    RedisSettings fromEnv = RedisSettings.resolve(online, Map.of("REDIS_URL",
        "rediss://:p%40ss@cache.internal"));
    assertEquals(new RedisSettings("cache.internal", 6379, 0, true, "p@ss"), fromEnv);
    assertEquals("rediss://cache.internal:6379/0 (password from the environment)",
        fromEnv.toString());

    RedisSettings passwordVariable = RedisSettings.resolve(online, Map.of("REDIS_PASSWORD", "pw2"));
    assertEquals("pw2", passwordVariable.password());
    assertFalse(passwordVariable.toString().contains("pw2"));

    DeeplineException bad = assertThrows(DeeplineException.class, () -> RedisSettings.resolve(
        online, Map.of("REDIS_URL", "http://:secret@host")));
    assertEquals("environment variable REDIS_URL: must be redis://host[:port][/db] or rediss://...",
        bad.getMessage());
  }

  @Test
  void valuesAndEntityKeysAreSpelledUnambiguously() {
    assertEquals("ORD", FeatureValues.entityKey(List.of("ORD")));
    assertEquals("a\\|b|c", FeatureValues.entityKey(List.of("a|b", "c")));
    assertEquals("a|b\\|c", FeatureValues.entityKey(List.of("a", "b|c")));
    assertEquals("a\\\\|7", FeatureValues.entityKey(List.of("a\\", 7L)));
    assertEquals("0.1", FeatureValues.encode(0.1));
    assertEquals("2001-01-02T03:04:05Z", FeatureValues.encode(
        java.sql.Timestamp.from(java.time.Instant.parse("2001-01-02T03:04:05Z"))));
    assertEquals("12.50", FeatureValues.encode(new java.math.BigDecimal("12.50")));
    assertNull(FeatureValues.encode(null));
  }

  @Test
  void onlineValuesDifferWhenAFieldIsChangedMissingOrExtra() {
    Map<String, String> offline = Map.of("_event_time", "t", "flights", "3");
    assertNull(RedisOnlineStore.difference(offline, Map.of("_event_time", "t", "flights", "3")));
    assertEquals("flights is 3 offline but 4 in Redis", RedisOnlineStore.difference(offline,
        Map.of("_event_time", "t", "flights", "4")));
    assertEquals("flights is 3 offline but null in Redis", RedisOnlineStore.difference(offline,
        Map.of("_event_time", "t")));
    assertEquals("delay is null offline but 2.0 in Redis", RedisOnlineStore.difference(offline,
        Map.of("_event_time", "t", "flights", "3", "delay", "2.0")));
    assertEquals("missing in Redis", RedisOnlineStore.difference(offline, Map.of()));
  }

  @Test
  void aChangedDefinitionGetsTheNextVersionAndAnUnchangedOneKeepsItsOwn(@TempDir Path dir) {
    FeatureRegistry registry = new FeatureRegistry(new Configuration(),
        Warehouse.at(dir.toString()));
    FeatureDefinition first = definition("SELECT 1", List.of("airport"), null);
    FeatureRegistry.Registered one = registry.register("flights", first, "run-1");
    assertEquals(1, one.version());
    assertTrue(one.created());
    FeatureRegistry.Registered same = registry.register("flights", first, "run-2");
    assertEquals(1, same.version());
    assertFalse(same.created());
    FeatureRegistry.Registered withTtl = registry.register("flights",
        definition("SELECT 1", List.of("airport"), "P1D"), "run-3");
    assertEquals(2, withTtl.version());
    // Another data set's definition of the same name has versions of its own.
    assertEquals(1, registry.register("churn", first, "run-4").version());
    assertEquals(List.of(1L, 2L), registry.history("flights", "airport_daily").stream()
        .map(FeatureRegistry.Registered::version).toList());
    assertEquals("P1D", registry.latest("flights", "airport_daily").orElseThrow().definition()
        .ttl());
    assertEquals(List.of("airport"), registry.latest("flights", "airport_daily").orElseThrow()
        .definition().entityKeys());
  }
}
