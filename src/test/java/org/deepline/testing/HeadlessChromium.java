package org.deepline.testing;

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

/**
 * Opens a report page in a real browser, headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs), for the report browser tests: one launch per page, {@code --dump-dom}
 * and {@code --screenshot} together, and the console lines Chromium logged.
 *
 * <pre>{@code
 * HeadlessChromium.Loaded page = HeadlessChromium.load(html, dir, dir.resolve("page.png"));
 * assertEquals("ok", HeadlessChromium.attribute(page.dom(), "html", "data-render"));
 * }</pre>
 *
 * <p>Without Chromium the calling test fails: a report nobody looked at is what it exists to prevent.
 */
public final class HeadlessChromium {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long LAUNCH_TIMEOUT_SECONDS = 90;
  /** Tall enough to hold a whole report, so the screenshot shows every section. */
  private static final String WINDOW_SIZE = "1200,3600";
  private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\] (.*)");

  private HeadlessChromium() {}

  /** The page as the browser's DOM after its scripts ran, and what they wrote to the console. */
  public record Loaded(String dom, List<String> console) {}

  /**
   * Writes {@code html} into {@code dir} (which also holds the browser profile), opens it and
   * saves a screenshot at {@code screenshot}.
   */
  public static Loaded load(String html, Path dir, Path screenshot)
      throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Chromium with "
        + "'apt-get install -y chromium' (.ci/run does) to check the report in a browser");
    Path page = Files.writeString(dir.resolve("page.html"), html, StandardCharsets.UTF_8);
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

  /** The value of the first {@code tag}'s attribute {@code name} in {@code dom}; fails without. */
  public static String attribute(String dom, String tag, String name) {
    Matcher matcher = Pattern.compile("<" + tag + "\\b[^>]*\\b" + name + "=\"([^\"]*)\"")
        .matcher(dom);
    assertTrue(matcher.find(), "no " + name + " on <" + tag + "> in:\n" + dom);
    return matcher.group(1);
  }
}
