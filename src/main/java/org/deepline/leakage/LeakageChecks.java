package org.deepline.leakage;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.config.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureConfig;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;

/**
 * The leakage analyzers. Each computes one metric over the run's data and judges it, giving a
 * {@link ConstraintResult} like the quality checks do, so both gates share one result table shape.
 */
public final class LeakageChecks {
  public static final String CHECK = "leakage";
  private static final String FEATURE = "feature";
  private static final String SCORE = "score";

  private LeakageChecks() {}

  /** Records assigned to more than one split: must be none. */
  public static ConstraintResult keyOverlap(Dataset<Row> splits) {
    long shared = splits.groupBy(RecordIds.RECORD_ID)
        .agg(functions.countDistinct(functions.col(StratifiedSplitter.SPLIT)).as("splits"))
        .where(functions.col("splits").gt(1))
        .count();
    return new ConstraintResult("key_overlap", RecordIds.RECORD_ID, Severity.ERROR, shared,
        shared == 0, "0 records in more than one split");
  }

  /**
   * Share of validation and test rows whose feature values (label excluded) also occur in train. Real
   * data repeats itself a little; a copy of the evaluation rows in train repeats itself a lot.
   */
  public static ConstraintResult sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxFraction) {
    Column[] content = features.inputColumns().stream().map(LeakageChecks::col)
        .toArray(Column[]::new);
    Dataset<Row> hashed = labelled.select(functions.col(StratifiedSplitter.SPLIT),
        functions.xxhash64(content).as("content"));
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Dataset<Row> trainContent = hashed.where(isTrain).select("content").distinct();
    Dataset<Row> held = hashed.where(functions.not(isTrain));
    long heldRows = held.count();
    long shared = held.join(trainContent, held.col("content").equalTo(trainContent.col("content")),
        "left_semi").count();
    double fraction = heldRows == 0 ? 0.0 : (double) shared / heldRows;
    return new ConstraintResult("shared_rows", null, Severity.ERROR, fraction,
        fraction <= maxFraction, "<= " + maxFraction + " of validation+test rows identical to a "
        + "train row");
  }

  /**
   * Validation ROC AUC of each raw feature on its own, folded so that 0.5 is no signal and 1.0 a
   * perfect predictor either way. Numeric features score by their value; categorical ones by their
   * category's positive rate in train (unseen categories get train's overall rate). One job for all.
   */
  public static List<ConstraintResult> singleFeatureAuc(Dataset<Row> labelled,
      FeatureConfig features, double maxAuc) {
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION);
    Column label = functions.col(LabelConfig.LABEL);
    List<Dataset<Row>> scored = new ArrayList<>();
    if (!features.numeric().isEmpty()) {
      Column[] pairs = features.numeric().stream()
          .map(c -> functions.struct(functions.lit(c).as(FEATURE), col(c).cast("double").as(SCORE)))
          .toArray(Column[]::new);
      scored.add(labelled.where(isValidation)
          .select(functions.explode(functions.array(pairs)).as("p"), label)
          .select(functions.col("p." + FEATURE), functions.col("p." + SCORE), label));
    }
    if (!features.categorical().isEmpty()) {
      Column[] pairs = features.categorical().stream()
          .map(c -> functions.struct(functions.lit(c).as(FEATURE),
              functions.coalesce(col(c).cast("string"), functions.lit(FeatureModel.MISSING_TOKEN))
                  .as("token")))
          .toArray(Column[]::new);
      Dataset<Row> tokens = labelled.select(functions.col(StratifiedSplitter.SPLIT),
              functions.explode(functions.array(pairs)).as("p"), label)
          .select(functions.col(StratifiedSplitter.SPLIT), functions.col("p." + FEATURE),
              functions.col("p.token"), label);
      double trainRate = labelled.where(isTrain).agg(functions.avg(label)).head().getDouble(0);
      Dataset<Row> rates = tokens.where(isTrain).groupBy(FEATURE, "token")
          .agg(functions.avg(label).as("rate"));
      scored.add(tokens.where(isValidation).join(rates, new String[] {FEATURE, "token"}, "left")
          .select(functions.col(FEATURE),
              functions.coalesce(functions.col("rate"), functions.lit(trainRate)).as(SCORE), label));
    }
    Dataset<Row> all = scored.stream().reduce(Dataset::unionByName).orElseThrow();
    List<ConstraintResult> results = new ArrayList<>();
    for (Row row : BinaryMetrics.rocAucByGroup(all, FEATURE, SCORE, LabelConfig.LABEL)
        .orderBy(FEATURE).collectAsList()) {
      String feature = row.getString(row.fieldIndex(FEATURE));
      int aucIndex = row.fieldIndex("roc_auc");
      double auc = row.isNullAt(aucIndex) ? 0.5 : row.getDouble(aucIndex);
      double folded = Math.max(auc, 1 - auc);
      results.add(new ConstraintResult("single_feature_auc:" + feature, feature, Severity.ERROR,
          folded, folded <= maxAuc, "<= " + maxAuc + " validation AUC of the feature alone"));
    }
    return results;
  }

  /**
   * The feature model must have been fitted on exactly the current training split of this run date:
   * a model fitted on other rows has seen validation or test data (or stale splits).
   */
  public static ConstraintResult fittedOnTrain(FeatureModel model, Dataset<Row> splits,
      String runDate) {
    FeatureModel.FitProvenance fitted = model.fittedOn();
    long trainRows = splits.where(functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.TRAIN)).count();
    long fingerprint = SplitFingerprint.of(splits, StratifiedSplitter.TRAIN);
    boolean ok = StratifiedSplitter.TRAIN.equals(fitted.split()) && runDate.equals(fitted.runDate())
        && fitted.rows() == trainRows && fitted.fingerprint() == fingerprint;
    return new ConstraintResult("fitted_on_train", null, Severity.ERROR, ok ? 1.0 : 0.0, ok,
        "feature model fitted on the " + trainRows + " train rows of " + runDate + " (it says: "
        + fitted.rows() + " " + fitted.split() + " rows of " + fitted.runDate() + ")");
  }

  private static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
