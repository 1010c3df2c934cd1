package org.deepline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deepline.compression.CompressionConfig;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Json;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.SourceConfig;
import org.deepline.scoring.ScoringConfig;
import org.deepline.testing.TestRuns;
import org.deepline.training.LayerSpec;
import org.deepline.training.LossConfig;
import org.deepline.training.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");

  /** The job configs in conf/: every JSON file but the generated JSON Schema of them. */
  static Stream<Path> jobConfigs() throws IOException {
    try (Stream<Path> files = Files.list(TestRuns.project().resolve("conf"))) {
      return files.filter(f -> f.toString().endsWith(".json"))
          .filter(f -> !f.endsWith(ConfigReference.SCHEMA.getFileName()))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("jobConfigs")
  void everyShippedConfigLoadsAndValidates(Path file) {
    DeeplineConfig config = ConfigLoader.load(file, List.of());
    assertTrue(config.validate().isEmpty());
    assertFalse(config.features().inputColumns().isEmpty());
  }

  @Test
  void shippedConfigsAreThereToTest() throws IOException {
    assertTrue(jobConfigs().count() >= 2, "conf/ should hold churn.json and credit.json");
  }

  @Test
  void lossAndClassWeightMistakesAreNamed() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CHURN,
        List.of("training.loss.type=hinge", "training.class_weight_beta=0.9")));
    assertTrue(error.getMessage().contains("training.loss.type: must be one of [cross_entropy, "
        + "focal, mse, mae, huber], got hinge"), error.getMessage());
    assertTrue(error.getMessage().contains("training.class_weight_beta: applies to class_weights "
        + "effective_number only, class_weights is none"), error.getMessage());

    DeeplineException gamma = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CHURN,
        List.of("training.loss.type=focal", "training.loss.gamma=-1",
            "training.class_weights=effective_number", "training.class_weight_beta=1")));
    assertTrue(gamma.getMessage().contains("training.loss.gamma: must be in [0, 10.0], got -1.0"),
        gamma.getMessage());
    assertTrue(gamma.getMessage().contains("training.class_weight_beta: must be in [0, 1), got "
        + "1.0"), gamma.getMessage());

    DeeplineConfig focal = ConfigLoader.load(CHURN, List.of("training.loss.type=focal",
        "training.class_weights=effective_number"));
    assertEquals(2.0, focal.training().loss().gamma());
    assertEquals(0.999, focal.training().classWeightBeta());
    // Checkpoints and run records store the section as JSON and read it back.
    assertEquals(focal.training(), Json.read(Json.write(focal.training()), TrainingConfig.class,
        "checkpoint"));
  }

  @Test
  void huberDeltaIsValidatedByPathAndAppliesToHuberOnly() {
    DeeplineException misplaced = assertThrows(DeeplineException.class, () -> ConfigLoader.load(
        CHURN, List.of("training.loss.type=mse", "training.loss.delta=0.5")));
    assertTrue(misplaced.getMessage().contains("training.loss.delta: applies to type huber only, "
        + "type is mse"), misplaced.getMessage());

    DeeplineException focalKeys = assertThrows(DeeplineException.class, () -> ConfigLoader.load(
        CHURN, List.of("training.loss.type=huber", "training.loss.gamma=2",
            "training.loss.calibrate=true")));
    assertTrue(focalKeys.getMessage().contains("training.loss.gamma: applies to type focal only, "
        + "type is huber"), focalKeys.getMessage());
    assertTrue(focalKeys.getMessage().contains("training.loss.calibrate: applies to type focal "
        + "only, type is huber"), focalKeys.getMessage());

    for (String delta : List.of("0", "-1", "10.5")) {
      DeeplineException outside = assertThrows(DeeplineException.class, () -> ConfigLoader.load(
          CHURN, List.of("training.loss.type=huber", "training.loss.delta=" + delta)));
      assertTrue(outside.getMessage().contains("training.loss.delta: must be in (0, 10.0], got "
          + Double.parseDouble(delta)), outside.getMessage());
    }
  }

  @Test
  void regressionLossesReadWithTheirDefaultsAndRoundTrip() {
    LossConfig huber = Json.read("{\"type\": \"huber\"}", LossConfig.class, "loss");
    assertEquals(new LossConfig(LossConfig.HUBER, null, null, 1.0), huber);
    assertTrue(huber.isRegressionLoss());
    assertEquals(huber, Json.read(Json.write(huber), LossConfig.class, "checkpoint"));
    LossConfig tight = Json.read("{\"type\": \"huber\", \"delta\": 10}", LossConfig.class,
        "loss");
    assertEquals(10.0, tight.delta());
    ConfigErrors errors = new ConfigErrors();
    tight.validate(errors);
    assertTrue(errors.isEmpty(), errors.messages().toString());

    for (String type : List.of(LossConfig.MSE, LossConfig.MAE)) {
      LossConfig plain = new LossConfig(type, null);
      assertEquals(new LossConfig(type, null, null, null), plain);
      assertTrue(plain.isRegressionLoss(), type);
    }
    assertFalse(LossConfig.defaults().isRegressionLoss());
    assertFalse(new LossConfig(LossConfig.FOCAL, null).isRegressionLoss());
    assertNull(new LossConfig(LossConfig.FOCAL, null).delta());
    assertEquals(List.of("mse", "mae", "huber"), LossConfig.REGRESSION_TYPES);
    assertEquals(List.of("cross_entropy", "focal"), LossConfig.CLASSIFICATION_TYPES);
  }

  @Test
  void aSourcePathReadsTheRunDatesFilesAndLeavesHadoopGlobsAlone() {
    DeeplineConfig config = ConfigLoader.load(CHURN, List.of(
        "source.path=/landing/{a,b}/{run_date}/part-{run_date}.csv"));

    assertEquals("/landing/{a,b}/2026-12-02/part-2026-12-02.csv",
        config.source().on("2026-12-02").path());
    SourceConfig undated = ConfigLoader.load(CHURN, List.of()).source();
    assertSame(undated, undated.on("2026-12-02"));
  }

  @Test
  void nullTokensDefaultToTheCommonSpellingsAndMustBeTrimmedText() {
    assertEquals(List.of("NA", "N/A", "#N/A", "NaN", "nan", "NULL", "null", "None", "?"),
        ConfigLoader.load(CHURN, List.of()).ingest().nullTokens());
    assertEquals(List.of(), ConfigLoader.load(CHURN, List.of("ingest.null_tokens=[]")).ingest()
        .nullTokens());
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CHURN,
        List.of("ingest.null_tokens=[\"NA\", \" -\"]")));
    assertTrue(error.getMessage().contains("ingest.null_tokens[1]: must be non-blank text without "
        + "surrounding spaces"), error.getMessage());
  }

  @Test
  void defaultsFillWhatTheFileLeavesOut() {
    DeeplineConfig config = ConfigLoader.load(TestRuns.project().resolve("conf/credit.json"), List.of());
    assertEquals(0.7, config.split().train());
    assertEquals(0.5, config.scoring().threshold());
    assertEquals("test", config.evaluation().split());
    assertEquals("none", config.training().classWeights());
  }

  @Test
  void stagesFindEachSectionByItsRecordType() {
    DeeplineConfig config = ConfigLoader.load(CHURN, List.of());
    assertSame(config.label(), config.section(LabelConfig.class));
    assertSame(config.scoring(), config.section(ScoringConfig.class));
    assertSame(config.compression(), config.section(CompressionConfig.class));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> config.section(LayerSpec.class));
    assertTrue(error.getMessage().startsWith("the job config has no section of type LayerSpec"),
        error.getMessage());
  }

  @Test
  void overridesReachNestedListsAndParseJsonValues() {
    DeeplineConfig config = ConfigLoader.load(CHURN, List.of("training.epochs=3",
        "training.layers[1].units=8", "split.stratify=false", "scoring.model_version=abc",
        "training.layers=[{\"units\": 4}]"));
    assertEquals(3, config.training().epochs());
    assertEquals(List.of(4), config.training().layers().stream().map(l -> l.units()).toList());
    assertFalse(config.split().stratify());
    assertEquals("abc", config.scoring().modelVersion());
  }

  /** A config written from a CSV header: nothing says which columns may be missing. */
  private static final String UNDECLARED_NULLABILITY = """
      {"dataset": "t", "source": {"format": "csv", "path": "t.csv"},
       "schema": {"key": ["id"], "columns": [{"name": "id", "type": "int"},
         {"name": "y", "type": "string"}, {"name": "x", "type": "double"}]},
       "label": {"column": "y", "positive": "yes"},
       "features": {"numeric": ["x"]}}""";

  @Test
  void theLabelAndKeyColumnsAreRequiredWithoutSayingSo() {
    DeeplineConfig config = TestRuns.configFromJson(UNDECLARED_NULLABILITY);

    assertEquals(false, config.schema().byName().get("id").nullable());
    assertEquals(false, config.schema().byName().get("y").nullable());
    assertEquals(true, config.schema().byName().get("x").nullable());
  }

  @Test
  void aLabelOrKeyDeclaredNullableIsRefused() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        UNDECLARED_NULLABILITY, "schema.columns[0].nullable=true",
        "schema.columns[1].nullable=true"));

    assertEquals(Failure.CONFIG, error.failure());
    assertEquals("test config: 2 config errors: schema.key[0]: key column id cannot be nullable; "
        + "label.column: the label column y cannot be nullable: rows without a label go to "
        + "quarantine (leave nullable out, or declare it false)", error.getMessage());
  }

  @Test
  void sparkAndPandasSpellingsOfTypesReadAsTheTypeTheyName() {
    DeeplineConfig config = TestRuns.configFromJson("""
        {"dataset": "t", "source": {"format": "csv", "path": "t.csv"},
         "schema": {"columns": [{"name": "a", "type": "integer"}, {"name": "b", "type": "BIGINT"},
           {"name": "c", "type": "float64"}, {"name": "d", "type": "bool"},
           {"name": "e", "type": "object"}, {"name": "f", "type": "datetime64[ns]"},
           {"name": "g", "type": " Double "}, {"name": "y", "type": "str"}]},
         "label": {"column": "y", "positive": "yes"},
         "features": {"numeric": ["a", "b", "c"], "categorical": ["e"]}}""");

    assertEquals(List.of("int", "long", "double", "boolean", "string", "timestamp", "double",
        "string"), config.schema().columns().stream().map(ColumnSpec::type).toList());
  }

  @Test
  void aTypeNoSpellingNamesIsRefusedWithTheTypes() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        """
        {"dataset": "t", "source": {"format": "csv", "path": "t.csv"},
         "schema": {"columns": [{"name": "a", "type": "currency"},
           {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "yes"},
         "features": {"numeric": ["a"]}}"""));

    assertTrue(error.getMessage().contains("schema.columns[0].type: must be one of [string, int, "
        + "long, double, boolean, date, timestamp], got currency"), error.getMessage());
  }

  @Test
  void columnsEqualButForLetterCaseAreOneColumnAndTheErrorGivesTheNameIngestReadsItAs() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        """
        {"dataset": "t", "source": {"format": "csv", "path": "t.csv"},
         "schema": {"columns": [{"name": "W", "type": "double"}, {"name": "w", "type": "double"},
           {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "yes"},
         "features": {"numeric": ["W"]}}"""));

    assertEquals(Failure.CONFIG, error.failure());
    assertEquals("test config: 1 config error: schema.columns[1].name: duplicate column w (W is "
        + "declared too: Spark and Delta ignore letter case in column names; ingest reads a CSV "
        + "header's second one as w_2, so declare it under that name)", error.getMessage());

    // Written twice exactly (R's data with two columns of one name): the same remedy.
    DeeplineException twice = assertThrows(DeeplineException.class, () -> TestRuns.configFromJson(
        """
        {"dataset": "t", "source": {"format": "csv", "path": "t.csv"},
         "schema": {"columns": [{"name": "distance", "type": "double"},
           {"name": "distance", "type": "double"}, {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "yes"},
         "features": {"numeric": ["distance"]}}"""));
    assertEquals("test config: 1 config error: schema.columns[1].name: duplicate column distance "
        + "(a CSV header that writes it twice: ingest reads the second one as distance_2, so "
        + "declare it under that name)", twice.getMessage());
  }

  @Test
  void badValueIsNamedByItsPath() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.layers[1].units=-3")));
    assertEquals(Failure.CONFIG, error.failure());
    assertTrue(error.getMessage().contains("training.layers[1].units: must be > 0, got -3"),
        error.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("split.train=0.9", "training.learning_rate=0",
            "features.numeric[0]=no_such_column", "evaluation.split=holdout")));
    String message = error.getMessage();
    // Replacing tenure also orphans its entry in features.numeric_transforms: a fifth error.
    assertTrue(message.contains("5 config errors"), message);
    assertTrue(message.contains(
        "features.numeric_transforms.tenure: tenure is not listed under features.numeric"), message);
    assertTrue(message.contains("split.test: train + validation + test must be 1, got 1.2"), message);
    assertTrue(message.contains("training.learning_rate: must be > 0, got 0.0"), message);
    assertTrue(message.contains("features.numeric[0]: names no column of schema.columns: no_such_column"),
        message);
    assertTrue(message.contains("evaluation.split: must be one of [train, validation, test], got holdout"),
        message);
  }

  @Test
  void unknownKeyIsRejectedWithTheKnownOnes() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.epoch=5")));
    assertTrue(error.getMessage().contains("training.epoch: unknown key"), error.getMessage());
    assertTrue(error.getMessage().contains("epochs"), error.getMessage());
  }

  @Test
  void everyUnknownKeyIsNamedInOneErrorWithTheOtherProblems() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("trainng.epochs=3", "split.tset=0.2",
            "training.layers[0].activaton=\"relu\"", "training.learning_rate=-1")));
    // One run of check names them all: the misspelt keys where they stand, then the bad value.
    assertTrue(error.getMessage().contains(": 4 config errors: "), error.getMessage());
    for (String expected : List.of("trainng: unknown key (known keys: baselines, compression, ",
        "split.tset: unknown key (known keys: folds, ",
        "training.layers[0].activaton: unknown key (known keys: activation, dropout, units)",
        "training.learning_rate: must be > 0, got -1.0")) {
      assertTrue(startsAProblem(error.getMessage(), expected), expected + " in "
          + error.getMessage());
    }
  }

  @Test
  void anUnknownKeyIsNamedWhereItStandsWhateverItsValue() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("baselines.model=[\"gbt\"]",
            "training.layers[1].extra={\"a\": [1]}", "zzz=[]")));
    assertTrue(error.getMessage().contains(": 3 config errors: "), error.getMessage());
    for (String expected : List.of("baselines.model: unknown key (known keys: driver_max_rows, ",
        "training.layers[1].extra: unknown key (known keys: activation, dropout, units)",
        "zzz: unknown key (known keys: baselines, compression, ")) {
      assertTrue(startsAProblem(error.getMessage(), expected), expected + " in "
          + error.getMessage());
    }
  }

  /** Whether {@code problem} is one of the message's problems from its start: its path whole. */
  private static boolean startsAProblem(String message, String problem) {
    return message.contains(": " + problem) || message.contains("; " + problem);
  }

  @Test
  void wrongTypeIsNamed() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.epochs=many")));
    assertTrue(error.getMessage().contains("training.epochs: expected an integer"), error.getMessage());
  }

  /** The eighth sweep's D7: a fraction where a count is meant trained 2.9 as 2 epochs. */
  @Test
  void aFractionWhereAnIntegerIsMeantIsNamed() {
    for (String override : List.of("training.epochs=2.9", "training.layers[0].units=16.9",
        "split.seed=1.5")) {
      DeeplineException error = assertThrows(DeeplineException.class,
          () -> ConfigLoader.load(CHURN, List.of(override)), override);
      String key = override.substring(0, override.indexOf('='));
      assertTrue(error.getMessage().contains(key + ": expected an integer"), error.getMessage());
    }
  }

  @Test
  void absurdValuesAreRejected() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.epochs=100000000",
            "features.crosses[0].buckets=0", "leakage.max_single_feature_auc=0.4")));
    String message = error.getMessage();
    assertTrue(message.contains("training.epochs: must be <= 10000, got 100000000"), message);
    assertTrue(message.contains("features.crosses[0].buckets: must be > 0, got 0"), message);
    assertTrue(message.contains("leakage.max_single_feature_auc: must be > 0.5"), message);
  }

  @Test
  void thresholdRulesAreValidatedByPath() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.threshold.rule=cost",
            "training.threshold.false_positive_cost=-1", "training.threshold.target_recall=0.8",
            "scoring.threshold=1.5")));
    String message = error.getMessage();
    assertTrue(message.contains("4 config errors"), message);
    assertTrue(message.contains(
        "training.threshold.false_positive_cost: must be a finite number > 0, got -1.0"), message);
    assertTrue(message.contains(
        "training.threshold.false_negative_cost: is required with rule cost"), message);
    assertTrue(message.contains("training.threshold.target_recall: has no effect with rule cost; "
        + "remove it or set rule to target_recall"), message);
    assertTrue(message.contains("scoring.threshold: must be in (0, 1), got 1.5"), message);

    DeeplineException unknownRule = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.threshold.rule=best")));
    assertTrue(unknownRule.getMessage().contains("training.threshold.rule: must be one of "
        + "[max_f1, cost, target_precision, target_recall], got best"), unknownRule.getMessage());
    DeeplineException zeroTarget = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.threshold.rule=target_precision",
            "training.threshold.target_precision=0")));
    assertTrue(zeroTarget.getMessage().contains(
        "training.threshold.target_precision: must be in (0, 1], got 0.0"), zeroTarget.getMessage());
  }

  @Test
  void thresholdDefaultsToMaxF1AtTrainingAndTheModelsChoiceAtScoring() {
    DeeplineConfig defaults = ConfigLoader.load(CHURN, List.of());
    assertEquals("max_f1", defaults.training().threshold().toRule().name());
    assertTrue(defaults.scoring().explicitThreshold() == null);
    DeeplineConfig set = ConfigLoader.load(CHURN, List.of("training.threshold.rule=target_recall",
        "training.threshold.target_recall=0.9", "scoring.threshold=0.3"));
    assertEquals(org.deepline.metrics.ThresholdRule.targetRecall(0.9),
        set.training().threshold().toRule());
    assertEquals(0.3, set.scoring().explicitThreshold().doubleValue());
  }

  @Test
  void missingFileAndBrokenJsonAreNamed() {
    DeeplineException missing = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(Path.of("conf/nope.json"), List.of()));
    assertEquals("--conf: no such file: conf/nope.json", missing.getMessage());
    DeeplineException broken = assertThrows(DeeplineException.class,
        () -> ConfigLoader.parse("{\"dataset\": ", "broken.json", List.of()));
    assertTrue(broken.getMessage().startsWith("broken.json: not valid JSON at line 1"),
        broken.getMessage());
  }

  @Test
  void labelMustBeRequiredAndFeaturesMustNotIncludeIt() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("schema.columns[0].nullable=true",
            "features.categorical[0]=churn")));
    assertTrue(error.getMessage().contains("label.column: the label column churn cannot be "
        + "nullable"), error.getMessage());
    assertTrue(error.getMessage().contains("the label column churn cannot be a feature"),
        error.getMessage());
  }

  @Test
  void badOverrideSyntaxIsNamed() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of("training.layers[7].units=3")));
    assertEquals("--set training.layers[7].units=3: layers has no element 7", error.getMessage());
  }

  @Test
  void theFeatureStoreSectionIsOptionalAndValidatedByPath() throws IOException {
    assertTrue(ConfigLoader.load(CHURN, List.of()).featureStore().tables().isEmpty());
    String churn = Files.readString(CHURN).strip();
    String withStore = churn.substring(0, churn.length() - 1) + ", \"feature_store\": {\"tables\": "
        + "[{\"name\": \"customer_daily\", \"owner\": \"crm\", \"description\": \"d\", "
        + "\"source\": \"silver\", \"transform\": \"SELECT customer_id FROM source\", "
        + "\"entity_keys\": [\"customer_id\"], \"event_time\": \"t\", \"ttl\": \"P1D\"}]}}";
    assertEquals("customer_daily", ConfigLoader.parse(withStore, "churn.json", List.of())
        .featureStore().tables().get(0).name());
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.parse(
        withStore, "churn.json", List.of("feature_store.tables[0].ttl=PT0S")));
    assertEquals(Failure.CONFIG, error.failure());
    assertTrue(error.getMessage().endsWith("feature_store.tables[0].ttl: must be > 0, got PT0S"),
        error.getMessage());
  }
}
