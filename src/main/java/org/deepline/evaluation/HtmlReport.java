package org.deepline.evaluation;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.metrics.BinaryMetrics.Confusion;
import org.deepline.metrics.BinaryMetrics.CurvePoint;

/**
 * Renders an {@link EvaluationReport} as one self-contained HTML page: styles inline, charts as inline
 * SVG, nothing fetched from anywhere, so the file can be mailed, archived or opened from object
 * storage as it is.
 *
 * <pre>{@code
 * files.writeText(reportDir + "/evaluation.html", HtmlReport.render(report));
 * }</pre>
 *
 * <p>The output depends on the report only (no clock, fixed locale and number formats), so it is
 * golden-tested byte for byte. Every string taken from the report is HTML-escaped.
 */
public final class HtmlReport {
  /** Metrics show this many decimals: enough to compare runs, few enough to read. */
  private static final String METRIC_FORMAT = "%.4f";
  /** SVG coordinates need no more precision than a hundredth of a pixel. */
  private static final String COORDINATE_FORMAT = "%.2f";
  private static final String SIGNED_METRIC_FORMAT = "%+.4f";
  /**
   * Calibration bin bounds: three decimals tell apart the narrowest bins EvaluationConfig allows
   * (1/1000); zeros beyond the second decimal are dropped, as bins are mostly tenths or twentieths.
   */
  private static final String BIN_BOUND_FORMAT = "%.3f";
  private static final int BIN_BOUND_MIN_DECIMALS = 2;
  private static final String NOT_DEFINED = "n/a";

  /** Chart geometry, in SVG user units: a square plot with room for tick labels and axis titles. */
  private static final int CHART_WIDTH = 360;
  private static final int CHART_HEIGHT = 340;
  private static final int PLOT_LEFT = 54;
  private static final int PLOT_TOP = 16;
  private static final int PLOT_SIZE = 280;
  /** Distance from the plot's edge to the right end of a y tick label. */
  private static final int Y_TICK_LABEL_GAP = 8;
  /** Distance from the plot's bottom to the baseline of an x tick label. */
  private static final int X_TICK_LABEL_BASELINE = 18;
  /** Distance from the plot's bottom to the baseline of the x axis title. */
  private static final int X_TITLE_BASELINE = 38;
  /** Horizontal position of the (rotated) y axis title's baseline. */
  private static final int Y_TITLE_X = 18;
  /** Inset of the AUC label from the plot's bottom-right corner. */
  private static final int LEGEND_INSET = 10;
  private static final int MARKER_RADIUS = 4;
  private static final double[] TICKS = {0, 0.25, 0.5, 0.75, 1};

  private static final String STYLE = """
      :root {
        --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --panel: #ffffff; --page: #f3f5f8;
        --accent: #2563eb; --accent-soft: rgba(37, 99, 235, 0.10);
        --good: #e8f5ee; --bad: #fcecec;
      }
      * { box-sizing: border-box; }
      body {
        margin: 0; background: var(--page); color: var(--ink);
        font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
          sans-serif;
      }
      main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 40px; }
      header { margin-bottom: 20px; }
      .eyebrow {
        margin: 0; color: var(--accent); font-size: 12px; font-weight: 600;
        letter-spacing: 0.08em; text-transform: uppercase;
      }
      h1 { margin: 2px 0 16px; font-size: 26px; font-weight: 650; }
      h2 { margin: 0 0 14px; font-size: 15px; font-weight: 650; }
      dl.meta {
        display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px 24px;
        margin: 0; padding: 16px 20px; background: var(--panel); border: 1px solid var(--line);
        border-radius: 8px;
      }
      dl.meta dt {
        color: var(--muted); font-size: 11px; letter-spacing: 0.06em; text-transform: uppercase;
      }
      dl.meta dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
      .kpis {
        display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; margin-bottom: 16px;
      }
      .kpi {
        padding: 14px 18px; background: var(--panel); border: 1px solid var(--line);
        border-radius: 8px;
      }
      .kpi .label { color: var(--muted); font-size: 12px; }
      .kpi .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
      .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 16px; }
      section {
        padding: 18px 20px; background: var(--panel); border: 1px solid var(--line);
        border-radius: 8px;
      }
      section.wide { margin-bottom: 16px; }
      .stack { display: flex; flex-direction: column; gap: 16px; }
      table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      tr:last-child td { border-bottom: none; }
      thead th {
        color: var(--muted); font-size: 11px; font-weight: 600; letter-spacing: 0.05em;
        text-transform: uppercase;
      }
      table.confusion td { font-size: 18px; font-weight: 600; }
      table.confusion td.correct { background: var(--good); }
      table.confusion td.wrong { background: var(--bad); }
      table.confusion td span {
        display: block; color: var(--muted); font-size: 11px; font-weight: 400;
      }
      .note { margin: 14px 0 0; color: var(--muted); font-size: 13px; }
      svg { display: block; width: 100%; height: auto; }
      svg .grid-line { stroke: var(--line); stroke-width: 1; }
      svg .axis { stroke: var(--muted); stroke-width: 1; }
      svg .reference { stroke: #9aa5b1; stroke-width: 1.5; stroke-dasharray: 5 4; }
      svg .curve { fill: none; stroke: var(--accent); stroke-width: 2.5; stroke-linejoin: round; }
      svg .area { fill: var(--accent-soft); stroke: none; }
      svg .marker { fill: var(--panel); stroke: var(--accent); stroke-width: 2; }
      svg text { fill: var(--muted); font-size: 11px; }
      svg text.title { fill: var(--ink); font-size: 12px; }
      footer { color: var(--muted); font-size: 12px; text-align: center; }
      @media (max-width: 760px) { .grid, .kpis { grid-template-columns: 1fr; } }
      """;

  private HtmlReport() {}

  /** The page for {@code report}, as a UTF-8 string ending with a newline. */
  public static String render(EvaluationReport report) {
    BinaryMetrics.Summary metrics = report.metrics();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Evaluation &middot; ").append(escape(report.dataset()))
        .append(" &middot; ").append(escape(report.modelVersion())).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
    header(html, report);
    kpis(html, metrics);
    html.append("<div class=\"grid\">\n");
    metricsTable(html, metrics);
    html.append("<div class=\"stack\">\n");
    confusionMatrix(html, metrics.confusion(), report.threshold());
    champion(html, report.championMetrics());
    html.append("</div>\n</div>\n<div class=\"grid\">\n");
    rocChart(html, metrics);
    calibrationChart(html, metrics.calibration());
    html.append("</div>\n");
    calibrationTable(html, metrics.calibration());
    html.append("<footer>deepline evaluation report &middot; generated ")
        .append(escape(report.generatedAt())).append("</footer>\n")
        .append("</main>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void header(StringBuilder html, EvaluationReport report) {
    html.append("<header>\n<p class=\"eyebrow\">Model evaluation</p>\n<h1>")
        .append(escape(report.dataset())).append(" &middot; ").append(escape(report.modelVersion()))
        .append("</h1>\n<dl class=\"meta\">\n");
    metaItem(html, "Dataset", escape(report.dataset()));
    metaItem(html, "Model version", escape(report.modelVersion()));
    metaItem(html, "Split", escape(report.split()));
    metaItem(html, "Threshold", metric(report.threshold()));
    metaItem(html, "Run id", escape(report.runId()));
    metaItem(html, "Run date", escape(report.runDate()));
    metaItem(html, "Generated at", escape(report.generatedAt()));
    html.append("</dl>\n</header>\n");
  }

  private static void metaItem(StringBuilder html, String label, String escapedValue) {
    html.append("<div><dt>").append(label).append("</dt><dd>").append(escapedValue)
        .append("</dd></div>\n");
  }

  private static void kpis(StringBuilder html, BinaryMetrics.Summary metrics) {
    html.append("<div class=\"kpis\">\n");
    kpi(html, "ROC AUC", metrics.rocAuc());
    kpi(html, "PR AUC", metrics.prAuc());
    kpi(html, "F1", metrics.f1());
    kpi(html, "Log loss", metrics.logLoss());
    html.append("</div>\n");
  }

  private static void kpi(StringBuilder html, String label, double value) {
    html.append("<div class=\"kpi\"><div class=\"label\">").append(label)
        .append("</div><div class=\"value\">").append(metric(value)).append("</div></div>\n");
  }

  private static void metricsTable(StringBuilder html, BinaryMetrics.Summary metrics) {
    html.append("<section>\n<h2>Metrics</h2>\n<table class=\"metrics\">\n")
        .append("<thead><tr><th>Metric</th><th>Value</th></tr></thead>\n<tbody>\n");
    row(html, "Accuracy", metric(metrics.accuracy()));
    row(html, "Precision", metric(metrics.precision()));
    row(html, "Recall", metric(metrics.recall()));
    row(html, "F1", metric(metrics.f1()));
    row(html, "ROC AUC", metric(metrics.rocAuc()));
    row(html, "PR AUC (average precision)", metric(metrics.prAuc()));
    row(html, "Log loss", metric(metrics.logLoss()));
    row(html, "Rows", count(metrics.count()));
    row(html, "Positives", count(metrics.positives()));
    html.append("</tbody>\n</table>\n</section>\n");
  }

  private static void row(StringBuilder html, String label, String escapedValue) {
    html.append("<tr><td>").append(label).append("</td><td>").append(escapedValue)
        .append("</td></tr>\n");
  }

  private static void confusionMatrix(StringBuilder html, Confusion confusion, double threshold) {
    html.append("<section>\n<h2>Confusion matrix</h2>\n<table class=\"confusion\">\n")
        .append("<thead><tr><th>Actual</th><th>Predicted positive</th>")
        .append("<th>Predicted negative</th></tr></thead>\n<tbody>\n")
        .append("<tr><th scope=\"row\">Positive</th>")
        .append(confusionCell("correct", confusion.tp(), "true positives"))
        .append(confusionCell("wrong", confusion.fn(), "false negatives")).append("</tr>\n")
        .append("<tr><th scope=\"row\">Negative</th>")
        .append(confusionCell("wrong", confusion.fp(), "false positives"))
        .append(confusionCell("correct", confusion.tn(), "true negatives")).append("</tr>\n")
        .append("</tbody>\n</table>\n<p class=\"note\">A row is predicted positive when its ")
        .append("probability is at least ").append(metric(threshold)).append(".</p>\n")
        .append("</section>\n");
  }

  private static String confusionCell(String kind, long value, String meaning) {
    return "<td class=\"" + kind + "\">" + count(value) + "<span>" + meaning + "</span></td>";
  }

  private static void rocChart(StringBuilder html, BinaryMetrics.Summary metrics) {
    html.append("<section>\n<h2>ROC curve</h2>\n");
    List<CurvePoint> curve = metrics.rocCurve();
    if (curve.isEmpty()) {
      html.append("<p class=\"note\">Not defined: the split holds a single class.</p>\n")
          .append("</section>\n");
      return;
    }
    openChart(html, "ROC curve", "False positive rate", "True positive rate");
    StringBuilder points = new StringBuilder();
    for (CurvePoint point : curve) {
      points.append(x(point.fpr())).append(',').append(y(point.tpr())).append(' ');
    }
    html.append("<polygon class=\"area\" points=\"").append(points)
        .append(x(1)).append(',').append(y(0)).append(' ')
        .append(x(0)).append(',').append(y(0)).append("\"/>\n")
        .append("<polyline class=\"curve\" points=\"").append(points.toString().strip())
        .append("\"/>\n")
        .append("<text class=\"title\" x=\"").append(coordinate(xPosition(1) - LEGEND_INSET))
        .append("\" y=\"").append(coordinate(yPosition(0) - LEGEND_INSET))
        .append("\" text-anchor=\"end\">AUC ").append(metric(metrics.rocAuc())).append("</text>\n")
        .append("</svg>\n<p class=\"note\">Dashed: a model that ranks at random.</p>\n")
        .append("</section>\n");
  }

  private static void calibrationChart(StringBuilder html, List<CalibrationBin> bins) {
    html.append("<section>\n<h2>Calibration</h2>\n");
    openChart(html, "Calibration", "Mean predicted probability", "Observed positive rate");
    StringBuilder points = new StringBuilder();
    for (CalibrationBin bin : bins) {
      points.append(x(bin.meanPredicted())).append(',').append(y(bin.observedRate())).append(' ');
    }
    html.append("<polyline class=\"curve\" points=\"").append(points.toString().strip())
        .append("\"/>\n");
    for (CalibrationBin bin : bins) {
      html.append("<circle class=\"marker\" cx=\"").append(x(bin.meanPredicted()))
          .append("\" cy=\"").append(y(bin.observedRate())).append("\" r=\"").append(MARKER_RADIUS)
          .append("\"><title>").append(binRange(bin)).append(": ").append(count(bin.count()))
          .append(" rows, observed ").append(metric(bin.observedRate()))
          .append("</title></circle>\n");
    }
    html.append("</svg>\n<p class=\"note\">Dashed: perfect calibration. Points above it are ")
        .append("under-confident, points below over-confident.</p>\n</section>\n");
  }

  /** Opens a square chart over [0, 1] x [0, 1]: grid, tick labels, axis titles and the diagonal. */
  private static void openChart(StringBuilder html, String title, String xTitle, String yTitle) {
    html.append("<svg viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(CHART_HEIGHT)
        .append("\" role=\"img\" aria-label=\"").append(title).append("\">\n");
    for (double tick : TICKS) {
      String label = tickLabel(tick);
      html.append("<line class=\"grid-line\" x1=\"").append(x(tick)).append("\" y1=\"").append(y(0))
          .append("\" x2=\"").append(x(tick)).append("\" y2=\"").append(y(1)).append("\"/>\n")
          .append("<line class=\"grid-line\" x1=\"").append(x(0)).append("\" y1=\"").append(y(tick))
          .append("\" x2=\"").append(x(1)).append("\" y2=\"").append(y(tick)).append("\"/>\n")
          .append("<text x=\"").append(x(tick)).append("\" y=\"")
          .append(coordinate(yPosition(0) + X_TICK_LABEL_BASELINE))
          .append("\" text-anchor=\"middle\">")
          .append(label).append("</text>\n")
          .append("<text x=\"").append(coordinate(xPosition(0) - Y_TICK_LABEL_GAP))
          .append("\" y=\"")
          .append(y(tick)).append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
          .append(label).append("</text>\n");
    }
    double middle = PLOT_SIZE / 2.0;
    html.append("<line class=\"axis\" x1=\"").append(x(0)).append("\" y1=\"").append(y(0))
        .append("\" x2=\"").append(x(1)).append("\" y2=\"").append(y(0)).append("\"/>\n")
        .append("<line class=\"axis\" x1=\"").append(x(0)).append("\" y1=\"").append(y(0))
        .append("\" x2=\"").append(x(0)).append("\" y2=\"").append(y(1)).append("\"/>\n")
        .append("<line class=\"reference\" x1=\"").append(x(0)).append("\" y1=\"").append(y(0))
        .append("\" x2=\"").append(x(1)).append("\" y2=\"").append(y(1)).append("\"/>\n")
        .append("<text class=\"title\" x=\"").append(coordinate(PLOT_LEFT + middle))
        .append("\" y=\"").append(coordinate(yPosition(0) + X_TITLE_BASELINE))
        .append("\" text-anchor=\"middle\">").append(xTitle).append("</text>\n")
        .append("<text class=\"title\" transform=\"translate(")
        .append(coordinate(Y_TITLE_X)).append(' ')
        .append(coordinate(PLOT_TOP + middle)).append(") rotate(-90)\" text-anchor=\"middle\">")
        .append(yTitle).append("</text>\n");
  }

  private static void calibrationTable(StringBuilder html, List<CalibrationBin> bins) {
    html.append("<section class=\"wide\">\n<h2>Calibration bins</h2>\n<table>\n")
        .append("<thead><tr><th>Probability</th><th>Rows</th><th>Mean predicted</th>")
        .append("<th>Observed rate</th><th>Gap</th></tr></thead>\n<tbody>\n");
    for (CalibrationBin bin : bins) {
      html.append("<tr><td>").append(binRange(bin)).append("</td><td>").append(count(bin.count()))
          .append("</td><td>").append(metric(bin.meanPredicted()))
          .append("</td><td>").append(metric(bin.observedRate()))
          .append("</td><td>").append(signedMetric(bin.observedRate() - bin.meanPredicted()))
          .append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n<p class=\"note\">Equal-width bins; empty bins are omitted. ")
        .append("Gap is observed minus predicted: positive when the model is under-confident.")
        .append("</p>\n")
        .append("</section>\n");
  }

  private static void champion(StringBuilder html, Map<String, Double> championMetrics) {
    html.append("<section>\n<h2>Champion</h2>\n");
    if (championMetrics == null) {
      html.append("<p class=\"note\">No champion yet: there is no production model to compare ")
          .append("with.</p>\n</section>\n");
      return;
    }
    html.append("<table>\n<thead><tr><th>Champion metric</th><th>Value</th></tr></thead>\n")
        .append("<tbody>\n");
    championMetrics.forEach((name, value) -> row(html, escape(name),
        value == null ? NOT_DEFINED : metric(value)));
    html.append("</tbody>\n</table>\n</section>\n");
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
    return fixed(value, SIGNED_METRIC_FORMAT);
  }

  private static String fixed(double value, String format) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : NOT_DEFINED;
  }

  private static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String tickLabel(double tick) {
    return BigDecimal.valueOf(tick).stripTrailingZeros().toPlainString();
  }

  private static double xPosition(double rate) {
    return PLOT_LEFT + rate * PLOT_SIZE;
  }

  /** SVG's y axis points down: rate 1 is the plot's top edge. */
  private static double yPosition(double rate) {
    return PLOT_TOP + (1 - rate) * PLOT_SIZE;
  }

  private static String x(double rate) {
    return coordinate(xPosition(rate));
  }

  private static String y(double rate) {
    return coordinate(yPosition(rate));
  }

  private static String coordinate(double value) {
    return String.format(Locale.ROOT, COORDINATE_FORMAT, value);
  }

  /** Escapes text for element content and quoted attribute values alike. */
  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
