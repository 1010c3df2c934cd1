package org.deepline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uses deepline as a user does: every call goes through {@code submit/deepline-submit}, i.e. through
 * Spark's own SparkSubmit in a fresh JVM, and results are read back through {@code runs show --json}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubmitPipelineIT {
  private static final String RUN_DATE = "2026-11-24";
  private static final double MIN_CHURN_AUC = 0.80;
  private static final double MIN_CREDIT_AUC = 0.75;

  @TempDir
  static Path warehouse;

  static Submit.Result submit(String... args) throws Exception {
    return Submit.run(args);
  }

  static JsonNode lastRun() throws Exception {
    Submit.Result shown = submit("runs", "show", "--last", "--json", "--warehouse",
        warehouse.toString());
    assertEquals(0, shown.code(), shown.err());
    return Submit.json(shown.out());
  }

  @Test
  @Order(1)
  void churnPipelineRunsEndToEndThroughSparkSubmit() throws Exception {
    Submit.Result run = submit("pipeline", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--run-date", RUN_DATE);
    assertEquals(0, run.code(), run.errTail());
    assertTrue(run.out().contains("pipeline churn " + RUN_DATE + ": succeeded"), run.out());

    JsonNode record = lastRun();
    assertEquals("pipeline", record.get("command").asText());
    assertEquals("SUCCEEDED", record.get("status").asText());
    double auc = record.get("metrics").get("evaluate.roc_auc").asDouble();
    assertTrue(auc >= MIN_CHURN_AUC, "churn test ROC AUC " + auc);
    assertEquals(7043, record.get("metrics").get("ingest.rows_silver").asLong());
    assertEquals(7043, record.get("metrics").get("score.rows_scored").asLong());
    Path html = Path.of(URI.create(record.get("artifacts").get("evaluate.report_html").asText()));
    String page = Files.readString(html);
    assertTrue(page.contains("ROC AUC") && page.contains("<svg"), "report page");
    assertTrue(!page.contains("http://") && !page.contains("https://"), "self-contained page");
    assertTrue(record.get("config").asText().contains("\"dataset\":\"churn\""));
  }

  @Test
  @Order(2)
  void rescoringTheSameDateReplacesItsPredictions() throws Exception {
    Submit.Result again = submit("score", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--run-date", RUN_DATE);
    assertEquals(0, again.code(), again.errTail());
    JsonNode record = lastRun();
    assertEquals("score", record.get("command").asText());
    assertEquals(7043, record.get("metrics").get("rows_scored").asLong(),
        "the date's predictions were replaced, not appended");
  }

  @Test
  @Order(3)
  void creditDataRunsThroughTheSamePipelineWithOnlyItsConfig() throws Exception {
    Submit.Result run = submit("pipeline", "--conf", "conf/credit.json", "--warehouse",
        warehouse.toString(), "--run-date", RUN_DATE);
    assertEquals(0, run.code(), run.errTail());
    JsonNode record = lastRun();
    assertEquals("credit", record.get("dataset").asText());
    double auc = record.get("metrics").get("evaluate.roc_auc").asDouble();
    assertTrue(auc >= MIN_CREDIT_AUC, "credit test ROC AUC " + auc);
    assertEquals(4454, record.get("metrics").get("ingest.rows_read").asLong());
  }

  @Test
  @Order(4)
  void badInputFailsWithAOneLineReasonAndNoStackTrace() throws Exception {
    Submit.Result badConfig = submit("train", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--set", "training.layers[0].units=-3");
    assertEquals(1, badConfig.code());
    assertTrue(badConfig.err().contains(
        "deepline: error: conf/churn.json: 1 config error: training.layers[0].units: must be > 0, "
            + "got -3"), badConfig.errTail());
    assertTrue(!badConfig.err().contains("\tat "), "no stack trace for a user error");

    Submit.Result missingSource = submit("ingest", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--set", "source.path=data-samples/nope.csv");
    assertEquals(1, missingSource.code());
    assertTrue(missingSource.err().contains("source.path: cannot read data-samples/nope.csv"),
        missingSource.errTail());

    Submit.Result noCommand = submit();
    assertEquals(2, noCommand.code());
    assertTrue(noCommand.err().contains("a command is required"), noCommand.err());
  }
}
