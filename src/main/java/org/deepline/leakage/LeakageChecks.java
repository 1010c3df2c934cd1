package org.deepline.leakage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.etl.LabelConfig;
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
  private static final String MISSING_SUFFIX = "__missing";

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
   * How much more often validation and test rows equal a train row (feature values, label excluded)
   * than train rows equal another train row. Real data repeats itself (two customers on the same
   * plan, few distinct values); that base rate is subtracted, so only repetition across the split
   * boundary beyond it, as from copied evaluation rows, fails the gate.
   */
  public static ConstraintResult sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction) {
    Column[] content = features.inputColumns().stream().map(Columns::col)
        .toArray(Column[]::new);
    // to_json keeps which field a value belongs to, so (null, 5) and (5, null) hash apart.
    Dataset<Row> hashed = labelled.select(functions.col(StratifiedSplitter.SPLIT),
        functions.xxhash64(functions.to_json(functions.struct(content))).as("content"));
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Dataset<Row> trainCounts = hashed.where(isTrain).groupBy("content").count();
    Row trainRepeats = trainCounts.agg(functions.sum("count"),
        functions.sum(functions.when(functions.col("count").gt(1), functions.col("count"))
            .otherwise(0))).head();
    double baseRate = trainRepeats.isNullAt(0) || trainRepeats.getLong(0) == 0 ? 0.0
        : (double) trainRepeats.getLong(1) / trainRepeats.getLong(0);
    Dataset<Row> held = hashed.where(functions.not(isTrain));
    long heldRows = held.count();
    long shared = held.join(trainCounts, held.col("content").equalTo(trainCounts.col("content")),
        "left_semi").count();
    double excess = heldRows == 0 ? 0.0 : Math.max(0.0, (double) shared / heldRows - baseRate);
    return new ConstraintResult("shared_rows", null, Severity.ERROR, excess,
        excess <= maxExcessFraction, "<= " + maxExcessFraction + " of validation+test rows identical "
        + "to a train row, beyond train's own repetition rate " + round(baseRate));
  }

  /**
   * Validation ROC AUC of each raw feature on its own, folded so that 0.5 is no signal and 1.0 a
   * perfect predictor either way. Numeric features score by their value (date and time features by
   * their instant), and separately by whether
   * they are missing ({@code <feature>__missing}: a field filled in only after the outcome leaks
   * through its gaps); categorical ones by their category's positive rate in train (unseen categories
   * get train's overall rate). One job for all. A feature whose AUC cannot be computed (no value on
   * validation) is recorded as a warning, never passed as if it were harmless.
   */
  public static List<ConstraintResult> singleFeatureAuc(Dataset<Row> labelled,
      FeatureConfig features, double maxAuc) {
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION);
    Column label = functions.col(LabelConfig.LABEL);
    List<Dataset<Row>> scored = new ArrayList<>();
    Map<String, Column> ordered = new LinkedHashMap<>();
    features.numeric().forEach(c -> ordered.put(c, Columns.col(c).cast("double")));
    // A date or time scores by its instant: a label that follows the calendar shows up here.
    features.datetime().forEach(d -> ordered.put(d.column(), functions.expr("unix_micros(cast("
        + Columns.quote(d.column()) + " as timestamp))").cast("double")));
    if (!ordered.isEmpty()) {
      Column[] pairs = ordered.entrySet().stream()
          .flatMap(e -> java.util.stream.Stream.of(
              functions.struct(functions.lit(e.getKey()).as(FEATURE), e.getValue().as(SCORE)),
              functions.struct(functions.lit(e.getKey() + MISSING_SUFFIX).as(FEATURE),
                  functions.when(Columns.col(e.getKey()).isNull(), 1.0).otherwise(0.0).as(SCORE))))
          .toArray(Column[]::new);
      scored.add(labelled.where(isValidation)
          .select(functions.explode(functions.array(pairs)).as("p"), label)
          .select(functions.col("p." + FEATURE), functions.col("p." + SCORE), label));
    }
    if (!features.categorical().isEmpty()) {
      Column[] pairs = features.categorical().stream()
          .map(c -> functions.struct(functions.lit(c).as(FEATURE),
              functions.coalesce(functions.nullif(Columns.col(c).cast("string"), functions.lit("")),
                  functions.lit(FeatureModel.MISSING_TOKEN)).as("token")))
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
      String expectation = "<= " + maxAuc + " validation AUC of the feature alone";
      if (row.isNullAt(aucIndex)) {
        results.add(new ConstraintResult("single_feature_auc:" + feature, feature, Severity.WARNING,
            Double.NaN, false, expectation + " (not computable: no value on validation)"));
        continue;
      }
      double auc = row.getDouble(aucIndex);
      double folded = Math.max(auc, 1 - auc);
      results.add(new ConstraintResult("single_feature_auc:" + feature, feature, Severity.ERROR,
          folded, folded <= maxAuc, expectation));
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

  private static String round(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
