package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs a stage starts carry its run as their Spark job group and description, and the caller's
 * own group comes back afterwards, also when the stage fails.
 */
class RunRecorderTest {
  private static final String OUTER_GROUP = "notebook-cell-7";

  /** A stage whose one Spark job is seen by a listener, failing on request. */
  private record CountingStage(boolean fails) implements Stage {
    @Override
    public Name name() {
      return new Name("probe", "Counts three rows.");
    }

    @Override
    public StageResult run(RunContext context) {
      context.spark().range(3).count();
      if (fails) {
        throw new DeeplineException("probe: failed on purpose");
      }
      return StageResult.builder().build();
    }
  }

  /** A stage whose input cannot be sized (a broken table), failing as its run meets it. */
  private record UnsizedStage() implements Stage {
    @Override
    public Name name() {
      return new Name("probe", "Cannot size its input.");
    }

    @Override
    public long inputBytes(RunContext context) {
      throw new IllegalStateException("the silver table's log cannot be read");
    }

    @Override
    public StageResult run(RunContext context) {
      throw new DeeplineException("probe: failed on purpose");
    }
  }

  @Test
  void aStagesJobsCarryItsRunAndTheCallersGroupComesBack(@TempDir Path warehouse)
      throws Exception {
    RunContext context = TestRuns.context(TestRuns.config("conf/churn.json"), warehouse, "probe");
    SparkContext spark = context.spark().sparkContext();
    List<String[]> jobs = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.add(new String[] {start.properties().getProperty(RunRecorder.JOB_GROUP_ID),
            start.properties().getProperty(RunRecorder.JOB_DESCRIPTION)});
      }
    };
    spark.addSparkListener(listener);
    RunRecorder recorder = new RunRecorder(new RunRegistry(context.spark(), context.warehouse()));
    spark.setJobGroup(OUTER_GROUP, "a notebook's cell", false);
    try {
      recorder.run(context, new CountingStage(false));
      String afterSuccess = spark.getLocalProperty(RunRecorder.JOB_GROUP_ID);
      assertThrows(DeeplineException.class, () -> recorder.run(context, new CountingStage(true)));
      String afterFailure = spark.getLocalProperty(RunRecorder.JOB_GROUP_ID);
      spark.clearJobGroup();
      recorder.run(context, new CountingStage(false));

      assertEquals(OUTER_GROUP, afterSuccess);
      assertEquals(OUTER_GROUP, afterFailure);
      assertNull(spark.getLocalProperty(RunRecorder.JOB_GROUP_ID),
          "no group before, none after");
      spark.listenerBus().waitUntilEmpty();
      // The stage's counts and the run records' writes: every job of the three runs.
      assertTrue(jobs.size() >= 3, "at least one job per stage run, got " + jobs.size());
      for (String[] job : jobs) {
        assertEquals("deepline-" + context.runId(), job[0]);
        assertEquals("probe churn " + TestRuns.RUN_DATE + ", run " + context.runId(), job[1]);
      }
    } finally {
      spark.removeSparkListener(listener);
      spark.clearJobGroup();
    }
  }

  /**
   * A pipeline's recorder appends each stage's record on its own thread: the records are all in
   * the runs table once it is closed, failed stages' too.
   */
  @Test
  void aPipelinesRecorderAppendsInTheBackgroundAndCloseWaitsForEveryRecord(
      @TempDir Path warehouse) {
    RunContext pipeline = TestRuns.context(TestRuns.config("conf/churn.json"), warehouse,
        "pipeline");
    RunRegistry registry = new RunRegistry(pipeline.spark(), pipeline.warehouse());
    RunContext first = pipeline.child(RunContext.newRunId(), "probe");
    RunContext second = pipeline.child(RunContext.newRunId(), "probe");
    try (RunRecorder recorder = new RunRecorder(registry).appendingInBackground()) {
      recorder.run(first, new CountingStage(false));
      assertThrows(DeeplineException.class, () -> recorder.run(second, new CountingStage(true)));
    }

    assertEquals(RunRecord.SUCCEEDED, registry.find(first.runId()).orElseThrow().status());
    assertEquals(RunRecord.FAILED, registry.find(second.runId()).orElseThrow().status());
    assertEquals(pipeline.runId(), registry.find(second.runId()).orElseThrow().parentRunId());
  }

  /** An append that fails surfaces when the pipeline's recorder closes: no record is lost quietly. */
  @Test
  void aFailedBackgroundAppendFailsTheClose(@TempDir Path warehouse) throws Exception {
    RunContext context = TestRuns.context(TestRuns.config("conf/churn.json"), warehouse, "probe");
    RunRegistry registry = new RunRegistry(context.spark(), context.warehouse());
    // A file where the runs table's directory should be: no commit can be written there.
    Path runsTable = Path.of(registry.path().replaceFirst("^file:", ""));
    java.nio.file.Files.createDirectories(runsTable.getParent());
    java.nio.file.Files.writeString(runsTable, "not a table");
    RunRecorder recorder = new RunRecorder(registry).appendingInBackground();
    recorder.run(context, new CountingStage(false));

    RuntimeException failure = assertThrows(RuntimeException.class, recorder::close);
    assertEquals("cannot append the probe run " + context.runId() + " to the runs table "
        + registry.path(), failure.getMessage());
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> recorder.run(context, new CountingStage(false)));
    assertEquals("this recorder was closed; run stages before close()", closed.getMessage());
  }

  @Test
  void aStageWhoseInputCannotBeSizedStillRunsAndIsRecorded(@TempDir Path warehouse) {
    RunContext context = TestRuns.context(TestRuns.config("conf/churn.json"), warehouse, "probe");
    assertEquals(-1L, RunRecorder.plannedInputBytes(context, new UnsizedStage()));
    RunRegistry registry = new RunRegistry(context.spark(), context.warehouse());
    DeeplineException failure = assertThrows(DeeplineException.class,
        () -> new RunRecorder(registry).run(context, new UnsizedStage()));

    // The stage's own error, and its run record, not the sizing's.
    assertEquals("probe: failed on purpose", failure.getMessage());
    assertEquals(RunRecord.FAILED, registry.find(context.runId()).orElseThrow().status());
  }

  @Test
  void aStagesLogLineShowsAFewMetricsAndSaysWhereTheRestAre() {
    Map<String, Double> few = new LinkedHashMap<>();
    few.put("rows", 3.0);
    assertEquals("{rows=3.0}", RunRecorder.loggedMetrics(few, "20261205T010000-abcdef"));

    Map<String, Double> many = new LinkedHashMap<>();
    for (int i = 1; i <= 10; i++) {
      many.put("m" + i, (double) i);
    }
    assertEquals("{m1=1.0, m2=2.0, m3=3.0, m4=4.0, m5=5.0, m6=6.0, m7=7.0, m8=8.0, ... 2 more: "
        + "deepline runs show --run-id 20261205T010000-abcdef}",
        RunRecorder.loggedMetrics(many, "20261205T010000-abcdef"));
  }
}
