package org.deepline.core.html;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deepline.core.html.Html.Element;

/**
 * A square chart as inline SVG: grid, ticks, axis titles, an optional dashed reference line, and
 * curves drawn as paths from the data points given. Both axes run over [0, 1] unless an
 * {@link Axis} gives another range (epochs, a loss).
 *
 * <pre>{@code
 * Element svg = new SvgChart("ROC curve", "False positive rate", "True positive rate")
 *     .reference(0, 0, 1, 1)
 *     .curve(points, "curve")
 *     .label("AUC 0.8712")
 *     .build();
 * }</pre>
 */
public final class SvgChart {
  /** Tick labels carry three significant digits: enough to tell five evenly spaced ticks apart. */
  private static final MathContext TICK_DIGITS = new MathContext(3);
  /** Chart geometry, in SVG user units: a square plot with room for tick labels and axis titles. */
  private static final int CHART_WIDTH = 360;
  private static final int CHART_HEIGHT = 340;
  private static final int PLOT_LEFT = 54;
  private static final int PLOT_TOP = 16;
  private static final int PLOT_SIZE = 280;
  /** Distance from the plot's edge to the right end of a y tick label. */
  private static final int Y_TICK_LABEL_GAP = 8;
  /** Distance from the plot's bottom to the baseline of an x tick label. */
  private static final int X_TICK_LABEL_BASELINE = 18;
  /** Distance from the plot's bottom to the baseline of the x axis title. */
  private static final int X_TITLE_BASELINE = 38;
  /** Horizontal position of the (rotated) y axis title's baseline. */
  private static final int Y_TITLE_X = 18;
  /** Inset of the label from the plot's bottom-right corner. */
  private static final int LABEL_INSET = 10;
  private static final int MARKER_RADIUS = 4;
  private static final double[] TICKS = {0, 0.25, 0.5, 0.75, 1};
  /** SVG coordinates need no more precision than a hundredth of a pixel. */
  private static final String COORDINATE_FORMAT = "%.2f";

  private final Element svg;
  private final Axis xAxis;
  private final Axis yAxis;

  /**
   * An axis: its title and the data values at its two ends.
   *
   * <pre>{@code
   * new SvgChart("Loss", new Axis("Epoch", 1, 20), new Axis("Log loss", 0, 0.7));
   * }</pre>
   */
  public record Axis(String title, double min, double max) {
    public Axis {
      if (!(max > min)) {
        throw new IllegalArgumentException("axis " + title + ": max " + max + " must be above min "
            + min);
      }
    }

    /** The axis over [0, 1], for rates and probabilities. */
    public static Axis unit(String title) {
      return new Axis(title, 0, 1);
    }

    double share(double value) {
      return (value - min) / (max - min);
    }

    String tickLabel(double share) {
      return BigDecimal.valueOf(min + share * (max - min)).round(TICK_DIGITS)
          .stripTrailingZeros().toPlainString();
    }
  }

  /** A chart over [0, 1] x [0, 1]. */
  public SvgChart(String title, String xTitle, String yTitle) {
    this(title, Axis.unit(xTitle), Axis.unit(yTitle));
  }

  public SvgChart(String title, Axis xAxis, Axis yAxis) {
    this.xAxis = xAxis;
    this.yAxis = yAxis;
    String xTitle = xAxis.title();
    String yTitle = yAxis.title();
    svg = Html.el("svg").attr("class", "chart").attr("viewBox", "0 0 " + CHART_WIDTH + " "
        + CHART_HEIGHT).attr("role", "img").attr("aria-label", title);
    for (double tick : TICKS) {
      svg.add(shareLine("grid-line", tick, 0, tick, 1), shareLine("grid-line", 0, tick, 1, tick),
          Html.el("text").attr("x", coordinate(xPosition(tick)))
              .attr("y", coordinate(yPosition(0) + X_TICK_LABEL_BASELINE))
              .attr("text-anchor", "middle").text(xAxis.tickLabel(tick)),
          Html.el("text").attr("x", coordinate(xPosition(0) - Y_TICK_LABEL_GAP))
              .attr("y", coordinate(yPosition(tick))).attr("text-anchor", "end")
              .attr("dominant-baseline", "middle").text(yAxis.tickLabel(tick)));
    }
    double middle = PLOT_SIZE / 2.0;
    svg.add(shareLine("axis", 0, 0, 1, 0), shareLine("axis", 0, 0, 0, 1),
        Html.el("text").cls("title").attr("x", coordinate(PLOT_LEFT + middle))
            .attr("y", coordinate(yPosition(0) + X_TITLE_BASELINE))
            .attr("text-anchor", "middle").text(xTitle),
        Html.el("text").cls("title").attr("transform", "translate(" + coordinate(Y_TITLE_X) + " "
                + coordinate(PLOT_TOP + middle) + ") rotate(-90)")
            .attr("text-anchor", "middle").text(yTitle));
  }

  /** A dashed line from (x1, y1) to (x2, y2): what a model without skill would draw. */
  public SvgChart reference(double x1, double y1, double x2, double y2) {
    svg.add(line("reference", x1, y1, x2, y2));
    return this;
  }

  /** The area under the curve through {@code points}, down to y = 0. */
  public SvgChart area(List<double[]> points) {
    if (points.isEmpty()) {
      return this;
    }
    List<double[]> closed = new ArrayList<>(points);
    closed.add(new double[] {points.get(points.size() - 1)[0], 0});
    closed.add(new double[] {points.get(0)[0], 0});
    svg.add(Html.el("path").cls("area").attr("d", path(closed) + " Z"));
    return this;
  }

  /** A curve through {@code points} (each {x, y} in [0, 1]) in the order given. */
  public SvgChart curve(List<double[]> points, String cssClass) {
    svg.add(Html.el("path").cls(cssClass).attr("d", path(points)));
    return this;
  }

  /** A marker at each point, with a tooltip. */
  public SvgChart markers(List<double[]> points, List<String> tooltips) {
    for (int i = 0; i < points.size(); i++) {
      svg.add(Html.el("circle").cls("marker").attr("cx", x(points.get(i)[0]))
          .attr("cy", y(points.get(i)[1])).attr("r", MARKER_RADIUS)
          .add(Html.el("title").text(tooltips.get(i))));
    }
    return this;
  }

  /** A label in the plot's bottom-right corner, e.g. the area under the curve. */
  public SvgChart label(String text) {
    svg.add(Html.el("text").cls("title").attr("x", coordinate(xPosition(1) - LABEL_INSET))
        .attr("y", coordinate(yPosition(0) - LABEL_INSET)).attr("text-anchor", "end").text(text));
    return this;
  }

  public Element build() {
    return svg;
  }

  private String path(List<double[]> points) {
    StringBuilder d = new StringBuilder();
    for (double[] point : points) {
      d.append(d.length() == 0 ? "M" : " L").append(x(point[0])).append(',').append(y(point[1]));
    }
    return d.toString();
  }

  private Element line(String cssClass, double x1, double y1, double x2, double y2) {
    return shareLine(cssClass, xAxis.share(x1), yAxis.share(y1), xAxis.share(x2),
        yAxis.share(y2));
  }

  /** A line between two points given as shares of the plot's width and height. */
  private static Element shareLine(String cssClass, double x1, double y1, double x2, double y2) {
    return Html.el("line").cls(cssClass).attr("x1", coordinate(xPosition(x1)))
        .attr("y1", coordinate(yPosition(y1))).attr("x2", coordinate(xPosition(x2)))
        .attr("y2", coordinate(yPosition(y2)));
  }

  private static double xPosition(double rate) {
    return PLOT_LEFT + rate * PLOT_SIZE;
  }

  /** SVG's y axis points down: rate 1 is the plot's top edge. */
  private static double yPosition(double rate) {
    return PLOT_TOP + (1 - rate) * PLOT_SIZE;
  }

  private String x(double value) {
    return coordinate(xPosition(xAxis.share(value)));
  }

  private String y(double value) {
    return coordinate(yPosition(yAxis.share(value)));
  }

  static String coordinate(double value) {
    return String.format(Locale.ROOT, COORDINATE_FORMAT, value);
  }
}
