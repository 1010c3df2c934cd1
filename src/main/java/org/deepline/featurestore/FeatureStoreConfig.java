package org.deepline.featurestore;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.etl.ColumnSpec;

/**
 * The {@code feature_store} section: the feature tables {@code feature-store} materialises,
 * optionally the Redis online store it publishes their latest values to, and the tables
 * {@code features} and {@code score} join to silver's rows as feature inputs
 * ({@link FeatureJoin}, {@link FeatureJoins}).
 *
 * <pre>{@code
 * "feature_store": {
 *   "tables": [{"name": "airport_daily", "owner": "ops", ...}],
 *   "online": {"url": "redis://127.0.0.1:6379/0"},
 *   "joins": [{"table": "airport_daily", "keys": ["origin"], "event_time": "date",
 *              "columns": {"mean_delay_prev_day": "double"}}]
 * }
 * }</pre>
 *
 * @param tables the feature definitions; none by default (then {@code feature-store} refuses to run)
 * @param online the online store; absent: nothing is published
 * @param joins  feature tables joined point-in-time to silver's rows by {@code features} and
 *               {@code score}; none by default
 */
public record FeatureStoreConfig(
    @JsonPropertyDescription("The feature definitions. `feature-store` refuses to run without one "
        + "(exit 4). Allowed: distinct names.")
    List<FeatureDefinition> tables,
    @JsonPropertyDescription("The Redis online store. When unset: nothing is published.")
    OnlineStoreConfig online,
    @JsonPropertyDescription("Feature tables joined point-in-time to silver's rows by `features` "
        + "(recorded in the feature model with the Delta version read) and replayed by `score` "
        + "(at the table's latest version); list the joined columns under `features.numeric` / "
        + "`categorical`. `feature-store` must have materialised the table first.")
    List<FeatureJoin> joins) {

  public FeatureStoreConfig {
    tables = tables == null ? List.of() : List.copyOf(tables);
    joins = joins == null ? List.of() : List.copyOf(joins);
  }

  /** The feature tables and the online store, joining nothing. */
  public FeatureStoreConfig(List<FeatureDefinition> tables, OnlineStoreConfig online) {
    this(tables, online, null);
  }

  public static FeatureStoreConfig defaults() {
    return new FeatureStoreConfig(null, null, null);
  }

  /** The declared table {@code name}, or null. */
  public FeatureDefinition table(String name) {
    return tables.stream().filter(t -> t != null && name.equals(t.name())).findFirst()
        .orElse(null);
  }

  /**
   * The columns the joins add to silver's, declared as the schema declares columns: the columns
   * {@code features} may list besides {@code schema.columns}.
   */
  public Map<String, ColumnSpec> joinedColumns() {
    Map<String, ColumnSpec> joined = new LinkedHashMap<>();
    joins.stream().filter(j -> j != null && j.prefix() != null)
        .forEach(j -> joined.putAll(j.outputColumns()));
    return joined;
  }

  /** {@link #validate(ConfigErrors, Map)} for a config without joins to check. */
  public void validate(ConfigErrors errors) {
    validate(errors, Map.of());
  }

  /** Every problem of the section; {@code rowColumns} are silver's, which joins read. */
  public void validate(ConfigErrors errors, Map<String, ColumnSpec> rowColumns) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tables.size(); i++) {
      FeatureDefinition table = tables.get(i);
      if (table == null) {
        errors.add("tables[" + i + "]", "must not be null");
        continue;
      }
      table.validate(errors.at("tables", i));
      if (table.name() != null && !names.add(table.name())) {
        errors.at("tables", i).add("name", "repeats " + table.name());
      }
    }
    if (online != null) {
      online.validate(errors.at("online"));
    }
    Map<String, FeatureDefinition> byName = new HashMap<>();
    tables.stream().filter(t -> t != null && t.name() != null)
        .forEach(t -> byName.putIfAbsent(t.name(), t));
    Set<String> taken = new HashSet<>(rowColumns.keySet());
    for (int i = 0; i < joins.size(); i++) {
      FeatureJoin join = joins.get(i);
      if (join == null) {
        errors.add("joins[" + i + "]", "must not be null");
        continue;
      }
      join.validate(errors.at("joins", i), byName, rowColumns, taken);
    }
  }
}
