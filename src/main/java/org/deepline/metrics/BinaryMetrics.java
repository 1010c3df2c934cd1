package org.deepline.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * Binary-classification metrics computed by Spark where the rows are: only aggregates reach the
 * driver (one row per group, per calibration bin or per ROC curve point), never the scored rows.
 *
 * <p>The AUCs come from counting positives and negatives per distinct score and taking cumulative sums
 * in descending score order. For each negative, the positives above it count 1 and those tied with it
 * count 1/2, so the ROC AUC is the exact Mann-Whitney statistic, ties included, and equals the area
 * under the ROC curve drawn through every distinct threshold.
 *
 * <p>Labels are doubles: 1.0 is positive, 0.0 is negative.
 */
public final class BinaryMetrics {
  /** Output column of {@link #rocAucByGroup}: the group's ROC AUC, null when it has one class only. */
  public static final String ROC_AUC = "roc_auc";
  /** Output column of {@link #rocAucByGroup}: rows of the group labelled 1.0. */
  public static final String POSITIVES = "positives";
  /** Output column of {@link #rocAucByGroup}: rows of the group labelled 0.0. */
  public static final String NEGATIVES = "negatives";

  /**
   * {@link #summarize} rounds probabilities to this grid before ranking them, so the ranking holds at
   * most 1/resolution + 1 distinct scores whatever the number of rows. Probabilities closer than this
   * become ties, which moves either AUC by at most the share of pairs they form.
   */
  public static final double SCORE_RESOLUTION = 1e-6;
  /** Log loss clips probabilities to [epsilon, 1 - epsilon], so a confident mistake costs ~34.5. */
  public static final double LOG_LOSS_EPSILON = 1e-15;
  /** The plotted ROC curve keeps about one point per this share of its length (see rocCurve). */
  public static final int ROC_CURVE_SEGMENTS = 100;

  private static final double POSITIVE = 1.0;
  private static final double NEGATIVE = 0.0;
  /** Half of a tied positive-negative pair counts as correctly ordered. */
  private static final double TIE_CREDIT = 0.5;
  /** Along the curve, fpr + tpr grows from 0 to this. */
  private static final double ROC_CURVE_LENGTH = 2.0;

  // Working columns; the prefix keeps them clear of the caller's column names.
  private static final String SCORE = "_bm_score";
  private static final String LEVEL_POSITIVES = "_bm_level_positives";
  private static final String LEVEL_NEGATIVES = "_bm_level_negatives";
  private static final String POSITIVES_THROUGH = "_bm_positives_through";
  private static final String NEGATIVES_THROUGH = "_bm_negatives_through";
  private static final String CORRECTLY_ORDERED = "_bm_correctly_ordered";
  private static final String BIN = "_bm_bin";
  private static final String SEGMENT = "_bm_segment";

  private BinaryMetrics() {}

  /**
   * The ROC AUC of one score per group, for all groups in one job: the leakage gate gives it
   * long-format rows (feature name, value, label) and gets every feature's single-feature AUC at once.
   *
   * <pre>{@code
   * Dataset<Row> aucs = BinaryMetrics.rocAucByGroup(longFormat, "feature", "value", "label");
   * // feature | roc_auc | positives | negatives
   * }</pre>
   *
   * <p>Rows with a null or NaN score, or a label other than 0.0 or 1.0 (null included), are ignored;
   * a group left without rows is absent from the result. The score is compared as a double, exactly:
   * unlike {@link #summarize}, nothing is rounded, so every distinct score is a row of the ranking.
   *
   * @return one row per group: the group column, {@code roc_auc} (double, null when the group has no
   *     positive or no negative), {@code positives} and {@code negatives} (long); in no set order
   */
  public static Dataset<Row> rocAucByGroup(Dataset<Row> data, String groupColumn,
      String scoreColumn, String labelColumn) {
    requireColumns(data, groupColumn, scoreColumn, labelColumn);
    Column score = Columns.col(scoreColumn).cast("double");
    Column label = Columns.col(labelColumn).cast("double");
    Column group = Columns.col(groupColumn);
    Dataset<Row> levels = data
        .where(score.isNotNull().and(functions.not(functions.isnan(score)))
            .and(label.isin(POSITIVE, NEGATIVE)))
        .groupBy(group, score.as(SCORE))
        .agg(countWhere(label.equalTo(POSITIVE)).as(LEVEL_POSITIVES),
            countWhere(label.equalTo(NEGATIVE)).as(LEVEL_NEGATIVES));
    Column positives = functions.col(POSITIVES);
    Column negatives = functions.col(NEGATIVES);
    Column pairs = positives.cast("double").multiply(negatives.cast("double"));
    return cumulativeByDescendingScore(levels, Window.partitionBy(group))
        .withColumn(CORRECTLY_ORDERED, correctlyOrderedPairs())
        .groupBy(group)
        .agg(functions.sum(CORRECTLY_ORDERED).as(CORRECTLY_ORDERED),
            functions.sum(LEVEL_POSITIVES).as(POSITIVES),
            functions.sum(LEVEL_NEGATIVES).as(NEGATIVES))
        .select(group,
            functions.when(positives.gt(0).and(negatives.gt(0)),
                functions.col(CORRECTLY_ORDERED).divide(pairs)).as(ROC_AUC),
            positives, negatives);
  }

  /**
   * Everything the evaluation report shows about scored rows, in two passes over them: one aggregation
   * per calibration bin (whose sums give the counts, the confusion matrix and the log loss) and one
   * ranking of the rounded scores (both AUCs and the ROC curve).
   *
   * <pre>{@code
   * BinaryMetrics.Summary summary =
   *     BinaryMetrics.summarize(predictions, "probability", "label", 0.5, 10);
   * double auc = summary.rocAuc();
   * }</pre>
   *
   * <p>A row is predicted positive when its probability is {@code >= threshold}. Degenerate cases:
   * precision is 0 when nothing is predicted positive, recall is 0 when there is no positive, F1 is 0
   * when precision and recall are both 0; the ROC AUC is NaN (and the ROC curve empty) when the rows
   * hold a single class, the PR AUC is NaN when they hold no positive and 1 when they hold no
   * negative (every threshold is then fully precise), as in scikit-learn.
   *
   * @param calibrationBins number of equal-width probability bins over [0, 1]; empty bins are omitted
   * @throws DeeplineException when a column is missing, when a probability is null, NaN or outside
   *     [0, 1], when a label is not 0.0 or 1.0, or when there are no rows
   */
  public static Summary summarize(Dataset<Row> predictions, String probabilityColumn,
      String labelColumn, double threshold, int calibrationBins) {
    if (calibrationBins < 1) {
      throw new IllegalArgumentException("calibrationBins must be >= 1, got " + calibrationBins);
    }
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must be a number, got NaN");
    }
    requireColumns(predictions, probabilityColumn, labelColumn);
    Column probability = Columns.col(probabilityColumn).cast("double");
    Column label = Columns.col(labelColumn).cast("double");

    List<BinTotals> bins = binTotals(predictions, probability, label, threshold, calibrationBins);
    long invalidProbabilities = bins.stream().mapToLong(BinTotals::invalidProbabilities).sum();
    long invalidLabels = bins.stream().mapToLong(BinTotals::invalidLabels).sum();
    if (invalidProbabilities > 0) {
      throw new DeeplineException("predictions: " + invalidProbabilities + " row(s) of column '"
          + probabilityColumn + "' are null, NaN or outside [0, 1]");
    }
    if (invalidLabels > 0) {
      throw new DeeplineException("predictions: " + invalidLabels + " row(s) of column '"
          + labelColumn + "' are not 0.0 or 1.0");
    }
    List<BinTotals> filled = bins.stream()
        .filter(b -> b.bin() != null)
        .sorted(Comparator.comparing(BinTotals::bin))
        .toList();
    long count = filled.stream().mapToLong(BinTotals::rows).sum();
    if (count == 0) {
      throw new DeeplineException("predictions: the input is empty, no rows to evaluate (columns '"
          + probabilityColumn + "', '" + labelColumn + "')");
    }
    long positives = filled.stream().mapToLong(BinTotals::positives).sum();
    long negatives = count - positives;
    long tp = filled.stream().mapToLong(BinTotals::truePositives).sum();
    long fp = filled.stream().mapToLong(BinTotals::falsePositives).sum();
    Confusion confusion = new Confusion(tp, fp, negatives - fp, positives - tp);
    double logLoss = filled.stream().mapToDouble(BinTotals::logLossSum).sum() / count;

    double precision = ratioOrZero(tp, tp + fp);
    double recall = ratioOrZero(tp, positives);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    double accuracy = (double) (confusion.tp() + confusion.tn()) / count;

    Ranking ranking = positives > 0 && negatives > 0
        ? rank(predictions, probability, label, positives, negatives)
        : new Ranking(Double.NaN, positives > 0 ? 1.0 : Double.NaN, List.of());
    List<CalibrationBin> calibration = filled.stream()
        .map(b -> new CalibrationBin((double) b.bin() / calibrationBins,
            (double) (b.bin() + 1) / calibrationBins, b.rows(), b.probabilitySum() / b.rows(),
            (double) b.positives() / b.rows()))
        .toList();
    return new Summary(count, positives, accuracy, precision, recall, f1, ranking.rocAuc(),
        ranking.prAuc(), logLoss, confusion, ranking.rocCurve(), calibration);
  }

  /**
   * One grouped aggregation: rows with a valid probability and label fall in their calibration bin,
   * the others in a null bin that only counts what is wrong with them.
   */
  private static List<BinTotals> binTotals(Dataset<Row> predictions, Column probability,
      Column label, double threshold, int calibrationBins) {
    Column validProbability = probability.isNotNull()
        .and(functions.not(functions.isnan(probability)))
        .and(probability.between(0.0, 1.0));
    Column validLabel = label.isNotNull().and(label.isin(POSITIVE, NEGATIVE));
    // A probability of exactly 1 belongs to the last bin, not to a bin of its own.
    Column bin = functions.when(validProbability.and(validLabel),
        functions.least(functions.floor(probability.multiply(calibrationBins)),
            functions.lit(calibrationBins - 1)).cast("int"));
    Column positive = label.equalTo(POSITIVE);
    Column predictedPositive = probability.geq(threshold);
    Column clipped = functions.least(
        functions.greatest(probability, functions.lit(LOG_LOSS_EPSILON)),
        functions.lit(1 - LOG_LOSS_EPSILON));
    Column likelihood = functions.when(positive, clipped)
        .otherwise(functions.lit(1.0).minus(clipped));
    Column loss = functions.negate(functions.log(likelihood));
    List<Row> rows = predictions.groupBy(bin.as(BIN))
        .agg(functions.count(functions.lit(1)),
            countWhere(positive),
            countWhere(positive.and(predictedPositive)),
            countWhere(functions.not(positive).and(predictedPositive)),
            functions.sum(loss),
            functions.sum(probability),
            countWhere(functions.not(validProbability)),
            countWhere(functions.not(validLabel)))
        .collectAsList();
    List<BinTotals> totals = new ArrayList<>();
    for (Row row : rows) {
      if (row.isNullAt(0)) {
        totals.add(new BinTotals(null, 0, 0, 0, 0, 0, 0, row.getLong(7), row.getLong(8)));
      } else {
        totals.add(new BinTotals(row.getInt(0), row.getLong(1), row.getLong(2), row.getLong(3),
            row.getLong(4), row.getDouble(5), row.getDouble(6), 0, 0));
      }
    }
    return totals;
  }

  /**
   * Both AUCs and the plotted ROC curve from one ranking of the rounded scores. The ranking runs in a
   * single partition (Spark warns about it), which is cheap because rounding bounds its rows.
   *
   * <p>The curve keeps, of the points whose fpr + tpr falls in the same 1/{@value
   * #ROC_CURVE_SEGMENTS} of the curve's length, the last one: points end up evenly spaced along the
   * curve, the final (1, 1) is always kept, and (0, 0) is added in front.
   */
  private static Ranking rank(Dataset<Row> predictions, Column probability, Column label,
      long positives, long negatives) {
    double stepsPerUnit = 1 / SCORE_RESOLUTION;
    Column rounded = functions.round(probability.multiply(stepsPerUnit)).divide(stepsPerUnit);
    Dataset<Row> levels = predictions
        .groupBy(rounded.as(SCORE))
        .agg(countWhere(label.equalTo(POSITIVE)).as(LEVEL_POSITIVES),
            countWhere(label.equalTo(NEGATIVE)).as(LEVEL_NEGATIVES));

    Column tpr = functions.col(POSITIVES_THROUGH).divide((double) positives);
    Column fpr = functions.col(NEGATIVES_THROUGH).divide((double) negatives);
    Column segment = functions.ceil(fpr.plus(tpr)
        .multiply(ROC_CURVE_SEGMENTS / ROC_CURVE_LENGTH));
    Column precision = functions.col(POSITIVES_THROUGH)
        .divide(functions.col(POSITIVES_THROUGH).plus(functions.col(NEGATIVES_THROUGH)));
    // Recall grows by level positives / positives at a level; dividing by positives is done last.
    Column precisionTimesRecallStep = functions.col(LEVEL_POSITIVES).multiply(precision);
    List<Row> segments = cumulativeByDescendingScore(levels, Window.partitionBy())
        .groupBy(segment.as(SEGMENT))
        .agg(functions.sum(correctlyOrderedPairs()),
            functions.sum(precisionTimesRecallStep),
            functions.max(POSITIVES_THROUGH),
            functions.max(NEGATIVES_THROUGH),
            functions.min(SCORE))
        .orderBy(SEGMENT)
        .collectAsList();

    double correctlyOrdered = 0;
    double precisionSum = 0;
    List<CurvePoint> curve = new ArrayList<>();
    curve.add(new CurvePoint(0, 0, Double.POSITIVE_INFINITY));
    for (Row row : segments) {
      correctlyOrdered += row.getDouble(1);
      precisionSum += row.getDouble(2);
      curve.add(new CurvePoint((double) row.getLong(4) / negatives,
          (double) row.getLong(3) / positives, row.getDouble(5)));
    }
    return new Ranking(correctlyOrdered / ((double) positives * negatives),
        precisionSum / positives, curve);
  }

  /**
   * Adds the positives and negatives at or above each level's score, within the window's partition.
   * The levels must hold one row per distinct score (per partition).
   */
  private static Dataset<Row> cumulativeByDescendingScore(Dataset<Row> levels,
      WindowSpec partition) {
    WindowSpec atOrAbove = partition.orderBy(functions.col(SCORE).desc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return levels
        .withColumn(POSITIVES_THROUGH, functions.sum(LEVEL_POSITIVES).over(atOrAbove))
        .withColumn(NEGATIVES_THROUGH, functions.sum(LEVEL_NEGATIVES).over(atOrAbove));
  }

  /** Positive-negative pairs this level's negatives order correctly: positives above, ties half. */
  private static Column correctlyOrderedPairs() {
    Column levelPositives = functions.col(LEVEL_POSITIVES).cast("double");
    Column positivesAbove = functions.col(POSITIVES_THROUGH).cast("double").minus(levelPositives);
    return functions.col(LEVEL_NEGATIVES).cast("double")
        .multiply(positivesAbove.plus(levelPositives.multiply(TIE_CREDIT)));
  }

  private static Column countWhere(Column condition) {
    return functions.count(functions.when(condition, true));
  }

  private static double ratioOrZero(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  private static void requireColumns(Dataset<Row> data, String... names) {
    List<String> present = List.of(data.columns());
    for (String name : names) {
      if (!present.contains(name)) {
        throw new DeeplineException("no column '" + name + "' among " + present);
      }
    }
  }


  /** The sums of one calibration bin, or (bin null) the counts of rows that cannot be evaluated. */
  private record BinTotals(Integer bin, long rows, long positives, long truePositives,
      long falsePositives, double logLossSum, double probabilitySum, long invalidProbabilities,
      long invalidLabels) {}

  private record Ranking(double rocAuc, double prAuc, List<CurvePoint> rocCurve) {}

  /**
   * The metrics of one set of scored rows.
   *
   * @param count       rows evaluated
   * @param positives   rows labelled 1.0
   * @param rocAuc      area under the ROC curve, ties counted half; NaN with a single class
   * @param prAuc       average precision: sum over descending thresholds of (R_k - R_k-1) * P_k, as
   *                    scikit-learn's {@code average_precision_score}; NaN without positives, 1
   *                    without negatives
   * @param logLoss     mean negative log-likelihood, probabilities clipped by
   *                    {@link BinaryMetrics#LOG_LOSS_EPSILON}
   * @param rocCurve    at most {@link BinaryMetrics#ROC_CURVE_SEGMENTS} + 1 points from (0, 0) to
   *                    (1, 1), by descending threshold; the first point's threshold is +Infinity
   * @param calibration non-empty bins by ascending probability
   */
  public record Summary(long count, long positives, double accuracy, double precision,
      double recall, double f1, double rocAuc, double prAuc, double logLoss, Confusion confusion,
      List<CurvePoint> rocCurve, List<CalibrationBin> calibration) {
    public Summary {
      rocCurve = List.copyOf(rocCurve);
      calibration = List.copyOf(calibration);
    }
  }

  /** Counts at the summary's threshold: true and false positives, true and false negatives. */
  public record Confusion(long tp, long fp, long tn, long fn) {}

  /** A point of the ROC curve: the rates when rows scoring {@code >= threshold} are positive. */
  public record CurvePoint(double fpr, double tpr, double threshold) {}

  /**
   * One equal-width probability bin: a bin is {@code [lower, upper)}, the last one includes 1.
   *
   * @param meanPredicted mean probability of the bin's rows
   * @param observedRate  share of the bin's rows labelled 1.0
   */
  public record CalibrationBin(double lower, double upper, long count, double meanPredicted,
      double observedRate) {}
}
