package org.deepline.quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deepline.core.html.Elements;
import org.deepline.core.html.Formats;
import org.deepline.core.html.Html;
import org.deepline.core.html.Html.Element;
import org.deepline.core.html.HtmlPage;
import org.deepline.core.html.SvgBarChart;
import org.deepline.quality.QualityReport.EarlierValue;

/**
 * Renders a {@link QualityReport} as one self-contained page, {@code quality.html}: a header with
 * the verdict, every verdict in a table (failures first, errors before warnings), the anomaly checks
 * with the earlier values they compared with, and a section per profiled column.
 *
 * <pre>{@code
 * files.writeText(reportDir + "/quality.html", QualityReportPage.render(report));
 * }</pre>
 *
 * <p>Each part is a function from the report to an {@link Html} node, over the pieces every report
 * page shares ({@code core.html}); the output depends on the report only (fixed locale and number
 * formats), so it is golden-tested byte for byte.
 */
public final class QualityReportPage {
  /** The house style plus the rules of this page's own elements. */
  private static final String STYLE = HtmlPage.STYLE
      + HtmlPage.resource(QualityReportPage.class, "quality.css");
  /** Statistics show six significant digits: enough to compare runs, few enough to read. */
  private static final MathContext SIGNIFICANT = new MathContext(6);
  /** A top value's count that is only a lower bound (the column had too many values to count). */
  private static final String AT_LEAST = "≥ ";
  /** Failed errors, then failed warnings, then what passed; the report's order within each. */
  private static final Comparator<ConstraintResult> FAILURES_FIRST = Comparator.comparingInt(
      r -> r.passed() ? Severity.values().length : r.severity().ordinal());

  private QualityReportPage() {}

  /** The page for {@code report}, as a UTF-8 string ending with a newline. */
  public static String render(QualityReport report) {
    Element main = Html.el("main").add(
        header(report),
        HtmlPage.errorList(),
        verdict(report),
        verdicts(report.verdicts()),
        anomalies(report.anomalies(), report.anomalyHistory()),
        profile(report.profile()),
        Html.el("footer").text("deepline data quality report · " + QualityReport.FILE
            + " has the same data"));
    return HtmlPage.render("Data quality · " + report.dataset() + " · " + report.runDate(), STYLE,
        main);
  }

  /** "Passed", "Passed with 1 warning", "Failed with 2 errors and 1 warning". */
  static String verdictText(List<ConstraintResult> verdicts) {
    long errors = failed(verdicts, Severity.ERROR);
    long warnings = failed(verdicts, Severity.WARNING);
    String warningText = plural(warnings, "warning");
    if (errors == 0) {
      return warnings == 0 ? "Passed" : "Passed with " + warningText;
    }
    return "Failed with " + plural(errors, "error") + (warnings == 0 ? "" : " and " + warningText);
  }

  private static long failed(List<ConstraintResult> verdicts, Severity severity) {
    return verdicts.stream().filter(r -> !r.passed() && r.severity() == severity).count();
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  private static Element header(QualityReport report) {
    Map<String, String> items = new LinkedHashMap<>();
    items.put("Dataset", report.dataset());
    items.put("Run date", report.runDate());
    items.put("Run id", report.runId());
    items.put("Rows", Formats.count(report.profile().rows()));
    items.put("Columns", Formats.count(report.profile().columns().size()));
    items.put("Verdict", verdictText(report.verdicts()));
    items.put("Silver table", report.silverPath() + " (version " + report.silverVersion() + ")");
    return Html.el("header").add(Html.el("p").cls("eyebrow").text("Data quality"),
        Html.el("h1").text(report.dataset() + " · " + report.runDate()),
        Elements.metaList(items));
  }

  private static Element verdict(QualityReport report) {
    List<ConstraintResult> verdicts = report.verdicts();
    boolean passed = failed(verdicts, Severity.ERROR) == 0;
    return Html.el("section").cls("verdict " + (passed ? "passed" : "failed"))
        .attr("id", "verdict").add(
            Html.el("h2").text("Verdict"),
            Html.el("p").cls("headline").text(verdictText(verdicts)),
            Elements.note(verdicts.size() + " checks: " + report.constraints().size()
                + " constraints and " + report.anomalies().size() + " anomaly checks. A failed "
                + "error fails the run; a failed warning is recorded only."));
  }

  private static Element verdicts(List<ConstraintResult> verdicts) {
    Element rows = Html.el("tbody");
    verdicts.stream().sorted(FAILURES_FIRST).forEach(result -> rows.add(Html.el("tr")
        .cls(result.passed() ? "passed" : "failed " + result.severity().label()).add(
            Html.el("td").text(result.name()),
            Html.el("td").text(orEmpty(result.column())),
            Html.el("td").text(result.severity().label()),
            Html.el("td").text(number(result.value())),
            Html.el("td").cls("detail").text(result.expectation()),
            Elements.passCell(result.passed()))));
    return Elements.wideSection("verdicts", "Constraints and checks").add(
        Html.el("table").add(Elements.tableHead("Constraint", "Column", "Severity", "Value",
            "Expectation", "Result"), rows));
  }

  private static Element anomalies(List<ConstraintResult> anomalies,
      Map<String, List<EarlierValue>> history) {
    Element section = Elements.wideSection("anomalies", "Anomaly checks");
    if (anomalies.isEmpty()) {
      return section.add(Elements.note("No anomaly checks are declared (validation.anomalies)."));
    }
    Element rows = Html.el("tbody");
    for (ConstraintResult result : anomalies) {
      rows.add(Html.el("tr").add(Html.el("td").text(result.name()),
          Html.el("td").text(number(result.value())),
          Html.el("td").cls("detail").add(earlierValues(history.getOrDefault(result.name(),
              List.of()))),
          Elements.passCell(result.passed())));
    }
    return section.add(Html.el("table").add(Elements.tableHead("Check", "This run",
            "Earlier runs (newest first)", "Result"), rows),
        Elements.note("Each check compares this run's metric with the same metric of the earlier "
            + "run dates in the metrics table."));
  }

  private static Html.Node earlierValues(List<EarlierValue> earlier) {
    if (earlier.isEmpty()) {
      return Html.text("none");
    }
    return Html.el("ul").cls("history").add(earlier.stream()
        .map(e -> Html.el("li").add(Html.el("span").cls("date").text(e.runDate()),
            Html.text(" " + number(e.value()))))
        .toList());
  }

  private static Element profile(TableProfile profile) {
    return Html.el("div").cls("columns").attr("id", "profile").add(profile.columns().stream()
        .map(column -> column(column, profile.rows())).toList());
  }

  private static Element column(ColumnProfile column, long rows) {
    Element statistics = Html.el("tbody");
    statistic(statistics, "Nulls", Formats.count(column.nulls()) + " ("
        + Formats.percent(column.nullFraction(rows)) + ")");
    statistic(statistics, "Distinct (approximate)", column.distinct() == null
        ? Formats.NOT_DEFINED : "~" + Formats.count(column.distinct()));
    statistic(statistics, "Min", orNotDefined(column.min()));
    statistic(statistics, "Max", orNotDefined(column.max()));
    if (column.numeric()) {
      statistic(statistics, "Mean", number(column.mean()));
      statistic(statistics, "Standard deviation", number(column.stddev()));
      column.quantiles().forEach((probability, value) -> statistic(statistics,
          "Quantile " + probability, number(value)));
    }
    Element section = Html.el("section").cls("column").add(
        Html.el("h2").text(column.name()).add(Html.el("span").cls("type").text(column.type())),
        Html.el("table").cls("statistics").add(statistics));
    if (!column.topValues().isEmpty()) {
      SvgBarChart chart = new SvgBarChart("Most frequent values of " + column.name());
      column.topValues().forEach(top -> chart.bar(top.value(), top.count(),
          (top.exact() ? "" : AT_LEAST) + Formats.count(top.count())));
      section.add(Html.el("h3").text("Most frequent values"), chart.build());
    }
    return section;
  }

  private static void statistic(Element rows, String label, String value) {
    rows.add(Html.el("tr").add(Html.el("td").text(label), Html.el("td").text(value)));
  }

  /** Six significant digits without trailing zeros; {@value Formats#NOT_DEFINED} for none. */
  private static String number(Double value) {
    if (value == null || !Double.isFinite(value)) {
      return value != null && Double.isInfinite(value) ? (value > 0 ? "infinity" : "-infinity")
          : Formats.NOT_DEFINED;
    }
    return new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros().toPlainString();
  }

  private static String orNotDefined(String text) {
    return text == null ? Formats.NOT_DEFINED : text;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
