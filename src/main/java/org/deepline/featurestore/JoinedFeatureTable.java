package org.deepline.featurestore;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A feature join as it was (or is to be) executed: the {@link FeatureJoin} of the config with what
 * the feature table was when it was read. The feature model records the joins {@code features} made,
 * so that scoring replays the same join (the same keys, times, columns, types, prefix and TTL) and
 * provenance names the table versions the statistics were fitted on.
 *
 * <pre>{@code
 * {"table": "airport_daily", "path": "/lake/flights/feature_store/airport_daily", "version": 4,
 *  "definition_version": 2, "entity_keys": ["airport"], "table_event_time": "event_time",
 *  "keys": ["origin"], "event_time": "date", "ttl": "P7D",
 *  "columns": {"mean_delay_prev_day": "double"}, "prefix": "origin_"}
 * }</pre>
 *
 * @param table             the feature table's name
 * @param path              its Delta table
 * @param version           the Delta version read
 * @param definitionVersion the registry version of its definition when it was read
 * @param entityKeys        the table's entity key columns
 * @param tableEventTime    the table's event-time column
 * @param keys              the rows' columns matched to {@code entityKeys}
 * @param eventTime         the rows' time column
 * @param ttl               the TTL applied (ISO-8601), null for none
 * @param columns           the feature columns joined, with their declared types
 * @param prefix            put before each joined column's name
 */
public record JoinedFeatureTable(String table, String path, long version, long definitionVersion,
    List<String> entityKeys, String tableEventTime, List<String> keys, String eventTime,
    String ttl, Map<String, String> columns, String prefix) implements Serializable {
  private static final long serialVersionUID = 1L;

  public JoinedFeatureTable {
    entityKeys = List.copyOf(entityKeys);
    keys = List.copyOf(keys);
    columns = Collections.unmodifiableMap(new TreeMap<>(columns));
  }

  /** The TTL as a duration, null when there is none. */
  public Duration ttlDuration() {
    return ttl == null ? null : Duration.parse(ttl);
  }

  /** The joined column's name: the feature column with the prefix. */
  public String outputName(String featureColumn) {
    return prefix + featureColumn;
  }

  /** The same join, reading the table at {@code newVersion} of a definition of {@code newDefinition}. */
  public JoinedFeatureTable at(String newPath, long newVersion, long newDefinition) {
    return new JoinedFeatureTable(table, newPath, newVersion, newDefinition, entityKeys,
        tableEventTime, keys, eventTime, ttl, columns, prefix);
  }
}
