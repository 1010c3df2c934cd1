package org.deepline.featurestore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;

/**
 * Feature tables as training and scoring inputs: the one function both {@code features} and
 * {@code score} run to add {@code feature_store.joins}' columns to silver's rows, point-in-time
 * correct ({@link PointInTimeJoin}), so the training path and the scoring path see the same joined
 * values for the same row.
 *
 * <pre>{@code
 * List<JoinedFeatureTable> joins = FeatureJoins.resolve(spark, warehouse, "flights", featureStore);
 * Dataset<Row> rows = FeatureJoins.apply(silver, joins);     // features: recorded in the model
 * Dataset<Row> scored = FeatureJoins.apply(silver,
 *     FeatureJoins.atLatestVersions(spark, warehouse, "flights", model.joins())); // score
 * }</pre>
 *
 * <p>Training records each join with the Delta version it read; scoring replays the recorded join
 * (keys, times, columns, types, prefix, TTL: not the config's, which may have changed since) on the
 * table's latest version, so new rows meet new feature rows while a row already scored at training
 * time meets the same feature row as before (a date's slice is only replaced by the same
 * definition's rows). A definition whose values could differ (its source, transform, keys or event
 * time changed) since the model's is an error, not a silent skew.
 */
public final class FeatureJoins {
  private FeatureJoins() {}

  /**
   * The config's joins against the tables as they are now: each table's path, latest Delta version
   * and registered definition version. Reads only Delta logs, before any job.
   *
   * @throws DeeplineException naming the join when its table has not been materialised
   */
  public static List<JoinedFeatureTable> resolve(SparkSession spark, Warehouse warehouse,
      String dataset, FeatureStoreConfig config) {
    FeatureRegistry registry = new FeatureRegistry(spark.sparkContext().hadoopConfiguration(),
        warehouse);
    List<JoinedFeatureTable> resolved = new ArrayList<>();
    for (int i = 0; i < config.joins().size(); i++) {
      FeatureJoin join = config.joins().get(i);
      String where = "feature_store.joins[" + i + "] (" + join.table() + ")";
      FeatureDefinition definition = config.table(join.table());
      if (definition == null) {
        throw new DeeplineException(DeeplineException.Failure.CONFIG, where + ": no table "
            + join.table() + " in feature_store.tables");
      }
      TableRef table = materialised(spark, warehouse, dataset, join.table(), where);
      long definitionVersion = registry.latest(dataset, join.table())
          .map(FeatureRegistry.Registered::version).orElseThrow(() -> new DeeplineException(
              where + ": the feature registry " + registry.path() + " has no definition of "
              + join.table() + "; run feature-store first"));
      Duration ttl = join.effectiveTtl(definition);
      resolved.add(new JoinedFeatureTable(join.table(), table.path(), table.version(),
          definitionVersion, definition.entityKeys(), definition.eventTime(), join.keys(),
          join.eventTime(), ttl == null ? null : ttl.toString(), join.columns(), join.prefix()));
    }
    return resolved;
  }

  /**
   * The recorded joins, each on its table's latest version, for scoring rows the model has not
   * seen.
   *
   * @throws DeeplineException when a table is gone, or its definition changed its source,
   *     transform, keys or event time since the recorded version (retrain on the new values)
   */
  public static List<JoinedFeatureTable> atLatestVersions(SparkSession spark, Warehouse warehouse,
      String dataset, List<JoinedFeatureTable> recorded) {
    FeatureRegistry registry = new FeatureRegistry(spark.sparkContext().hadoopConfiguration(),
        warehouse);
    List<JoinedFeatureTable> latest = new ArrayList<>();
    for (JoinedFeatureTable join : recorded) {
      String where = "feature join " + join.table() + " (recorded by the model's feature model)";
      TableRef table = materialised(spark, warehouse, dataset, join.table(), where);
      List<FeatureRegistry.Registered> history = registry.history(dataset, join.table());
      Optional<FeatureRegistry.Registered> trained = history.stream()
          .filter(r -> r.version() == join.definitionVersion()).findFirst();
      FeatureRegistry.Registered now = history.isEmpty() ? null : history.get(history.size() - 1);
      if (now == null || trained.isEmpty()) {
        throw new DeeplineException(where + ": the feature registry " + registry.path()
            + " has no definition version " + join.definitionVersion() + " of " + join.table());
      }
      if (!sameValues(trained.get().definition(), now.definition())) {
        throw new DeeplineException(where + ": the model was trained on definition version "
            + join.definitionVersion() + ", but version " + now.version() + " changed its source, "
            + "transform, entity keys or event time, so its values may differ from those trained "
            + "on; re-run features and train");
      }
      latest.add(join.at(table.path(), table.version(), now.version()));
    }
    return latest;
  }

  /** Whether two versions of a definition compute the same feature rows. */
  private static boolean sameValues(FeatureDefinition a, FeatureDefinition b) {
    return a.source().equals(b.source()) && a.sourceFormat().equals(b.sourceFormat())
        && a.transform().equals(b.transform()) && a.entityKeys().equals(b.entityKeys())
        && a.eventTime().equals(b.eventTime());
  }

  private static TableRef materialised(SparkSession spark, Warehouse warehouse, String dataset,
      String table, String where) {
    String path = warehouse.featureTable(dataset, table);
    if (!DeltaTables.exists(spark, path)) {
      throw new DeeplineException(where + ": feature table " + table + " has not been "
          + "materialised (no Delta table at " + path + "); run feature-store first");
    }
    return DeltaTables.ref(spark, path);
  }

  /**
   * {@code rows} with every join's columns appended: each table read at its recorded version and
   * joined by {@link #join}. No join: {@code rows} itself.
   */
  public static Dataset<Row> apply(Dataset<Row> rows, List<JoinedFeatureTable> joins) {
    Dataset<Row> joined = rows;
    for (JoinedFeatureTable join : joins) {
      Dataset<Row> table = rows.sparkSession().read().format("delta")
          .option("versionAsOf", join.version()).load(join.path());
      joined = join(joined, join, table);
    }
    return joined;
  }

  /**
   * {@code rows} with the join's feature columns of {@code table} appended, renamed with its prefix
   * and cast to their declared types: for each row the latest feature row of its entity at or before
   * its event time, within the TTL (nulls when there is none). Each row once, in no particular
   * order. Checked on the schemas first.
   *
   * @throws DeeplineException naming the table and column: a key or time column the rows lack, a
   *     feature column the table lacks or holds with another type, a joined name the rows hold
   */
  public static Dataset<Row> join(Dataset<Row> rows, JoinedFeatureTable join,
      Dataset<Row> table) {
    String where = "feature join " + join.table();
    List<String> rowColumns = Arrays.asList(rows.columns());
    for (String column : concat(join.keys(), join.eventTime())) {
      if (!rowColumns.contains(column)) {
        throw new DeeplineException(where + ": the rows have no column " + column
            + " (a key or the event time of the join; columns: " + String.join(", ", rowColumns)
            + ")");
      }
    }
    StructType tableSchema = table.schema();
    List<String> tableColumns = Arrays.asList(tableSchema.fieldNames());
    List<Column> selected = new ArrayList<>();
    concat(join.entityKeys(), join.tableEventTime()).forEach(c -> selected.add(Columns.col(c)));
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, String> column : join.columns().entrySet()) {
      String name = column.getKey();
      if (!tableColumns.contains(name)) {
        throw new DeeplineException(where + ": the feature table has no column " + name + " ("
            + join.path() + " version " + join.version() + " has " + String.join(", ",
            tableColumns) + ")");
      }
      DataType declared = sparkType(column.getValue());
      DataType actual = tableSchema.apply(name).dataType();
      boolean numeric = declared instanceof NumericType && actual instanceof NumericType;
      if (!actual.sameType(declared) && !numeric) {
        throw new DeeplineException(where + ": column " + name + " is declared "
            + column.getValue() + " in feature_store.joins but the table holds "
            + actual.simpleString());
      }
      String output = join.outputName(name);
      if (rowColumns.contains(output)) {
        throw new DeeplineException(where + ": joined column " + output + " is already a column "
            + "of the rows; set a different prefix");
      }
      selected.add(Columns.col(name).cast(declared).as(output));
      outputs.add(output);
    }
    PointInTimeJoin.FeatureSource source = new PointInTimeJoin.FeatureSource(join.table(),
        table.select(selected.toArray(Column[]::new)), join.entityKeys(), join.keys(),
        join.tableEventTime(), outputs, join.ttlDuration());
    return PointInTimeJoin.join(rows, join.eventTime(), List.of(source))
        .drop(source.eventTimeColumn());
  }

  private static List<String> concat(List<String> columns, String column) {
    List<String> all = new ArrayList<>(columns);
    all.add(column);
    return all;
  }

  /** The Spark type of a declared column type ({@code ColumnSpec.TYPES}). */
  static DataType sparkType(String type) {
    return switch (type) {
      case "string" -> DataTypes.StringType;
      case "int" -> DataTypes.IntegerType;
      case "long" -> DataTypes.LongType;
      case "double" -> DataTypes.DoubleType;
      case "boolean" -> DataTypes.BooleanType;
      case "date" -> DataTypes.DateType;
      case "timestamp" -> DataTypes.TimestampType;
      default -> throw new DeeplineException(DeeplineException.Failure.CONFIG,
          "feature_store.joins: unknown column type " + type);
    };
  }
}
