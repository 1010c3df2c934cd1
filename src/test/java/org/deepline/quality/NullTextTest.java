package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.IngestConfig;
import org.deepline.quality.TopValues.TopValue;
import org.junit.jupiter.api.Test;

/** {@code null_text:<column>}: a string column whose common values are text meaning "no value". */
class NullTextTest {
  private static final long ROWS = 686;

  private static ColumnProfile text(String name, TopValue... top) {
    return new ColumnProfile(name, "string", 0, (long) top.length, null, null, null, null, null,
        List.of(top), List.of());
  }

  private static ColumnSpec declared(String name, List<String> nullTokens) {
    return new ColumnSpec(name, "string", true, null, null, null, null, null, null, nullTokens);
  }

  private static List<ConstraintResult> check(ColumnProfile column, ColumnSpec spec) {
    return NullText.check(new TableProfile(ROWS, List.of(column)), Map.of(spec.name(), spec),
        IngestConfig.DEFAULT_NULL_TOKENS, "cens");
  }

  @Test
  void aStringColumnMostlyNaTextIsAWarningThatSaysBothWaysOut() {
    List<ConstraintResult> results = check(text("biopsy_note",
            new TopValue("NA", 656, true), new TopValue("core", 20, true),
            new TopValue(" N/A", 10, true)),
        declared("biopsy_note", null));

    assertEquals(1, results.size());
    ConstraintResult result = results.get(0);
    assertEquals("null_text:biopsy_note", result.name());
    assertEquals(Severity.WARNING, result.severity());
    assertFalse(result.passed());
    assertEquals(666.0 / ROWS, result.value(), 1e-12);
    assertEquals("no value that ingest.null_tokens reads as missing in typed columns; 97.1 % of "
        + "biopsy_note's rows are \"N/A\", \"NA\", which a string column keeps as text, so "
        + "null_fraction:biopsy_note does not count them and the model sees a category: declare "
        + "\"null_tokens\": [\"N/A\", \"NA\"] on biopsy_note in schema.columns if they mean "
        + "missing, or \"null_tokens\": [] if they are data", result.expectation());
  }

  @Test
  void aColumnWithoutSuchTextOrThatDeclaresItsTokensOrTheLabelIsNotJudged() {
    assertEquals(List.of(), check(text("plan", new TopValue("basic", 600, true),
        new TopValue("pro", 86, true)), declared("plan", null)));
    // [] says the text is data (NA for North America).
    assertEquals(List.of(), check(text("region", new TopValue("NA", 300, true)),
        declared("region", List.of())));
    assertEquals(List.of(), check(text("cens", new TopValue("NA", 300, true)),
        declared("cens", null)));
    // A typed column: ingest already read the tokens as missing.
    ColumnSpec number = new ColumnSpec("age", "int", true, null, null, null, null);
    assertEquals(List.of(), NullText.check(new TableProfile(ROWS, List.of(text("age",
        new TopValue("NA", 5, true)))), Map.of("age", number), IngestConfig.DEFAULT_NULL_TOKENS,
        null));
  }
}
