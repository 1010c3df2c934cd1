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
import org.deepline.features.FeatureFitter;
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
  private static final String BIN = "bin";
  /** Equal-frequency bins of a numeric feature: enough for a non-monotone code, few enough to fill. */
  private static final int NUMERIC_BINS = 16;
  /** Hash buckets of a categorical feature's values. */
  private static final int CATEGORY_BUCKETS = 64;
  /** The bin of a missing value. */
  private static final int MISSING_BIN = -1;
  /** The most informative features whose pairs are binned jointly (6 pairs). */
  private static final int PAIR_CANDIDATES = 4;
  /** Joint bin of a pair: left * stride + right, unique since every bin is in [-1, 64]. */
  private static final int PAIR_STRIDE = 100;
  private static final int QUANTILE_ACCURACY = 10_000;
  /** Columns per null mask of {@link #contentHash}: the bits of a long below its sign. */
  private static final int NULL_MASK_BITS = Long.SIZE - 1;

  private LeakageChecks() {}

  /** Records assigned to more than one split: must be none. */
  public static ConstraintResult keyOverlap(Dataset<Row> splits) {
    return keyOverlapResult(groupsInSeveralSplits(splits, functions.col(RecordIds.RECORD_ID)));
  }

  private static ConstraintResult keyOverlapResult(long shared) {
    return new ConstraintResult("key_overlap", RecordIds.RECORD_ID, Severity.ERROR, shared,
        shared == 0, "0 records in more than one split");
  }

  /**
   * {@link #copiesAcrossSplits} and {@link #keyOverlap} of a load without key columns, in one job
   * when nothing is wrong: a record in two splits is also a group of copies in two splits (every
   * record belongs to the group of its first copy), so when no group spreads, no record does, and
   * only a failing gate pays for the second job.
   */
  public static List<ConstraintResult> copiesAndKeyOverlap(Dataset<Row> splits) {
    ConstraintResult copies = copiesAcrossSplits(splits);
    ConstraintResult keys = copies.value() == 0 ? keyOverlapResult(0) : keyOverlap(splits);
    return List.of(keys, copies);
  }

  /**
   * The groups whose records carry more than one split. Their first and last split differ exactly
   * then, and min/max aggregate partially before one shuffle, where {@code countDistinct} expands
   * every row and shuffles twice (on flights-3m the two checks took 28 of the gate's 76 task
   * CPU-seconds that way).
   */
  private static long groupsInSeveralSplits(Dataset<Row> splits, Column group) {
    Column split = functions.col(StratifiedSplitter.SPLIT);
    return splits.groupBy(group.as("_group"))
        .agg(functions.min(split).as("_first_split"), functions.max(split).as("_last_split"))
        .where(functions.col("_first_split").notEqual(functions.col("_last_split")))
        .count();
  }

  /**
   * Exact copies of one source record (a load without key columns numbers them
   * {@code <hash>-1, <hash>-2, ...}) spread over two splits: the model would be scored on a row it
   * learned. The split keeps copies together ({@link RecordIds#firstCopyId}); splits written before
   * it did, or by hand, are caught here.
   */
  public static ConstraintResult copiesAcrossSplits(Dataset<Row> splits) {
    long spread = groupsInSeveralSplits(splits,
        RecordIds.firstCopyId(functions.col(RecordIds.RECORD_ID)));
    return new ConstraintResult("copies_across_splits", RecordIds.RECORD_ID, Severity.ERROR,
        spread, spread == 0, "0 records with exact copies in another split");
  }

  /**
   * How much more often validation and test rows equal a train row (feature values, label excluded)
   * than train rows equal another train row. Real data repeats itself (two customers on the same
   * plan, few distinct values); that base rate is subtracted, so only repetition across the split
   * boundary beyond it, as from copied evaluation rows, fails the gate.
   */
  public static ConstraintResult sharedRows(Dataset<Row> labelled, FeatureConfig features,
      double maxExcessFraction) {
    Dataset<Row> hashed = labelled.select(functions.col(StratifiedSplitter.SPLIT),
        contentHash(features.inputColumns()).as("content"));
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
    Map<String, Column> ordered = orderedValues(features);
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
              FeatureFitter.token(c).as("token")))
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
   * Validation mutual information between each raw feature, binned, and the label
   * ({@link MutualInformation}: normalised by the label's entropy, bias-corrected). Binning sees any
   * shape of dependence: a status code stored as a number whose codes 3 and 7 mean "cancelled" has no
   * order the AUC check could rank, but its bins carry the label. Numeric and date/time features
   * (by their instant) get {@value #NUMERIC_BINS} equal-frequency bins cut on train, plus one for a
   * missing value; categorical ones their value hashed into {@value #CATEGORY_BUCKETS} buckets plus
   * one for a missing value, which bounds the cells whatever the cardinality (a collision only merges
   * values and lowers the estimate). Then every pair of the {@value #PAIR_CANDIDATES} most
   * informative features is binned jointly: two columns that give the label away only together (an
   * interaction, a total split in two) fail as the pair {@code a+b}. Two passes over validation, one
   * over train for the cut points.
   */
  public static List<ConstraintResult> binnedMutualInformation(Dataset<Row> labelled,
      FeatureConfig features, double maxNormalized) {
    Column isTrain = functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN);
    Column isValidation = functions.col(StratifiedSplitter.SPLIT)
        .equalTo(StratifiedSplitter.VALIDATION);
    Map<String, Column> ordered = orderedValues(features);
    Map<String, Column> bins = new LinkedHashMap<>();
    if (!ordered.isEmpty()) {
      Column[] quantiles = ordered.values().stream()
          .map(value -> functions.percentile_approx(value, functions.array(
              java.util.stream.IntStream.range(1, NUMERIC_BINS)
                  .mapToObj(i -> functions.lit(i / (double) NUMERIC_BINS)).toArray(Column[]::new)),
              functions.lit(QUANTILE_ACCURACY)))
          .toArray(Column[]::new);
      Row cuts = labelled.where(isTrain).agg(quantiles[0],
          java.util.Arrays.copyOfRange(quantiles, 1, quantiles.length)).head();
      int i = 0;
      for (Map.Entry<String, Column> e : ordered.entrySet()) {
        List<Double> edges = cuts.isNullAt(i) ? List.of()
            : new java.util.TreeSet<Double>(cuts.<Double>getList(i)).stream().toList();
        i++;
        Column bin = functions.lit(0);
        for (double edge : edges) {
          bin = bin.plus(functions.when(e.getValue().geq(edge), 1).otherwise(0));
        }
        bins.put(e.getKey(), functions.when(e.getValue().isNull(), MISSING_BIN).otherwise(bin));
      }
    }
    for (String c : features.categorical()) {
      Column token = FeatureFitter.token(c);
      bins.put(c, functions.when(token.equalTo(FeatureModel.MISSING_TOKEN), MISSING_BIN).otherwise(
          functions.pmod(functions.xxhash64(token), functions.lit(CATEGORY_BUCKETS)).cast("int")));
    }
    Dataset<Row> validation = labelled.where(isValidation);
    Map<String, Double> single = informationByGroup(validation, bins);
    List<ConstraintResult> results = new ArrayList<>();
    single.forEach((feature, nmi) -> results.add(informationResult("mutual_information:" + feature,
        feature, nmi, maxNormalized)));
    List<String> candidates = single.entrySet().stream().filter(e -> !Double.isNaN(e.getValue()))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(PAIR_CANDIDATES).map(Map.Entry::getKey).toList();
    Map<String, Column> pairs = new LinkedHashMap<>();
    for (int a = 0; a < candidates.size(); a++) {
      for (int b = a + 1; b < candidates.size(); b++) {
        String left = candidates.get(a);
        String right = candidates.get(b);
        pairs.put(left + "+" + right, bins.get(left).multiply(PAIR_STRIDE).plus(bins.get(right)));
      }
    }
    if (!pairs.isEmpty()) {
      informationByGroup(validation, pairs).forEach((pair, nmi) -> results.add(informationResult(
          "mutual_information_pair:" + pair, pair, nmi, maxNormalized)));
    }
    return results;
  }

  /** The normalised mutual information of each group's bins with the label, in one job. */
  private static Map<String, Double> informationByGroup(Dataset<Row> rows,
      Map<String, Column> bins) {
    Column[] cells = bins.entrySet().stream()
        .map(e -> functions.struct(functions.lit(e.getKey()).as(FEATURE), e.getValue().as(BIN)))
        .toArray(Column[]::new);
    List<Row> counts = rows.select(functions.explode(functions.array(cells)).as("c"),
            functions.col(LabelConfig.LABEL).cast("int").as(LabelConfig.LABEL))
        .groupBy(functions.col("c." + FEATURE), functions.col("c." + BIN),
            functions.col(LabelConfig.LABEL))
        .count().collectAsList();
    Map<String, Map<Long, long[]>> byGroup = new LinkedHashMap<>();
    bins.keySet().forEach(g -> byGroup.put(g, new java.util.HashMap<>()));
    for (Row row : counts) {
      long[] cell = byGroup.get(row.getString(0))
          .computeIfAbsent(((Number) row.get(1)).longValue(), k -> new long[2]);
      cell[row.getInt(2) == 1 ? 1 : 0] += row.getLong(3);
    }
    Map<String, Double> information = new LinkedHashMap<>();
    byGroup.forEach((group, cellCounts) ->
        information.put(group, MutualInformation.normalized(cellCounts)));
    return information;
  }

  private static ConstraintResult informationResult(String name, String column, double nmi,
      double maxNormalized) {
    String expectation = "<= " + maxNormalized + " validation mutual information with the label, "
        + "over the label's entropy (binned)";
    if (Double.isNaN(nmi)) {
      return new ConstraintResult(name, column, Severity.WARNING, Double.NaN, false,
          expectation + " (not computable: validation has one class)");
    }
    return new ConstraintResult(name, column, Severity.ERROR, nmi, nmi <= maxNormalized,
        expectation);
  }

  /**
   * In a time split, no validation or test record may be earlier than the latest training record:
   * one that is lets the model be evaluated on the past of what it learnt from (a split computed on
   * other data, or rows whose time changed after splitting). Records the split left out (in a gap,
   * or without a time) do not count.
   */
  public static ConstraintResult timeOrder(Dataset<Row> labelled, String timeColumn) {
    Column time = functions.unix_micros(Columns.col(timeColumn).cast("timestamp"));
    Column split = functions.col(StratifiedSplitter.SPLIT);
    Row latestTrain = labelled.where(split.equalTo(StratifiedSplitter.TRAIN))
        .agg(functions.max(time)).head();
    long earlier = latestTrain.isNullAt(0) ? 0 : labelled
        .where(split.isin(StratifiedSplitter.VALIDATION, StratifiedSplitter.TEST)
            .and(time.lt(latestTrain.getLong(0))))
        .count();
    return new ConstraintResult("time_order", timeColumn, Severity.ERROR, earlier, earlier == 0,
        "0 validation or test records earlier than the latest train record by " + timeColumn);
  }

  /**
   * One check per feature with an event time: the records (of every split) whose feature was
   * observed after their label was known. Such a value cannot exist when the model is used, so a
   * model trained on it learns the outcome from its consequences. One pass for every feature; a
   * record without either time is not counted (nothing says it is late).
   *
   * <pre>{@code
   * // "balance" is the balance on balance_as_of; the label is the default known on decided_at
   * featureAfterLabelTime(labelled, "decided_at", Map.of("balance", "balance_as_of"));
   * }</pre>
   */
  public static List<ConstraintResult> featureAfterLabelTime(Dataset<Row> labelled,
      String labelTimeColumn, Map<String, String> eventTimes) {
    if (eventTimes.isEmpty()) {
      return List.of();
    }
    Column labelTime = functions.unix_micros(Columns.col(labelTimeColumn).cast("timestamp"));
    List<Column> late = new ArrayList<>();
    eventTimes.forEach((feature, time) -> late.add(functions.count(functions.when(
        functions.unix_micros(Columns.col(time).cast("timestamp")).gt(labelTime), 1))));
    Row counts = labelled.agg(late.get(0), late.subList(1, late.size()).toArray(new Column[0]))
        .head();
    List<ConstraintResult> results = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> entry : eventTimes.entrySet()) {
      long records = counts.getLong(i++);
      String observed = entry.getKey().equals(entry.getValue()) ? entry.getKey()
          : entry.getKey() + " (observed at " + entry.getValue() + ")";
      results.add(new ConstraintResult("event_time_after_label:" + entry.getKey(),
          entry.getKey(), Severity.ERROR, records, records == 0,
          "0 records whose " + observed + " is after their " + labelTimeColumn
              + ": a value observed after the label is known is not there when the model is used"));
    }
    return results;
  }

  /**
   * A 64-bit hash of a row's values in {@code columns}. Spark's hash skips a null, so (null, 5) and
   * (5, null) would collide; masks of which columns are null go in first and tell them apart. It
   * replaces a hash of the row as JSON text, which built a string per row (on flights-3m the
   * shared-rows check then cost more task CPU than the four other checks together).
   */
  static Column contentHash(List<String> columns) {
    List<Column> parts = new ArrayList<>();
    for (int from = 0; from < columns.size(); from += NULL_MASK_BITS) {
      Column mask = functions.lit(0L);
      for (int i = from; i < Math.min(columns.size(), from + NULL_MASK_BITS); i++) {
        mask = mask.bitwiseOR(functions.when(Columns.col(columns.get(i)).isNull(),
            functions.lit(1L << (i - from))).otherwise(functions.lit(0L)));
      }
      parts.add(mask);
    }
    columns.forEach(c -> parts.add(Columns.col(c)));
    return functions.xxhash64(parts.toArray(Column[]::new));
  }

  /**
   * The numeric and date/time features as ordered values: a number as a double, a date or time by
   * its instant (a label that follows the calendar shows up that way).
   */
  private static Map<String, Column> orderedValues(FeatureConfig features) {
    Map<String, Column> ordered = new LinkedHashMap<>();
    features.numeric().forEach(c -> ordered.put(c, Columns.col(c).cast("double")));
    features.datetime().forEach(d -> ordered.put(d.column(), functions.expr("unix_micros(cast("
        + Columns.quote(d.column()) + " as timestamp))").cast("double")));
    return ordered;
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
