package org.deepline.leakage;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.etl.ColumnSpec;
import org.deepline.features.FeatureConfig;

/**
 * Thresholds of the leakage gate.
 *
 * @param maxSingleFeatureAuc  a single raw feature whose validation AUC (or 1 - AUC) exceeds this
 *                             beyond sampling noise predicts the label too well to be honest: it
 *                             fails the run; above it within the noise, a warning. For a
 *                             regression label the figure is the feature's concordance with the
 *                             number, which is the AUC for a 0/1 label
 * @param maxSharedRowFraction identical feature rows occur across splits by chance (real data has
 *                             duplicate customers); when the share of validation and test rows equal
 *                             to a train row exceeds train's own repetition rate by more than this,
 *                             it fails
 * @param maxSharedRowLabelExcess validation and test rows identical to train rows must not agree
 *                             with their labels more than train rows agree with their own twins'
 *                             labels: by more than this (beyond sampling noise) they fail, as
 *                             copies of train rows carrying their labels would (a regression
 *                             label's numbers agree when nearly equal)
 * @param maxMutualInformation a raw feature (or a pair of the strongest) whose binned validation
 *                             mutual information with the label, over the label's entropy, exceeds
 *                             this fails: it catches leaks with no rank order (codes stored as
 *                             numbers) that the AUC check cannot see; a pair only when it tells
 *                             clearly more than its better half alone; a regression label is
 *                             cut into its train deciles
 * @param waivers              failed checks accepted with a reason: kept as warnings
 * @param labelTimeColumn      the date or timestamp at which each record's label is known (the
 *                             prediction time); with it, a record whose feature was observed after
 *                             it fails the gate ({@code event_time_after_label:<feature>}): every
 *                             date/time feature is checked against it, and every feature named in
 *                             {@code featureTimes}
 * @param featureTimes         feature column -> the date or timestamp column saying when that
 *                             feature's value was observed (e.g. {@code "balance": "balance_as_of"})
 * @param easyLabel            when at least two features each fail {@code maxSingleFeatureAuc} by
 *                             their values, the label is easy: their target-leak findings are kept
 *                             as warnings ({@link EasyLabel}); false: they fail the run
 */
public record LeakageConfig(
    @JsonPropertyDescription("A raw feature whose validation ROC AUC on its own, folded as "
        + "`max(auc, 1 - auc)`, exceeds this by more than its noise fails the run "
        + "(`single_feature_auc:<feature>`); above it by less is a warning, and so is the "
        + "feature's `mutual_information` finding. The noise is "
        + LeakageChecks.AUC_STANDARD_ERRORS + " standard errors (Hanley-McNeil, from the "
        + "feature's validation positives and negatives), at most " + LeakageChecks.MAX_AUC_NOISE
        + ": on 105 validation rows a strong honest feature at 0.954 warns; a noisy copy of the "
        + "label at 0.97 and a copy at 1.0 fail. With fewer than "
        + LeakageChecks.MIN_VALIDATION_ROWS_TO_JUDGE + " validation rows (a data set of fewer "
        + "than about 260 rows) a feature's values and gaps, which need nothing fitted, are "
        + "judged on train and validation together, and every other target-leak finding is a "
        + "warning: too few rows to tell a leak from a strong feature. For a regression label "
        + "the figure is the feature's concordance with the number (the share of row pairs of "
        + "different numbers it orders as they are, ties half: a 0/1 label's ROC AUC), judged "
        + "as the AUC is. Allowed: `(0.5, 1]`.")
    Double maxSingleFeatureAuc,
    @JsonPropertyDescription("Largest excess of the share of validation + test rows whose feature "
        + "values (label excluded) equal some train row's, over train's own repetition rate "
        + "(`shared_rows`). Real data repeats itself (few distinct values, identical customers); "
        + "copied evaluation rows repeat far beyond that. Allowed: `[0, 1]`.")
    Double maxSharedRowFraction,
    @JsonPropertyDescription("Largest excess of the label agreement of validation + test rows "
        + "with their identical train rows (the share of those with the same label) over the "
        + "agreement of train rows with their other identical train rows (`shared_row_labels`), "
        + "beyond 3 standard errors of sampling noise. Under a random split the two agree; "
        + "held-out rows copied from train rows, labels included, agree more. This judges shared "
        + "rows where `shared_rows` cannot: data of few distinct combinations, where nearly every "
        + "held-out row has a train twin by nature. For a regression label two numbers agree when "
        + "they round down to the same multiple of " + LeakageChecks.TWIN_TOLERANCE_OF_SPREAD
        + " of train's standard deviation. Allowed: `[0, 1]`.")
    Double maxSharedRowLabelExcess,
    @JsonPropertyDescription("A raw feature whose binned validation mutual information with the "
        + "label, over the label's entropy (Miller-Madow corrected), exceeds this fails the run "
        + "(`mutual_information:<feature>`); so does a pair of the 4 most informative features "
        + "binned jointly (`mutual_information_pair:<a>+<b>`) beyond this (and beyond "
        + LeakageChecks.PAIR_MIN_INFORMATION + ": two honest features tell more together than "
        + "one) that also tells "
        + LeakageChecks.PAIR_MIN_GAIN + " of the label's entropy more than the better of the two "
        + "alone, or half of what that one leaves unexplained when less (two strong honest "
        + "features together tell little more than the stronger; a single strong one is judged "
        + "alone). Numeric and date/time features "
        + "get 16 train-quantile bins plus one for missing values, categorical ones their value "
        + "hashed into 64 buckets plus missing. It catches leaks with no order, which the AUC "
        + "check cannot rank: a status code stored as a number whose codes 3 and 7 mean the "
        + "outcome (AUC 0.5, information 1.0), or a label split over two columns. For scale: a "
        + "0/1 feature right 98 % of the time about a balanced label scores 0.86, right 95 % "
        + "0.71 (with its AUC at 0.95, not above that bar either: such a column passes both), "
        + "right 90 % 0.53; honest strong inputs reach 0.6-0.7 (a congressman's vote on "
        + "one bill for his party, a quake's reporting stations for its magnitude). As for the "
        + "AUC, fewer than " + LeakageChecks.MIN_VALIDATION_ROWS_TO_JUDGE
        + " validation rows make a finding a warning. A regression label is cut into its "
        + LeakageChecks.REGRESSION_LABEL_BINS + " train quantile bins, taken as its classes. "
        + "Allowed: `(0, 1]`.")
    Double maxMutualInformation,
    @JsonPropertyDescription("A failed check named here is kept as a **warning** whose "
        + "expectation ends `(waived: <reason>)` instead of failing the run. A waiver that names "
        + "no check of the run is reported as the warning `waiver:<check>`. Allowed: `check` a "
        + "check's name as the leakage table shows it, each once; `reason` at least 10 "
        + "characters.")
    List<LeakageWaiver> waivers,
    @JsonPropertyDescription("When each record's label is known (the prediction time). With it, "
        + "every date/time feature and every feature in `feature_times` is checked: a record "
        + "whose feature was observed **after** its label time fails the run "
        + "(`event_time_after_label:<feature>`, the number of such records in any split). "
        + "Records missing either time are not counted. Allowed: a `date` or `timestamp` column "
        + "of `schema.columns`.")
    String labelTimeColumn,
    @JsonPropertyDescription("When each feature's value was observed, e.g. `{\"balance\": "
        + "\"balance_as_of\"}`: a balance read after the default was decided is a consequence of "
        + "the label. Allowed: keys are feature inputs, values `date` or `timestamp` columns; "
        + "needs `label_time_column`.")
    Map<String, String> featureTimes,
    @JsonPropertyDescription("When at least two different features each fail "
        + "`max_single_feature_auc` (as errors) by their values alone (iris' petals, a tumour's size "
        + "and shape), or three are above it, counting those within its noise (Wisconsin's cell "
        + "nuclei), or two pairs without a feature in common each fail "
        + "`mutual_information_pair` (sensors that settle the class two by two), the label is "
        + "easy, not leaked by one column: the failed "
        + "`single_feature_auc`, `mutual_information` and `mutual_information_pair` checks on "
        + "those features are kept as warnings that name them, and the run goes on (the log "
        + "says so; the metric `easy_label_warnings` counts them). Findings on other features, "
        + "on a feature's missingness (`<f>__missing`), and the row, key, time and fit checks "
        + "still fail. A leak of two columns that each separate the classes, or a leak next to "
        + "an honest feature that does, passes as warnings: set `false` where that can happen.")
    Boolean easyLabel) {
  public static final double DEFAULT_MAX_SINGLE_FEATURE_AUC = 0.95;
  public static final double DEFAULT_MAX_SHARED_ROW_FRACTION = 0.02;
  /**
   * As for the share of rows: 2 points of label agreement, e.g. a tenth of the held-out rows copied
   * from train rows with about five twins each on a balanced label.
   */
  public static final double DEFAULT_MAX_SHARED_ROW_LABEL_EXCESS = 0.02;
  /**
   * A 0/1 feature that is right about a balanced label 98 % of the time scores 0.86, one right 95 %
   * of the time 0.71, 90 % 0.53. Honest strong inputs of public data sets reach 0.6-0.7 (a vote on
   * the physician fee freeze for a congressman's party 0.61, the shuttle's first sensor 0.69, a
   * quake's reporting stations 0.67), which the first default, 0.6, failed; a code that leaks
   * without order tells nearly all (1.0).
   */
  public static final double DEFAULT_MAX_MUTUAL_INFORMATION = 0.8;

  public LeakageConfig {
    maxSingleFeatureAuc = maxSingleFeatureAuc == null
        ? DEFAULT_MAX_SINGLE_FEATURE_AUC : maxSingleFeatureAuc;
    maxSharedRowFraction = maxSharedRowFraction == null
        ? DEFAULT_MAX_SHARED_ROW_FRACTION : maxSharedRowFraction;
    maxSharedRowLabelExcess = maxSharedRowLabelExcess == null
        ? DEFAULT_MAX_SHARED_ROW_LABEL_EXCESS : maxSharedRowLabelExcess;
    maxMutualInformation = maxMutualInformation == null
        ? DEFAULT_MAX_MUTUAL_INFORMATION : maxMutualInformation;
    easyLabel = easyLabel == null ? Boolean.TRUE : easyLabel;
    waivers = waivers == null ? List.of() : List.copyOf(waivers);
    featureTimes = featureTimes == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(featureTimes));
  }

  public static LeakageConfig defaults() {
    return new LeakageConfig(null, null, null, null, null, null, null, null);
  }

  /**
   * Each feature checked against {@code label_time_column} and the column holding its event time:
   * every date/time feature is its own event time, and {@code feature_times} adds the others.
   * Empty without a label time.
   */
  public Map<String, String> eventTimesOf(FeatureConfig features) {
    Map<String, String> times = new LinkedHashMap<>();
    if (labelTimeColumn == null) {
      return times;
    }
    features.datetime().forEach(d -> times.put(d.column(), d.column()));
    times.putAll(featureTimes);
    return times;
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns,
      FeatureConfig features) {
    if (labelTimeColumn != null) {
      requireTimeColumn(errors, labelTimeColumn, columns, "label_time_column");
    }
    errors.require(featureTimes.isEmpty() || labelTimeColumn != null, "feature_times",
        "needs label_time_column (the time each feature's event time must not be after)");
    List<String> inputs = features == null ? List.of() : features.inputColumns();
    featureTimes.forEach((feature, time) -> {
      errors.require(inputs.contains(feature), "feature_times." + feature,
          feature + " is not a feature input (features: " + inputs + ")");
      requireTimeColumn(errors, time, columns, "feature_times." + feature);
    });
    validateThresholds(errors);
  }

  private static void requireTimeColumn(ConfigErrors errors, String column,
      Map<String, ColumnSpec> columns, String field) {
    errors.requireColumn(column, columns, field);
    ColumnSpec spec = column == null ? null : columns.get(column);
    if (spec != null && !"date".equals(spec.type()) && !"timestamp".equals(spec.type())) {
      errors.add(field, column + " is declared " + spec.type() + "; a date or timestamp column "
          + "is needed");
    }
  }

  private void validateThresholds(ConfigErrors errors) {
    errors.requireFraction(maxSingleFeatureAuc, "max_single_feature_auc", false, true);
    errors.require(maxSingleFeatureAuc > 0.5, "max_single_feature_auc",
        "must be > 0.5 (0.5 is a coin flip), got " + maxSingleFeatureAuc);
    errors.requireFraction(maxSharedRowFraction, "max_shared_row_fraction", true, true);
    errors.requireFraction(maxSharedRowLabelExcess, "max_shared_row_label_excess", true, true);
    errors.requireFraction(maxMutualInformation, "max_mutual_information", false, true);
    Set<String> waived = new HashSet<>();
    for (int i = 0; i < waivers.size(); i++) {
      LeakageWaiver waiver = waivers.get(i);
      if (waiver == null) {
        errors.at("waivers", i).add(null, "must be an object");
        continue;
      }
      waiver.validate(errors.at("waivers", i));
      errors.at("waivers", i).require(waiver.check() == null || waived.add(waiver.check()),
          "check", waiver.check() + " is waived twice");
    }
  }
}
