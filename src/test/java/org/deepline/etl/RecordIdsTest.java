package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class RecordIdsTest {
  private static final StructType TYPED = new StructType()
      .add("n", DataTypes.LongType, true)
      .add("at", DataTypes.TimestampType, true)
      .add("s", DataTypes.StringType, true)
      .add(SourceReader.SOURCE_FILE, DataTypes.StringType, false);
  private static final List<String> CONTENT = List.of("n", "at", "s");

  /** Five records: one three times (in two files), one twice with nulls, one once. */
  private static Dataset<Row> rows() {
    Timestamp at = Timestamp.valueOf("2001-01-01 00:47:00");
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(1L, at, "x", "a.csv"),
        RowFactory.create(null, null, "y", "a.csv"),
        RowFactory.create(1L, at, "x", "b.csv"),
        RowFactory.create(2L, at, "x", "a.csv"),
        RowFactory.create(null, null, "y", "b.csv"),
        RowFactory.create(1L, at, "x", "a.csv")), TYPED).repartition(3);
  }

  /** id -> copies, sorted, with each content hash replaced by the content it stands for. */
  private static Map<String, Long> ids(Dataset<Row> assigned) {
    Map<String, Long> out = new TreeMap<>();
    for (Row row : assigned.collectAsList()) {
      String id = row.getAs(RecordIds.RECORD_ID);
      String content = row.get(0) + "|" + row.get(2);
      out.put(content + id.substring(id.lastIndexOf('-')), row.getAs(RecordIds.COPIES));
    }
    return out;
  }

  @Test
  void copiesAreGroupedInRunsOfTen() {
    List<String> ids = List.of("0123456789ABCDEF0123-1", "0123456789ABCDEF0123-10",
        "0123456789ABCDEF0123-11", "0123456789ABCDEF0123-25", "0123456789ABCDEF0123-387");
    Dataset<Row> frame = SparkTestSession.get().createDataset(ids,
        org.apache.spark.sql.Encoders.STRING()).toDF("id");

    List<String> groups = frame.select(RecordIds.copyGroupId(functions.col("id")))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();

    assertEquals(List.of("0123456789ABCDEF0123-1", "0123456789ABCDEF0123-1",
        "0123456789ABCDEF0123-11", "0123456789ABCDEF0123-21", "0123456789ABCDEF0123-381"),
        groups);
  }

  @Test
  void identicalRecordsAreNumberedAndEveryIdIsUnique() {
    Dataset<Row> assigned = RecordIds.assign(rows(), List.of(), CONTENT);

    assertEquals(Map.of("1|x-1", 3L, "1|x-2", 3L, "1|x-3", 3L, "2|x-1", 1L, "null|y-1", 2L,
        "null|y-2", 2L), ids(assigned));
    assertEquals(6, assigned.select(RecordIds.RECORD_ID).distinct().count());
  }

  @Test
  void idsAreTheOnesTheWindowOverAllRecordsGives() {
    Dataset<Row> assigned = RecordIds.assign(rows(), List.of(), CONTENT);
    // The former computation: every record numbered within its content hash, in file order.
    Dataset<Row> base = assigned.withColumn("base", functions.regexp_extract(
        functions.col(RecordIds.RECORD_ID), "^(.*)-\\d+$", 1));
    Dataset<Row> reference = base.withColumn("expected", functions.concat_ws("-",
        functions.col("base"), functions.row_number().over(Window.partitionBy("base")
            .orderBy(SourceReader.SOURCE_FILE, RecordIds.RECORD_ID)).cast("string")));

    assertEquals(0, reference.where(functions.col("expected")
        .notEqual(functions.col(RecordIds.RECORD_ID))).count());
    assertEquals(List.of("a.csv", "a.csv", "b.csv"), assigned.where("n = 1 AND s = 'x'")
        .orderBy(RecordIds.RECORD_ID).select(SourceReader.SOURCE_FILE)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void nullsInDifferentColumnsAreDifferentRecords() {
    StructType twoLongs = new StructType()
        .add("a", DataTypes.LongType, true)
        .add("b", DataTypes.LongType, true)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType, false);
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(null, 5L, "a.csv"),
        RowFactory.create(5L, null, "a.csv")), twoLongs);

    List<Row> assigned = RecordIds.assign(rows, List.of(), List.of("a", "b"))
        .select(RecordIds.RECORD_ID, RecordIds.COPIES).collectAsList();
    // Spark's hashes skip nulls: without the null flags both would hash as one record, numbered -1, -2.
    assertEquals(2, assigned.size());
    assertTrue(assigned.get(0).getString(0).matches("[0-9A-F]{20}-1"), assigned.toString());
    assertTrue(assigned.get(1).getString(0).matches("[0-9A-F]{20}-1"), assigned.toString());
    assertNotEquals(assigned.get(0).getString(0), assigned.get(1).getString(0));
    assertEquals(List.of(1L, 1L), assigned.stream().map(r -> r.getLong(1)).toList());
  }

  @Test
  void repeatedHashesAreTheValuesThatOccurMoreThanOnce() {
    Dataset<Row> hashes = SparkTestSession.get().createDataset(
        List.of(3L, 1L, 3L, Long.MIN_VALUE, 3L, 7L, Long.MIN_VALUE, 2L),
        org.apache.spark.sql.Encoders.LONG()).toDF(RecordIds.ID_HASH).repartition(3);

    assertEquals(List.of(Long.MIN_VALUE, 3L),
        RecordIds.repeatedHashes(hashes).stream().sorted().toList());
  }

  @Test
  void fixedWidthHexIsTheHexPaddedWithZeros() {
    List<Long> longs = List.of(0L, 1L, 0xABCL, 0x0FFFFFFFFFFFFFFFL, 0x1000000000000000L,
        Long.MAX_VALUE, -1L, Long.MIN_VALUE);
    List<Integer> ints = List.of(0, 0xF, 0xFFF, 0x1000, 0xFFFF);
    Dataset<Row> frame = SparkTestSession.get().createDataset(longs,
        org.apache.spark.sql.Encoders.LONG()).toDF("v");
    Dataset<Row> intFrame = SparkTestSession.get().createDataset(ints,
        org.apache.spark.sql.Encoders.INT()).toDF("v");

    assertEquals(List.of("0000000000000000", "0000000000000001", "0000000000000ABC",
        "0FFFFFFFFFFFFFFF", "1000000000000000", "7FFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF",
        "8000000000000000"), frame.select(RecordIds.fixedWidthHex(functions.col("v"), 16))
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(List.of("0000", "000F", "0FFF", "1000", "FFFF"),
        intFrame.select(RecordIds.fixedWidthHex(functions.col("v"), 4))
            .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void repeatedHashesAreFoundAcrossTasksAndBuckets() {
    // Each repeat's copies in different tasks; values of every residue of the 8 buckets.
    List<Long> values = new java.util.ArrayList<>();
    for (long v = -40; v < 40; v++) {
      values.add(v * 1_000_003L);
    }
    values.addAll(List.of(-40_000_120L, 5_000_015L, 39_000_117L, 5_000_015L));
    Dataset<Row> hashes = SparkTestSession.get().createDataset(values,
        org.apache.spark.sql.Encoders.LONG()).toDF(RecordIds.ID_HASH).repartition(4);

    assertEquals(List.of(-40_000_120L, 5_000_015L, 39_000_117L),
        RecordIds.repeatedHashes(hashes).stream().sorted().toList());
    // A task that hands its hashes on every 3 (as every 4 M on a large one): the same repeats.
    assertEquals(List.of(-40_000_120L, 5_000_015L, 39_000_117L),
        RecordIds.repeatedHashes(hashes, 3).stream().sorted().toList());
    // Empty tasks hand on nothing.
    assertEquals(List.of(), RecordIds.repeatedHashes(hashes.limit(0).repartition(3)));
  }

  @Test
  void keyedRecordsShareTheirKeyAndCountTheirCopies() {
    Dataset<Row> assigned = RecordIds.assign(rows(), List.of("n"), CONTENT);

    Map<String, Long> copies = new TreeMap<>();
    assigned.collectAsList().forEach(r -> copies.put(r.getAs(RecordIds.RECORD_ID) + "",
        r.getAs(RecordIds.COPIES)));
    assertEquals(Map.of("1", 3L, "2", 1L, "null", 2L), copies);
  }
}
