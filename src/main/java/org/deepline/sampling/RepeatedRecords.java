package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The records of a load that repeat (a 64-bit hash of their columns, label aside, that occurs more
 * than once), with their rows and the label most of them have (of a tie, the larger; for a 0/1
 * label, positive from half the rows): what a split needs to keep
 * a record's copies together ({@link SplitJob.CopyGrouping}). Almost every record of most data
 * occurs once, so the hashes are shuffled by value, sorted within each partition and read in one
 * stream, and only repeating ones come back to the driver: no aggregation keeps a map of every
 * hash, and the driver holds only what repeats.
 *
 * <pre>{@code
 * Dataset<Row> repeats = RepeatedRecords.of(rows.select(hash, label)); // hash, rows, majority
 * }</pre>
 */
final class RepeatedRecords {
  static final String HASH = "_record_hash";
  static final String ROWS = "_record_rows";
  static final String MAJORITY = "_record_majority";
  static final StructType SCHEMA = new StructType()
      .add(HASH, DataTypes.LongType, false)
      .add(ROWS, DataTypes.LongType, false)
      .add(MAJORITY, DataTypes.DoubleType, false);
  private static final String LABEL = "_label";
  private static final String LABEL_ROWS = "_label_rows";
  /**
   * Repeating records the driver collects and broadcasts (24 bytes each); beyond this many in one
   * partition they are counted by an aggregation over every row, joined without a broadcast.
   */
  static final int MAX_COLLECTED = 1_000_000;

  private RepeatedRecords() {}

  /**
   * {@code hashAndLabel}'s (a long hash, then a double label: 0/1 or a class index) repeating
   * hashes with their rows and majority label ({@link #SCHEMA}): a small local table, or past {@value #MAX_COLLECTED}
   * repeating hashes in one partition an aggregation to be joined as it is.
   */
  static Dataset<Row> of(Dataset<Row> hashAndLabel) {
    return of(hashAndLabel, MAX_COLLECTED);
  }

  /** As above, collecting at most {@code maxCollected} repeating hashes. */
  static Dataset<Row> of(Dataset<Row> hashAndLabel, int maxCollected) {
    Dataset<Row> pairs = hashAndLabel.toDF(HASH, LABEL);
    List<Row> collected = pairs.repartition(functions.col(HASH))
        .sortWithinPartitions(HASH)
        .mapPartitions((MapPartitionsFunction<Row, Row>) sorted -> repeatedIn(sorted,
            maxCollected), Encoders.row(SCHEMA))
        .collectAsList();
    // Past the cap (one partition stops one row beyond it): every hash is counted instead.
    boolean capped = collected.size() > maxCollected;
    if (capped) {
      // The largest (rows, label) pair is the majority, of a tie the larger label.
      return pairs.groupBy(HASH, LABEL).agg(functions.count(functions.lit(1)).as(LABEL_ROWS))
          .groupBy(HASH).agg(functions.sum(LABEL_ROWS).as(ROWS),
              functions.max(functions.struct(LABEL_ROWS, LABEL)).getField(LABEL).as(MAJORITY))
          .where(functions.col(ROWS).gt(1));
    }
    return functions.broadcast(hashAndLabel.sparkSession().createDataFrame(collected, SCHEMA));
  }

  /** The runs of equal hashes of a sorted partition longer than one, up to the cap plus one. */
  private static Iterator<Row> repeatedIn(Iterator<Row> sorted, int maxCollected) {
    List<Row> repeated = new ArrayList<>();
    long hash = 0;
    long rows = 0;
    Map<Double, Long> rowsByLabel = new TreeMap<>();
    while (sorted.hasNext() && repeated.size() <= maxCollected) {
      Row row = sorted.next();
      long next = row.getLong(0);
      if (rows > 0 && next != hash) {
        addIfRepeated(repeated, hash, rows, rowsByLabel);
        rows = 0;
        rowsByLabel.clear();
      }
      hash = next;
      rows++;
      rowsByLabel.merge(row.getDouble(1), 1L, Long::sum);
    }
    addIfRepeated(repeated, hash, rows, rowsByLabel);
    return repeated.iterator();
  }

  private static void addIfRepeated(List<Row> repeated, long hash, long rows,
      Map<Double, Long> rowsByLabel) {
    if (rows > 1) {
      repeated.add(RowFactory.create(hash, rows, majority(rowsByLabel)));
    }
  }

  /** The label of the most rows; of a tie the larger, as the aggregation past the cap takes it. */
  static double majority(Map<Double, Long> rowsByLabel) {
    double majority = Double.NaN;
    long most = 0;
    for (Map.Entry<Double, Long> label : rowsByLabel.entrySet()) {
      // Ascending labels: a later one of as many rows is the larger.
      if (label.getValue() >= most) {
        most = label.getValue();
        majority = label.getKey();
      }
    }
    return majority;
  }
}
