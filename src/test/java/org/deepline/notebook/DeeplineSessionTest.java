package org.deepline.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.testing.SparkTestSession;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a session finds its config, data and warehouse (no Spark is started by these calls), and
 * which run records name an evaluation report.
 */
class DeeplineSessionTest {
  @TempDir
  Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty(Deepline.HOME_PROPERTY);
    System.clearProperty(Deepline.WAREHOUSE_PROPERTY);
  }

  /** A notebook server started in notebooks/ (or elsewhere, with DEEPLINE_HOME) of a checkout. */
  @Test
  void aRelativeConfigIsFoundUpwardsAndItsRelativeSourceResolvedThere() throws Exception {
    Path home = dir.resolve("checkout");
    Files.createDirectories(home.resolve("notebooks"));
    String churn = Files.readString(TestRuns.project().resolve("conf/churn.json"));
    TestRuns.writeFile(home.resolve("conf"), "churn.json", churn);
    System.setProperty(Deepline.HOME_PROPERTY, home.resolve("notebooks").toString());

    Deepline dl = Deepline.session("conf/churn.json", "training.epochs=2");

    assertEquals(home, dl.home());
    assertEquals(home.resolve("data-samples/telco_churn.csv").toString(),
        dl.config().source().path(), "the CSV of the checkout, not of the working directory");
    assertEquals(2, dl.config().training().epochs());
    assertEquals(home.resolve("warehouse").toUri().toString().replaceAll("/$", ""),
        dl.warehouse().root(), "the command line's default warehouse, in the checkout");
    assertEquals(3, dl.set("training.epochs=3").config().training().epochs());
    assertEquals(2, dl.config().training().epochs(), "set returns a new session");
  }

  @Test
  void theWarehouseComesFromTheCallThenThePropertyThenTheDefault() {
    System.setProperty(Deepline.WAREHOUSE_PROPERTY, dir.resolve("from-property").toString());
    Deepline dl = Deepline.session("conf/churn.json");
    assertEquals(dir.resolve("from-property").toUri().toString().replaceAll("/$", ""),
        dl.warehouse().root());
    assertEquals("s3a://lake/deepline", dl.warehouse("s3a://lake/deepline").warehouse().root());
    assertEquals(TestRuns.project().resolve("relative").toUri().toString().replaceAll("/$", ""),
        dl.warehouse("relative").warehouse().root(), "a relative path starts at the home");
    assertEquals("2026-01-31", dl.runDate("2026-01-31").runDate());
    assertTrue(dl.toString().contains("churn"), dl.toString());
  }

  @Test
  void mistakesFailInTheCellThatMakesThem() {
    assertTrue(assertThrows(DeeplineException.class, () -> Deepline.session("conf/nope.json"))
        .getMessage().startsWith("no config conf/nope.json in "));
    assertTrue(assertThrows(DeeplineException.class,
        () -> Deepline.session("conf/churn.json", "training.epochz=2")).getMessage()
        .contains("training.epochz: unknown key"));
    assertTrue(assertThrows(DeeplineException.class,
        () -> Deepline.session("conf/churn.json").runDate("yesterday")).getMessage()
        .contains("expected YYYY-MM-DD"));
  }

  /** validate names a quality report (report_json) too; report() must not read it as an evaluation. */
  @Test
  void aQualityReportIsNotTakenForTheEvaluationReport() {
    Deepline dl = Deepline.session("conf/churn.json").warehouse(dir.toString());
    JsonNode config = Json.read("{\"dataset\":\"churn\"}", JsonNode.class, "test config");
    Instant started = Instant.parse("2026-11-24T01:00:00Z");
    new RunRegistry(SparkTestSession.get(), dl.warehouse()).append(new RunRecord("run-validate",
        null, "validate", "churn", "2026-11-24", RunRecord.SUCCEEDED, started,
        started.plusSeconds(2), 2000, config, RunRecord.hash(config), "0123abc", List.of(),
        List.of(), Map.of(), Map.of("report_json", dir.resolve("quality.json").toString()), null));

    assertTrue(assertThrows(DeeplineException.class, dl::report).getMessage()
        .contains("names an evaluation report: run evaluate first"));
    assertTrue(assertThrows(DeeplineException.class, () -> dl.report("run-validate"))
        .getMessage().contains("run run-validate (validate) names no evaluation report"));
  }
}
