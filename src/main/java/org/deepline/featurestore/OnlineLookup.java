package org.deepline.featurestore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.Warehouse;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * One entity's latest feature values from the online store, as {@code deepline feature-lookup}
 * prints them, and the optional check of those values against the offline Delta table.
 *
 * <pre>{@code
 * OnlineLookup lookup = OnlineLookup.of(featureStore, "flights", "airport_daily", System.getenv());
 * OnlineLookup.Found ord = lookup.find(List.of("ORD"));
 * // {"table": "airport_daily", "entity": {"airport": "ORD"}, "event_time": "2001-01-03T00:00:00Z",
 * //  "features": {"flights_prev_day": "1", "mean_delay_prev_day": "4.0"}}
 * String difference = lookup.differenceFromOffline(spark, warehouse, ord); // null when equal
 * }</pre>
 *
 * <p>Key values are given as the online store spells them ({@link FeatureValues}): text for a
 * string, digits for a number, an ISO-8601 instant for a timestamp.
 */
public final class OnlineLookup {
  /** {@link Found#consistency} when the offline table agrees with Redis. */
  public static final String CONSISTENT = "consistent";
  private final RedisOnlineStore store;
  private final RedisSettings settings;
  private final String dataset;
  private final FeatureDefinition definition;

  private OnlineLookup(RedisOnlineStore store, RedisSettings settings, String dataset,
      FeatureDefinition definition) {
    this.store = store;
    this.settings = settings;
    this.dataset = dataset;
    this.definition = definition;
  }

  /**
   * What a lookup found: the entity by key column, the event time of its feature row, its non-null
   * feature values (a null feature is absent), and, after a check, {@code consistency}.
   *
   * @param consistency null when not checked; else {@code consistent} or the first difference
   */
  public record Found(String table, Map<String, String> entity, String eventTime,
      Map<String, String> features, String consistency) {
    Found withConsistency(String result) {
      return new Found(table, entity, eventTime, features, result);
    }
  }

  /**
   * A lookup in the online store of {@code featureStore} (the Redis URL and password from
   * {@code environment}, as {@code feature-store} reads them).
   *
   * @throws DeeplineException (config) when there is no online store or no such table
   */
  public static OnlineLookup of(FeatureStoreConfig featureStore, String dataset, String table,
      Map<String, String> environment) {
    if (featureStore.online() == null) {
      throw new DeeplineException(DeeplineException.Failure.CONFIG, "feature_store.online is not "
          + "set: this data set has no online store to look up");
    }
    FeatureDefinition definition = featureStore.table(table);
    if (definition == null) {
      throw new DeeplineException(DeeplineException.Failure.CONFIG, "no feature table " + table
          + " in feature_store.tables (declared: " + String.join(", ", featureStore.tables()
          .stream().map(FeatureDefinition::name).toList()) + ")");
    }
    RedisSettings settings = RedisSettings.resolve(featureStore.online(), environment);
    return new OnlineLookup(new RedisOnlineStore(settings, featureStore.online().keyPrefix(),
        dataset), settings, dataset, definition);
  }

  /**
   * The entity's latest values.
   *
   * @throws DeeplineException (usage) for a wrong number of key values; (input) when the table
   *     was never published or the entity is not in it; (infrastructure) when Redis is unreachable
   */
  public Found find(List<String> keyValues) {
    List<String> keys = definition.entityKeys();
    if (keyValues.size() != keys.size()) {
      throw new DeeplineException(DeeplineException.Failure.USAGE, "feature table "
          + definition.name() + " has " + keys.size() + " entity key(s) " + keys + "; got "
          + keyValues.size() + " value(s) " + keyValues);
    }
    Map<String, String> entity = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      entity.put(keys.get(i), keyValues.get(i));
    }
    Map<String, String> hash;
    try {
      if (store.currentGeneration(definition.name()).isEmpty()) {
        throw new DeeplineException("feature table " + definition.name() + " has not been "
            + "published to the online store at " + settings + "; run feature-store with "
            + "feature_store.online set");
      }
      hash = store.lookup(definition.name(), keyValues).orElseThrow(() -> new DeeplineException(
          "feature table " + definition.name() + ": no entity " + entity + " in the online "
          + "store at " + settings + " (" + store.count(definition.name()) + " entities)"));
    } catch (JedisConnectionException e) {
      throw new DeeplineException(DeeplineException.Failure.INFRASTRUCTURE, "online store: "
          + "cannot reach Redis at " + settings + ": " + e.getMessage());
    }
    Map<String, String> features = new TreeMap<>(hash);
    String eventTime = features.remove(RedisOnlineStore.EVENT_TIME_FIELD);
    return new Found(definition.name(), entity, eventTime, features, null);
  }

  /**
   * {@code found} with its consistency: whether the offline table's latest row of the entity
   * (as {@code feature-store} published it: {@link FeatureTables#latestPerEntity}) spells the same
   * event time and values. Reads the feature table with Spark.
   */
  public Found checked(SparkSession spark, Warehouse warehouse, Found found) {
    Dataset<Row> offline = DeltaTables.read(spark, warehouse.featureTable(dataset,
        definition.name()));
    Column entity = functions.lit(true);
    for (Map.Entry<String, String> key : found.entity().entrySet()) {
      entity = entity.and(Columns.col(key.getKey()).cast("string").equalTo(key.getValue()));
    }
    List<Row> latest = FeatureTables.latestPerEntity(offline.where(entity), definition)
        .collectAsList();
    Map<String, String> online = new LinkedHashMap<>(found.features());
    online.put(RedisOnlineStore.EVENT_TIME_FIELD, found.eventTime());
    if (latest.isEmpty()) {
      return found.withConsistency("the entity is in Redis but not in the offline table");
    }
    Row row = latest.get(0);
    String difference = RedisOnlineStore.difference(RedisOnlineStore.encoded(row,
        definition.eventTime(), FeatureTables.featureColumns(row.schema(), definition)), online);
    return found.withConsistency(difference == null ? CONSISTENT : difference);
  }
}
