package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deepline.core.RunContext;
import org.deepline.core.SmallInputPlanning;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.testing.ToyData;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A night whose incremental load read no row (no change at the source) is done after ingest; a
 * night that loaded rows goes on.
 */
class NightlyQuietDateTest {
  /** A stage of a given command that returns given metrics, and says whether it ran. */
  private record Scripted(String command, Map<String, Double> metrics, AtomicBoolean ran)
      implements Stage {
    @Override
    public Name name() {
      return new Name(command, "a scripted " + command);
    }

    @Override
    public long inputBytes(RunContext context) {
      return SmallInputPlanning.UNKNOWN_SIZE;
    }

    @Override
    public int inputColumns(RunContext context) {
      return SmallInputPlanning.UNKNOWN_WIDTH;
    }

    @Override
    public StageResult run(RunContext context) {
      ran.set(true);
      return StageResult.builder().metrics(metrics).build();
    }
  }

  @Test
  void aNightThatLoadedNoRowIsDoneAfterIngestAndOneThatLoadedRowsGoesOn(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 10, false);
    RunRecorder recorder = new RunRecorder(new RunRegistry(context.spark(), context.warehouse()));
    AtomicBoolean validated = new AtomicBoolean();

    StageResult quiet = recorder.run(context, Pipeline.nightly(recorder, List.of(
        () -> new Scripted("ingest", Map.of("rows_read", 0.0), new AtomicBoolean()),
        () -> new Scripted("validate", Map.of(), validated))));

    assertFalse(validated.get(), "validate ran on a date with no row");
    assertEquals(Map.of("ingest.rows_read", 0.0, Pipeline.NOTHING_LOADED, 1.0), quiet.metrics());

    StageResult loaded = recorder.run(context.child(RunContext.newRunId(), "nightly"),
        Pipeline.nightly(recorder, List.of(
            () -> new Scripted("ingest", Map.of("rows_read", 3.0), new AtomicBoolean()),
            () -> new Scripted("validate", Map.of("rows", 3.0), validated))));

    assertEquals(Map.of("ingest.rows_read", 3.0, "validate.rows", 3.0), loaded.metrics());
  }
}
