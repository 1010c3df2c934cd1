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
 * The leakage checks on a label of three classes ({@code _label} the class index 0, 1, 2): a
 * feature that gives away one class fails naming it, honest features pass, and the information and
 * twin-agreement figures are those worked by hand over three classes.
 */
class MulticlassLeakageTest {
  private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
  private static final LabelConfig LABEL = new LabelConfig("species", null, null, SPECIES);
  private static final int CLASSES = SPECIES.size();
  private static final int PER_CLASS = 20;
  private static final double TOLERANCE = 1e-12;

  /**
   * Validation and train each hold 20 rows of each class. {@code class_copy} is the class index,
   * {@code virginica_marker} is set on virginica rows only (between setosa and versicolor it is
   * 0.5: read as 0/1, a third class's rows are left out and the marker looked harmless), and
   * {@code species_name} is the class as text (scored by its train share of each class): all
   * three fail, each naming its class. {@code petal_width} overlaps between classes (values
   * {@code i + 5 * class}): 0.796875 for setosa against the rest, passing; {@code noise} is alike
   * in every class: 0.5.
   */
  @Test
  void aFeatureThatGivesAwayOneClassFailsNamingItAndHonestFeaturesPass() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("class_copy", DataTypes.IntegerType, false)
        .add("virginica_marker", DataTypes.IntegerType, false)
        .add("petal_width", DataTypes.IntegerType, false)
        .add("noise", DataTypes.IntegerType, false)
        .add("species_name", DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      for (int c = 0; c < CLASSES; c++) {
        for (int i = 0; i < PER_CLASS; i++) {
          rows.add(RowFactory.create(split, (double) c, c, c == 2 ? 1 : 0, i + 5 * c, i % 7,
              SPECIES.get(c)));
        }
      }
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(
        List.of("class_copy", "virginica_marker", "petal_width", "noise"), List.of("species_name"),
        null, null, null, null, null, null, null, null);

    Map<String, ConstraintResult> auc = LeakageChecks.singleFeatureAuc(labelled, features, 0.95,
            CLASSES * PER_CLASS, LABEL)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    // Setosa and virginica are both told apart by the copy at 1.0: the first class is named.
    assertEquals(new ConstraintResult("single_feature_auc:class_copy", "class_copy",
        Severity.ERROR, 1.0, false, "<= 0.95 validation AUC of the feature alone (one class "
            + "against the rest: largest for class setosa)"),
        auc.get("single_feature_auc:class_copy"));
    assertEquals(new ConstraintResult("single_feature_auc:virginica_marker", "virginica_marker",
        Severity.ERROR, 1.0, false, "<= 0.95 validation AUC of the feature alone (one class "
            + "against the rest: largest for class virginica)"),
        auc.get("single_feature_auc:virginica_marker"));
    assertEquals(new ConstraintResult("single_feature_auc:species_name", "species_name",
        Severity.ERROR, 1.0, false, "<= 0.95 validation AUC of the feature alone (one class "
            + "against the rest: largest for class setosa)"),
        auc.get("single_feature_auc:species_name"));
    assertEquals(new ConstraintResult("single_feature_auc:petal_width", "petal_width",
        Severity.ERROR, 0.796875, true, "<= 0.95 validation AUC of the feature alone (one class "
            + "against the rest: largest for class setosa)"),
        auc.get("single_feature_auc:petal_width"));
    assertEquals(0.5, auc.get("single_feature_auc:noise").value(), TOLERANCE);
    assertTrue(auc.get("single_feature_auc:noise").passed());
    assertTrue(auc.get("single_feature_auc:class_copy__missing").passed());
    // 4 values, their 4 gaps and the category.
    assertEquals(9, auc.size(), auc.keySet().toString());
  }

  /**
   * A marker of the third class, read as a 0/1 label (the check before it knew of classes), is
   * ranked on the first two classes only and passes: the reason the gate must know the label has
   * three.
   */
  @Test
  void readAsZeroOneTheThirdClassIsLeftOutAndItsMarkerPasses() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("virginica_marker", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < CLASSES; c++) {
      for (int i = 0; i < PER_CLASS; i++) {
        rows.add(RowFactory.create("validation", (double) c, c == 2 ? 1 : 0));
        rows.add(RowFactory.create("train", (double) c, c == 2 ? 1 : 0));
      }
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of("virginica_marker"), List.of(), null,
        null, null, null, null, null, null, null);

    ConstraintResult asZeroOne = LeakageChecks.singleFeatureAuc(labelled, features, 0.95,
        CLASSES * PER_CLASS).get(0);
    ConstraintResult asClasses = LeakageChecks.singleFeatureAuc(labelled, features, 0.95,
        CLASSES * PER_CLASS, LABEL).get(0);

    assertEquals(0.5, asZeroOne.value(), TOLERANCE);
    assertTrue(asZeroOne.passed());
    assertEquals(1.0, asClasses.value(), TOLERANCE);
    assertFalse(asClasses.passed());
  }

  @Test
  void normalisedInformationOverThreeClassesByHand() {
    double ln3 = Math.log(3);
    // Each bin holds one class: all of the label's entropy, less the Miller-Madow correction of
    // (3 bins - 1) (3 classes - 1) / (2 * 90) nats.
    assertEquals((ln3 - 4 / 180.0) / ln3, MutualInformation.normalized(Map.of(
        0, new long[] {30, 0, 0}, 1, new long[] {0, 30, 0}, 2, new long[] {0, 0, 30})),
        TOLERANCE);
    // Two bins, each two thirds one class and a third the middle one: the label's ln 3 less the
    // entropy of (2/3, 1/3) left in each bin, less (2 - 1) (3 - 1) / (2 * 60).
    double leftInBin = -(2 / 3.0 * Math.log(2 / 3.0) + 1 / 3.0 * Math.log(1 / 3.0));
    assertEquals((ln3 - leftInBin - 1 / 60.0) / ln3, MutualInformation.normalized(Map.of(
        0, new long[] {20, 10, 0}, 1, new long[] {0, 10, 20})), TOLERANCE);
    // A class the rows lack adds nothing: two of three classes count as a 0/1 label does.
    assertEquals(MutualInformation.normalized(Map.of(0, new long[] {10, 0}, 1, new long[] {0, 10})),
        MutualInformation.normalized(Map.of(0, new long[] {10, 0, 0}, 1, new long[] {0, 10, 0})),
        TOLERANCE);
    // One class: nothing to predict.
    assertTrue(Double.isNaN(MutualInformation.normalized(Map.of(0, new long[] {0, 0, 7}))));
  }

  /**
   * Binned by their values, {@code status} is open for all setosa and half the versicolor rows,
   * closed for the rest (0.4055 of the label's entropy, by hand as above) and passes;
   * {@code outcome_code} names each class by a code of its own (3 codes, no order of the classes)
   * and fails at 1 - (4 / 120) / ln 3.
   */
  @Test
  void binnedInformationOverThreeClassesFailsACodeOfTheClassAndPassesAPartialOne() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("status", DataTypes.StringType, false)
        .add("outcome_code", DataTypes.StringType, false);
    List<String> codes = List.of("k7", "a2", "m5");
    List<Row> rows = new ArrayList<>();
    for (String split : List.of("train", "validation")) {
      for (int c = 0; c < CLASSES; c++) {
        for (int i = 0; i < PER_CLASS; i++) {
          String status = c == 0 || (c == 1 && i % 2 == 0) ? "open" : "closed";
          rows.add(RowFactory.create(split, (double) c, status, codes.get(c)));
        }
      }
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of(), List.of("status", "outcome_code"),
        null, null, null, null, null, null, null, null);

    Map<String, ConstraintResult> information = LeakageChecks.binnedMutualInformation(labelled,
            features, Map.of("status", List.of("open", "closed"), "outcome_code", codes), 0.6,
            CLASSES)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    double ln3 = Math.log(3);
    double leftInBin = -(2 / 3.0 * Math.log(2 / 3.0) + 1 / 3.0 * Math.log(1 / 3.0));
    ConstraintResult status = information.get("mutual_information:status");
    assertEquals((ln3 - leftInBin - 1 / 60.0) / ln3, status.value(), TOLERANCE);
    assertEquals(0.4055, status.value(), 1e-4);
    assertTrue(status.passed(), status.message());
    ConstraintResult code = information.get("mutual_information:outcome_code");
    assertEquals((ln3 - 4 / 120.0) / ln3, code.value(), TOLERANCE);
    assertEquals(Severity.ERROR, code.severity());
    assertFalse(code.passed(), code.message());
  }

  /**
   * One content's twins: train rows of classes 0, 0, 1, 2 and held-out rows of classes 0 and 2.
   * The held-out rows agree with their train twins by 2/4 and 1/4 (mean 0.375); the train rows
   * with their other train twins by 1/3, 1/3, 0, 0 (mean 1/6). Read as 0/1, classes 0 and 2 would
   * agree with each other.
   */
  @Test
  void twinAgreementOverThreeClassesByHand() {
    FeatureConfig features = new FeatureConfig(List.of("a"), null, null, null, null, null, null,
        null, null, null);
    List<Object[]> rows = List.of(
        new Object[] {1, "train", 0.0}, new Object[] {1, "train", 0.0},
        new Object[] {1, "train", 1.0}, new Object[] {1, "train", 2.0},
        new Object[] {1, "validation", 0.0}, new Object[] {1, "test", 2.0});

    ConstraintResult labels = LeakageChecks.sharedRows(twins(rows), features, 0.02, 0.02, CLASSES)
        .get(1);

    assertEquals("shared_row_labels", labels.name());
    assertEquals(0.375 - 1 / 6.0, labels.value(), TOLERANCE);
    assertTrue(labels.expectation().contains(
        "agreement 0.3750 over 2 held-out rows vs 0.1667 over 4 train rows"), labels.message());
    // Two held-out twins are within the noise (3 standard errors of 0.1443).
    assertTrue(labels.passed(), labels.message());
  }

  /**
   * 40 contents, each with train rows of its class c three times and of the two others once:
   * train rows agree with their other twins by 0.3 on average. Held-out rows copied from the
   * majority (c, c) agree by 0.6 and fail; honest ones (c and another class) by 0.4, within the
   * threshold and 3 standard errors (0.0324 each), and pass.
   */
  @Test
  void heldOutCopiesOfTheMajorityClassFailAndHonestTwinsPass() {
    FeatureConfig features = new FeatureConfig(List.of("a"), null, null, null, null, null, null,
        null, null, null);
    ConstraintResult copied = LeakageChecks.sharedRows(twins(contents(true)), features, 0.02,
        0.02, CLASSES).get(1);
    ConstraintResult honest = LeakageChecks.sharedRows(twins(contents(false)), features, 0.02,
        0.02, CLASSES).get(1);

    assertEquals(0.3, copied.value(), TOLERANCE);
    assertFalse(copied.passed(), copied.message());
    assertEquals(0.1, honest.value(), TOLERANCE);
    assertTrue(honest.passed(), honest.message());
  }

  private static List<Object[]> contents(boolean copied) {
    int contents = 40;
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < contents; k++) {
      double majority = k % CLASSES;
      double second = (k + 1) % CLASSES;
      double third = (k + 2) % CLASSES;
      for (double label : List.of(majority, majority, majority, second, third)) {
        rows.add(new Object[] {k, "train", label});
      }
      rows.add(new Object[] {k, "validation", majority});
      rows.add(new Object[] {k, "test", copied ? majority : second});
    }
    return rows;
  }

  private static Dataset<Row> twins(List<Object[]> rows) {
    StructType schema = new StructType()
        .add("a", DataTypes.IntegerType, false)
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false);
    return SparkTestSession.get().createDataFrame(
        rows.stream().map(RowFactory::create).toList(), schema);
  }
}
