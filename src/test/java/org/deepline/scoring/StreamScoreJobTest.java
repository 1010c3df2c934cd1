package org.deepline.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/**
 * What a micro-batch of silver's change data feed scores, and the stream's config; the stream
 * itself runs in {@code ModelLifecycleTest}, which has a trained model.
 */
class StreamScoreJobTest {
  private static final StructType CHANGES = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("x", DataTypes.DoubleType, true)
      .add("run_date", DataTypes.DateType, true)
      .add("_change_type", DataTypes.StringType, false)
      .add("_commit_version", DataTypes.LongType, false)
      .add("_commit_timestamp", DataTypes.TimestampType, false);

  @Test
  void eachRecordVersionIsScoredOnceAsSilverNowHasIt() {
    SparkSession spark = SparkTestSession.get();
    Date day1 = Date.valueOf("2026-12-01");
    Date day2 = Date.valueOf("2026-12-02");
    java.sql.Timestamp at = java.sql.Timestamp.valueOf("2026-12-07 10:00:00");
    Dataset<Row> changes = spark.createDataFrame(List.of(
        RowFactory.create("a", 1.0, day1, "insert", 3L, at),
        // a merged later in the same batch: its newest version is scored
        RowFactory.create("a", 1.0, day1, "update_preimage", 4L, at),
        RowFactory.create("a", 2.0, day1, "update_postimage", 4L, at),
        // the same record id on another date is another record
        RowFactory.create("a", 5.0, day2, "insert", 4L, at),
        // a date replaced: its old rows are deleted, not scored
        RowFactory.create("b", 7.0, day1, "delete", 5L, at),
        RowFactory.create("c", 8.0, day1, "insert", 5L, at)), CHANGES);

    List<String> rows = StreamScoreJob.rowsToScore(changes)
        .selectExpr("concat_ws(' ', _record_id, x, run_date, silver_version)")
        .orderBy("_record_id", "run_date").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();

    assertEquals(List.of("a 2.0 2026-12-01 4", "a 5.0 2026-12-02 4", "c 8.0 2026-12-01 5"), rows);
    assertEquals(List.of("_record_id", "x", "run_date", "silver_version"),
        List.of(StreamScoreJob.rowsToScore(changes).columns()));
  }

  /** A batch of one commit's changes takes the way without a window, to the same rows. */
  @Test
  void oneCommitsChangesAreScoredAsTheyAre() {
    SparkSession spark = SparkTestSession.get();
    Date day = Date.valueOf("2026-12-01");
    java.sql.Timestamp at = java.sql.Timestamp.valueOf("2026-12-07 10:00:00");
    Dataset<Row> changes = spark.createDataFrame(List.of(
        RowFactory.create("a", 1.0, day, "update_preimage", 6L, at),
        RowFactory.create("a", 2.0, day, "update_postimage", 6L, at),
        RowFactory.create("b", 3.0, day, "insert", 6L, at),
        RowFactory.create("c", 4.0, day, "delete", 6L, at)), CHANGES);

    List<String> rows = StreamScoreJob.rowsOfOneCommit(changes)
        .selectExpr("concat_ws(' ', _record_id, x, run_date, silver_version)")
        .orderBy("_record_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();

    assertEquals(List.of("a 2.0 2026-12-01 6", "b 3.0 2026-12-01 6"), rows);
    assertEquals(rows, StreamScoreJob.rowsToScore(changes)
        .selectExpr("concat_ws(' ', _record_id, x, run_date, silver_version)")
        .orderBy("_record_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void absurdStreamSettingsAreRefusedTogether() {
    String config = """
        {"dataset": "s", "source": {"path": "/tmp/x.csv"},
         "schema": {"columns": [{"name": "x", "type": "double"}, {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "1"}, "features": {"numeric": ["x"]},
         "scoring": {"stream": {"trigger": "sometimes", "interval_seconds": 0,
                                "run_minutes": -1, "max_files_per_trigger": 0,
                                "checkpoint": " "}}}
        """;

    DeeplineException error = org.junit.jupiter.api.Assertions.assertThrows(
        DeeplineException.class, () -> TestRuns.configFromJson(config));

    String message = error.getMessage();
    for (String expected : List.of("scoring.stream.trigger: must be one of [available_now, "
            + "interval], got sometimes", "scoring.stream.interval_seconds: only with trigger "
            + "interval", "scoring.stream.interval_seconds: must be > 0, got 0",
        "scoring.stream.run_minutes: must be > 0, got -1.0",
        "scoring.stream.max_files_per_trigger: must be > 0, got 0",
        "scoring.stream.checkpoint: must not be blank")) {
      org.junit.jupiter.api.Assertions.assertTrue(message.contains(expected),
          expected + " in " + message);
    }
  }

  @Test
  void anIntervalStreamTakesItsSettingsAndTheDefaultStopsWhenCaughtUp() {
    DeeplineConfig interval = TestRuns.configFromJson("""
        {"dataset": "s", "source": {"path": "/tmp/x.csv"},
         "schema": {"columns": [{"name": "x", "type": "double"}, {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "1"}, "features": {"numeric": ["x"]},
         "scoring": {"stream": {"trigger": "interval", "interval_seconds": 30,
                                "run_minutes": 1.5}}}
        """);
    StreamScoringConfig stream = interval.scoring().stream();

    assertEquals(false, stream.stopsWhenCaughtUp());
    assertEquals(30, stream.intervalSecondsOrDefault());
    assertEquals(1.5, stream.runMinutes());
    assertEquals(true, StreamScoringConfig.defaults().stopsWhenCaughtUp());
    assertEquals(StreamScoringConfig.DEFAULT_INTERVAL_SECONDS,
        StreamScoringConfig.defaults().intervalSecondsOrDefault());
  }
}
