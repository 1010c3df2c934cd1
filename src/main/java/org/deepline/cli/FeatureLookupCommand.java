package org.deepline.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.core.SparkSessions;
import org.deepline.core.Warehouse;
import org.deepline.featurestore.FeatureStoreConfig;
import org.deepline.featurestore.OnlineLookup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deepline feature-lookup --conf FILE --table T --key K [--key K2] [--check]}: one entity's
 * latest feature values from the Redis online store, printed as JSON; Redis's URL and password come
 * from the config and the environment as for {@code feature-store}. Without {@code --check} it
 * starts no Spark.
 *
 * <pre>{@code
 * submit/deepline-submit feature-lookup --conf conf/flights.json --table airport_daily --key ORD
 * }</pre>
 */
@Command(name = "feature-lookup", mixinStandardHelpOptions = true,
    description = "Print one entity's latest feature values from the online store (Redis) as "
        + "JSON; --check compares them with the offline feature table.")
final class FeatureLookupCommand implements Callable<Integer> {
  /** Exit code when --check finds Redis and the offline table disagree (as feature-store does). */
  static final int INCONSISTENT = DeeplineException.Failure.DATA_QUALITY.exitCode();

  @Option(names = "--conf", paramLabel = "FILE", required = true,
      description = "Job config (JSON) with feature_store.tables and feature_store.online.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
      description = "Override one config value, as the stage commands take it. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--table", paramLabel = "NAME", required = true,
      description = "A table of feature_store.tables.")
  String table;

  @Option(names = "--key", paramLabel = "VALUE", required = true,
      description = "The entity's key value, once per entity key column in the table's order, "
          + "spelled as the online store spells it (a timestamp as an ISO-8601 instant).")
  List<String> keys;

  @Option(names = "--check",
      description = "Also read the offline feature table (starts Spark) and say whether its "
          + "latest row of the entity matches Redis; exits 5 when it does not.")
  boolean check;

  @Option(names = "--warehouse", paramLabel = "URI", defaultValue = CommonOptions.DEFAULT_WAREHOUSE,
      description = "Root of all tables and artifacts, for --check (default: ${DEFAULT-VALUE}).")
  String warehouse;

  private final Map<String, String> environment;

  /** The command reading {@code REDIS_URL} and {@code REDIS_PASSWORD} from {@code environment}. */
  FeatureLookupCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() {
    DeeplineConfig config = ConfigLoader.load(conf, overrides);
    OnlineLookup lookup = OnlineLookup.of(config.section(FeatureStoreConfig.class),
        config.dataset(), table, environment);
    OnlineLookup.Found found = lookup.find(keys);
    if (check) {
      found = lookup.checked(SparkSessions.getOrCreate(), Warehouse.at(warehouse), found);
    }
    System.out.println(Json.write(found));
    return check && !OnlineLookup.CONSISTENT.equals(found.consistency()) ? INCONSISTENT : 0;
  }
}
