package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The delimiter of a one-column header, found by the declared names it splits into. */
class CsvDelimitersTest {
  private static final List<String> BANK = List.of("age", "job", "marital", "y");

  private static List<String> sourceErrors(java.util.Map<String, String> options) {
    org.deepline.core.ConfigErrors errors = new org.deepline.core.ConfigErrors();
    new SourceConfig("csv", "f.csv", options, null, null, null, null).validate(errors);
    return errors.messages();
  }

  @Test
  void aThousandsSeparatorIsOneOfFourAndNeverTheDecimalMark() {
    assertEquals(List.of(), sourceErrors(java.util.Map.of("sep", ";", "thousands", ".")));
    assertEquals(List.of(), sourceErrors(java.util.Map.of("thousands", ",")));
    assertEquals(List.of("options.thousands: must be one of \",\" \".\" \" \" \"'\", got _"),
        sourceErrors(java.util.Map.of("thousands", "_")));
    // Commas between thousands: the point is the decimal mark, though a ; file's would be a comma.
    assertEquals(List.of(), sourceErrors(java.util.Map.of("sep", ";", "thousands", ",")));
    assertFalse(CsvDelimiters.decimalComma(java.util.Map.of("sep", ";", "thousands", ",")));
    assertEquals(List.of("options.thousands: is the decimal mark too (,); set source.options "
        + "decimal to the other one"), sourceErrors(java.util.Map.of("decimal", ",",
            "thousands", ",")));
    assertEquals(List.of("options.thousands: is the decimal mark too (.); set source.options "
        + "decimal to the other one"), sourceErrors(java.util.Map.of("thousands", ".")));
  }

  @Test
  void theDelimiterThatGivesTheDeclaredNamesIsFound() {
    // UCI's bank marketing header, quoted, as Spark reads it with a comma: one column.
    assertEquals(";", CsvDelimiters.sniff(List.of("\"age\";\"job\";\"marital\";\"y\""), BANK));
    assertEquals("\t", CsvDelimiters.sniff(List.of("age\tjob\tmarital\ty"), BANK));
    assertEquals("|", CsvDelimiters.sniff(List.of("AGE | JOB | marital | y"), BANK));
  }

  @Test
  void aDeclaredNameIngestRenamedForDeltaMatchesTheHeadersSpelling() {
    // Wine quality's header; the config declares the names ingest gives the columns.
    assertEquals(";", CsvDelimiters.sniff(List.of("\"fixed acidity\";\"volatile acidity\";"
        + "\"quality\""), List.of("fixed_acidity", "volatile_acidity", "quality")));
    assertEquals("\\t", CsvDelimiters.describe("\t"));
  }

  @Test
  void aRealOneColumnFileOrAHeaderOfOtherNamesIsLeftAlone() {
    assertNull(CsvDelimiters.sniff(List.of("age", "job"), BANK), "already columns");
    assertNull(CsvDelimiters.sniff(List.of("age;height"), BANK), "one declared name is not two");
    assertNull(CsvDelimiters.sniff(List.of("a;b;c"), BANK));
  }

  @Test
  void eitherSpellingOfTheOptionNamesTheDelimiter() {
    assertTrue(CsvDelimiters.namesDelimiter("sep"));
    assertTrue(CsvDelimiters.namesDelimiter("Delimiter"));
    assertFalse(CsvDelimiters.namesDelimiter("quote"));
  }
}
