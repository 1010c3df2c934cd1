package org.deepline.cli;

import org.deepline.core.Stage;
import org.deepline.etl.IngestJob;
import org.deepline.evaluation.EvaluateJob;
import org.deepline.features.FeatureJob;
import org.deepline.leakage.LeakageJob;
import org.deepline.pipeline.Pipeline;
import org.deepline.quality.ValidationJob;
import org.deepline.sampling.SplitJob;
import org.deepline.scoring.ScoreJob;
import org.deepline.tracking.RunRecorder;
import org.deepline.training.TrainJob;
import picocli.CommandLine.Command;

/** One subcommand per stage, and {@code pipeline} for all of them. */
final class StageCommands {
  private StageCommands() {}

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "Source files -> bronze (raw), silver (typed) and quarantine (rejected, with reason).")
  static final class Ingest extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new IngestJob();
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check silver against the declared constraints; fail on an error-level breach.")
  static final class Validate extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new ValidationJob();
    }
  }

  @Command(name = "split", mixinStandardHelpOptions = true,
      description = "Assign silver records to train/validation/test (seeded, stratified by label).")
  static final class Split extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new SplitJob();
    }
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = "Fit the feature model on train, save it, and write the features table.")
  static final class Features extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new FeatureJob();
    }
  }

  @Command(name = "leakage", mixinStandardHelpOptions = true,
      description = "Fail on records shared across splits, near-perfect single features, "
          + "or a feature model not fitted on train.")
  static final class Leakage extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new LeakageJob();
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the DL4J network with parameter averaging on Spark; register the model.")
  static final class Train extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new TrainJob();
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Score silver with a registered model into the predictions table.")
  static final class Score extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new ScoreJob();
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Metrics, calibration and ROC of the predictions on a split: JSON, HTML, Delta.")
  static final class Evaluate extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new EvaluateJob();
    }
  }

  @Command(name = "pipeline", mixinStandardHelpOptions = true,
      description = "Run every stage in order: ingest, validate, split, features, leakage, train, "
          + "score, evaluate.")
  static final class RunPipeline extends StageCommand {
    @Override
    Stage stage(RunRecorder recorder) {
      return new Pipeline(recorder);
    }
  }
}
