package org.deepline.leakage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.UncompressedCache;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.etl.RecordIds;
import org.deepline.etl.SchemaConfig;
import org.deepline.features.FeatureConfig;
import org.deepline.features.FeatureModel;
import org.deepline.featurestore.FeatureJoins;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.ResultTable;
import org.deepline.sampling.SplitConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leakage gate: runs every leakage check on the run date's splits, silver rows and feature model,
 * keeps the verdicts in the leakage table, and fails the run when any check fails.
 */
public final class LeakageJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(LeakageJob.class);
  /**
   * What each target-leak check measures of a regression label, said once per run: the checks
   * keep their names, thresholds and waivers, so a user reads what a figure means here.
   */
  static final String REGRESSION_CHECKS = "leakage: label.column {} is a regression label: "
      + "single_feature_auc is each feature's concordance with the number (the share of row "
      + "pairs of different numbers it orders right, a 0/1 label's AUC), mutual_information is "
      + "over the number's " + LeakageChecks.REGRESSION_LABEL_BINS + " train quantile bins, "
      + "shared_row_labels counts twins whose numbers agree within "
      + LeakageChecks.TWIN_TOLERANCE_OF_SPREAD + " of train's standard deviation; easy_label "
      + "reads those findings as it reads a class label's";
  /** The failed warnings a log line names one by one. */
  private static final int WARNINGS_SAID = 5;
  /** The checks a feature fails by knowing the label, which a waiver may accept for an honest one. */
  private static final List<String> TARGET_LEAK_CHECKS = List.of(LeakageChecks.SINGLE_FEATURE_AUC,
      LeakageChecks.MUTUAL_INFORMATION, LeakageChecks.MUTUAL_INFORMATION_PAIR);

  /**
   * The fitted vocabularies that are values of their column (one-hot, embedding, target
   * encoding), most frequent first; a bag of words holds words and a hashed column none.
   */
  static Map<String, List<String>> valueVocabularies(FeatureModel model) {
    Map<String, List<String>> vocabularies = new HashMap<>();
    model.categorical().stream()
        .filter(f -> !f.words() && !f.hashed() && !f.vocabulary().isEmpty())
        .forEach(f -> vocabularies.put(f.name(), f.vocabulary()));
    return vocabularies;
  }

  /**
   * The log line for the checks that failed as warnings, other than those an easy label softened
   * and those a waiver accepted (which have their own line, or the user's reason): said in the
   * log, not only in the table, since a feature as good as the label that a small validation split
   * could not condemn is what a user must look at before trusting the model. At most
   * {@value #WARNINGS_SAID} are named, then how many more. Empty when there are none.
   *
   * @param beforeEasyLabel the results with the waivers applied, before the easy-label rule
   * @param results         the results as judged, the easy-label rule applied
   * @param waived          the check names of the config's waivers
   */
  static Optional<String> keptAsWarnings(List<ConstraintResult> beforeEasyLabel,
      List<ConstraintResult> results, Set<String> waived, String runDate, String table) {
    Set<String> saidElsewhere = new HashSet<>(waived);
    ResultTable.errors(beforeEasyLabel).forEach(r -> saidElsewhere.add(r.name()));
    ResultTable.errors(results).forEach(r -> saidElsewhere.remove(r.name()));
    List<ConstraintResult> warned = ResultTable.failedWarnings(results).stream()
        .filter(r -> !saidElsewhere.contains(r.name())).toList();
    if (warned.isEmpty()) {
      return Optional.empty();
    }
    String more = warned.size() > WARNINGS_SAID
        ? "; and " + (warned.size() - WARNINGS_SAID) + " more" : "";
    return Optional.of("leakage: " + warned.size() + " check(s) failed as warnings for " + runDate
        + ", and the run goes on: " + warned.stream().limit(WARNINGS_SAID)
            .map(ConstraintResult::message).collect(Collectors.joining("; ")) + more
        + " (see " + table + ")");
  }

  /**
   * What a user does about a gate that failed on target-leak checks only, in its error: a feature
   * known only after the outcome is dropped; one known before it (a strong honest input) is waived
   * with the reason, named as the failed check is. Nothing for the row, key, time and fit checks,
   * where a waiver would hide a broken split or a stale feature model.
   */
  static String nextStep(List<ConstraintResult> failed) {
    if (!failed.stream().allMatch(r -> TARGET_LEAK_CHECKS.stream().anyMatch(r.name()::startsWith))) {
      return "";
    }
    return ". A feature recorded after the outcome leaks it: drop it from features. One known "
        + "before the outcome may be waived with the reason: leakage.waivers [" + failed.stream()
            .map(r -> "{\"check\": \"" + r.name() + "\", \"reason\": \"...\"}")
            .collect(Collectors.joining(", ")) + "]";
  }

  @Override
  public Name name() {
    return new Name("leakage",
        "Fail on records shared across splits, near-perfect single features, or "
            + "a feature model not fitted on train.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.LEAKAGE);
  }

  /**
   * The silver columns some check reads: the record id, the features' inputs and the times the
   * time checks compare. The gate caches silver joined with the splits, and the other columns
   * (the source file of every row, the load time, source columns no feature uses) would be
   * shuffled and cached for nothing.
   */
  static Dataset<Row> checkedColumns(Dataset<Row> silver, FeatureConfig features,
      LeakageConfig leakage, SplitConfig split) {
    Set<String> checked = new LinkedHashSet<>();
    checked.add(RecordIds.RECORD_ID);
    checked.addAll(features.inputColumns());
    if (leakage.labelTimeColumn() != null) {
      checked.add(leakage.labelTimeColumn());
    }
    checked.addAll(leakage.eventTimesOf(features).values());
    if (SplitConfig.TIME.equals(split.method())) {
      checked.add(split.timeColumn());
    }
    List<String> present = Arrays.asList(silver.columns());
    return silver.select(checked.stream().filter(present::contains).map(Columns::col)
        .toArray(Column[]::new));
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    FeatureConfig features = context.section(FeatureConfig.class);
    LeakageConfig leakage = context.section(LeakageConfig.class);
    RunContext.Input silver = context.input(Table.SILVER);
    RunContext.Input splitsInput = context.input(Table.SPLITS);
    SplitConfig split = context.section(SplitConfig.class);
    String artifact = context.warehouse().featureArtifact(context.dataset(), context.runDate());
    FeatureModel model = FeatureModel.fromJson(context.files().readText(artifact), artifact);
    // The label's classes, as split wrote the label column: a multi-class label's class indices
    // are judged one class at a time, where 0/1 arithmetic would merge its classes. The kept
    // artifact names them; silver is read only when neither it nor the config does.
    LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
        silver::rows, "leakage");
    if (label.isRegression()) {
      LOG.info(REGRESSION_CHECKS, label.column());
    }
    // The cached join is read by a handful of checks and dropped: compressing its columns cost
    // more than all those reads gain (flights-3m: 5 of the 12 task CPU-seconds of the join's stage,
    // for 250 instead of 150 MB held during the gate).
    UncompressedCache uncompressed = UncompressedCache.open(spark);
    // One row per record with its first and last split: the overlap, copy and provenance checks
    // read it too, so the splits table is scanned once. The feature tables are joined as features
    // joined them: the same versions, so the same values.
    Dataset<Row> labelled = LeakageChecks.withSplitSpan(checkedColumns(
        FeatureJoins.apply(silver.rows(), model.joins()), features, leakage, split),
        splitsInput.rows()).persist();
    try {
      List<ConstraintResult> results = new ArrayList<>();
      LeakageChecks.SplitSummary splitSummary = LeakageChecks.SplitSummary.of(labelled);
      results.add(LeakageChecks.keyOverlap(splitSummary));
      if (context.section(SchemaConfig.class).key().isEmpty()) {
        results.add(LeakageChecks.copiesAcrossSplits(labelled, splitSummary));
      }
      List<ConstraintResult> sharedRows = LeakageChecks.sharedRows(labelled, features,
          leakage.maxSharedRowFraction(), leakage.maxSharedRowLabelExcess(), label);
      results.addAll(sharedRows);
      results.addAll(LeakageChecks.singleFeatureAuc(labelled, features,
          leakage.maxSingleFeatureAuc(), splitSummary.validationRows(), label));
      results.addAll(LeakageChecks.binnedMutualInformation(labelled, features,
          valueVocabularies(model), leakage.maxMutualInformation(), label));
      results = LeakageChecks.informationAlikeAuc(results);
      results.add(LeakageChecks.fittedOnTrain(model, splitSummary, context.runDate()));
      results.addAll(LeakageChecks.featureAfterLabelTime(labelled, leakage.labelTimeColumn(),
          leakage.eventTimesOf(features)));
      if (SplitConfig.TIME.equals(split.method())) {
        results.add(LeakageChecks.timeOrder(labelled, split.timeColumn()));
      }
      // A user's waiver, with its reason, comes before the rule of thumb.
      results = LeakageWaiver.apply(results, leakage.waivers());
      List<String> strong = leakage.easyLabel() ? EasyLabel.strongFeatures(results) : List.of();
      List<ConstraintResult> softened = EasyLabel.apply(results, strong);
      int easyLabelWarnings = ResultTable.errors(results).size()
          - ResultTable.errors(softened).size();
      if (easyLabelWarnings > 0) {
        LOG.warn("leakage: {}{} (max_single_feature_auc {}, mutual_information_pair): an easy "
            + "label, so {} target-leak finding(s) on them are kept as warnings "
            + "(leakage.easy_label)", strong, EasyLabel.how(results), leakage.maxSingleFeatureAuc(),
            easyLabelWarnings);
      }
      List<ConstraintResult> beforeEasyLabel = results;
      results = softened;
      TableRef leakageRef = ResultTable.write(context, LeakageChecks.CHECK, results,
          context.table(Table.LEAKAGE));
      keptAsWarnings(beforeEasyLabel, results, leakage.waivers().stream()
              .map(LeakageWaiver::check).collect(Collectors.toSet()), context.runDate(),
          leakageRef.path()).ifPresent(LOG::warn);

      List<ConstraintResult> errors = ResultTable.errors(results);
      if (!errors.isEmpty()) {
        throw new DeeplineException(Failure.LEAKAGE_GATE, "leakage: " + errors.size() + " check(s) failed for "
            + context.runDate() + ": " + errors.stream().map(ConstraintResult::message)
            .collect(Collectors.joining("; ")) + " (see " + leakageRef.path() + ")"
            + nextStep(errors));
      }
      double strongest = results.stream()
          .filter(r -> r.name().startsWith(LeakageChecks.SINGLE_FEATURE_AUC))
          .mapToDouble(ConstraintResult::value).filter(v -> !Double.isNaN(v)).max().orElse(0.5);
      double mostInformative = results.stream()
          .filter(r -> r.name().startsWith(LeakageChecks.MUTUAL_INFORMATION)
              || r.name().startsWith(LeakageChecks.MUTUAL_INFORMATION_PAIR))
          .mapToDouble(ConstraintResult::value).filter(v -> !Double.isNaN(v)).max().orElse(0);
      StageResult.Builder result = StageResult.builder()
          .input(silver.ref()).input(splitsInput.ref()).output(leakageRef)
          .artifact("feature_model", artifact)
          .metric("checks", results.size())
          .metric("max_single_feature_auc", strongest)
          .metric("max_mutual_information", mostInformative)
          .metric("shared_row_excess", sharedRows.get(0).value())
          .metric("warnings", ResultTable.warnings(results))
          .metric("easy_label_warnings", easyLabelWarnings);
      // Absent, not NaN, when no row had an identical one to compare labels with.
      double labelExcess = sharedRows.get(1).value();
      if (!Double.isNaN(labelExcess)) {
        result.metric("shared_row_label_excess", labelExcess);
      }
      return result.build();
    } finally {
      labelled.unpersist();
      uncompressed.close();
    }
  }
}
