package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatsStudyTest {
  private static final int ROWS = 300;

  @Test
  void everyFormatIsWrittenMeasuredAndCleanedUpAndAnEmptyDateIsNamed(@TempDir Path dir) throws Exception {
    RunContext context = ToyData.context(dir, ROWS, false);
    new IngestJob().run(context);

    StageResult result = new FormatsStudy().run(context);

    assertEquals(ROWS, result.metric("rows"));
    assertEquals(7, result.metric("columns"));
    for (String format : List.of("csv", "json", "parquet", "avro", "delta")) {
      assertTrue(result.metric(format + ".size_bytes") > 0, format);
      assertTrue(result.metric(format + ".files") >= 1, format);
      for (String timing : List.of("write_seconds", "scan_seconds", "projection_seconds")) {
        assertTrue(result.metric(format + "." + timing) > 0, format + "." + timing);
      }
    }
    // JSON lines repeat every column name on every row: always larger than the same CSV.
    assertTrue(result.metric("json.size_bytes") > result.metric("csv.size_bytes"));

    JsonNode report = Json.mapper().readTree(Files.readString(
        Path.of(java.net.URI.create(result.artifacts().get("formats_json")))));
    List<String> formats = new ArrayList<>();
    report.get("formats").forEach(format -> formats.add(format.get("format").asText()));
    assertEquals(List.of("csv", "json", "parquet", "avro", "delta"), formats);
    assertEquals("[\"id\",\"x\"]", report.get("projected_columns").toString());
    assertEquals((long) result.metric("parquet.size_bytes"),
        report.get("formats").get(2).get("size_bytes").asLong());
    assertFalse(Files.exists(dir.resolve("warehouse/_deepline/formats")) && Files.list(
        dir.resolve("warehouse/_deepline/formats")).findAny().isPresent(), "scratch deleted");

    RunContext otherDate = new RunContext(context.runId(), null, "formats", "2026-01-01",
        context.config(), context.warehouse(), context.spark());
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new FormatsStudy().run(otherDate));
    assertTrue(error.getMessage().contains("has no rows for run_date 2026-01-01"),
        error.getMessage());
  }
}
