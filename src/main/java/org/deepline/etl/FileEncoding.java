package org.deepline.etl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Whether the first lines of a text source are UTF-8, judged by their bytes, and what to tell a
 * user whose files are not. Why: Spark's CSV reader decodes bytes that are not UTF-8 as U+FFFD, so
 * the accented letters of a Latin-1 or Windows export are lost and values that differ only in them
 * become one, without a malformed row; a UTF-8 file that holds U+FFFD itself is no such case, which
 * is why the bytes are judged and not the decoded text.
 *
 * <pre>{@code
 * FileEncoding.notUtf8(lines, "data.csv"); // Optional.of("source data.csv: line 2 of ...")
 * }</pre>
 */
final class FileEncoding {
  /** What a decoder makes of bytes that are not UTF-8. */
  private static final char UNDECODABLE = '\uFFFD';
  /** Characters either side of the first undecodable one that a warning quotes. */
  private static final int EXCERPT_CONTEXT = 20;
  /** UTF-16's byte order mark, 0xFEFF, as its two bytes in either order. */
  private static final byte UTF16_MARK_HIGH = (byte) 0xFE;
  private static final byte UTF16_MARK_LOW = (byte) 0xFF;

  private FileEncoding() {}

  /**
   * The warning for the first of {@code lines} (raw bytes, without line breaks) that is not UTF-8,
   * naming {@code path}, the line, an excerpt and the encoding to declare; empty when all are.
   */
  static Optional<String> notUtf8(List<byte[]> lines, String path) {
    for (int i = 0; i < lines.size(); i++) {
      byte[] bytes = lines.get(i);
      if (!isUtf8(bytes)) {
        boolean utf16 = startsWithUtf16Mark(bytes);
        return Optional.of("source " + path + ": line " + (i + 1) + " of the first lines is not "
            + "UTF-8 (" + excerpt(new String(bytes, StandardCharsets.UTF_8)) + "); its characters "
            + "outside ASCII are read as U+FFFD: declare the files' encoding, e.g. source.options "
            + "{\"encoding\": \"" + (utf16 ? "UTF-16" : "ISO-8859-1") + "\"}"
            + (utf16 ? "" : " (or windows-1252 for a Windows export)"));
      }
    }
    return Optional.empty();
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean startsWithUtf16Mark(byte[] bytes) {
    return bytes.length >= 2 && ((bytes[0] == UTF16_MARK_HIGH && bytes[1] == UTF16_MARK_LOW)
        || (bytes[0] == UTF16_MARK_LOW && bytes[1] == UTF16_MARK_HIGH));
  }

  /** The line around its first undecodable byte. */
  private static String excerpt(String line) {
    int at = Math.max(0, line.indexOf(UNDECODABLE));
    int from = Math.max(0, at - EXCERPT_CONTEXT);
    int to = Math.min(line.length(), at + EXCERPT_CONTEXT);
    return (from > 0 ? "..." : "") + line.substring(from, to) + (to < line.length() ? "..." : "");
  }
}
