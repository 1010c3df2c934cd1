package org.deepline.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTable;
import org.deepline.features.FeatureVectorizer;
import org.deepline.featurestore.FeatureJoins;
import org.deepline.featurestore.FeatureStoreJob;
import org.deepline.featurestore.JoinedFeatureTable;
import org.deepline.leakage.LeakageJob;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.training.TrainJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature-store table as a training input, end to end: {@code feature-store} materialises an
 * origin's mean {@code x} of each day (known from the next midnight), {@code features} joins it to
 * every flight point-in-time as {@code origin_mean_x} and fits on it, {@code train} trains, and
 * {@code score} replays the join the model recorded. Train/serve skew: the scoring path's joined
 * rows give every record the same vector, bit for bit, as the features table the network trained
 * on; re-materialising the table (a new Delta version, the same values) scores the same
 * probabilities.
 */
class FeatureJoinScoringTest {
  private static final int DAYS = 4;
  private static final String[] ORIGINS = {"ORD", "SFO", "JFK"};
  private static final int FLIGHTS_PER_ORIGIN_DAY = 10;

  /** Flight i: day i / 30, origin (i / 10) % 3, x = origin index + 0.1 * (i % 10) + 0.01 * day. */
  private static Path flights(Path dir) {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("id,ts,origin,x,label\n");
    int id = 0;
    for (int day = 0; day < DAYS; day++) {
      for (int origin = 0; origin < ORIGINS.length; origin++) {
        for (int j = 0; j < FLIGHTS_PER_ORIGIN_DAY; j++) {
          double x = origin + 0.1 * j + 0.01 * day;
          boolean positive = random.nextDouble() < 1 / (1 + Math.exp(-2 * (x - 1.5)));
          csv.append(id++).append(',')
              .append(String.format(Locale.ROOT, "2026-11-%02d %02d:00:00", 20 + day, 8 + j))
              .append(',').append(ORIGINS[origin]).append(',')
              .append(String.format(Locale.ROOT, "%.2f", x)).append(',')
              .append(positive ? "yes" : "no").append('\n');
        }
      }
    }
    return TestRuns.writeFile(dir, "flights.csv", csv.toString());
  }

  private static String config(Path csv) {
    return """
        {"dataset": "flights",
         "source": {"path": "%s"},
         "schema": {"key": ["id"], "columns": [
           {"name": "id", "type": "int", "nullable": false},
           {"name": "ts", "type": "timestamp", "nullable": false},
           {"name": "origin", "type": "string", "nullable": false},
           {"name": "x", "type": "double", "nullable": false},
           {"name": "label", "type": "string", "nullable": false}]},
         "label": {"column": "label", "positive": "yes"},
         "validation": {"min_rows": 10},
         "features": {"numeric": ["x", "origin_mean_x"], "categorical": ["origin"]},
         "training": {"epochs": 1, "patience": 1, "batch_size_per_worker": 16,
                      "layers": [{"units": 4}]},
         "baselines": {"models": ["majority"]},
         "feature_store": {
           "tables": [{"name": "airport_daily", "owner": "ops", "description": "mean x of a day",
             "source": "silver", "entity_keys": ["airport"], "event_time": "event_time",
             "ttl": "P2D",
             "transform": "SELECT origin AS airport, CAST(date_add(to_date(ts), 1) AS TIMESTAMP) AS event_time, avg(x) AS mean_x, count(*) AS flights FROM source GROUP BY origin, to_date(ts)"}],
           "joins": [{"table": "airport_daily", "keys": ["origin"], "event_time": "ts",
             "columns": {"mean_x": "double"}, "prefix": "origin_"}]}}
        """.formatted(csv.toString().replace("\\", "\\\\"));
  }

  @Test
  void scoringReplaysTheJoinTrainingRecordedBitForBit(@TempDir Path dir) {
    DeeplineConfig config = TestRuns.configFromJson(config(flights(dir)));
    RunContext context = TestRuns.context(config, dir.resolve("warehouse"), "test");
    SparkSession spark = SparkTestSession.get();
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureStoreJob(Map.of()).run(context);
    StageResult features = new FeatureJob().run(context);

    String table = context.warehouse().featureTable("flights", "airport_daily");
    FeatureModel model = FeatureModel.fromJson(context.files().readText(
        features.artifacts().get("feature_model")), "artifact");
    assertEquals(List.of(new JoinedFeatureTable("airport_daily", table, 0, 1, List.of("airport"),
        "event_time", List.of("origin"), "ts", "PT48H", Map.of("mean_x", "double"), "origin_")),
        model.joins());
    assertTrue(features.inputs().contains(new TableRef(table, 0)), features.inputs().toString());
    assertEquals(List.of("x", "origin_mean_x", "origin"), model.inputColumns());

    Dataset<Row> silver = DeltaTables.read(spark, context.table(Table.SILVER));
    // The scoring path's rows: the recorded join, on the table's latest version.
    Dataset<Row> scoringRows = FeatureJoins.apply(silver, FeatureJoins.atLatestVersions(spark,
        context.warehouse(), "flights", model.joins()));
    Map<Integer, Double> joined = scoringRows.collectAsList().stream().collect(Collectors.toMap(
        r -> r.<Integer>getAs("id"), r -> r.isNullAt(r.fieldIndex("origin_mean_x")) ? Double.NaN
            : r.<Double>getAs("origin_mean_x")));
    // Day 0 has no earlier day; day 1's ORD flights see ORD's day-0 mean of x (0.0 .. 0.9).
    assertEquals(Double.NaN, joined.get(0));
    assertEquals(0.45, joined.get(30), 1e-12);
    // Day 2's JFK flights (origin 2) see JFK's day-1 mean: 2 + 0.45 + 0.01.
    assertEquals(2.46, joined.get(80), 1e-12);

    Map<String, double[]> trained = FeatureTable.withDenseVectors(
        DeltaTables.read(spark, context.table(Table.FEATURES))).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("_record_id"),
            r -> r.<Double>getList(r.fieldIndex("features")).stream()
                .mapToDouble(Double::doubleValue).toArray()));
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    List<Row> rows = scoringRows.collectAsList();
    assertEquals(DAYS * ORIGINS.length * FLIGHTS_PER_ORIGIN_DAY, rows.size());
    for (Row row : rows) {
      Map<String, Object> record = new HashMap<>();
      model.inputColumns().forEach(c -> record.put(c, row.get(row.fieldIndex(c))));
      String id = row.getAs("_record_id");
      assertArrayEquals(trained.get(id), vectorizer.vectorize(record::get, null), 0.0, id);
    }

    // The leakage gate checks the joined column too, on the values features joined.
    StageResult leakage = new LeakageJob().run(context);
    assertTrue(leakage.metric("checks") > 0);
    new TrainJob().run(context);
    StageResult scored = new ScoreJob().run(context);
    assertEquals(120.0, scored.metric("rows_scored"));
    assertTrue(scored.inputs().contains(new TableRef(table, 0)), scored.inputs().toString());
    Map<String, Double> first = probabilities(spark, context);

    // A re-materialised table is a new version with the same rows: scoring reads it, same scores.
    new FeatureStoreJob(Map.of()).run(context);
    StageResult rescored = new ScoreJob().run(context);
    assertTrue(rescored.inputs().contains(new TableRef(table, 1)), rescored.inputs().toString());
    assertEquals(first, probabilities(spark, context));

    // The stream joins the same table the same way: the same probabilities, row for row.
    StageResult streamed = new StreamScoreJob().run(context);
    assertEquals(120.0, streamed.metric("rows_scored"));
    Map<String, Double> streamedProbabilities = DeltaTables.read(spark,
            context.table(Table.STREAM_PREDICTIONS)).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("_record_id"),
            r -> r.<Double>getAs(BatchScorer.PROBABILITY)));
    assertEquals(first.keySet(), streamedProbabilities.keySet());
    first.forEach((id, p) -> assertEquals(p, streamedProbabilities.get(id), 1e-6, id));
  }

  private static Map<String, Double> probabilities(SparkSession spark, RunContext context) {
    return DeltaTables.read(spark, context.table(Table.PREDICTIONS)).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("_record_id"),
            r -> r.<Double>getAs(BatchScorer.PROBABILITY)));
  }
}
