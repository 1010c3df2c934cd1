package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;
import org.deepline.etl.SourceConfig;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRegistryTest {
  private static final String CONFIG = "{\"dataset\":\"churn\",\"training\":{\"epochs\":20,"
      + "\"layers\":[{\"units\":32},{\"units\":16}]},\"features\":{\"numeric\":[\"tenure\","
      + "\"charges\"]}}";

  private static RunRecord record(String runId, Instant started, String status) {
    JsonNode config = Json.read(CONFIG, JsonNode.class, "test config");
    return new RunRecord(runId, "parent-1", "train", "churn", "2026-11-24", status, started,
        started.plusSeconds(3), 3000, config, RunRecord.hash(config), "0123abc",
        List.of(new TableRef("file:/wh/churn/features", 4)), List.of(),
        Map.of("validation_roc_auc", 0.84), Map.of("model", "file:/wh/churn/models/x"),
        status.equals(RunRecord.FAILED) ? "train: the training split is empty" : null);
  }

  @Test
  void recordsRoundTripAndTheLastStartedComesFirst(@TempDir Path dir) {
    RunRegistry registry = new RunRegistry(SparkTestSession.get(), Warehouse.at(dir.toString()));
    assertTrue(registry.last().isEmpty(), "no table yet is no run, not an error");
    RunRecord older = record("run-a", Instant.parse("2026-11-24T01:00:00Z"), RunRecord.SUCCEEDED);
    RunRecord newer = record("run-b", Instant.parse("2026-11-24T02:00:00Z"), RunRecord.FAILED);

    registry.append(newer);
    registry.append(older);

    assertEquals(newer, registry.last().orElseThrow());
    assertEquals(older, registry.find("run-a").orElseThrow());
    assertEquals(List.of("run-b", "run-a"),
        registry.recent(5).stream().map(RunRecord::runId).toList());
    JsonNode json = Json.read(Json.write(registry.last().orElseThrow()), JsonNode.class, "record");
    assertEquals("run-b", json.get("run_id").asText());
    assertEquals("train: the training split is empty", json.get("error").asText());
    assertEquals(20, json.get("config").get("training").get("epochs").asInt(),
        "the config is a JSON object in the record, not an escaped string");
    assertEquals("0123abc", json.get("git_commit").asText());
    assertEquals(64, json.get("config_hash").asText().length());
  }

  @Test
  void rowsWrittenBeforeTheRecordHadAHashOrCommitStillRead(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.at(dir.toString());
    StructType legacy = new StructType(java.util.Arrays.copyOf(RunRegistry.SCHEMA.fields(),
        RunRegistry.SCHEMA.fields().length - 2));
    Row full = RunRegistry.toRow(record("run-old", Instant.parse("2026-11-20T01:00:00Z"),
        RunRecord.SUCCEEDED));
    Object[] values = new Object[legacy.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = full.get(i);
    }
    Row old = RowFactory.create(values);
    DeltaTables.append(spark.createDataFrame(List.of(old), legacy), warehouse.runsTable());
    RunRegistry registry = new RunRegistry(spark, warehouse);
    registry.append(record("run-new", Instant.parse("2026-11-24T01:00:00Z"), RunRecord.SUCCEEDED));

    RunRecord oldRead = registry.find("run-old").orElseThrow();
    assertEquals(null, oldRead.gitCommit());
    assertEquals(null, oldRead.configHash());
    assertEquals("churn", oldRead.config().get("dataset").asText());
    assertEquals("0123abc", registry.find("run-new").orElseThrow().gitCommit());
    assertEquals(List.of("run-new", "run-old"), registry.recent(2).stream().map(RunRecord::runId)
        .toList());
  }

  @Test
  void theConfigHashIgnoresKeyOrderAndParamsFlattenTheConfig() {
    JsonNode config = Json.read(CONFIG, JsonNode.class, "config");
    JsonNode reordered = Json.read("{\"features\":{\"numeric\":[\"tenure\",\"charges\"]},"
        + "\"training\":{\"layers\":[{\"units\":32},{\"units\":16}],\"epochs\":20},"
        + "\"dataset\":\"churn\"}", JsonNode.class, "config");
    JsonNode changed = Json.read(CONFIG.replace("20", "21"), JsonNode.class, "config");
    assertEquals(RunRecord.hash(config), RunRecord.hash(reordered));
    assertNotEquals(RunRecord.hash(config), RunRecord.hash(changed));
    assertEquals(Map.of("dataset", "churn", "training.epochs", "20", "training.layers.0.units", "32",
        "training.layers.1.units", "16", "features.numeric", "[\"tenure\",\"charges\"]"),
        record("r", Instant.EPOCH, RunRecord.SUCCEEDED).params());
  }

  @Test
  void secretsInAConfigAreMaskedBeforeTheyAreStored() {
    SourceConfig source = new SourceConfig("csv", "s3a://bucket/raw.csv",
        Map.of("password", "hunter2", "fs.s3a.secret.key", "abc", "sep", ";"), null);
    String stored = Redaction.redactedJson(source);
    assertFalse(stored.contains("hunter2"), stored);
    assertFalse(stored.contains("abc"), stored);
    assertTrue(stored.contains("\"sep\":\";\""), stored);
    assertTrue(stored.contains("\"password\":\"***\""), stored);
  }

  @Test
  void aSecretKeyMasksItsWholeValueEvenAnObject() {
    Map<String, Object> config = Map.of("credentials", Map.of("id", "AKIAEXAMPLE", "value", "s3cr3t"),
        "path", "/data");
    String stored = Redaction.redactedJson(config);
    assertFalse(stored.contains("s3cr3t") || stored.contains("AKIAEXAMPLE"), stored);
    assertTrue(stored.contains("\"credentials\":\"***\""), stored);
  }

  @Test
  void credentialsInAUriAreRefusedWithoutEchoingThem() {
    org.deepline.core.DeeplineException error = org.junit.jupiter.api.Assertions.assertThrows(
        org.deepline.core.DeeplineException.class,
        () -> Warehouse.at("s3a://AKIAEXAMPLE:s3cr3t@bucket/wh"));
    assertFalse(error.getMessage().contains("s3cr3t"), error.getMessage());
    org.deepline.core.ConfigErrors errors = new org.deepline.core.ConfigErrors();
    new SourceConfig("csv", "s3a://AKIAEXAMPLE:s3cr3t@bucket/raw.csv", null, null).validate(errors.at("source"));
    assertEquals(1, errors.messages().size());
    assertFalse(errors.messages().get(0).contains("s3cr3t"), errors.messages().get(0));
  }
}
