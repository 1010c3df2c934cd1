package org.deepline.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaSnapshots;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.SparkSessions;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;

/**
 * The runs table: an append-only Delta log of every command's {@link RunRecord}. Records are written
 * with Spark and read through the Delta log without it ({@link DeltaSnapshots}), so
 * {@code runs list} and {@code runs show} need no Spark session.
 *
 * <pre>{@code
 * RunRegistry runs = new RunRegistry(Warehouse.at("s3a://lake/deepline"));
 * runs.last().ifPresent(r -> System.out.println(r.metrics().get("roc_auc")));
 * }</pre>
 */
public final class RunRegistry {
  /** Newest first: a pipeline's record (appended after its stages') comes before theirs. */
  static final Comparator<RunRecord> NEWEST_FIRST = Comparator
      .comparing(RunRecord::finishedAt)
      .thenComparing(RunRecord::startedAt)
      .thenComparing(RunRecord::runId)
      .reversed();

  /**
   * How far the clock of the storage that stamps file times may be behind the driver's that stamps
   * {@code finished_at}: generous, since reading a few more files costs milliseconds.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

  private static final StructType TABLE_REF = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("version", DataTypes.LongType, false);
  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("parent_run_id", DataTypes.StringType, true)
      .add("command", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, true)
      .add("run_date", DataTypes.DateType, true)
      .add("status", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("finished_at", DataTypes.TimestampType, false)
      .add("duration_ms", DataTypes.LongType, false)
      .add("config", DataTypes.StringType, true)
      .add("inputs", new ArrayType(TABLE_REF, false), false)
      .add("outputs", new ArrayType(TABLE_REF, false), false)
      .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add("artifacts", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("error", DataTypes.StringType, true)
      // Added after the first release: rows written before read them as null.
      .add("config_hash", DataTypes.StringType, true)
      .add("git_commit", DataTypes.StringType, true);

  private final Supplier<SparkSession> spark;
  private final Supplier<Configuration> hadoopConf;
  private final String path;

  /** A registry that reads and writes through {@code spark} (a stage's run recorder). */
  public RunRegistry(SparkSession spark, Warehouse warehouse) {
    this.spark = () -> spark;
    this.hadoopConf = () -> spark.sparkContext().hadoopConfiguration();
    this.path = warehouse.runsTable();
  }

  /** A registry that reads without Spark; a session is started only if a record is appended. */
  public RunRegistry(Warehouse warehouse) {
    this.spark = SparkSessions::getOrCreate;
    this.hadoopConf = SparkSessions::hadoopConfiguration;
    this.path = warehouse.runsTable();
  }

  public String path() {
    return path;
  }

  public void append(RunRecord record) {
    appendAll(List.of(record));
  }

  /** Appends {@code records} in one commit: a tuning run's trials cost one write, not one each. */
  public void appendAll(List<RunRecord> records) {
    SparkSession session = spark.get();
    Dataset<Row> rows = session.createDataFrame(
        records.stream().map(RunRegistry::toRow).toList(), SCHEMA).coalesce(1);
    DeltaTables.append(rows, path);
  }

  /** The most recently finished run (a pipeline's record comes after its stages'), if any. */
  public Optional<RunRecord> last() {
    return recent(1).stream().findFirst();
  }

  /**
   * The {@code limit} most recently finished runs, newest first. Each append writes one file after its
   * run finished, so only the newest files are read: reading stops once the files left were all
   * written (allowing {@link #CLOCK_SKEW}) before the {@code limit}-th newest run finished.
   */
  public List<RunRecord> recent(int limit) {
    Optional<DeltaSnapshots.TableFiles> files = DeltaSnapshots.latestFiles(hadoopConf.get(), path);
    if (files.isEmpty() || limit <= 0) {
      return List.of();
    }
    List<RunRecord> read = new ArrayList<>();
    for (DeltaSnapshots.DataFile file : files.get().newestFirst()) {
      if (read.size() >= limit) {
        Instant limitth = read.stream().sorted(NEWEST_FIRST).toList().get(limit - 1).finishedAt();
        if (file.modifiedAt().isBefore(limitth.minus(CLOCK_SKEW))) {
          break;
        }
      }
      file.rows().forEach(row -> read.add(fromValues(row)));
    }
    return read.stream().sorted(NEWEST_FIRST).limit(limit).toList();
  }

  /** Every recorded run, newest first. */
  public List<RunRecord> all() {
    return DeltaSnapshots.latest(hadoopConf.get(), path)
        .map(snapshot -> snapshot.rows().stream().map(RunRegistry::fromValues)
            .sorted(NEWEST_FIRST).toList())
        .orElse(List.of());
  }

  /** One run; only the files whose statistics admit its id are read. */
  public Optional<RunRecord> find(String runId) {
    return DeltaSnapshots.latestWhere(hadoopConf.get(), path, "run_id", runId)
        .flatMap(snapshot -> snapshot.rows().stream().map(RunRegistry::fromValues).findFirst());
  }

  /** {@link #find}, failing with a message that names the table when there is no such run. */
  public RunRecord require(String runId) {
    return find(runId).orElseThrow(() -> new DeeplineException("no run " + runId
        + " recorded in " + path));
  }

  static Row toRow(RunRecord r) {
    return RowFactory.create(r.runId(), r.parentRunId(), r.command(), r.dataset(),
        r.runDate() == null ? null : java.sql.Date.valueOf(LocalDate.parse(r.runDate())),
        r.status(), Timestamp.from(r.startedAt()), Timestamp.from(r.finishedAt()), r.durationMs(),
        Json.writeCompact(r.config()), refRows(r.inputs()), refRows(r.outputs()), r.metrics(),
        r.artifacts(), r.error(), r.configHash(), r.gitCommit());
  }

  private static List<Row> refRows(List<TableRef> refs) {
    return refs.stream().map(t -> RowFactory.create(t.path(), t.version())).toList();
  }

  @SuppressWarnings("unchecked")
  static RunRecord fromValues(Map<String, Object> row) {
    LocalDate runDate = (LocalDate) row.get("run_date");
    Map<String, Double> metrics = new LinkedHashMap<>();
    ((Map<Object, Object>) row.get("metrics")).forEach((k, v) -> metrics.put((String) k, (Double) v));
    Map<String, String> artifacts = new LinkedHashMap<>();
    ((Map<Object, Object>) row.get("artifacts")).forEach((k, v) -> artifacts.put((String) k,
        (String) v));
    return new RunRecord((String) row.get("run_id"), (String) row.get("parent_run_id"),
        (String) row.get("command"), (String) row.get("dataset"),
        runDate == null ? null : runDate.toString(), (String) row.get("status"),
        (Instant) row.get("started_at"), (Instant) row.get("finished_at"),
        (Long) row.get("duration_ms"), config((String) row.get("config")),
        (String) row.get("config_hash"), (String) row.get("git_commit"),
        refs(row.get("inputs")), refs(row.get("outputs")), metrics, artifacts,
        (String) row.get("error"));
  }

  /** The config column holds compact JSON text; the record carries it as a JSON object. */
  private static JsonNode config(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new DeeplineException("runs table: a config is not valid JSON: " + e.getOriginalMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static List<TableRef> refs(Object structs) {
    List<TableRef> refs = new ArrayList<>();
    for (Object struct : (List<Object>) structs) {
      Map<String, Object> ref = (Map<String, Object>) struct;
      refs.add(new TableRef((String) ref.get("path"), (Long) ref.get("version")));
    }
    return refs;
  }
}
