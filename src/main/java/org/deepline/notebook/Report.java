package org.deepline.notebook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.evaluation.EvaluationReport;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.SliceMetrics;

/**
 * The evaluation report of one evaluate run ({@code evaluation.json}, read into the same
 * {@link EvaluationReport} the evaluate stage wrote), printing as the verdict and the headline
 * metrics; the curves print as charts.
 *
 * <pre>{@code
 * Report report = dl.report(evaluate.runId());
 * report.metrics().get("roc_auc");
 * System.out.println(report.rocChart());
 * }</pre>
 */
public final class Report {
  private final String runId;
  private final String jsonPath;
  private final String htmlPath;
  private final String json;
  private final EvaluationReport report;

  Report(String runId, String jsonPath, String htmlPath, String json, EvaluationReport report) {
    this.runId = runId;
    this.jsonPath = jsonPath;
    this.htmlPath = htmlPath;
    this.json = json;
    this.report = report;
  }

  /** The report as the evaluate stage wrote it (schema: docs/evaluation-report.md). */
  public EvaluationReport report() {
    return report;
  }

  /** The run whose record names this report. */
  public String runId() {
    return runId;
  }

  /** The report's JSON text, as saved. */
  public String json() {
    return json;
  }

  public String jsonPath() {
    return jsonPath;
  }

  /** The HTML rendering with its SVG charts, to open in a browser; null if the run names none. */
  public String htmlPath() {
    return htmlPath;
  }

  /**
   * The headline metrics of the judged model on the judged split, at the chosen threshold:
   * {@code rows, positives, roc_auc, pr_auc, log_loss, brier, ece, threshold, accuracy, precision,
   * recall, f1}.
   */
  public Map<String, Double> metrics() {
    BinaryMetrics.Summary m = report.metrics();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows", (double) m.count());
    metrics.put("positives", (double) m.positives());
    metrics.put("roc_auc", m.rocAuc());
    metrics.put("pr_auc", m.prAuc());
    metrics.put("log_loss", m.logLoss());
    metrics.put("brier", m.brier());
    metrics.put("ece", m.expectedCalibrationError());
    metrics.put("threshold", report.threshold());
    metrics.put("accuracy", m.accuracy());
    metrics.put("precision", m.precision());
    metrics.put("recall", m.recall());
    metrics.put("f1", m.f1());
    return metrics;
  }

  public boolean blessed() {
    return report.blessing().blessed();
  }

  /** The ROC curve of the judged rows, with the chance diagonal. */
  public Chart rocChart() {
    List<double[]> points = new ArrayList<>();
    for (BinaryMetrics.CurvePoint p : report.metrics().rocCurve()) {
      points.add(new double[] {p.fpr(), p.tpr()});
    }
    return Chart.titled(String.format(Locale.ROOT, "ROC curve, %s split (AUC %.4f)",
            report.split(), report.metrics().rocAuc()), "false positive rate",
            "true positive rate")
        .range(0, 1, 0, 1)
        .reference("chance", List.of(new double[] {0, 0}, new double[] {1, 1}))
        .line("model " + report.modelVersion(), points);
  }

  /** The precision-recall curve, with the positive rate a random ranking would reach. */
  public Chart precisionRecallChart() {
    List<double[]> points = new ArrayList<>();
    for (BinaryMetrics.PrPoint p : report.metrics().prCurve()) {
      points.add(new double[] {p.recall(), p.precision()});
    }
    double rate = report.metrics().count() == 0 ? 0
        : (double) report.metrics().positives() / report.metrics().count();
    return Chart.titled(String.format(Locale.ROOT, "Precision-recall, %s split (AUC %.4f)",
            report.split(), report.metrics().prAuc()), "recall", "precision")
        .range(0, 1, 0, 1)
        .reference("random", List.of(new double[] {0, rate}, new double[] {1, rate}))
        .line("model " + report.modelVersion(), points);
  }

  /** Observed positive rate against mean predicted probability per bin, with the diagonal. */
  public Chart calibrationChart() {
    List<double[]> points = new ArrayList<>();
    for (BinaryMetrics.CalibrationBin bin : report.metrics().calibration().bins()) {
      if (bin.count() > 0) {
        points.add(new double[] {bin.meanPredicted(), bin.observedRate()});
      }
    }
    return Chart.titled(String.format(Locale.ROOT, "Calibration, %s split (ECE %.4f)",
            report.split(), report.metrics().expectedCalibrationError()),
            "mean predicted probability", "observed positive rate")
        .range(0, 1, 0, 1)
        .reference("perfect", List.of(new double[] {0, 0}, new double[] {1, 1}))
        .line("model " + report.modelVersion(), points);
  }

  /** The metrics per slice ({@code evaluation.slices}), one row each; empty without slices. */
  public String slices() {
    TextTable table = new TextTable("slice", "rows", "positives", "roc_auc", "f1", "judged");
    for (SliceMetrics.Slice s : report.slices()) {
      table.row(s.name(), (double) s.rows(), (double) s.positives(), s.rocAuc(), s.f1(),
          s.judged() ? "yes" : "no");
    }
    return table.toString();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "evaluation of model %s on the %s split of %s, run date %s (run %s): %s%n",
        report.modelVersion(), report.split(), report.dataset(), report.runDate(), runId,
        blessed() ? "blessed" : "not blessed"));
    report.blessing().reasons().forEach(reason -> out.append("  ").append(reason).append('\n'));
    Map<String, BinaryMetrics.Interval> intervals = report.metrics().intervals() == null
        ? Map.of() : report.metrics().intervals().metrics();
    TextTable table = new TextTable("metric", "value", "interval");
    metrics().forEach((name, value) -> {
      BinaryMetrics.Interval interval = intervals.get(name);
      table.row(name, value, interval == null ? "" : String.format(Locale.ROOT, "[%.4f, %.4f]",
          interval.lower(), interval.upper()));
    });
    out.append(table);
    if (htmlPath != null) {
      out.append('\n').append("html: ").append(htmlPath);
    }
    return out.toString();
  }
}
