package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.LoggedWarnings;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The evaluation must not funnel its rows through one task: Spark warns "No Partition Defined for
 * Window operation! Moving all data to a single partition" whenever a plan has a window without
 * partitioning. The warning is captured from Spark's log while the whole summary (bootstrap
 * included) is computed; a deliberately unpartitioned window proves the capture would see it.
 */
class NoSingleTaskWindowTest {
  private static final String WARNING = "No Partition Defined for Window operation";
  private static final StructType SCORED = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("label", DataTypes.DoubleType, false);

  @Test
  void summaryRunsWithoutSingleTaskWindows() {
    List<String> warnings = LoggedWarnings.during(() -> BinaryMetrics.summarize(frame(), "score",
        "label", BinaryMetrics.options().threshold("chosen", 0.3)
            .calibration(4, BinaryMetrics.Binning.EQUAL_MASS).bootstrap(20, 0.9, 1, "id")));

    assertEquals(List.of(), warnings.stream().filter(w -> w.contains(WARNING)).toList());
  }

  @Test
  void anUnpartitionedWindowIsCaught() {
    List<String> warnings = LoggedWarnings.during(() -> frame()
        .withColumn("rank", functions.row_number().over(Window.orderBy("score"))).collectAsList());

    assertTrue(warnings.stream().anyMatch(w -> w.contains(WARNING)), warnings.toString());
  }

  private static Dataset<Row> frame() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create("r" + i, (i % 17) / 17.0, i % 3 == 0 ? 1.0 : 0.0));
    }
    return SparkTestSession.get().createDataFrame(rows, SCORED);
  }
}
