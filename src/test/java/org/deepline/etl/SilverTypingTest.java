package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The typing's one reason per column: each case a value can be in (converts, is blank, is a null
 * token, is one the conversion itself accepts, does not parse, is not finite), for text and typed
 * bronze columns, with the exact reason a quarantine row would carry.
 */
class SilverTypingTest {
  private static final List<String> NULL_TOKENS = List.of("NA", "-1", "NaN");

  private static ColumnSpec column(String name, String type, boolean nullable) {
    return new ColumnSpec(name, type, nullable, null, null, null, null, null, null, null);
  }

  /** Each row's typed {@code n}, {@code d}, {@code p} and its reason. */
  private static List<List<Object>> typed(Object[]... rows) {
    return typed(false, rows);
  }

  /** ... read with a decimal comma or not. */
  private static List<List<Object>> typed(boolean decimalComma, Object[]... rows) {
    StructType bronze = new StructType()
        .add("n", DataTypes.StringType)
        .add("d", DataTypes.StringType)
        .add("p", DataTypes.DoubleType)
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType)
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType);
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(
        Arrays.stream(rows).map(values -> RowFactory.create(values[0], values[1], values[2], null,
            "id", "f.csv")).toList(), bronze);
    SchemaConfig schema = new SchemaConfig(List.of(), List.of(column("n", "int", false),
        column("d", "double", true), column("p", "double", true)));
    Dataset<Row> typed = SilverTyping.apply(frame, schema, "malformed", NULL_TOKENS, List.of(),
        new NumberMarks(decimalComma, null), new LabelConfig("n", "1", null), Map.of());
    return typed.select("n", "d", "p", SilverTyping.REASON).collectAsList().stream()
        .map(row -> Arrays.asList(row.get(0), row.get(1), row.get(2), row.get(3))).toList();
  }

  @Test
  void valuesThatConvertCarryNoReason() {
    assertEquals(List.of(Arrays.asList(7, 2.5, 1.0, ""), Arrays.asList(8, -3.0, null, "")),
        typed(new Object[] {"7", " 2.5 ", 1.0}, new Object[] {" 8 ", "-3", null}));
  }

  @Test
  void blankValuesAndNullTokensAreMissingEvenWhereTheConversionAcceptsThem() {
    // "-1" converts to an int and "NaN" to a double: as null tokens they are no value all the same.
    assertEquals(List.of(
            Arrays.asList(null, null, null, "n: missing value in a non-nullable column"),
            Arrays.asList(null, null, null, "n: missing value in a non-nullable column"),
            Arrays.asList(null, null, null, "n: missing value in a non-nullable column")),
        typed(new Object[] {"NA", "NaN", null}, new Object[] {"-1", " ", null},
            new Object[] {null, null, null}));
  }

  @Test
  void aValueThatDoesNotParseOrIsNotFiniteIsNamed() {
    assertEquals(List.of(
            Arrays.asList(null, null, 1.0, "n: cannot parse 'x' as int; d: cannot parse '1,5' as "
                + "double (a decimal comma? set source.options decimal to \",\")"),
            Arrays.asList(3, Double.POSITIVE_INFINITY, Double.NaN,
                "d: 'Infinity' is not a finite number; p: 'NaN' is not a finite number")),
        typed(new Object[] {"x", "1,5", 1.0}, new Object[] {"3", "Infinity", Double.NaN}));
  }

  /**
   * What an unparsable number looks written with: a currency or percent sign, or (in a double) a
   * thousands separator, said before the decimal comma since 1,003 read with a decimal comma
   * loads as 1.003 without a word (found by a sweep of public data sets: California schools'
   * enrolment).
   */
  @Test
  void anUnparsableNumberSaysWhatItLooksWrittenWith() {
    String unit = " (a currency or percent sign? numbers are read without one: remove it from the "
        + "file, or declare the column string)";
    assertEquals(List.of(
            Arrays.asList(null, null, 1.0, "n: cannot parse '$5' as int" + unit + "; d: cannot "
                + "parse '1,003' as double (a thousands separator? set source.options thousands "
                + "to \",\" to read it, or declare the column string; if the comma is the "
                + "decimal mark, set source.options decimal to \",\")"),
            Arrays.asList(3, null, 1.0, "d: cannot parse '12.5 %' as double" + unit),
            Arrays.asList(4, null, 1.0, "d: cannot parse '12,345,678.5' as double (a thousands "
                + "separator? set source.options thousands to \",\" to read it, or declare the "
                + "column string; if the comma is the decimal mark, set source.options decimal "
                + "to \",\")")),
        typed(new Object[] {"$5", "1,003", 1.0}, new Object[] {"3", "12.5 %", 1.0},
            new Object[] {"4", "12,345,678.5", 1.0}));
    // A count in an int column; a leading 0 is a decimal comma; a currency sign after the number.
    assertEquals(List.of(
            Arrays.asList(null, null, 1.0, "n: cannot parse '1,003' as int (a thousands separator? "
                + "set source.options thousands to \",\" to read it, or declare the column "
                + "string); d: cannot parse '0,500' as double (a decimal comma? set source.options "
                + "decimal to \",\")"),
            Arrays.asList(5, null, 1.0, "d: cannot parse '12,50 \u20ac' as double" + unit),
            Arrays.asList(6, null, 1.0, "d: cannot parse 'about 5%' as double")),
        typed(new Object[] {"1,003", "0,500", 1.0}, new Object[] {"5", "12,50 \u20ac", 1.0},
            new Object[] {"6", "about 5%", 1.0}));
  }

  /**
   * Read with a decimal comma, a point before groups of three digits may separate thousands (a
   * German spreadsheet's 69.711 inhabitants) or mark decimals: not read as written (which loaded
   * 69,711 as 69.711 without a word), but quarantined with both readings' remedies. A point before
   * other than three digits is a decimal point; a decimal comma reads as before.
   */
  @Test
  void readWithADecimalCommaAPointBeforeThreeDigitsIsNotGuessed() {
    String hint = " (a thousands point? in a file read with a decimal comma, a point before "
        + "three digits may separate thousands or mark decimals: if the file's decimals are "
        + "points, set source.options decimal to \".\"; if the point separates thousands, set "
        + "source.options thousands to \".\"; or declare the column string)";
    assertEquals(List.of(
            Arrays.asList(1, null, 1.0, "d: cannot parse '69.711' as double" + hint),
            Arrays.asList(2, null, 1.0, "d: cannot parse '1.234.567' as double" + hint),
            Arrays.asList(3, null, 1.0, "d: cannot parse '1.234,5' as double" + hint),
            Arrays.asList(null, 7.25, 1.0, "n: cannot parse '1.253' as int" + hint),
            Arrays.asList(5, 185.6, 1.0, ""),
            Arrays.asList(6, 0.711, 1.0, "")),
        typed(true, new Object[] {"1", "69.711", 1.0}, new Object[] {"2", "1.234.567", 1.0},
            new Object[] {"3", "1.234,5", 1.0}, new Object[] {"1.253", "7.25", 1.0},
            new Object[] {"5", "185,6", 1.0}, new Object[] {"6", "0.711", 1.0}));
  }

  /**
   * A declared thousands separator is removed from every number before it is parsed: a German
   * spreadsheet's 69.711 and 1.234,5 with a decimal comma, a US export's 1,003 without one, and a
   * French one's no-break spaces; text columns keep theirs.
   */
  @Test
  void aDeclaredThousandsSeparatorIsReadOutOfEveryNumber() {
    StructType bronze = new StructType()
        .add("n", DataTypes.StringType)
        .add("d", DataTypes.StringType)
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType)
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType);
    SchemaConfig schema = new SchemaConfig(List.of(), List.of(column("n", "long", true),
        column("d", "double", true)));
    java.util.function.BiFunction<NumberMarks, List<Row>, List<List<Object>>> read =
        (marks, rows) -> SilverTyping.apply(SparkTestSession.get().createDataFrame(rows, bronze),
                schema, "malformed", NULL_TOKENS, List.of(), marks,
                new LabelConfig(null, null, "n > 1"), Map.of())
            .select("n", "d", SilverTyping.REASON).collectAsList().stream()
            .map(row -> Arrays.asList(row.get(0), row.get(1), row.get(2))).toList();

    assertEquals(List.of(Arrays.asList(1234567L, 69711.0, ""), Arrays.asList(12L, 1234.5, ""),
            Arrays.asList(null, 7.25, "")),
        read.apply(new NumberMarks(true, "."), List.of(
            RowFactory.create("1.234.567", "69.711", null, "a", "f.csv"),
            RowFactory.create("12", "1.234,5", null, "b", "f.csv"),
            RowFactory.create("NA", "7,25", null, "c", "f.csv"))));
    assertEquals(List.of(Arrays.asList(1003L, 12345678.5, ""), Arrays.asList(1234L, 0.5, "")),
        read.apply(new NumberMarks(false, ","), List.of(
            RowFactory.create("1,003", "12,345,678.5", null, "a", "f.csv"),
            RowFactory.create("1234", "0.5", null, "b", "f.csv"))));
    assertEquals(List.of(Arrays.asList(1234567L, 1234.5, "")),
        read.apply(new NumberMarks(true, " "), List.of(
            RowFactory.create("1 234\u00a0567", "1\u202f234,5", null, "a", "f.csv"))));
    // A group never starts with 0: 0.500 is no thousands point (it read 500).
    assertEquals(List.of(Arrays.asList(5L, 0.5, "")),
        read.apply(new NumberMarks(true, "."), List.of(
            RowFactory.create("5", "0.500", null, "a", "f.csv"))));
    // Only between groups of three: elsewhere the separator is left (never 725 or 15).
    assertEquals(List.of(Arrays.asList(12L, 7.25, "")),
        read.apply(new NumberMarks(true, "."), List.of(
            RowFactory.create("12", "7.25", null, "a", "f.csv"))));
    assertEquals(List.of(Arrays.asList(1L, null, "d: cannot parse '1,5' as double")),
        read.apply(new NumberMarks(false, ","), List.of(
            RowFactory.create("1", "1,5", null, "b", "f.csv"))));
  }

  /** A user's null tokens that a boolean or date conversion would read as a value. */
  @Test
  void tokensThatABooleanOrADateWouldReadAreNoValue() {
    StructType bronze = new StructType()
        .add("flag", DataTypes.StringType)
        .add("day", DataTypes.StringType)
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType)
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType);
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("0", "1900-01-01", null, "a", "f.csv"),
        RowFactory.create("yes", "2026-12-07", null, "b", "f.csv"),
        RowFactory.create("maybe", "07.12.2026", null, "c", "f.csv")), bronze);
    SchemaConfig schema = new SchemaConfig(List.of(), List.of(column("flag", "boolean", true),
        new ColumnSpec("day", "date", false, null, null, null, null, null, null, null)));
    List<String> tokens = List.of("0", "1900-01-01");
    Dataset<Row> typed = SilverTyping.apply(frame, schema, "malformed", tokens, List.of(),
        NumberMarks.POINT, new LabelConfig("flag", "true", null), Map.of());
    assertEquals(List.of(
            Arrays.asList(null, null, "day: missing value in a non-nullable column"),
            Arrays.asList(true, java.sql.Date.valueOf("2026-12-07"), ""),
            Arrays.asList(null, null, "flag: cannot parse 'maybe' as boolean; day: cannot parse "
                + "'07.12.2026' as date (ISO 8601 or yyyy/MM/dd expected; declare the column's "
                + "format otherwise, e.g. \"format\": \"dd/MM/yyyy\" or \"MM/dd/yyyy\" in "
                + "schema.columns)")),
        typed.select("flag", "day", SilverTyping.REASON).collectAsList().stream()
            .map(row -> Arrays.asList(row.get(0), row.get(1), row.get(2))).toList());
  }

  /**
   * A column's own null_tokens: on a string column (ingest.null_tokens keep text as it is) they are
   * missing, blank text stays as it was; on a typed column they replace ingest's list.
   */
  @Test
  void aColumnsOwnNullTokensApplyToTextAndReplaceIngestsList() {
    StructType bronze = new StructType()
        .add("note", DataTypes.StringType)
        .add("region", DataTypes.StringType)
        .add("score", DataTypes.StringType)
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType)
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType);
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(" NA ", "NA", "-", null, "a", "f.csv"),
        RowFactory.create("biopsy", "EU", "NA", null, "b", "f.csv"),
        RowFactory.create("", "NA", "3", null, "c", "f.csv")), bronze);
    SchemaConfig schema = new SchemaConfig(List.of(), List.of(
        new ColumnSpec("note", "string", true, null, null, null, null, null, null, List.of("NA")),
        column("region", "string", true),
        new ColumnSpec("score", "int", true, null, null, null, null, null, null, List.of("-"))));
    Dataset<Row> typed = SilverTyping.apply(frame, schema, "malformed", List.of("NA"),
        List.of(), NumberMarks.POINT, new LabelConfig(null, null, "score > 1"), Map.of());
    // score's own list has no NA: its NA is a value that does not parse.
    assertEquals(List.of(Arrays.asList(null, "NA", null, ""),
            Arrays.asList("biopsy", "EU", null, "score: cannot parse 'NA' as int"),
            Arrays.asList("", "NA", 3, "")),
        typed.select("note", "region", "score", SilverTyping.REASON).collectAsList().stream()
            .map(row -> Arrays.asList(row.get(0), row.get(1), row.get(2), row.get(3))).toList());
  }

  /** A declared format of words reads a token without a digit: it is no value all the same. */
  @Test
  void aTokenThatADeclaredFormatWouldReadIsNoValue() {
    StructType bronze = new StructType()
        .add("month", DataTypes.StringType)
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType)
        .add(RecordIds.RECORD_ID, DataTypes.StringType)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType);
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create("June", null, "a", "f.csv"),
        RowFactory.create("May", null, "b", "f.csv")), bronze);
    SchemaConfig schema = new SchemaConfig(List.of(), List.of(
        new ColumnSpec("month", "date", true, null, null, null, null, null, "MMMM", null)));
    Dataset<Row> typed = SilverTyping.apply(frame, schema, "malformed", List.of("May"),
        List.of(), NumberMarks.POINT, new LabelConfig("month", "x", null), Map.of());
    assertEquals(List.of(Arrays.asList(java.sql.Date.valueOf("1970-06-01"), ""),
            Arrays.asList(null, "")),
        typed.select("month", SilverTyping.REASON).collectAsList().stream()
            .map(row -> Arrays.asList(row.get(0), row.get(1))).toList());
  }

  @Test
  void aNullTokenThatTheConversionMayAcceptIsCheckedAndOneItRejectsIsNot() {
    assertTrue(SilverTyping.mayConvert("-999", "int"));
    assertTrue(SilverTyping.mayConvert("NaN", "double"));
    assertTrue(SilverTyping.mayConvert("-inf", "double"));
    assertTrue(SilverTyping.mayConvert("Infinity", "double"));
    assertTrue(SilverTyping.mayConvert("yes", "boolean"));
    assertTrue(SilverTyping.mayConvert("0", "boolean"));
    assertTrue(SilverTyping.mayConvert("1900-01-01", "date"));
    assertFalse(SilverTyping.mayConvert("NA", "int"));
    assertFalse(SilverTyping.mayConvert("nan", "long"));
    assertFalse(SilverTyping.mayConvert("None", "boolean"));
    assertFalse(SilverTyping.mayConvert("N/A", "date"));
    assertFalse(SilverTyping.mayConvert("?", "double"));
  }
}
