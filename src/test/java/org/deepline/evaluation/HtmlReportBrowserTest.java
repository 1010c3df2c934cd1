package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in a real browser, headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs): the page must render, its scripts must mark every chart as drawn from a
 * path of data points, nothing may reach the console, and a screenshot is kept at
 * {@value #SCREENSHOT} for people to look at. One launch per page: {@code --dump-dom} and
 * {@code --screenshot} together. A page with a script error proves the checks would notice.
 *
 * <p>Without Chromium this test fails: a report nobody looked at is what it exists to prevent.
 */
class HtmlReportBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String SCREENSHOT = "target/report-browser/evaluation.png";
  private static final long LAUNCH_TIMEOUT_SECONDS = 90;
  /** Tall enough to hold the whole report, so the screenshot shows every section. */
  private static final String WINDOW_SIZE = "1200,3600";
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G'};
  /** A screenshot of the drawn page is far larger than a blank one (about 5 kB). */
  private static final long MIN_SCREENSHOT_BYTES = 50_000;
  private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\] (.*)");

  @TempDir
  Path dir;

  @Test
  void reportRendersWithEveryChartDrawnAndNoErrors() throws Exception {
    Path screenshot = Path.of(SCREENSHOT).toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);

    Loaded page = load(HtmlReport.render(ReportFormatTest.fixedReport()), screenshot);

    assertEquals(List.of(), page.console(), "console output");
    assertEquals("ok", attribute(page.dom(), "html", "data-render"), "render mark");
    assertEquals("3/3", attribute(page.dom(), "html", "data-charts"), "charts drawn");
    // The ROC curve has 13 points, the PR curve 12, the reliability diagram 10 bins.
    Matcher drawn = Pattern.compile("<svg class=\"chart\"[^>]*data-drawn=\"(\\d+)\"")
        .matcher(page.dom());
    List<String> points = drawn.results().map(m -> m.group(1)).toList();
    assertEquals(List.of("13", "12", "10"), points);
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

    Loaded page = load(broken, dir.resolve("broken.png"));

    assertEquals("error", attribute(page.dom(), "html", "data-render"));
    assertTrue(page.dom().contains("<li class=\"js-error\">Uncaught ReferenceError: "
        + "drawMissingChart is not defined</li>"), page.dom());
    assertTrue(page.console().stream().anyMatch(line -> line.contains("drawMissingChart")),
        page.console().toString());
  }

  private record Loaded(String dom, List<String> console) {}

  private Loaded load(String html, Path screenshot) throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Chromium with "
        + "'apt-get install -y chromium' (.ci/run does) to check the report in a browser");
    Path page = Files.writeString(dir.resolve("evaluation.html"), html, StandardCharsets.UTF_8);
    Path dom = dir.resolve("dom.html");
    Path log = dir.resolve("chromium.log");
    Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--user-data-dir="
            + dir.resolve("profile"), "--window-size=" + WINDOW_SIZE,
        "--enable-logging=stderr", "--v=0", "--screenshot=" + screenshot, "--dump-dom",
        page.toUri().toString())
        .redirectOutput(dom.toFile())
        .redirectError(log.toFile())
        .start();
    if (!chromium.waitFor(LAUNCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      chromium.destroyForcibly();
      throw new AssertionError("chromium did not finish in " + LAUNCH_TIMEOUT_SECONDS + " s");
    }
    String stderr = Files.readString(log);
    assertEquals(0, chromium.exitValue(), "chromium exit code; stderr:\n" + stderr);
    List<String> console = stderr.lines().map(CONSOLE::matcher).filter(Matcher::find)
        .map(m -> m.group(1)).toList();
    return new Loaded(Files.readString(dom), console);
  }

  private static String attribute(String dom, String tag, String name) {
    Matcher matcher = Pattern.compile("<" + tag + "\\b[^>]*\\b" + name + "=\"([^\"]*)\"")
        .matcher(dom);
    assertTrue(matcher.find(), "no " + name + " on <" + tag + "> in:\n" + dom);
    return matcher.group(1);
  }
}
