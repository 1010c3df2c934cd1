package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.core.Json;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.metrics.BinaryMetrics.Confusion;
import org.deepline.metrics.BinaryMetrics.CurvePoint;
import org.deepline.metrics.BinaryMetrics.Summary;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of the report's JSON and HTML. After an intended format change, regenerate the golden
 * files and review their diff like code:
 *
 * <pre>{@code
 * mvn -o -q test -Dtest='ReportFormatTest' -Ddeepline.updateGolden=true && git diff src/test/resources
 * }</pre>
 */
class ReportFormatTest {
  private static final String UPDATE_GOLDEN = "deepline.updateGolden";
  private static final Path GOLDEN_DIR = Path.of("src", "test", "resources", "golden");
  /** Where a mismatching output is written, for {@code diff} against its golden file. */
  private static final Path ACTUAL_DIR = Path.of("target", "golden-actual");

  @Test
  void jsonMatchesGoldenFile() throws IOException {
    assertMatchesGolden(Json.write(fixedReport()), "evaluation_report.json");
  }

  @Test
  void htmlMatchesGoldenFile() throws IOException {
    assertMatchesGolden(HtmlReport.render(fixedReport()), "evaluation_report.html");
  }

  @Test
  void jsonRoundTripsToAnEqualReport() {
    EvaluationReport withChampion = withDatasetAndChampion(fixedReport(), "churn",
        Map.of("roc_auc", 0.8655));

    for (EvaluationReport report : List.of(fixedReport(), withChampion)) {
      assertEquals(report, Json.read(Json.write(report), EvaluationReport.class, "src"));
    }
  }

  @Test
  void htmlIsSelfContained() {
    String html = HtmlReport.render(fixedReport()).toLowerCase(Locale.ROOT);

    assertFalse(html.contains("http://"), "page references http://");
    assertFalse(html.contains("https://"), "page references https://");
    assertFalse(html.contains("<script src"), "page loads a script");
    assertFalse(html.contains("<link"), "page links a resource");
    assertFalse(html.contains("url("), "page's style loads a resource");
  }

  @Test
  void htmlEscapesStringsFromTheReport() {
    String html = HtmlReport.render(withDatasetAndChampion(fixedReport(), "<churn&co>",
        Map.of("<b>auc</b>", 0.8)));

    assertTrue(html.contains("&lt;churn&amp;co&gt;"));
    assertFalse(html.contains("<churn&co>"));
    assertTrue(html.contains("&lt;b&gt;auc&lt;/b&gt;"));
    assertFalse(html.contains("<b>auc</b>"));
  }

  @Test
  void htmlListsTheChampionOrSaysThereIsNone() {
    EvaluationReport withChampion = withDatasetAndChampion(fixedReport(), "churn",
        Map.of("roc_auc", 0.86));

    assertTrue(HtmlReport.render(fixedReport()).contains("No champion yet"));
    assertFalse(HtmlReport.render(withChampion).contains("No champion yet"));
    assertTrue(HtmlReport.render(withChampion).contains("<td>roc_auc</td><td>0.8600</td>"));
  }

  @Test
  void htmlShowsUndefinedMetricsAsNotAvailable() {
    Summary metrics = fixedReport().metrics();
    Summary singleClass = new Summary(metrics.count(), 0, 1, 0, 0, 0, Double.NaN, Double.NaN,
        metrics.logLoss(), new Confusion(0, 0, metrics.count(), 0), List.of(),
        metrics.calibration());
    EvaluationReport report = fixedReport();

    String html = HtmlReport.render(new EvaluationReport(report.dataset(), report.runId(),
        report.runDate(), report.modelVersion(), report.split(), report.threshold(),
        report.generatedAt(), singleClass, null));

    assertTrue(html.contains("<td>ROC AUC</td><td>n/a</td>"));
    assertTrue(html.contains("Not defined: the split holds a single class."));
    assertFalse(html.contains("NaN"));
  }

  /**
   * A realistic report of 2,000 test rows: 530 positives, 559 rows at or above the 0.5 threshold,
   * consistent with the calibration bins (the five bins from 0.5 up hold 559 rows).
   */
  private static EvaluationReport fixedReport() {
    Confusion confusion = new Confusion(401, 158, 1312, 129);
    double precision = 401.0 / 559;
    double recall = 401.0 / 530;
    double f1 = 2 * precision * recall / (precision + recall);
    List<CurvePoint> roc = List.of(
        new CurvePoint(0, 0, Double.POSITIVE_INFINITY),
        new CurvePoint(0.0136, 0.1623, 0.9412),
        new CurvePoint(0.0347, 0.3057, 0.8633),
        new CurvePoint(0.0639, 0.4377, 0.7718),
        new CurvePoint(0.1075, 0.6019, 0.6524),
        new CurvePoint(0.1442, 0.7094, 0.5581),
        new CurvePoint(0.1891, 0.7868, 0.4611),
        new CurvePoint(0.2571, 0.8566, 0.3627),
        new CurvePoint(0.3517, 0.9132, 0.2604),
        new CurvePoint(0.4850, 0.9566, 0.1702),
        new CurvePoint(0.6721, 0.9849, 0.0917),
        new CurvePoint(0.8578, 0.9962, 0.0384),
        new CurvePoint(1, 1, 0.0021));
    long[] binRows = {612, 298, 203, 167, 161, 143, 132, 118, 96, 70};
    double[] meanPredicted = {0.043, 0.148, 0.251, 0.349, 0.452, 0.548, 0.651, 0.747, 0.846, 0.934};
    double[] observedRate = {0.036, 0.131, 0.236, 0.377, 0.429, 0.587, 0.621, 0.771, 0.875, 0.957};
    int bins = binRows.length;
    List<CalibrationBin> calibration = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      calibration.add(new CalibrationBin((double) i / bins, (double) (i + 1) / bins, binRows[i],
          meanPredicted[i], observedRate[i]));
    }
    Summary metrics = new Summary(2000, 530, (401 + 1312) / 2000.0, precision, recall, f1, 0.8712,
        0.7034, 0.3921, confusion, roc, calibration);
    return new EvaluationReport("churn", "20240630T021500-a1b2c3", "2024-06-30", "v7", "test", 0.5,
        "2024-06-30T02:31:07Z", metrics, null);
  }

  private static EvaluationReport withDatasetAndChampion(EvaluationReport report, String dataset,
      Map<String, Double> championMetrics) {
    return new EvaluationReport(dataset, report.runId(), report.runDate(), report.modelVersion(),
        report.split(), report.threshold(), report.generatedAt(), report.metrics(),
        championMetrics);
  }

  private static void assertMatchesGolden(String actual, String fileName) throws IOException {
    Path golden = GOLDEN_DIR.resolve(fileName);
    if (Boolean.getBoolean(UPDATE_GOLDEN)) {
      Files.createDirectories(GOLDEN_DIR);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(golden)) {
      fail("no golden file " + golden + "; create it with -D" + UPDATE_GOLDEN + "=true");
    }
    // A checkout with CRLF line endings must not fail the comparison.
    String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
    String normalized = actual.replace("\r\n", "\n");
    if (!expected.equals(normalized)) {
      Path actualCopy = ACTUAL_DIR.resolve(fileName);
      Files.createDirectories(ACTUAL_DIR);
      Files.writeString(actualCopy, normalized, StandardCharsets.UTF_8);
      fail(fileName + " differs from its golden file at " + firstDifference(expected, normalized)
          + "\nsee: diff " + golden + " " + actualCopy
          + "\nif the change is intended, rerun with -D" + UPDATE_GOLDEN
          + "=true and review the diff of " + golden);
    }
  }

  private static String firstDifference(String expected, String actual) {
    String[] expectedLines = expected.split("\n", -1);
    String[] actualLines = actual.split("\n", -1);
    int shared = Math.min(expectedLines.length, actualLines.length);
    for (int i = 0; i < shared; i++) {
      if (!expectedLines[i].equals(actualLines[i])) {
        return "line " + (i + 1) + ":\n  expected: " + expectedLines[i]
            + "\n  actual:   " + actualLines[i];
      }
    }
    return "line " + (shared + 1) + ": expected " + expectedLines.length + " lines, got "
        + actualLines.length;
  }
}
