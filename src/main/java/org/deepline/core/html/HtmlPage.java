package org.deepline.core.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.deepline.core.html.Html.Element;

/**
 * The skeleton every report page shares: one self-contained document with the house style and two
 * small scripts inline (from {@code report.css}, {@code report-errors.js} and {@code report-check.js}
 * next to this class), nothing fetched from anywhere, so a page can be mailed, archived or opened
 * from object storage as it is.
 *
 * <pre>{@code
 * Element main = Html.el("main").add(header, HtmlPage.errorList(), sections...);
 * String page = HtmlPage.render("Evaluation · churn", HtmlPage.STYLE, main);
 * }</pre>
 *
 * <p>The first script writes any script error into the page's {@link #errorList()} and marks the
 * page {@code data-render="error"}; the last confirms every {@code svg.chart} drew its curve and
 * marks it {@code data-render="ok"}, which the browser tests check in headless Chromium.
 */
public final class HtmlPage {
  /** The house style; a page with elements of its own appends its rules to it. */
  public static final String STYLE = resource("report.css");
  private static final String ERROR_HOOK = resource("report-errors.js");
  private static final String RENDER_CHECK = resource("report-check.js");
  /** The id of the list that script errors are written into. */
  private static final String ERROR_LIST_ID = "render-errors";

  private HtmlPage() {}

  /** The page, as a string ending with a newline. */
  public static String render(String title, String style, Element main) {
    Element head = Html.el("head").add(
        Html.el("meta").attr("charset", "utf-8"),
        Html.el("meta").attr("name", "viewport")
            .attr("content", "width=device-width, initial-scale=1"),
        Html.el("title").text(title),
        Html.el("style").add(Html.trusted("\n" + style)),
        Html.el("script").add(Html.trusted("\n" + ERROR_HOOK)));
    Element body = Html.el("body").add(main, Html.el("script").add(Html.trusted("\n"
        + RENDER_CHECK)));
    return Html.document(Html.el("html").attr("lang", "en").add(head, body));
  }

  /** Where script errors are shown, near the top of the page; hidden while empty. */
  public static Element errorList() {
    return Html.el("ul").attr("id", ERROR_LIST_ID);
  }

  /** A text resource next to {@code owner}, e.g. a page's own style rules. */
  public static String resource(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to "
            + owner.getSimpleName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    return resource(HtmlPage.class, name);
  }
}
