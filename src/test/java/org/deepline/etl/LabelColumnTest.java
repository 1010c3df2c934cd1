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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.ConfigErrors;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * {@code label.column} + {@code label.positive}: the positive class as a user writes it from a look
 * at the data, matched however the column's type prints it.
 */
class LabelColumnTest {
  private static List<Double> labels(DataType type, String positive, Object... values) {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        Arrays.stream(values).map(v -> RowFactory.create(v)).toList(),
        new StructType().add("target", type));
    LabelConfig label = new LabelConfig("target", positive, null);
    return rows.select(label.binaryOn(rows)).collectAsList().stream()
        .map(row -> row.isNullAt(0) ? null : row.getDouble(0)).toList();
  }

  @Test
  void textIsComparedWithoutTheSpacesAroundItAndInAnyLetterCase() {
    // The adult census export pads its fields: " >50K".
    assertEquals(Arrays.asList(1.0, 0.0, 1.0, 1.0, null),
        labels(DataTypes.StringType, ">50K", " >50K", " <=50K", ">50K", ">50k", null));
    assertEquals(List.of(1.0, 0.0), labels(DataTypes.StringType, " Yes ", "Yes", "No"));
    // One class written three ways; compared exactly, YES and Yes were negatives without a word.
    assertEquals(List.of(1.0, 1.0, 1.0, 0.0, 0.0),
        labels(DataTypes.StringType, "yes", "yes", "YES", "Yes", "no", "NO"));
  }

  @Test
  void aNumberMatchesTheSameNumberHoweverTheColumnPrintsIt() {
    // A 0/1 label declared double prints 1.0, never the 1 a user writes.
    assertEquals(Arrays.asList(1.0, 0.0, null),
        labels(DataTypes.DoubleType, "1", 1.0, 0.0, null));
    assertEquals(List.of(1.0, 0.0), labels(DataTypes.IntegerType, "1.0", 1, 0));
    // Text that is a number, and text that is none: no match, never an error or a null label.
    assertEquals(List.of(1.0, 1.0, 0.0, 0.0),
        labels(DataTypes.StringType, "1", "1", "01", "2", "one"));
  }

  @Test
  void anyColumnTypeTakesANumberAndAnsiModeChangesNothing() {
    SparkSession spark = SparkTestSession.get();
    String ansi = spark.conf().get("spark.sql.ansi.enabled");
    spark.conf().set("spark.sql.ansi.enabled", "true");
    try {
      // A date does not cast to double; its text is no number: no match, no error.
      assertEquals(List.of(0.0), labels(DataTypes.DateType, "1",
          java.sql.Date.valueOf("2026-11-24")));
      assertEquals(List.of(1.0, 0.0), labels(DataTypes.StringType, "1", "1.0", "yes"));
    } finally {
      spark.conf().set("spark.sql.ansi.enabled", ansi);
    }
  }

  /** A non-nullable text label column that declares its values. */
  private static ColumnSpec column(List<String> allowedValues) {
    return new ColumnSpec("target", "string", false, null, null, allowedValues, null);
  }

  @Test
  void aPositiveIsCheckedAgainstAllowedValuesByTheSameRule() {
    ConfigErrors padded = new ConfigErrors();
    new LabelConfig("target", ">50K", null).validate(padded,
        Map.of("target", column(List.of(" >50K", " <=50K"))));
    assertEquals(List.of(), padded.messages());
    ConfigErrors twice = new ConfigErrors();
    new LabelConfig("target", "1", null).validate(twice,
        Map.of("target", column(List.of("1", "01", "0"))));
    assertEquals(List.of("positive: 1 matches 2 of target's allowed_values [1, 01]; write the one "
        + "that is the positive class"), twice.messages());
    ConfigErrors absent = new ConfigErrors();
    new LabelConfig("target", "maybe", null).validate(absent,
        Map.of("target", column(List.of("Yes", "No"))));
    assertEquals(List.of("positive: maybe is not among target's allowed_values [Yes, No]"),
        absent.messages());
    // Values that differ only in letter case are one class: naming several of them is no error.
    ConfigErrors spellings = new ConfigErrors();
    new LabelConfig("target", "yes", null).validate(spellings,
        Map.of("target", column(List.of("Yes", "YES", "No"))));
    assertEquals(List.of(), spellings.messages());
  }

  @Test
  void aMulticlassLabelIsEachRowsClassIndexMatchedAsAPositiveIs() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        Arrays.stream(new Object[] {" Small", "LARGE", "medium", "huge", null})
            .map(v -> RowFactory.create(v)).toList(),
        new StructType().add("size", DataTypes.StringType));
    LabelConfig label = new LabelConfig("size", null, null, List.of("Small", "Medium", "Large"));

    assertEquals(Arrays.asList(0.0, 2.0, 1.0, null, null), rows.select(label.targetOn(rows))
        .collectAsList().stream().map(row -> row.isNullAt(0) ? null : row.getDouble(0)).toList());
    assertEquals(3, label.classCount());
    assertEquals("Large", label.className(2));
    assertEquals("positive", new LabelConfig("size", "Small", null).className(1));
  }

  @Test
  void classesAreCheckedBeforeAnyRowIsRead() {
    ConfigErrors errors = new ConfigErrors();
    new LabelConfig("target", "Yes", null, List.of("yes", "No", " YES", "", "Maybe")).validate(
        errors, Map.of("target", column(List.of("Yes", "No", "Maybe"))));
    assertEquals(List.of("classes: give either positive (a binary label) or classes (a "
        + "multi-class one), not both", "classes: 'yes' and ' YES' name one class (classes "
        + "compare as text without spaces around it in any letter case, and numbers as numbers)",
        "classes: class 3 is blank; name every class as the data writes it"), errors.messages());
    ConfigErrors two = new ConfigErrors();
    new LabelConfig("target", null, null, List.of("a", "b")).validate(two,
        Map.of("target", column(List.of())));
    assertEquals(List.of("classes: names 2 classes; a multi-class label has 3 to 50 (for two, "
        + "set positive to the class to predict)"), two.messages());
    ConfigErrors absent = new ConfigErrors();
    new LabelConfig("target", null, null, List.of("a", "b", "c")).validate(absent,
        Map.of("target", column(List.of("a", "b"))));
    assertEquals(List.of("classes: c is not among target's allowed_values [a, b]"),
        absent.messages());
    ConfigErrors withExpression = new ConfigErrors();
    new LabelConfig(null, null, "size > 3", List.of("a", "b", "c")).validate(withExpression,
        Map.of("size", new ColumnSpec("size", "int", false, null, null, List.of(), null)));
    assertEquals(List.of("expression: an expression is a binary label; classes name a "
        + "multi-class column's, not both"), withExpression.messages());
  }

  @Test
  void allowedValuesAreMatchedByTheSameRule() {
    assertTrue(LabelConfig.sameClass(" >50K", ">50K"));
    assertTrue(LabelConfig.sameClass("1.0", "1"));
    assertTrue(LabelConfig.sameClass("TRUE", "true"));
    assertTrue(LabelConfig.sameClass("Yes", "yes"));
    assertFalse(LabelConfig.sameClass("<=50K", ">50K"));
  }

  @Test
  void theLabelingStagesGoldColumnMatchesAsTheLabelDoes() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        List.of(RowFactory.create(1.0), RowFactory.create(0.0)),
        new StructType().add("gold", DataTypes.DoubleType));
    assertEquals(List.of(1.0, 0.0), rows.select(
        org.deepline.labeling.WeakLabels.goldFromColumn("gold", "1")).collectAsList().stream()
        .map(row -> row.getDouble(0)).toList());
  }

  @Test
  void anExpressionWithQuotedNamesReadsAsOneCodeSpan() {
    assertEquals("label expression `` `imdb rating` >= 7 `` is null",
        new LabelConfig(null, null, "`imdb rating` >= 7").nullReason());
    assertEquals("label.expression `delay > 15`", new LabelConfig(null, null, "delay > 15")
        .describe());
    assertEquals("label expression ``` a``b ``` is null",
        new LabelConfig(null, null, "a``b").nullReason());
  }

  @Test
  void aBooleanMatchesTrueOrFalseInAnyCase() {
    assertEquals(List.of(1.0, 0.0), labels(DataTypes.BooleanType, "True", true, false));
    assertEquals(List.of(0.0, 1.0), labels(DataTypes.BooleanType, "FALSE", true, false));
  }
}
