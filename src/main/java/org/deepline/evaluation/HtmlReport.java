package org.deepline.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.deepline.core.html.Elements;
import org.deepline.core.html.Formats;
import org.deepline.core.html.Html;
import org.deepline.core.html.Html.Element;
import org.deepline.core.html.HtmlPage;
import org.deepline.core.html.SvgChart;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.metrics.BinaryMetrics.Confusion;
import org.deepline.metrics.BinaryMetrics.Interval;
import org.deepline.metrics.BinaryMetrics.OperatingPoint;
import org.deepline.metrics.SliceMetrics;
import org.deepline.training.ModelMetadata;

/**
 * Renders an {@link EvaluationReport} as one self-contained HTML page ({@link HtmlPage}: the house
 * style and scripts inline), charts as inline SVG drawn from the report's points, nothing fetched
 * from anywhere, so the file can be mailed, archived or opened from object storage as it is.
 *
 * <pre>{@code
 * files.writeText(reportDir + "/evaluation.html", HtmlReport.render(report));
 * }</pre>
 *
 * <p>Each section is a function from the report to an {@link Html} node. The output depends on the
 * report only (no clock, fixed locale and number formats), so it is golden-tested byte for byte, and
 * its scripts mark the page ({@code data-render="ok"}) once every chart has drawn, which the browser
 * test checks in headless Chromium.
 */
public final class HtmlReport {
  /** Metrics show this many decimals: enough to compare runs, few enough to read. */
  private static final String METRIC_FORMAT = "%.4f";
  private static final String SIGNED_METRIC_FORMAT = "%+.4f";
  /** Half a unit of {@link #SIGNED_METRIC_FORMAT}'s last digit: smaller prints as zero. */
  private static final double HALF_LAST_DIGIT = 0.00005;
  private static final double TO_PERCENT = 100;
  /**
   * Calibration bin bounds: three decimals tell apart the narrowest bins EvaluationConfig allows
   * (1/1000); zeros beyond the second decimal are dropped, as bins are mostly tenths or twentieths.
   */
  private static final String BIN_BOUND_FORMAT = "%.3f";
  private static final int BIN_BOUND_MIN_DECIMALS = 2;
  private static final String NOT_DEFINED = Formats.NOT_DEFINED;

  private HtmlReport() {}

  /** The page for {@code report}, as a UTF-8 string ending with a newline. */
  public static String render(EvaluationReport report) {
    BinaryMetrics.Summary metrics = report.metrics();
    Element main = Html.el("main").add(
        header(report),
        HtmlPage.errorList(),
        verdict(report.blessing()),
        kpis(metrics),
        Html.el("div").cls("grid").add(metricsTable(metrics),
            Html.el("div").cls("stack").add(metrics.operatingPoints().stream()
                .map(HtmlReport::confusionMatrix).toList())),
        Html.el("div").cls("three").add(rocChart(metrics), prChart(metrics),
            reliabilityChart(metrics.calibration())),
        calibrationTable(metrics.calibration()),
        slices(report.slices()),
        behavioural(report.behavioural()),
        baselines(report.baselines(), report.split(), report.metrics().count()),
        ensemble(report.ensemble()),
        importance(report.importance(), report.modelKind()),
        foldedInputs(report.foldedInputs()),
        TrainingSection.render(report.training(), report.modelKind()),
        champion(report.champion()),
        Html.el("footer").text("deepline evaluation report · schema version "
            + report.schemaVersion() + " · generated " + report.generatedAt()));
    return HtmlPage.render("Evaluation · " + report.dataset() + " · " + report.modelVersion(),
        HtmlPage.STYLE + TrainingSection.STYLE, main);
  }

  private static Element header(EvaluationReport report) {
    Element meta = Html.el("dl").cls("meta");
    Elements.metaItem(meta, "Dataset", report.dataset());
    Elements.metaItem(meta, "Model version", report.modelVersion());
    Elements.metaItem(meta, "Model", report.modelKind());
    Elements.metaItem(meta, "Split", report.split());
    for (OperatingPoint point : report.metrics().operatingPoints()) {
      Elements.metaItem(meta, "Threshold (" + point.name() + ")", metric(point.threshold()));
    }
    Elements.metaItem(meta, "Threshold source", report.thresholdSource());
    Elements.metaItem(meta, "Rows", count(report.metrics().count()));
    Elements.metaItem(meta, "Positives", count(report.metrics().positives()));
    Elements.metaItem(meta, "Run id", report.runId());
    Elements.metaItem(meta, "Run date", report.runDate());
    return Html.el("header").add(Html.el("p").cls("eyebrow").text("Model evaluation"),
        Html.el("h1").text(report.dataset() + " · " + report.modelVersion()), meta);
  }

  /** The blessing's verdict, its reasons and checks (also a regression report's). */
  static Element verdict(Blessing.Verdict verdict) {
    Element section = Html.el("section").cls("verdict " + (verdict.blessed() ? "blessed"
        : "refused")).attr("id", "blessing").add(
        Html.el("h2").text("Blessing"),
        Html.el("p").cls("headline").text(verdict.blessed() ? "Blessed" : "Not blessed"),
        Html.el("p").cls("note").text(verdict.summary()));
    if (!verdict.reasons().isEmpty()) {
      section.add(Html.el("ul").cls("reasons").add(verdict.reasons().stream()
          .map(reason -> Html.el("li").text(reason)).toList()));
    }
    if (!verdict.checks().isEmpty()) {
      Element rows = Html.el("tbody");
      for (Blessing.Check check : verdict.checks()) {
        rows.add(Html.el("tr").add(Html.el("td").text(check.name()),
            Elements.passCell(check.passed()), Html.el("td").cls("detail").text(check.detail())));
      }
      section.add(Html.el("table").add(Elements.tableHead("Check", "Result", "Detail"), rows));
    }
    return section;
  }

  private static Element kpis(BinaryMetrics.Summary metrics) {
    return Html.el("div").cls("kpis").add(
        kpi("ROC AUC", metrics.rocAuc(), interval(metrics, "roc_auc")),
        kpi("PR AUC", metrics.prAuc(), interval(metrics, "pr_auc")),
        kpi("F1 at " + metric(metrics.primary().threshold()), metrics.f1(),
            interval(metrics, "f1")),
        kpi("Calibration error (ECE)", metrics.expectedCalibrationError(),
            interval(metrics, "ece")));
  }

  /** One headline figure, with its interval when there is one (else empty). */
  static Element kpi(String label, double value, String interval) {
    Element kpi = Html.el("div").cls("kpi").add(Html.el("div").cls("label").text(label),
        Html.el("div").cls("value").text(metric(value)));
    if (!interval.isEmpty()) {
      kpi.add(Html.el("div").cls("interval").text(interval));
    }
    return kpi;
  }

  /** "95% CI 0.8512 to 0.8901", or empty without a bootstrap. */
  private static String interval(BinaryMetrics.Summary metrics, String name) {
    if (metrics.intervals() == null || !metrics.intervals().metrics().containsKey(name)) {
      return "";
    }
    Interval interval = metrics.intervals().metrics().get(name);
    return percent(metrics.intervals().confidence()) + " CI " + metric(interval.lower()) + " to "
        + metric(interval.upper());
  }

  private static Element metricsTable(BinaryMetrics.Summary metrics) {
    List<String> columns = new ArrayList<>(List.of("Metric"));
    metrics.operatingPoints().forEach(p -> columns.add("At " + metric(p.threshold()) + " ("
        + p.name() + ")"));
    boolean withIntervals = metrics.intervals() != null;
    if (withIntervals) {
      columns.add(percent(metrics.intervals().confidence()) + " CI");
    }
    Element rows = Html.el("tbody");
    thresholdRow(rows, metrics, "Accuracy", "accuracy", OperatingPoint::accuracy);
    thresholdRow(rows, metrics, "Precision", "precision", OperatingPoint::precision);
    thresholdRow(rows, metrics, "Recall", "recall", OperatingPoint::recall);
    thresholdRow(rows, metrics, "F1", "f1", OperatingPoint::f1);
    int points = metrics.operatingPoints().size();
    freeRow(rows, metrics, points, "ROC AUC", "roc_auc", metrics.rocAuc());
    freeRow(rows, metrics, points, "PR AUC (average precision)", "pr_auc", metrics.prAuc());
    freeRow(rows, metrics, points, "Log loss", "log_loss", metrics.logLoss());
    freeRow(rows, metrics, points, "Brier score", "brier", metrics.brier());
    freeRow(rows, metrics, points, "Expected calibration error", "ece",
        metrics.expectedCalibrationError());
    freeRow(rows, metrics, points, "Maximum calibration error", "mce",
        metrics.calibration().maxCalibrationError());
    return Html.el("section").add(Html.el("h2").text("Metrics"),
        Html.el("table").cls("metrics").add(Elements.tableHead(columns.toArray(String[]::new)), rows),
        Html.el("p").cls("note").text("Threshold-free metrics span the threshold columns. "
            + (withIntervals ? "Intervals: Poisson bootstrap, " + metrics.intervals().replicates()
                + " replicates, seed " + metrics.intervals().seed() + "." : "No bootstrap.")));
  }

  private static void thresholdRow(Element rows, BinaryMetrics.Summary metrics, String label,
      String name, java.util.function.ToDoubleFunction<OperatingPoint> value) {
    Element row = Html.el("tr").add(Html.el("td").text(label));
    metrics.operatingPoints().forEach(p -> row.add(Html.el("td").text(metric(value.applyAsDouble(
        p)))));
    if (metrics.intervals() != null) {
      row.add(Html.el("td").text(intervalCell(metrics, name)));
    }
    rows.add(row);
  }

  private static void freeRow(Element rows, BinaryMetrics.Summary metrics, int points,
      String label, String name, double value) {
    Element row = Html.el("tr").add(Html.el("td").text(label),
        Html.el("td").attr("colspan", points).text(metric(value)));
    if (metrics.intervals() != null) {
      row.add(Html.el("td").text(intervalCell(metrics, name)));
    }
    rows.add(row);
  }

  private static String intervalCell(BinaryMetrics.Summary metrics, String name) {
    Interval interval = metrics.intervals().metrics().get(name);
    return interval == null ? "" : metric(interval.lower()) + " to " + metric(interval.upper());
  }

  private static Element confusionMatrix(OperatingPoint point) {
    Confusion confusion = point.confusion();
    Element rows = Html.el("tbody").add(
        Html.el("tr").add(Html.el("th").attr("scope", "row").text("Positive"),
            confusionCell("correct", confusion.tp(), "true positives"),
            confusionCell("wrong", confusion.fn(), "false negatives")),
        Html.el("tr").add(Html.el("th").attr("scope", "row").text("Negative"),
            confusionCell("wrong", confusion.fp(), "false positives"),
            confusionCell("correct", confusion.tn(), "true negatives")));
    return Html.el("section").add(
        Html.el("h2").text("Confusion matrix at " + metric(point.threshold()) + " (" + point.name()
            + ")"),
        Html.el("table").cls("confusion")
            .add(Elements.tableHead("Actual", "Predicted positive", "Predicted negative"), rows),
        Html.el("p").cls("note").text("A row is predicted positive when its probability is at "
            + "least " + metric(point.threshold()) + "."));
  }

  private static Element confusionCell(String kind, long value, String meaning) {
    return Html.el("td").cls(kind).text(count(value)).add(Html.el("span").text(meaning));
  }

  private static Element rocChart(BinaryMetrics.Summary metrics) {
    Element section = Html.el("section").add(Html.el("h2").text("ROC curve"));
    if (metrics.rocCurve().isEmpty()) {
      return section.add(notDefined());
    }
    List<double[]> points = metrics.rocCurve().stream()
        .map(p -> new double[] {p.fpr(), p.tpr()}).toList();
    return section.add(new SvgChart("ROC curve", "False positive rate", "True positive rate")
            .reference(0, 0, 1, 1).area(points).curve(points, "curve")
            .label("AUC " + metric(metrics.rocAuc())).build(),
        Html.el("p").cls("note").text("Dashed: a model that ranks at random."));
  }

  private static Element prChart(BinaryMetrics.Summary metrics) {
    Element section = Html.el("section").add(Html.el("h2").text("Precision-recall curve"));
    if (metrics.prCurve().isEmpty()) {
      return section.add(notDefined());
    }
    double baseRate = (double) metrics.positives() / metrics.count();
    List<double[]> points = metrics.prCurve().stream()
        .map(p -> new double[] {p.recall(), p.precision()}).toList();
    return section.add(new SvgChart("Precision-recall curve", "Recall", "Precision")
            .reference(0, baseRate, 1, baseRate).curve(points, "curve")
            .label("AP " + metric(metrics.prAuc())).build(),
        Html.el("p").cls("note").text("Dashed: the positive rate, " + metric(baseRate)
            + ", a model without skill."));
  }

  private static Element notDefined() {
    return Html.el("p").cls("note").text("Not defined: the split holds a single class.");
  }

  private static Element reliabilityChart(BinaryMetrics.Calibration calibration) {
    List<double[]> points = calibration.bins().stream()
        .map(b -> new double[] {b.meanPredicted(), b.observedRate()}).toList();
    List<String> tips = calibration.bins().stream()
        .map(b -> binRange(b) + ": " + count(b.count()) + " rows, observed "
            + metric(b.observedRate()))
        .toList();
    return Html.el("section").add(Html.el("h2").text("Reliability diagram"),
        new SvgChart("Reliability diagram", "Mean predicted probability", "Observed positive rate")
            .reference(0, 0, 1, 1).curve(points, "curve").markers(points, tips)
            .label("ECE " + metric(calibration.expectedCalibrationError())).build(),
        Html.el("p").cls("note").text("Dashed: perfect calibration. Points above it are "
            + "under-confident, points below over-confident."));
  }

  private static Element calibrationTable(BinaryMetrics.Calibration calibration) {
    Element rows = Html.el("tbody");
    for (CalibrationBin bin : calibration.bins()) {
      rows.add(Html.el("tr").add(Html.el("td").text(binRange(bin)),
          Html.el("td").text(count(bin.count())), Html.el("td").text(metric(bin.meanPredicted())),
          Html.el("td").text(metric(bin.observedRate())),
          Html.el("td").text(signedMetric(bin.observedRate() - bin.meanPredicted()))));
    }
    String binning = calibration.binning() == BinaryMetrics.Binning.EQUAL_MASS
        ? "Equal-mass bins (about the same rows each)" : "Equal-width bins";
    return Html.el("section").cls("wide").add(Html.el("h2").text("Reliability table"),
        Html.el("table").add(Elements.tableHead("Probability", "Rows", "Mean predicted", "Observed rate", "Gap"),
            rows),
        Html.el("p").cls("note").text(binning + "; empty bins are omitted. Gap is observed minus "
            + "predicted: positive when the model is under-confident. ECE weighs each bin's |gap| "
            + "by its rows."));
  }

  private static Element slices(List<SliceMetrics.Slice> slices) {
    Element section = Elements.wideSection("slices", "Slices");
    if (slices.isEmpty()) {
      return section.add(Html.el("p").cls("note").text("No slice columns are declared "
          + "(evaluation.slices.columns)."));
    }
    Element rows = Html.el("tbody");
    for (SliceMetrics.Slice slice : slices) {
      rows.add(Html.el("tr").cls(slice.judged() ? "judged" : "small").add(
          Html.el("td").text(slice.name()), Html.el("td").text(count(slice.rows())),
          Html.el("td").text(count(slice.positives())), Html.el("td").text(metric(slice.accuracy())),
          Html.el("td").text(metric(slice.f1())), Html.el("td").text(metric(slice.rocAuc())),
          Html.el("td").text(metric(slice.logLoss())),
          Html.el("td").text(slice.judged() ? "yes" : "too small")));
    }
    return section.add(Html.el("table").add(Elements.tableHead("Slice", "Rows", "Positives", "Accuracy", "F1",
            "ROC AUC", "Log loss", "Judged"), rows),
        Html.el("p").cls("note").text("Accuracy and F1 at the chosen threshold. Slices below the "
            + "minimum rows are shown greyed and are neither judged nor compared."));
  }

  private static Element behavioural(List<BehaviouralResult> results) {
    Element section = Elements.wideSection("behavioural", "Behavioural tests");
    if (results.isEmpty()) {
      return section.add(Html.el("p").cls("note").text("No behavioural tests are declared "
          + "(evaluation.behavioural)."));
    }
    Element rows = Html.el("tbody");
    for (BehaviouralResult result : results) {
      rows.add(Html.el("tr").add(Html.el("td").text(result.name()),
          Html.el("td").text(result.type()), Html.el("td").text(count(result.rows())),
          Html.el("td").text(percent(result.failureRate())), Elements.passCell(result.passed()),
          Html.el("td").cls("detail").text(result.detail())));
    }
    return section.add(Html.el("table").add(Elements.tableHead("Test", "Type", "Rows", "Failure rate", "Result",
        "Detail"), rows));
  }

  /** Whether a model kind is a baseline that {@code baselines.promote} registered. */
  static boolean isPromotedBaseline(String modelKind) {
    return modelKind.startsWith(org.deepline.training.PromotedBaseline.KIND_PREFIX);
  }

  /**
   * The baseline ladder of the model's train run: a network that loses to a plain model says so
   * where people read the verdict, not only in a log line; with the rungs saved with the model
   * scored on this report's rows, also a gap validation could not show.
   */
  private static Element baselines(List<EvaluationReport.Baseline> baselines, String split,
      long rows) {
    Element section = Elements.wideSection("baselines", "Baselines");
    if (baselines.isEmpty()) {
      return section.add(Html.el("p").cls("note").text("The model was trained without the "
          + "baseline ladder (baselines.enabled)."));
    }
    EvaluationReport.Baseline registeredRow = baselines.get(0);
    double registeredAuc = registeredRow.validationRocAuc();
    String first = registeredRow.model();
    String kind = EvaluationReport.Baseline.ENSEMBLE.equals(first) ? "ensemble"
        : isPromotedBaseline(first) ? "promoted baseline" : "network";
    String registered = "The " + kind;
    List<EvaluationReport.Baseline> ladder = baselines.subList(1, baselines.size());
    EvaluationReport.Baseline best = ladder.stream()
        .max(java.util.Comparator.comparingDouble(EvaluationReport.Baseline::validationRocAuc))
        .orElseThrow();
    boolean onSplit = registeredRow.splitRocAuc() != null;
    Element tableRows = Html.el("tbody");
    for (EvaluationReport.Baseline baseline : baselines) {
      Element row = Html.el("tr").add(Html.el("td").text(baseline.model()),
          Html.el("td").text(metric(baseline.validationRocAuc())),
          Html.el("td").text(baseline == registeredRow ? ""
              : signedMetric(registeredAuc - baseline.validationRocAuc())));
      if (onSplit) {
        row.add(Html.el("td").text(baseline.splitRocAuc() != null
            ? metric(baseline.splitRocAuc())
            : first.equals(org.deepline.training.PromotedBaseline.KIND_PREFIX + baseline.model())
            ? "the model" : "not saved"));
      }
      tableRows.add(row);
    }
    boolean wins = registeredAuc >= best.validationRocAuc();
    String summary = isPromotedBaseline(first)
        ? "The model is the " + first.substring(
            org.deepline.training.PromotedBaseline.KIND_PREFIX.length()) + " baseline, promoted "
            + "(baselines.promote) because it beat the network of its train run by more than "
            + "baselines.promote_margin of validation ROC AUC."
        : wins
        ? registered + " beats the best baseline, " + best.model() + ", by "
            + metric(registeredAuc - best.validationRocAuc()) + " of validation ROC AUC."
        : registered + " LOSES to the " + best.model() + " baseline by "
            + metric(best.validationRocAuc() - registeredAuc) + " of validation ROC AUC: prefer the "
            + "baseline until the " + kind + " improves.";
    // "Network minus this" for a network, as the page always said; "Ensemble minus this" for one.
    String difference = Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " minus this";
    List<String> head = new java.util.ArrayList<>(List.of("Model", "Validation ROC AUC",
        difference));
    if (onSplit) {
      head.add("ROC AUC on " + split);
    }
    section.add(Html.el("p").cls(wins ? "note" : "note fail")
        .text(summary + " Fitted by the train run on the same features and rows."));
    if (onSplit && ladder.stream().anyMatch(row -> row.splitRocAuc() != null)
        && Double.isFinite(registeredRow.splitRocAuc())) {
      section.add(onSplitNote(registeredRow, ladder, kind, split, rows));
    }
    return section.add(Html.el("table").add(Elements.tableHead(head.toArray(String[]::new)),
        tableRows));
  }

  /**
   * What the saved rungs scored on this report's rows say: a rung ahead of the model by more than
   * {@link SavedBaselines#GAP_WARNING} is flagged, with what a user can do about it.
   */
  private static Element onSplitNote(EvaluationReport.Baseline registeredRow,
      List<EvaluationReport.Baseline> ladder, String kind, String split, long rows) {
    EvaluationReport.Baseline bestOnSplit = ladder.stream()
        .filter(row -> row.splitRocAuc() != null)
        .max(java.util.Comparator.comparingDouble(EvaluationReport.Baseline::splitRocAuc))
        .orElseThrow();
    double lead = bestOnSplit.splitRocAuc() - registeredRow.splitRocAuc();
    String figures = "On the " + Formats.count(rows) + " " + split + " rows the " + bestOnSplit.model()
        + " baseline's ROC AUC is " + metric(bestOnSplit.splitRocAuc()) + ", the " + kind + "'s "
        + metric(registeredRow.splitRocAuc());
    if (lead > SavedBaselines.GAP_WARNING) {
      return Html.el("p").cls("note fail").text(figures + ": the baseline leads by "
          + metric(lead) + ". Models are chosen on validation, never on " + split + ", so nothing "
          + "was changed; on few rows the two splits can disagree by chance. Worth trying: "
          + (kind.equals("network") ? "baselines.promote (ships the baseline when it wins on "
              + "validation), training.ensemble.method stacking, or train --tune."
              : "train --tune, or more training rows."));
    }
    double margin = registeredRow.splitRocAuc() - bestOnSplit.splitRocAuc();
    return Html.el("p").cls("note").text(figures + " (" + signedMetric(margin) + " for the "
        + kind + "). The saved baselines were scored by evaluate on the same rows as the model.");
  }

  /**
   * An ensemble's validation ROC AUC next to its members' and their mean: whether combining them
   * bought anything over the members alone. Nothing for a single network.
   */
  private static Html.Node ensemble(EvaluationReport.Ensemble ensemble) {
    if (ensemble == null) {
      return Html.fragment(List.of());
    }
    Element section = Elements.wideSection("ensemble", "Ensemble");
    double combined = ensemble.rows().get(0).validationRocAuc();
    Element rows = Html.el("tbody");
    for (EvaluationReport.Baseline row : ensemble.rows()) {
      rows.add(Html.el("tr").add(Html.el("td").text(row.model()),
          Html.el("td").text(metric(row.validationRocAuc())),
          Html.el("td").text(row == ensemble.rows().get(0) ? ""
              : signedMetric(combined - row.validationRocAuc()))));
    }
    String why = ensemble.autoSmallSplit() != null
        ? " It was built by training.ensemble.method auto (the default): the training split's "
            + ensemble.autoSmallSplit() + " rows are at most auto_stack_rows, too few for a "
            + "validation split to tell the network from the baselines, and the stack's "
            + "cross-fitted ROC AUC on the training rows was at least the network's out-of-fold "
            + "one."
        : Boolean.TRUE.equals(ensemble.autoAveraged())
        ? " It was built by training.ensemble.method auto (the default): no stack was "
            + "registered, so the network trained on the driver was replaced by the mean of "
            + "networks of its configuration that differ only by their seed, which varies less "
            + "than any one of them (training.ensemble.method none ships the network alone)."
        : ensemble.autoGbtLead() == null && ensemble.autoLogisticRegressionLead() == null
        ? "" : " It was built by training.ensemble.method auto (the default): the baseline "
            + "ladder's " + autoLeader(ensemble) + " of validation ROC AUC, more than auto_margin.";
    return section.add(Html.el("p").cls("note").text("The model is a " + ensemble.description()
            + "; members and the combiner were fitted on the training split only." + why),
        Html.el("table").add(Elements.tableHead("Model", "Validation ROC AUC",
            "Ensemble minus this"), rows));
  }

  /** The rung that led by more, e.g. {@code gbt led the network alone by 0.0120}. */
  private static String autoLeader(EvaluationReport.Ensemble ensemble) {
    Double trees = ensemble.autoGbtLead();
    Double linear = ensemble.autoLogisticRegressionLead();
    boolean linearLeads = linear != null && (trees == null || linear > trees);
    return (linearLeads ? "logistic_regression" : "gbt") + " led the network alone by "
        + metric(linearLeads ? linear : trees);
  }

  /**
   * What the shipped model leans on, from its train run's permutation importance: an input near 0
   * is one it ignores, which is worth knowing before trusting (or paying for) that input.
   */
  private static Element importance(List<EvaluationReport.Importance> importance,
      String modelKind) {
    Element section = Elements.wideSection("importance", "Input importance");
    if (importance.isEmpty()) {
      return section.add(Html.el("p").cls("note").text("The model's train run did not measure "
          + "permutation importance (a model trained before it was added)."));
    }
    double largest = Math.max(importance.get(0).validationRocAucDrop(), Double.MIN_VALUE);
    Element rows = Html.el("tbody");
    for (EvaluationReport.Importance input : importance) {
      double share = Math.max(0, input.validationRocAucDrop()) / largest;
      rows.add(Html.el("tr").add(Html.el("td").text(input.input()),
          Html.el("td").text(signedMetric(input.validationRocAucDrop())),
          Html.el("td").add(Html.el("span").cls("bar").attr("style", String.format(Locale.ROOT,
              "width:%.0f%%", share * TO_PERCENT)))));
    }
    return section.add(Html.el("p").cls("note").text("Validation ROC AUC lost when one input's "
            + "values are shuffled across rows (permutation importance, measured by the train "
            + "run on the model that ships"
            + (isPromotedBaseline(modelKind) ? ": the promoted baseline, " + modelKind
                + ", not the network it replaced (a baseline promoted before December 2026 has "
                + "its network's figures)"
                : ModelMetadata.SINGLE_NETWORK.equals(modelKind) ? ""
                : "; for a stack, its main network; for bagging and a deep ensemble, the "
                    + "members' mean")
            + "). Near 0: the model ignores the input; below 0: it would do better without it."),
        Html.el("table").add(Elements.tableHead("Input", "ROC AUC drop", ""), rows));
  }

  /**
   * Inputs whose rarer values the network cannot tell apart, said where a reader judges the model:
   * the run logs warn of a cap, but a report reader may never see those logs. Absent when no input
   * folds a value.
   */
  private static Html.Node foldedInputs(List<EvaluationReport.FoldedInput> folded) {
    if (folded.isEmpty()) {
      return Html.fragment(List.of());
    }
    Element rows = Html.el("tbody");
    for (EvaluationReport.FoldedInput input : folded) {
      rows.add(Html.el("tr").add(Html.el("td").text(input.input()),
          Html.el("td").text(input.encoding()),
          Html.el("td").text(count(input.distinctValues())),
          Html.el("td").text(count(input.keptValues())),
          Html.el("td").text(count(input.distinctValues() - input.keptValues())),
          Html.el("td").text(count(input.foldedRows()))));
    }
    return Elements.wideSection("folded", "Inputs with folded values").add(
        Html.el("p").cls("note").text("These inputs keep their most frequent training values "
            + "apart and give the rest one shared slot (one_hot: features.max_categories or "
            + "min_category_count; embedding and words: max_values; target: its value limit), so "
            + "the "
            + "model cannot tell the rest apart. Raise the limit, or hash, target-encode or "
            + "embed the input, when those rows matter."),
        Html.el("table").add(Elements.tableHead("Input", "Encoding", "Training values", "Kept",
            "Folded values", "Folded training rows"), rows));
  }

  private static Element champion(EvaluationReport.ChampionComparison comparison) {
    Element section = Elements.wideSection("champion", "Champion comparison");
    if (comparison == null) {
      return section.add(Html.el("p").cls("note").text("No champion to compare with: no other "
          + "model holds the champion alias (or this model holds it), so the blessing rests on "
          + "the absolute thresholds only."));
    }
    Element rows = Html.el("tbody");
    Set<String> names = new TreeSet<>(comparison.challenger().keySet());
    names.addAll(comparison.champion().keySet());
    for (String name : names) {
      rows.add(comparisonRow(name, comparison.challenger(), comparison.champion()));
    }
    Element sliceRows = Html.el("tbody");
    Set<String> sliceNames = new TreeSet<>(comparison.challengerSlices().keySet());
    sliceNames.addAll(comparison.championSlices().keySet());
    for (String name : sliceNames) {
      sliceRows.add(comparisonRow(name, comparison.challengerSlices(),
          comparison.championSlices()));
    }
    section.add(Html.el("p").cls("note").text("Champion " + comparison.modelVersion()
            + " and this model on the same " + count(comparison.rows()) + " rows."),
        Html.el("table").add(Elements.tableHead("Metric", "This model", "Champion", "Difference"), rows));
    if (!sliceNames.isEmpty()) {
      section.add(Html.el("h3").text(comparison.metric() + " by slice"),
          Html.el("table").add(Elements.tableHead("Slice", "This model", "Champion", "Difference"), sliceRows));
    }
    return section;
  }

  private static Element comparisonRow(String name, Map<String, Double> challenger,
      Map<String, Double> champion) {
    Double mine = challenger.get(name);
    Double theirs = champion.get(name);
    String difference = mine == null || theirs == null ? NOT_DEFINED
        : signedMetric(mine - theirs);
    return Html.el("tr").add(Html.el("td").text(name),
        Html.el("td").text(mine == null ? NOT_DEFINED : metric(mine)),
        Html.el("td").text(theirs == null ? NOT_DEFINED : metric(theirs)),
        Html.el("td").text(difference));
  }

  /** The bin as a half-open interval; the last bin (upper bound 1) includes its upper bound. */
  private static String binRange(CalibrationBin bin) {
    String close = bin.upper() >= 1 ? "]" : ")";
    return "[" + binBound(bin.lower()) + ", " + binBound(bin.upper()) + close;
  }

  private static String binBound(double bound) {
    String text = fixed(bound, BIN_BOUND_FORMAT);
    int minLength = text.indexOf('.') + 1 + BIN_BOUND_MIN_DECIMALS;
    int end = text.length();
    while (end > minLength && text.charAt(end - 1) == '0') {
      end--;
    }
    return text.substring(0, end);
  }

  private static String metric(double value) {
    return fixed(value, METRIC_FORMAT);
  }

  private static String signedMetric(double value) {
    // A difference that rounds to zero prints as +0.0000, not -0.0000.
    return fixed(Math.abs(value) < HALF_LAST_DIGIT ? 0.0 : value, SIGNED_METRIC_FORMAT);
  }

  private static String percent(double share) {
    return Formats.percent(share);
  }

  private static String fixed(double value, String format) {
    return Formats.fixed(value, format);
  }

  private static String count(long value) {
    return Formats.count(value);
  }
}
