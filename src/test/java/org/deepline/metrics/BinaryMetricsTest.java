package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.metrics.BinaryMetrics.Confusion;
import org.deepline.metrics.BinaryMetrics.CurvePoint;
import org.deepline.metrics.BinaryMetrics.OperatingPoint;
import org.deepline.metrics.BinaryMetrics.PrPoint;
import org.deepline.metrics.BinaryMetrics.Summary;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {
  private static final double EXACT = 1e-12;
  private static final StructType SCORED = new StructType()
      .add("score", DataTypes.DoubleType, true)
      .add("label", DataTypes.DoubleType, true);
  private static final StructType GROUPED = new StructType()
      .add("feature", DataTypes.StringType, true)
      .add("score", DataTypes.DoubleType, true)
      .add("label", DataTypes.DoubleType, true);

  /**
   * (score, label): (0.1, 0), (0.4, 1), (0.4, 0), (0.8, 1). The four positive-negative pairs:
   * 0.4+ vs 0.1- ordered 1, 0.4+ vs 0.4- tied 1/2, 0.8+ vs 0.1- 1, 0.8+ vs 0.4- 1: AUC 3.5 / 4.
   */
  private static final double[][] ONE_TIE = {{0.1, 0}, {0.4, 1}, {0.4, 0}, {0.8, 1}};

  @Test
  void aucCountsATiedPairHalf() {
    assertEquals(0.875, singleAuc(ONE_TIE), EXACT);
  }

  @Test
  void aucStandardErrorFollowsHanleyAndMcNeil() {
    // 0.954 on 35 positives and 70 negatives: Q1 = 0.954 / 1.046, Q2 = 2 * 0.954^2 / 1.954.
    assertEquals(0.025457900550, BinaryMetrics.rocAucStandardError(0.954, 35, 70), 1e-11);
    // Ten times the rows, about a third of the spread.
    assertEquals(0.008332988705, BinaryMetrics.rocAucStandardError(0.95, 350, 700), 1e-11);
    assertEquals(0.0, BinaryMetrics.rocAucStandardError(1.0, 35, 70), EXACT);
    assertTrue(Double.isNaN(BinaryMetrics.rocAucStandardError(0.9, 0, 70)));
  }

  @Test
  void aucOfAPerfectSeparatorIsOne() {
    assertEquals(1.0, singleAuc(new double[][] {{0.1, 0}, {0.2, 0}, {0.7, 1}, {0.9, 1}}), EXACT);
  }

  @Test
  void aucOfAReversedSeparatorIsZero() {
    assertEquals(0.0, singleAuc(new double[][] {{0.1, 1}, {0.2, 1}, {0.7, 0}, {0.9, 0}}), EXACT);
  }

  @Test
  void aucOfAllTiesIsAHalf() {
    assertEquals(0.5, singleAuc(new double[][] {{0.3, 0}, {0.3, 1}, {0.3, 1}, {0.3, 0}}), EXACT);
  }

  @Test
  void aucByGroupComputesEveryGroupInOneCall() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        // tenure: a perfect separator, plus rows without a score or label that must be ignored.
        RowFactory.create("tenure", 1.0, 0.0),
        RowFactory.create("tenure", 2.0, 1.0),
        RowFactory.create("tenure", null, 0.0),
        RowFactory.create("tenure", 3.0, null),
        // charges: 3 positives, 2 negatives. Pairs ordered: 5+ beats 1-, ties 5- (1/2); 4+ beats 1-;
        // 0+ beats none: (1 + 0.5 + 1) / 6.
        RowFactory.create("charges", 5.0, 1.0),
        RowFactory.create("charges", 5.0, 0.0),
        RowFactory.create("charges", 4.0, 1.0),
        RowFactory.create("charges", 1.0, 0.0),
        RowFactory.create("charges", 0.0, 1.0),
        // contract: only negatives, so no AUC.
        RowFactory.create("contract", 1.0, 0.0),
        RowFactory.create("contract", 2.0, 0.0)), GROUPED);

    Map<String, Row> byFeature = BinaryMetrics.rocAucByGroup(rows, "feature", "score", "label")
        .collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));

    assertEquals(3, byFeature.size());
    Row tenure = byFeature.get("tenure");
    assertEquals(1.0, tenure.getDouble(tenure.fieldIndex(BinaryMetrics.ROC_AUC)), EXACT);
    assertEquals(1L, tenure.getLong(tenure.fieldIndex(BinaryMetrics.POSITIVES)));
    assertEquals(1L, tenure.getLong(tenure.fieldIndex(BinaryMetrics.NEGATIVES)));
    Row charges = byFeature.get("charges");
    assertEquals(2.5 / 6, charges.getDouble(charges.fieldIndex(BinaryMetrics.ROC_AUC)), EXACT);
    assertEquals(3L, charges.getLong(charges.fieldIndex(BinaryMetrics.POSITIVES)));
    assertEquals(2L, charges.getLong(charges.fieldIndex(BinaryMetrics.NEGATIVES)));
    Row contract = byFeature.get("contract");
    assertTrue(contract.isNullAt(contract.fieldIndex(BinaryMetrics.ROC_AUC)));
    assertEquals(0L, contract.getLong(contract.fieldIndex(BinaryMetrics.POSITIVES)));
    assertEquals(2L, contract.getLong(contract.fieldIndex(BinaryMetrics.NEGATIVES)));
    assertEquals(List.of("feature", BinaryMetrics.ROC_AUC, BinaryMetrics.POSITIVES,
        BinaryMetrics.NEGATIVES), List.of(BinaryMetrics.rocAucByGroup(rows, "feature", "score",
        "label").columns()));
  }

  @Test
  void summaryOfFourRowsMatchesHandComputation() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label", 0.5, 2);

    assertEquals(4, summary.count());
    assertEquals(2, summary.positives());
    // Only 0.8 is >= 0.5: it is a positive; 0.4+ is missed; 0.1- and 0.4- are true negatives.
    assertEquals(new Confusion(1, 0, 2, 1), summary.confusion());
    assertEquals(0.75, summary.accuracy(), EXACT);
    assertEquals(1.0, summary.precision(), EXACT);
    assertEquals(0.5, summary.recall(), EXACT);
    // 2 * 1 * 0.5 / (1 + 0.5)
    assertEquals(2.0 / 3, summary.f1(), EXACT);
    assertEquals(0.875, summary.rocAuc(), EXACT);
    // Descending thresholds: 0.8 gives recall 1/2 at precision 1; 0.4 gives recall 1 at precision
    // 2/3 (two positives, one negative); 0.1 adds no recall. AP = 0.5 * 1 + 0.5 * 2/3 = 0.8333.
    assertEquals(0.5 + 0.5 * 2 / 3.0, summary.prAuc(), EXACT);
    // -(ln 0.9 + ln 0.4 + ln 0.6 + ln 0.8) / 4 = (0.10536 + 0.91629 + 0.51083 + 0.22314) / 4 = 0.43891
    double logLoss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.6) + Math.log(0.8)) / 4;
    assertEquals(logLoss, summary.logLoss(), EXACT);
    // P = N = 2. Threshold 0.8: tp 1, fp 0. Threshold 0.4: tp 2, fp 1. Threshold 0.1: tp 2, fp 2.
    assertEquals(List.of(
        new CurvePoint(0, 0, Double.POSITIVE_INFINITY),
        new CurvePoint(0, 0.5, 0.8),
        new CurvePoint(0.5, 1, 0.4),
        new CurvePoint(1, 1, 0.1)), summary.rocCurve());
    // Bin [0, 0.5): 0.1-, 0.4+, 0.4-: mean 0.3, one positive of three. Bin [0.5, 1]: 0.8+.
    assertEquals(2, summary.calibration().bins().size());
    assertBin(new CalibrationBin(0, 0.5, 3, 0.3, 1 / 3.0), summary.calibration().bins().get(0));
    assertBin(new CalibrationBin(0.5, 1, 1, 0.8, 1), summary.calibration().bins().get(1));
  }

  @Test
  void averagePrecisionStepsOverDistinctThresholds() {
    // Descending: 0.9 holds 1+ 1- (recall 1/3, precision 1/2); 0.7 adds 1+ (recall 2/3, precision
    // 2/3); 0.3 adds 1- only; 0.2 adds 1+ (recall 1, precision 3/5). AP = (1/2 + 2/3 + 3/5) / 3.
    // ROC: 0.9+ ties 0.9- (1/2) and beats 0.3-; 0.7+ beats 0.3-; 0.2+ beats none: 2.5 / 6.
    Summary summary = BinaryMetrics.summarize(
        scored(new double[][] {{0.9, 1}, {0.9, 0}, {0.7, 1}, {0.3, 0}, {0.2, 1}}),
        "score", "label", 0.5, 10);

    assertEquals((0.5 + 2 / 3.0 + 0.6) / 3, summary.prAuc(), EXACT);
    assertEquals(2.5 / 6, summary.rocAuc(), EXACT);
  }

  @Test
  void nothingPredictedPositiveGivesZeroPrecisionAndF1() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label", 0.9, 10);

    assertEquals(new Confusion(0, 0, 2, 2), summary.confusion());
    assertEquals(0.0, summary.precision());
    assertEquals(0.0, summary.recall());
    assertEquals(0.0, summary.f1());
    assertEquals(0.5, summary.accuracy(), EXACT);
  }

  @Test
  void thresholdIsInclusive() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label", 0.4, 10);

    // 0.4+, 0.4- and 0.8+ are >= 0.4.
    assertEquals(new Confusion(2, 1, 1, 0), summary.confusion());
  }

  @Test
  void logLossClipsCertainMistakes() {
    // A positive at probability 0 costs -ln(1e-15) = 34.539; a negative at 0 costs -ln(1) = 0.
    Summary summary = BinaryMetrics.summarize(scored(new double[][] {{0.0, 1}, {0.0, 0}}),
        "score", "label", 0.5, 10);

    assertEquals(-Math.log(BinaryMetrics.LOG_LOSS_EPSILON) / 2, summary.logLoss(), 1e-9);
  }

  @Test
  void singleClassLeavesTheAucsUndefined() {
    Summary negativesOnly = BinaryMetrics.summarize(scored(new double[][] {{0.2, 0}, {0.6, 0}}),
        "score", "label", 0.5, 10);
    Summary positivesOnly = BinaryMetrics.summarize(scored(new double[][] {{0.2, 1}, {0.6, 1}}),
        "score", "label", 0.5, 10);

    assertTrue(Double.isNaN(negativesOnly.rocAuc()));
    assertTrue(Double.isNaN(negativesOnly.prAuc()));
    assertTrue(negativesOnly.rocCurve().isEmpty());
    assertEquals(0.0, negativesOnly.recall());
    assertTrue(Double.isNaN(positivesOnly.rocAuc()));
    assertEquals(1.0, positivesOnly.prAuc());
  }

  @Test
  void probabilityOfOneFallsInTheLastBin() {
    Summary summary = BinaryMetrics.summarize(scored(new double[][] {{1.0, 1}, {0.95, 0}}),
        "score", "label", 0.5, 10);

    assertEquals(1, summary.calibration().bins().size());
    assertBin(new CalibrationBin(0.9, 1.0, 2, 0.975, 0.5), summary.calibration().bins().get(0));
  }

  @Test
  void emptyInputIsRejectedByName() {
    Dataset<Row> empty = SparkTestSession.get().createDataFrame(List.of(), SCORED);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> BinaryMetrics.summarize(empty, "score", "label", 0.5, 10));
    assertTrue(error.getMessage().contains("empty"), error.getMessage());
    assertTrue(error.getMessage().contains("'score'"), error.getMessage());
  }

  @Test
  void missingColumnIsRejectedByName() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> BinaryMetrics.summarize(scored(ONE_TIE), "probability", "label", 0.5, 10));
    assertTrue(error.getMessage().contains("'probability'"), error.getMessage());
  }

  @Test
  void rowsThatCannotBeScoredAreRejected() {
    Dataset<Row> nullProbability = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(0.3, 1.0), RowFactory.create(null, 0.0)), SCORED);
    Dataset<Row> badLabel = scored(new double[][] {{0.3, 1}, {0.4, 2}});

    DeeplineException probabilityError = assertThrows(DeeplineException.class,
        () -> BinaryMetrics.summarize(nullProbability, "score", "label", 0.5, 10));
    DeeplineException labelError = assertThrows(DeeplineException.class,
        () -> BinaryMetrics.summarize(badLabel, "score", "label", 0.5, 10));
    assertTrue(probabilityError.getMessage().contains("1 row(s) of column 'score'"),
        probabilityError.getMessage());
    assertTrue(labelError.getMessage().contains("1 row(s) of column 'label'"),
        labelError.getMessage());
  }

  @Test
  void rocCurveIsDownsampledFromOrigin() {
    // 1000 distinct scores; label 1 on every third row, so the curve has 1001 exact points.
    double[][] rows = new double[1000][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {i / 1000.0, i % 3 == 0 ? 1 : 0};
    }

    List<CurvePoint> curve = BinaryMetrics.summarize(scored(rows), "score", "label", 0.5, 10)
        .rocCurve();

    assertTrue(curve.size() <= BinaryMetrics.ROC_CURVE_SEGMENTS + 1, "points: " + curve.size());
    assertTrue(curve.size() > BinaryMetrics.ROC_CURVE_SEGMENTS / 2, "points: " + curve.size());
    assertEquals(new CurvePoint(0, 0, Double.POSITIVE_INFINITY), curve.get(0));
    assertEquals(new CurvePoint(1, 1, 0.0), curve.get(curve.size() - 1));
    for (int i = 1; i < curve.size(); i++) {
      assertTrue(curve.get(i).fpr() >= curve.get(i - 1).fpr());
      assertTrue(curve.get(i).tpr() >= curve.get(i - 1).tpr());
      assertTrue(curve.get(i).threshold() < curve.get(i - 1).threshold());
    }
  }

  @Test
  void aucsAgreeWithPairwiseReferenceOnRandomScores() {
    // Scores on a 0.01 grid, so many ties between and within classes; labels leaning on the score.
    Random random = new Random(7);
    double[][] rows = new double[400][];
    for (int i = 0; i < rows.length; i++) {
      double score = random.nextInt(101) / 100.0;
      rows[i] = new double[] {score, random.nextDouble() < score ? 1 : 0};
    }

    Summary summary = BinaryMetrics.summarize(scored(rows), "score", "label", 0.5, 10);

    assertEquals(pairwiseAuc(rows), summary.rocAuc(), EXACT);
    assertEquals(pairwiseAuc(rows), singleAuc(rows), EXACT);
    assertEquals(referenceAveragePrecision(rows), summary.prAuc(), EXACT);
  }

  @Test
  void scoresAreRankedUnrounded() {
    // Differ in the 8th decimal, which rounding to 1e-6 would have made a tie (AUC 0.5, not 1).
    Summary summary = BinaryMetrics.summarize(
        scored(new double[][] {{0.30000001, 0}, {0.30000002, 1}}), "score", "label", 0.5, 10);

    assertEquals(1.0, summary.rocAuc(), EXACT);
    assertEquals(1.0, summary.prAuc(), EXACT);
  }

  @Test
  void everyOperatingPointHasItsOwnConfusionMatrix() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label",
        BinaryMetrics.options().threshold("chosen", 0.4).threshold("default", 0.5));

    assertEquals(List.of("chosen", "default"),
        summary.operatingPoints().stream().map(OperatingPoint::name).toList());
    // 0.4: 0.4+, 0.4- and 0.8+ predicted positive. 0.5: only 0.8+.
    assertEquals(new Confusion(2, 1, 1, 0), summary.operatingPoints().get(0).confusion());
    assertEquals(new Confusion(1, 0, 2, 1), summary.operatingPoints().get(1).confusion());
    // At 0.4: precision 2/3, recall 1, F1 2 * (2/3) / (5/3) = 0.8.
    assertEquals(0.8, summary.f1(), EXACT);
    assertEquals(0.4, summary.primary().threshold());
  }

  @Test
  void brierScoreIsTheMeanSquaredError() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label", 0.5, 10);

    // (0.1 - 0)^2 + (0.4 - 1)^2 + (0.4 - 0)^2 + (0.8 - 1)^2 = 0.01 + 0.36 + 0.16 + 0.04 = 0.57.
    assertEquals(0.57 / 4, summary.brier(), EXACT);
  }

  @Test
  void precisionRecallCurveFollowsTheThresholds() {
    Summary summary = BinaryMetrics.summarize(scored(ONE_TIE), "score", "label", 0.5, 10);

    // 0.8: 1 of 2 positives, precision 1; 0.4: both, precision 2/3; 0.1: both, precision 1/2.
    assertEquals(List.of(new PrPoint(0.5, 1, 0.8), new PrPoint(1, 2 / 3.0, 0.4),
        new PrPoint(1, 0.5, 0.1)), summary.prCurve());
  }

  private static double singleAuc(double[][] scoreLabel) {
    List<Row> rows = new ArrayList<>();
    for (double[] row : scoreLabel) {
      rows.add(RowFactory.create("only", row[0], row[1]));
    }
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rows, GROUPED);
    List<Row> result = BinaryMetrics.rocAucByGroup(frame, "feature", "score", "label")
        .collectAsList();
    assertEquals(1, result.size());
    return result.get(0).getDouble(1);
  }

  private static Dataset<Row> scored(double[][] scoreLabel) {
    List<Row> rows = Arrays.stream(scoreLabel)
        .map(r -> RowFactory.create(r[0], r[1]))
        .toList();
    return SparkTestSession.get().createDataFrame(rows, SCORED);
  }

  private static void assertBin(CalibrationBin expected, CalibrationBin actual) {
    assertEquals(expected.lower(), actual.lower(), EXACT);
    assertEquals(expected.upper(), actual.upper(), EXACT);
    assertEquals(expected.count(), actual.count());
    assertEquals(expected.meanPredicted(), actual.meanPredicted(), EXACT);
    assertEquals(expected.observedRate(), actual.observedRate(), EXACT);
  }

  /** The definition: the share of positive-negative pairs ordered correctly, ties counted half. */
  private static double pairwiseAuc(double[][] rows) {
    double ordered = 0;
    long pairs = 0;
    for (double[] positive : rows) {
      for (double[] negative : rows) {
        if (positive[1] == 1 && negative[1] == 0) {
          pairs++;
          ordered += positive[0] > negative[0] ? 1 : positive[0] == negative[0] ? 0.5 : 0;
        }
      }
    }
    return ordered / pairs;
  }

  /** For each distinct threshold: precision at it times the recall it adds. */
  private static double referenceAveragePrecision(double[][] rows) {
    double[] thresholds = Arrays.stream(rows).mapToDouble(r -> r[0]).distinct().toArray();
    long positives = Arrays.stream(rows).filter(r -> r[1] == 1).count();
    double sum = 0;
    for (double threshold : thresholds) {
      long atThreshold = Arrays.stream(rows).filter(r -> r[0] == threshold && r[1] == 1).count();
      long predicted = Arrays.stream(rows).filter(r -> r[0] >= threshold).count();
      long truePositives = Arrays.stream(rows).filter(r -> r[0] >= threshold && r[1] == 1).count();
      sum += (double) atThreshold / positives * truePositives / predicted;
    }
    return sum;
  }
}
