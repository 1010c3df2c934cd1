package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Json;
import org.deepline.core.Warehouse;
import org.deepline.tracking.ModelRegistry;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeeplineCliTest {
  private static final String CHURN = TestRuns.project().resolve("conf/churn.json").toString();
  /** The exit code of a failure that is neither config, data quality, a gate nor infrastructure. */
  private static final int INPUT_ERROR = 1;
  private static final int USAGE = 2;

  @Test
  void helpListsEveryCommand() {
    CliCall help = CliCall.run("--help");
    assertEquals(0, help.code());
    for (String command : new String[] {"ingest", "validate", "split", "features", "leakage", "train",
        "score", "score-stream", "evaluate", "pipeline", "compress", "check", "runs", "models",
        "feature-store", "feature-lookup", "retrain"}) {
      assertTrue(help.out().contains(command), command + " missing from\n" + help.out());
    }
    CliCall stageHelp = CliCall.run("train", "--help");
    assertEquals(0, stageHelp.code());
    assertTrue(stageHelp.out().contains("--warehouse"), stageHelp.out());
  }

  @Test
  void retrainHasIfDriftedAsItsOption() {
    CliCall retrainHelp = CliCall.run("retrain", "--help");
    assertEquals(0, retrainHelp.code());
    assertTrue(retrainHelp.out().contains("--if-drifted"), retrainHelp.out());
  }

  @Test
  void labelIsACommandWithUncertainAsItsOption() {
    CliCall help = CliCall.run("--help");
    assertTrue(help.out().contains("label"), help.out());
    CliCall labelHelp = CliCall.run("label", "--help");
    assertEquals(0, labelHelp.code());
    assertTrue(labelHelp.out().contains("--uncertain=N"), labelHelp.out());
  }

  @Test
  void validateHasSuggestAsItsOption() {
    CliCall validateHelp = CliCall.run("validate", "--help");
    assertEquals(0, validateHelp.code());
    assertTrue(validateHelp.out().contains("--suggest"), validateHelp.out());
    assertTrue(validateHelp.out().contains("Never fails the run"), validateHelp.out());
    assertFalse(CliCall.run("train", "--help").out().contains("--suggest"));
  }

  @Test
  void badConfigValueFailsWithOneLineNamingTheField() {
    CliCall bad = CliCall.run("train", "--conf", CHURN, "--set", "training.layers[1].units=-3");
    assertEquals(4, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("training.layers[1].units: must be > 0, got -3"), bad.err());
  }

  @Test
  void checkValidatesAConfigWithoutRunningAnything() {
    CliCall valid = CliCall.run("check", "--conf", CHURN, "--set", "training.epochs=3");
    assertEquals(0, valid.code(), valid.err());
    assertTrue(valid.out().contains("churn.json: valid config of data set churn, source "),
        valid.out());

    CliCall invalid = CliCall.run("check", "--conf", CHURN, "--set", "training.epochs=0", "--set",
        "training.layers[0].units=-1");
    assertEquals(4, invalid.code());
    assertTrue(invalid.err().contains("2 config errors"), invalid.err());
    assertTrue(invalid.err().contains("training.epochs") && invalid.err().contains(
        "training.layers[0].units: must be > 0, got -1"), invalid.err());
    assertEquals(2, CliCall.run("check").code(), "--conf is required");
  }

  @Test
  void checkListsTheHeaderNamesItRenamed() {
    CliCall birds = CliCall.run("check", "--conf",
        TestRuns.project().resolve("conf/birdstrikes.json").toString());
    assertEquals(0, birds.code(), birds.err());
    assertTrue(birds.out().contains("header names renamed for Delta, in the tables and the whole "
        + "config: Airport Name -> airport_name, Aircraft Make Model -> aircraft_make_model, "),
        birds.out());
    assertTrue(birds.out().contains(", Cost Total $ -> cost_total, Speed IAS in knots -> "
        + "speed_ias_in_knots\n"), birds.out());
  }

  @Test
  void nightlyRunsYesterdayByDefaultOrEveryDateOfARangeOldestFirst() {
    assertEquals(List.of(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()),
        NightlyCommand.dates(null, null, null));
    assertEquals(List.of("2026-12-02"), NightlyCommand.dates("2026-12-02", null, null));
    assertEquals(List.of("2026-02-27", "2026-02-28", "2026-03-01"),
        NightlyCommand.dates(null, "2026-02-27", "2026-03-01"));
  }

  @Test
  void trainSanityAndResumeExcludeEachOther() {
    CliCall both = CliCall.run("train", "--conf", CHURN, "--sanity", "--resume", "20261124T014022-56dc8a");
    assertEquals(2, both.code());
    assertEquals("deepline: error: train: --sanity and --resume exclude each other (the check "
        + "trains nothing to resume)", both.err().strip());
  }

  @Test
  void trainTuneExcludesSanityAndResume() {
    CliCall withSanity = CliCall.run("train", "--conf", CHURN, "--tune", "--sanity");
    assertEquals(2, withSanity.code());
    assertEquals("deepline: error: train: --tune excludes --sanity (a search starts anew and "
        + "registers its winner)", withSanity.err().strip());
    CliCall withResume = CliCall.run("train", "--conf", CHURN, "--tune", "--resume",
        "20261124T014022-56dc8a");
    assertEquals(2, withResume.code());
    assertEquals("deepline: error: train: --tune excludes --resume (a search starts anew and "
        + "registers its winner)", withResume.err().strip());
  }

  @Test
  void nightlyDateMistakesAreUsageErrorsBeforeAnythingStarts() {
    CliCall both = CliCall.run("nightly", "--conf", CHURN, "--run-date", "2026-12-02", "--from",
        "2026-12-01", "--to", "2026-12-02");
    assertEquals(2, both.code());
    assertEquals("deepline: error: nightly: --run-date runs one date, --from/--to a range: give "
        + "one or the other", both.err().strip());
    assertEquals("deepline: error: nightly: a backfill needs both --from and --to (the last date "
        + "is included)", CliCall.run("nightly", "--conf", CHURN, "--from", "2026-12-01").err().strip());
    assertEquals("deepline: error: nightly: --to 2026-11-01 is before --from 2026-12-01",
        CliCall.run("nightly", "--conf", CHURN, "--from", "2026-12-01", "--to", "2026-11-01").err()
            .strip());
    assertEquals("deepline: error: nightly: --from: expected YYYY-MM-DD, got 2026-13-01",
        CliCall.run("nightly", "--conf", CHURN, "--from", "2026-13-01", "--to", "2027-01-01").err()
            .strip());
    assertEquals("deepline: error: nightly: --from 2020-01-01 --to 2026-01-01 is 2193 dates, more "
        + "than 1000 in one run; split the backfill", CliCall.run("nightly", "--conf", CHURN, "--from",
            "2020-01-01", "--to", "2026-01-01").err().strip());
  }

  /** Every failure class ends the process with its own code, also from inside a Spark task. */
  @Test
  void eachFailureClassHasItsExitCode() {
    assertEquals(1, DeeplineCli.exitCode(new DeeplineException("no Delta table at /wh/t")));
    assertEquals(2, DeeplineCli.exitCode(new DeeplineException(Failure.USAGE, "--run-date")));
    assertEquals(4, DeeplineCli.exitCode(new DeeplineException(Failure.CONFIG, "conf")));
    assertEquals(5, DeeplineCli.exitCode(new DeeplineException(Failure.DATA_QUALITY, "validate")));
    assertEquals(6, DeeplineCli.exitCode(new DeeplineException(Failure.LEAKAGE_GATE, "leakage")));
    assertEquals(7, DeeplineCli.exitCode(new DeeplineException(Failure.MODEL_GATE, "evaluate")));
    assertEquals(8, DeeplineCli.exitCode(new DeeplineException(Failure.INFRASTRUCTURE, "race")));
    assertEquals(10, DeeplineCli.exitCode(new DeeplineException(Failure.LOCKED, "churn locked")));
    assertEquals(5, DeeplineCli.exitCode(new SparkException("Job aborted", new RuntimeException(
        "task failed", new DeeplineException(Failure.DATA_QUALITY, "row 7")))),
        "a user failure thrown inside a task keeps its code");
    assertEquals(8, DeeplineCli.exitCode(new UncheckedIOException(new ConnectException(
        "Connection refused: s3.example:443"))));
    assertEquals(3, DeeplineCli.exitCode(new IllegalStateException("a bug")));
  }

  @Test
  void badRunDateAndUsageErrorsAreTold() {
    CliCall date = CliCall.run("split", "--conf", CHURN, "--run-date", "2026-13-01");
    assertEquals(2, date.code());
    assertTrue(date.err().contains("--run-date: expected YYYY-MM-DD, got 2026-13-01"), date.err());
    assertEquals(2, CliCall.run("fly", "--conf", CHURN).code());
    assertEquals(2, CliCall.run("train").code(), "--conf is required");
    CliCall interval = CliCall.run("split", "--conf", CHURN, "--progress-interval", "0");
    assertEquals(2, interval.code());
    assertTrue(interval.err().contains("--progress-interval: must be at least 1 second, got 0"),
        interval.err());
  }

  @Test
  void runsShowOnAnEmptyWarehouseSaysSo(@TempDir Path dir) {
    SparkTestSession.get();
    CliCall none = CliCall.run("runs", "show", "--last", "--warehouse", dir.toString());
    assertEquals(INPUT_ERROR, none.code());
    assertTrue(none.err().contains("no run recorded in"), none.err());
    // A list of no runs says so (a mistyped --warehouse printed nothing, exit 0).
    CliCall empty = CliCall.run("runs", "list", "--warehouse", dir.toString());
    assertEquals(0, empty.code());
    assertTrue(empty.out().contains("no run recorded in"), empty.out());
    CliCall zero = CliCall.run("runs", "list", "--limit", "0", "--warehouse", dir.toString());
    assertEquals(USAGE, zero.code(), "a bad option is a usage error");
    assertTrue(zero.err().contains("--limit: must be > 0, got 0"), zero.err());
  }

  @Test
  void failedStageIsRecordedAndShownAsJson(@TempDir Path dir) {
    SparkTestSession.get();
    CliCall failed = CliCall.run("split", "--conf", CHURN, "--warehouse", dir.toString(), "--run-date",
        TestRuns.RUN_DATE);
    assertEquals(INPUT_ERROR, failed.code());
    assertTrue(failed.err().contains("no Delta table at"), failed.err());

    CliCall shown = CliCall.run("runs", "show", "--last", "--json", "--warehouse", dir.toString());
    assertEquals(0, shown.code(), shown.err());
    JsonNode record = Json.read(shown.out(), JsonNode.class, "runs show");
    assertEquals("split", record.get("command").asText());
    assertEquals("FAILED", record.get("status").asText());
    assertTrue(record.get("error").asText().contains("no Delta table at"));
  }

  @Test
  void modelsArePromotedAndRolledBackFromTheCommandLine(@TempDir Path dir) {
    ModelRegistry models = new ModelRegistry(SparkTestSession.get(), Warehouse.at(dir.toString()));
    String v1 = "20261120T010000-aaaaaa";
    String v2 = "20261121T010000-bbbbbb";
    models.register(new ModelRegistry.ModelEntry(v1, "churn", v1, "2026-11-20",
        Instant.parse("2026-11-20T01:00:00Z"), "file:/wh/" + v1, Map.of("validation_roc_auc", 0.8)));
    models.register(new ModelRegistry.ModelEntry(v2, "churn", v2, "2026-11-21",
        Instant.parse("2026-11-21T01:00:00Z"), "file:/wh/" + v2, Map.of("validation_roc_auc", 0.8)));
    String[] where = {"--dataset", "churn", "--warehouse", dir.toString()};

    CliCall unknown = CliCall.run(concat(new String[] {"models", "promote", "20261122T010000-cccccc"}, where));
    assertEquals(INPUT_ERROR, unknown.code());
    assertTrue(unknown.err().contains("cannot give alias champion to model 20261122T010000-cccccc: "
        + "no such model of churn"), unknown.err());
    assertEquals(0, CliCall.run(concat(new String[] {"models", "promote", v1}, where)).code());
    CliCall second = CliCall.run(concat(new String[] {"models", "promote", v2}, where));
    assertEquals("champion of churn is now " + v2 + " (was " + v1 + ")", second.out().strip());

    JsonNode listed = Json.read(CliCall.run(concat(new String[] {"models", "list", "--json"}, where)).out(),
        JsonNode.class, "models list");
    assertEquals(v2, listed.get(0).get("model").get("model_version").asText());
    assertEquals("champion", listed.get(0).get("aliases").get(0).asText());
    assertEquals(0, listed.get(1).get("aliases").size());

    CliCall back = CliCall.run(concat(new String[] {"models", "rollback"}, where));
    assertEquals("champion of churn is back to " + v1 + " (was " + v2 + ")", back.out().strip());
    CliCall shown = CliCall.run(concat(new String[] {"models", "show", "champion"}, where));
    assertTrue(shown.out().startsWith("model " + v1 + " of churn"), shown.out());
    CliCall none = CliCall.run(concat(new String[] {"models", "rollback"}, where));
    assertEquals(INPUT_ERROR, none.code());
    assertTrue(none.err().contains("there is no earlier champion to restore"), none.err());
  }

  @Test
  void runsCompareShowsTheConfigValuesThatDifferAndEveryMetric(@TempDir Path dir) {
    RunRegistry runs = new RunRegistry(SparkTestSession.get(), Warehouse.at(dir.toString()));
    Instant start = Instant.parse("2026-11-24T01:00:00Z");
    for (int epochs : new int[] {10, 20}) {
      JsonNode config = Json.read("{\"dataset\":\"churn\",\"training\":{\"epochs\":" + epochs
          + "}}", JsonNode.class, "config");
      runs.append(new RunRecord("run-" + epochs, null, "train", "churn", "2026-11-24",
          RunRecord.SUCCEEDED, start, start.plusSeconds(epochs), 1000, config,
          RunRecord.hash(config), "abc", List.of(), List.of(),
          Map.of("validation_roc_auc", epochs / 100.0), Map.of(), null));
    }

    CliCall compared = CliCall.run("runs", "compare", "run-10", "run-20", "--json", "--warehouse",
        dir.toString());
    assertEquals(0, compared.code(), compared.err());
    JsonNode json = Json.read(compared.out(), JsonNode.class, "runs compare");
    assertEquals("[\"10\",\"20\"]", json.get("params").get("training.epochs").toString());
    assertTrue(json.get("params").get("dataset") == null, "equal values are left out");
    assertEquals("[0.1,0.2]", json.get("metrics").get("validation_roc_auc").toString());
    CliCall text = CliCall.run("runs", "compare", "run-10", "run-20", "--warehouse", dir.toString());
    assertTrue(text.out().contains("param training.epochs  10"), text.out());
    CliCall missing = CliCall.run("runs", "compare", "run-10", "run-30", "--warehouse", dir.toString());
    assertEquals(INPUT_ERROR, missing.code());
    assertTrue(missing.err().contains("no run run-30 recorded in"), missing.err());
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
