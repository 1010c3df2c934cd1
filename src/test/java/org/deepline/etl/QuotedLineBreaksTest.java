package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuotedLineBreaksTest {
  @Test
  void aLineThatLeavesAQuotedFieldOpenIsALineBreakInsideIt() {
    assertTrue(QuotedLineBreaks.found(List.of("id,text", "1,\"first line", "second\",yes"), '"'));
    assertTrue(QuotedLineBreaks.found(List.of("id;text", "1;'it''s", "two'"), '\''));
  }

  @Test
  void quotedFieldsOnOneLineAndDoubledQuotesAreNot() {
    assertFalse(QuotedLineBreaks.found(List.of(
        "id,text,label",
        "1,\"Braund, Mr. Owen\",no",
        "2,\"she said \"\"hi\"\"\",yes",
        "3,plain,no",
        ""), '"'));
    assertFalse(QuotedLineBreaks.found(List.of(), '"'));
    // Another quote character: the double quotes of a field are text.
    assertFalse(QuotedLineBreaks.found(List.of("1;'a \"b';c"), '\''));
  }
}
