package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deepline.core.Json;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;
import org.deepline.etl.SourceConfig;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRegistryTest {
  private static RunRecord record(String runId, Instant started, String status) {
    return new RunRecord(runId, "parent-1", "train", "churn", "2026-11-24", status, started,
        started.plusSeconds(3), 3000, "{\"dataset\":\"churn\"}",
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
    String json = Json.write(registry.last().orElseThrow());
    assertTrue(json.contains("\"run_id\" : \"run-b\""), json);
    assertTrue(json.contains("\"error\" : \"train: the training split is empty\""), json);
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
    org.deepline.config.ConfigErrors errors = new org.deepline.config.ConfigErrors();
    new SourceConfig("csv", "s3a://AKIAEXAMPLE:s3cr3t@bucket/raw.csv", null, null).validate(errors.at("source"));
    assertEquals(1, errors.messages().size());
    assertFalse(errors.messages().get(0).contains("s3cr3t"), errors.messages().get(0));
  }
}
