package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureConfig;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The leakage checks on a regression label ({@code _label} the number): a copy of the number with
 * tiny noise fails by its concordance, a code of the number's decile with no order by its mutual
 * information over the number's deciles, a band of the number by both; an honest feature
 * ({@code label = 2 x + noise}) passes both; held-out twins carrying their train twins' numbers fail
 * {@code shared_row_labels}, honest twins with other numbers pass. Figures are worked by hand (the
 * concordances count row pairs: 400 rows make 79,800).
 */
class RegressionLeakageTest {
  private static final LabelConfig LABEL = LabelConfig.regressionOf("price");
  private static final int ROWS = 400;
  private static final double PAIRS = ROWS * (ROWS - 1) / 2.0;
  private static final int BANDS = 20;
  private static final double TOLERANCE = 1e-12;
  private static final String CONCORDANCE = " (concordance with the number: the share of row "
      + "pairs of different numbers the feature orders as they are, ties half; a 0/1 label's ROC "
      + "AUC)";

  /**
   * Train and validation each hold the numbers 0 to 399. {@code copy} is the number plus a
   * millionth of noise: it orders every pair, 1.0. {@code x} is honest, the number is
   * {@code 2 x - 80 (-1)^i}: a pair of an even i and an odd j within 160 of each other is ordered
   * the wrong way, 12,840 of 79,800. {@code band} is the number's band of 20 (a category scored by
   * its train mean): its 20 x 190 pairs inside a band are ties, 0.976. {@code decile_code} is the
   * number's decile as a code without order ({@code 7 * decile mod 10}): 0.590, it passes here.
   */
  @Test
  void aCopyAndABandOfTheNumberFailNamingThemAndAnHonestFeaturePasses() {
    Map<String, ConstraintResult> auc = LeakageChecks.singleFeatureAuc(numbers(), features(), 0.95,
            ROWS, LABEL)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    assertEquals(new ConstraintResult("single_feature_auc:copy", "copy", Severity.ERROR, 1.0,
        false, "<= 0.95 validation AUC of the feature alone" + CONCORDANCE),
        auc.get("single_feature_auc:copy"));
    assertEquals(new ConstraintResult("single_feature_auc:band", "band", Severity.ERROR,
        1 - BANDS * 190 / 2.0 / PAIRS, false, "<= 0.95 validation AUC of the feature alone"
            + CONCORDANCE), auc.get("single_feature_auc:band"));
    assertEquals(0.9761904761904762, auc.get("single_feature_auc:band").value(), TOLERANCE);
    ConstraintResult honest = auc.get("single_feature_auc:x");
    assertEquals(1 - 12_840 / PAIRS, honest.value(), TOLERANCE);
    assertEquals(0.8390977443609022, honest.value(), TOLERANCE);
    assertTrue(honest.passed(), honest.message());
    ConstraintResult code = auc.get("single_feature_auc:decile_code");
    assertEquals((43_200 + 7_800 / 2.0) / PAIRS, code.value(), TOLERANCE);
    assertTrue(code.passed(), code.message());
    // No gaps: every pair tied.
    assertEquals(0.5, auc.get("single_feature_auc:copy__missing").value(), TOLERANCE);
    assertTrue(auc.get("single_feature_auc:copy__missing").passed());
    // 3 values, their 3 gaps and the category.
    assertEquals(7, auc.size(), auc.keySet().toString());
  }

  /**
   * Just above the bar, a band of the number is judged as an AUC is: 10 bands of 40 leave 10 x
   * 780 tied pairs, 0.9511, above 0.95 by less than the noise (0.01 at most) on 200 rows above the
   * median and 200 below, so a warning that says so.
   */
  @Test
  void aConcordanceAboveTheBarWithinItsNoiseIsAWarning() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("decile", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      for (int i = 0; i < ROWS; i++) {
        rows.add(RowFactory.create(split, (double) i, i / 40));
      }
    }
    FeatureConfig features = new FeatureConfig(List.of("decile"), List.of(), null, null, null,
        null, null, null, null, null);

    ConstraintResult decile = LeakageChecks.singleFeatureAuc(
        SparkTestSession.get().createDataFrame(rows, schema), features, 0.95, ROWS, LABEL).get(0);

    assertEquals("single_feature_auc:decile", decile.name());
    assertEquals(75_900 / PAIRS, decile.value(), TOLERANCE);
    assertEquals(Severity.WARNING, decile.severity());
    assertFalse(decile.passed());
    assertTrue(decile.expectation().contains(" (above it by less than its noise on 200 upper-half "
        + "and 200 lower-half validation rows, 0.0100"), decile.message());
    assertTrue(LeakageChecks.aboveBarWithinNoise(decile));
  }

  /**
   * The number cut into its 10 train deciles (cut points 39, 79, ..., 359, a number above a cut
   * point in the next bin: each bin holds 40 rows). {@code decile_code} names each band of 40 by a
   * code, exactly the bins; {@code band}'s 20 bands lie two in each bin. Both tell all of the
   * deciles' entropy, less the Miller-Madow correction, larger for 20 categories than for 10
   * (0.956 and 0.907), and fail; the honest {@code x} tells 0.553, and the copy, cut into 16 bins
   * of its own that straddle the deciles, 0.796: both pass (the copy is the single-feature
   * check's to catch).
   */
  @Test
  void informationOverTheNumbersDecilesFailsACodeOfThemAndPassesAnHonestFeature() {
    Map<String, ConstraintResult> information = LeakageChecks.binnedMutualInformation(numbers(),
            features(), Map.of("band", bands()), 0.8, LABEL)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    String expectation = "<= 0.8 validation mutual information with the label, over the label's "
        + "entropy (binned) (the number cut into its 10 train quantile bins)";
    assertEquals(new ConstraintResult("mutual_information:decile_code", "decile_code",
        Severity.ERROR, 0.9560276837072959, false, expectation),
        information.get("mutual_information:decile_code"));
    assertEquals(new ConstraintResult("mutual_information:band", "band",
        Severity.ERROR, 0.9071695544931798, false, expectation),
        information.get("mutual_information:band"));
    ConstraintResult honest = information.get("mutual_information:x");
    assertEquals(0.5527346078934617, honest.value(), TOLERANCE);
    assertTrue(honest.passed(), honest.message());
    ConstraintResult copy = information.get("mutual_information:copy");
    assertEquals(0.7956606528975729, copy.value(), TOLERANCE);
    assertTrue(copy.passed(), copy.message());
  }

  /**
   * A number that is 0 in nine rows of ten (a cost): its deciles' cut points are all 0 but the
   * last, and a number above a cut point is in the next bin, so the zeros make one bin and the
   * rest another, and the information is measured: a feature that says whether the cost is 0
   * tells all of it. (At-or-above put every row in one bin: "not computable" on every feature.)
   */
  @Test
  void aMostlyZeroNumberIsCutIntoZeroAndTheRest() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("damaged", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      for (int i = 0; i < ROWS; i++) {
        boolean costly = i % 10 == 0;
        rows.add(RowFactory.create(split, costly ? 1000.0 + i : 0.0, costly ? 1 : 0));
      }
    }
    FeatureConfig damaged = new FeatureConfig(List.of("damaged"), List.of(), null, null, null,
        null, null, null, null, null);

    ConstraintResult information = LeakageChecks.binnedMutualInformation(
        SparkTestSession.get().createDataFrame(rows, schema), damaged, Map.of(), 0.8, LABEL)
        .get(0);

    assertEquals("mutual_information:damaged", information.name());
    assertTrue(information.value() > 0.95, information.message());
    assertFalse(information.passed());
    assertTrue(information.expectation().endsWith("(the number cut into its 2 train quantile "
        + "bins)"), information.expectation());
  }

  /**
   * The gate's reading of both checks together, the band binned by its values as the gate bins a
   * one-hot column's ({@link LeakageChecks#informationAlikeAuc}): the copy
   * fails by its concordance, the code by its information, the band by both, and nothing on the
   * honest feature.
   */
  @Test
  void theGateRefusesTheCopyTheCodeAndTheBandByName() {
    List<ConstraintResult> results = new ArrayList<>(LeakageChecks.singleFeatureAuc(numbers(),
        features(), 0.95, ROWS, LABEL));
    results.addAll(LeakageChecks.binnedMutualInformation(numbers(), features(),
        Map.of("band", bands()), 0.8, LABEL));

    List<String> refused = LeakageChecks.informationAlikeAuc(results).stream()
        .filter(ConstraintResult::failedAsError).map(ConstraintResult::name).sorted().toList();

    assertEquals(List.of("mutual_information:band", "mutual_information:decile_code",
        "single_feature_auc:band", "single_feature_auc:copy"), refused);
  }

  @Test
  void concordanceByHand() {
    // Of 3 pairs, (20, 30) is ordered the wrong way.
    assertEquals(2 / 3.0, Concordance.of(new double[] {1, 2, 3}, new double[] {10, 30, 20}),
        TOLERANCE);
    // A 0/1 label: the positives' 0.35 is below one negative's 0.4, 3 of 4 pairs, the AUC.
    assertEquals(0.75, Concordance.of(new double[] {0.1, 0.4, 0.35, 0.8},
        new double[] {0, 0, 1, 1}), TOLERANCE);
    // A score tied on the pair (1, 2) counts half, the 4 others are ordered; the pair of equal
    // numbers (3, 3) counts not at all.
    assertEquals(4.5 / 5, Concordance.of(new double[] {5, 5, 7, 8},
        new double[] {1, 2, 3, 3}), TOLERANCE);
    assertEquals(0.0, Concordance.of(new double[] {3, 2, 1}, new double[] {1, 2, 3}), TOLERANCE);
    assertTrue(Double.isNaN(Concordance.of(new double[] {1, 2}, new double[] {4, 4})));
  }

  /**
   * 40 contents, each with train rows of the numbers {@code k + 1000 m} (m = 0..3, so train's
   * standard deviation is 1118.09 and the tolerance 11.18): no train row agrees with another of its
   * twins. Held-out copies carry a train twin's number (the validation row exactly, the test row
   * plus a billionth: nearly equal) and agree with 1 of their 4 twins, 0.25 beyond train: fail.
   * Honest held-out twins have numbers 500 away from every twin's and agree with none: pass.
   */
  @Test
  void heldOutTwinsCarryingTheirNumbersFailAndTwinsWithOtherNumbersPass() {
    FeatureConfig features = new FeatureConfig(List.of("a"), null, null, null, null, null, null,
        null, null, null);

    ConstraintResult copied = LeakageChecks.sharedRows(twins(true), features, 0.02, 0.02, LABEL)
        .get(1);
    ConstraintResult honest = LeakageChecks.sharedRows(twins(false), features, 0.02, 0.02, LABEL)
        .get(1);

    assertEquals("shared_row_labels", copied.name());
    assertEquals(0.25, copied.value(), TOLERANCE);
    assertFalse(copied.passed(), copied.message());
    assertTrue(copied.expectation().contains(" (a regression label: numbers agree when they round "
        + "down to the same multiple of 11.1809, 0.01 of train's standard deviation)"),
        copied.message());
    assertTrue(copied.expectation().contains(
        "agreement 0.2500 over 80 held-out rows vs 0.0000 over 160 train rows"), copied.message());
    assertEquals(0.0, honest.value(), TOLERANCE);
    assertTrue(honest.passed(), honest.message());
  }

  /** The label numbers 0 to 399 in train and validation, with the features of the tests above. */
  private static Dataset<Row> numbers() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("copy", DataTypes.DoubleType, false)
        .add("x", DataTypes.DoubleType, false)
        .add("decile_code", DataTypes.IntegerType, false)
        .add("band", DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      for (int i = 0; i < ROWS; i++) {
        double noise = 1e-6 * (i % 3 - 1);
        double x = i / 2.0 + 40 * (i % 2 == 0 ? 1 : -1);
        rows.add(RowFactory.create(split, (double) i, i + noise, x, 7 * (i / 40) % 10,
            band(i / BANDS)));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static List<String> bands() {
    List<String> bands = new ArrayList<>();
    for (int b = 0; b < BANDS; b++) {
      bands.add(band(b));
    }
    return bands;
  }

  private static String band(int b) {
    return String.format(java.util.Locale.ROOT, "b%02d", b);
  }

  private static FeatureConfig features() {
    return new FeatureConfig(List.of("copy", "x", "decile_code"), List.of("band"), null, null,
        null, null, null, null, null, null);
  }

  private static Dataset<Row> twins(boolean copied) {
    StructType schema = new StructType()
        .add("a", DataTypes.IntegerType, false)
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      for (int m = 0; m < 4; m++) {
        rows.add(RowFactory.create(k, "train", k + 1000.0 * m));
      }
      rows.add(RowFactory.create(k, "validation", copied ? k : k + 500.0));
      rows.add(RowFactory.create(k, "test", copied ? k + 1000 + 1e-9 : k + 1500.0));
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }
}
