package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spark's renaming of header fields that are one name to it, spotted and named. */
class DedupedHeaderTest {
  @Test
  void namesEndingInTheirPositionWithAStemInCommonAreSuspects() {
    // Spark's names for "MW,W,w,x": W and w are one name ignoring case, so both get their position.
    assertEquals(List.of("W1", "w2"), DedupedHeader.suspects(List.of("MW", "W1", "w2", "x")));
    // Exact duplicates too.
    assertEquals(List.of("a0", "a3"), DedupedHeader.suspects(List.of("a0", "b", "c", "a3")));
    // One name ending in its position is just a name; so are stems that differ.
    assertEquals(List.of(), DedupedHeader.suspects(List.of("x0", "y1", "c2")));
    // The position alone is no stem (a header of numbers).
    assertEquals(List.of(), DedupedHeader.suspects(List.of("0", "1", "2")));
  }

  @Test
  void fieldsEqualIgnoringCaseAreNamedWithTheirPositionsFromOne() {
    assertEquals(List.of("W (field 2) and w (field 3)", "a (field 4) and a (field 6)"),
        DedupedHeader.clashes(List.of("MW", "W", "w", "a", "b", "a")));
    assertEquals(List.of(), DedupedHeader.clashes(List.of("a0", "a1", "")));
    // Empty fields are Spark's _c<i>, not a clash.
    assertEquals(List.of(), DedupedHeader.clashes(List.of("x", "", "")));
  }
}
