package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deepline.testing.HeadlessChromium;
import org.deepline.testing.HeadlessChromium.Loaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in a real browser, headless Chromium ({@link HeadlessChromium}): the page must
 * render, its scripts must mark every chart as drawn from a path of data points, nothing may reach
 * the console, and a screenshot is kept at {@value #SCREENSHOT} for people to look at. A page with
 * a script error proves the checks would notice.
 */
class HtmlReportBrowserTest {
  private static final String SCREENSHOT = "target/report-browser/evaluation.png";
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};
  /** A screenshot of the drawn page is far larger than a blank one (about 5 kB). */
  private static final long MIN_SCREENSHOT_BYTES = 50_000;

  @TempDir
  Path dir;

  @Test
  void reportRendersWithEveryChartDrawnAndNoErrors() throws Exception {
    Path screenshot = Path.of(SCREENSHOT).toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);

    Loaded page = HeadlessChromium.load(HtmlReport.render(ReportFormatTest.fixedReport()), dir,
        screenshot);

    assertEquals(List.of(), page.console(), "console output");
    assertEquals("ok", HeadlessChromium.attribute(page.dom(), "html", "data-render"),
        "render mark");
    assertEquals("5/5", HeadlessChromium.attribute(page.dom(), "html", "data-charts"),
        "charts drawn");
    // The ROC curve has 13 points, the PR curve 12, the reliability diagram 10 bins; the loss and
    // the validation ROC AUC per epoch 4 epochs each.
    Matcher drawn = Pattern.compile("<svg class=\"chart\"[^>]*data-drawn=\"(\\d+)\"")
        .matcher(page.dom());
    List<String> points = drawn.results().map(m -> m.group(1)).toList();
    assertEquals(List.of("13", "12", "10", "4", "4"), points);
    assertTrue(page.dom().contains("<ul id=\"render-errors\"></ul>"), "error list stays empty");
    assertTrue(page.dom().contains("Not blessed"), "verdict shown");
    byte[] png = Files.readAllBytes(screenshot);
    assertTrue(png.length > MIN_SCREENSHOT_BYTES, "screenshot of " + png.length + " bytes");
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      assertEquals(PNG_SIGNATURE[i], png[i], "PNG signature");
    }
  }

  @Test
  void aScriptErrorIsWrittenIntoThePageAndTheConsole() throws Exception {
    String broken = HtmlReport.render(ReportFormatTest.fixedReport())
        .replace("</main>", "<script>drawMissingChart();</script></main>");

    Loaded page = HeadlessChromium.load(broken, dir, dir.resolve("broken.png"));

    assertEquals("error", HeadlessChromium.attribute(page.dom(), "html", "data-render"));
    assertTrue(page.dom().contains("<li class=\"js-error\">Uncaught ReferenceError: "
        + "drawMissingChart is not defined</li>"), page.dom());
    assertTrue(page.console().stream().anyMatch(line -> line.contains("drawMissingChart")),
        page.console().toString());
  }
}
