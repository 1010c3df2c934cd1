package org.deepline.etl;

import java.util.List;

/**
 * Whether a CSV file's quoted fields hold line breaks, from the lines of its beginning: a line with
 * an odd number of quote characters opens a quoted field that the next line continues (RFC 4180
 * doubles a quote inside a quoted field, which keeps the count even). R's {@code write.csv} and
 * spreadsheets write text with line breaks so; read line by line, each such record is cut into
 * malformed pieces.
 *
 * <pre>{@code
 * QuotedLineBreaks.found(List.of("id,text", "1,\"two", "lines\""), '"'); // true
 * }</pre>
 */
final class QuotedLineBreaks {
  /** The lines of a file's beginning that are looked at: enough for a few thousand records. */
  static final int SNIFFED_LINES = 5_000;

  private QuotedLineBreaks() {}

  /** Whether any of {@code lines} leaves a field quoted with {@code quote} open at its end. */
  static boolean found(List<String> lines, char quote) {
    for (String line : lines) {
      if (line.chars().filter(c -> c == quote).count() % 2 == 1) {
        return true;
      }
    }
    return false;
  }
}
