package org.deepline.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.etl.LabelConfig;

/**
 * The balance report of the train stage's run record: the training split's class counts before and
 * after resampling and augmentation, the imbalance ratio (minority rows per majority row) before and
 * after, and the rows added by origin.
 *
 * <pre>{@code
 * BalanceReport.metrics(900, 100, Map.of("real", new long[] {900, 100}, "smote", new long[] {0, 800}));
 * // balance.rows_before_negative 900, balance.rows_before_positive 100,
 * // balance.rows_after_negative 900, balance.rows_after_positive 900,
 * // balance.imbalance_ratio_before 0.111, balance.imbalance_ratio_after 1.0,
 * // balance.rows_removed 0, balance.rows_oversampled 0, balance.rows_smote 800, ...
 * }</pre>
 */
public final class BalanceReport {
  public static final String PREFIX = "balance.";

  private BalanceReport() {}

  /**
   * @param byOrigin negatives and positives of the training rows after rebalancing, by
   *                 {@value Rebalancer#ORIGIN}
   */
  public static Map<String, Double> metrics(long negativesBefore, long positivesBefore,
      Map<String, long[]> byOrigin) {
    long negativesAfter = 0;
    long positivesAfter = 0;
    for (long[] counts : byOrigin.values()) {
      negativesAfter += counts[0];
      positivesAfter += counts[1];
    }
    long[] real = byOrigin.getOrDefault(Rebalancer.REAL, new long[2]);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(PREFIX + "rows_before_negative", (double) negativesBefore);
    metrics.put(PREFIX + "rows_before_positive", (double) positivesBefore);
    metrics.put(PREFIX + "rows_after_negative", (double) negativesAfter);
    metrics.put(PREFIX + "rows_after_positive", (double) positivesAfter);
    metrics.put(PREFIX + "imbalance_ratio_before", ratio(negativesBefore, positivesBefore));
    metrics.put(PREFIX + "imbalance_ratio_after", ratio(negativesAfter, positivesAfter));
    metrics.put(PREFIX + "rows_removed",
        (double) (negativesBefore + positivesBefore - real[0] - real[1]));
    for (String origin : Rebalancer.ADDED_ORIGINS) {
      long[] counts = byOrigin.getOrDefault(origin, new long[2]);
      metrics.put(PREFIX + "rows_" + origin, (double) (counts[0] + counts[1]));
    }
    return metrics;
  }

  /** The report when nothing was resampled or added: after equals before. */
  public static Map<String, Double> unchanged(long negatives, long positives) {
    return metrics(negatives, positives, Map.of(Rebalancer.REAL, new long[] {negatives, positives}));
  }

  /** Minority rows per majority row (1 when balanced, 0 when a class is missing). */
  public static double ratio(long negatives, long positives) {
    long majority = Math.max(negatives, positives);
    return majority == 0 ? 0 : (double) Math.min(negatives, positives) / majority;
  }

  /** Negatives and positives of {@code rows} by origin, in one aggregation. */
  public static Map<String, long[]> countByOrigin(Dataset<Row> rows) {
    Map<String, long[]> counts = new LinkedHashMap<>();
    List<Row> groups = rows.groupBy(Rebalancer.ORIGIN, LabelConfig.LABEL).count().collectAsList();
    for (Row row : groups) {
      counts.computeIfAbsent(row.getString(0), k -> new long[2])
          [row.getDouble(1) == 1.0 ? 1 : 0] += row.getLong(2);
    }
    return counts;
  }
}
