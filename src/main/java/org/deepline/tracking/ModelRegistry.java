package org.deepline.tracking;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaKernelAppend;
import org.deepline.core.DeltaSnapshots;
import org.deepline.core.DeltaTables;
import org.deepline.core.SparkSessions;
import org.deepline.core.Warehouse;

/**
 * The model registry: one row per trained model version, with where its bundle lives and how it did
 * on validation, and named aliases ({@code champion}, {@code challenger}) that point at a version.
 * Scoring asks it for the newest model of a data set unless told a version or an alias.
 *
 * <p>Aliases are an append-only log of changes, not a mutable pointer, so every promotion stays
 * visible and {@link #rollback} can restore the version that held the alias before.
 *
 * <pre>{@code
 * ModelRegistry models = new ModelRegistry(spark, Warehouse.at("s3a://lake/deepline"));
 * models.promote("churn", "20261124T014022-56dc8a");
 * ModelEntry champion = models.alias("churn", ModelRegistry.CHAMPION).orElseThrow();
 * models.rollback("churn", ModelRegistry.CHAMPION);   // the previous champion again
 * }</pre>
 */
public final class ModelRegistry {
  /** The alias of the model in production: what {@code evaluate} compares a challenger with. */
  public static final String CHAMPION = "champion";
  /** The alias of the model being tried against the champion. */
  public static final String CHALLENGER = "challenger";
  /**
   * Alias names start with a letter; model versions (train run ids) start with a digit, so a
   * {@code scoring.model_version} can name either without ambiguity.
   */
  private static final Pattern ALIAS_NAME = Pattern.compile("[a-z][a-z0-9_]*");

  static final StructType SCHEMA = new StructType()
      .add("model_version", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("run_date", DataTypes.DateType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("path", DataTypes.StringType, false)
      .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false);

  /** Latest training date first, then the latest registered (ISO dates compare as text). */
  private static final Comparator<ModelEntry> NEWEST_FIRST = Comparator
      .comparing(ModelEntry::runDate)
      .thenComparing(ModelEntry::createdAt)
      .reversed();

  static final StructType ALIAS_SCHEMA = new StructType()
      .add("dataset", DataTypes.StringType, false)
      .add("alias", DataTypes.StringType, false)
      .add("sequence", DataTypes.LongType, false)
      .add("action", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType, false)
      .add("previous_version", DataTypes.StringType, true)
      .add("changed_at", DataTypes.TimestampType, false);

  private final Supplier<SparkSession> spark;
  private final Supplier<Configuration> hadoopConf;
  private final String path;
  private final String aliasesPath;

  /** A registry that reads and writes through {@code spark} (a stage's). */
  public ModelRegistry(SparkSession spark, Warehouse warehouse) {
    this(() -> spark, () -> spark.sparkContext().hadoopConfiguration(), warehouse);
  }

  /**
   * A registry that needs no Spark to read or to change an alias; a session is started only to
   * register a model.
   */
  public ModelRegistry(Warehouse warehouse) {
    this(SparkSessions::getOrCreate, SparkSessions::hadoopConfiguration, warehouse);
  }

  private ModelRegistry(Supplier<SparkSession> spark, Supplier<Configuration> hadoopConf,
      Warehouse warehouse) {
    this.spark = spark;
    this.hadoopConf = hadoopConf;
    this.path = warehouse.modelsTable();
    this.aliasesPath = warehouse.modelAliasesTable();
  }

  public String path() {
    return path;
  }

  /** A registered model version. */
  public record ModelEntry(String modelVersion, String dataset, String runId, String runDate,
      Instant createdAt, String path, Map<String, Double> metrics) {}

  /**
   * One change of an alias: {@code promote} gave it to {@code modelVersion}, {@code rollback} gave it
   * back to {@code modelVersion} (the version that held it before {@code previousVersion}).
   *
   * @param sequence 1 for the alias's first change in the data set, then 2, 3, ...
   */
  public record AliasChange(String dataset, String alias, long sequence, String action,
      String modelVersion, String previousVersion, Instant changedAt) {
    public static final String PROMOTE = "promote";
    public static final String ROLLBACK = "rollback";
  }

  public void register(ModelEntry entry) {
    Row row = RowFactory.create(entry.modelVersion(), entry.dataset(), entry.runId(),
        java.sql.Date.valueOf(LocalDate.parse(entry.runDate())), Timestamp.from(entry.createdAt()),
        entry.path(), entry.metrics());
    DeltaTables.append(spark.get().createDataFrame(List.of(row), SCHEMA).coalesce(1), path);
  }

  /**
   * The newest model of the data set trained on data of {@code runDate} or earlier: re-scoring an old
   * date (a backfill) must not use a model that has seen later data.
   */
  public ModelEntry latest(String dataset, String runDate) {
    return find(dataset, null, runDate).orElseThrow(() -> new DeeplineException("no model of "
        + dataset + " trained on or before " + runDate + " is registered in " + path
        + ": run train first"));
  }

  public ModelEntry version(String dataset, String modelVersion) {
    return find(dataset, modelVersion, null).orElseThrow(() -> new DeeplineException(
        "no model " + modelVersion + " of " + dataset + " in " + path));
  }

  /** The model version that holds {@code alias} (e.g. {@link #CHAMPION}) in the data set, if any. */
  public Optional<ModelEntry> alias(String dataset, String alias) {
    return current(aliasHistory(dataset, alias))
        .map(version -> find(dataset, version, null).orElseThrow(() -> new DeeplineException(
            "alias " + alias + " of " + dataset + " names model " + version
                + ", which is not in " + path)));
  }

  /**
   * A model named by its version or by an alias: what {@code scoring.model_version} and the
   * {@code models} commands accept.
   */
  public ModelEntry resolve(String dataset, String versionOrAlias) {
    if (ALIAS_NAME.matcher(versionOrAlias).matches()) {
      return alias(dataset, versionOrAlias).orElseThrow(() -> new DeeplineException("no model of "
          + dataset + " holds the alias " + versionOrAlias + " (give it one with: deepline models "
          + "promote VERSION --dataset " + dataset + (CHAMPION.equals(versionOrAlias) ? ""
              : " --alias " + versionOrAlias) + ")"));
    }
    return find(dataset, versionOrAlias, null).orElseThrow(() -> new DeeplineException(
        "no model " + versionOrAlias + " of " + dataset + " in " + path));
  }

  /**
   * The model a stage of {@code runDate} works with: the one {@code versionOrAlias} names, or, when
   * that is null, the {@link #latest} trained on or before the date. What {@code score} and
   * {@code compress} do with their {@code model_version} keys.
   */
  public ModelEntry named(String dataset, String runDate, String versionOrAlias) {
    return versionOrAlias == null ? latest(dataset, runDate) : resolve(dataset, versionOrAlias);
  }

  /** Gives {@code alias} to {@code modelVersion}, which must be a registered version of the data set. */
  public AliasChange setAlias(String dataset, String alias, String modelVersion) {
    requireAliasName(alias);
    ModelEntry target = find(dataset, modelVersion, null).orElseThrow(() -> new DeeplineException(
        "cannot give alias " + alias + " to model " + modelVersion + ": no such model of " + dataset
            + " in " + path));
    List<AliasChange> history = aliasHistory(dataset, alias);
    Optional<String> holder = current(history);
    if (holder.isPresent() && holder.get().equals(target.modelVersion())) {
      throw new DeeplineException("model " + modelVersion + " already holds the alias " + alias
          + " of " + dataset);
    }
    return append(new AliasChange(dataset, alias, history.size() + 1L, AliasChange.PROMOTE,
        target.modelVersion(), holder.orElse(null), Instant.now()));
  }

  /** Makes {@code modelVersion} the {@link #CHAMPION} of the data set. */
  public AliasChange promote(String dataset, String modelVersion) {
    return setAlias(dataset, CHAMPION, modelVersion);
  }

  /**
   * Gives {@code alias} back to the version that held it before the current one. Rollbacks undo
   * promotions like a stack: two rollbacks after three promotions restore the first version.
   */
  public AliasChange rollback(String dataset, String alias) {
    requireAliasName(alias);
    List<AliasChange> history = aliasHistory(dataset, alias);
    Deque<String> holders = holders(history);
    if (holders.isEmpty()) {
      throw new DeeplineException("cannot roll back " + alias + " of " + dataset
          + ": no model holds it");
    }
    String current = holders.pop();
    if (holders.isEmpty()) {
      throw new DeeplineException("cannot roll back " + alias + " of " + dataset + ": " + current
          + " is its first holder, there is no earlier " + alias + " to restore");
    }
    return append(new AliasChange(dataset, alias, history.size() + 1L, AliasChange.ROLLBACK,
        holders.peek(), current, Instant.now()));
  }

  /** Every change of {@code alias} in the data set, oldest first. */
  public List<AliasChange> aliasHistory(String dataset, String alias) {
    return aliasChanges(dataset).stream().filter(c -> c.alias().equals(alias)).toList();
  }

  /** Which version holds which alias in the data set now, by alias name. */
  public Map<String, String> aliases(String dataset) {
    Map<String, List<AliasChange>> byAlias = new TreeMap<>();
    aliasChanges(dataset).forEach(c -> byAlias.computeIfAbsent(c.alias(), a -> new ArrayList<>())
        .add(c));
    Map<String, String> holders = new TreeMap<>();
    byAlias.forEach((alias, history) -> current(history).ifPresent(v -> holders.put(alias, v)));
    return holders;
  }

  /** Every registered version of the data set, newest first. */
  public List<ModelEntry> list(String dataset) {
    return entries().filter(e -> e.dataset().equals(dataset)).sorted(NEWEST_FIRST).toList();
  }

  private List<AliasChange> aliasChanges(String dataset) {
    return DeltaSnapshots.latest(hadoopConf.get(), aliasesPath)
        .map(snapshot -> snapshot.rows().stream().map(ModelRegistry::aliasChange)
            .filter(c -> c.dataset().equals(dataset))
            .sorted(Comparator.comparingLong(AliasChange::sequence))
            .toList())
        .orElse(List.of());
  }

  /** The version a history leaves holding its alias: promotions push, rollbacks pop. */
  static Optional<String> current(List<AliasChange> history) {
    return Optional.ofNullable(holders(history).peek());
  }

  private static Deque<String> holders(List<AliasChange> history) {
    Deque<String> holders = new ArrayDeque<>();
    for (AliasChange change : history) {
      if (AliasChange.ROLLBACK.equals(change.action())) {
        holders.pop();
      } else {
        holders.push(change.modelVersion());
      }
    }
    return holders;
  }

  private static void requireAliasName(String alias) {
    if (alias == null || !ALIAS_NAME.matcher(alias).matches()) {
      throw new DeeplineException("alias: must be lower-case letters, digits and _ starting with a "
          + "letter (e.g. " + CHAMPION + "), got " + alias);
    }
  }

  private AliasChange append(AliasChange change) {
    Row row = RowFactory.create(change.dataset(), change.alias(), change.sequence(), change.action(),
        change.modelVersion(), change.previousVersion(), Timestamp.from(change.changedAt()));
    // Delta Kernel, not Spark: promote and rollback answer in a second instead of a Spark start.
    DeltaKernelAppend.rows(hadoopConf.get(), aliasesPath, ALIAS_SCHEMA, List.of(row));
    return change;
  }

  private static AliasChange aliasChange(Map<String, Object> row) {
    return new AliasChange((String) row.get("dataset"), (String) row.get("alias"),
        (Long) row.get("sequence"), (String) row.get("action"), (String) row.get("model_version"),
        (String) row.get("previous_version"), (Instant) row.get("changed_at"));
  }

  @SuppressWarnings("unchecked")
  private static ModelEntry entry(Map<String, Object> row) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    ((Map<Object, Object>) row.get("metrics")).forEach((k, v) -> metrics.put((String) k, (Double) v));
    return new ModelEntry((String) row.get("model_version"), (String) row.get("dataset"),
        (String) row.get("run_id"), row.get("run_date").toString(), (Instant) row.get("created_at"),
        (String) row.get("path"), metrics);
  }

  private java.util.stream.Stream<ModelEntry> entries() {
    return DeltaSnapshots.latest(hadoopConf.get(), path)
        .map(snapshot -> snapshot.rows().stream().map(ModelRegistry::entry))
        .orElse(java.util.stream.Stream.empty());
  }

  /** The version of the data set, or the newest trained on {@code latestRunDate} or earlier. */
  private Optional<ModelEntry> find(String dataset, String modelVersion, String latestRunDate) {
    return entries()
        .filter(e -> e.dataset().equals(dataset))
        .filter(e -> modelVersion == null || e.modelVersion().equals(modelVersion))
        .filter(e -> latestRunDate == null || e.runDate().compareTo(latestRunDate) <= 0)
        .min(NEWEST_FIRST);
  }
}
