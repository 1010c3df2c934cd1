package org.deepline.tracking;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaTables;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;

/**
 * The runs table: an append-only Delta log of every command's {@link RunRecord}.
 *
 * <pre>{@code
 * RunRegistry runs = new RunRegistry(spark, Warehouse.at("s3a://lake/deepline"));
 * runs.last().ifPresent(r -> System.out.println(r.metrics().get("roc_auc")));
 * }</pre>
 */
public final class RunRegistry {
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
      .add("error", DataTypes.StringType, true);

  private final SparkSession spark;
  private final String path;

  public RunRegistry(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.path = warehouse.runsTable();
  }

  public String path() {
    return path;
  }

  public void append(RunRecord record) {
    Dataset<Row> row = spark.createDataFrame(List.of(toRow(record)), SCHEMA).coalesce(1);
    DeltaTables.append(row, path);
  }

  /** The most recently finished run (a pipeline's record comes after its stages'), if any. */
  public Optional<RunRecord> last() {
    return recent(1).stream().findFirst();
  }

  /** The {@code limit} most recently finished runs, newest first. */
  public List<RunRecord> recent(int limit) {
    if (!DeltaTables.exists(spark, path)) {
      return List.of();
    }
    return DeltaTables.read(spark, path)
        .orderBy(functions.col("finished_at").desc(), functions.col("started_at").desc(),
            functions.col("run_id").desc())
        .limit(limit)
        .collectAsList().stream()
        .map(RunRegistry::fromRow)
        .toList();
  }

  public Optional<RunRecord> find(String runId) {
    if (!DeltaTables.exists(spark, path)) {
      return Optional.empty();
    }
    return DeltaTables.read(spark, path).where(functions.col("run_id").equalTo(runId))
        .collectAsList().stream().map(RunRegistry::fromRow).findFirst();
  }

  static Row toRow(RunRecord r) {
    return RowFactory.create(r.runId(), r.parentRunId(), r.command(), r.dataset(),
        r.runDate() == null ? null : java.sql.Date.valueOf(LocalDate.parse(r.runDate())),
        r.status(), Timestamp.from(r.startedAt()), Timestamp.from(r.finishedAt()), r.durationMs(),
        r.config(), refRows(r.inputs()), refRows(r.outputs()), r.metrics(), r.artifacts(), r.error());
  }

  private static List<Row> refRows(List<TableRef> refs) {
    return refs.stream().map(t -> RowFactory.create(t.path(), t.version())).toList();
  }

  static RunRecord fromRow(Row row) {
    java.sql.Date runDate = row.getAs("run_date");
    Map<String, Double> metrics = row.getJavaMap(row.fieldIndex("metrics"));
    Map<String, String> artifacts = row.getJavaMap(row.fieldIndex("artifacts"));
    return new RunRecord(row.getAs("run_id"), row.getAs("parent_run_id"), row.getAs("command"),
        row.getAs("dataset"), runDate == null ? null : runDate.toLocalDate().toString(),
        row.getAs("status"), ((Timestamp) row.getAs("started_at")).toInstant(),
        ((Timestamp) row.getAs("finished_at")).toInstant(), row.getAs("duration_ms"),
        row.getAs("config"), refs(row, "inputs"), refs(row, "outputs"), metrics, artifacts,
        row.getAs("error"));
  }

  private static List<TableRef> refs(Row row, String field) {
    List<Row> rows = row.getList(row.fieldIndex(field));
    List<TableRef> refs = new ArrayList<>();
    for (Row r : rows) {
      refs.add(new TableRef(r.getString(0), r.getLong(1)));
    }
    return refs;
  }
}
