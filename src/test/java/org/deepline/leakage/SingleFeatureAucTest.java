package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.deepline.features.FeatureConfig;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * {@code single_feature_auc} on a small validation split (20 positives, 20 negatives): a strong
 * feature above the bar by less than two standard errors warns, a copy of the label fails, a
 * feature below the bar passes.
 */
class SingleFeatureAucTest {
  private static final int PER_CLASS = 20;

  @Test
  void aStrongFeatureWithinTheNoiseWarnsACopyOfTheLabelFails() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.IntegerType, false)
        .add("cell_size", DataTypes.IntegerType, false)
        .add("outcome_copy", DataTypes.IntegerType, false)
        .add("age", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < PER_CLASS; i++) {
      // Negatives measure 0-19 and positives 14-33: six values overlap, so 18 of the 400
      // positive-negative pairs are misordered (15, and 6 ties counting half): AUC 0.955.
      rows.add(RowFactory.create("validation", 0, i, 0, i % 7));
      rows.add(RowFactory.create("validation", 1, i + 14, 1, i % 5));
      rows.add(RowFactory.create("train", i % 2, i, i % 2, i));
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of("cell_size", "outcome_copy", "age"),
        List.of(), null, null, null, null, null, null, null, null);

    Map<String, ConstraintResult> auc = LeakageChecks.singleFeatureAuc(labelled, features, 0.95)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    // Hanley-McNeil at 0.955 on 20 and 20 is 0.032: the noise is the cap, 0.01, and
    // 0.955 - 0.01 is below 0.95.
    assertEquals(new ConstraintResult("single_feature_auc:cell_size", "cell_size",
        Severity.WARNING, 0.955, false, "<= 0.95 validation AUC of the feature alone (above it "
            + "by less than its noise on 20 positive and 20 negative validation rows, 0.0100: 2 "
            + "standard errors, at most 0.01; a strong feature as far as this split can tell, "
            + "kept as a warning)"), auc.get("single_feature_auc:cell_size"));
    assertEquals(new ConstraintResult("single_feature_auc:outcome_copy", "outcome_copy",
        Severity.ERROR, 1.0, false, "<= 0.95 validation AUC of the feature alone"),
        auc.get("single_feature_auc:outcome_copy"));
    assertEquals(Severity.ERROR, auc.get("single_feature_auc:age").severity());
    assertEquals(true, auc.get("single_feature_auc:age").passed());
  }

  /**
   * A rare class leaves few positives even to a large validation split: 15 among 1,500 rows. The
   * rows still show a copy of the label (AUC 1.0), and a noisy copy at about 0.97 clears the bar by
   * more than the 0.01 its noise can be: both fail.
   */
  @Test
  void aCopyOfARareLabelAndANoisyCopyFailOnALargeSplit() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.IntegerType, false)
        .add("outcome_copy", DataTypes.IntegerType, false)
        .add("outcome_noisy", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      int label = i % 100 == 0 ? 1 : 0;
      // Positives measure 1000 + i; 75 of the 1,485 negatives (5 %) too, interleaved with
      // them, the rest below 100: AUC 0.973.
      int noisy = label == 1 ? 1000 + i : (i % 100 < 6 ? 1000 + i : i % 100);
      rows.add(RowFactory.create("validation", label, label, noisy));
      rows.add(RowFactory.create("train", i % 2, i % 2, i % 2));
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of("outcome_copy", "outcome_noisy"),
        List.of(), null, null, null, null, null, null, null, null);

    Map<String, ConstraintResult> auc = LeakageChecks.singleFeatureAuc(labelled, features, 0.95)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    assertEquals(new ConstraintResult("single_feature_auc:outcome_copy", "outcome_copy",
        Severity.ERROR, 1.0, false, "<= 0.95 validation AUC of the feature alone"),
        auc.get("single_feature_auc:outcome_copy"));
    ConstraintResult noisy = auc.get("single_feature_auc:outcome_noisy");
    assertEquals(Severity.ERROR, noisy.severity(), noisy.toString());
    assertEquals(false, noisy.passed());
  }

  /**
   * A 106-row data set leaves about 16 rows to validation: a strong honest feature
   * orders all 64 pairs by chance often enough that no finding there can fail the run. Even a
   * copy of the label is only a warning that says why, for the AUC and the information alike.
   */
  @Test
  void tooFewValidationRowsOfAClassMakeEveryTargetFindingAWarning() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.IntegerType, false)
        .add("outcome_copy", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      rows.add(RowFactory.create("validation", 0, 0));
      rows.add(RowFactory.create("validation", 1, 1));
      rows.add(RowFactory.create("train", i % 2, i % 2));
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of("outcome_copy"), List.of(), null, null,
        null, null, null, null, null, null);
    String tooFew = " (only 16 validation rows: too few to tell a leak from a strong feature, 40 "
        + "are needed; kept as a warning)";

    ConstraintResult auc = LeakageChecks.singleFeatureAuc(labelled, features, 0.95).get(0);
    ConstraintResult information = LeakageChecks.binnedMutualInformation(labelled, features, 0.6)
        .get(0);

    // Judged on train's 8 rows too: still too few.
    assertEquals(new ConstraintResult("single_feature_auc:outcome_copy", "outcome_copy",
        Severity.WARNING, 1.0, false, "<= 0.95 train and validation AUC of the feature alone (only "
            + "24 train and validation rows: too few to tell a leak from a strong feature, 40 are "
            + "needed; kept as a warning)"), auc);
    assertEquals("mutual_information:outcome_copy", information.name());
    assertEquals(Severity.WARNING, information.severity());
    assertEquals(false, information.passed());
    assertEquals("<= 0.6 validation mutual information with the label, over the label's entropy "
        + "(binned)" + tooFew, information.expectation());
  }

  /**
   * A 113-row data set leaves 17 rows to validation, too few alone; but a value's rank needs
   * nothing fitted, so train's rows judge it too: a post-outcome score that orders every pair on
   * both fails. A category, scored by train's positive rate, can only be judged on validation and
   * stays a warning; an honest value below the bar passes on the same rows.
   */
  @Test
  void onASmallValidationSplitValuesAreJudgedOnTrainToo() {
    StructType schema = new StructType()
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.IntegerType, false)
        .add("outcome_score", DataTypes.IntegerType, false)
        .add("outcome_code", DataTypes.StringType, false)
        .add("age", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 96; i++) {
      int label = i % 2;
      String split = i < 16 ? "validation" : "train";
      // Scores 1-3 for the negatives and 4-5 for the positives, as a six-month outcome scale.
      int score = label == 1 ? 4 + i % 3 / 2 : 1 + i % 3;
      // Age: the positives a little older, with every age of one class also in the other.
      int age = 40 + i % 7 + label * 3;
      rows.add(RowFactory.create(split, label, score, label == 1 ? "poor" : "good", age));
    }
    Dataset<Row> labelled = SparkTestSession.get().createDataFrame(rows, schema);
    FeatureConfig features = new FeatureConfig(List.of("outcome_score", "age"),
        List.of("outcome_code"), null, null, null, null, null, null, null, null);

    Map<String, ConstraintResult> results = LeakageChecks.singleFeatureAuc(labelled, features, 0.95)
        .stream().collect(Collectors.toMap(ConstraintResult::name, Function.identity()));

    assertEquals(new ConstraintResult("single_feature_auc:outcome_score", "outcome_score",
        Severity.ERROR, 1.0, false, "<= 0.95 train and validation AUC of the feature alone"),
        results.get("single_feature_auc:outcome_score"));
    assertEquals(new ConstraintResult("single_feature_auc:outcome_code", "outcome_code",
        Severity.WARNING, 1.0, false, "<= 0.95 validation AUC of the feature alone (only 16 "
            + "validation rows: too few to tell a leak from a strong feature, 40 are needed; kept "
            + "as a warning)"), results.get("single_feature_auc:outcome_code"));
    ConstraintResult age = results.get("single_feature_auc:age");
    assertEquals(true, age.passed(), age.toString());
    assertEquals("<= 0.95 train and validation AUC of the feature alone", age.expectation());
  }
}
