package org.deepline.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * driver (one row per calibration bin, one small summary per partition of the score ranking, one
 * bootstrap accumulator per partition), never the scored rows.
 *
 * <pre>{@code
 * BinaryMetrics.Summary summary = BinaryMetrics.summarize(predictions, "probability", "label",
 *     BinaryMetrics.options()
 *         .threshold("chosen", 0.31).threshold("default", 0.5)
 *         .calibration(10, BinaryMetrics.Binning.EQUAL_MASS)
 *         .bootstrap(200, 0.95, 7, "_record_id"));
 * double auc = summary.rocAuc();
 * double f1AtChosen = summary.operatingPoints().get(0).f1();
 * }</pre>
 *
 * <p>Nothing funnels through one task: the counts, confusion matrices, log loss, Brier score and
 * calibration bins are one grouped aggregation; the ranking metrics are a distributed sort of the
 * distinct scores with prefix sums per partition ({@link ScoreSweep}); the bootstrap is one pass with
 * Poisson weights ({@link PoissonBootstrap}). There is no window without a partition.
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

  /** Log loss clips probabilities to [epsilon, 1 - epsilon], so a confident mistake costs ~34.5. */
  public static final double LOG_LOSS_EPSILON = 1e-15;
  /** The plotted ROC and PR curves keep about one point per this share of their length. */
  public static final int ROC_CURVE_SEGMENTS = 100;
  /** The operating point every summary has unless told otherwise: the conventional 0.5. */
  public static final double DEFAULT_THRESHOLD = 0.5;
  public static final String DEFAULT_THRESHOLD_NAME = "default";
  public static final int DEFAULT_CALIBRATION_BINS = 10;

  static final double POSITIVE = 1.0;
  static final double NEGATIVE = 0.0;
  /** Half of a tied positive-negative pair counts as correctly ordered. */
  static final double TIE_CREDIT = 0.5;

  // Working columns; the prefix keeps them clear of the caller's column names.
  private static final String SCORE = "_bm_score";
  private static final String LEVEL_POSITIVES = "_bm_level_positives";
  private static final String LEVEL_NEGATIVES = "_bm_level_negatives";
  private static final String POSITIVES_THROUGH = "_bm_positives_through";
  private static final String CORRECTLY_ORDERED = "_bm_correctly_ordered";
  private static final String BIN = "_bm_bin";

  private BinaryMetrics() {}

  /** How calibration bins are cut. */
  public enum Binning {
    /** Bins of equal probability width over [0, 1]: easy to read, but sparse at the extremes. */
    EQUAL_WIDTH,
    /** Bins holding about the same number of rows (approximate quantiles): every bin is trusted. */
    EQUAL_MASS
  }

  /** A new set of options: one operating point at 0.5, ten equal-width bins, no bootstrap. */
  public static Options options() {
    return new Options();
  }

  /**
   * What {@link #summarize} computes beyond the threshold-free metrics: the operating points (named
   * thresholds, in the order given; the first is the one the convenience accessors of
   * {@link Summary} read), the calibration bins and the bootstrap.
   */
  public static final class Options {
    private final Map<String, Double> thresholds = new LinkedHashMap<>();
    private int calibrationBins = DEFAULT_CALIBRATION_BINS;
    private Binning binning = Binning.EQUAL_WIDTH;
    private int replicates;
    private double confidence;
    private long seed;
    private String keyColumn;

    private Options() {}

    /** Adds an operating point; a row is predicted positive when its probability is >= threshold. */
    public Options threshold(String name, double threshold) {
      if (Double.isNaN(threshold)) {
        throw new IllegalArgumentException("threshold " + name + " must be a number, got NaN");
      }
      thresholds.put(Objects.requireNonNull(name, "name"), threshold);
      return this;
    }

    public Options calibration(int bins, Binning how) {
      if (bins < 1) {
        throw new IllegalArgumentException("calibrationBins must be >= 1, got " + bins);
      }
      calibrationBins = bins;
      binning = Objects.requireNonNull(how, "binning");
      return this;
    }

    /**
     * Percentile confidence intervals from {@code replicates} Poisson bootstrap replicates; each
     * row's weights are drawn from a hash of {@code keyColumn} and the seed, so the intervals do not
     * depend on partitioning or row order. Zero replicates turns the bootstrap off.
     */
    public Options bootstrap(int replicates, double confidence, long seed, String keyColumn) {
      if (replicates < 0) {
        throw new IllegalArgumentException("replicates must be >= 0, got " + replicates);
      }
      if (replicates > 0 && !(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
      }
      this.replicates = replicates;
      this.confidence = confidence;
      this.seed = seed;
      this.keyColumn = replicates > 0 ? Objects.requireNonNull(keyColumn, "keyColumn") : null;
      return this;
    }

    Map<String, Double> thresholds() {
      return thresholds.isEmpty() ? Map.of(DEFAULT_THRESHOLD_NAME, DEFAULT_THRESHOLD) : thresholds;
    }
  }

  /**
   * The standard error of a ROC AUC measured on {@code positives} and {@code negatives} rows, by
   * Hanley and McNeil's approximation (Radiology 143, 1982): how far the same measure on another
   * sample of that size would typically land. On 35 positives and 70 negatives an AUC of 0.95 is
   * give or take 0.026; on 350 and 700, 0.008. Zero at 0 and 1, where the formula has no spread.
   *
   * <pre>{@code
   * double se = BinaryMetrics.rocAucStandardError(0.954, 35, 70); // 0.025
   * }</pre>
   */
  public static double rocAucStandardError(double auc, long positives, long negatives) {
    if (positives <= 0 || negatives <= 0) {
      return Double.NaN;
    }
    double squared = auc * auc;
    double positivePairs = auc / (2 - auc);
    double negativePairs = 2 * squared / (1 + auc);
    double variance = (auc * (1 - auc) + (positives - 1) * (positivePairs - squared)
        + (negatives - 1) * (negativePairs - squared)) / ((double) positives * negatives);
    return Math.sqrt(Math.max(0, variance));
  }

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
   * a group left without rows is absent from the result. The score is compared as a double, exactly.
   * The cumulative sums run in a window partitioned by group over the group's distinct scores (not its
   * rows), so each group's ranking is one task: right for many small groups (features, slices).
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
    WindowSpec atOrAbove = Window.partitionBy(group).orderBy(functions.col(SCORE).desc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column levelPositives = functions.col(LEVEL_POSITIVES).cast("double");
    Column positivesAbove = functions.col(POSITIVES_THROUGH).cast("double").minus(levelPositives);
    Column correctlyOrdered = functions.col(LEVEL_NEGATIVES).cast("double")
        .multiply(positivesAbove.plus(levelPositives.multiply(TIE_CREDIT)));
    return levels
        .withColumn(POSITIVES_THROUGH, functions.sum(LEVEL_POSITIVES).over(atOrAbove))
        .withColumn(CORRECTLY_ORDERED, correctlyOrdered)
        .groupBy(group)
        .agg(functions.sum(CORRECTLY_ORDERED).as(CORRECTLY_ORDERED),
            functions.sum(LEVEL_POSITIVES).as(POSITIVES),
            functions.sum(LEVEL_NEGATIVES).as(NEGATIVES))
        .select(group,
            functions.when(positives.gt(0).and(negatives.gt(0)),
                functions.col(CORRECTLY_ORDERED).divide(pairs)).as(ROC_AUC),
            positives, negatives);
  }

  /** {@link #summarize(Dataset, String, String, Options)} at one threshold, equal-width bins. */
  public static Summary summarize(Dataset<Row> predictions, String probabilityColumn,
      String labelColumn, double threshold, int calibrationBins) {
    return summarize(predictions, probabilityColumn, labelColumn, options()
        .threshold(DEFAULT_THRESHOLD_NAME, threshold)
        .calibration(calibrationBins, Binning.EQUAL_WIDTH));
  }

  /**
   * Everything the evaluation report shows about scored rows.
   *
   * <p>A row is predicted positive when its probability is {@code >= threshold}. Degenerate cases:
   * precision is 0 when nothing is predicted positive, recall is 0 when there is no positive, F1 is 0
   * when precision and recall are both 0; the ROC AUC is NaN (and the curves empty) when the rows
   * hold a single class, the PR AUC is NaN when they hold no positive and 1 when they hold no
   * negative (every threshold is then fully precise), as in scikit-learn.
   *
   * @throws DeeplineException when a column is missing, when a probability is null, NaN or outside
   *     [0, 1], when a label is not 0.0 or 1.0, or when there are no rows
   */
  public static Summary summarize(Dataset<Row> predictions, String probabilityColumn,
      String labelColumn, Options options) {
    requireColumns(predictions, probabilityColumn, labelColumn);
    if (options.keyColumn != null) {
      requireColumns(predictions, options.keyColumn);
    }
    Column probability = Columns.col(probabilityColumn).cast("double");
    Column label = Columns.col(labelColumn).cast("double");
    Column validProbability = probability.isNotNull()
        .and(functions.not(functions.isnan(probability)))
        .and(probability.between(0.0, 1.0));
    Column validLabel = label.isNotNull().and(label.isin(POSITIVE, NEGATIVE));
    Column valid = validProbability.and(validLabel);

    List<String> names = List.copyOf(options.thresholds().keySet());
    double[] thresholds = options.thresholds().values().stream().mapToDouble(Double::doubleValue)
        .toArray();
    double[] edges = options.binning == Binning.EQUAL_WIDTH
        ? CalibrationEdges.equalWidth(options.calibrationBins)
        : CalibrationEdges.equalMass(predictions.where(valid), probability,
            options.calibrationBins);
    Column bin = functions.when(valid, CalibrationEdges.binOf(probability, edges));

    List<BinTotals> bins = binTotals(predictions, probability, label, bin, validProbability,
        validLabel, thresholds);
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
    List<OperatingPoint> operatingPoints = new ArrayList<>();
    for (int t = 0; t < thresholds.length; t++) {
      final int index = t;
      long tp = filled.stream().mapToLong(b -> b.truePositives()[index]).sum();
      long fp = filled.stream().mapToLong(b -> b.falsePositives()[index]).sum();
      operatingPoints.add(OperatingPoint.of(names.get(t), thresholds[t],
          new Confusion(tp, fp, negatives - fp, positives - tp)));
    }
    double logLoss = filled.stream().mapToDouble(BinTotals::logLossSum).sum() / count;
    double brier = filled.stream().mapToDouble(BinTotals::squaredErrorSum).sum() / count;
    Calibration calibration = Calibration.of(options.binning, filled.stream()
        .map(b -> new CalibrationBin(edges[b.bin()], edges[b.bin() + 1], b.rows(),
            b.probabilitySum() / b.rows(), (double) b.positives() / b.rows()))
        .toList());

    Dataset<Row> scored = predictions.where(valid);
    ScoreSweep.Result ranking = positives > 0 && negatives > 0
        ? ScoreSweep.sweep(scored, probability, label, positives, negatives, ROC_CURVE_SEGMENTS)
        : ScoreSweep.Result.singleClass(positives > 0);
    Intervals intervals = options.replicates == 0 ? null
        : PoissonBootstrap.intervals(scored, Columns.col(options.keyColumn), probability, label,
            new PoissonBootstrap.Plan(options.replicates, options.confidence, options.seed,
                thresholds[0], edges),
            new PoissonBootstrap.Exact(ranking.rocAuc(), ranking.averagePrecision()));
    return new Summary(count, positives, ranking.rocAuc(), ranking.averagePrecision(), logLoss,
        brier, operatingPoints, calibration, ranking.rocCurve(), ranking.prCurve(), intervals);
  }

  /**
   * One grouped aggregation: rows with a valid probability and label fall in their calibration bin,
   * the others in a null bin that only counts what is wrong with them.
   */
  private static List<BinTotals> binTotals(Dataset<Row> predictions, Column probability,
      Column label, Column bin, Column validProbability, Column validLabel, double[] thresholds) {
    Column positive = label.equalTo(POSITIVE);
    Column loss = logLoss(probability, positive);
    Column squaredError = squaredError(probability, label);
    List<Column> aggregates = new ArrayList<>(List.of(
        functions.count(functions.lit(1)),
        countWhere(positive),
        functions.sum(loss),
        functions.sum(probability),
        functions.sum(squaredError),
        countWhere(functions.not(validProbability)),
        countWhere(functions.not(validLabel))));
    for (double threshold : thresholds) {
      Column predictedPositive = probability.geq(threshold);
      aggregates.add(countWhere(positive.and(predictedPositive)));
      aggregates.add(countWhere(functions.not(positive).and(predictedPositive)));
    }
    List<Row> rows = predictions.groupBy(bin.as(BIN))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .collectAsList();
    int fixed = 8;
    List<BinTotals> totals = new ArrayList<>();
    for (Row row : rows) {
      long[] tp = new long[thresholds.length];
      long[] fp = new long[thresholds.length];
      if (row.isNullAt(0)) {
        totals.add(new BinTotals(null, 0, 0, 0, 0, 0, row.getLong(6), row.getLong(7), tp, fp));
        continue;
      }
      for (int t = 0; t < thresholds.length; t++) {
        tp[t] = row.getLong(fixed + 2 * t);
        fp[t] = row.getLong(fixed + 2 * t + 1);
      }
      totals.add(new BinTotals(row.getInt(0), row.getLong(1), row.getLong(2), row.getDouble(3),
          row.getDouble(4), row.getDouble(5), 0, 0, tp, fp));
    }
    return totals;
  }

  /** A row's log loss, its probability clipped to [{@value #LOG_LOSS_EPSILON}, 1 - that]. */
  static Column logLoss(Column probability, Column positive) {
    Column clipped = functions.least(
        functions.greatest(probability, functions.lit(LOG_LOSS_EPSILON)),
        functions.lit(1 - LOG_LOSS_EPSILON));
    return functions.negate(functions.log(
        functions.when(positive, clipped).otherwise(functions.lit(1.0).minus(clipped))));
  }

  /** A row's Brier term: the squared gap between its probability and its 0/1 label. */
  static Column squaredError(Column probability, Column label) {
    return functions.pow(probability.minus(label), 2);
  }

  static Column countWhere(Column condition) {
    return functions.count(functions.when(condition, true));
  }

  static double ratioOrZero(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  static void requireColumns(Dataset<Row> data, String... names) {
    List<String> present = List.of(data.columns());
    for (String name : names) {
      if (!present.contains(name)) {
        throw new DeeplineException("no column '" + name + "' among " + present);
      }
    }
  }

  /** The sums of one calibration bin, or (bin null) the counts of rows that cannot be evaluated. */
  private record BinTotals(Integer bin, long rows, long positives, double logLossSum,
      double probabilitySum, double squaredErrorSum, long invalidProbabilities, long invalidLabels,
      long[] truePositives, long[] falsePositives) {}

  /**
   * The metrics of one set of scored rows.
   *
   * @param count           rows evaluated
   * @param positives       rows labelled 1.0
   * @param rocAuc          area under the ROC curve over the unrounded scores, ties counted half;
   *                        NaN with a single class
   * @param prAuc           average precision: sum over descending thresholds of
   *                        (R_k - R_k-1) * P_k, as scikit-learn's {@code average_precision_score};
   *                        NaN without positives, 1 without negatives
   * @param logLoss         mean negative log-likelihood, probabilities clipped by
   *                        {@link BinaryMetrics#LOG_LOSS_EPSILON}
   * @param brier           mean squared difference between probability and label
   * @param operatingPoints the threshold-dependent metrics at each named threshold, in the order the
   *                        options gave them
   * @param rocCurve        at most {@link BinaryMetrics#ROC_CURVE_SEGMENTS} + 1 points from (0, 0)
   *                        to (1, 1), by descending threshold; the first point's threshold is
   *                        +Infinity
   * @param prCurve         recall and precision at the same thresholds as the ROC curve (without
   *                        its origin)
   * @param intervals       bootstrap confidence intervals; null when the bootstrap is off
   */
  public record Summary(long count, long positives, double rocAuc, double prAuc, double logLoss,
      double brier, List<OperatingPoint> operatingPoints, Calibration calibration,
      List<CurvePoint> rocCurve, List<PrPoint> prCurve, Intervals intervals) {
    public Summary {
      operatingPoints = List.copyOf(operatingPoints);
      rocCurve = List.copyOf(rocCurve);
      prCurve = List.copyOf(prCurve);
      if (operatingPoints.isEmpty()) {
        throw new IllegalArgumentException("a summary has at least one operating point");
      }
    }

    /** The first operating point: the threshold the report's verdict is given at. */
    public OperatingPoint primary() {
      return operatingPoints.get(0);
    }

    public Confusion confusion() {
      return primary().confusion();
    }

    public double accuracy() {
      return primary().accuracy();
    }

    public double precision() {
      return primary().precision();
    }

    public double recall() {
      return primary().recall();
    }

    public double f1() {
      return primary().f1();
    }

    public double expectedCalibrationError() {
      return calibration.expectedCalibrationError();
    }
  }

  /**
   * The threshold-dependent metrics at one threshold.
   *
   * @param name      what the threshold is, e.g. {@code chosen} or {@code default}
   * @param threshold a row is predicted positive when its probability is at least this
   */
  public record OperatingPoint(String name, double threshold, Confusion confusion,
      double accuracy, double precision, double recall, double f1) {

    public static OperatingPoint of(String name, double threshold, Confusion confusion) {
      long count = confusion.tp() + confusion.fp() + confusion.tn() + confusion.fn();
      double precision = ratioOrZero(confusion.tp(), confusion.tp() + confusion.fp());
      double recall = ratioOrZero(confusion.tp(), confusion.tp() + confusion.fn());
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      return new OperatingPoint(name, threshold, confusion,
          ratioOrZero(confusion.tp() + confusion.tn(), count), precision, recall, f1);
    }
  }

  /** Counts at a threshold: true and false positives, true and false negatives. */
  public record Confusion(long tp, long fp, long tn, long fn) {}

  /** A point of the ROC curve: the rates when rows scoring {@code >= threshold} are positive. */
  public record CurvePoint(double fpr, double tpr, double threshold) {}

  /** A point of the precision-recall curve at {@code threshold}. */
  public record PrPoint(double recall, double precision, double threshold) {}

  /**
   * The reliability table and the calibration errors it gives.
   *
   * @param bins                     non-empty bins by ascending probability
   * @param expectedCalibrationError sum over bins of (bin rows / rows) * |observed - predicted|
   * @param maxCalibrationError      the largest |observed - predicted| of a bin
   */
  public record Calibration(Binning binning, List<CalibrationBin> bins,
      double expectedCalibrationError, double maxCalibrationError) {
    public Calibration {
      bins = List.copyOf(bins);
    }

    public static Calibration of(Binning binning, List<CalibrationBin> bins) {
      long rows = bins.stream().mapToLong(CalibrationBin::count).sum();
      double expected = 0;
      double max = 0;
      for (CalibrationBin bin : bins) {
        double gap = Math.abs(bin.observedRate() - bin.meanPredicted());
        expected += (double) bin.count() / rows * gap;
        max = Math.max(max, gap);
      }
      return new Calibration(binning, bins, rows == 0 ? Double.NaN : expected, max);
    }
  }

  /**
   * One probability bin: a bin is {@code [lower, upper)}, the last one includes 1.
   *
   * @param meanPredicted mean probability of the bin's rows
   * @param observedRate  share of the bin's rows labelled 1.0
   */
  public record CalibrationBin(double lower, double upper, long count, double meanPredicted,
      double observedRate) {}

  /** A two-sided confidence interval. */
  public record Interval(double lower, double upper) {}

  /**
   * Bootstrap percentile intervals by metric name ({@code roc_auc}, {@code pr_auc},
   * {@code log_loss}, {@code brier}, {@code ece}, and {@code accuracy}, {@code precision},
   * {@code recall}, {@code f1} at the first operating point).
   */
  public record Intervals(int replicates, double confidence, long seed,
      Map<String, Interval> metrics) {
    public Intervals {
      metrics = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(metrics));
    }
  }
}
