package org.deepline.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.metrics.BinaryMetrics.CurvePoint;
import org.deepline.metrics.BinaryMetrics.PrPoint;

/**
 * The ranking metrics (ROC AUC, average precision and both curves), exact over the unrounded scores,
 * from a distributed sort with prefix sums per partition, the way MLlib's
 * {@code BinaryClassificationMetrics} does it:
 *
 * <ol>
 *   <li>count positives and negatives per distinct score (a grouped aggregation, so rows with the same
 *       score, ties, become one level and are credited one half per tied pair);
 *   <li>sort the levels by descending score: a range-partitioned sort, spread over all tasks;
 *   <li>one pass sums each partition's positives and negatives; the driver turns them into the counts
 *       above each partition;
 *   <li>a second pass sweeps each partition from that offset, adding the pairs each level orders
 *       correctly, the precision-weighted recall steps, and the curve points; the driver adds the
 *       partitions' sums in order.
 * </ol>
 *
 * <p>Why not a window: a cumulative sum over an unpartitioned window moves every level into one task.
 * Why not a driver-side sweep over collected levels: the levels are as many as the distinct scores,
 * which for float probabilities is about the number of rows. Here the driver holds two longs per
 * partition and at most {@code segments} + 1 curve points per partition; an executor holds one
 * partition's curve points and streams its levels. The levels are persisted between the two passes
 * (one row of three numbers per distinct score).
 */
final class ScoreSweep {
  private static final String SCORE = "_ss_score";
  /** Along the ROC curve, fpr + tpr grows from 0 to this. */
  private static final double ROC_CURVE_LENGTH = 2.0;

  private ScoreSweep() {}

  record Result(double rocAuc, double averagePrecision, List<CurvePoint> rocCurve,
      List<PrPoint> prCurve) {
    /** Only positives: every threshold is fully precise; only negatives: nothing is defined. */
    static Result singleClass(boolean positivesOnly) {
      return new Result(Double.NaN, positivesOnly ? 1.0 : Double.NaN, List.of(), List.of());
    }
  }

  /** One level's counts after the sweep: a candidate curve point. */
  private record Point(double fpr, double tpr, double threshold, double precision)
      implements Serializable {}

  /** A partition's share of the sums, and its curve points (one per segment at most). */
  private record PartitionSweep(int index, double correctlyOrdered,
      double precisionTimesRecallSteps, ArrayList<Point> points) implements Serializable {}

  static Result sweep(Dataset<Row> rows, Column score, Column label, long positives,
      long negatives, int segments) {
    Dataset<Row> levels = rows.groupBy(score.as(SCORE))
        .agg(BinaryMetrics.countWhere(label.equalTo(BinaryMetrics.POSITIVE)),
            BinaryMetrics.countWhere(label.equalTo(BinaryMetrics.NEGATIVE)))
        .orderBy(functions.col(SCORE).desc());
    JavaRDD<Row> sorted = levels.javaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<long[]> totals = sorted.mapPartitionsWithIndex(ScoreSweep::partitionTotals, true)
          .collect();
      int partitions = sorted.getNumPartitions();
      long[] positivesBefore = new long[partitions];
      long[] negativesBefore = new long[partitions];
      long[][] byIndex = new long[partitions][];
      for (long[] total : totals) {
        byIndex[(int) total[0]] = total;
      }
      for (int i = 1; i < partitions; i++) {
        positivesBefore[i] = positivesBefore[i - 1] + byIndex[i - 1][1];
        negativesBefore[i] = negativesBefore[i - 1] + byIndex[i - 1][2];
      }
      List<PartitionSweep> sweeps = new ArrayList<>(sorted.mapPartitionsWithIndex(
          (index, levelRows) -> sweepPartition(index, levelRows, positivesBefore[index],
              negativesBefore[index], positives, negatives, segments), true).collect());
      sweeps.sort(java.util.Comparator.comparingInt(PartitionSweep::index));

      double correctlyOrdered = 0;
      double precisionSum = 0;
      List<Point> kept = new ArrayList<>();
      for (PartitionSweep part : sweeps) {
        correctlyOrdered += part.correctlyOrdered();
        precisionSum += part.precisionTimesRecallSteps();
        for (Point point : part.points()) {
          keepLastPerSegment(kept, point, segments);
        }
      }
      List<CurvePoint> roc = new ArrayList<>();
      List<PrPoint> pr = new ArrayList<>();
      roc.add(new CurvePoint(0, 0, Double.POSITIVE_INFINITY));
      for (Point point : kept) {
        roc.add(new CurvePoint(point.fpr(), point.tpr(), point.threshold()));
        pr.add(new PrPoint(point.tpr(), point.precision(), point.threshold()));
      }
      return new Result(correctlyOrdered / ((double) positives * negatives),
          precisionSum / positives, roc, pr);
    } finally {
      sorted.unpersist(false);
    }
  }

  private static Iterator<long[]> partitionTotals(Integer index, Iterator<Row> levels) {
    long positives = 0;
    long negatives = 0;
    while (levels.hasNext()) {
      Row level = levels.next();
      positives += level.getLong(1);
      negatives += level.getLong(2);
    }
    return List.of(new long[] {index, positives, negatives}).iterator();
  }

  private static Iterator<PartitionSweep> sweepPartition(int index, Iterator<Row> levels,
      long positivesAbove, long negativesAbove, long positives, long negatives, int segments) {
    double correctlyOrdered = 0;
    double precisionTimesRecallSteps = 0;
    long positivesThrough = positivesAbove;
    long negativesThrough = negativesAbove;
    ArrayList<Point> points = new ArrayList<>();
    while (levels.hasNext()) {
      Row level = levels.next();
      long levelPositives = level.getLong(1);
      long levelNegatives = level.getLong(2);
      // This level's negatives are outranked by every positive above and tie with its positives.
      correctlyOrdered += levelNegatives
          * (positivesThrough + BinaryMetrics.TIE_CREDIT * levelPositives);
      positivesThrough += levelPositives;
      negativesThrough += levelNegatives;
      double precision = (double) positivesThrough / (positivesThrough + negativesThrough);
      // Recall grows by level positives / positives; the division is done once, at the end.
      precisionTimesRecallSteps += levelPositives * precision;
      keepLastPerSegment(points, new Point((double) negativesThrough / negatives,
          (double) positivesThrough / positives, level.getDouble(0), precision), segments);
    }
    return List.of(new PartitionSweep(index, correctlyOrdered, precisionTimesRecallSteps, points))
        .iterator();
  }

  /**
   * Of the points whose fpr + tpr falls in the same 1/{@code segments} of the curve's length, keeps
   * the last: points end up evenly spaced along the curve and the final (1, 1) is always kept.
   */
  private static <T extends List<Point>> void keepLastPerSegment(T points, Point point,
      int segments) {
    if (!points.isEmpty()
        && segment(points.get(points.size() - 1), segments) == segment(point, segments)) {
      points.set(points.size() - 1, point);
    } else {
      points.add(point);
    }
  }

  private static long segment(Point point, int segments) {
    return (long) Math.ceil((point.fpr() + point.tpr()) * (segments / ROC_CURVE_LENGTH));
  }
}
