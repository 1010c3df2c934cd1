package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Explicit time cutoffs and fold assignment on a deliberately awkward silver frame: records exactly
 * at a cutoff and a second before it, records without a time or a customer, repeated record ids, and
 * a customer with records on both sides of the time cut.
 */
class SplitFoldsTest {
  private static final StructType SCHEMA = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("at", DataTypes.TimestampType, true)
      .add("customer", DataTypes.StringType, true)
      .add("label", DataTypes.StringType, false);
  private static final LabelConfig LABEL = new LabelConfig("label", "yes", null);
  private static final LocalDateTime NOON_JAN_1 = LocalDateTime.of(2026, 1, 1, 12, 0);
  private static final int DAYS = 60;

  private static Row row(String id, LocalDateTime at, String customer, boolean positive) {
    return RowFactory.create(id, at == null ? null : Timestamp.valueOf(at), customer,
        positive ? "yes" : "no");
  }

  /** One record a day at noon from 1 January for 60 days (customer i % 12), and the awkward ones. */
  private static Dataset<Row> silver() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      rows.add(row("r" + i, NOON_JAN_1.plusDays(i), "c" + (i % 12), i % 3 == 0));
    }
    rows.add(row("at-validation-cut", LocalDateTime.of(2026, 2, 1, 0, 0), "c1", false));
    rows.add(row("second-before", LocalDateTime.of(2026, 1, 31, 23, 59, 59), "c2", true));
    rows.add(row("at-test-cut", LocalDateTime.of(2026, 2, 15, 0, 0), "c3", false));
    rows.add(row("no-time", null, "c4", true));
    rows.add(row("no-customer", LocalDateTime.of(2026, 1, 3, 0, 0), null, false));
    rows.add(row("no-customer-2", LocalDateTime.of(2026, 2, 20, 0, 0), null, true));
    // The same id twice at the same time, and a customer whose records straddle both cuts.
    rows.add(row("repeated", LocalDateTime.of(2026, 1, 10, 0, 0), "c5", true));
    rows.add(row("repeated", LocalDateTime.of(2026, 1, 10, 0, 0), "c5", true));
    rows.add(row("both-sides-1", LocalDateTime.of(2026, 1, 5, 0, 0), "straddler", false));
    rows.add(row("both-sides-2", LocalDateTime.of(2026, 2, 20, 0, 0), "straddler", true));
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static SplitConfig time(int gapDays, String validationStart, String testStart,
      Integer folds) {
    return new SplitConfig(null, null, null, null, null, "time", "at", gapDays, null,
        validationStart, testStart, folds);
  }

  /** Record id to [split, fold]; a repeated id must get the same pair every time. */
  private static Map<String, List<Object>> byId(Dataset<Row> splits) {
    Map<String, List<Object>> byId = new TreeMap<>();
    for (Row r : splits.collectAsList()) {
      List<Object> pair = new ArrayList<>();
      pair.add(r.getString(r.fieldIndex(StratifiedSplitter.SPLIT)));
      pair.add(r.isNullAt(r.fieldIndex(Folds.FOLD)) ? null : r.getInt(r.fieldIndex(Folds.FOLD)));
      List<Object> before = byId.put(r.getString(r.fieldIndex("_record_id")), pair);
      assertTrue(before == null || before.equals(pair), r + " and " + before);
    }
    return byId;
  }

  @Test
  void givenCutoffsPutEveryRecordOnTheRightSideAndCutTrainIntoRollingOriginBlocks() {
    Dataset<Row> splits = SplitJob.split(silver(), LABEL, time(0, "2026-02-01", "2026-02-15", 3));
    assertEquals(List.of("_record_id", "_label", "_split", "_fold"),
        List.of(splits.columns()));
    Map<String, List<Object>> byId = byId(splits);
    assertEquals(Arrays.asList("validation", null), byId.get("at-validation-cut"));
    assertEquals("train", byId.get("second-before").get(0));
    assertEquals("test", byId.get("at-test-cut").get(0));
    assertEquals(Arrays.asList("excluded", null), byId.get("no-time"));
    assertEquals("train", byId.get("both-sides-1").get(0));
    assertEquals("test", byId.get("both-sides-2").get(0));
    // 60 noons and 10 awkward records, none lost, none doubled: train 31 noons to 31 January and
    // five records before the cut (the repeated id twice), validation 14 noons and the one at the
    // cut, test 15 noons and three records from 15 February on, excluded the one without a time.
    Map<String, Long> rowsBySplit = new TreeMap<>();
    splits.groupBy("_split").count().collectAsList()
        .forEach(r -> rowsBySplit.put(r.getString(0), r.getLong(1)));
    assertEquals(Map.of("train", 36L, "validation", 15L, "test", 18L, "excluded", 1L), rowsBySplit);

    // The Spark column applies TimeCutoffs.splitOf to every record.
    ZoneId zone = ZoneId.of(SparkTestSession.get().conf().get("spark.sql.session.timeZone"));
    long validationStart = TimeCutoffs.epochSeconds("2026-02-01", zone);
    long testStart = TimeCutoffs.epochSeconds("2026-02-15", zone);
    for (Row r : silver().join(splits, "_record_id").collectAsList()) {
      Long seconds = r.isNullAt(1) ? null : ((Timestamp) r.get(1)).getTime() / 1000;
      assertEquals(TimeCutoffs.splitOf(seconds, validationStart, testStart, 0),
          r.getString(r.fieldIndex("_split")), r.toString());
    }

    // The acceptance query: no validation record earlier than its cut, no test record earlier than
    // its cut, no train record at or after the first.
    Row bounds = silver().join(splits, "_record_id").groupBy().agg(
        functions.min(functions.when(functions.col("_split").equalTo("validation"),
            functions.col("at"))),
        functions.min(functions.when(functions.col("_split").equalTo("test"), functions.col("at"))),
        functions.max(functions.when(functions.col("_split").equalTo("train"), functions.col("at"))))
        .head();
    assertEquals(Timestamp.valueOf("2026-02-01 00:00:00"), bounds.get(0));
    assertEquals(Timestamp.valueOf("2026-02-15 00:00:00"), bounds.get(1));
    assertEquals(Timestamp.valueOf("2026-01-31 23:59:59"), bounds.get(2));

    // Rolling origin: the 36 training rows (31 noons, five awkward ones, the repeated id twice) in
    // three blocks that follow time; every other split has no fold.
    Map<Integer, List<Long>> timesByFold = new TreeMap<>();
    for (Row r : silver().join(splits, "_record_id").where("_split = 'train'").collectAsList()) {
      timesByFold.computeIfAbsent(r.getInt(r.fieldIndex("_fold")), k -> new ArrayList<>())
          .add(((Timestamp) r.get(1)).getTime());
    }
    assertEquals(List.of(0, 1, 2), List.copyOf(timesByFold.keySet()));
    for (int fold = 1; fold < 3; fold++) {
      long latestBefore = timesByFold.get(fold - 1).stream().mapToLong(Long::longValue).max()
          .orElseThrow();
      long earliest = timesByFold.get(fold).stream().mapToLong(Long::longValue).min().orElseThrow();
      assertTrue(latestBefore < earliest, "block " + fold + " overlaps the one before");
    }
    assertEquals(0, splits.where("_split <> 'train' and _fold is not null").count());
  }

  @Test
  void aGapLeavesOutTheRecordsJustAfterEachGivenCutoff() {
    Map<String, List<Object>> byId = byId(SplitJob.split(silver(), LABEL,
        time(1, "2026-02-01", "2026-02-15", null)));
    assertEquals("excluded", byId.get("at-validation-cut").get(0));
    assertEquals("excluded", byId.get("r31").get(0)); // 1 February, noon: inside the gap
    assertEquals("validation", byId.get("r32").get(0)); // 2 February, noon
    assertEquals("excluded", byId.get("at-test-cut").get(0));
    assertEquals("excluded", byId.get("r45").get(0)); // 15 February, noon
    assertEquals("test", byId.get("r46").get(0));
    assertNull(byId.get("r0").get(1));
  }

  @Test
  void aCutoffThatLeavesASplitEmptyFailsNamingTheTimeRange() {
    String zone = SparkTestSession.get().conf().get("spark.sql.session.timeZone");
    DeeplineException late = assertThrows(DeeplineException.class, () -> SplitJob.split(silver(),
        LABEL, time(0, "2026-02-01", "2026-12-01", null)));
    assertEquals("split: test_start 2026-12-01 leaves the test split empty (no time from it on): "
        + "at runs from 2026-01-01T12:00 to 2026-03-01T12:00 (" + zone + ")", late.getMessage());
    DeeplineException early = assertThrows(DeeplineException.class, () -> SplitJob.split(silver(),
        LABEL, time(0, "2025-06-01", "2026-01-01 12:00:00", null)));
    assertEquals("split: validation_start 2025-06-01 leaves the train split empty (no time before "
        + "it); validation_start 2025-06-01 and test_start 2026-01-01 12:00:00 leave the "
        + "validation split empty: at runs from 2026-01-01T12:00 to 2026-03-01T12:00 (" + zone
        + ")", early.getMessage());
  }

  @Test
  void groupFoldsNeverSplitACustomerWhateverThePartitioning() {
    SplitConfig byCustomer = new SplitConfig(3L, 0.6, 0.2, 0.2, null, "group", null, null,
        "customer", null, null, 4);
    Dataset<Row> splits = SplitJob.split(silver(), LABEL, byCustomer);
    Map<String, String> customerOf = new HashMap<>();
    silver().collectAsList().forEach(r -> customerOf.put(r.getString(0), r.getString(2)));
    Map<String, List<Object>> byId = byId(splits);
    Map<String, List<Object>> ofCustomer = new HashMap<>();
    byId.forEach((id, pair) -> {
      List<Object> before = ofCustomer.putIfAbsent(String.valueOf(customerOf.get(id)), pair);
      assertTrue(before == null || before.equals(pair), id + " of " + customerOf.get(id) + ": "
          + pair + " and " + before);
    });
    assertEquals(14, ofCustomer.size()); // c0..c11, straddler, and no customer
    assertEquals(byId, byId(SplitJob.split(silver().repartition(3), LABEL, byCustomer)));
    Set<Object> trainFolds = new HashSet<>();
    ofCustomer.values().stream().filter(p -> p.get(0).equals("train")).forEach(p -> trainFolds
        .add(p.get(1)));
    assertTrue(trainFolds.size() > 1, "train groups in one fold: " + ofCustomer);
  }

  @Test
  void stratifiedFoldsGiveEachFoldItsClassShareToWithinOneRecord() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 301; i++) {
      rows.add(row("s" + i, NOON_JAN_1, "c", i % 4 == 0));
    }
    rows.add(row("s7", NOON_JAN_1, "c", false)); // a repeated id: both copies get one split
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    SplitConfig config = new SplitConfig(5L, 0.7, 0.15, 0.15, true, null, null, null, null, null,
        null, 4);
    Dataset<Row> splits = SplitJob.split(data, LABEL, config);
    Map<String, List<Object>> byId = byId(splits);
    assertEquals(301, byId.size());
    assertEquals(byId, byId(SplitJob.split(data.repartition(5), LABEL, config)));

    Map<String, Long> counts = new TreeMap<>();
    splits.where("_split = 'train'").groupBy("_label", "_fold").count().collectAsList()
        .forEach(r -> counts.put(r.get(0) + "/" + r.get(1), r.getLong(2)));
    // Train holds 54 of 76 positives and 159 of 226 negatives (the repeat counts twice, and
    // its two copies share a fold): per class, fold sizes differ by at most one, two with the repeat.
    for (String cls : List.of("0", "1")) {
      long low = Long.MAX_VALUE;
      long high = 0;
      for (int fold = 0; fold < 4; fold++) {
        long n = counts.getOrDefault(cls + ".0/" + fold, 0L);
        low = Math.min(low, n);
        high = Math.max(high, n);
      }
      assertTrue(high - low <= 1 + ("0".equals(cls) ? 1 : 0), cls + ": " + counts);
    }
  }

  @Test
  void randomFoldsAreTheHashPositionRuleAndOldSplitsTablesGainTheColumn(@TempDir Path dir) {
    SplitConfig config = new SplitConfig(9L, 0.7, 0.15, 0.15, false, null, null, null, null, null,
        null, 3);
    // Keyed: each record decides by its own id (both-sides-1 would read as an ingest id's copy 1).
    Dataset<Row> splits = SplitJob.split(silver(), LABEL, config,
        new SplitJob.CopyGrouping(true, List.of()));
    for (Row r : splits.collectAsList()) {
      double position = SplitRulesTest.position(SplitRulesTest.sparkHash(r.getString(0), 9L));
      boolean train = position < 0.7;
      assertEquals(train, "train".equals(r.getString(2)), r.toString());
      assertEquals(train ? (Object) Folds.ofPosition(position, 0.7, 3) : null,
          r.isNullAt(3) ? null : r.getInt(3), r.toString());
    }

    // A splits table written before _fold existed: a new date adds the column (mergeSchema), the
    // old date reads it as null.
    SparkSession spark = SparkTestSession.get();
    String table = dir.resolve("splits").toString();
    DeltaTables.replaceRunDate(splits.drop(Folds.FOLD), table, "2026-11-23");
    DeltaTables.replaceRunDate(splits, table, "2026-11-24");
    Map<String, Long> folded = new TreeMap<>();
    DeltaTables.read(spark, table).groupBy(functions.col("run_date").cast("string"))
        .agg(functions.count(functions.col(Folds.FOLD))).collectAsList()
        .forEach(r -> folded.put(r.getString(0), r.getLong(1)));
    long trainRows = splits.where("_split = 'train'").count();
    assertEquals(Map.of("2026-11-23", 0L, "2026-11-24", trainRows), folded);
  }

  /**
   * A load without key columns numbers exact copies {@code <hash>-1, <hash>-2, ...}: random and
   * stratified splits put all copies of a record in one split (and fold), whatever their hash
   * would say alone; with key columns the ids are the keys and are split as they are.
   */
  @Test
  void exactCopiesOfARecordLandInOneSplit() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (int copy = 1; copy <= 3; copy++) {
        rows.add(row(String.format("%020x-%d", i, copy), NOON_JAN_1, "c" + i, i % 4 == 0));
      }
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    for (boolean stratify : List.of(false, true)) {
      SplitConfig config = new SplitConfig(3L, 0.6, 0.2, 0.2, stratify, null, null, null, null,
          null, null, 2);
      Map<String, List<Object>> byId = byId(SplitJob.split(data, LABEL, config));
      Map<String, Set<List<Object>>> byRecord = new TreeMap<>();
      byId.forEach((id, pair) -> byRecord.computeIfAbsent(id.substring(0, 20),
          k -> new HashSet<>()).add(pair));
      assertEquals(40, byRecord.size());
      byRecord.forEach((record, pairs) -> assertEquals(1, pairs.size(), record + ": " + pairs));
      Set<Object> splitsUsed = new HashSet<>();
      byId.values().forEach(pair -> splitsUsed.add(pair.get(0)));
      assertEquals(Set.of("train", "validation", "test"), splitsUsed);

      // Keyed ids ("ORD-1", "ORD-2" are two orders) are not grouped by their suffix.
      Map<String, List<Object>> keyed = byId(SplitJob.split(data, LABEL, config,
          new SplitJob.CopyGrouping(true, List.of())));
      long spreadOrders = 0;
      for (int i = 0; i < 40; i++) {
        Set<List<Object>> pairs = new HashSet<>();
        for (int copy = 1; copy <= 3; copy++) {
          pairs.add(keyed.get(String.format("%020x-%d", i, copy)));
        }
        spreadOrders += pairs.size() > 1 ? 1 : 0;
      }
      assertTrue(spreadOrders > 0, "keyed ids are split by their own hash");
    }
  }

  /**
   * A record's copies that say yes and those that say no have two content hashes (the label is
   * content), each numbered from 1; they are one record still, and land in one split: split apart,
   * the yes copies in train would send the no copies to validation or test, and held-out rows
   * would contradict train's.
   */
  @Test
  void aRecordsCopiesWithEitherLabelLandInOneSplit() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // Unequal counts per record, so that each label's stratified cut falls elsewhere.
      for (int copy = 1; copy <= 1 + i % 4; copy++) {
        rows.add(row(String.format("%020x-%d", 2 * i, copy), NOON_JAN_1, "c" + i, true));
      }
      for (int copy = 1; copy <= 1 + i % 3; copy++) {
        rows.add(row(String.format("%020x-%d", 2 * i + 1, copy), NOON_JAN_1, "c" + i, false));
      }
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    for (boolean stratify : List.of(false, true)) {
      SplitConfig config = new SplitConfig(3L, 0.6, 0.2, 0.2, stratify, null, null, null, null,
          null, null, 2);

      Map<String, Set<Object>> splitsByRecord = new TreeMap<>();
      SplitJob.split(data, LABEL, config).join(data, RecordIds.RECORD_ID).collectAsList()
          .forEach(r -> splitsByRecord.computeIfAbsent(r.getString(r.fieldIndex("customer")),
              k -> new HashSet<>()).add(r.getString(r.fieldIndex(StratifiedSplitter.SPLIT))));

      assertEquals(60, splitsByRecord.size());
      splitsByRecord.forEach((record, splits) -> assertEquals(1, splits.size(),
          "stratify " + stratify + ", " + record + ": " + splits));
      Set<Object> splitsUsed = new HashSet<>();
      splitsByRecord.values().forEach(splitsUsed::addAll);
      assertEquals(Set.of("train", "validation", "test"), splitsUsed);
    }
  }

  /**
   * A kind of record repeated hundreds of times (R's Titanic, one row per passenger: 387
   * identical third-class men) is not one record's copies: it is spread over the splits in runs
   * of ten, each run in one split, so that no split is a lottery of a few such groups.
   */
  @Test
  void aRecordRepeatedHundredsOfTimesIsSpreadInRunsOfTen() {
    List<Row> rows = new ArrayList<>();
    for (int copy = 1; copy <= 400; copy++) {
      rows.add(row(String.format("%020x-%d", 7, copy), NOON_JAN_1, "c", copy % 3 == 0));
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    SplitConfig config = new SplitConfig(3L, 0.6, 0.2, 0.2, false, null, null, null, null, null,
        null, 2);

    Map<String, List<Object>> byId = byId(SplitJob.split(data, LABEL, config));

    Map<Integer, Set<Object>> splitsByRun = new TreeMap<>();
    byId.forEach((id, pair) -> splitsByRun.computeIfAbsent(
        (Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) - 1) / 10,
        k -> new HashSet<>()).add(pair.get(0)));
    assertEquals(40, splitsByRun.size());
    splitsByRun.forEach((run, splits) -> assertEquals(1, splits.size(), run + ": " + splits));
    Set<Object> splitsUsed = new HashSet<>();
    splitsByRun.values().forEach(splitsUsed::addAll);
    assertEquals(Set.of("train", "validation", "test"), splitsUsed);
  }
}
