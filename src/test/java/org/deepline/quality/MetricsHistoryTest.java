package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeltaTables;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MetricsTable#filledOnOtherDates}: a column had a value on a date when its null count was
 * below the date's rows; a date without rows (its null fraction reads 0) fills nothing, and the
 * date being validated does not count.
 */
class MetricsHistoryTest {
  private static void date(SparkSession spark, String path, String runDate, double rows,
      double deckNulls, double cabinNulls) {
    DeltaTables.replaceRunDate(spark.createDataFrame(List.of(
        RowFactory.create("run", null, MetricsTable.ROWS, rows, null),
        RowFactory.create("run", "deck", MetricsTable.NULLS, deckNulls, null),
        RowFactory.create("run", "cabin", MetricsTable.NULLS, cabinNulls, null)),
        MetricsTable.SCHEMA), path, runDate);
  }

  @Test
  void aColumnIsFilledByADateWithFewerNullsThanRows(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("metrics").toString();
    assertEquals(Set.of(), MetricsTable.filledOnOtherDates(spark, path, "2026-11-24",
        List.of("deck", "cabin")), "no table yet: the first run");
    // An empty load: no rows, so no nulls, and nothing filled.
    date(spark, path, "2026-11-20", 0, 0, 0);
    // deck empty, cabin sparse.
    date(spark, path, "2026-11-21", 20, 20, 15);
    // The date being validated: deck filled there does not count.
    date(spark, path, "2026-11-24", 20, 0, 20);

    assertEquals(Set.of("cabin"), MetricsTable.filledOnOtherDates(spark, path, "2026-11-24",
        List.of("deck", "cabin")));
    // A later date counts too (a backfill of an earlier one).
    assertEquals(Set.of("deck", "cabin"), MetricsTable.filledOnOtherDates(spark, path,
        "2026-11-20", List.of("deck", "cabin")));
  }
}
