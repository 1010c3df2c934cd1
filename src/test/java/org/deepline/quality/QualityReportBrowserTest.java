package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepline.testing.HeadlessChromium;
import org.deepline.testing.HeadlessChromium.Loaded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens {@code quality.html} in headless Chromium ({@link HeadlessChromium}): it must render with
 * nothing on the console, the data's {@code <script>} must stay text, and a screenshot is kept at
 * {@value #SCREENSHOT} for people to look at. The evaluation page's browser test proves that a
 * script error would be noticed; both pages share the scripts that notice it.
 */
class QualityReportBrowserTest {
  private static final String SCREENSHOT = "target/report-browser/quality.png";
  /** A screenshot of the drawn page is far larger than a blank one (about 5 kB). */
  private static final long MIN_SCREENSHOT_BYTES = 50_000;

  @TempDir
  Path dir;

  @Test
  void pageRendersWithNoConsoleOutputAndTheDataAsText() throws Exception {
    Path screenshot = Path.of(SCREENSHOT).toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);

    Loaded page = HeadlessChromium.load(QualityReportPage.render(
        QualityReportPageTest.fixedReport()), dir, screenshot);

    assertEquals(List.of(), page.console(), "console output");
    assertEquals("ok", HeadlessChromium.attribute(page.dom(), "html", "data-render"),
        "render mark");
    assertEquals("0/0", HeadlessChromium.attribute(page.dom(), "html", "data-charts"),
        "no curve charts: top values are bars");
    assertTrue(page.dom().contains("<ul id=\"render-errors\"></ul>"), "error list stays empty");
    assertTrue(page.dom().contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
        "the data's script is text");
    assertEquals(3, page.dom().split("<rect class=\"bar\"", -1).length - 1, "top-value bars");
    assertTrue(Files.size(screenshot) > MIN_SCREENSHOT_BYTES, "screenshot of "
        + Files.size(screenshot) + " bytes");
  }
}
