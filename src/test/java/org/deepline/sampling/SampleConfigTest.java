package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.deepline.cli.DeeplineCli;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;

/** The sample section's checks: every bad value named by its path, before Spark starts. */
class SampleConfigTest {
  private static final String TOY = ToyData.configJson(Path.of("toy.csv"), false);

  private static DeeplineConfig load(String... overrides) {
    return TestRuns.configFromJson(TOY, overrides);
  }

  private static String errors(String... overrides) {
    return assertThrows(DeeplineException.class, () -> load(overrides)).getMessage();
  }

  @Test
  void withoutASectionTheSampleIsATenthAtRandomWithSeed42() {
    SampleConfig sample = load().section(SampleConfig.class);
    assertEquals(SampleConfig.RANDOM, sample.method());
    assertEquals(0.1, sample.fraction());
    assertEquals(42L, sample.seed());
    assertEquals(false, sample.multiplicities());
  }

  @Test
  void everyMethodLoadsWithItsKeys() {
    assertEquals(Map.of("a", 10L, "b", 5L), load("sample.method=stratified",
        "sample.strata_column=segment", "sample.counts={\"a\": 10, \"b\": 5}")
        .section(SampleConfig.class).counts());
    assertEquals(0.5, load("sample.method=stratified", "sample.strata_column=_label",
        "sample.fractions={\"0\": 0.5}").section(SampleConfig.class).fractions().get("0"));
    assertTrue(load("sample.method=weighted", "sample.weight_column=income", "sample.n=20",
        "sample.with_replacement=true").section(SampleConfig.class).multiplicities());
    assertEquals(7L, load("sample.method=reservoir", "sample.n=7").section(SampleConfig.class).n());
    assertEquals("abs(x) + 0.1", load("sample.method=importance", "sample.n=50",
        "sample.proposal=abs(x) + 0.1").section(SampleConfig.class).proposal());
  }

  @Test
  void unknownColumnsAreNamedWithTheirPath() {
    String strata = errors("sample.method=stratified", "sample.strata_column=region",
        "sample.fractions={\"x\": 0.5}");
    assertTrue(strata.contains("sample.strata_column: names no column of schema.columns: region"),
        strata);
    String weight = errors("sample.method=weighted", "sample.weight_column=wieght", "sample.n=5");
    assertTrue(weight.contains("sample.weight_column: names no column of schema.columns: wieght"),
        weight);
    String text = errors("sample.method=weighted", "sample.weight_column=channel", "sample.n=5");
    assertTrue(text.contains("sample.weight_column: channel is declared string; weights must be "
        + "numeric"), text);
    String proposal = errors("sample.method=importance", "sample.n=5", "sample.proposal=y * 2");
    assertTrue(proposal.contains("sample.proposal: `y * 2` reads [y], not declared"), proposal);
    String unparsable = errors("sample.method=importance", "sample.n=5", "sample.proposal=x +");
    assertTrue(unparsable.contains("sample.proposal: `x +` is not a valid Spark SQL expression"),
        unparsable);
  }

  @Test
  void fractionsOutsideTheUnitIntervalAndCountsBelowOneAreRefused() {
    assertTrue(errors("sample.fraction=1.5").contains("sample.fraction: must be in [0, 1], got 1.5"));
    String strata = errors("sample.method=stratified", "sample.strata_column=segment",
        "sample.fractions={\"a\": -0.1, \"b\": 0.5}");
    assertTrue(strata.contains("sample.fractions.a: must be in [0, 1], got -0.1"), strata);
    assertTrue(errors("sample.n=0").contains("sample.n: must be >= 1, got 0"));
    assertTrue(errors("sample.method=reservoir", "sample.n=-3")
        .contains("sample.n: must be >= 1, got -3"));
    assertTrue(errors("sample.method=reservoir").contains("sample.n: is required"));
    String counts = errors("sample.method=stratified", "sample.strata_column=segment",
        "sample.counts={\"a\": 0}");
    assertTrue(counts.contains("sample.counts.a: must be >= 1, got 0"), counts);
    assertTrue(errors("sample.method=reservoir", "sample.n=20000000")
        .contains("sample.n: a reservoir of 20000000 rows would be merged in one task"));
  }

  @Test
  void perStratumKeysMustBeValuesOfTheStrata() {
    String unknown = errors("sample.method=stratified", "sample.strata_column=segment",
        "sample.counts={\"a\": 3, \"d\": 4}");
    assertTrue(unknown.contains("sample.counts.d: is not among segment's allowed_values [a, b, c]"),
        unknown);
    String label = errors("sample.method=stratified", "sample.strata_column=_label",
        "sample.fractions={\"yes\": 0.5}");
    assertTrue(label.contains("sample.fractions.yes: the label's strata are 0 and 1"), label);
    String both = errors("sample.method=stratified", "sample.strata_column=segment",
        "sample.counts={\"a\": 3}", "sample.fractions={\"a\": 0.3}");
    assertTrue(both.contains("sample.fractions: give per-stratum fractions or per-stratum counts"),
        both);
    String strataWithoutStratified = errors("sample.fractions={\"a\": 0.3}");
    assertTrue(strataWithoutStratified.contains("sample.fractions: only used with method: "
        + "stratified (method is random)"), strataWithoutStratified);
  }

  @Test
  void keysOfAnotherMethodAndUnknownMethodsAreRefused() {
    assertTrue(errors("sample.method=cluster").contains("sample.method: must be one of [random, "
        + "stratified, weighted, reservoir, importance], got cluster"));
    String both = errors("sample.fraction=0.2", "sample.n=10");
    assertTrue(both.contains("sample.n: give fraction or n, not both"), both);
    String replacement = errors("sample.method=reservoir", "sample.n=3",
        "sample.with_replacement=true");
    assertTrue(replacement.contains("sample.with_replacement: only used with method: weighted"),
        replacement);
    String weight = errors("sample.n=3", "sample.weight_column=x");
    assertTrue(weight.contains("sample.weight_column: only used with method: weighted"), weight);
  }

  @Test
  void theSampleCommandIsRegisteredAndABadSectionFailsBeforeSpark() {
    assertEquals(0, DeeplineCli.execute("sample", "--help"));
    assertEquals(4, DeeplineCli.execute("check", "--conf",
        TestRuns.project().resolve("conf/churn.json").toString(), "--set", "sample.n=0"));
  }
}
