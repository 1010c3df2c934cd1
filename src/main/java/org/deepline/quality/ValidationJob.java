package org.deepline.quality;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestConfig;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.SchemaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validate (Deequ's analyzers -> constraints -> checks -> repository): profiles every column of the
 * run date's silver rows in one pass and keeps the profile in the metrics table, runs the declared
 * constraints, compares the profile with earlier runs' (anomaly checks), keeps every verdict in the
 * quality table and the whole in {@code reports/<run_date>/quality.json} and, as a page,
 * {@code quality.html}, and fails the run when an error-level constraint or anomaly check fails
 * (warnings are recorded and logged). With {@code --suggest} it also proposes constraints from the
 * profile, printed and saved; suggesting never fails a run.
 */
public final class ValidationJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ValidationJob.class);
  private final boolean suggest;
  private final PrintStream out;

  public ValidationJob() {
    this(false, System.out);
  }

  /**
   * @param suggest whether to propose constraints from the profile
   * @param out     where the suggested snippet is printed
   */
  public ValidationJob(boolean suggest, PrintStream out) {
    this.suggest = suggest;
    this.out = out;
  }

  @Override
  public Name name() {
    return new Name("validate",
        "Profile silver, check it against the declared constraints and earlier runs; fail on an "
            + "error-level breach.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.METRICS, Table.QUALITY);
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    String silverPath = context.table(Table.SILVER);
    TableRef silverRef = DeltaTables.ref(spark, silverPath);
    // Possibly empty: an empty table is a failed size constraint, reported like any other.
    Dataset<Row> silver = DeltaTables.slice(spark, silverRef, context.runDate());
    Dataset<Row> profiled = silver.drop(DeltaTables.RUN_DATE);
    SchemaConfig schema = context.section(SchemaConfig.class);
    ValidationConfig validation = context.section(ValidationConfig.class);
    Profiler.checkSchema(profiled.schema());
    Anomalies.checkSchema(validation.anomalies(), profiled.schema());
    QualityCheck check = SchemaConstraints.forSilver(schema, validation);

    // One pass (two for a wide table): the declared constraints are judged in the profile's
    // aggregation or from the profile.
    Profiler.Checked checked = Profiler.profileAndCheck(profiled, validation.topK(), check);
    TableProfile profile = checked.profile();
    String metricsPath = context.table(Table.METRICS);
    List<MetricsTable.PastMetric> history = MetricsTable.history(spark, metricsPath,
        context.runDate(), Anomalies.metrics(validation.anomalies()));
    TableRef metricsRef = MetricsTable.write(spark, context.runId(), context.runDate(), profile,
        metricsPath);
    List<ConstraintResult> results = new ArrayList<>(keepNeverFilledAsWarnings(checked.results(),
        spark, metricsPath, context.runDate(), validation.severities().keySet()));
    LabelConfig label = context.section(LabelConfig.class);
    results.addAll(NullText.check(profile, schema.byName(),
        context.section(IngestConfig.class).nullTokens(), label.isExpression() ? null
            : label.column()));
    List<ConstraintResult> anomalies = Anomalies.evaluate(validation.anomalies(), profile, history);
    Map<String, List<ConstraintResult>> verdicts = new LinkedHashMap<>();
    verdicts.put(check.name(), results);
    verdicts.put(Anomalies.CHECK, anomalies);
    TableRef qualityRef = ResultTable.write(context, verdicts, context.table(Table.QUALITY));

    String reportDir = context.warehouse().reportDir(context.dataset(), context.runDate());
    List<ConstraintSpec> suggestions = null;
    StageResult.Builder result = StageResult.builder();
    if (suggest) {
      Set<String> existing = check.constraints().stream().map(Constraint::name)
          .collect(Collectors.toSet());
      suggestions = ConstraintSuggestions.holding(
          ConstraintSuggestions.suggest(profile, existing, schema.byName()), silver);
      String snippet = ConstraintSuggestions.snippet(suggestions);
      context.files().writeText(reportDir + "/" + QualityReport.SUGGESTIONS_FILE, snippet);
      out.println("Suggested constraints for the validation section of " + context.dataset()
          + " (" + suggestions.size() + "):");
      out.println(snippet);
      result.metric("suggestions", suggestions.size())
          .artifact("suggestions", reportDir + "/" + QualityReport.SUGGESTIONS_FILE);
    }
    Map<String, List<QualityReport.EarlierValue>> anomalyHistory = new LinkedHashMap<>();
    for (AnomalyCheckConfig anomalyCheck : validation.anomalies()) {
      anomalyHistory.put(anomalyCheck.name(), Anomalies.earlier(anomalyCheck, history).stream()
          .map(m -> new QualityReport.EarlierValue(m.runDate(), m.value())).toList());
    }
    QualityReport report = new QualityReport(context.dataset(), context.runDate(),
        context.runId(), silverPath, silverRef.version(), profile, results, anomalies,
        anomalyHistory, suggestions);
    // Both before a failure is thrown: a failed run's report is the one people need to read.
    context.files().writeText(reportDir + "/" + QualityReport.FILE, Json.write(report));
    context.files().writeText(reportDir + "/" + QualityReport.HTML_FILE,
        QualityReportPage.render(report));

    List<ConstraintResult> all = new ArrayList<>(results);
    all.addAll(anomalies);
    List<ConstraintResult> warnings = ResultTable.failedWarnings(all);
    if (!warnings.isEmpty()) {
      LOG.warn("validate: {} warning-level check(s) failed on {} for {}; the run goes on: {} "
          + "(report: {})", warnings.size(), silverPath, context.runDate(), warnings.stream()
          .map(ConstraintResult::message).collect(Collectors.joining("; ")),
          reportDir + "/" + QualityReport.HTML_FILE);
    }
    List<ConstraintResult> errors = ResultTable.errors(all);
    if (!errors.isEmpty()) {
      throw new DeeplineException(Failure.DATA_QUALITY, "validate: " + errors.size()
          + " error-level constraint(s) failed on " + silverPath + " for " + context.runDate()
          + ": " + errors.stream().map(ConstraintResult::message).collect(Collectors.joining("; ")));
    }
    result.input(silverRef)
        .output(qualityRef)
        .output(metricsRef)
        .metric("constraints", results.size())
        .metric("constraints_failed_warning", ResultTable.warnings(results))
        .metric("rows", profile.rows())
        .metric("profile_columns", profile.columns().size())
        .metric("anomaly_checks", anomalies.size())
        .metric("anomalies_failed_warning", ResultTable.warnings(anomalies))
        .artifact("report_json", reportDir + "/" + QualityReport.FILE)
        .artifact("report_html", reportDir + "/" + QualityReport.HTML_FILE);
    for (ColumnProfile column : profile.columns()) {
      result.metric(MetricsTable.NULL_FRACTION + ":" + column.name(),
          column.nullFraction(profile.rows()));
      if (column.distinct() != null) {
        result.metric(MetricsTable.DISTINCT + ":" + column.name(), column.distinct());
      }
    }
    return result.build();
  }

  /**
   * {@code results} with each column that has no value on this date and never had one on another
   * date kept as a warning ({@link EmptyColumns}), unless {@code validation.severities} names its
   * check; reads the metrics of the other dates only when some column is empty.
   */
  private static List<ConstraintResult> keepNeverFilledAsWarnings(List<ConstraintResult> results,
      SparkSession spark, String metricsPath, String runDate, Set<String> overridden) {
    List<String> empty = EmptyColumns.failing(results).stream()
        .filter(column -> !overridden.contains(SchemaConstraints.NOT_ALL_NULL + column)).toList();
    if (empty.isEmpty()) {
      return results;
    }
    Set<String> filled = MetricsTable.filledOnOtherDates(spark, metricsPath, runDate, empty);
    List<String> neverFilled = empty.stream().filter(c -> !filled.contains(c)).toList();
    List<ConstraintResult> kept = EmptyColumns.keepAsWarnings(results, neverFilled);
    if (!neverFilled.isEmpty()) {
      LOG.warn("validate: column(s) {} have no value, and no other run date had one: kept as a "
          + "warning (not_all_null); the features stage gives a numeric or date/time one 0 in "
          + "every slot",
          neverFilled);
    }
    return kept;
  }
}
