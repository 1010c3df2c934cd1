package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class RepeatedRecordsTest {
  private static final StructType HASH_AND_LABEL = new StructType()
      .add("h", DataTypes.LongType, false)
      .add("y", DataTypes.DoubleType, false);

  private static Map<Long, List<Object>> byHash(Dataset<Row> repeats) {
    Map<Long, List<Object>> byHash = new TreeMap<>();
    repeats.collectAsList().forEach(r -> byHash.put(r.getLong(0), List.of(r.getLong(1),
        r.getDouble(2))));
    return byHash;
  }

  @Test
  void onlyRepeatingHashesComeBackWithTheirRowsAndMajorityLabelCollectedOrCounted() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(7L, 1.0), RowFactory.create(7L, 0.0), RowFactory.create(2L, 1.0),
        RowFactory.create(-5L, 1.0), RowFactory.create(-5L, 1.0), RowFactory.create(-5L, 0.0),
        RowFactory.create(9L, 0.0), RowFactory.create(4L, 0.0), RowFactory.create(4L, 0.0),
        RowFactory.create(4L, 1.0)), HASH_AND_LABEL).repartition(3);
    // A tie (7) goes to the larger label: a 0/1 label's copies are positive from half of them.
    Map<Long, List<Object>> expected = Map.of(-5L, List.of(3L, 1.0), 7L, List.of(2L, 1.0),
        4L, List.of(3L, 0.0));

    assertEquals(expected, byHash(RepeatedRecords.of(rows)));
    // Past the cap of collected hashes the same answer comes from an aggregation of every row.
    assertEquals(expected, byHash(RepeatedRecords.of(rows, 1)));
  }

  /** A multi-class label's class indices: the class of the most copies, of a tie the larger. */
  @Test
  void theMajorityOfClassIndicesIsTheClassOfTheMostCopies() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(3L, 2.0), RowFactory.create(3L, 0.0), RowFactory.create(3L, 2.0),
        RowFactory.create(3L, 1.0), RowFactory.create(8L, 0.0), RowFactory.create(8L, 4.0),
        RowFactory.create(8L, 3.0), RowFactory.create(8L, 0.0), RowFactory.create(8L, 3.0)),
        HASH_AND_LABEL).repartition(2);
    Map<Long, List<Object>> expected = Map.of(3L, List.of(4L, 2.0), 8L, List.of(5L, 3.0));

    assertEquals(expected, byHash(RepeatedRecords.of(rows)));
    assertEquals(expected, byHash(RepeatedRecords.of(rows, 1)));
  }
}
