package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.ScoreJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainJob;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stage with real models on the toy data set: a trained model ("good") and the same
 * network untrained ("weak", its initial weights), so one is clearly better.
 * Slices, behavioural tests, the champion comparison (by the registry's alias and by version) and the
 * blessing gate, end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluateJobTest {
  private static final int ROWS = 500;
  /** Above any probability of the untrained copy: at it, the champion labels no row positive. */
  private static final double WEAK_THRESHOLD = 0.999;
  /** Few replicates: the intervals' arithmetic is tested in PoissonBootstrapTest. */
  private static final String FEW_REPLICATES = "evaluation.bootstrap.replicates=20";
  private static final String SLICES = "evaluation.slices={\"columns\": [\"segment\", \"channel\"],"
      + " \"min_rows\": 10}";

  @TempDir
  static Path dir;
  private RunContext context;
  private String good;
  private String weak;

  @BeforeAll
  void trainTwoModels() {
    context = ToyData.context(dir, ROWS, false);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    // A network alone: with the default ensemble method the toy label's logistic regression leads
    // the network enough for auto to stack them, and the untrained copy below is of a network.
    good = new TrainJob().run(run("train", "training.ensemble.method=none")).artifacts()
        .get("model_version");
    weak = registerUntrainedCopy(good);
    new ScoreJob().run(run("score", "scoring.model_version=" + good));
  }

  @Test
  @Order(1)
  void slicesAndBehaviouralTestsAreJudgedWithTheModel() throws Exception {
    StageResult result = new EvaluateJob().run(run("evaluate", FEW_REPLICATES, SLICES,
        "evaluation.behavioural=["
            + "{\"name\": \"x raises\", \"type\": \"directional\", \"column\": \"x\", "
            + "\"perturbation\": \"x + 1\", \"direction\": \"increase\"},"
            + "{\"name\": \"x lowers\", \"type\": \"directional\", \"column\": \"x\", "
            + "\"perturbation\": \"x + 1\", \"direction\": \"decrease\"},"
            + "{\"name\": \"x is ignored\", \"type\": \"invariance\", \"column\": \"x\", "
            + "\"perturbation\": \"x + 2\"},"
            + "{\"name\": \"high x in a is positive\", \"type\": \"minimum_functionality\", "
            + "\"where\": \"x > 1.5 AND segment = 'a'\", \"expected\": \"positive\"}]"));

    EvaluationReport report = report(result);
    // x carries the signal (logit 1.5 x): raising it must raise every probability.
    List<Boolean> passed = report.behavioural().stream().map(BehaviouralResult::passed).toList();
    assertEquals(List.of(true, false, false, true), passed, report.behavioural().toString());
    assertEquals(List.of("segment=a", "segment=b", "segment=c", "channel=mail", "channel=phone",
        "channel=shop", "channel=web"), report.slices().stream().map(s -> s.name()).toList());
    assertEquals(report.metrics().count(),
        report.slices().stream().filter(s -> s.column().equals("segment"))
            .mapToLong(s -> s.rows()).sum());
    // The broken expectations refuse the blessing; the gate is off, so the run succeeds.
    assertEquals(0.0, result.metric("blessed"));
    assertEquals(2.0, result.metric("behavioural_failed"));
    assertTrue(result.artifacts().get("blessing").contains("behavioural test 'x lowers'"),
        result.artifacts().get("blessing"));
    assertNull(report.champion());
    assertTrue(report.blessing().summary().contains("no champion yet"), report.blessing().summary());
    assertEquals(2, report.metrics().operatingPoints().size());
    assertNotNull(report.metrics().intervals());
    Row row = DeltaTables.read(SparkTestSession.get(), context.table(Table.EVALUATIONS)).head();
    assertEquals(false, row.getAs("blessed"));
  }

  @Test
  @Order(2)
  void aBetterChallengerIsBlessedAgainstTheRegistrysChampionOnTheSameRows() throws Exception {
    new ModelRegistry(SparkTestSession.get(), context.warehouse()).promote("toy", weak);

    StageResult result = new EvaluateJob().run(run("evaluate", FEW_REPLICATES, SLICES,
        "evaluation.blessing.gate=true"));

    EvaluationReport report = report(result);
    EvaluationReport.ChampionComparison champion = report.champion();
    assertEquals(weak, champion.modelVersion());
    assertEquals(report.metrics().count(), champion.rows());
    assertTrue(champion.challenger().get("roc_auc") > champion.champion().get("roc_auc") + 0.05,
        champion.toString());
    assertTrue(report.blessing().blessed(), report.blessing().toString());
    assertEquals(weak, result.artifacts().get("champion_version"));
    assertTrue(champion.championSlices().containsKey("segment=a"), champion.toString());
    // Each model at the threshold it labels rows with.
    assertEquals(report.threshold(), champion.challenger().get("threshold"));
    assertEquals(WEAK_THRESHOLD, champion.champion().get("threshold"));
    assertEquals(0.0, champion.champion().get("recall"), champion.toString());
    assertEquals(report.metrics().primary().recall(), champion.challenger().get("recall"), 1e-12);
    String html = Files.readString(Path.of(URI.create(result.artifacts().get("report_html"))));
    assertTrue(html.contains("Champion " + weak + " and this model on the same"), "comparison");
  }

  @Test
  @Order(3)
  void aWorseChallengerIsRefusedAndTheGateFailsTheRun() {
    new ScoreJob().run(run("score", "scoring.model_version=" + weak));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(run("evaluate", FEW_REPLICATES,
            "evaluation.blessing.champion_version=" + good, "evaluation.blessing.gate=true")));
    assertEquals(Failure.MODEL_GATE, error.failure());

    assertTrue(error.getMessage().startsWith("evaluate: blessing of model " + weak + " refused: "
        + "roc_auc "), error.getMessage());
    assertTrue(error.getMessage().contains("behind the champion's"), error.getMessage());
    assertTrue(context.files().exists(context.warehouse().reportDir("toy", context.runDate())
        + "/evaluation.html"), "the report is written before the gate fails the run");
  }

  @Test
  @Order(4)
  void aSliceColumnAbsentFromSilverIsNamed() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(run("evaluate", FEW_REPLICATES,
            "evaluation.slices.columns=[\"region\"]")));
    assertEquals(Failure.CONFIG, error.failure());

    assertTrue(error.getMessage().startsWith("evaluation.slices.columns: no column 'region' in "
        + "silver"), error.getMessage());
  }

  @Test
  @Order(5)
  void aChampionTheRegistryDoesNotKnowIsNamedBeforeAnyMetricIsComputed() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(run("evaluate", "evaluation.blessing.champion_version=nope")));
    assertEquals(Failure.CONFIG, error.failure());

    assertTrue(error.getMessage().startsWith("evaluation.blessing.champion_version: "),
        error.getMessage());
    assertTrue(error.getMessage().contains("nope"), error.getMessage());
  }

  @Test
  @Order(6)
  void aDateWithoutPredictionsIsNamedWithItsTable() {
    String nextDay = java.time.LocalDate.parse(context.runDate()).plusDays(1).toString();
    RunContext empty = new RunContext(RunContext.newRunId(), null, "evaluate", nextDay,
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false)),
        context.warehouse(), context.spark());

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new EvaluateJob().run(empty));
    assertEquals(Failure.INPUT, error.failure());

    assertTrue(error.getMessage().contains("/toy/predictions has no rows for run_date " + nextDay
        + " (run score --run-date " + nextDay + " first)"), error.getMessage());
  }

  /**
   * Registers, as a new version, the network of {@code version} as it was before training: the same
   * architecture and seed, freshly initialised. Copies go through JSON, so fields the metadata or the
   * registry gain later are carried over.
   */
  private String registerUntrainedCopy(String version) {
    ModelRegistry registry = new ModelRegistry(SparkTestSession.get(), context.warehouse());
    ModelRegistry.ModelEntry trained = registry.version("toy", version);
    ModelMetadata metadata = ModelBundle.loadMetadata(context.files(), trained.path());
    String untrained = "untrained-" + version;
    ObjectNode metadataJson = Json.mapper().valueToTree(metadata);
    metadataJson.put("model_version", untrained);
    // The copy is a network alone: the saved ladder rungs' files stay with the trained model.
    metadataJson.remove("ladder");
    // A threshold of its own, which the comparison must judge it at, not the challenger's.
    ((ObjectNode) metadataJson.get("decision_threshold")).put("value", WEAK_THRESHOLD);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.binaryClassifier(
        metadata.training(), metadata.inputWidth(), null));
    network.init();
    String dir = context.warehouse().modelDir("toy", untrained);
    ModelBundle.of(Json.mapper().convertValue(metadataJson, ModelMetadata.class), network)
        .save(context.files(), dir);
    ObjectNode entryJson = Json.mapper().valueToTree(trained);
    entryJson.put("model_version", untrained);
    entryJson.put("path", dir);
    registry.register(Json.mapper().convertValue(entryJson, ModelRegistry.ModelEntry.class));
    return untrained;
  }

  private RunContext run(String command, String... overrides) {
    List<String> all = new ArrayList<>(List.of(overrides));
    return new RunContext(RunContext.newRunId(), null, command, context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false),
            all.toArray(String[]::new)), context.warehouse(), context.spark());
  }

  private static EvaluationReport report(StageResult result) throws Exception {
    Path json = Path.of(URI.create(result.artifacts().get("report_json")));
    return Json.read(Files.readString(json), EvaluationReport.class, "report");
  }
}
