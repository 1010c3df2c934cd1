package org.deepline.pipeline;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.deepline.compression.CompressJob;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Stage;
import org.deepline.etl.FormatsStudy;
import org.deepline.featurestore.FeatureStoreJob;
import org.deepline.labeling.LabelJob;
import org.deepline.monitoring.DriftJob;
import org.deepline.sampling.SampleJob;
import org.deepline.scoring.StreamScoreJob;
import org.deepline.tracking.RunRecorder;

/**
 * Every stage a user can run by its command name: the command line registers one subcommand per
 * entry, and the notebook facade runs the same stages by name, so both run one implementation.
 *
 * <pre>{@code
 * Stage features = Stages.named("features", recorder);
 * StageResult result = recorder.run(context, features);
 * }</pre>
 */
public final class Stages {
  /**
   * Every stage in pipeline order, the pipeline itself, then monitor (drift, run by nightly
   * last), retrain (the champion/challenger loop), compress (run on demand after train,
   * not part of the pipeline), streaming scoring, the formats study, sample, label (weak labels, on demand) and the
   * feature store. A stage that runs others (the pipeline) records them through the recorder given.
   */
  public static final List<Function<RunRecorder, Stage>> ALL = Stream.concat(
      Pipeline.STAGES.stream().map(supplier -> (Function<RunRecorder, Stage>) r -> supplier.get()),
      Stream.<Function<RunRecorder, Stage>>of(Pipeline::new, recorder -> new DriftJob(),
          recorder -> new Retrain(recorder, false),
          recorder -> new CompressJob(), recorder -> new StreamScoreJob(),
          recorder -> new FormatsStudy(), recorder -> new SampleJob(),
          recorder -> new LabelJob(), recorder -> new FeatureStoreJob()))
      .toList();

  private Stages() {}

  /** The command names of {@link #ALL}, in its order. */
  public static List<String> commands() {
    return ALL.stream().map(factory -> factory.apply(null).command()).toList();
  }

  /** The stage run by {@code command}; fails naming the known commands when there is none. */
  public static Stage named(String command, RunRecorder recorder) {
    for (Function<RunRecorder, Stage> factory : ALL) {
      Stage stage = factory.apply(recorder);
      if (stage.command().equals(command)) {
        return stage;
      }
    }
    throw new DeeplineException(Failure.USAGE, "no stage " + command + " (stages: "
        + String.join(", ", commands()) + ")");
  }
}
