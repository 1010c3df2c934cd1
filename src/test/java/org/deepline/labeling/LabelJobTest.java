package org.deepline.labeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.scoring.ScoringConfig;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code label} on a silver slice of eight toy rows, and {@code label --uncertain} on a predictions
 * slice of six. The functions: {@code high_x} ({@code x > 0}, positive), {@code segment_a}
 * (positive) and {@code segment_c} (negative); a null x abstains.
 */
class LabelJobTest {
  private static final String FUNCTIONS = """
      {"functions": [{"name": "high_x", "expression": "x > 0", "vote": "positive"},
                     {"name": "segment_a", "expression": "segment = 'a'", "vote": "positive"},
                     {"name": "segment_c", "expression": "segment = 'c'", "vote": "negative"}]}""";
  private static final StructType SILVER = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("x", DataTypes.DoubleType, true)
      .add("segment", DataTypes.StringType, true)
      .add("label", DataTypes.StringType, false);
  private static final String MODEL_VERSION = "20261124T000000-abcdef";
  /** The threshold the model chose at training, in its model.json. */
  private static final double MODEL_THRESHOLD = 0.3;

  @TempDir
  static Path dir;

  @BeforeAll
  static void writeSilver() {
    List<Row> rows = List.of(
        RowFactory.create("r1", 2.0, "a", "yes"),   // high_x, segment_a
        RowFactory.create("r2", 1.5, "c", "yes"),   // high_x, segment_c: a tie
        RowFactory.create("r3", -1.0, "c", "no"),   // segment_c
        RowFactory.create("r4", -2.0, "c", "no"),   // segment_c
        RowFactory.create("r5", null, "b", "no"),   // nothing: x null abstains
        RowFactory.create("r6", 0.5, "b", "yes"),   // high_x
        RowFactory.create("r7", -0.5, "a", "no"),   // segment_a, wrongly
        RowFactory.create("r8", 3.0, "a", "yes"));  // high_x, segment_a
    RunContext context = context();
    DeltaTables.replaceRunDate(SparkTestSession.get().createDataFrame(rows, SILVER),
        context.table(Table.SILVER), TestRuns.RUN_DATE);
  }

  private static RunContext context(String... overrides) {
    String[] all = new String[overrides.length + 1];
    all[0] = "labeling=" + FUNCTIONS;
    System.arraycopy(overrides, 0, all, 1, overrides.length);
    return TestRuns.context(TestRuns.configFromJson(
        ToyData.configJson(dir.resolve("toy.csv"), false), all), dir.resolve("warehouse"), "label");
  }

  @Test
  void votesMajorityPosteriorAndMetricsOfEachRow() {
    RunContext context = context();
    StageResult result = new LabelJob().run(context);

    // The combinations (bit 0 high_x, 1 segment_a, 2 segment_c) with their rows and gold positives.
    List<VotePattern> expected = List.of(new VotePattern(0b000, 1, 1, 0),
        new VotePattern(0b001, 1, 1, 1), new VotePattern(0b010, 1, 1, 0),
        new VotePattern(0b011, 2, 2, 2), new VotePattern(0b100, 2, 2, 0),
        new VotePattern(0b101, 1, 1, 1));
    LabelModel model = LabelModel.fit(new int[] {1, 1, 0}, expected);
    Map<String, Long> maskOf = Map.of("r1", 0b011L, "r2", 0b101L, "r3", 0b100L, "r4", 0b100L,
        "r5", 0L, "r6", 0b001L, "r7", 0b010L, "r8", 0b011L);

    Map<String, Row> byId = new HashMap<>();
    DeltaTables.read(context.spark(), context.table(Table.WEAK_LABELS)).collectAsList()
        .forEach(row -> byId.put(row.getString(row.fieldIndex("_record_id")), row));
    assertEquals(8, byId.size());
    Row tie = byId.get("r2");
    assertEquals(Map.of("high_x", 1, "segment_c", 0), tie.getJavaMap(tie.fieldIndex("votes")));
    assertEquals(2, tie.getInt(tie.fieldIndex("votes_cast")));
    assertTrue(tie.isNullAt(tie.fieldIndex("majority_label")), "a tie has no majority");
    Row silent = byId.get("r5");
    assertEquals(Map.of(), silent.getJavaMap(silent.fieldIndex("votes")));
    assertTrue(silent.isNullAt(silent.fieldIndex("label_model_label")), "no vote, no label");
    assertTrue(silent.isNullAt(silent.fieldIndex("confidence")));
    Map<String, Integer> majority = Map.of("r1", 1, "r3", 0, "r4", 0, "r6", 1, "r7", 1, "r8", 1);
    majority.forEach((id, label) -> assertEquals(label,
        byId.get(id).getInt(byId.get(id).fieldIndex("majority_label")), id));
    for (Map.Entry<String, Long> entry : maskOf.entrySet()) {
      Row row = byId.get(entry.getKey());
      double posterior = model.posterior(entry.getValue());
      assertEquals(posterior, row.getDouble(row.fieldIndex("label_model_probability")), 1e-12,
          entry.getKey());
      if (entry.getValue() != 0) {
        int label = row.getInt(row.fieldIndex("label_model_label"));
        assertEquals(posterior > 0.5 ? 1 : 0, label, entry.getKey());
        assertEquals(label == 1 ? posterior : 1 - posterior,
            row.getDouble(row.fieldIndex("confidence")), 1e-12, entry.getKey());
      }
    }
    // Both positive functions agree on r1 and r8: the model calls them positive.
    assertTrue(model.posterior(0b011) > 0.5);

    assertEquals(8.0, result.metric("rows"));
    assertEquals(6.0, result.metric("vote_patterns"));
    assertEquals(7.0 / 8, result.metric("coverage"), 1e-12);
    assertEquals(3.0 / 8, result.metric("overlap"), 1e-12);
    assertEquals(1.0 / 8, result.metric("conflict"), 1e-12);
    assertEquals(4.0 / 8, result.metric("coverage:high_x"), 1e-12);
    assertEquals(3.0 / 8, result.metric("overlap:high_x"), 1e-12);
    assertEquals(1.0 / 8, result.metric("conflict:high_x"), 1e-12);
    assertEquals(1.0, result.metric("accuracy:high_x"), 1e-12);
    assertEquals(2.0 / 3, result.metric("accuracy:segment_a"), 1e-12);
    assertEquals(2.0 / 3, result.metric("accuracy:segment_c"), 1e-12);
    assertEquals(model.estimatedAccuracy(2), result.metric("estimated_accuracy:segment_c"), 1e-12);
    // Majority on the 7 covered rows: r1 r3 r4 r6 r8 right, r7 wrong, the tie r2 half.
    assertEquals(5.5 / 7, result.metric("majority_vote_accuracy"), 1e-12);
    assertEquals(8.0, result.metric("gold_rows"));
    assertEquals(0.5, result.metric("gold_positive_rate"), 1e-12);
  }

  @Test
  void theThresholdIsTheOneScoreLabelledWith() {
    ModelMetadata model = new ModelMetadata(MODEL_VERSION, "toy", "run", TestRuns.RUN_DATE, null,
        null, null, 1, null, null, List.of(), 0, Map.of(),
        new DecisionThreshold(MODEL_THRESHOLD, "max_f1", null, null, null, null));
    assertEquals(MODEL_THRESHOLD, LabelJob.threshold(ScoringConfig.defaults(), model));
    assertEquals(0.85, LabelJob.threshold(new ScoringConfig(0.85, null, null, null), model));
  }

  @Test
  void anExpressionThatIsNotAConditionIsRefusedBeforeAnyRowIsRead() {
    RunContext context = context("labeling.functions[0].expression=x + 1");
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new LabelJob().run(context));
    assertEquals(Failure.CONFIG, error.failure());
    assertEquals("labeling function high_x `x + 1` is double, not boolean; write a condition, "
        + "e.g. tenure < 12", error.getMessage());
  }

  @Test
  void uncertainWritesTheRowsNearestTheModelsThresholdWithTheirSilverColumns() {
    RunContext context = context();
    String missing = assertThrows(DeeplineException.class,
        () -> new LabelJob(3).run(context)).getMessage();
    assertTrue(missing.startsWith("label --uncertain: no predictions table at ")
        && missing.endsWith("; run score for 2026-11-24 first"), missing);

    StructType schema = new StructType()
        .add("_record_id", DataTypes.StringType, false)
        .add("probability", DataTypes.DoubleType, false)
        .add("model_version", DataTypes.StringType, false);
    List<Row> predictions = List.of(RowFactory.create("r1", 0.05, MODEL_VERSION),
        RowFactory.create("r2", 0.28, MODEL_VERSION), RowFactory.create("r3", 0.31, MODEL_VERSION),
        RowFactory.create("r4", 0.50, MODEL_VERSION), RowFactory.create("r5", 0.90, MODEL_VERSION),
        RowFactory.create("r6", 0.29, MODEL_VERSION));
    DeltaTables.replaceRunDate(context.spark().createDataFrame(predictions, schema),
        context.table(Table.PREDICTIONS), TestRuns.RUN_DATE);
    String modelDir = context.warehouse().modelDir(context.dataset(), MODEL_VERSION);
    context.files().writeText(modelDir + "/model.json", """
        {"model_version": "%s", "dataset": "toy", "input_width": 1, "best_epoch": 0,
         "epochs": [], "validation_metrics": {},
         "decision_threshold": {"value": %s, "rule": "max_f1"}}""".formatted(MODEL_VERSION,
        MODEL_THRESHOLD));
    new ModelRegistry(context.spark(), context.warehouse()).register(new ModelRegistry.ModelEntry(
        MODEL_VERSION, "toy", "train-run", TestRuns.RUN_DATE, Instant.parse("2026-11-24T00:00:00Z"),
        modelDir, Map.of()));

    StageResult result = new LabelJob(3).run(context);
    Dataset<Row> toLabel = DeltaTables.read(context.spark(), context.table(Table.TO_LABEL))
        .orderBy("distance_to_threshold", "_record_id");
    // |p - 0.3|: r3 0.01 and r6 0.01 (tie: smaller id first), r2 0.02; r4, r1, r5 are farther.
    List<Row> rows = toLabel.select("_record_id", "probability", "distance_to_threshold", "x",
        "segment", "label").collectAsList();
    assertEquals(List.of("r3", "r6", "r2"), rows.stream().map(r -> r.getString(0)).toList());
    assertEquals(0.01, rows.get(0).getDouble(2), 1e-12);
    assertEquals(0.02, rows.get(2).getDouble(2), 1e-12);
    assertEquals(RowFactory.create("r6", 0.29, 0.3 - 0.29, 0.5, "b", "yes"), rows.get(1));
    assertEquals(3.0, result.metric("rows_to_label"));
    assertEquals(MODEL_THRESHOLD, result.metric("threshold"));
    assertEquals("model (max_f1)", result.artifacts().get("threshold_source"));

    RunContext unscored = new RunContext(RunContext.newRunId(), null, "label", "2026-11-23",
        context.config(), context.warehouse(), context.spark());
    String none = assertThrows(DeeplineException.class, () -> new LabelJob(2).run(unscored))
        .getMessage();
    assertTrue(none.endsWith(" has no predictions for run_date 2026-11-23; run score for "
        + "2026-11-23 first"), none);
  }
}
