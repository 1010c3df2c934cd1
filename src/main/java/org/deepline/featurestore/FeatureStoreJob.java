package org.deepline.featurestore;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code feature-store}: for each table of {@code feature_store.tables}, registers its definition
 * (a changed one gets the next version), runs its transform over its source for the run date and
 * replaces that date's slice of {@code <warehouse>/<dataset>/feature_store/<name>}. With
 * {@code feature_store.online}, it then publishes every table's latest row per entity (over all
 * dates) to Redis and checks the online store against the offline table: entity counts, and
 * {@code consistency_sample} entities value by value. A mismatch fails the run (exit 5).
 *
 * <pre>{@code
 * submit/deepline-submit feature-store --conf conf/flights.json --run-date 2001-03-02
 * // metrics: airport_daily.rows, airport_daily.definition_version, airport_daily.online_entities, ...
 * }</pre>
 */
public final class FeatureStoreJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreJob.class);

  private final Map<String, String> environment;

  /** The job as the CLI runs it: the Redis URL and password come from the process's environment. */
  public FeatureStoreJob() {
    this(System.getenv());
  }

  /** The job reading {@code REDIS_URL} and {@code REDIS_PASSWORD} from {@code environment}. */
  public FeatureStoreJob(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Name name() {
    return new Name("feature-store",
        "Materialise the feature_store tables for the run date (replacing its slice), register "
            + "their definitions and, with feature_store.online, publish the latest values to Redis "
            + "and check them against the offline tables.");
  }

  @Override
  public StageResult run(RunContext context) {
    FeatureStoreConfig config = context.section(FeatureStoreConfig.class);
    if (config.tables().isEmpty()) {
      throw new DeeplineException(DeeplineException.Failure.CONFIG,
          "feature_store.tables: no feature table is declared; nothing to materialise");
    }
    SparkSession spark = context.spark();
    FeatureRegistry registry = new FeatureRegistry(spark.sparkContext().hadoopConfiguration(),
        context.warehouse());
    StageResult.Builder result = StageResult.builder();
    Map<String, TableRef> written = new LinkedHashMap<>();
    for (FeatureDefinition definition : config.tables()) {
      FeatureRegistry.Registered registered = registry.register(context.dataset(), definition,
          context.runId());
      Dataset<Row> source = readSource(context, definition, result);
      Dataset<Row> rows = FeatureTables.materialize(source, definition, context.runDate(),
          registered.version());
      DeltaTables.Written commit = DeltaTables.replaceRunDateCounted(rows,
          context.warehouse().featureTable(context.dataset(), definition.name()),
          context.runDate());
      written.put(definition.name(), commit.table());
      result.output(commit.table());
      result.metric(definition.name() + ".definition_version", registered.version());
      commit.rows().ifPresent(n -> result.metric(definition.name() + ".rows", n));
      LOG.info("feature table {} (definition version {}{}) materialised for {}", definition.name(),
          registered.version(), registered.created() ? ", new" : "", context.runDate());
    }
    Optional.ofNullable(config.online()).ifPresent(online -> publish(context, config, online,
        written, result));
    return result.build();
  }

  private void publish(RunContext context, FeatureStoreConfig config,
      OnlineStoreConfig online, Map<String, TableRef> offlineTables, StageResult.Builder result) {
    RedisSettings settings = RedisSettings.resolve(online, environment);
    RedisOnlineStore store = new RedisOnlineStore(settings, online.keyPrefix(), context.dataset());
    for (FeatureDefinition definition : config.tables()) {
      // The version this run wrote: what the online store gets is what the run record names.
      TableRef offline = offlineTables.get(definition.name());
      Dataset<Row> latest = FeatureTables.latestPerEntity(context.spark().read().format("delta")
          .option("versionAsOf", offline.version()).load(offline.path()), definition).cache();
      try {
        long written = store.publish(definition.name(), latest, definition, context.runId());
        RedisOnlineStore.ConsistencyReport report = store.check(definition.name(), latest,
            definition, online.consistencySample(), online.sampleSeed());
        String name = definition.name();
        result.metric(name + ".online_entities", written)
            .metric(name + ".online_sampled", report.sampled())
            .metric(name + ".online_mismatches", report.mismatchCount());
        LOG.info("{} ({})", report.summary(), settings);
        if (!report.consistent()) {
          throw new DeeplineException(DeeplineException.Failure.DATA_QUALITY, report.summary());
        }
      } finally {
        latest.unpersist();
      }
    }
  }

  /**
   * The definition's source, whole: a table of the data set (recorded as an input at the version
   * read) or a path in {@code source_format}.
   */
  static Dataset<Row> readSource(RunContext context, FeatureDefinition definition,
      StageResult.Builder result) {
    Optional<Warehouse.Table> table = Arrays.stream(Warehouse.Table.values())
        .filter(t -> t.dirName().equals(definition.source())).findFirst();
    if (table.isPresent()) {
      TableRef ref = DeltaTables.ref(context.spark(), context.table(table.get()));
      result.input(ref);
      return context.spark().read().format(FeatureDefinition.DELTA)
          .option("versionAsOf", ref.version()).load(ref.path());
    }
    if (FeatureDefinition.DELTA.equals(definition.sourceFormat())) {
      TableRef ref = DeltaTables.ref(context.spark(), definition.source());
      result.input(ref);
      return context.spark().read().format(FeatureDefinition.DELTA)
          .option("versionAsOf", ref.version()).load(ref.path());
    }
    try {
      return context.spark().read().format(definition.sourceFormat().toLowerCase(Locale.ROOT))
          .load(definition.source());
    } catch (Exception e) {
      throw new DeeplineException("feature table " + definition.name() + ": cannot read its source "
          + definition.source() + " (" + definition.sourceFormat() + "): " + e.getMessage());
    }
  }
}
