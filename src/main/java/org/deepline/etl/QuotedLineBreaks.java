package org.deepline.etl;

import java.util.List;

/**
 * Whether a CSV file's quoted fields hold line breaks, from the lines of its beginning, read as
 * RFC 4180 reads them: a quote opens a field only at the field's start, a quote inside a quoted
 * field is doubled (or follows the source's escape character), and a line break inside a quoted
 * field continues the record on the next line. R's {@code write.csv} and spreadsheets write text
 * with line breaks so; read line by line, each such record is cut into malformed pieces.
 *
 * <p>Found only when some record spans lines and has the header's field count, no record that
 * spans lines has another count or stays open for {@value #MAX_LINES_PER_RECORD} lines, and no
 * closing quote is followed by anything but the delimiter or the line's end: a stray
 * quote ({@code 1,"broken,yes}) also leaves a field open, and read as multi-line it would swallow
 * the records after it into one field without a malformed row to show for it.
 *
 * <pre>{@code
 * QuotedLineBreaks.found(List.of("id,text", "1,\"two", "lines\""), ',', '"', '"', 2); // true
 * }</pre>
 */
final class QuotedLineBreaks {
  /** The lines of a file's beginning that are looked at: enough for a few thousand records. */
  static final int SNIFFED_LINES = 5_000;
  /** More lines than this in one record is a stray quote, not a text field with line breaks. */
  static final int MAX_LINES_PER_RECORD = 100;

  private QuotedLineBreaks() {}

  /**
   * Whether {@code lines} hold a record whose quoted field spans lines, with {@code fields} fields,
   * and no record spanning lines that is malformed.
   */
  static boolean found(List<String> lines, char delimiter, char quote, char escape, int fields) {
    int spanning = 0;
    int counted = 1;
    int linesInRecord = 1;
    boolean quoted = false;
    boolean fieldStart = true;
    for (String line : lines) {
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (escape != quote && c == escape) {
            i++;
          } else if (c == quote && escape == quote && i + 1 < line.length()
              && line.charAt(i + 1) == quote) {
            i++;
          } else if (c == quote) {
            if (i + 1 < line.length() && line.charAt(i + 1) != delimiter) {
              // Text after a closing quote: not RFC 4180, whatever opened the field.
              return false;
            }
            quoted = false;
          }
        } else if (c == quote && fieldStart) {
          quoted = true;
          fieldStart = false;
        } else if (c == delimiter) {
          counted++;
          fieldStart = true;
        } else {
          fieldStart = false;
        }
      }
      if (quoted && linesInRecord < MAX_LINES_PER_RECORD) {
        linesInRecord++;
        continue;
      }
      if (linesInRecord > 1) {
        if (quoted || counted != fields) {
          return false;
        }
        spanning++;
      }
      counted = 1;
      linesInRecord = 1;
      quoted = false;
      fieldStart = true;
    }
    return spanning > 0;
  }
}
