package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.storage.RDDInfo;
import org.deepline.core.ProgressNotes;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** The listener fed synthetic Spark events, on a clock the test moves. */
class ProgressListenerTest {
  private static final long INTERVAL_MILLIS = 30_000;
  private static final String RUN = "20261204T100000-abcdef";

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<String> logged = new ArrayList<>();
  private final ByteArrayOutputStream terminalBytes = new ByteArrayOutputStream();
  private final PrintStream terminal = new PrintStream(terminalBytes, true, StandardCharsets.UTF_8);

  @Test
  void schedulerLogsAtMostOneLinePerIntervalAndStage() {
    ProgressListener listener = new ProgressListener(ProgressListener.Mode.SCHEDULER,
        INTERVAL_MILLIS, terminal, logged::add, now::get);
    listener.stageStarted("score", RUN);
    listener.onJobStart(jobStart(12, RUN, new Properties(), stage(40, 60), stage(41, 4)));
    for (int task = 0; task < 45; task++) {
      now.addAndGet(10_000 / 45 + 1);
      listener.onTaskEnd(taskEnd(task < 44 ? 40 : 41));
    }
    assertEquals(List.of(), logged, "a stage younger than the interval logs nothing");

    now.addAndGet(20_000);
    listener.onTaskEnd(taskEnd(40));
    now.addAndGet(1_000);
    listener.onTaskEnd(taskEnd(40));
    assertEquals(List.of("progress stage=score run=" + RUN
        + " job=12 tasks=46/64 elapsed_s=30 eta_s=12"), logged);

    now.addAndGet(INTERVAL_MILLIS);
    listener.onTaskEnd(taskEnd(40));
    assertEquals(2, logged.size());
    assertEquals("progress stage=score run=" + RUN + " job=12 tasks=48/64 elapsed_s=61 eta_s=20",
        logged.get(1));
    assertEquals("", terminalBytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jobsOfAnotherGroupAndFailedTasksAreIgnored() {
    ProgressListener listener = new ProgressListener(ProgressListener.Mode.SCHEDULER,
        INTERVAL_MILLIS, terminal, logged::add, now::get);
    listener.stageStarted("score", RUN);
    listener.onJobStart(jobStart(5, "someone-elses-run", new Properties(), stage(7, 10)));
    listener.onJobStart(jobStart(6, RUN, new Properties(), stage(8, 10)));
    now.addAndGet(INTERVAL_MILLIS);
    listener.onTaskEnd(taskEnd(7));
    assertEquals(List.of(), logged, "a task of the other group's job reports nothing");
    listener.onTaskEnd(new SparkListenerTaskEnd(8, 0, "ResultTask",
        new TaskKilled("test", null, null, null), null, null, null));
    listener.onTaskEnd(taskEnd(8));
    assertEquals(List.of("progress stage=score run=" + RUN
        + " job=6 tasks=1/10 elapsed_s=30 eta_s=270"), logged);
  }

  @Test
  void terminalRewritesOneLineWithTrainingNotesAndClearsItAtTheEnd() {
    ProgressListener listener = new ProgressListener(ProgressListener.Mode.TERMINAL,
        ProgressListener.TERMINAL_REFRESH_MILLIS, terminal, logged::add, now::get);
    listener.stageStarted("train", RUN);
    Properties notes = new Properties();
    notes.setProperty(ProgressNotes.POSITION, "epoch 3/15 batch 2/40 loss 0.4100");
    notes.setProperty(ProgressNotes.VALIDATION, "val_loss 0.4012 val_auc 0.8311");
    listener.onJobStart(jobStart(3, RUN, notes, stage(9, 2)));
    now.addAndGet(600);
    listener.onTaskEnd(taskEnd(9));
    now.addAndGet(100);
    listener.onTaskEnd(taskEnd(9));
    listener.onJobEnd(new SparkListenerJobEnd(3, now.get(), JobSucceeded$.MODULE$));
    listener.stageEnded();

    assertEquals("\rtrain: job 3 tasks 1/2 (50%) 0:00, ETA 0:01 | epoch 3/15 batch 2/40 loss "
        + "0.4100 val_loss 0.4012 val_auc 0.8311\u001b[K\r" + "\r\u001b[K",
        terminalBytes.toString(StandardCharsets.UTF_8),
        "the second task came within the refresh time and is not drawn");
    assertEquals(List.of(), logged);
  }

  @Test
  void aPipelinesInnerStageIsShownAndEndedJobsForgotten() {
    ProgressListener listener = new ProgressListener(ProgressListener.Mode.SCHEDULER,
        INTERVAL_MILLIS, terminal, logged::add, now::get);
    listener.stageStarted("pipeline", "PIPELINE-RUN");
    listener.stageStarted("evaluate", RUN);
    listener.onJobStart(jobStart(1, "PIPELINE-RUN", new Properties(), stage(1, 4)));
    listener.onJobStart(jobStart(2, RUN, new Properties(), stage(2, 4)));
    listener.onJobEnd(new SparkListenerJobEnd(2, now.get(), JobSucceeded$.MODULE$));
    now.addAndGet(INTERVAL_MILLIS);
    listener.onTaskEnd(taskEnd(1));
    listener.onTaskEnd(taskEnd(2));
    assertEquals(List.of(), logged, "neither the pipeline's own job nor an ended job reports");

    listener.stageEnded();
    listener.onJobStart(jobStart(3, "PIPELINE-RUN", new Properties(), stage(3, 1)));
    listener.onTaskEnd(taskEnd(3));
    assertEquals(List.of(), logged, "the pipeline's interval restarts when its stage ends");
    now.addAndGet(INTERVAL_MILLIS);
    listener.onJobStart(jobStart(4, "PIPELINE-RUN", new Properties(), stage(4, 1)));
    assertEquals(List.of("progress stage=pipeline run=PIPELINE-RUN job=4 tasks=0/1 elapsed_s=0"),
        logged);
    listener.stageEnded();
  }

  @Test
  void aFailureInsideTheListenerIsSwallowed() {
    ProgressListener listener = new ProgressListener(ProgressListener.Mode.SCHEDULER,
        INTERVAL_MILLIS, terminal, line -> {
          throw new IllegalStateException("log shipper down");
        }, now::get);
    assertDoesNotThrow(() -> {
      listener.stageStarted("score", RUN);
      listener.onJobStart(jobStart(1, RUN, new Properties(), stage(1, 2)));
      now.addAndGet(INTERVAL_MILLIS);
      listener.onTaskEnd(taskEnd(1));
      now.addAndGet(INTERVAL_MILLIS);
      listener.onTaskEnd(taskEnd(1));
      listener.stageEnded();
    });
  }

  private static SparkListenerJobStart jobStart(int jobId, String runId, Properties properties,
      StageInfo... stages) {
    properties.setProperty(RunRecorder.JOB_GROUP_ID, RunRecorder.jobGroup(runId));
    return new SparkListenerJobStart(jobId, 0L, seq(List.of(stages)), properties);
  }

  private static StageInfo stage(int stageId, int tasks) {
    return new StageInfo(stageId, 0, "stage " + stageId, tasks, seq(List.<RDDInfo>of()),
        seq(List.of()), "", null, seq(List.of()), Option.empty(), 0, false, 0);
  }

  private static SparkListenerTaskEnd taskEnd(int stageId) {
    return new SparkListenerTaskEnd(stageId, 0, "ResultTask", Success$.MODULE$, null, null, null);
  }

  private static <T> Seq<T> seq(List<T> items) {
    return JavaConverters.asScalaBufferConverter(items).asScala().toSeq();
  }

  @Test
  void anAttachedListenerHearsTheSessionUntilItIsClosed() {
    SparkContext spark = SparkTestSession.get().sparkContext();
    ProgressListener listener = ProgressListener.forScheduler(Duration.ofSeconds(30));
    try (ProgressListener.Attached attached = listener.attachTo(spark)) {
      assertTrue(spark.listenerBus().listeners().contains(listener));
    }
    assertFalse(spark.listenerBus().listeners().contains(listener),
        "a session that outlives the command keeps no listener of it");
  }
}
