package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whether a source's first lines are UTF-8 by their bytes, and what a user is told otherwise. */
class FileEncodingTest {
  @Test
  void aLatin1LineIsNamedWithTheEncodingToDeclare() {
    List<byte[]> lines = List.of("id,shop".getBytes(StandardCharsets.ISO_8859_1),
        "1,Caf\u00e9 Nord".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(Optional.of("source shops.csv: line 2 of the first lines is not UTF-8 (1,Caf"
        + "\uFFFD Nord); its characters outside ASCII are read as U+FFFD: declare the files' "
        + "encoding, e.g. source.options {\"encoding\": \"ISO-8859-1\"} (or windows-1252 for a "
        + "Windows export)"), FileEncoding.notUtf8(lines, "shops.csv"));
  }

  @Test
  void aUtf16MarkIsToldAsUtf16() {
    List<byte[]> lines = List.of("\uFEFFid".getBytes(StandardCharsets.UTF_16BE));
    assertEquals(Optional.of("source u.csv: line 1 of the first lines is not UTF-8 (\uFFFD\uFFFD"
        + "\u0000i\u0000d); its characters outside ASCII are read as U+FFFD: declare the files' "
        + "encoding, e.g. source.options {\"encoding\": \"UTF-16\"}"),
        FileEncoding.notUtf8(lines, "u.csv"));
  }

  /** Broken fixture for the check: text decoded as U+FFFD before is UTF-8 all the same. */
  @Test
  void utf8HoldingTheReplacementCharacterIsUtf8() {
    assertEquals(Optional.empty(), FileEncoding.notUtf8(
        List.of("1,Caf\uFFFD Nord,\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8)), "r.csv"));
    assertEquals(Optional.empty(), FileEncoding.notUtf8(List.of(), "empty.csv"));
  }
}
