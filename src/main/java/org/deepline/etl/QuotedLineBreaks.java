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
 * QuotedLineBreaks.sniff(List.of("id,text", "1,\"two", "lines\""), ',', '"', '"', 2)
 *     .lineBreaksFound(); // true
 * }</pre>
 */
final class QuotedLineBreaks {
  /** The lines of a file's beginning that are looked at: enough for a few thousand records. */
  static final int SNIFFED_LINES = 5_000;
  /** More lines than this in one record is a stray quote, not a text field with line breaks. */
  static final int MAX_LINES_PER_RECORD = 100;

  private QuotedLineBreaks() {}

  /**
   * What the sniffed lines hold: records whose quoted field spans lines with the header's field
   * count, and the line (1-based, in {@code lines}) where the first record that broke the rules
   * above starts (a stray quote's line), or 0 when none did; the records read (the header line's
   * among them), and those of exactly one field more than the header whose last field is empty.
   */
  record Sniffed(int spanning, int firstMalformedLine, int records, int oneEmptyFieldMore) {
    /**
     * Every record after the header line ends in the delimiter that the header line does not end
     * in (an export that writes {@code a,b,} under {@code x,y}): each is one empty field longer
     * than the header, and read under it every one is malformed.
     */
    boolean trailingDelimiterOnDataLines() {
      return records > 1 && oneEmptyFieldMore == records - 1;
    }

    /** Line breaks inside quoted fields, and nothing that reading whole records would swallow. */
    boolean lineBreaksFound() {
      return spanning > 0 && firstMalformedLine == 0;
    }

    /**
     * Records span lines but a malformed one forbids reading them whole: read per line, each of
     * them is cut into malformed pieces, which the user has to hear about.
     */
    boolean lineBreaksBesideMalformed() {
      return spanning > 0 && firstMalformedLine > 0;
    }
  }

  /**
   * Reads {@code lines} as RFC 4180 records of {@code fields} fields; a malformed record is noted
   * and reading goes on after it, so that records spanning lines later in the sample still count.
   */
  static Sniffed sniff(List<String> lines, char delimiter, char quote, char escape, int fields) {
    int spanning = 0;
    int firstMalformed = 0;
    int records = 0;
    int oneEmptyFieldMore = 0;
    int lineNumber = 0;
    int counted = 1;
    int linesInRecord = 1;
    boolean quoted = false;
    boolean fieldStart = true;
    boolean textAfterQuote = false;
    for (String line : lines) {
      lineNumber++;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (escape != quote && c == escape) {
            i++;
          } else if (c == quote && escape == quote && i + 1 < line.length()
              && line.charAt(i + 1) == quote) {
            i++;
          } else if (c == quote) {
            // Text after a closing quote: not RFC 4180, whatever opened the field.
            textAfterQuote |= i + 1 < line.length() && line.charAt(i + 1) != delimiter;
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
      if (quoted && !textAfterQuote && linesInRecord < MAX_LINES_PER_RECORD) {
        linesInRecord++;
        continue;
      }
      records++;
      // fieldStart still set: nothing, not even a quote, came after the record's last delimiter.
      if (counted == fields + 1 && fieldStart && !quoted) {
        oneEmptyFieldMore++;
      }
      boolean malformed = textAfterQuote || (linesInRecord > 1 && (quoted || counted != fields));
      if (malformed && firstMalformed == 0) {
        firstMalformed = lineNumber - linesInRecord + 1;
      } else if (!malformed && linesInRecord > 1) {
        spanning++;
      }
      counted = 1;
      linesInRecord = 1;
      quoted = false;
      fieldStart = true;
      textAfterQuote = false;
    }
    return new Sniffed(spanning, firstMalformed, records, oneEmptyFieldMore);
  }
}
