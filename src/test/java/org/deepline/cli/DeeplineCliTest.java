package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.deepline.core.Json;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeeplineCliTest {
  private static final String CHURN = TestRuns.project().resolve("conf/churn.json").toString();

  /** Exit code, standard output and standard error of one in-process CLI call. */
  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int code = DeeplineCli.execute(args);
      return new Outcome(code, outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void helpListsEveryCommand() {
    Outcome help = run("--help");
    assertEquals(0, help.code());
    for (String command : new String[] {"ingest", "validate", "split", "features", "leakage", "train",
        "score", "evaluate", "pipeline", "compress", "runs"}) {
      assertTrue(help.out().contains(command), command + " missing from\n" + help.out());
    }
    Outcome stageHelp = run("train", "--help");
    assertEquals(0, stageHelp.code());
    assertTrue(stageHelp.out().contains("--warehouse"), stageHelp.out());
  }

  @Test
  void badConfigValueFailsWithOneLineNamingTheField() {
    Outcome bad = run("train", "--conf", CHURN, "--set", "training.layers[1].units=-3");
    assertEquals(DeeplineCli.USER_ERROR, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("training.layers[1].units: must be > 0, got -3"), bad.err());
  }

  @Test
  void badRunDateAndUsageErrorsAreTold() {
    Outcome date = run("split", "--conf", CHURN, "--run-date", "2026-13-01");
    assertEquals(DeeplineCli.USER_ERROR, date.code());
    assertTrue(date.err().contains("--run-date: expected YYYY-MM-DD, got 2026-13-01"), date.err());
    assertEquals(2, run("fly", "--conf", CHURN).code());
    assertEquals(2, run("train").code(), "--conf is required");
  }

  @Test
  void runsShowOnAnEmptyWarehouseSaysSo(@TempDir Path dir) {
    SparkTestSession.get();
    Outcome none = run("runs", "show", "--last", "--warehouse", dir.toString());
    assertEquals(DeeplineCli.USER_ERROR, none.code());
    assertTrue(none.err().contains("no run recorded in"), none.err());
  }

  @Test
  void failedStageIsRecordedAndShownAsJson(@TempDir Path dir) {
    SparkTestSession.get();
    Outcome failed = run("split", "--conf", CHURN, "--warehouse", dir.toString(), "--run-date",
        TestRuns.RUN_DATE);
    assertEquals(DeeplineCli.USER_ERROR, failed.code());
    assertTrue(failed.err().contains("no Delta table at"), failed.err());

    Outcome shown = run("runs", "show", "--last", "--json", "--warehouse", dir.toString());
    assertEquals(0, shown.code(), shown.err());
    JsonNode record = Json.read(shown.out(), JsonNode.class, "runs show");
    assertEquals("split", record.get("command").asText());
    assertEquals("FAILED", record.get("status").asText());
    assertTrue(record.get("error").asText().contains("no Delta table at"));
  }
}
