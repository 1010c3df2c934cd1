package org.deepline.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart that prints as text and saves as SVG, so a notebook can "plot" with no plotting
 * library: printing it (the cell's value, or {@code System.out.println}) draws the series on a
 * grid of Unicode characters, and {@link #save} writes an SVG file to open in a browser or show
 * with the kernel's display support.
 *
 * <pre>{@code
 * Chart roc = Chart.titled("ROC curve", "false positive rate", "true positive rate")
 *     .range(0, 1, 0, 1)
 *     .reference("chance", List.of(new double[] {0, 0}, new double[] {1, 1}))
 *     .line("model", points);
 * System.out.println(roc);
 * roc.save(Path.of("target/roc.svg"));
 * }</pre>
 *
 * <p>Reference lines are drawn first, dotted; then the lines in the order added, each with its own
 * mark ({@link #MARKS}), later ones over earlier ones. Without {@link #range} the axes span the
 * points.
 */
public final class Chart {
  /** The marks of the first, second, ... line in the text rendering. */
  static final String MARKS = "●▲■◆";
  /** The mark of a reference line (chance, perfect calibration). */
  static final char REFERENCE_MARK = '·';
  /** Stroke colours of the lines in the SVG rendering, in the same order. */
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  private static final String REFERENCE_COLOUR = "#9e9e9e";
  private static final int WIDTH = 56;
  private static final int HEIGHT = 16;
  private static final int SVG_WIDTH = 480;
  private static final int SVG_HEIGHT = 360;
  private static final int SVG_LEFT = 60;
  private static final int SVG_TOP = 30;
  private static final int SVG_PLOT_WIDTH = 390;
  private static final int SVG_PLOT_HEIGHT = 260;

  /**
   * One named series of (x, y) points, joined in the order given.
   *
   * @param reference drawn dotted and under the lines: a baseline to read them against
   */
  public record Series(String name, List<double[]> points, boolean reference) {
    public Series {
      points = points.stream().map(double[]::clone).toList();
    }
  }

  private final String title;
  private final String xTitle;
  private final String yTitle;
  private final List<Series> series = new ArrayList<>();
  private double[] range;

  private Chart(String title, String xTitle, String yTitle) {
    this.title = title;
    this.xTitle = xTitle;
    this.yTitle = yTitle;
  }

  /** An empty chart with a title and the titles of its axes. */
  public static Chart titled(String title, String xTitle, String yTitle) {
    return new Chart(title, xTitle, yTitle);
  }

  /** Fixes the axes instead of fitting them to the points (e.g. 0..1 for rates). */
  public Chart range(double xMin, double xMax, double yMin, double yMax) {
    if (!(xMax > xMin) || !(yMax > yMin)) {
      throw new IllegalArgumentException("empty range: x " + xMin + ".." + xMax + ", y " + yMin
          + ".." + yMax);
    }
    range = new double[] {xMin, xMax, yMin, yMax};
    return this;
  }

  /** Adds a line; points whose x or y is not finite are left out. */
  public Chart line(String name, List<double[]> points) {
    if (series.stream().filter(s -> !s.reference()).count() == MARKS.length()) {
      throw new IllegalArgumentException("a chart draws at most " + MARKS.length() + " lines");
    }
    series.add(new Series(name, finite(points), false));
    return this;
  }

  /** Adds a reference line (e.g. chance or perfect calibration), drawn dotted under the lines. */
  public Chart reference(String name, List<double[]> points) {
    series.add(new Series(name, finite(points), true));
    return this;
  }

  private static List<double[]> finite(List<double[]> points) {
    return points.stream().filter(p -> Double.isFinite(p[0]) && Double.isFinite(p[1])).toList();
  }

  /** The series in drawing order: references first, then the lines in the order added. */
  private List<Series> drawn() {
    List<Series> order = new ArrayList<>(series.stream().filter(Series::reference).toList());
    order.addAll(series.stream().filter(s -> !s.reference()).toList());
    return order;
  }

  private static String mark(List<Series> drawn, int index) {
    Series s = drawn.get(index);
    if (s.reference()) {
      return String.valueOf(REFERENCE_MARK);
    }
    int line = (int) drawn.subList(0, index).stream().filter(x -> !x.reference()).count();
    return String.valueOf(MARKS.charAt(line));
  }

  private static String colour(List<Series> drawn, int index) {
    if (drawn.get(index).reference()) {
      return REFERENCE_COLOUR;
    }
    return COLOURS[(int) drawn.subList(0, index).stream().filter(x -> !x.reference()).count()];
  }

  public List<Series> series() {
    return List.copyOf(series);
  }

  /** The chart as text: title, the plot with its axes' ranges, the axis titles and a legend. */
  @Override
  public String toString() {
    double[] r = bounds();
    char[][] grid = new char[HEIGHT][WIDTH];
    for (char[] row : grid) {
      java.util.Arrays.fill(row, ' ');
    }
    List<Series> drawn = drawn();
    for (int s = 0; s < drawn.size(); s++) {
      List<double[]> points = drawn.get(s).points();
      char mark = mark(drawn, s).charAt(0);
      for (int i = 0; i < points.size(); i++) {
        double[] from = points.get(Math.max(0, i - 1));
        double[] to = points.get(i);
        double x0 = column(from[0], r);
        double y0 = row(from[1], r);
        double x1 = column(to[0], r);
        double y1 = row(to[1], r);
        int steps = (int) Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2) + 1;
        for (int k = 0; k <= steps; k++) {
          double t = (double) k / steps;
          plot(grid, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, mark);
        }
      }
    }
    String top = axisNumber(r[3]);
    String bottom = axisNumber(r[2]);
    int labelWidth = Math.max(top.length(), bottom.length());
    StringBuilder out = new StringBuilder(title).append('\n');
    out.append(" ".repeat(labelWidth)).append("  ").append(yTitle).append('\n');
    for (int y = 0; y < HEIGHT; y++) {
      String label = y == 0 ? top : y == HEIGHT - 1 ? bottom : "";
      out.append(String.format(Locale.ROOT, "%" + labelWidth + "s │", label))
          .append(new String(grid[y]).stripTrailing()).append('\n');
    }
    out.append(" ".repeat(labelWidth)).append(" └").append("─".repeat(WIDTH)).append('\n');
    String left = axisNumber(r[0]);
    String right = axisNumber(r[1]);
    out.append(" ".repeat(labelWidth + 2)).append(left)
        .append(" ".repeat(Math.max(1, WIDTH - left.length() - right.length()))).append(right)
        .append('\n');
    out.append(" ".repeat(labelWidth + 2 + Math.max(0, (WIDTH - xTitle.length()) / 2)))
        .append(xTitle).append('\n');
    List<String> legend = new ArrayList<>();
    for (int s = 0; s < drawn.size(); s++) {
      legend.add(mark(drawn, s) + " " + drawn.get(s).name());
    }
    out.append(" ".repeat(labelWidth + 2)).append(String.join("   ", legend));
    return out.toString();
  }

  /** The chart as a standalone SVG document. */
  public String svg() {
    double[] r = bounds();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
        + "font-size=\"12\">%n", SVG_WIDTH, SVG_HEIGHT, SVG_WIDTH, SVG_HEIGHT));
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n",
        SVG_LEFT, escape(title)));
    out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"none\" stroke=\"#444\"/>%n", SVG_LEFT, SVG_TOP, SVG_PLOT_WIDTH, SVG_PLOT_HEIGHT));
    double[][] ticks = {{r[0], r[2]}, {(r[0] + r[1]) / 2, (r[2] + r[3]) / 2}, {r[1], r[3]}};
    for (double[] tick : ticks) {
      out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
          + "</text>%n", svgX(tick[0], r), SVG_TOP + SVG_PLOT_HEIGHT + 16, axisNumber(tick[0])));
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
          + "dominant-baseline=\"middle\">%s</text>%n", SVG_LEFT - 6, svgY(tick[1], r),
          axisNumber(tick[1])));
    }
    out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s"
        + "</text>%n", SVG_LEFT + SVG_PLOT_WIDTH / 2, SVG_TOP + SVG_PLOT_HEIGHT + 34,
        escape(xTitle)));
    out.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %d) rotate(-90)\" "
        + "text-anchor=\"middle\">%s</text>%n", SVG_TOP + SVG_PLOT_HEIGHT / 2, escape(yTitle)));
    List<Series> drawn = drawn();
    for (int s = 0; s < drawn.size(); s++) {
      StringBuilder points = new StringBuilder();
      for (double[] p : drawn.get(s).points()) {
        points.append(String.format(Locale.ROOT, "%.2f,%.2f ", svgX(p[0], r), svgY(p[1], r)));
      }
      out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" "
          + "stroke-width=\"2\"%s points=\"%s\"/>%n", colour(drawn, s),
          drawn.get(s).reference() ? " stroke-dasharray=\"4 3\"" : "",
          points.toString().strip()));
      out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
          SVG_LEFT + 8, SVG_TOP + 16 + 16 * s, colour(drawn, s), escape(drawn.get(s).name())));
    }
    return out.append("</svg>\n").toString();
  }

  /** Writes {@link #svg()} to {@code file} (creating its directory) and returns its absolute path. */
  public Path save(Path file) {
    try {
      Path absolute = file.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      return Files.writeString(absolute, svg());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chart to " + file, e);
    }
  }

  private double[] bounds() {
    if (range != null) {
      return range;
    }
    double[] r = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
    series.forEach(s -> s.points().forEach(p -> {
      r[0] = Math.min(r[0], p[0]);
      r[1] = Math.max(r[1], p[0]);
      r[2] = Math.min(r[2], p[1]);
      r[3] = Math.max(r[3], p[1]);
    }));
    if (r[0] > r[1]) {
      return new double[] {0, 1, 0, 1};
    }
    for (int axis = 0; axis < 4; axis += 2) {
      if (r[axis + 1] - r[axis] < 1e-12) {
        r[axis] -= 0.5;
        r[axis + 1] += 0.5;
      }
    }
    return r;
  }

  private static double column(double x, double[] r) {
    return (x - r[0]) / (r[1] - r[0]) * (WIDTH - 1);
  }

  private static double row(double y, double[] r) {
    return (r[3] - y) / (r[3] - r[2]) * (HEIGHT - 1);
  }

  private static void plot(char[][] grid, double x, double y, char mark) {
    int column = (int) Math.round(x);
    int row = (int) Math.round(y);
    if (row >= 0 && row < HEIGHT && column >= 0 && column < WIDTH) {
      grid[row][column] = mark;
    }
  }

  private static double svgX(double x, double[] r) {
    return SVG_LEFT + (x - r[0]) / (r[1] - r[0]) * SVG_PLOT_WIDTH;
  }

  private static double svgY(double y, double[] r) {
    return SVG_TOP + (r[3] - y) / (r[3] - r[2]) * SVG_PLOT_HEIGHT;
  }

  private static String axisNumber(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
