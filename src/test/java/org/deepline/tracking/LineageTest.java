package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deepline.core.DeeplineException;
import org.deepline.core.TableRef;
import org.deepline.tracking.Lineage.Source;
import org.deepline.tracking.ModelRegistry.ModelEntry;
import org.junit.jupiter.api.Test;

class LineageTest {
  private static final TableRef BRONZE = new TableRef("file:/wh/churn/bronze", 1);
  private static final TableRef SILVER = new TableRef("file:/wh/churn/silver", 1);
  private static final TableRef SPLITS = new TableRef("file:/wh/churn/splits", 2);
  private static final TableRef FEATURES = new TableRef("file:/wh/churn/features", 3);
  private static final TableRef FEATURES_RERUN = new TableRef("file:/wh/churn/features", 4);
  private static final Instant T = Instant.parse("2026-11-24T01:00:00Z");

  private static RunRecord run(String id, String parent, String command, String status,
      List<TableRef> inputs, List<TableRef> outputs) {
    return new RunRecord(id, parent, command, "churn", "2026-11-24", status, T, T, 0, null, null,
        null, inputs, outputs, Map.of(), Map.of(), null);
  }

  private static ModelEntry model(String version) {
    return new ModelEntry(version, "churn", version, "2026-11-24", T, "file:/wh/churn/models/"
        + version, Map.of());
  }

  @Test
  void followsInputsBackThroughTheRunsThatWroteThem() {
    List<RunRecord> runs = List.of(
        run("p", null, "pipeline", RunRecord.SUCCEEDED, List.of(SILVER, SPLITS, FEATURES),
            List.of(BRONZE, SILVER, SPLITS, FEATURES)),
        run("i", "p", "ingest", RunRecord.SUCCEEDED, List.of(), List.of(BRONZE, SILVER)),
        run("s", "p", "split", RunRecord.SUCCEEDED, List.of(SILVER), List.of(SPLITS)),
        run("f", "p", "features", RunRecord.SUCCEEDED, List.of(SILVER, SPLITS), List.of(FEATURES)),
        run("t", "p", "train", RunRecord.SUCCEEDED, List.of(FEATURES), List.of()),
        run("f2", null, "features", RunRecord.SUCCEEDED, List.of(SILVER, SPLITS),
            List.of(FEATURES_RERUN)));

    Lineage lineage = Lineage.of(model("t"), runs);

    assertEquals("t", lineage.training().runId());
    assertEquals(List.of(
        new Source(FEATURES, "2026-11-24", 1, "t", "f", "features"),
        new Source(SILVER, "2026-11-24", 2, "f", "i", "ingest"),
        new Source(SPLITS, "2026-11-24", 2, "f", "s", "split")), lineage.sources());
  }

  @Test
  void aTableWrittenOutsideDeeplineOrByAFailedRunHasNoWriter() {
    List<RunRecord> runs = List.of(
        run("f", null, "features", RunRecord.FAILED, List.of(SILVER), List.of(FEATURES)),
        run("t", null, "train", RunRecord.SUCCEEDED, List.of(FEATURES), List.of()));
    assertEquals(List.of(new Source(FEATURES, "2026-11-24", 1, "t", null, null)),
        Lineage.of(model("t"), runs).sources());
  }

  @Test
  void aModelWithoutItsTrainRunRecordIsAClearError() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> Lineage.of(model("gone"), List.of()));
    assertEquals("model gone of churn: its train run gone has no run record, so its inputs are "
        + "unknown", error.getMessage());
  }
}
