package org.deepline.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * The metrics of each value of some columns ("slices"): where a model that is good on average is bad
 * for a group, or where a new model loses to the old one.
 *
 * <pre>{@code
 * List<SliceMetrics.Slice> slices = SliceMetrics.compute(judged, "probability", "label",
 *     List.of("segment", "channel"), 30, 0.5);
 * }</pre>
 *
 * <p>Two jobs for all columns at once: one aggregation of the counts, confusion, log loss and Brier
 * score per slice, and one ROC AUC per slice ({@link BinaryMetrics#rocAucByGroup}, a window partitioned
 * by slice over its distinct scores). Values are compared as text; null is the slice
 * {@value #NULL_VALUE}.
 */
public final class SliceMetrics {
  public static final String NULL_VALUE = "(null)";
  /**
   * Slicing by a column with more values than this (an id, a timestamp) is a mistake the report
   * could not show anyway.
   */
  public static final int MAX_VALUES_PER_COLUMN = 1000;
  private static final String SLICE = "_sm_slice";
  private static final String COLUMN = "column";
  private static final String VALUE = "value";
  private static final String PROBABILITY = "_sm_probability";
  private static final String LABEL = "_sm_label";

  private SliceMetrics() {}

  /**
   * One slice's metrics at the threshold.
   *
   * @param judged false when the slice has fewer than the minimum rows: listed, not judged
   * @param rocAuc NaN when the slice holds a single class
   */
  public record Slice(String column, String value, long rows, long positives, boolean judged,
      double accuracy, double precision, double recall, double f1, double rocAuc, double logLoss,
      double brier) {
    /** {@code column=value}: how the report and the blessing name the slice. */
    public String name() {
      return column + "=" + value;
    }

    /** The slice's metric by its report name, NaN for a name it does not have. */
    public double metric(String metric) {
      return switch (metric) {
        case "accuracy" -> accuracy;
        case "precision" -> precision;
        case "recall" -> recall;
        case "f1" -> f1;
        case "roc_auc" -> rocAuc;
        case "log_loss" -> logLoss;
        case "brier" -> brier;
        default -> Double.NaN;
      };
    }
  }

  /**
   * @throws DeeplineException when a slice column is missing (naming it and the columns there are)
   *     or has more than {@link #MAX_VALUES_PER_COLUMN} values
   */
  public static List<Slice> compute(Dataset<Row> scored, String probabilityColumn,
      String labelColumn, List<String> columns, long minRows, double threshold) {
    if (columns.isEmpty()) {
      return List.of();
    }
    List<String> present = List.of(scored.columns());
    for (String column : columns) {
      if (!present.contains(column)) {
        throw new DeeplineException("evaluation.slices.columns: no column '" + column
            + "' in the judged rows (silver columns joined by _record_id: " + present + ")");
      }
    }
    Column[] pairs = columns.stream()
        .map(c -> functions.struct(functions.lit(c).as(COLUMN),
            functions.coalesce(Columns.col(c).cast("string"), functions.lit(NULL_VALUE)).as(VALUE)))
        .toArray(Column[]::new);
    Dataset<Row> bySlice = scored.select(functions.explode(functions.array(pairs)).as(SLICE),
        Columns.col(probabilityColumn).cast("double").as(PROBABILITY),
        Columns.col(labelColumn).cast("double").as(LABEL));

    Column probability = functions.col(PROBABILITY);
    Column positive = functions.col(LABEL).equalTo(BinaryMetrics.POSITIVE);
    Column predicted = probability.geq(threshold);
    Column loss = BinaryMetrics.logLoss(probability, positive);
    // Two jobs read the exploded rows (the totals, then the AUCs); the scored rows come from a join
    // with silver, which would otherwise run twice.
    bySlice.persist();
    try {
      return slices(bySlice, columns, minRows, threshold, positive, predicted, loss);
    } finally {
      bySlice.unpersist();
    }
  }

  private static List<Slice> slices(Dataset<Row> bySlice, List<String> columns, long minRows,
      double threshold, Column positive, Column predicted, Column loss) {
    Column probability = functions.col(PROBABILITY);
    List<Row> totals = bySlice.groupBy(SLICE)
        .agg(functions.count(functions.lit(1)),
            BinaryMetrics.countWhere(positive),
            BinaryMetrics.countWhere(positive.and(predicted)),
            BinaryMetrics.countWhere(functions.not(positive).and(predicted)),
            functions.sum(loss),
            functions.sum(BinaryMetrics.squaredError(probability, functions.col(LABEL))))
        .collectAsList();
    Map<String, Long> valuesPerColumn = new HashMap<>();
    for (Row row : totals) {
      valuesPerColumn.merge(row.getStruct(0).getString(0), 1L, Long::sum);
    }
    valuesPerColumn.forEach((column, values) -> {
      if (values > MAX_VALUES_PER_COLUMN) {
        throw new DeeplineException("evaluation.slices.columns: column '" + column + "' has "
            + values + " values, more than " + MAX_VALUES_PER_COLUMN + "; slice by a column of "
            + "categories");
      }
    });
    Map<Row, Double> aucs = new HashMap<>();
    for (Row row : BinaryMetrics.rocAucByGroup(bySlice, SLICE, PROBABILITY, LABEL).collectAsList()) {
      aucs.put(row.getStruct(0), row.isNullAt(1) ? Double.NaN : row.getDouble(1));
    }

    List<Slice> slices = new ArrayList<>();
    for (Row row : totals) {
      Row slice = row.getStruct(0);
      long rows = row.getLong(1);
      long positives = row.getLong(2);
      long tp = row.getLong(3);
      long fp = row.getLong(4);
      BinaryMetrics.OperatingPoint point = BinaryMetrics.OperatingPoint.of("slice", threshold,
          new BinaryMetrics.Confusion(tp, fp, rows - positives - fp, positives - tp));
      slices.add(new Slice(slice.getString(0), slice.getString(1), rows, positives,
          rows >= minRows, point.accuracy(), point.precision(), point.recall(), point.f1(),
          aucs.getOrDefault(slice, Double.NaN), row.getDouble(5) / rows, row.getDouble(6) / rows));
    }
    slices.sort(Comparator.comparingInt((Slice s) -> columns.indexOf(s.column()))
        .thenComparing(Slice::value));
    return slices;
  }
}
