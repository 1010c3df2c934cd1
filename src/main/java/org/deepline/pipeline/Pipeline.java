package org.deepline.pipeline;

import java.util.List;
import java.util.function.Supplier;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.etl.IngestJob;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.leakage.LeakageJob;
import org.deepline.quality.ValidationJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.ScoreJob;
import org.deepline.tracking.RunRecorder;
import org.deepline.training.TrainJob;

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

  private final RunRecorder recorder;

  public Pipeline(RunRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public String command() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "Run every stage in order: ingest, validate, split, features, leakage, "
        + "train, score, evaluate.";
  }

  @Override
  public StageResult run(RunContext context) {
    StageResult.Builder all = StageResult.builder();
    for (Supplier<Stage> supplier : STAGES) {
      Stage stage = supplier.get();
      StageResult result = recorder.run(context.child(RunContext.newRunId(), stage.command()), stage);
      result.inputs().forEach(all::input);
      result.outputs().forEach(all::output);
      result.metrics().forEach((name, value) -> all.metric(stage.command() + "." + name, value));
      result.artifacts().forEach((name, uri) -> all.artifact(stage.command() + "." + name, uri));
    }
    return all.build();
  }
}
