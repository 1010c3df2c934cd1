package org.deepline.labeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.Warehouse;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;

/**
 * The labeling section's config errors, found when the config is loaded: before Spark starts. The
 * toy data set declares id, x, noise, income, segment, channel and its label column {@code label}.
 */
class LabelingConfigTest {
  private static final String TOY = ToyData.configJson(Path.of("toy.csv"), false);
  private static final String GOOD_FUNCTIONS = """
      [{"name": "high_x", "expression": "x > 1", "vote": "positive"},
       {"name": "segment_c", "expression": "segment = 'c'", "vote": 0}]""";

  private static DeeplineConfig load(String labeling) {
    return TestRuns.configFromJson(TOY, "labeling=" + labeling);
  }

  private static String errorOf(String labeling) {
    DeeplineException error = assertThrows(DeeplineException.class, () -> load(labeling));
    assertEquals(Failure.CONFIG, error.failure());
    return error.getMessage();
  }

  @Test
  void theSectionIsOptionalAndAGoodOneBinds() {
    assertFalse(TestRuns.configFromJson(TOY).section(LabelingConfig.class).declared());
    LabelingConfig labeling = load("{\"functions\": " + GOOD_FUNCTIONS + "}")
        .section(LabelingConfig.class);
    assertEquals(2, labeling.functions().size());
    assertEquals(1, labeling.functions().get(0).voteClass());
    assertEquals(0, labeling.functions().get(1).voteClass());
  }

  @Test
  void namesMustBeValidAndUnique() {
    String message = errorOf("""
        {"functions": [{"name": "High X", "expression": "x > 1", "vote": "positive"},
                       {"name": "seg", "expression": "segment = 'a'", "vote": "positive"},
                       {"name": "seg", "expression": "segment = 'c'", "vote": "negative"}]}""");
    assertTrue(message.contains("labeling.functions[0].name: must be lower-case letters, digits "
        + "and _, starting with a letter, got High X"), message);
    assertTrue(message.contains("labeling.functions[2].name: function seg is declared twice"),
        message);
  }

  @Test
  void anExpressionThatDoesNotParseOrReadsAnUnknownColumnNamesItsFunction() {
    String message = errorOf("""
        {"functions": [{"name": "broken", "expression": "x >", "vote": "positive"},
                       {"name": "typo", "expression": "segmnt = 'a'", "vote": "positive"},
                       {"name": "sure", "expression": "true", "vote": "maybe"}]}""");
    assertTrue(message.contains("labeling.functions[0].expression: function broken: `x >` is not "
        + "a valid Spark SQL expression"), message);
    assertTrue(message.contains("labeling.functions[1].expression: function typo: `segmnt = 'a'` "
        + "reads [segmnt], not declared in schema.columns"), message);
    assertTrue(message.contains("labeling.functions[2].expression: function sure: `true` reads no "
        + "column"), message);
    assertTrue(message.contains("labeling.functions[2].vote: function sure: must be one of "
        + "[positive, negative, 1, 0], got maybe"), message);
  }

  @Test
  void aFunctionThatReadsTheLabelOrTheGoldColumnIsALeak() {
    String label = errorOf("""
        {"functions": [{"name": "cheat", "expression": "LABEL = 'yes'", "vote": "positive"},
                       {"name": "high_x", "expression": "x > 1", "vote": "positive"}]}""");
    assertTrue(label.contains("labeling.functions[0].expression: function cheat: `LABEL = 'yes'` "
        + "reads [LABEL], the label or gold column itself"), label);
    String gold = errorOf("""
        {"gold_column": "channel", "gold_positive": "web",
         "functions": [{"name": "web", "expression": "channel = 'web'", "vote": "positive"},
                       {"name": "high_x", "expression": "x > 1", "vote": "positive"}]}""");
    assertTrue(gold.contains("labeling.functions[0].expression: function web: `channel = 'web'` "
        + "reads [channel], the label or gold column itself"), gold);
  }

  @Test
  void theLabelModelNeedsTwoFunctions() {
    String message = errorOf("""
        {"functions": [{"name": "high_x", "expression": "x > 1", "vote": "positive"}]}""");
    assertTrue(message.contains("labeling.functions: the label model needs at least 2 labelling "
        + "functions, got 1"), message);
  }

  @Test
  void aGoldColumnMustExistAndSayWhichValueIsPositive() {
    String unknown = errorOf("{\"gold_column\": \"truth\", \"functions\": " + GOOD_FUNCTIONS + "}");
    assertTrue(unknown.contains("labeling.gold_column: names no column of schema.columns: truth"),
        unknown);
    String text = errorOf("{\"gold_column\": \"channel\", \"functions\": " + GOOD_FUNCTIONS + "}");
    assertTrue(text.contains("labeling.gold_positive: gold_column channel is declared string; name "
        + "its positive value"), text);
    String prior = errorOf("{\"class_prior\": 1.5, \"functions\": " + GOOD_FUNCTIONS + "}");
    assertTrue(prior.contains("labeling.class_prior: must be in (0, 1), got 1.5"), prior);
  }

  @Test
  void labelRefusesAConfigWithoutFunctionsBeforeSparkAndUncertainNeedsAPositiveCount() {
    DeeplineException missing = assertThrows(DeeplineException.class,
        () -> new LabelJob().run(new RunContext("run", null, "label", TestRuns.RUN_DATE,
            TestRuns.configFromJson(TOY), Warehouse.at("unused"), null)));
    assertEquals(Failure.CONFIG, missing.failure());
    assertTrue(missing.getMessage().startsWith("labeling.functions: label needs at least 2 "
        + "labelling functions"), missing.getMessage());
    DeeplineException zero = assertThrows(DeeplineException.class, () -> new LabelJob(0));
    assertEquals(Failure.USAGE, zero.failure());
    assertEquals("--uncertain: the number of rows to label must be at least 1, got 0",
        zero.getMessage());
  }
}
