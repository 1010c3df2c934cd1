package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deepline.quality.QualityReport.EarlierValue;
import org.deepline.quality.TopValues.TopValue;
import org.deepline.testing.GoldenFiles;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of {@code quality.html} for a small fixed profile and verdict set, and checks what
 * a reader relies on: failures on top, the header's verdict, escaped data. After an intended format
 * change, regenerate the golden file and review its diff like code:
 *
 * <pre>{@code
 * mvn -o -q test -Dtest='QualityReportPageTest' -Ddeepline.updateGolden=true && git diff src/test/resources
 * }</pre>
 */
class QualityReportPageTest {
  private static final Pattern VERDICT_ROW = Pattern.compile(
      "<tr class=\"([^\"]*)\"><td>([^<]*)</td>");

  /** Four columns (a number, a string with a value that needs escaping, a date, an id). */
  static QualityReport fixedReport() {
    TableProfile profile = new TableProfile(1200, List.of(
        new ColumnProfile("id", "bigint", 0, 1187L, "1", "1200", 600.5, 346.5545, Map.of(
            "0.05", 61.0, "0.25", 301.0, "0.5", 600.0, "0.75", 901.0, "0.95", 1141.0),
            List.of(), List.of()),
        new ColumnProfile("amount", "double", 30, 911L, "-12.5", "98000.25", 1834.127666,
            402.3, Map.of("0.05", 10.0, "0.5", 1500.25, "0.95", 5012.75), List.of(), List.of()),
        new ColumnProfile("segment", "string", 12, 3L, "<script>alert(1)</script>", "retail",
            null, null, Map.of(), List.of(new TopValue("retail", 700, true),
                new TopValue("business & co", 300, true),
                new TopValue("<script>alert(1)</script>", 188, true)),
            List.of("<script>alert(1)</script>", "business & co", "retail")),
        new ColumnProfile("signup_date", "date", 0, 365L, "2026-01-01", "2026-12-31", null, null,
            Map.of(), List.of(), List.of())));
    List<ConstraintResult> constraints = List.of(
        new ConstraintResult("size", null, Severity.ERROR, 1200, true, "at least 100 rows"),
        new ConstraintResult("completeness:id", "id", Severity.ERROR, 1, true, "1.0"),
        new ConstraintResult("allowed_values:segment", "segment", Severity.WARNING, 0.84333, false,
            "share in [retail, business & co] at least 1.0"),
        new ConstraintResult("range:amount", "amount", Severity.ERROR, 0.9975, false,
            "share in [0, 100000] at least 1.0"));
    List<ConstraintResult> anomalies = List.of(
        new ConstraintResult("anomaly:rows", null, Severity.ERROR, 1200, true,
            "within 10 % of 1150 (mean of 2 earlier runs), moved 4.34783 %"),
        new ConstraintResult("anomaly:null_fraction:amount", "amount", Severity.WARNING, 0.025,
            true, "no history: no earlier run has this metric"));
    return new QualityReport("credit", "2026-11-24", "run-0001", "file:/warehouse/credit/silver",
        7, profile, constraints, anomalies, Map.of("anomaly:rows", List.of(
            new EarlierValue("2026-11-23", 1100), new EarlierValue("2026-11-22", 1200)),
            "anomaly:null_fraction:amount", List.of()), null);
  }

  @Test
  void htmlMatchesGoldenFile() throws IOException {
    GoldenFiles.assertMatches(QualityReportPage.render(fixedReport()), "quality_report.html");
  }

  @Test
  void failuresComeFirstErrorsBeforeWarningsAndTheHeaderSaysFailed() {
    String html = QualityReportPage.render(fixedReport());

    Matcher rows = VERDICT_ROW.matcher(html);
    List<String> order = rows.results().map(m -> m.group(1) + " " + m.group(2)).toList();
    assertEquals(List.of("failed error range:amount", "failed warning allowed_values:segment",
        "passed size", "passed completeness:id", "passed anomaly:rows",
        "passed anomaly:null_fraction:amount"), order);
    assertTrue(html.contains("<dt>Verdict</dt><dd>Failed with 1 error and 1 warning</dd>"), html);
    assertTrue(html.contains("<section class=\"verdict failed\" id=\"verdict\">"), html);
  }

  @Test
  void verdictCountsErrorsAndWarnings() {
    ConstraintResult error = new ConstraintResult("size", null, Severity.ERROR, 0, false, "> 0");
    ConstraintResult warning = new ConstraintResult("range:x", "x", Severity.WARNING, 0.5, false,
        "1.0");
    ConstraintResult passed = new ConstraintResult("completeness:x", "x", Severity.ERROR, 1, true,
        "1.0");

    assertEquals("Passed", QualityReportPage.verdictText(List.of(passed)));
    assertEquals("Passed with 1 warning", QualityReportPage.verdictText(List.of(passed, warning)));
    assertEquals("Failed with 1 error", QualityReportPage.verdictText(List.of(error, passed)));
    assertEquals("Failed with 2 errors and 2 warnings",
        QualityReportPage.verdictText(List.of(error, warning, error, warning)));
  }

  @Test
  void aReportWithoutErrorsSaysPassed() {
    QualityReport failing = fixedReport();
    QualityReport passing = new QualityReport(failing.dataset(), failing.runDate(),
        failing.runId(), failing.silverPath(), failing.silverVersion(), failing.profile(),
        failing.constraints().subList(0, 2), failing.anomalies(), failing.anomalyHistory(), null);

    String html = QualityReportPage.render(passing);

    assertTrue(html.contains("<dt>Verdict</dt><dd>Passed</dd>"), html);
    assertTrue(html.contains("<section class=\"verdict passed\" id=\"verdict\">"), html);
  }

  @Test
  void valuesFromTheDataAreEscaped() {
    String html = QualityReportPage.render(fixedReport());

    assertFalse(html.contains("<script>alert(1)</script>"), "a value ran as a script");
    assertFalse(html.contains("business & co"), "an unescaped ampersand");
    assertTrue(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"), "the minimum");
    assertTrue(html.contains("business &amp; co"), "the top value and the expectation");
  }

  @Test
  void anomalyChecksShowTheEarlierValuesTheyComparedWith() {
    String html = QualityReportPage.render(fixedReport());

    assertTrue(html.contains("<ul class=\"history\">\n<li><span class=\"date\">2026-11-23</span> "
        + "1100</li>\n<li><span class=\"date\">2026-11-22</span> 1200</li>\n</ul>"), html);
  }

  @Test
  void htmlIsSelfContained() {
    String html = QualityReportPage.render(fixedReport()).toLowerCase(Locale.ROOT);

    assertFalse(html.contains("http://"), "page references http://");
    assertFalse(html.contains("https://"), "page references https://");
    assertFalse(html.contains("<script src"), "page loads a script");
    assertFalse(html.contains("<link"), "page links a resource");
    assertFalse(html.contains("url("), "page's style loads a resource");
  }
}
