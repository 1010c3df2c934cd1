package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * A regression label's split: stratified by deciles of the number, so each split holds the low,
 * middle and high numbers in its share; text that is no number is named before anything is
 * written.
 */
class SplitRegressionTest {
  private static final LabelConfig PRICE = LabelConfig.regressionOf("price");
  private static final StructType SILVER = new StructType()
      .add(RecordIds.RECORD_ID, DataTypes.StringType, false)
      .add("price", DataTypes.StringType, true);

  @Test
  void eachSplitHoldsEveryDecileOfTheNumberInItsShare() {
    // Numbers 0..999 whose order has nothing to do with their ids' hashes.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(RowFactory.create("r" + i, String.valueOf(i)));
    }
    Dataset<Row> silver = SparkTestSession.get().createDataFrame(rows, SILVER);

    Dataset<Row> splits = SplitJob.split(silver, PRICE, SplitConfig.defaults());

    // A stratum per decile: each of the ten holds 100 numbers, cut 70/15/15 within it.
    Map<String, Long> perSplitAndDecile = splits
        .groupBy(functions.col(StratifiedSplitter.SPLIT),
            functions.floor(functions.col(LabelConfig.LABEL).divide(100)).as("decile"))
        .count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0) + ":" + r.getLong(1), r -> r.getLong(2)));
    for (int decile = 0; decile < 10; decile++) {
      assertEquals(70, perSplitAndDecile.get("train:" + decile), 1, "decile " + decile);
      assertEquals(15, perSplitAndDecile.get("validation:" + decile), 1, "decile " + decile);
      assertEquals(15, perSplitAndDecile.get("test:" + decile), 1, "decile " + decile);
    }
  }

  @Test
  void textThatIsNoNumberIsNamedWithItsRows() {
    List<Row> rows = List.of(RowFactory.create("a", "1200"), RowFactory.create("b", "n/a"),
        RowFactory.create("c", "about 1200"), RowFactory.create("d", "n/a"),
        RowFactory.create("e", "inf"), RowFactory.create("f", null));
    Dataset<Row> silver = SparkTestSession.get().createDataFrame(rows, SILVER);
    long notNumbers = silver.where(functions.col("price").isNotNull()
        .and(PRICE.target().isNull())).count();

    assertEquals(4, notNumbers);
    assertEquals("split: 4 silver rows of 2026-12-07 hold a value of label.column price that is "
        + "not a finite number: 'n/a' (2), 'about 1200' (1), 'inf' (1); a regression label is a "
        + "number: correct or drop them at the source, or declare the column double so that "
        + "ingest quarantines them", SplitJob.notNumbers(silver, PRICE, notNumbers, "2026-12-07"));
  }
}
