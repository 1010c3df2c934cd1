package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.ConfigErrors;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** Time and group splits, on tiny silver frames. */
class SplitMethodsTest {
  private static final StructType SCHEMA = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("day", DataTypes.DateType, true)
      .add("customer", DataTypes.StringType, true)
      .add("label", DataTypes.StringType, false);
  private static final LabelConfig LABEL = new LabelConfig("label", "yes", null);
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

  /** One record per day for {@code days} days (customer i % 30), and one record without a day. */
  private static Dataset<Row> silver(int days) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      rows.add(RowFactory.create("r" + i, Date.valueOf(FIRST_DAY.plusDays(i)), "c" + (i % 30),
          i % 3 == 0 ? "yes" : "no"));
    }
    rows.add(RowFactory.create("undated", null, "c0", "no"));
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static SplitConfig time(int gapDays) {
    return new SplitConfig(null, 0.7, 0.15, 0.15, null, "time", "day", gapDays, null, null, null,
        null);
  }

  /** The days (0-based) of each split. */
  private static Map<String, List<Integer>> daysBySplit(Dataset<Row> splits) {
    Map<String, List<Integer>> days = new TreeMap<>();
    for (Row row : splits.collectAsList()) {
      String id = row.getString(row.fieldIndex("_record_id"));
      int day = id.equals("undated") ? -1 : Integer.parseInt(id.substring(1));
      days.computeIfAbsent(row.getString(row.fieldIndex(StratifiedSplitter.SPLIT)),
          k -> new ArrayList<>()).add(day);
    }
    days.values().forEach(list -> list.sort(Integer::compare));
    return days;
  }

  private static List<Integer> range(int from, int toInclusive) {
    List<Integer> days = new ArrayList<>();
    for (int d = from; d <= toInclusive; d++) {
      days.add(d);
    }
    return days;
  }

  @Test
  void aTimeSplitTrainsOnThePastAndTestsOnTheFuture() {
    Map<String, List<Integer>> days = daysBySplit(SplitJob.split(silver(100), LABEL, time(0)));
    // Of the 100 dated records the 0.70 quantile is the 70th (day 69), the 0.85 quantile the 85th
    // (day 84): days before 69 train, 69-83 validate, 84 on test; the undated record is left out.
    assertEquals(range(0, 68), days.get("train"));
    assertEquals(range(69, 83), days.get("validation"));
    assertEquals(range(84, 99), days.get("test"));
    assertEquals(List.of(-1), days.get("excluded"));
  }

  @Test
  void aGapLeavesOutTheDaysAfterEachCut() {
    Map<String, List<Integer>> days = daysBySplit(SplitJob.split(silver(100), LABEL, time(2)));
    assertEquals(range(0, 68), days.get("train"));
    assertEquals(range(71, 83), days.get("validation"));
    assertEquals(range(86, 99), days.get("test"));
    assertEquals(List.of(-1, 69, 70, 84, 85), days.get("excluded"));
  }

  @Test
  void aGroupSplitNeverPutsOneCustomerInTwoSplits() {
    SplitConfig byCustomer = new SplitConfig(7L, 0.6, 0.2, 0.2, null, "group", null, null,
        "customer", null, null, null);
    Dataset<Row> splits = SplitJob.split(silver(300), LABEL, byCustomer);
    Map<String, String> splitOfCustomer = new HashMap<>();
    Map<String, String> customerOfRecord = new HashMap<>();
    silver(300).collectAsList().forEach(r -> customerOfRecord.put(r.getString(0), r.getString(2)));
    for (Row row : splits.collectAsList()) {
      String customer = customerOfRecord.get(row.getString(row.fieldIndex("_record_id")));
      String split = row.getString(row.fieldIndex(StratifiedSplitter.SPLIT));
      String before = splitOfCustomer.putIfAbsent(customer, split);
      assertTrue(before == null || before.equals(split), customer + " in " + before + " and "
          + split);
    }
    assertEquals(30, splitOfCustomer.size());
    assertTrue(splitOfCustomer.values().containsAll(List.of("train", "validation", "test")),
        splitOfCustomer.toString());
    // The same seed and records give the same groups' splits.
    assertEquals(splits.collectAsList(), SplitJob.split(silver(300), LABEL, byCustomer)
        .collectAsList());
  }

  @Test
  void misdeclaredSplitsAreConfigErrorsByPath() {
    Map<String, ColumnSpec> columns = Map.of(
        "day", new ColumnSpec("day", "date", null, null, null, null, null),
        "customer", new ColumnSpec("customer", "string", null, null, null, null, null));
    ConfigErrors errors = new ConfigErrors().at("split");
    new SplitConfig(null, null, null, null, true, "time", "customer", -1, "customer", null, null,
        null)
        .validate(errors, columns);
    new SplitConfig(null, null, null, null, null, "random", "day", null, null, null, null, null)
        .validate(errors, columns);
    new SplitConfig(null, null, null, null, null, "chronological", null, null, null, null, null,
        null)
        .validate(errors, columns);
    assertEquals(List.of(
        "split.stratify: only random splits are stratified; a time split keeps the class ratio "
            + "of its periods or groups",
        "split.time_column: customer is declared string; a time split needs a date or timestamp "
            + "column",
        "split.gap_days: must be in [0, 3660], got -1",
        "split.group_column: only used with method: group",
        "split.time_column: only used with method: time",
        "split.method: must be one of [random, time, group], got chronological"),
        errors.messages());
  }
}
