package org.deepline.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stage and appends its run record, whether it succeeds or fails, so a failed nightly run is
 * as visible in the runs table as a good one.
 */
public final class RunRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecorder.class);

  private final RunRegistry registry;

  public RunRecorder(RunRegistry registry) {
    this.registry = registry;
  }

  public StageResult run(RunContext context, Stage stage) {
    Instant started = Instant.now();
    LOG.info("run {}: {} of {} for {} started", context.runId(), stage.command(), context.dataset(),
        context.runDate());
    try {
      StageResult result = stage.run(context);
      record(context, started, RunRecord.SUCCEEDED, result, null);
      LOG.info("run {}: {} succeeded in {} ms: {}", context.runId(), stage.command(),
          Duration.between(started, Instant.now()).toMillis(), result.metrics());
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

  private void record(RunContext context, Instant started, String status, StageResult result,
      String error) {
    Instant finished = Instant.now();
    JsonNode config = Redaction.redactedTree(context.config());
    registry.append(new RunRecord(context.runId(), context.parentRunId(), context.command(),
        context.dataset(), context.runDate(), status, started, finished,
        Duration.between(started, finished).toMillis(), config, RunRecord.hash(config),
        BuildInfo.gitCommit(), result.inputs(), result.outputs(), result.metrics(),
        result.artifacts(), error));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getName() : message;
  }
}
