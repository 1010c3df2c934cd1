package org.deepline.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.deepline.core.ProgressNotes;
import org.deepline.core.RunContext;
import org.deepline.core.SmallInputPlanning;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stage and appends its run record, whether it succeeds or fails, so a failed nightly run is
 * as visible in the runs table as a good one. Every Spark job the stage starts carries the run as
 * its job group and description ({@code train churn 2026-11-24, run 20261124T...}), so the Spark UI,
 * the history server and event logs say which stage of which run a job belongs to, and a notebook
 * can cancel one run's jobs with {@code cancelJobGroup}.
 */
public final class RunRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);
  /** Spark's thread-local properties of a job group (SparkContext.setJobGroup sets all three). */
  static final String JOB_GROUP_ID = "spark.jobGroup.id";
  static final String JOB_DESCRIPTION = "spark.job.description";
  static final String JOB_INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

  private static final String JOB_GROUP_PREFIX = "deepline-";
  /** The metrics a stage's "succeeded" log line shows at most; the run record keeps them all. */
  static final int LOGGED_METRICS = 8;

  private final RunRegistry registry;
  private final ProgressListener progress;
  /** Where records are appended off the stage's thread; null to append on it. */
  private final BackgroundAppends background;

  public RunRecorder(RunRegistry registry) {
    this(registry, null);
  }

  /** A recorder that tells {@code progress} (null for none) which stage's jobs to show. */
  public RunRecorder(RunRegistry registry, ProgressListener progress) {
    this(registry, progress, null);
  }

  private RunRecorder(RunRegistry registry, ProgressListener progress,
      BackgroundAppends background) {
    this.registry = registry;
    this.progress = progress;
    this.background = background;
  }

  /**
   * A recorder for the stages of one pipeline that appends each stage's record on a thread of its
   * own while the next stage runs, in the order the stages end. An append that failed stops the
   * pipeline before its next stage starts (at most the stage already running finishes first);
   * {@link #close} waits for every append and rethrows the first failure. Why: an append is a
   * Delta commit of about 0.2 s (0.5 s for the first of a JVM), paid once per stage, and no stage
   * reads the runs table. Used by one thread, and not after {@link #close}.
   *
   * <pre>{@code
   * try (RunRecorder stages = recorder.appendingInBackground()) {
   *   stages.run(context.child(RunContext.newRunId(), "ingest"), new IngestJob());
   * } // every stage's record is in the runs table here
   * }</pre>
   */
  public RunRecorder appendingInBackground() {
    return new RunRecorder(registry, progress, new BackgroundAppends(registry));
  }

  /**
   * Waits for every record still being appended and rethrows the first failed append
   * ({@link BackgroundAppends#close}). Nothing to do for a recorder that appends on the stage's
   * thread.
   */
  @Override
  public void close() {
    if (background != null) {
      background.close();
    }
  }

  /** The Spark job group of run {@code runId}'s jobs. */
  public static String jobGroup(String runId) {
    return JOB_GROUP_PREFIX + runId;
  }

  public StageResult run(RunContext context, Stage stage) {
    if (background != null) {
      background.requireAppendsSoFar();
    }
    try (JobGroup group = JobGroup.of(context, stage)) {
      if (progress != null) {
        progress.stageStarted(stage.command(), context.runId());
      }
      try (SmallInputPlanning planning =
          SmallInputPlanning.forInput(context.spark(), plannedInputBytes(context, stage),
              () -> plannedInputColumns(context, stage))) {
        return recorded(context, stage);
      } finally {
        if (progress != null) {
          progress.stageEnded();
        }
      }
    }
  }

  /**
   * The stage's input size for {@link SmallInputPlanning}, or unknown when sizing fails: the size
   * only tunes how Spark plans, so a table or source that cannot be sized (a broken log, a path
   * template the date does not fill) must not fail the stage before it runs and records its run.
   * The stage meets the same problem itself, with its own error, in its run record.
   */
  static long plannedInputBytes(RunContext context, Stage stage) {
    try {
      return stage.inputBytes(context);
    } catch (RuntimeException e) {
      LOG.debug("{}: input size unknown ({}); planned as for a large input", stage.command(),
          e.toString());
      return SmallInputPlanning.UNKNOWN_SIZE;
    }
  }

  /** The stage's input width for {@link SmallInputPlanning}, or unknown, as the size above. */
  static int plannedInputColumns(RunContext context, Stage stage) {
    try {
      return stage.inputColumns(context);
    } catch (RuntimeException e) {
      LOG.debug("{}: input width unknown ({})", stage.command(), e.toString());
      return SmallInputPlanning.UNKNOWN_WIDTH;
    }
  }

  private StageResult recorded(RunContext context, Stage stage) {
    Instant started = Instant.now();
    LOG.info("run {}: {} of {} for {} started", context.runId(), stage.command(), context.dataset(),
        context.runDate());
    try {
      StageResult result = stage.run(context);
      record(context, started, RunRecord.SUCCEEDED, result, null);
      LOG.info("run {}: {} succeeded in {} ms: {}", context.runId(), stage.command(),
          Duration.between(started, Instant.now()).toMillis(),
          loggedMetrics(result.metrics(), context.runId()));
      return result;
    } catch (RuntimeException e) {
      try {
        record(context, started, RunRecord.FAILED, StageResult.builder().build(), describe(e));
      } catch (RuntimeException recordFailure) {
        e.addSuppressed(recordFailure);
      }
      throw e;
    }
  }

  /**
   * A stage's metrics as its "succeeded" line shows them: the first {@link #LOGGED_METRICS}, then
   * how many more and where they are. A pipeline has every stage's (about 200 for churn), which
   * made one log line of 9 kB that a scheduler's log view cannot show.
   */
  static String loggedMetrics(Map<String, Double> metrics, String runId) {
    if (metrics.size() <= LOGGED_METRICS) {
      return metrics.toString();
    }
    String shown = metrics.entrySet().stream().limit(LOGGED_METRICS)
        .map(metric -> metric.getKey() + "=" + metric.getValue())
        .collect(Collectors.joining(", "));
    return "{" + shown + ", ... " + (metrics.size() - LOGGED_METRICS)
        + " more: deepline runs show --run-id " + runId + "}";
  }

  private void record(RunContext context, Instant started, String status, StageResult result,
      String error) {
    RunRecord record = runRecord(context, Redaction.redactedTree(context.config()), status,
        started, Instant.now(), result, error);
    if (background == null) {
      registry.append(record);
      return;
    }
    // The append's Spark job shows as the stage's, whose group is on this thread now.
    SparkContext spark = context.spark() == null ? null : context.spark().sparkContext();
    String[] group = JobGroup.current(spark);
    background.append(record, () -> JobGroup.set(spark, group));
  }

  /** The run record of {@code context}'s run, with the config it ran with (redacted). */
  private static RunRecord runRecord(RunContext context, JsonNode config, String status,
      Instant started, Instant finished, StageResult result, String error) {
    return new RunRecord(context.runId(), context.parentRunId(), context.command(),
        context.dataset(), context.runDate(), status, started, finished,
        Duration.between(started, finished).toMillis(), config, RunRecord.hash(config),
        BuildInfo.gitCommit(), result.inputs(), result.outputs(), result.metrics(),
        result.artifacts(), error);
  }

  /**
   * A run its parent ran itself rather than as a stage, e.g. one trial of {@code train --tune}, with
   * the config it really ran with: the job config whose {@code section} is {@code sectionValue}.
   *
   * @param error null for a run that succeeded
   */
  public record ChildRun(RunContext context, String section, Object sectionValue, Instant started,
      Instant finished, StageResult result, String error) {}

  /** Appends the records of child runs, in one write. */
  public void recordChildren(List<ChildRun> children) {
    if (children.isEmpty()) {
      return;
    }
    registry.appendAll(children.stream().map(child -> {
      ObjectNode config = (ObjectNode) Redaction.redactedTree(child.context().config());
      config.set(child.section(), Redaction.redactedTree(child.sectionValue()));
      return runRecord(child.context(), config,
          child.error() == null ? RunRecord.SUCCEEDED : RunRecord.FAILED, child.started(),
          child.finished(), child.result(), child.error());
    }).toList());
  }

  /**
   * The run's job group on the calling thread for as long as its stage runs. A pipeline's stage
   * runs inside the pipeline's own group, which comes back when the stage ends, as do the
   * progress notes the stage left (none for the pipeline).
   */
  private record JobGroup(SparkContext spark, String[] previous) implements AutoCloseable {
    private static final String[] KEYS = Stream.concat(
        Stream.of(JOB_GROUP_ID, JOB_DESCRIPTION, JOB_INTERRUPT_ON_CANCEL),
        ProgressNotes.KEYS.stream()).toArray(String[]::new);

    static JobGroup of(RunContext context, Stage stage) {
      if (context.spark() == null) {
        return new JobGroup(null, null);
      }
      SparkContext spark = context.spark().sparkContext();
      String[] previous = current(spark);
      spark.setJobGroup(jobGroup(context.runId()), stage.command() + " " + context.dataset()
          + " " + context.runDate() + ", run " + context.runId(), false);
      return new JobGroup(spark, previous);
    }

    /** The calling thread's job group and progress notes ({@link #KEYS}); null without Spark. */
    static String[] current(SparkContext spark) {
      if (spark == null) {
        return null;
      }
      String[] values = new String[KEYS.length];
      for (int i = 0; i < KEYS.length; i++) {
        values[i] = spark.getLocalProperty(KEYS[i]);
      }
      return values;
    }

    /** Puts {@code values} (from {@link #current}) on the calling thread. */
    static void set(SparkContext spark, String[] values) {
      if (spark == null) {
        return;
      }
      for (int i = 0; i < KEYS.length; i++) {
        spark.setLocalProperty(KEYS[i], values[i]);
      }
    }

    @Override
    public void close() {
      set(spark, previous);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getName() : message;
  }
}
