package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.PositiveClass.ClassCount;
import org.deepline.etl.PositiveClass.Resolved;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code label.column} without {@code label.positive}, as a config written from a CSV header has
 * it: the positive class is taken from the data's two classes, and a column of more fails.
 */
class PositiveClassTest {
  private static final LabelConfig UNNAMED = new LabelConfig("target", null, null);
  private static final String ROWS = "the silver rows of 2026-12-07";

  private static Resolved choose(ClassCount... classes) {
    return PositiveClass.choose(UNNAMED, List.of(classes), ROWS);
  }

  @Test
  void theAffirmativeOfAYesNoPairWhicheverIsRarer() {
    Resolved churn = choose(new ClassCount("no", "No", 5174), new ClassCount("yes", "Yes", 1869));
    assertEquals("Yes", churn.label().positive());
    assertFalse(churn.guessed());
    assertEquals("label.positive is not set: 'Yes' is the positive class of label.column target, "
        + "the affirmative of 'No' and 'Yes' ('No' 5174, 'Yes' 1869 in the silver rows of "
        + "2026-12-07)", churn.said());
    // The affirmative also when it is the commoner class, and in any pair of the list.
    assertEquals("TRUE", choose(new ClassCount("true", "TRUE", 900),
        new ClassCount("false", "FALSE", 100)).label().positive());
    assertEquals("y", choose(new ClassCount("n", "n", 10), new ClassCount("y", "y", 10))
        .label().positive());
    assertEquals("pos", choose(new ClassCount("neg", "neg", 3), new ClassCount("pos", "pos", 1))
        .label().positive());
  }

  @Test
  void theLargerOfTwoNumbers() {
    assertEquals("1", choose(new ClassCount("0.0", "0", 700), new ClassCount("1.0", "1", 300))
        .label().positive());
    // The larger also when commoner: 2 of R's 1/2 coding, 1 of a -1/1 one.
    assertEquals("2", choose(new ClassCount("2.0", "2", 700), new ClassCount("1.0", "1", 300))
        .label().positive());
    assertEquals("1", choose(new ClassCount("-1.0", "-1", 50), new ClassCount("1.0", "1", 50))
        .label().positive());
  }

  @Test
  void otherwiseTheRarerSaidAsAGuessAndTiesToTheOneThatSortsLast() {
    Resolved credit = choose(new ClassCount("good", "good", 700),
        new ClassCount("bad", "bad", 300));
    assertEquals("bad", credit.label().positive());
    assertTrue(credit.guessed());
    assertEquals("label.positive is not set: 'bad' is the positive class of label.column target, "
        + "the rarer of 'good' and 'bad' ('good' 700, 'bad' 300 in the silver rows of 2026-12-07); "
        + "set label.positive to choose the class whose precision and recall the reports give "
        + "(ROC AUC is the same either way)", credit.said());
    assertEquals("M", choose(new ClassCount("f", "F", 40), new ClassCount("m", "M", 40))
        .label().positive());
    // A number and a word are not two numbers: "1d" is text to Spark, whatever Java parses.
    assertEquals("1d", choose(new ClassCount("2.0", "2", 9), new ClassCount("1d", "1d", 1))
        .label().positive());
  }

  @Test
  void threeClassesAreAMulticlassLabelInAnOrderTheCountsDoNotDecide() {
    Resolved resolved = choose(new ClassCount("virginica", "Virginica", 50),
        new ClassCount("setosa", "setosa", 50), new ClassCount("versicolor", "versicolor", 49));

    assertEquals(List.of("setosa", "versicolor", "Virginica"), resolved.label().classes());
    assertNull(resolved.label().positive());
    assertFalse(resolved.guessed());
    assertEquals("label.positive is not set and label.column target holds 3 classes in the "
        + "silver rows of 2026-12-07 ('setosa' 50, 'versicolor' 49, 'Virginica' 50): a "
        + "multi-class label; set label.positive to the class to tell from the others for a "
        + "binary one", resolved.said());
  }

  @Test
  void numberClassesGoInNumericOrderBeforeText() {
    Resolved resolved = choose(new ClassCount("10.0", "10", 5), new ClassCount("9.0", "9", 7),
        new ClassCount("-1.0", "-1", 2), new ClassCount("n/a", "n/a", 1));

    assertEquals(List.of("-1", "9", "10", "n/a"), resolved.label().classes());
  }

  @Test
  void classesThatAreAllNumbersAreWarnedOfAsAQuantityToPredict() {
    Resolved prices = choose(new ClassCount("100.0", "100", 5), new ClassCount("200.0", "200", 7),
        new ClassCount("300.0", "300", 2));

    assertEquals(List.of("100", "200", "300"), prices.label().classes());
    assertTrue(prices.guessed());
    assertTrue(prices.said().endsWith("; every class is a number: set label.regression to true "
        + "to predict the number instead"), prices.said());
    // One class that is text: classes, as named; no WARN.
    assertFalse(choose(new ClassCount("10.0", "10", 5), new ClassCount("9.0", "9", 7),
        new ClassCount("n/a", "n/a", 1)).guessed());
  }

  @Test
  void moreThanMaxClassesFailNamingTheMostCommonAndWhatToWrite() {
    ClassCount[] many = new ClassCount[LabelConfig.MAX_CLASSES + 1];
    Arrays.setAll(many, i -> new ClassCount("id" + i, "ID" + i, 100 - i));

    DeeplineException error = assertThrows(DeeplineException.class, () -> choose(many));

    assertEquals(DeeplineException.Failure.CONFIG, error.failure());
    assertEquals("label.column target holds more than 50 classes in the silver rows of "
        + "2026-12-07 ('ID0' 100, 'ID1' 99, 'ID2' 98, 'ID3' 97, 'ID4' 96, 'ID5' 95, 'ID6' 94, "
        + "'ID7' 93, 'ID8' 92, 'ID9' 91, ...): a multi-class label has at most 50; an "
        + "identifier is no label, a number to predict needs label.regression true (every value "
        + "a number), and a number to tell classes by needs a condition: write label.expression "
        + "(e.g. \"target IN ('ID0', 'ID1')\"), or set label.positive to the class to tell from "
        + "the others", error.getMessage());
  }

  @Test
  void aColumnOfManyNumbersIsARegressionLabelUnlessOneIsTextOrTheConfigSaysNo() {
    StructType schema = new StructType().add("price", DataTypes.StringType);
    List<Row> numbers = new java.util.ArrayList<>();
    for (int i = 0; i < LabelConfig.MAX_CLASSES + 10; i++) {
      numbers.add(RowFactory.create(String.valueOf(100 + i * 2.5)));
    }
    Dataset<Row> prices = SparkTestSession.get().createDataFrame(numbers, schema);
    LabelConfig column = new LabelConfig("price", null, null);

    Resolved regression = PositiveClass.resolve(column, prices, "the rows");

    assertTrue(regression.label().isRegression());
    assertEquals(PositiveClass.REGRESSION_WHY, regression.why());
    List<Row> withText = new java.util.ArrayList<>(numbers);
    withText.add(RowFactory.create("n/a"));
    DeeplineException text = assertThrows(DeeplineException.class, () -> PositiveClass.resolve(
        column, SparkTestSession.get().createDataFrame(withText, schema), "the rows"));
    assertTrue(text.getMessage().startsWith("label.column price holds more than 50 classes"),
        text.getMessage());
    LabelConfig notRegression = new LabelConfig("price", null, null, null, false);
    assertThrows(DeeplineException.class,
        () -> PositiveClass.resolve(notRegression, prices, "the rows"));
    LabelConfig declared = LabelConfig.regressionOf("price");
    assertTrue(PositiveClass.resolve(declared, prices, "the rows").label().isRegression());
  }

  @Test
  void oneClassNamesThePositiveOnlyWhenItsNameSaysWhichSideItIsOn() {
    // A night of no fraud at all must not make "0" the positive class (every row a positive).
    assertEquals("1", choose(new ClassCount("0.0", "0", 900)).label().positive());
    assertEquals("yes", choose(new ClassCount("no", "No", 12)).label().positive());
    Resolved affirmative = choose(new ClassCount("yes", "yes", 12));
    assertEquals("yes", affirmative.label().positive());
    assertFalse(affirmative.guessed());
    assertEquals(null, affirmative.why(), "one class is never kept for later dates");
    DeeplineException unknown = assertThrows(DeeplineException.class,
        () -> choose(new ClassCount("good", "good", 30)));
    assertEquals(DeeplineException.Failure.DATA_QUALITY, unknown.failure());
    assertEquals("label.positive is not set and label.column target holds one class in the silver "
        + "rows of 2026-12-07, 'good' 30, whose name does not say whether it is the positive "
        + "class; set label.positive", unknown.getMessage());
  }

  @Test
  void aNamedPositiveOrAnExpressionIsKeptWithoutReadingARow() {
    Dataset<Row> none = SparkTestSession.get().emptyDataFrame();
    LabelConfig named = new LabelConfig("target", "Yes", null);
    LabelConfig expression = new LabelConfig(null, null, "delay > 15");
    assertEquals(named, PositiveClass.resolve(named, none, ROWS).label());
    assertEquals(expression, PositiveClass.resolve(expression, none, ROWS).label());
    assertEquals("", PositiveClass.resolve(named, none, ROWS).said());
  }

  @Test
  void anUnnamedPositiveCannotLabelARowBeforeItIsResolved() {
    IllegalStateException error = assertThrows(IllegalStateException.class, UNNAMED::binary);
    assertTrue(error.getMessage().startsWith("label.positive of label.column target is not named"),
        error.getMessage());
  }

  private static Map<String, Long> classes(DataType type, Object... values) {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        Arrays.stream(values).map(v -> RowFactory.create(v)).toList(),
        new StructType().add("target", type));
    Map<String, Long> byValue = new TreeMap<>();
    PositiveClass.classes(rows, "target").forEach(c -> byValue.put(c.value(), c.rows()));
    return byValue;
  }

  @Test
  void classesCompareAsMatchesPositiveComparesThem() {
    // Spaces around, letter case: one class, named by the spelling that sorts first.
    assertEquals(Map.of("YES", 3L, "no", 1L),
        classes(DataTypes.StringType, "yes", " Yes", "YES ", "no", null));
    // 1, 01 and 1.0 are one number.
    assertEquals(Map.of("0", 1L, "01", 3L), classes(DataTypes.StringType, "1", "01", "1.0", "0"));
    assertEquals(Map.of("false", 1L, "true", 2L), classes(DataTypes.BooleanType, true, true, false));
    assertEquals(Map.of("0", 2L, "1", 1L), classes(DataTypes.IntegerType, 0, 0, 1));
    assertEquals(Map.of("0.0", 1L, "1.0", 2L), classes(DataTypes.DoubleType, 1.0, 1.0, 0.0));
  }

  /**
   * A named positive class beside more than one other: each other is a negative, said in a WARN,
   * since a misspelt class ({@code Y} beside {@code Yes}) would otherwise be a negative unseen.
   */
  @Test
  void aNamedPositiveBesideSeveralOtherClassesIsSaid() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(
        Arrays.stream(new Object[] {"Yes", "No", "Y", "No", "N", " yes", "No"})
            .map(v -> RowFactory.create(v)).toList(),
        new StructType().add("status", DataTypes.StringType));

    assertEquals("split: label.column status holds 4 classes in the silver rows of 2026-12-07 "
        + "('No' 3, 'Yes' 2, 'N' 1, 'Y' 1): 'yes' is the positive class and every other one a "
        + "negative; declare the column's allowed_values to reject misspelt classes at ingest, "
        + "or leave label.positive out for a multi-class label",
        SplitJob.classesBesideThePositive(rows, new LabelConfig("status", "yes", null),
            "2026-12-07").orElseThrow());
    assertTrue(SplitJob.classesBesideThePositive(rows.where("status IN ('Yes', 'No')"),
        new LabelConfig("status", "yes", null), "2026-12-07").isEmpty());
    assertTrue(SplitJob.classesBesideThePositive(rows, new LabelConfig("status", null, null,
        List.of("Yes", "No", "Y", "N")), "2026-12-07").isEmpty());
  }

  @Test
  void classesAreCollectedUpToOneMoreThanAMulticlassLabelMayHave() {
    Object[] many = new Object[LabelConfig.MAX_CLASSES + 5];
    Arrays.setAll(many, i -> "class" + i);
    assertEquals(LabelConfig.MAX_CLASSES + 1, classes(DataTypes.StringType, many).size());
  }

  private static RunContext context(Path dir, String csv) {
    Path file = TestRuns.writeFile(dir, "customers.csv", csv);
    return TestRuns.context(TestRuns.configFromJson("""
        {"dataset": "customers",
         "source": {"path": "%s"},
         "schema": {"columns": [
           {"name": "tenure", "type": "int"},
           {"name": "plan", "type": "string"},
           {"name": "churned", "type": "string"}]},
         "label": {"column": "churned"},
         "ingest": {"max_quarantine_fraction": 1.0},
         "features": {"numeric": ["tenure"], "categorical": ["plan"]}}
        """.formatted(file.toString().replace("\\", "\\\\"))), dir.resolve("wh"), "test");
  }

  private static String rows(String... labels) {
    StringBuilder csv = new StringBuilder("tenure,plan,churned\n");
    for (int i = 0; i < labels.length; i++) {
      csv.append(i + 1).append(',').append(i % 2 == 0 ? "basic" : "pro").append(',')
          .append(labels[i]).append('\n');
    }
    return csv.toString();
  }

  private static double positiveRate(RunContext context) {
    return DeltaTables.slice(SparkTestSession.get(),
            DeltaTables.ref(SparkTestSession.get(), context.table(Table.SPLITS)), context.runDate())
        .agg(org.apache.spark.sql.functions.avg(LabelConfig.LABEL)).head().getDouble(0);
  }

  /**
   * The rarer class is taken once and kept: a later date whose balance turned over labels alike
   * (taken again, its rarer class would be the other one, and its ROC AUC would read 1 - AUC).
   */
  @Test
  void theSplitStageLabelsByTheClassItTookAndKeepsItForLaterDates(@TempDir Path dir) {
    String[] labels = new String[40];
    Arrays.setAll(labels, i -> i % 4 == 0 ? "bad" : "good");
    RunContext context = context(dir, rows(labels));
    new IngestJob().run(context);

    StageResult split = new SplitJob().run(context);

    assertEquals(0.25, positiveRate(context), 1e-9);
    assertEquals(40, split.metric("rows_train") + split.metric("rows_validation")
        + split.metric("rows_test"));
    String kept = context.files().readText(context.warehouse().labelClassArtifact("customers"));
    assertTrue(kept.contains("\"positive\" : \"bad\""), kept);

    Arrays.setAll(labels, i -> i % 4 == 0 ? "good" : "bad");
    TestRuns.writeFile(dir, "customers.csv", rows(labels));
    RunContext later = new RunContext(RunContext.newRunId(), null, "split", "2026-11-25",
        context.config(), context.warehouse(), context.spark());
    new IngestJob().run(later);
    new SplitJob().run(later);

    assertEquals(0.75, positiveRate(later), 1e-9);
  }

  /**
   * A column of three classes splits as a multi-class label: each row's class index, every class
   * in every split (stratified), the classes kept, and a later date with a class not among them
   * fails naming it before a row is written.
   */
  @Test
  void theSplitStageLabelsAColumnOfThreeClassesByIndexAndKeepsTheClasses(@TempDir Path dir) {
    String[] labels = new String[60];
    Arrays.setAll(labels, i -> List.of("low", "mid", "high").get(i % 3));
    RunContext context = context(dir, rows(labels));
    new IngestJob().run(context);

    StageResult split = new SplitJob().run(context);

    Map<Double, Long> rowsByIndex = new TreeMap<>();
    DeltaTables.slice(SparkTestSession.get(), DeltaTables.ref(SparkTestSession.get(),
            context.table(Table.SPLITS)), context.runDate())
        .groupBy(LabelConfig.LABEL).count().collectAsList()
        .forEach(r -> rowsByIndex.put(r.getDouble(0), r.getLong(1)));
    assertEquals(Map.of(0.0, 20L, 1.0, 20L, 2.0, 20L), rowsByIndex);
    for (String name : List.of("high", "low", "mid")) {
      assertEquals(1.0 / 3, split.metric(SplitJob.CLASS_SHARE + "train:" + name), 0.05, name);
      assertTrue(split.metric(SplitJob.CLASS_SHARE + "test:" + name) > 0, name);
    }
    String kept = context.files().readText(context.warehouse().labelClassesArtifact("customers"));
    assertTrue(kept.contains("[ \"high\", \"low\", \"mid\" ]"), kept);

    Arrays.setAll(labels, i -> List.of("low", "mid", "high", "lost").get(i % 4));
    TestRuns.writeFile(dir, "customers.csv", rows(labels));
    RunContext later = new RunContext(RunContext.newRunId(), null, "split", "2026-11-25",
        context.config(), context.warehouse(), context.spark());
    new IngestJob().run(later);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new SplitJob().run(later));

    assertEquals(DeeplineException.Failure.DATA_QUALITY, error.failure());
    assertEquals("split: 15 silver rows of 2026-11-25 hold a class that is not one of "
        + "label.column churned's 3 classes [high, low, mid]: 'lost' (15); add it to "
        + "label.classes (a model trained on the old ones cannot predict it), or map it to one "
        + "of them in the source; classes taken from the data are kept in "
        + "artifacts/label/classes.json", error.getMessage());
    assertEquals(60, DeltaTables.slice(SparkTestSession.get(), DeltaTables.ref(
        SparkTestSession.get(), context.table(Table.SPLITS)), context.runDate()).count());
  }
}
