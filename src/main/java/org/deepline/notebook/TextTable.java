package org.deepline.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A small aligned text table, what the facade's results print as in a notebook cell: a header, a
 * rule and at most {@code maxRows} rows, then a line saying how many were left out.
 *
 * <pre>{@code
 * TextTable table = new TextTable("metric", "value");
 * table.row("roc_auc", TextTable.number(0.8412));
 * System.out.println(table.render(20));
 * }</pre>
 */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = List.of(header);
  }

  TextTable row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("a row of " + header + " has " + header.size()
          + " cells, got " + cells.length);
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell instanceof Double d ? number(d) : Objects.toString(cell, "-"));
    }
    rows.add(row);
    return this;
  }

  int size() {
    return rows.size();
  }

  /** The table with its first {@code maxRows} rows; numbers are right-aligned, text left-aligned. */
  String render(int maxRows) {
    List<List<String>> shown = rows.subList(0, Math.min(maxRows, rows.size()));
    int[] widths = new int[header.size()];
    boolean[] numeric = new boolean[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      numeric[i] = !shown.isEmpty();
    }
    for (List<String> row : shown) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
        numeric[i] &= isNumber(row.get(i));
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, header, widths, numeric);
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("─".repeat(width));
    }
    line(out, rule, widths, numeric);
    shown.forEach(row -> line(out, row, widths, numeric));
    if (rows.size() > shown.size()) {
      out.append("… ").append(rows.size() - shown.size()).append(" more\n");
    }
    return out.toString().stripTrailing();
  }

  @Override
  public String toString() {
    return render(Integer.MAX_VALUE);
  }

  /** A metric as a table shows it: whole numbers without decimals, others with four. */
  static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths, boolean[] right) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String format = "%" + (right[i] ? "" : "-") + widths[i] + "s";
      line.append(String.format(Locale.ROOT, format, cells.get(i)));
      if (i + 1 < cells.size()) {
        line.append("  ");
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static boolean isNumber(String cell) {
    return cell.equals("-") || cell.matches("-?[0-9]+(\\.[0-9]+)?|NaN|-?Infinity");
  }
}
