package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarksTest {
  private static final String SOURCE = "jdbc:postgresql://db/loans table loans";
  private static final String COLUMN = "updated_at";

  private static void record(SparkSession spark, String path, String runDate, String value) {
    Watermarks.record(spark, path, new Watermarks.Mark(SOURCE, COLUMN, value, 1, "run-" + runDate,
        runDate));
  }

  @Test
  void aReRunStopsWhereTheNextLoadedDateStarted(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("watermarks").toString();
    assertEquals(Optional.empty(), Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-23"),
        "no table yet");
    record(spark, path, "2026-11-23", "2026-11-22 11:00:00");
    record(spark, path, "2026-11-24", "2026-11-23 13:00:00");
    record(spark, path, "2026-11-25", null);
    record(spark, path, "2026-11-27", "2026-11-24 09:00:00");

    // The latest date reads up to the source's highest value: no ceiling.
    assertEquals(Optional.empty(), Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-27"));
    assertEquals(Optional.empty(), Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-30"));
    // An earlier loaded date stops at its own mark.
    assertEquals(Optional.of(new Watermarks.Ceiling("2026-11-22 11:00:00")),
        Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-23"));
    // A date that read nothing (its mark null), and one never loaded between loaded ones: nothing.
    assertEquals(Optional.of(new Watermarks.Ceiling(null)),
        Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-25"));
    assertEquals(Optional.of(new Watermarks.Ceiling(null)),
        Watermarks.ceiling(spark, path, SOURCE, COLUMN, "2026-11-26"));
    // Another source or column is another sequence of loads.
    assertEquals(Optional.empty(), Watermarks.ceiling(spark, path, "other", COLUMN, "2026-11-23"));
    assertEquals(Optional.empty(), Watermarks.ceiling(spark, path, SOURCE, "id", "2026-11-23"));
  }
}
