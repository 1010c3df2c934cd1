package org.deepline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.deepline.core.DeltaSnapshots;
import org.deepline.core.Warehouse;
import org.deepline.core.Warehouse.Table;
import org.deepline.pipeline.RunDateLocks;
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
  private static final int TELCO_ROWS = 7043;
  /** The test split of the Telco rows (15 % of them, stratified). */
  private static final long TELCO_TEST_ROWS = 1056;
  /** ingest, validate, split, features, leakage, train, score, evaluate. */
  private static final int PIPELINE_STAGES = 8;
  /**
   * The pipeline's training: churn's network reaches about 0.84 validation ROC AUC in its first
   * epoch, so three show the run end to end; the configured 15 (early stopping ended them after 11
   * in a measured run) only lengthened it, by about 30 s.
   */
  private static final int PIPELINE_EPOCHS = 3;
  /**
   * The ladder's rungs the pipeline trains: logistic regression is the one checked on real data
   * (every rung is checked in BaselineLadderTest); gbt, random forest and the one-rule tree added
   * about 30 s to the run.
   */
  private static final String PIPELINE_BASELINES =
      "baselines.models=[\"majority\",\"logistic_regression\"]";
  /** Killed once its first epoch is checkpointed; the resumed run then trains two more. */
  private static final int RESUME_EPOCHS = 3;
  private static final int KILL_AFTER_EPOCH = 1;
  private static final long KILL_WAIT_MINUTES = 10;
  private static final long POLL_MILLIS = 200;

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
        warehouse.toString(), "--run-date", RUN_DATE, "--set", "training.epochs=" + PIPELINE_EPOCHS,
        "--set", "training.patience=" + PIPELINE_EPOCHS, "--set", PIPELINE_BASELINES);
    assertEquals(0, run.code(), run.errTail());
    assertTrue(run.out().contains("pipeline churn " + RUN_DATE + ": succeeded"), run.out());

    JsonNode record = lastRun();
    assertEquals("pipeline", record.get("command").asText());
    assertEquals("SUCCEEDED", record.get("status").asText());
    double auc = record.get("metrics").get("evaluate.roc_auc").asDouble();
    assertTrue(auc >= MIN_CHURN_AUC, "churn test ROC AUC " + auc);
    assertEquals(TELCO_ROWS, record.get("metrics").get("ingest.rows_silver").asLong());
    assertEquals(TELCO_ROWS, record.get("metrics").get("score.rows_scored").asLong());
    // The baseline ladder ran on the same rows, and the margin says how the network compares.
    JsonNode metrics = record.get("metrics");
    assertTrue(metrics.get("train.baseline_logistic_regression_validation_roc_auc").asDouble() > 0.8,
        metrics.toString());
    assertEquals(metrics.get("train.validation_roc_auc").asDouble()
        - metrics.get("train.baseline_best_validation_roc_auc").asDouble(),
        metrics.get("train.network_margin_over_best_baseline").asDouble(), 1e-9);
    Path html = Path.of(URI.create(record.get("artifacts").get("evaluate.report_html").asText()));
    String page = Files.readString(html);
    assertTrue(page.contains("ROC AUC") && page.contains("<svg"), "report page");
    assertTrue(!page.contains("http://") && !page.contains("https://"), "self-contained page");
    assertEquals("churn", record.get("config").get("dataset").asText(),
        "the config is a JSON object");
    assertTrue(record.get("git_commit").asText().matches("[0-9a-f]{40}(-dirty)?"),
        record.get("git_commit").toString());

    // Every table the stages wrote, read back through Delta Kernel (this JVM runs no Spark).
    assertEquals(TELCO_ROWS, rows(Table.BRONZE).size());
    assertEquals(TELCO_ROWS, rows(Table.SILVER).size());
    assertEquals(0, rows(Table.QUARANTINE).size());
    assertEquals(TELCO_ROWS, rows(Table.SPLITS).size());
    assertEquals(TELCO_ROWS, rows(Table.PREDICTIONS).size());
    assertEquals(1, rows(Table.EVALUATIONS).size());
    assertTrue(rows(Table.QUALITY).stream().allMatch(check -> Boolean.TRUE.equals(
        check.get("passed"))), "every data-quality check passed");
    JsonNode report = Submit.json(Files.readString(Path.of(URI.create(
        record.get("artifacts").get("evaluate.report_json").asText()))));
    assertEquals(auc, report.get("metrics").get("roc_auc").asDouble(), 1e-12);
    assertEquals(TELCO_TEST_ROWS, report.get("metrics").get("count").asLong());
    String pipelineRun = record.get("run_id").asText();
    assertEquals(PIPELINE_STAGES, rows(Warehouse.at(warehouse.toString()).runsTable()).stream()
        .filter(child -> pipelineRun.equals(child.get("parent_run_id"))).count(),
        "one run record per stage under the pipeline's");
  }

  /**
   * The scheduler's script: a date another run holds exits 10 at once, before Spark starts, with
   * one line naming the holder. (What a nightly run does to the tables is in ModelLifecycleTest.)
   */
  @Test
  @Order(2)
  void nightlyRefusesADateAnotherRunHolds() throws Exception {
    String nextDate = LocalDate.parse(RUN_DATE).plusDays(1).toString();
    Path locks = warehouse.resolve("locks");
    try (RunDateLocks.Held held = RunDateLocks.in(locks).acquire("churn",
        Warehouse.at(warehouse.toString()), List.of(nextDate))) {
      Submit.Result locked = Submit.script("submit/nightly.sh", Map.of(), "--conf",
          "conf/churn.json", "--warehouse", warehouse.toString(), "--lock-dir", locks.toString(),
          "--from", RUN_DATE, "--to", nextDate);
      assertEquals(10, locked.code(), locked.errTail());
      assertTrue(locked.err().contains("deepline: error: churn " + nextDate + " is locked by "
          + "another run (pid " + ProcessHandle.current().pid() + " since "), locked.err());
      assertTrue(!locked.err().contains("SparkContext"), "refused before Spark started");
    }
  }

  private static List<Map<String, Object>> rows(Table table) {
    return rows(Warehouse.at(warehouse.toString()).table("churn", table));
  }

  private static List<Map<String, Object>> rows(String deltaTable) {
    return DeltaSnapshots.latest(new Configuration(), deltaTable).orElseThrow().rows();
  }

  @Test
  @Order(3)
  void badInputFailsWithAOneLineReasonAndNoStackTrace() throws Exception {
    Submit.Result badConfig = submit("train", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--set", "training.layers[0].units=-3");
    assertEquals(4, badConfig.code(), "a config error exits 4");
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

    Submit.Result badJit = Submit.run(Map.of("DEEPLINE_JIT", "fast"),
        List.of("check", "--conf", "conf/churn.json"));
    assertEquals(2, badJit.code(), "a launcher usage error exits 2");
    assertTrue(badJit.err().contains("DEEPLINE_JIT must be auto, quick or full, got 'fast'"),
        badJit.err());
    Submit.Result badCds = Submit.run(Map.of("DEEPLINE_CDS", "maybe"),
        List.of("check", "--conf", "conf/churn.json"));
    assertEquals(2, badCds.code(), "a launcher usage error exits 2");
    assertTrue(badCds.err().contains("DEEPLINE_CDS must be on or off, got 'maybe'"),
        badCds.err());
  }

  @Test
  @Order(4)
  void aKilledTrainingRunResumesFromItsLastCheckpoint() throws Exception {
    List<String> train = List.of("train", "--conf", "conf/churn.json", "--warehouse",
        warehouse.toString(), "--run-date", RUN_DATE, "--set", "training.epochs=" + RESUME_EPOCHS,
        "--set", "training.patience=" + RESUME_EPOCHS, "--set", "baselines.enabled=false");
    Path log = Files.createTempFile("deepline-train", ".err");
    List<String> command = new ArrayList<>();
    command.add(Submit.home().resolve("submit/deepline-submit").toString());
    command.addAll(train);
    Process killed = new ProcessBuilder(command).directory(Submit.home().toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
    String checkpointed = "epoch " + KILL_AFTER_EPOCH + "/" + RESUME_EPOCHS + ":";
    long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(KILL_WAIT_MINUTES);
    while (!Files.readString(log).contains(checkpointed)) {
      assertTrue(killed.isAlive(), "train ended before epoch " + KILL_AFTER_EPOCH + ": "
          + Files.readString(log));
      assertTrue(System.currentTimeMillis() < deadline, "no " + checkpointed + " in time");
      Thread.sleep(POLL_MILLIS);
    }
    // The launcher execs the JVM, so this is a SIGKILL of the driver itself: no shutdown hooks run.
    killed.destroyForcibly().waitFor();
    Matcher runLine =
        Pattern.compile("train churn: run (\\S+) on ").matcher(Files.readString(log));
    assertTrue(runLine.find(), "the log names the run id to resume");
    String killedRun = runLine.group(1);
    assertTrue(!Files.exists(warehouse.resolve("churn/models/" + killedRun)),
        "a killed run registers no model");

    // Without the epochs the checkpoint trained with, the unset key would resolve to churn's
    // automatic epochs (52 for its split): a different run, refused before any epoch.
    List<String> otherEpochs = new ArrayList<>(train);
    otherEpochs.addAll(List.of("--set", "training.epochs=null", "--set", "training.patience=null",
        "--resume", killedRun));
    Submit.Result refused = submit(otherEpochs.toArray(String[]::new));
    assertTrue(refused.code() != 0, refused.errTail());
    assertTrue(refused.err().contains("train --resume " + killedRun + ": the checkpoint was made "
        + "with "), refused.errTail());
    // The values that differ, by their config paths, not two records' toString side by side.
    assertTrue(refused.err().contains("training.epochs " + RESUME_EPOCHS + " (now "),
        refused.errTail());

    List<String> resume = new ArrayList<>(train);
    resume.addAll(List.of("--resume", killedRun));
    Submit.Result resumed = submit(resume.toArray(String[]::new));
    assertEquals(0, resumed.code(), resumed.errTail());
    assertTrue(resumed.err().contains("resuming run " + killedRun + " after epoch "),
        resumed.errTail());
    JsonNode record = lastRun();
    assertEquals(killedRun, record.get("artifacts").get("resumed_from").asText());
    assertEquals(RESUME_EPOCHS, record.get("metrics").get("epochs_run").asInt());
    assertTrue(!Files.exists(warehouse.resolve("churn/checkpoints/" + killedRun)),
        "the resumed run's checkpoints are gone once it succeeded");
    assertTrue(record.get("metrics").get("validation_roc_auc").asDouble() >= MIN_CHURN_AUC,
        record.get("metrics").toString());
  }

  @Test
  @Order(5)
  void modelsArePromotedRolledBackTracedAndRunsExportedForMlflow() throws Exception {
    String[] where = {"--dataset", "churn", "--warehouse", warehouse.toString()};
    Submit.Result listed = submit(concat(new String[] {"models", "list", "--json"}, where));
    assertEquals(0, listed.code(), listed.errTail());
    JsonNode models = Submit.json(listed.out());
    assertEquals(2, models.size(), "the pipeline's model and the resumed one");
    String newest = models.get(0).get("model").get("model_version").asText();
    String oldest = models.get(1).get("model").get("model_version").asText();

    assertEquals(0, submit(concat(new String[] {"models", "promote", newest}, where)).code());
    assertEquals(0, submit(concat(new String[] {"models", "promote", oldest}, where)).code());
    Submit.Result back = submit(concat(new String[] {"models", "rollback", "--json"}, where));
    assertEquals(0, back.code(), back.errTail());
    assertEquals(newest, Submit.json(back.out()).get("model_version").asText());

    Submit.Result lineage = submit(concat(new String[] {"models", "lineage", "champion", "--json"},
        where));
    assertEquals(0, lineage.code(), lineage.errTail());
    JsonNode sources = Submit.json(lineage.out()).get("sources");
    assertEquals("features", sources.get(0).get("writer").asText());
    assertTrue(sources.get(0).get("table").get("path").asText().endsWith("/churn/features"));

    Path mlruns = warehouse.resolve("mlruns");
    Submit.Result exported = submit("runs", "export", "--mlflow", mlruns.toString(), "--warehouse",
        warehouse.toString());
    assertEquals(0, exported.code(), exported.errTail());
    JsonNode lastRun = lastRun();
    try (var experiments = Files.list(mlruns)) {
      assertEquals(1, experiments.count(), "one experiment per data set: churn");
    }
    try (var found = Files.find(mlruns, 2, (p, a) -> p.endsWith(lastRun.get("run_id").asText()))) {
      Path runDir = found.findFirst().orElseThrow();
      assertTrue(Files.readString(runDir.resolve("meta.yaml")).contains("status: 3"));
      assertTrue(Files.isRegularFile(runDir.resolve("artifacts/run_record.json")));
    }
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
