package org.deepline.notebook;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.SparkSessions;
import org.deepline.core.Stage;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;
import org.deepline.evaluation.EvaluationReport;
import org.deepline.features.FeatureFitter;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureModel;
import org.deepline.pipeline.Stages;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import org.deepline.training.ModelBundle;

/**
 * deepline from a notebook (Jupyter with a Java kernel, Zeppelin's {@code %java}, JShell): a thin
 * facade over what the command line does, so a cell is one call and its value prints as a short
 * table instead of a wall of text.
 *
 * <pre>{@code
 * Deepline dl = Deepline.session("conf/churn.json", "training.epochs=2");
 * dl.run("ingest");                          // the ingest stage, recorded in the runs table
 * dl.profile("silver");                      // per column: nulls, distinct, min, max, mean
 * dl.table("churn", "silver").groupBy("churn").count().show();
 * Run train = dl.set("training.epochs=3").run("train");
 * dl.runs();                                 // the latest runs, newest first
 * System.out.println(dl.report(dl.lastRun().runId()).rocChart());
 * }</pre>
 *
 * <p>Why a facade and not the command line: a notebook wants values (a {@link Dataset}, metrics,
 * a report), not exit codes and printed text. Why nothing more: every call goes through the code
 * the command line runs. {@link #run} finds the stage by its command name in {@link Stages}, runs it
 * through the {@link RunRecorder} with a {@link RunContext} as {@code deepline <command>} would (the
 * run record says so, and {@code deepline runs show --last} shows it); the runs, models and
 * reports are read with {@link RunRegistry}, {@link ModelRegistry} and the evaluation report's own
 * record, not by re-reading files by hand.
 *
 * <p>Paths. A relative config path is looked up from the working directory upwards (or from the
 * directory the system property {@value #HOME_PROPERTY} or the environment variable
 * {@value #HOME_ENV} names, for a notebook server started elsewhere), so a notebook started in
 * {@code notebooks/} finds {@code conf/churn.json} in the repository root; that
 * directory is the session's {@link #home()}, where a relative {@code source.path} of the config and
 * the default warehouse {@code warehouse} are resolved, as the command line resolves them in the
 * directory it runs in. The warehouse is, in this order, {@link #warehouse(String)}, the system
 * property {@value #WAREHOUSE_PROPERTY}, the environment variable {@value #WAREHOUSE_ENV}, or
 * {@code <home>/warehouse} (the command line's default). The run date is today (UTC) unless
 * {@link #runDate(String)} says otherwise.
 *
 * <p>Spark. The session of the JVM is reused when there is one (the notebook's, Zeppelin's, a
 * test's); otherwise one is started with the settings of {@code spark-defaults.conf} beside the
 * config file (what {@code deepline-submit} passes to spark-submit) and
 * {@link SparkSessions}' defaults. Cells should hand Spark columns and SQL, not Java lambdas: a
 * lambda defined in a cell is a class of the kernel's class loader, which Spark's task
 * deserialisation does not see.
 *
 * <p>A {@code Deepline} is immutable: {@link #set}, {@link #warehouse(String)} and
 * {@link #runDate(String)} return a new one and leave this one as it was, so a cell can try a
 * variant ({@code dl.set("features.crosses=[]").run("features")}) without changing the others.
 */
public final class Deepline {
  /** The system property naming the warehouse when {@link #warehouse(String)} does not. */
  public static final String WAREHOUSE_PROPERTY = "deepline.warehouse";
  /** The environment variable naming the warehouse when neither the call nor the property does. */
  public static final String WAREHOUSE_ENV = "DEEPLINE_WAREHOUSE";
  /** The system property naming the directory a relative config path is looked up from. */
  public static final String HOME_PROPERTY = "deepline.home";
  /** The environment variable naming that directory when the property does not. */
  public static final String HOME_ENV = "DEEPLINE_HOME";
  /** The file beside the config whose Spark settings a new session takes. */
  public static final String SPARK_DEFAULTS = "spark-defaults.conf";
  /** The command whose run record names an evaluation report of its own ({@code report_json}). */
  private static final String EVALUATE = "evaluate";
  private static final int DEFAULT_RUNS = 20;
  /** A URI's scheme; one letter is a Windows drive, not a scheme. */
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

  private final Path home;
  private final Path configFile;
  private final List<String> overrides;
  private final DeeplineConfig config;
  private final Warehouse warehouse;
  private final String runDate;

  private Deepline(Path home, Path configFile, List<String> overrides, Warehouse warehouse,
      String runDate) {
    this.home = home;
    this.configFile = configFile;
    this.overrides = List.copyOf(overrides);
    this.config = load(home, configFile, this.overrides);
    this.warehouse = warehouse;
    this.runDate = runDate;
  }

  /**
   * A session over the job config {@code configFile} with {@code overrides} ({@code --set}'s
   * {@code key.path=value}); the config is loaded and validated now, so a typo fails in this cell.
   */
  public static Deepline session(String configFile, String... overrides) {
    Path file = Path.of(configFile);
    Path home = Path.of(setting(HOME_PROPERTY, HOME_ENV, "")).toAbsolutePath();
    if (!file.isAbsolute()) {
      Path found = null;
      for (Path dir = home; dir != null && found == null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(file))) {
          found = dir;
        }
      }
      if (found == null) {
        throw new DeeplineException(Failure.CONFIG, "no config " + configFile + " in " + home
            + " or a directory above it");
      }
      home = found;
    }
    Path absolute = home.resolve(file).normalize();
    return new Deepline(home, absolute, Arrays.asList(overrides), defaultWarehouse(home),
        RunContext.parseRunDate(null));
  }

  /** The same session with more config overrides (later ones win), e.g. {@code "training.epochs=3"}. */
  public Deepline set(String... more) {
    List<String> all = new ArrayList<>(overrides);
    all.addAll(Arrays.asList(more));
    return new Deepline(home, configFile, all, warehouse, runDate);
  }

  /** The same session over another warehouse: a path (relative to {@link #home()}) or a URI. */
  public Deepline warehouse(String uri) {
    return new Deepline(home, configFile, overrides, at(home, uri), runDate);
  }

  /** The same session for another run date ({@code YYYY-MM-DD}). */
  public Deepline runDate(String date) {
    return new Deepline(home, configFile, overrides, warehouse, RunContext.parseRunDate(date));
  }

  /** Where the config was found; relative paths of the config and the warehouse start here. */
  public Path home() {
    return home;
  }

  /** The validated config, overrides applied. */
  public DeeplineConfig config() {
    return config;
  }

  public String dataset() {
    return config.dataset();
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public String runDate() {
    return runDate;
  }

  /** The JVM's Spark session, started on first use (see the class comment). */
  public SparkSession spark() {
    return SparkSessions.getOrCreate(sparkDefaults(configFile.resolveSibling(SPARK_DEFAULTS)));
  }

  /** The commands {@link #run} accepts, as the command line names them. */
  public static List<String> stages() {
    return Stages.commands();
  }

  /**
   * Runs one stage ({@code ingest}, {@code validate}, {@code split}, {@code features}, {@code train},
   * ..., or {@code pipeline}) for this session's data set, warehouse and run date, exactly as
   * {@code deepline <command> --conf <config> --set ...} would, and returns its run record. A stage
   * that fails is recorded as failed and its exception is thrown, as on the command line.
   */
  public Run run(String command) {
    SparkSession spark = spark();
    RunRegistry registry = new RunRegistry(spark, warehouse);
    RunRecorder recorder = new RunRecorder(registry);
    Stage stage = Stages.named(command, recorder);
    RunContext context = new RunContext(RunContext.newRunId(), null, stage.command(), runDate,
        config, warehouse, spark);
    recorder.run(context, stage);
    return new Run(registry.require(context.runId()));
  }

  /** A table of this session's data set: {@code silver}, {@code splits}, {@code features}, ... */
  public Dataset<Row> table(String name) {
    return table(dataset(), name);
  }

  /**
   * A table of a data set in this warehouse, all run dates: one of {@link Warehouse.Table}, by its
   * directory name ({@code bronze}, {@code silver}, {@code predictions}, ...).
   */
  public Dataset<Row> table(String dataset, String name) {
    Warehouse.Table table = Arrays.stream(Warehouse.Table.values())
        .filter(t -> t.dirName().equals(name)).findFirst()
        .orElseThrow(() -> new DeeplineException("no table " + name + " (tables: "
            + Arrays.stream(Warehouse.Table.values()).map(Warehouse.Table::dirName).toList()
            + ")"));
    return DeltaTables.read(spark(), warehouse.table(dataset, table));
  }

  /** {@link Profile} of a table of this session's data set (see {@link #table(String)}). */
  public Profile profile(String table) {
    return Profile.of(dataset() + "/" + table, table(table));
  }

  /** The {@value #DEFAULT_RUNS} most recently finished runs in the warehouse, newest first. */
  public Runs runs() {
    return runs(DEFAULT_RUNS);
  }

  /** The {@code limit} most recently finished runs in the warehouse, newest first. */
  public Runs runs(int limit) {
    return new Runs(registry().recent(limit).stream().map(Run::new).toList());
  }

  /** The most recently finished run in the warehouse (a pipeline's comes after its stages'). */
  public Run lastRun() {
    RunRegistry registry = registry();
    return new Run(registry.last().orElseThrow(() -> new DeeplineException("no run recorded in "
        + registry.path())));
  }

  /** One recorded run, by id. */
  public Run findRun(String runId) {
    return new Run(registry().require(runId));
  }

  /**
   * The evaluation report named by the record of run {@code runId}: an {@code evaluate} run
   * ({@code report_json}) or a pipeline that ran evaluate ({@code evaluate.report_json}).
   */
  public Report report(String runId) {
    return report(registry().require(runId));
  }

  /** The report of the newest run of this data set that names one. */
  public Report report() {
    RunRegistry registry = registry();
    return registry.all().stream()
        .filter(r -> dataset().equals(r.dataset()) && reportArtifact(r, "json") != null)
        .findFirst().map(this::report)
        .orElseThrow(() -> new DeeplineException("no run of " + dataset() + " in "
            + registry.path() + " names an evaluation report: run evaluate first"));
  }

  /** The feature model the features stage fitted for this session's run date. */
  public Features features() {
    String path = warehouse.featureArtifact(dataset(), runDate);
    FileStore files = files();
    if (!files.exists(path)) {
      throw new DeeplineException("no feature model of " + dataset() + " for " + runDate + " at "
          + path + ": run features first");
    }
    return new Features(path, FeatureModel.fromJson(files.readText(path), path));
  }

  /**
   * Fits the feature model of this session's config on the train split of its run date, with the
   * code the features stage fits with ({@link FeatureJob#withSplits}, {@link FeatureFitter}), and
   * saves nothing: a variant ({@code dl.set("features.crosses=[]").tryFeatures()}) can be looked at
   * before a features run writes the one to train on. Needs ingest and split to have run for the
   * date.
   */
  public Features tryFeatures() {
    SparkSession spark = spark();
    TableRef silver = DeltaTables.ref(spark, warehouse.table(dataset(), Warehouse.Table.SILVER));
    TableRef splits = DeltaTables.ref(spark, warehouse.table(dataset(), Warehouse.Table.SPLITS));
    Dataset<Row> labelled = FeatureJob.withSplits(
            DeltaTables.nonEmptySlice(spark, silver, runDate),
            DeltaTables.nonEmptySlice(spark, splits, runDate))
        .persist();
    try {
      // The rows and fingerprint are counted by the fit, as the features stage counts them.
      FeatureModel.FitProvenance provenance = new FeatureModel.FitProvenance(dataset(), runDate,
          Features.NOT_SAVED, StratifiedSplitter.TRAIN, 0, splits.path(), splits.version(), 0L);
      return new Features(null, FeatureJob.fitOnTrainAllowingEmptyColumns(labelled,
          config.features(), provenance, config.split().seed(),
          config.schema().byName().keySet()));
    } finally {
      labelled.unpersist();
    }
  }

  /** A registered model of this data set, by version or alias ({@code champion}). */
  public Model model(String versionOrAlias) {
    return model(new ModelRegistry(warehouse).resolve(dataset(), versionOrAlias));
  }

  /** The newest model of this data set trained on or before this session's run date. */
  public Model model() {
    return model(new ModelRegistry(warehouse).latest(dataset(), runDate));
  }

  @Override
  public String toString() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("dataset", dataset());
    rows.put("config", configFile + (overrides.isEmpty() ? "" : " " + overrides));
    rows.put("warehouse", warehouse.root());
    rows.put("run date", runDate);
    TextTable table = new TextTable("deepline", "");
    rows.forEach(table::row);
    return table.toString();
  }

  private Model model(ModelRegistry.ModelEntry entry) {
    return new Model(entry, ModelBundle.loadMetadata(files(), entry.path()));
  }

  private Report report(RunRecord record) {
    String json = reportArtifact(record, "json");
    if (json == null) {
      throw new DeeplineException("run " + record.runId() + " (" + record.command()
          + ") names no evaluation report: pass the id of an evaluate or pipeline run");
    }
    String text = files().readText(json);
    return new Report(record.runId(), json, reportArtifact(record, "html"), text,
        Json.read(text, EvaluationReport.class, json));
  }

  /**
   * {@code report_<kind>} of an evaluate run, {@code evaluate.report_<kind>} of a pipeline's. Other
   * stages name reports of their own ({@code validate}'s quality report), which are not evaluations.
   */
  private static String reportArtifact(RunRecord record, String kind) {
    String own = EVALUATE.equals(record.command()) ? record.artifacts().get("report_" + kind)
        : null;
    return own != null ? own : record.artifacts().get("evaluate.report_" + kind);
  }

  private RunRegistry registry() {
    return new RunRegistry(warehouse);
  }

  private static FileStore files() {
    return new FileStore(SparkSessions.hadoopConfiguration());
  }

  private static Warehouse defaultWarehouse(Path home) {
    return at(home, setting(WAREHOUSE_PROPERTY, WAREHOUSE_ENV, "warehouse"));
  }

  /** The system property, else the environment variable, else {@code fallback}. */
  private static String setting(String property, String variable, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  /** A warehouse URI as given, or a path resolved against {@code home} when it is relative. */
  private static Warehouse at(Path home, String uri) {
    boolean path = !URI_SCHEME.matcher(uri.strip()).lookingAt();
    return Warehouse.at(path ? home.resolve(uri.strip()).toString() : uri);
  }

  /**
   * Loads the config; a relative local {@code source.path} is made absolute against {@code home}
   * (an override added after the given ones), so the notebook reads the file the command line
   * would read from {@code home}, whatever its working directory.
   */
  private static DeeplineConfig load(Path home, Path file, List<String> overrides) {
    DeeplineConfig config = ConfigLoader.load(file, overrides);
    String source = config.source() == null ? null : config.source().path();
    if (source != null && !source.contains(":") && !Path.of(source).isAbsolute()
        && !home.equals(Path.of("").toAbsolutePath())) {
      List<String> resolved = new ArrayList<>(overrides);
      resolved.add("source.path=" + home.resolve(source).normalize());
      config = ConfigLoader.load(file, resolved);
    }
    return config;
  }

  private static Map<String, String> sparkDefaults(Path file) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return settings;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    properties.stringPropertyNames().stream().sorted()
        .forEach(key -> settings.put(key, properties.getProperty(key).strip()));
    return settings;
  }
}
