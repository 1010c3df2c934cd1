package org.deepline.pipeline;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.deepline.core.RunContext;
import org.deepline.core.SmallInputPlanning;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableStates;
import org.deepline.core.Warehouse;
import org.deepline.etl.IngestJob;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.leakage.LeakageJob;
import org.deepline.monitoring.DriftJob;
import org.deepline.quality.ValidationJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.ScoreJob;
import org.deepline.tracking.RunRecorder;
import org.deepline.training.TrainJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stage in order, each recorded as a child run of the pipeline's run; the first failure stops
 * the pipeline (its child record says why). The pipeline's own record carries every stage's metrics
 * as {@code stage.metric} and every artifact as {@code stage.artifact}.
 *
 * <pre>{@code
 * StageResult all = new Pipeline(recorder).run(context);
 * double auc = all.metric("evaluate.roc_auc");
 * }</pre>
 */
public final class Pipeline implements Stage {
  /** The stages in the order the pipeline runs them. */
  public static final List<Supplier<Stage>> STAGES = List.of(IngestJob::new, ValidationJob::new,
      SplitJob::new, FeatureJob::new, LeakageJob::new, TrainJob::new, ScoreJob::new,
      EvaluateJob::new);
  /**
   * A night's run for one date with the model already registered: the date's data in, checked,
   * assigned to splits (so evaluate judges only held-out rows), scored, reported and compared with
   * the rows the model was trained on (monitor: drift, last, so that an alert it raises comes after
   * every other output of the night is written). Training is a
   * decision of its own ({@code train}, or a retraining job), not something every night repeats.
   */
  public static final List<Supplier<Stage>> NIGHTLY_STAGES = List.of(IngestJob::new,
      ValidationJob::new, SplitJob::forScoring, ScoreJob::new, EvaluateJob::new, DriftJob::new);

  /** The metric of a night whose ingest read no row, and which ran no later stage. */
  public static final String NOTHING_LOADED = "nothing_loaded";
  private static final String INGEST = new IngestJob().command();
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final RunRecorder recorder;
  private final String command;
  private final List<Supplier<Stage>> stages;
  /**
   * Whether a date whose ingest read no row is done after it: an incremental database load on a
   * night with no change at the source (a weekend), which has nothing to validate, split, score,
   * evaluate or compare, where validate failed its size check (exit 5) on every quiet night (the
   * seventh sweep). A file source with no row fails in ingest itself.
   */
  private final boolean doneWhenNothingLoaded;

  /** The whole pipeline, {@link #STAGES}. */
  public Pipeline(RunRecorder recorder) {
    this(recorder, "pipeline", STAGES);
  }

  private Pipeline(RunRecorder recorder, String command, List<Supplier<Stage>> stages) {
    this(recorder, command, stages, false);
  }

  private Pipeline(RunRecorder recorder, String command, List<Supplier<Stage>> stages,
      boolean doneWhenNothingLoaded) {
    this.recorder = recorder;
    this.command = command;
    this.stages = stages;
    this.doneWhenNothingLoaded = doneWhenNothingLoaded;
  }

  /**
   * {@code stages} run as one step of another command ({@code retrain}), each a child run of the
   * context given to {@link #run}.
   */
  static Pipeline of(RunRecorder recorder, String command, List<Supplier<Stage>> stages) {
    return new Pipeline(recorder, command, stages);
  }

  /** One date of {@link #NIGHTLY_STAGES}, recorded as a run of command {@code nightly}. */
  public static Pipeline nightly(RunRecorder recorder) {
    return nightly(recorder, NIGHTLY_STAGES);
  }

  /** {@link #nightly(RunRecorder)} of other stages (a test's). */
  static Pipeline nightly(RunRecorder recorder, List<Supplier<Stage>> stages) {
    return new Pipeline(recorder, "nightly", stages, true);
  }

  @Override
  public Name name() {
    return new Name(command, "Run " + stages.stream().map(stage -> stage.get().command())
        .collect(Collectors.joining(", ")) + " in this order.");
  }

  /** Every table its stages replace a run date in, in the order they do. */
  @Override
  public List<Warehouse.Table> replacedTables() {
    return stages.stream().flatMap(stage -> stage.get().replacedTables().stream()).toList();
  }

  /** Whether {@code stage} is the ingest of a date that read no row. */
  private static boolean nothingLoaded(Stage stage, StageResult result) {
    return INGEST.equals(stage.command())
        && Double.valueOf(0).equals(result.metrics().get(IngestJob.ROWS_READ));
  }

  /** Each stage plans for its own input: ingest's source is not the silver table of later ones. */
  @Override
  public long inputBytes(RunContext context) {
    return SmallInputPlanning.UNKNOWN_SIZE;
  }

  @Override
  public int inputColumns(RunContext context) {
    return SmallInputPlanning.UNKNOWN_WIDTH;
  }

  /**
   * Runs the stages; each stage's record is appended while the next one runs
   * ({@link RunRecorder#appendingInBackground}), and all are in the runs table when this returns
   * or throws, before the pipeline's own record. The Delta state of the tables the stages replace
   * dates in is loaded meanwhile on another thread ({@link TableStates}): a re-run of a date finds
   * it built.
   */
  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder all = StageResult.builder();
    try (RunRecorder stageRecorder = recorder.appendingInBackground();
        TableStates states = TableStates.loadInBackground(context.spark(),
            replacedTables().stream().map(context::table).toList())) {
      for (Supplier<Stage> supplier : stages) {
        Stage stage = supplier.get();
        StageResult result =
            stageRecorder.run(context.child(RunContext.newRunId(), stage.command()), stage);
        result.inputs().forEach(all::input);
        result.outputs().forEach(all::output);
        result.metrics().forEach((name, value) -> all.metric(stage.command() + "." + name,
            value));
        result.artifacts().forEach((name, uri) -> all.artifact(stage.command() + "." + name,
            uri));
        if (doneWhenNothingLoaded && nothingLoaded(stage, result)) {
          LOG.warn("{} {}: ingest read no row (no change at the source since the last load): "
              + "nothing to validate, score or evaluate for the date", command, context.runDate());
          all.metric(NOTHING_LOADED, 1);
          break;
        }
      }
    }
    return all.build();
  }
}
