package org.deepline.featurestore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The online store: the latest feature values of each entity in Redis, one hash per entity, for
 * lookups by entity key at serving time.
 *
 * <pre>{@code
 * RedisOnlineStore online = new RedisOnlineStore(settings, "deepline", "flights");
 * online.publish("airport_daily", FeatureTables.latestPerEntity(offline, definition),
 *     definition, runId);
 * Optional<Map<String, String>> ord = online.lookup("airport_daily", List.of("ORD"));
 * ConsistencyReport report = online.check("airport_daily", latest, definition, 100, 0L);
 * }</pre>
 *
 * <p>Layout: a publication writes every entity under a new generation,
 * {@code <prefix>:<dataset>:<table>:<generation>:<entity key>} (a hash of feature name to value, plus
 * {@value #EVENT_TIME_FIELD}; a null value is left out), then points
 * {@code <prefix>:<dataset>:<table>:current} at the generation in one {@code SET}, then deletes the
 * previous generation. A reader thus sees the old values or the new ones, never a mix, and entities
 * gone from the offline table disappear. Values are spelled by {@link FeatureValues}. Executors write
 * their partitions through pipelines of {@value #PIPELINE_BATCH} commands.
 */
public final class RedisOnlineStore {
  /** The hash field holding the event time of the entity's feature row. */
  public static final String EVENT_TIME_FIELD = "_event_time";
  static final int PIPELINE_BATCH = 1000;
  private static final int SCAN_BATCH = 1000;
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final String CURRENT = "current";
  /** The mismatches a report spells out; the rest are only counted. */
  private static final int MISMATCHES_SHOWN = 10;
  private static final String SAMPLE_ORDER = "__sample_order";

  private final RedisSettings settings;
  private final String namespace;

  public RedisOnlineStore(RedisSettings settings, String keyPrefix, String dataset) {
    this.settings = settings;
    this.namespace = keyPrefix + ":" + dataset + ":";
  }

  /**
   * What the consistency check found: the entity counts offline and online, how many entities were
   * compared value by value, and each mismatch (the first {@value #MISMATCHES_SHOWN} spelled out).
   */
  public record ConsistencyReport(String table, long offlineEntities, long onlineEntities,
      int sampled, long mismatchCount, List<String> mismatches) {
    public boolean consistent() {
      return offlineEntities == onlineEntities && mismatchCount == 0;
    }

    /** One line for an error message or a log. */
    public String summary() {
      return "online store table " + table + ": " + offlineEntities + " entities offline, "
          + onlineEntities + " in Redis; " + sampled + " sampled, " + mismatchCount
          + " mismatched" + (mismatches.isEmpty() ? "" : ": " + String.join("; ", mismatches));
    }
  }

  static Jedis connect(RedisSettings settings) {
    JedisClientConfig config = DefaultJedisClientConfig.builder()
        .password(settings.password()).database(settings.database()).ssl(settings.ssl())
        .timeoutMillis(TIMEOUT_MILLIS).clientName("deepline").build();
    return new Jedis(new HostAndPort(settings.host(), settings.port()), config);
  }

  private String tablePrefix(String table) {
    return namespace + table + ":";
  }

  private String generationPrefix(String table, String generation) {
    return tablePrefix(table) + generation + ":";
  }

  /**
   * Writes {@code latest} (one row per entity, as {@link FeatureTables#latestPerEntity} gives) as the
   * table's new generation, switches readers to it and deletes the previous one.
   *
   * @return the number of entities written
   */
  public long publish(String table, Dataset<Row> latest, FeatureDefinition definition,
      String generation) {
    try (Jedis jedis = connect(settings)) {
      jedis.ping();
    } catch (RuntimeException e) {
      throw new DeeplineException(DeeplineException.Failure.INFRASTRUCTURE, "online store: cannot "
          + "reach Redis at " + settings + ": " + e.getMessage());
    }
    LongAccumulator written = latest.sparkSession().sparkContext().longAccumulator("online_rows");
    latest.foreachPartition(new PartitionWriter(settings, generationPrefix(table, generation),
        definition.entityKeys(), definition.eventTime(),
        FeatureTables.featureColumns(latest.schema(), definition), written));
    try (Jedis jedis = connect(settings)) {
      String previous = jedis.getSet(tablePrefix(table) + CURRENT, generation);
      if (previous != null && !previous.equals(generation)) {
        deleteKeys(jedis, generationPrefix(table, previous) + "*");
      }
    }
    return written.value();
  }

  /** Writes one partition's entities through pipelines; runs on the executors. */
  private record PartitionWriter(RedisSettings settings, String prefix, List<String> keys,
      String eventTime, List<String> features, LongAccumulator written)
      implements ForeachPartitionFunction<Row> {
    @Override
    public void call(Iterator<Row> rows) {
      try (Jedis jedis = connect(settings)) {
        Pipeline pipeline = jedis.pipelined();
        int pending = 0;
        while (rows.hasNext()) {
          Row row = rows.next();
          pipeline.hset(prefix + entityOf(row, keys), encoded(row, eventTime, features));
          written.add(1);
          if (++pending == PIPELINE_BATCH) {
            pipeline.sync();
            pending = 0;
          }
        }
        pipeline.sync();
      }
    }
  }

  static String entityOf(Row row, List<String> keys) {
    List<Object> values = new ArrayList<>(keys.size());
    keys.forEach(k -> values.add(row.getAs(k)));
    return FeatureValues.entityKey(values);
  }

  /** A row's hash: its event time and every non-null feature value, spelled by FeatureValues. */
  static Map<String, String> encoded(Row row, String eventTime, List<String> features) {
    Map<String, String> hash = new LinkedHashMap<>();
    hash.put(EVENT_TIME_FIELD, FeatureValues.encode(row.getAs(eventTime)));
    for (String feature : features) {
      String value = FeatureValues.encode(row.getAs(feature));
      if (value != null) {
        hash.put(feature, value);
      }
    }
    return hash;
  }

  private static void deleteKeys(Jedis jedis, String pattern) {
    ScanParams params = new ScanParams().match(pattern).count(SCAN_BATCH);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      if (!page.getResult().isEmpty()) {
        jedis.unlink(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
  }

  /** The generation readers of the table see; empty when nothing was published. */
  public Optional<String> currentGeneration(String table) {
    try (Jedis jedis = connect(settings)) {
      return Optional.ofNullable(jedis.get(tablePrefix(table) + CURRENT));
    }
  }

  /**
   * The latest feature values of the entity with {@code keyValues} (in entity key order), by feature
   * name, with {@value #EVENT_TIME_FIELD}; empty when the entity (or the table) is unknown.
   */
  public Optional<Map<String, String>> lookup(String table, List<?> keyValues) {
    try (Jedis jedis = connect(settings)) {
      String generation = jedis.get(tablePrefix(table) + CURRENT);
      if (generation == null) {
        return Optional.empty();
      }
      Map<String, String> hash = jedis.hgetAll(generationPrefix(table, generation)
          + FeatureValues.entityKey(keyValues));
      return hash.isEmpty() ? Optional.empty() : Optional.of(hash);
    }
  }

  /** The number of entities of the table's current generation. */
  public long count(String table) {
    try (Jedis jedis = connect(settings)) {
      String generation = jedis.get(tablePrefix(table) + CURRENT);
      if (generation == null) {
        return 0;
      }
      ScanParams params = new ScanParams().match(generationPrefix(table, generation) + "*")
          .count(SCAN_BATCH);
      long count = 0;
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, params);
        count += page.getResult().size();
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      return count;
    }
  }

  /**
   * Compares the online store with the offline latest values {@code latest}: the entity counts, and
   * for {@code sample} entities chosen by {@code xxhash64(keys, seed)} (the same ones whatever the
   * partitioning) every field's value.
   */
  public ConsistencyReport check(String table, Dataset<Row> latest, FeatureDefinition definition,
      int sample, long seed) {
    List<String> features = FeatureTables.featureColumns(latest.schema(), definition);
    long offline = latest.count();
    long online = count(table);
    List<Column> hashed = new ArrayList<>();
    definition.entityKeys().forEach(k -> hashed.add(Columns.col(k)));
    hashed.add(functions.lit(seed));
    List<Row> sampled = latest.withColumn(SAMPLE_ORDER, functions.xxhash64(hashed.toArray(
        Column[]::new))).orderBy(SAMPLE_ORDER).limit(sample).collectAsList();
    List<String> mismatches = new ArrayList<>();
    long mismatchCount = 0;
    for (Row row : sampled) {
      String entity = entityOf(row, definition.entityKeys());
      Map<String, String> expected = encoded(row, definition.eventTime(), features);
      Map<String, String> actual = lookup(table, keyValues(row, definition.entityKeys()))
          .orElse(Map.of());
      String difference = difference(expected, actual);
      if (difference != null) {
        mismatchCount++;
        if (mismatches.size() < MISMATCHES_SHOWN) {
          mismatches.add("entity " + entity + ": " + difference);
        }
      }
    }
    return new ConsistencyReport(table, offline, online, sampled.size(), mismatchCount, mismatches);
  }

  private static List<Object> keyValues(Row row, List<String> keys) {
    List<Object> values = new ArrayList<>();
    keys.forEach(k -> values.add(row.getAs(k)));
    return values;
  }

  /** The first difference between the expected and the stored hash, null when they are equal. */
  static String difference(Map<String, String> expected, Map<String, String> actual) {
    if (actual.isEmpty()) {
      return "missing in Redis";
    }
    Map<String, String> extra = new HashMap<>(actual);
    for (Map.Entry<String, String> field : expected.entrySet()) {
      String stored = extra.remove(field.getKey());
      if (!field.getValue().equals(stored)) {
        return field.getKey() + " is " + field.getValue() + " offline but " + stored + " in Redis";
      }
    }
    if (!extra.isEmpty()) {
      String field = extra.keySet().iterator().next();
      return field + " is null offline but " + extra.get(field) + " in Redis";
    }
    return null;
  }
}
