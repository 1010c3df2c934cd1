package org.deepline.tracking;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.deepline.core.ProgressNotes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Shows the running stage's progress from Spark's listener events: the current job's tasks done of
 * its total, its elapsed time and an ETA from the task rate, plus the stage's own notes (training's
 * epoch, batch and last validation loss). Only jobs of the running stage's job group count, so a
 * notebook's or another thread's jobs never show as the stage's.
 *
 * <p>On a terminal one line on stderr is rewritten in place at most every {@value
 * #TERMINAL_REFRESH_MILLIS} ms and cleared when the stage ends; for a scheduler's log at most one
 * structured INFO line per interval and stage ({@link ProgressFormat#schedulerLine}), so a short
 * stage logs nothing and a long epoch shows life without flooding the log.
 *
 * <p>The listener runs on Spark's listener bus, whose queue drops events when a listener is slow,
 * so it only counts and formats, and a failure inside it is swallowed after one WARN: progress must
 * never slow or break a job.
 *
 * <pre>{@code
 * ProgressListener progress = ProgressListener.forScheduler(Duration.ofSeconds(30));
 * spark.sparkContext().addSparkListener(progress);
 * new RunRecorder(registry, progress).run(context, stage);
 * }</pre>
 */
public final class ProgressListener extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);
  /** A terminal redraw this often looks live without the flicker of one redraw per task. */
  public static final long TERMINAL_REFRESH_MILLIS = 500;
  /**
   * A scheduler's log gets at most one progress line this often per stage, unless told otherwise
   * ({@code --progress-interval}'s default, in seconds: a string for the picocli annotation).
   */
  public static final String DEFAULT_SCHEDULER_INTERVAL_SECONDS = "30";
  /** Erases from the cursor to the end of the line (ANSI EL), so a shorter line leaves no tail. */
  private static final String ERASE_TO_END_OF_LINE = "\u001b[K";

  /** Where progress goes: a line rewritten on a terminal, or log lines for a scheduler. */
  public enum Mode { TERMINAL, SCHEDULER }

  private final Mode mode;
  private final long intervalMillis;
  private final PrintStream terminal;
  private final Consumer<String> log;
  private final LongSupplier clock;
  private final AtomicBoolean failureReported = new AtomicBoolean();
  private final Object lock = new Object();
  /** The stages running, innermost (a pipeline's current stage) first. */
  private final Deque<RunningStage> stages = new ArrayDeque<>();
  /** The running stage's unfinished jobs by Spark job id, in the order they started. */
  private final Map<Integer, Job> jobs = new LinkedHashMap<>();
  /** The Spark stage ids of those jobs, to find a finished task's job. */
  private final Map<Integer, Job> jobOfSparkStage = new HashMap<>();
  private boolean lineShown;

  ProgressListener(Mode mode, long intervalMillis, PrintStream terminal, Consumer<String> log,
      LongSupplier clock) {
    this.mode = mode;
    this.intervalMillis = intervalMillis;
    this.terminal = terminal;
    this.log = log;
    this.clock = clock;
  }

  /** Progress as a line rewritten in place on stderr. */
  public static ProgressListener forTerminal() {
    return new ProgressListener(Mode.TERMINAL, TERMINAL_REFRESH_MILLIS, System.err, LOG::info,
        System::currentTimeMillis);
  }

  /** Progress as at most one INFO line per {@code interval} and stage. */
  public static ProgressListener forScheduler(Duration interval) {
    return new ProgressListener(Mode.SCHEDULER, interval.toMillis(), System.err, LOG::info,
        System::currentTimeMillis);
  }

  /**
   * Listens to {@code spark}'s jobs until the returned handle is closed. Why a handle: a
   * notebook's or a test's session outlives the command that attached the listener, and the
   * listener must not outlive the command.
   *
   * <pre>{@code
   * try (ProgressListener.Attached attached = progress.attachTo(spark.sparkContext())) {
   *   recorder.run(context, stage);
   * }
   * }</pre>
   */
  public Attached attachTo(SparkContext spark) {
    spark.addSparkListener(this);
    return () -> spark.removeSparkListener(this);
  }

  /** A listener attached to a session by {@link #attachTo}; closing it detaches it. */
  public interface Attached extends AutoCloseable {
    @Override
    void close();
  }

  /** The stage {@code command} of run {@code runId} starts on the driver; its jobs are shown. */
  public void stageStarted(String command, String runId) {
    guarded(() -> {
      synchronized (lock) {
        clearLine();
        forgetJobs();
        stages.push(new RunningStage(command, runId, RunRecorder.jobGroup(runId), clock.getAsLong()));
      }
    });
  }

  /** The innermost stage ended (or failed): its line is cleared and its jobs forgotten. */
  public void stageEnded() {
    guarded(() -> {
      synchronized (lock) {
        clearLine();
        forgetJobs();
        stages.poll();
        RunningStage outer = stages.peek();
        if (outer != null) {
          // The inner stage's lines showed the outer one's life: a pipeline's own short jobs
          // between its stages report only after a full interval of their own.
          outer.lastReport = clock.getAsLong();
        }
      }
    });
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    guarded(() -> {
      synchronized (lock) {
        RunningStage stage = stages.peek();
        Properties properties = event.properties();
        String group = properties == null ? null
            : properties.getProperty(RunRecorder.JOB_GROUP_ID);
        if (stage == null || !stage.jobGroup().equals(group)) {
          return;
        }
        Job job = new Job(event.jobId(), clock.getAsLong(), ProgressNotes.of(properties));
        for (StageInfo info : JavaConverters.seqAsJavaList(event.stageInfos())) {
          job.tasksTotal += info.numTasks();
          jobOfSparkStage.put(info.stageId(), job);
        }
        jobs.put(job.id, job);
        report(stage, job);
      }
    });
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    guarded(() -> {
      synchronized (lock) {
        Job job = jobOfSparkStage.get(event.stageId());
        // A failed attempt is retried and would count its task twice.
        if (job == null || event.reason() != Success$.MODULE$) {
          return;
        }
        job.tasksDone++;
        report(stages.peek(), job);
      }
    });
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    guarded(() -> {
      synchronized (lock) {
        Job job = jobs.remove(event.jobId());
        if (job != null) {
          jobOfSparkStage.values().removeIf(job::equals);
        }
      }
    });
  }

  private void report(RunningStage stage, Job job) {
    long now = clock.getAsLong();
    if (now - stage.lastReport < intervalMillis) {
      return;
    }
    stage.lastReport = now;
    ProgressFormat.Snapshot snapshot = new ProgressFormat.Snapshot(stage.command(), stage.runId(),
        job.id, job.tasksDone, job.tasksTotal, now - job.started, job.notes);
    if (mode == Mode.TERMINAL) {
      // The cursor goes back to the line's start, so a log line printed before the next redraw
      // writes over the progress text instead of after it.
      terminal.print("\r" + ProgressFormat.terminalLine(snapshot) + ERASE_TO_END_OF_LINE + "\r");
      terminal.flush();
      lineShown = true;
    } else {
      log.accept(ProgressFormat.schedulerLine(snapshot));
    }
  }

  private void clearLine() {
    if (lineShown) {
      terminal.print("\r" + ERASE_TO_END_OF_LINE);
      terminal.flush();
      lineShown = false;
    }
  }

  private void forgetJobs() {
    jobs.clear();
    jobOfSparkStage.clear();
  }

  private void guarded(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      if (failureReported.compareAndSet(false, true)) {
        LOG.warn("progress display failed (later failures are not reported; the run goes on): {}",
            e.toString());
      }
    }
  }

  private static final class RunningStage {
    private final String command;
    private final String runId;
    private final String jobGroup;
    /**
     * When the stage last reported, its start at first: a scheduler's log gets its first line one
     * interval into the stage, so a short stage adds nothing to the log.
     */
    private long lastReport;

    RunningStage(String command, String runId, String jobGroup, long started) {
      this.command = command;
      this.runId = runId;
      this.jobGroup = jobGroup;
      this.lastReport = started;
    }

    String command() {
      return command;
    }

    String runId() {
      return runId;
    }

    String jobGroup() {
      return jobGroup;
    }
  }

  private static final class Job {
    private final int id;
    private final long started;
    private final String notes;
    private int tasksTotal;
    private int tasksDone;

    Job(int id, long started, String notes) {
      this.id = id;
      this.started = started;
      this.notes = notes;
    }
  }
}
