package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotedLineBreaksTest {
  @Test
  void aQuotedFieldThatSpansLinesIntoARecordOfTheHeadersFieldsIsALineBreak() {
    assertTrue(found(List.of("id,text,label", "1,\"first line",
        "second, with a comma\",yes", "2,plain,no"), ',', '"', '"', 3));
    assertTrue(found(List.of("id;text", "1;'it''s", "two'"), ';', '\'', '\'', 2));
    // A doubled quote at a line's end stays inside the field.
    assertTrue(found(List.of("id,text", "1,\"she said \"\"", "hi\"\"\""),
        ',', '"', '"', 2));
    // A backslash escape: the escaped quote does not close the field.
    assertTrue(found(List.of("id,text", "1,\"a \\\" and", "more\""),
        ',', '"', '\\', 2));
  }

  @Test
  void quotedFieldsOnOneLineQuotesInsideTextAndBlankLinesAreNot() {
    assertFalse(found(List.of(
        "id,text,label",
        "1,\"Braund, Mr. Owen\",no",
        "2,\"she said \"\"hi\"\"\",yes",
        "3,5\" screen,no",
        "",
        "4,plain,no"), ',', '"', '"', 3));
    assertFalse(found(List.of(), ',', '"', '"', 2));
    // Another quote character: the double quotes of a field are text.
    assertFalse(found(List.of("1;'a \"b';c"), ';', '\'', '\'', 3));
  }

  /**
   * Broken fixture: a stray opening quote leaves a field open too. Read as multi-line it would
   * swallow the records after it without a malformed row; per line, it is one quarantined line.
   */
  @Test
  void aStrayQuoteIsNotALineBreak() {
    List<String> lines = new ArrayList<>(List.of("id,text,label", "1,\"broken,yes"));
    for (int i = 2; i < 300; i++) {
      lines.add(i + ",plain,no");
    }
    assertFalse(found(lines, ',', '"', '"', 3), "never closed");
    assertFalse(found(List.of("id,text,label", "1,\"broken,yes", "2,\"x\",no",
        "3,plain,no"), ',', '"', '"', 3), "closed by another field's quote: a wrong field count");
    // A true line break after the stray one does not make the sample one to read as multi-line.
    assertFalse(found(List.of("id,text,label", "1,\"two", "lines\",yes",
        "2,\"broken,no", "3,\"x\",no"), ',', '"', '"', 3));
  }

  /**
   * A stray quote does not end the look: records with line breaks after it are still counted, so
   * that ingest can say they will be cut into pieces.
   */
  @Test
  void aSniffCountsLineBreaksOnBothSidesOfAStrayQuoteAndNamesItsLine() {
    QuotedLineBreaks.Sniffed sniffed = QuotedLineBreaks.sniff(List.of("id,text,label",
        "1,\"broken,yes", "2,\"x\",no", "3,\"two", "lines\",yes", "4,plain,no"),
        ',', '"', '"', 3);
    assertEquals(new QuotedLineBreaks.Sniffed(1, 2, 4, 0), sniffed);
    assertTrue(sniffed.lineBreaksBesideMalformed());
    assertFalse(sniffed.lineBreaksFound());
    assertEquals(new QuotedLineBreaks.Sniffed(0, 0, 2, 0), QuotedLineBreaks.sniff(
        List.of("id,text", "1,plain"), ',', '"', '"', 2));
  }

  private static boolean trailing(String... lines) {
    return QuotedLineBreaks.sniff(List.of(lines), ',', '"', '"', 3).trailingDelimiterOnDataLines();
  }

  @Test
  void dataLinesOneEmptyFieldLongerThanTheHeaderAreATrailingDelimiter() {
    assertTrue(trailing("id,amount,label", "1,1.5,yes,", "2,,no,", "3,\"a,b\",no,"));
    // The header ends in it too: its field is unnamed, the lines fit it.
    assertFalse(trailing("id,amount,label,", "1,1.5,yes,", "2,,no,"));
    // One line without it, a value after it, a quoted empty last field, no data line.
    assertFalse(trailing("id,amount,label", "1,1.5,yes,", "2,,no"));
    assertFalse(trailing("id,amount,label", "1,1.5,yes,x"));
    assertFalse(trailing("id,amount,label", "1,1.5,yes,\"\""));
    assertFalse(trailing("id,amount,label"));
    // The last column empty on every line is not one field more.
    assertFalse(trailing("id,amount,label", "1,1.5,", "2,,"));
  }

  private static boolean found(List<String> lines, char delimiter, char quote, char escape,
      int fields) {
    return QuotedLineBreaks.sniff(lines, delimiter, quote, escape, fields).lineBreaksFound();
  }
}
