package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.cli.DeeplineCli;
import org.deepline.core.DeltaTables;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureModel;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.tracking.Lineage;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import org.deepline.training.ModelBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the real Telco churn sample, checked through the tables it leaves. */
class PipelineTest {
  private static final int TELCO_ROWS = 7043;

  @Test
  void churnPipelineProducesEveryTableAndAReport(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.at(dir.toString());

    int code;
    // 7,043 real rows through every stage: compiled code pays for itself here (61 s interpreted).
    try (SparkTestSession.CompiledCode compiled = SparkTestSession.compiledCode()) {
      code = DeeplineCli.execute("pipeline", "--conf",
          TestRuns.project().resolve("conf/churn.json").toString(), "--warehouse", dir.toString(),
          "--run-date", TestRuns.RUN_DATE,
          // The ladder's MLlib models add nothing to the tables checked here (SubmitPipelineIT
          // runs it).
          "--set", "baselines.enabled=false");
    }

    assertEquals(0, code);
    RunRegistry runs = new RunRegistry(spark, warehouse);
    RunRecord pipeline = runs.last().orElseThrow();
    assertEquals("pipeline", pipeline.command());
    assertEquals(RunRecord.SUCCEEDED, pipeline.status());
    List<RunRecord> all = runs.recent(20);
    assertEquals(9, all.size());
    assertEquals(8, all.stream().filter(r -> pipeline.runId().equals(r.parentRunId())).count());

    double auc = pipeline.metrics().get("evaluate.roc_auc");
    assertTrue(auc >= 0.80, "test ROC AUC " + auc);
    assertEquals(TELCO_ROWS, DeltaTables.read(spark, warehouse.table("churn", Table.BRONZE)).count());
    assertEquals(TELCO_ROWS, DeltaTables.read(spark, warehouse.table("churn", Table.SILVER)).count());
    assertEquals(0, DeltaTables.read(spark, warehouse.table("churn", Table.QUARANTINE)).count());
    assertEquals(TELCO_ROWS, DeltaTables.read(spark, warehouse.table("churn", Table.SPLITS)).count());
    assertEquals(TELCO_ROWS,
        DeltaTables.read(spark, warehouse.table("churn", Table.PREDICTIONS)).count());
    assertEquals(1, DeltaTables.read(spark, warehouse.table("churn", Table.EVALUATIONS)).count());
    assertEquals(0, DeltaTables.read(spark, warehouse.table("churn", Table.QUALITY))
        .where("NOT passed").count());

    Path report = Path.of(java.net.URI.create(pipeline.artifacts().get("evaluate.report_json")));
    JsonNode json = Json.read(Files.readString(report), JsonNode.class, "report");
    assertEquals(auc, json.get("metrics").get("roc_auc").asDouble(), 1e-12);
    assertEquals(1056, json.get("metrics").get("count").asLong());
    Path html = Path.of(java.net.URI.create(pipeline.artifacts().get("evaluate.report_html")));
    assertTrue(Files.readString(html).contains("<svg"), "the report draws its curves inline");

    lineageReproducesTheTrainingSetAfterTheDateIsReSplit(dir, warehouse,
        pipeline.artifacts().get("train.model_version"));
  }

  /**
   * The model's lineage names the table versions it was trained on; after the date is split again
   * (other train records), time travel to those versions still gives exactly the training rows.
   */
  private static void lineageReproducesTheTrainingSetAfterTheDateIsReSplit(Path dir,
      Warehouse warehouse, String modelVersion) {
    SparkSession spark = SparkTestSession.get();
    RunRegistry runs = new RunRegistry(spark, warehouse);
    ModelRegistry.ModelEntry model = new ModelRegistry(spark, warehouse).resolve("churn",
        modelVersion);
    FeatureModel.FitProvenance fitted = ModelBundle.loadMetadata(
        new FileStore(spark.sparkContext().hadoopConfiguration()), model.path())
        .featureModel().fittedOn();
    long rowsTrain = runs.require(model.runId()).metrics().get("rows_train").longValue();

    assertEquals(0, DeeplineCli.execute("split", "--conf",
        TestRuns.project().resolve("conf/churn.json").toString(), "--warehouse", dir.toString(),
        "--run-date", TestRuns.RUN_DATE, "--set", "split.seed=7"));
    Dataset<Row> resplit = DeltaTables.slice(spark,
        DeltaTables.ref(spark, warehouse.table("churn", Table.SPLITS)), TestRuns.RUN_DATE);
    assertNotEquals(fitted.fingerprint(), SplitFingerprint.of(resplit, StratifiedSplitter.TRAIN),
        "the re-split date has other train records");

    Lineage lineage = Lineage.of(model, runs.all());
    Lineage.Source features = lineage.sources().get(0);
    assertEquals("features", features.writer());
    assertEquals(warehouse.table("churn", Table.FEATURES), features.table().path());
    Lineage.Source splits = lineage.sources().stream()
        .filter(s -> s.table().path().equals(warehouse.table("churn", Table.SPLITS)))
        .findFirst().orElseThrow();
    assertEquals("split", splits.writer());
    assertEquals(fitted.splitsVersion(), splits.table().version());

    Dataset<Row> trainedOn = DeltaTables.slice(spark, features.table(), features.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    Dataset<Row> trainSplit = DeltaTables.slice(spark, splits.table(), splits.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    assertEquals(rowsTrain, trainedOn.count());
    assertEquals(fitted.rows(), trainSplit.count());
    assertEquals(fitted.fingerprint(), SplitFingerprint.of(DeltaTables.slice(spark, splits.table(),
        splits.runDate()), StratifiedSplitter.TRAIN));
    assertEquals(0, trainedOn.exceptAll(trainSplit).count(), "the same record ids");
    assertEquals(0, trainSplit.exceptAll(trainedOn).count(), "the same record ids");
  }
}
