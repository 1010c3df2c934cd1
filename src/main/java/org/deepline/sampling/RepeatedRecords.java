package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * than once), with their rows and the share of them that are positive: what a split needs to keep
 * a record's copies together ({@link SplitJob.CopyGrouping}). Almost every record of most data
 * occurs once, so the hashes are shuffled by value, sorted within each partition and read in one
 * stream, and only repeating ones come back to the driver: no aggregation keeps a map of every
 * hash, and the driver holds only what repeats.
 *
 * <pre>{@code
 * Dataset<Row> repeats = RepeatedRecords.of(rows.select(hash, label)); // hash, rows, positive
 * }</pre>
 */
final class RepeatedRecords {
  static final String HASH = "_record_hash";
  static final String ROWS = "_record_rows";
  static final String POSITIVE = "_record_positive";
  static final StructType SCHEMA = new StructType()
      .add(HASH, DataTypes.LongType, false)
      .add(ROWS, DataTypes.LongType, false)
      .add(POSITIVE, DataTypes.DoubleType, false);
  /**
   * Repeating records the driver collects and broadcasts (24 bytes each); beyond this many in one
   * partition they are counted by an aggregation over every row, joined without a broadcast.
   */
  static final int MAX_COLLECTED = 1_000_000;

  private RepeatedRecords() {}

  /**
   * {@code hashAndLabel}'s (a long hash, then a 0/1 double label) repeating hashes with their rows
   * and positive share ({@link #SCHEMA}): a small local table, or past {@value #MAX_COLLECTED}
   * repeating hashes in one partition an aggregation to be joined as it is.
   */
  static Dataset<Row> of(Dataset<Row> hashAndLabel) {
    return of(hashAndLabel, MAX_COLLECTED);
  }

  /** As above, collecting at most {@code maxCollected} repeating hashes. */
  static Dataset<Row> of(Dataset<Row> hashAndLabel, int maxCollected) {
    Dataset<Row> pairs = hashAndLabel.toDF(HASH, "_label");
    List<Row> collected = pairs.repartition(functions.col(HASH))
        .sortWithinPartitions(HASH)
        .mapPartitions((MapPartitionsFunction<Row, Row>) sorted -> repeatedIn(sorted,
            maxCollected), Encoders.row(SCHEMA))
        .collectAsList();
    // Past the cap (one partition stops one row beyond it): every hash is counted instead.
    boolean capped = collected.size() > maxCollected;
    if (capped) {
      return pairs.groupBy(HASH).agg(functions.count(functions.lit(1)).as(ROWS),
              functions.avg(functions.col("_label")).as(POSITIVE))
          .where(functions.col(ROWS).gt(1));
    }
    return functions.broadcast(hashAndLabel.sparkSession().createDataFrame(collected, SCHEMA));
  }

  /** The runs of equal hashes of a sorted partition longer than one, up to the cap plus one. */
  private static Iterator<Row> repeatedIn(Iterator<Row> sorted, int maxCollected) {
    List<Row> repeated = new ArrayList<>();
    long hash = 0;
    long rows = 0;
    double positives = 0;
    while (sorted.hasNext() && repeated.size() <= maxCollected) {
      Row row = sorted.next();
      long next = row.getLong(0);
      if (rows > 0 && next != hash) {
        addIfRepeated(repeated, hash, rows, positives);
        rows = 0;
        positives = 0;
      }
      hash = next;
      rows++;
      positives += row.getDouble(1);
    }
    addIfRepeated(repeated, hash, rows, positives);
    return repeated.iterator();
  }

  private static void addIfRepeated(List<Row> repeated, long hash, long rows, double positives) {
    if (rows > 1) {
      repeated.add(RowFactory.create(hash, rows, positives / rows));
    }
  }
}
