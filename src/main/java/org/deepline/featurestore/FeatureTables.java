package org.deepline.featurestore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;

/**
 * The pure functions behind the feature tables: turning a source into a definition's feature rows, and
 * the latest row per entity (what the online store serves).
 *
 * <pre>{@code
 * Dataset<Row> rows = FeatureTables.materialize(silver, definition, "2001-03-02", 3);
 * Dataset<Row> latest = FeatureTables.latestPerEntity(DeltaTables.read(spark, path), definition);
 * }</pre>
 */
public final class FeatureTables {
  /** The registry version of the definition that wrote a row. */
  public static final String DEFINITION_VERSION = "definition_version";
  /** Columns the feature store adds to a feature table: never features themselves. */
  public static final List<String> BOOKKEEPING = List.of(DeltaTables.RUN_DATE, DEFINITION_VERSION);
  private static final String LATEST = "__latest";
  private static final String TIME = "__time";

  private FeatureTables() {}

  /**
   * The definition's feature rows for {@code runDate}: its transform run over {@code source} (as the
   * view {@code source}), with the definition's version added. The result's schema is checked before
   * any job: it must hold the entity keys and a date or timestamp event time, and no column the
   * feature store adds itself.
   */
  public static Dataset<Row> materialize(Dataset<Row> source, FeatureDefinition definition,
      String runDate, long version) {
    SparkSession spark = source.sparkSession();
    Dataset<Row> rows;
    source.createOrReplaceTempView(FeatureDefinition.SOURCE_VIEW);
    try {
      // Analysed here, so the view may be dropped right after.
      rows = spark.sql(definition.sql(runDate));
    } catch (Exception e) {
      // Spark's AnalysisException (an unknown column or function), undeclared by its Scala API.
      if (!(e instanceof org.apache.spark.sql.AnalysisException analysis)) {
        throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
      }
      throw new DeeplineException("feature table " + definition.name() + ": its transform fails on "
          + "the source " + definition.source() + ": " + analysis.getSimpleMessage());
    } finally {
      spark.catalog().dropTempView(FeatureDefinition.SOURCE_VIEW);
    }
    checkSchema(rows.schema(), definition);
    return rows.withColumn(DEFINITION_VERSION, functions.lit(version));
  }

  static void checkSchema(StructType schema, FeatureDefinition definition) {
    List<String> columns = Arrays.asList(schema.fieldNames());
    String table = "feature table " + definition.name();
    for (String key : definition.entityKeys()) {
      if (!columns.contains(key)) {
        throw new DeeplineException(table + ": its transform yields no entity key column " + key
            + " (columns: " + String.join(", ", columns) + ")");
      }
    }
    if (!columns.contains(definition.eventTime())) {
      throw new DeeplineException(table + ": its transform yields no event-time column "
          + definition.eventTime() + " (columns: " + String.join(", ", columns) + ")");
    }
    if (!PointInTimeJoin.isTime(schema.apply(definition.eventTime()).dataType())) {
      throw new DeeplineException(table + ": event-time column " + definition.eventTime()
          + " must be a date, timestamp or timestamp_ntz, got "
          + schema.apply(definition.eventTime()).dataType().simpleString());
    }
    for (String added : BOOKKEEPING) {
      if (columns.contains(added)) {
        throw new DeeplineException(table + ": its transform yields a column " + added
            + ", which the feature store adds itself; rename it");
      }
    }
  }

  /** The feature columns of a feature table: all but the keys, the event time and the bookkeeping. */
  public static List<String> featureColumns(StructType schema, FeatureDefinition definition) {
    Set<String> skipped = new HashSet<>(definition.entityKeys());
    skipped.add(definition.eventTime());
    skipped.addAll(BOOKKEEPING);
    return Arrays.stream(schema.fieldNames()).filter(c -> !skipped.contains(c)).toList();
  }

  /**
   * One row per entity: its feature row with the latest event time (ties broken as
   * {@link PointInTimeJoin} breaks them: the greatest values), i.e. what a point-in-time join would
   * give a label at the end of time. Columns: the entity keys, the event time (as a timestamp) and the
   * feature columns. One aggregation, no sort.
   */
  public static Dataset<Row> latestPerEntity(Dataset<Row> rows, FeatureDefinition definition) {
    List<String> features = featureColumns(rows.schema(), definition);
    List<Column> fields = new ArrayList<>();
    fields.add(Columns.col(definition.eventTime()).cast("timestamp").as(TIME));
    features.forEach(f -> fields.add(Columns.col(f).as(f)));
    Column present = functions.lit(true);
    for (String key : definition.entityKeys()) {
      present = present.and(Columns.col(key).isNotNull());
    }
    Dataset<Row> latest = rows.where(present.and(Columns.col(definition.eventTime()).isNotNull()))
        .groupBy(definition.entityKeys().stream().map(Columns::col).toArray(Column[]::new))
        .agg(functions.max(functions.struct(fields.toArray(Column[]::new))).as(LATEST));
    List<Column> out = new ArrayList<>();
    definition.entityKeys().forEach(k -> out.add(Columns.col(k)));
    out.add(Columns.col(LATEST).getField(TIME).as(definition.eventTime()));
    features.forEach(f -> out.add(Columns.col(LATEST).getField(f).as(f)));
    return latest.select(out.toArray(Column[]::new));
  }
}
