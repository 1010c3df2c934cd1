package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.monitoring.DriftJob;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The champion/challenger loop on the toy data set: blessed, refused, and no cause to retrain. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainTest {
  private static final int ROWS = 400;
  /** What is checked is the loop, not the model: one epoch, no baseline ladder. */
  private static final String[] QUICK = {"training.epochs=1", "baselines.enabled=false",
      "training.ensemble.method=none"};

  @TempDir
  static Path dir;
  private RunContext context;
  private RunRecorder recorder;
  private ModelRegistry registry;

  @BeforeAll
  void ingestOnce() {
    context = ToyData.context(dir, ROWS, false, QUICK);
    recorder = new RunRecorder(new RunRegistry(context.spark(), context.warehouse()));
    registry = new ModelRegistry(context.spark(), context.warehouse());
    recorder.run(context.child(RunContext.newRunId(), "ingest"), new IngestJob());
  }

  @Test
  @Order(1)
  void aBlessedChallengerBecomesTheChampionAndARefusedOneLeavesIt() {
    StageResult first = recorder.run(context, new Retrain(recorder, false));

    String firstVersion = first.artifacts().get("challenger");
    assertEquals(1.0, first.metric("retrained"));
    assertEquals(1.0, first.metric("promoted"), first.artifacts().toString());
    assertEquals(firstVersion, first.artifacts().get("evaluate.model_version"),
        "the challenger is the model evaluated");
    assertEquals(firstVersion, champion());
    assertEquals(null, first.artifacts().get("previous_champion"));

    // A bar no model of the toy data reaches: refused, and the champion stays.
    RunContext strict = withOverrides("evaluation.blessing.min_roc_auc=0.999");
    StageResult refused = recorder.run(strict, new Retrain(recorder, false));

    String secondVersion = refused.artifacts().get("challenger");
    assertNotEquals(firstVersion, secondVersion);
    assertEquals(0.0, refused.metric("promoted"));
    assertTrue(refused.artifacts().get("evaluate.blessing").contains("0.999"),
        refused.artifacts().get("evaluate.blessing"));
    assertEquals(firstVersion, refused.artifacts().get("previous_champion"));
    assertEquals(firstVersion, champion());
    assertEquals(List.of(firstVersion), DeltaTables.read(context.spark(),
            context.table(Table.PREDICTIONS)).select("model_version").distinct()
        .as(Encoders.STRING()).collectAsList(), "the date scored again by the champion");
    assertEquals(List.of(firstVersion), DeltaTables.read(context.spark(),
            context.table(Table.EVALUATIONS)).select("model_version")
        .as(Encoders.STRING()).collectAsList(), "and evaluated again by the champion");
  }

  @Test
  @Order(2)
  void ifDriftedNeedsMonitorAndRetrainsNothingWithoutDrift() {
    String champion = champion();
    DeeplineException noMonitor = assertThrows(DeeplineException.class,
        () -> new Retrain(recorder, true).run(context));
    assertTrue(noMonitor.getMessage().contains("(run monitor --run-date " + context.runDate()
        + " first; nightly runs it)"), noMonitor.getMessage());

    // The date's rows against the rows the champion trained on: the same rows, no drift.
    new DriftJob().run(withOverrides("scoring.model_version=champion"));
    StageResult skipped = new Retrain(recorder, true).run(context);

    assertEquals(0.0, skipped.metric("retrained"));
    assertEquals(0.0, skipped.metric("columns_drifted"));
    assertEquals(champion, champion());
  }

  private String champion() {
    return registry.alias("toy", ModelRegistry.CHAMPION).map(ModelRegistry.ModelEntry::modelVersion)
        .orElse(null);
  }

  private RunContext withOverrides(String... overrides) {
    String[] all = java.util.Arrays.copyOf(QUICK, QUICK.length + overrides.length);
    System.arraycopy(overrides, 0, all, QUICK.length, overrides.length);
    return new RunContext(RunContext.newRunId(), null, "retrain", context.runDate(),
        TestRuns.configFromJson(ToyData.configJson(dir.resolve("toy.csv"), false), all),
        context.warehouse(), context.spark());
  }
}
