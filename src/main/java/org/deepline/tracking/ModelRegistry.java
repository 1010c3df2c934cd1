package org.deepline.tracking;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.Warehouse;

/**
 * The model registry: one row per trained model version, with where its bundle lives and how it did
 * on validation. Scoring asks it for the newest model of a data set unless told a version.
 */
public final class ModelRegistry {
  static final StructType SCHEMA = new StructType()
      .add("model_version", DataTypes.StringType, false)
      .add("dataset", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("run_date", DataTypes.DateType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("path", DataTypes.StringType, false)
      .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false);

  private final SparkSession spark;
  private final String path;

  public ModelRegistry(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.path = warehouse.modelsTable();
  }

  /** A registered model version. */
  public record ModelEntry(String modelVersion, String dataset, String runId, String runDate,
      Instant createdAt, String path, Map<String, Double> metrics) {}

  public void register(ModelEntry entry) {
    Row row = RowFactory.create(entry.modelVersion(), entry.dataset(), entry.runId(),
        java.sql.Date.valueOf(LocalDate.parse(entry.runDate())), Timestamp.from(entry.createdAt()),
        entry.path(), entry.metrics());
    DeltaTables.append(spark.createDataFrame(List.of(row), SCHEMA).coalesce(1), path);
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
        "scoring.model_version: no model " + modelVersion + " of " + dataset + " in " + path));
  }

  private Optional<ModelEntry> find(String dataset, String modelVersion, String latestRunDate) {
    if (!DeltaTables.exists(spark, path)) {
      return Optional.empty();
    }
    var rows = DeltaTables.read(spark, path).where(functions.col("dataset").equalTo(dataset));
    if (modelVersion != null) {
      rows = rows.where(functions.col("model_version").equalTo(modelVersion));
    }
    if (latestRunDate != null) {
      rows = rows.where(functions.col("run_date").leq(functions.lit(latestRunDate).cast("date")));
    }
    return rows.orderBy(functions.col("run_date").desc(), functions.col("created_at").desc()).limit(1).collectAsList().stream()
        .map(r -> new ModelEntry(r.getString(0), r.getString(1), r.getString(2),
            r.getDate(3).toLocalDate().toString(), r.getTimestamp(4).toInstant(), r.getString(5),
            r.getJavaMap(6)))
        .findFirst();
  }
}
