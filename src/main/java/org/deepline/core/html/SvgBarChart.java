package org.deepline.core.html;

import java.util.ArrayList;
import java.util.List;
import org.deepline.core.html.Html.Element;

/**
 * Horizontal bars as inline SVG, one row per value: its label on the left, a bar as long as its
 * share of the largest value, and the value's text at the bar's end. For a handful of rows (a
 * column's most frequent values); the height grows with the rows.
 *
 * <pre>{@code
 * Element svg = new SvgBarChart("Most frequent values of segment")
 *     .bar("retail", 120, "120")
 *     .bar("business", 40, "40")
 *     .build();
 * }</pre>
 *
 * <p>Its class is {@code bars}, not {@code chart}: the page's render check counts the curves of
 * {@code svg.chart}s, which a bar chart has none of.
 */
public final class SvgBarChart {
  /**
   * Geometry in SVG user units: a label column, the bars, and room for the value's text; about the
   * width of a profile card, so the text is drawn near its style's size.
   */
  private static final int CHART_WIDTH = 300;
  private static final int LABEL_WIDTH = 110;
  private static final int VALUE_WIDTH = 50;
  private static final int ROW_HEIGHT = 22;
  private static final int BAR_HEIGHT = 14;
  /** Space between a label's end (or a bar's end) and the next thing. */
  private static final int GAP = 6;
  /**
   * Longer labels are cut (the whole label stays in the bar's tooltip): what the label column
   * holds at the page's font, where 18 lost their first letters past the card's edge
   * ({@code ogle Consumer S…}).
   */
  private static final int MAX_LABEL_CHARS = 15;
  private static final String ELLIPSIS = "…";

  private record Bar(String label, double value, String valueText) {}

  private final String title;
  private final List<Bar> bars = new ArrayList<>();

  /** @param title what the chart shows, for screen readers */
  public SvgBarChart(String title) {
    this.title = title;
  }

  /** A bar for a non-negative {@code value}, with {@code valueText} written at its end. */
  public SvgBarChart bar(String label, double value, String valueText) {
    bars.add(new Bar(label, value, valueText));
    return this;
  }

  public Element build() {
    int height = Math.max(1, bars.size()) * ROW_HEIGHT;
    Element svg = Html.el("svg").cls("bars").attr("viewBox", "0 0 " + CHART_WIDTH + " " + height)
        .attr("role", "img").attr("aria-label", title);
    double largest = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    double span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      double length = largest > 0 ? Math.max(0, bar.value()) / largest * span : 0;
      double middle = i * ROW_HEIGHT + ROW_HEIGHT / 2.0;
      svg.add(Html.el("g").add(
          Html.el("title").text(bar.label() + ": " + bar.valueText()),
          Html.el("text").attr("x", SvgChart.coordinate(LABEL_WIDTH - GAP))
              .attr("y", SvgChart.coordinate(middle)).attr("text-anchor", "end")
              .attr("dominant-baseline", "middle").text(shortened(bar.label())),
          Html.el("rect").cls("bar").attr("x", SvgChart.coordinate(LABEL_WIDTH))
              .attr("y", SvgChart.coordinate(middle - BAR_HEIGHT / 2.0))
              .attr("width", SvgChart.coordinate(length))
              .attr("height", SvgChart.coordinate(BAR_HEIGHT)),
          Html.el("text").cls("value").attr("x", SvgChart.coordinate(LABEL_WIDTH + length + GAP))
              .attr("y", SvgChart.coordinate(middle)).attr("dominant-baseline", "middle")
              .text(bar.valueText())));
    }
    return svg;
  }

  private static String shortened(String label) {
    return label.codePointCount(0, label.length()) <= MAX_LABEL_CHARS ? label
        : label.substring(0, label.offsetByCodePoints(0, MAX_LABEL_CHARS - 1)) + ELLIPSIS;
  }
}
