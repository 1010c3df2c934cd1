package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deepline.cli.DeeplineCli;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on the real Telco churn sample, checked through the tables it leaves. */
class PipelineTest {
  private static final int TELCO_ROWS = 7043;

  @Test
  void churnPipelineProducesEveryTableAndAReport(@TempDir Path dir) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.at(dir.toString());

    int code = DeeplineCli.execute("pipeline", "--conf",
        TestRuns.project().resolve("conf/churn.json").toString(), "--warehouse", dir.toString(),
        "--run-date", TestRuns.RUN_DATE);

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
  }
}
