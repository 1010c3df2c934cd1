package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deepline.core.Json;
import org.deepline.core.TableRef;
import org.deepline.testing.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowExportTest {
  private static final Instant START = Instant.parse("2026-11-24T01:00:00Z");

  private static List<RunRecord> runs() {
    JsonNode config = Json.read("{\"dataset\":\"churn\",\"training\":{\"epochs\":20,"
        + "\"layers\":[{\"units\":32}]}}", JsonNode.class, "config");
    RunRecord pipeline = new RunRecord("20261124T010000-aaaaaa", null, "pipeline", "churn",
        "2026-11-24", RunRecord.SUCCEEDED, START, START.plusSeconds(75), 75_000, config,
        RunRecord.hash(config), "0123456789abcdef0123456789abcdef01234567", List.of(), List.of(),
        Map.of("train.validation_roc_auc", 0.8412), Map.of(), null);
    RunRecord train = new RunRecord("20261124T010030-bbbbbb", pipeline.runId(), "train", "churn",
        "2026-11-24", RunRecord.SUCCEEDED, START.plusSeconds(30), START.plusSeconds(60), 30_000,
        config, RunRecord.hash(config), "0123456789abcdef0123456789abcdef01234567",
        List.of(new TableRef("file:/wh/churn/features", 3)), List.of(),
        Map.of("validation_roc_auc", 0.8412, "categories_folded:contract", 2.0),
        Map.of("model", "file:/wh/churn/models/20261124T010030-bbbbbb"), null);
    RunRecord failed = new RunRecord("20261124T020000-cccccc", null, "split", "credit",
        "2026-11-24", RunRecord.FAILED, START.plusSeconds(3600), START.plusSeconds(3602), 2_000,
        null, null, null, List.of(), List.of(), Map.of(), Map.of(),
        "no Delta table at file:/wh/credit/silver (run the stage that writes it first)");
    return List.of(pipeline, train, failed);
  }

  @Test
  void runsAreWrittenInMlflowsFileStoreLayout(@TempDir Path dir) throws IOException {
    Path mlruns = dir.resolve("mlruns");
    MlflowExport.Summary summary = MlflowExport.write(runs(), mlruns);
    assertEquals(2, summary.experiments());
    assertEquals(3, summary.runs());

    GoldenFiles.assertMatches(listing(mlruns), "mlflow_export.txt");
    String churn = MlflowExport.experimentId("churn");
    assertEquals(List.of("1795482060000 0.8412 0"), Files.readAllLines(mlruns.resolve(churn)
        .resolve("20261124T010030-bbbbbb/metrics/validation_roc_auc")),
        "<timestamp ms> <value> <step>, MLflow's metric line");
  }

  @Test
  void exportingAgainReplacesTheRunsInTheSameExperiments(@TempDir Path dir) throws IOException {
    Path mlruns = dir.resolve("mlruns");
    MlflowExport.write(runs(), mlruns);
    String first = listing(mlruns);
    MlflowExport.write(runs(), mlruns);
    assertEquals(first, listing(mlruns));
    assertTrue(MlflowExport.experimentId("churn").matches("[0-9]+"));
    assertEquals(MlflowExport.experimentId("churn"), MlflowExport.experimentId("churn"));
  }

  /** Every file under the root with its content (the run record artifact by name only). */
  private static String listing(Path root) throws IOException {
    StringBuilder out = new StringBuilder();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    String rootUri = root.toUri().toString().replaceAll("/$", "");
    for (Path file : files) {
      out.append("== ").append(root.relativize(file)).append('\n');
      if (!file.getFileName().toString().equals("run_record.json")) {
        out.append(Files.readString(file).replace(rootUri, "file:<root>"));
        out.append(Files.readString(file).endsWith("\n") ? "" : "\n");
      }
    }
    return out.toString();
  }
}
