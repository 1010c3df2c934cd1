package org.deepline.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.Warehouse;
import org.deepline.testing.AirportDaily;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code feature_store.joins}: the config's checks (each by a broken fixture, before Spark), the
 * runtime checks on the schemas, and the join itself on tiny frames with inline expected values.
 */
class FeatureJoinsTest {
  private static final StructType FLIGHTS = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("ts", DataTypes.TimestampType, false)
      .add("origin", DataTypes.StringType, true);

  private static Timestamp at(int day, int hour) {
    return Timestamp.valueOf(LocalDateTime.of(2001, 1, day, hour, 0));
  }

  /** A whole job config whose {@code feature_store} is {@code featureStore} (JSON). */
  private static String config(String featureStore, String numeric) {
    return """
        {"dataset": "flights", "source": {"path": "/nowhere.csv"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "ts", "type": "timestamp", "nullable": false},
           {"name": "day", "type": "string"},
           {"name": "origin", "type": "string"},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "features": {"numeric": [%s], "categorical": ["origin"]},
         "feature_store": %s}
        """.formatted(numeric, featureStore);
  }

  private static final String TABLE = """
      {"name": "airport_daily", "owner": "ops", "description": "d", "source": "silver",
       "entity_keys": ["airport"], "event_time": "event_time", "ttl": "P2D",
       "transform": "SELECT origin AS airport, ts AS event_time, 1 AS flights FROM source"}""";

  @Test
  void aJoinedColumnIsAFeatureInputLikeASilverColumn() {
    String good = config("{\"tables\": [" + TABLE + "], \"joins\": [{\"table\": "
        + "\"airport_daily\", \"keys\": [\"origin\"], \"event_time\": \"ts\", "
        + "\"columns\": {\"flights\": \"long\"}}]}", "\"airport_daily_flights\"");
    FeatureJoin join = TestRuns.configFromJson(good).featureStore().joins().get(0);
    assertEquals("airport_daily_", join.prefix());
    // Without the join, the feature names a column nobody declared.
    DeeplineException error = assertThrows(DeeplineException.class, () ->
        TestRuns.configFromJson(config("{\"tables\": [" + TABLE + "]}",
            "\"airport_daily_flights\"")));
    assertEquals("test config: 1 config error: features.numeric[0]: names no column of "
        + "schema.columns: airport_daily_flights", error.getMessage());
  }

  @Test
  void everyBadJoinIsNamedByItsPathBeforeSparkStarts() {
    String bad = config("{\"tables\": [" + TABLE + "], \"joins\": ["
        + "{\"table\": \"airport_hourly\", \"keys\": [\"origin\"], \"event_time\": \"ts\", "
        + "\"columns\": {\"flights\": \"long\"}, \"prefix\": \"h_\"},"
        + "{\"table\": \"airport_daily\", \"keys\": [\"origin\", \"dest\"], \"event_time\": "
        + "\"day\", \"ttl\": \"2 days\", \"columns\": {\"flights\": \"money\", \"airport\": "
        + "\"string\"}, \"prefix\": \"o-\"},"
        + "{\"table\": \"airport_daily\", \"keys\": [\"origin\"], \"event_time\": \"ts\", "
        + "\"columns\": {\"day\": \"string\"}, \"prefix\": \"\"},"
        + "{\"table\": \"airport_daily\", \"keys\": [\"origin\"], \"event_time\": \"ts\", "
        + "\"columns\": {}}]}", "\"ts_x\"");
    DeeplineException error = assertThrows(DeeplineException.class, () ->
        TestRuns.configFromJson(bad));
    assertEquals("test config: 11 config errors: " + String.join("; ",
        "features.numeric[0]: names no column of schema.columns: ts_x",
        "feature_store.joins[0].table: names no table of feature_store.tables: airport_hourly "
            + "(declared: airport_daily)",
        "feature_store.joins[1].keys: 2 column(s) [origin, dest] but airport_daily has 1 entity "
            + "key(s) [airport]",
        "feature_store.joins[1].keys[1]: names no column of schema.columns: dest",
        "feature_store.joins[1].event_time: day is declared string; a date or timestamp column "
            + "is required",
        "feature_store.joins[1].ttl: must be an ISO-8601 duration such as P7D or PT12H, got "
            + "2 days",
        "feature_store.joins[1].prefix: must be letters, digits and _, got o-",
        "feature_store.joins[1].columns.airport: airport is a key, the event time or a "
            + "bookkeeping column of airport_daily, not a feature column",
        "feature_store.joins[1].columns.flights: must be one of [string, int, long, double, "
            + "boolean, date, timestamp], got money",
        "feature_store.joins[2].columns.day: joined as day, which is already a column of "
            + "schema.columns or of another join; set a different prefix",
        "feature_store.joins[3].columns: at least one feature column is required"),
        error.getMessage());
  }

  private static JoinedFeatureTable airportDaily(Map<String, String> columns, String ttl) {
    return new JoinedFeatureTable("airport_daily", "/lake/airport_daily", 3, 1,
        List.of("airport"), "event_time", List.of("origin"), "ts", ttl, columns, "origin_");
  }

  private static Dataset<Row> table(SparkSession spark) {
    return spark.createDataFrame(List.of(
        RowFactory.create("ORD", at(1, 0), 10L, 5.0, java.sql.Date.valueOf("2001-01-02"), 1L),
        RowFactory.create("ORD", at(2, 0), 12L, 7.5, java.sql.Date.valueOf("2001-01-02"), 1L),
        RowFactory.create("SFO", at(1, 0), 3L, null, java.sql.Date.valueOf("2001-01-02"), 1L)),
        AirportDaily.SCHEMA);
  }

  @Test
  void eachRowGetsItsEntitysLatestFeatureRowAtOrBeforeItsTimeWithinTheTtl() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> flights = spark.createDataFrame(List.of(
        RowFactory.create(1, at(1, 0), "ORD"),   // the day-1 row, stamped exactly at the time
        RowFactory.create(2, at(2, 9), "ORD"),   // the day-2 row
        RowFactory.create(3, at(1, 8), "SFO"),   // SFO's row: its mean delay is null
        RowFactory.create(4, at(4, 0), "SFO"),   // 3 days after SFO's only row: past the TTL
        RowFactory.create(5, at(3, 0), "LAX"),   // no feature row at all
        RowFactory.create(6, at(3, 0), null)), FLIGHTS);
    List<String> joined = FeatureJoins.join(flights, airportDaily(Map.of("flights", "double",
        "mean_delay", "double"), "PT48H"), table(spark)).orderBy("id").collectAsList().stream()
        .map(Row::toString).toList();
    // flights (long in the table) is cast to the declared double.
    assertEquals(List.of(
        "[1,2001-01-01 00:00:00.0,ORD,10.0,5.0]",
        "[2,2001-01-02 09:00:00.0,ORD,12.0,7.5]",
        "[3,2001-01-01 08:00:00.0,SFO,3.0,null]",
        "[4,2001-01-04 00:00:00.0,SFO,null,null]",
        "[5,2001-01-03 00:00:00.0,LAX,null,null]",
        "[6,2001-01-03 00:00:00.0,null,null,null]"), joined);
    assertEquals(List.of("id", "ts", "origin", "origin_flights", "origin_mean_delay"),
        List.of(FeatureJoins.join(flights, airportDaily(Map.of("flights", "double",
            "mean_delay", "double"), null), table(spark)).columns()));
  }

  @Test
  void aColumnTheRowsOrTheTableLackOrATypeMismatchIsNamed() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> flights = spark.createDataFrame(List.of(RowFactory.create(1, at(1, 0), "ORD")),
        FLIGHTS);
    DeeplineException noKey = assertThrows(DeeplineException.class, () -> FeatureJoins.join(
        flights.drop("origin"), airportDaily(Map.of("flights", "long"), null), table(spark)));
    assertEquals("feature join airport_daily: the rows have no column origin (a key or the event "
        + "time of the join; columns: id, ts)", noKey.getMessage());
    DeeplineException noColumn = assertThrows(DeeplineException.class, () -> FeatureJoins.join(
        flights, airportDaily(Map.of("mean_delays", "double"), null), table(spark)));
    assertEquals("feature join airport_daily: the feature table has no column mean_delays "
        + "(/lake/airport_daily version 3 has airport, event_time, flights, mean_delay, run_date, "
        + "definition_version)", noColumn.getMessage());
    DeeplineException mistyped = assertThrows(DeeplineException.class, () -> FeatureJoins.join(
        flights, airportDaily(Map.of("mean_delay", "string"), null), table(spark)));
    assertEquals("feature join airport_daily: column mean_delay is declared string in "
        + "feature_store.joins but the table holds double", mistyped.getMessage());
    DeeplineException taken = assertThrows(DeeplineException.class, () -> FeatureJoins.join(
        flights.withColumnRenamed("id", "origin_flights"), airportDaily(Map.of("flights", "long"),
            null), table(spark)));
    assertEquals("feature join airport_daily: joined column origin_flights is already a column of "
        + "the rows; set a different prefix", taken.getMessage());
  }

  @Test
  void aTableFeatureStoreHasNotMaterialisedIsNamedBeforeAnyJob(@TempDir Path dir) {
    FeatureStoreConfig config = TestRuns.configFromJson(config("{\"tables\": [" + TABLE
        + "], \"joins\": [{\"table\": \"airport_daily\", \"keys\": [\"origin\"], "
        + "\"event_time\": \"ts\", \"columns\": {\"flights\": \"long\"}}]}",
        "\"airport_daily_flights\"")).featureStore();
    Warehouse warehouse = Warehouse.at(dir.toString());
    DeeplineException error = assertThrows(DeeplineException.class, () -> FeatureJoins.resolve(
        SparkTestSession.get(), warehouse, "flights", config));
    assertEquals("feature_store.joins[0] (airport_daily): feature table airport_daily has not "
        + "been materialised (no Delta table at " + warehouse.featureTable("flights",
        "airport_daily") + "); run feature-store first", error.getMessage());

    // A table whose definition the registry does not hold (copied in by hand) is refused too.
    table(SparkTestSession.get()).write().format("delta").save(warehouse.featureTable("flights",
        "airport_daily"));
    DeeplineException unregistered = assertThrows(DeeplineException.class, () ->
        FeatureJoins.resolve(SparkTestSession.get(), warehouse, "flights", config));
    assertEquals("feature_store.joins[0] (airport_daily): the feature registry "
        + warehouse.featureDefinitionsTable() + " has no definition of airport_daily; run "
        + "feature-store first", unregistered.getMessage());
  }

  @Test
  void scoringFollowsTheTablesNewVersionsButNotADefinitionThatChangedItsValues(
      @TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.at(dir.toString());
    String path = warehouse.featureTable("flights", "airport_daily");
    table(spark).write().format("delta").save(path);
    table(spark).write().format("delta").mode("append").save(path);
    FeatureRegistry registry = new FeatureRegistry(spark.sparkContext().hadoopConfiguration(),
        warehouse);
    FeatureDefinition trained = new FeatureDefinition("airport_daily", "ops", "d", "silver", null,
        "SELECT origin AS airport, ts AS event_time, 1 AS flights FROM source",
        List.of("airport"), "event_time", null);
    registry.register("flights", trained, "run-1");
    JoinedFeatureTable recorded = new JoinedFeatureTable("airport_daily", path, 0, 1,
        List.of("airport"), "event_time", List.of("origin"), "ts", null,
        Map.of("flights", "long"), "origin_");

    // A new description is a new definition version computing the same values: scoring goes on.
    registry.register("flights", new FeatureDefinition("airport_daily", "ops", "daily flights",
        "silver", null, trained.transform(), List.of("airport"), "event_time", null), "run-2");
    assertEquals(List.of(recorded.at(path, 1, 2)), FeatureJoins.atLatestVersions(spark,
        warehouse, "flights", List.of(recorded)));

    registry.register("flights", new FeatureDefinition("airport_daily", "ops", "daily flights",
        "silver", null, trained.transform().replace("1 AS", "2 AS"), List.of("airport"),
        "event_time", null), "run-3");
    DeeplineException changed = assertThrows(DeeplineException.class, () ->
        FeatureJoins.atLatestVersions(spark, warehouse, "flights", List.of(recorded)));
    assertEquals("feature join airport_daily (recorded by the model's feature model): the model "
        + "was trained on definition version 1, but version 3 changed its source, transform, "
        + "entity keys or event time, so its values may differ from those trained on; re-run "
        + "features and train", changed.getMessage());
  }
}
