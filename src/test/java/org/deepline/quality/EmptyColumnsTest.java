package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An empty column no run ever saw a value in warns; one that had values fails. */
class EmptyColumnsTest {
  private static ConstraintResult empty(String column) {
    return new ConstraintResult(SchemaConstraints.NOT_ALL_NULL + column, column, Severity.ERROR,
        1.0, false, "< 1.0 (not every row null)");
  }

  @Test
  void onlyColumnsThatNeverHadAValueAreKeptAsWarnings() {
    ConstraintResult size = new ConstraintResult("size", null, Severity.ERROR, 20, true, ">= 1");
    List<ConstraintResult> results = List.of(size, empty("unnamed_32"), empty("income"));

    assertEquals(List.of("unnamed_32", "income"), EmptyColumns.failing(results));
    List<ConstraintResult> kept = EmptyColumns.keepAsWarnings(results, List.of("unnamed_32"));

    assertSame(size, kept.get(0));
    assertEquals(new ConstraintResult("not_all_null:unnamed_32", "unnamed_32", Severity.WARNING,
        1.0, false, "< 1.0 (not every row null) (no other run date had a value in it either: a "
            + "column of the data that is empty, not a feed gone wrong; kept as a warning, and the "
            + "features stage gives a numeric or date/time one 0 in every slot)"), kept.get(1));
    assertSame(results.get(2), kept.get(2), "income had values on another date: a broken feed");
    assertEquals(List.of("income"), EmptyColumns.failing(kept));
  }
}
