package org.deepline.core.html;

import java.util.Map;
import org.deepline.core.html.Html.Element;

/**
 * Small element builders the report pages share, so the same thing looks the same on every page.
 *
 * <pre>{@code
 * Html.el("table").add(Elements.tableHead("Check", "Result"), rows);
 * Elements.wideSection("profile", "Profile").add(Elements.note("Approximate counts."));
 * }</pre>
 */
public final class Elements {
  private Elements() {}

  /** A table's head row with one {@code th} per column. */
  public static Element tableHead(String... columns) {
    Element row = Html.el("tr");
    for (String column : columns) {
      row.add(Html.el("th").text(column));
    }
    return Html.el("thead").add(row);
  }

  /** A cell saying pass or fail, coloured by the style. */
  public static Element passCell(boolean passed) {
    return Html.el("td").cls(passed ? "pass" : "fail").text(passed ? "pass" : "fail");
  }

  /** The header's grid of labelled values, in the map's order. */
  public static Element metaList(Map<String, String> items) {
    Element list = Html.el("dl").cls("meta");
    items.forEach((label, value) -> metaItem(list, label, value));
    return list;
  }

  /** Adds one labelled value to a {@link #metaList}. */
  public static Element metaItem(Element list, String label, String value) {
    return list.add(Html.el("div").add(Html.el("dt").text(label), Html.el("dd").text(value)));
  }

  /** A full-width section of the page with its heading; the id is the section's anchor. */
  public static Element wideSection(String id, String title) {
    return Html.el("section").cls("wide").attr("id", id).add(Html.el("h2").text(title));
  }

  /** A muted explanatory paragraph. */
  public static Element note(String text) {
    return Html.el("p").cls("note").text(text);
  }
}
