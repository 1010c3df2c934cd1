package org.deepline.featurestore;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;

/**
 * One feature table joined to the data set's rows as training (and scoring) inputs, as declared in
 * {@code feature_store.joins[]}: each row gets the table's latest feature row of its entity at or
 * before the row's event time (within the TTL), the chosen feature columns renamed with
 * {@code prefix}. The joined columns are then listed under {@code features.numeric} or
 * {@code categorical} like silver columns.
 *
 * <pre>{@code
 * {"table": "airport_daily", "keys": ["origin"], "event_time": "date",
 *  "columns": {"mean_delay_prev_day": "double", "flights_prev_day": "long"},
 *  "prefix": "origin_"}
 * // adds origin_mean_delay_prev_day (double) and origin_flights_prev_day (long)
 * }</pre>
 *
 * @param table     a table of {@code feature_store.tables}
 * @param keys      the rows' columns matched to the table's entity keys, in their order
 * @param eventTime the rows' date or timestamp column a feature row must be at or before
 * @param ttl       ISO-8601 duration; a feature row older than this at the row's event time is not
 *                  used. Default: the table's own {@code ttl} (none when it has none)
 * @param columns   the feature columns joined, with the type each has in the joined rows (an
 *                  int, long or double column may be declared as any of these; it is cast)
 * @param prefix    put before each joined column's name; default {@code <table>_}
 */
public record FeatureJoin(
    @JsonPropertyDescription("The feature table joined. Allowed: a name in "
        + "`feature_store.tables`.")
    @Required
    String table,
    @JsonPropertyDescription("The rows' columns matched to the table's entity keys, in the "
        + "order of its `entity_keys`. Allowed: columns of `schema.columns`, as many as the "
        + "table has entity keys.")
    @Required
    List<String> keys,
    @JsonPropertyDescription("The rows' time: a feature row joins a row when its event time is "
        + "at or before this. Allowed: a `date` or `timestamp` column of `schema.columns`.")
    @Required
    String eventTime,
    @JsonPropertyDescription("A feature row older than this at the row's event time is not "
        + "used (the joined columns are null). Allowed: ISO-8601 duration > 0 (`P7D`, `PT12H`). "
        + "When unset: the table's `ttl`; none when it has none.")
    String ttl,
    @JsonPropertyDescription("The feature columns joined, each with its type in the joined rows "
        + "(what `features` checks, as for `schema.columns`); a numeric column of another "
        + "numeric type is cast. Allowed: non-empty; types `string`, `int`, `long`, `double`, "
        + "`boolean`, `date`, `timestamp`.")
    @Required
    Map<String, String> columns,
    @JsonPropertyDescription("Put before each joined column's name, e.g. `origin_` to join "
        + "the same table for the origin and `dest_` for the destination. Allowed: empty or "
        + "letters, digits and `_`. When unset: `<table>_`.")
    String prefix) {

  public FeatureJoin {
    keys = keys == null ? List.of() : List.copyOf(keys);
    // A TreeMap keeps the joined columns in one order, whatever order the config lists them in;
    // each type as ColumnSpec spells it (float64 is double).
    TreeMap<String, String> typed = new TreeMap<>();
    if (columns != null) {
      columns.forEach((column, type) -> typed.put(column, ColumnSpec.canonicalType(type)));
    }
    columns = Collections.unmodifiableMap(typed);
    prefix = prefix == null && table != null ? table + "_" : prefix;
  }

  /** The joined column's name: the feature column with the prefix. */
  public String outputName(String featureColumn) {
    return prefix + featureColumn;
  }

  /** The joined columns as the schema would declare them, by output name. */
  public Map<String, ColumnSpec> outputColumns() {
    Map<String, ColumnSpec> output = new TreeMap<>();
    columns.forEach((column, type) -> output.put(outputName(column),
        new ColumnSpec(outputName(column), type, null, null, null, null, null)));
    return output;
  }

  /**
   * Checks the join against the declared tables and the schema's columns ({@code rowColumns});
   * {@code taken} holds the output names met so far (silver's and other joins'), to which this
   * join's are added.
   */
  void validate(ConfigErrors errors, Map<String, FeatureDefinition> tables,
      Map<String, ColumnSpec> rowColumns, Set<String> taken) {
    FeatureDefinition definition = table == null ? null : tables.get(table);
    if (table == null || table.isBlank()) {
      errors.add("table", "is required");
    } else if (definition == null) {
      errors.add("table", "names no table of feature_store.tables: " + table + " (declared: "
          + String.join(", ", new TreeMap<>(tables).keySet()) + ")");
    }
    if (keys.isEmpty()) {
      errors.add("keys", "at least one key column is required");
    } else if (definition != null && definition.entityKeys().size() != keys.size()) {
      errors.add("keys", keys.size() + " column(s) " + keys + " but " + table + " has "
          + definition.entityKeys().size() + " entity key(s) " + definition.entityKeys());
    }
    for (int i = 0; i < keys.size(); i++) {
      errors.requireColumn(keys.get(i), rowColumns, "keys[" + i + "]");
    }
    errors.requireColumn(eventTime, rowColumns, "event_time");
    ColumnSpec time = eventTime == null ? null : rowColumns.get(eventTime);
    if (time != null && !"date".equals(time.type()) && !"timestamp".equals(time.type())) {
      errors.add("event_time", eventTime + " is declared " + time.type()
          + "; a date or timestamp column is required");
    }
    FeatureDefinition.validateTtl(ttl, errors);
    errors.require(prefix == null || prefix.matches("[A-Za-z0-9_]*"), "prefix",
        "must be letters, digits and _, got " + prefix);
    if (columns.isEmpty()) {
      errors.add("columns", "at least one feature column is required");
    }
    columns.forEach((column, type) -> {
      ConfigErrors at = errors.at("columns").at(column);
      at.requireOneOf(type, ColumnSpec.TYPES, null);
      if (definition != null && (definition.entityKeys().contains(column)
          || column.equals(definition.eventTime())
          || FeatureTables.BOOKKEEPING.contains(column))) {
        at.add(null, column + " is a key, the event time or a bookkeeping column of " + table
            + ", not a feature column");
      }
      String output = outputName(column);
      if (prefix != null && !taken.add(output)) {
        at.add(null, "joined as " + output + ", which is already a column of schema.columns or "
            + "of another join; set a different prefix");
      }
    });
  }

  /** The TTL the join applies: its own, else the table's; null for none. */
  Duration effectiveTtl(FeatureDefinition definition) {
    String chosen = ttl != null ? ttl : definition.ttl();
    return chosen == null ? null : Duration.parse(chosen);
  }
}
