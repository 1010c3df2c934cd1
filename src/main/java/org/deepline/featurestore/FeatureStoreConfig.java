package org.deepline.featurestore;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deepline.core.ConfigErrors;

/**
 * The {@code feature_store} section: the feature tables {@code feature-store} materialises and,
 * optionally, the Redis online store it publishes their latest values to.
 *
 * <pre>{@code
 * "feature_store": {
 *   "tables": [{"name": "airport_daily", "owner": "ops", ...}],
 *   "online": {"url": "redis://127.0.0.1:6379/0"}
 * }
 * }</pre>
 *
 * @param tables the feature definitions; none by default (then {@code feature-store} refuses to run)
 * @param online the online store; absent: nothing is published
 */
public record FeatureStoreConfig(
    @JsonPropertyDescription("The feature definitions. `feature-store` refuses to run without one "
        + "(exit 4). Allowed: distinct names.")
    List<FeatureDefinition> tables,
    @JsonPropertyDescription("The Redis online store. When unset: nothing is published.")
    OnlineStoreConfig online) {

  public FeatureStoreConfig {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  public static FeatureStoreConfig defaults() {
    return new FeatureStoreConfig(null, null);
  }

  public void validate(ConfigErrors errors) {
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
  }
}
