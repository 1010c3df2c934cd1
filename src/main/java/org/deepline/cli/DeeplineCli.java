package org.deepline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Stage;
import org.deepline.labeling.LabelJob;
import org.deepline.pipeline.Retrain;
import org.deepline.pipeline.Stages;
import org.deepline.quality.ValidationJob;
import org.deepline.tracking.RunRecorder;
import picocli.CommandLine;
import org.deepline.training.SanityCheck;
import org.deepline.training.TrainJob;
import org.deepline.training.Tuner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one entry point: {@code deepline <command> [options]}, launched by spark-submit
 * ({@code submit/deepline-submit}) or plain {@code java}. Exit code 0 on success; a problem the user
 * can fix prints a one-line reason and exits with its {@link Failure}'s code (1 input, 2 usage,
 * 4 config, 5 data quality, 6 leakage gate, 7 model gate, 8 infrastructure, 9 drift, 10 a run
 * date locked by another run); anything unexpected
 * prints a stack trace and exits 3. The table for schedulers: docs/operations.md.
 */
@Command(name = "deepline", mixinStandardHelpOptions = true, version = "deepline 0.1.0",
    description = "A deep-learning system run as Spark batch jobs over Delta tables.")
public final class DeeplineCli implements Runnable {
  public static final int UNEXPECTED_ERROR = 3;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
  }

  /** Runs the command line and returns its exit code, without exiting (for tests and notebooks). */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  /**
   * {@link #execute(String...)} with {@code environment} in place of the process's for the
   * commands that read settings from it ({@code feature-lookup}: {@code REDIS_URL},
   * {@code REDIS_PASSWORD}).
   */
  static int execute(Map<String, String> environment, String... args) {
    CommandLine cli = new CommandLine(new DeeplineCli());
    for (Function<RunRecorder, Stage> factory : Stages.ALL) {
      Stage stage = factory.apply(null);
      CommandLine command;
      if (stage instanceof TrainJob) {
        TrainOptions trainOptions = new TrainOptions();
        command = new CommandLine(new StageCommand(
            recorder -> new TrainJob(trainOptions.resumeRunId, trainOptions.sanity,
                trainOptions.tune, recorder)));
        command.addMixin("train", trainOptions);
      } else if (stage instanceof LabelJob) {
        LabelOptions labelOptions = new LabelOptions();
        command = new CommandLine(new StageCommand(
            recorder -> new LabelJob(labelOptions.uncertain)));
        command.addMixin("label", labelOptions);
      } else if (stage instanceof Retrain) {
        RetrainOptions retrainOptions = new RetrainOptions();
        command = new CommandLine(new StageCommand(
            recorder -> new Retrain(recorder, retrainOptions.ifDrifted)));
        command.addMixin("retrain", retrainOptions);
      } else if (stage instanceof ValidationJob) {
        ValidateOptions validateOptions = new ValidateOptions();
        command = new CommandLine(new StageCommand(
            recorder -> new ValidationJob(validateOptions.suggest, System.out)));
        command.addMixin("validate", validateOptions);
      } else {
        command = new CommandLine(new StageCommand(factory));
      }
      command.getCommandSpec().usageMessage().description(stage.description());
      cli.addSubcommand(stage.command(), command);
    }
    cli.addSubcommand(new NightlyCommand());
    cli.addSubcommand(new CheckCommand());
    cli.addSubcommand(new ConfigReferenceCommand());
    cli.addSubcommand(new RunsCommand());
    cli.addSubcommand(new ModelsCommand());
    cli.addSubcommand(new FeatureLookupCommand(environment));
    // Set after the subcommands are added: picocli copies it down the hierarchy present at this call.
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      Optional<DeeplineException> user = DeeplineException.in(e);
      if (user.isPresent()) {
        err.println("deepline: error: " + user.get().getMessage());
      } else {
        err.println("deepline: " + (infrastructure(e) ? "infrastructure" : "unexpected")
            + " failure: " + e);
        e.printStackTrace(err);
      }
      return exitCode(e);
    });
    return cli.execute(args);
  }

  /**
   * The exit code a command's failure ends the process with: its {@link Failure}'s code, 8 for
   * storage or network trouble (an I/O error anywhere in the causes), 3 for anything else.
   */
  static int exitCode(Throwable failure) {
    return DeeplineException.in(failure).map(user -> user.failure().exitCode())
        .orElse(infrastructure(failure) ? Failure.INFRASTRUCTURE.exitCode() : UNEXPECTED_ERROR);
  }

  private static boolean infrastructure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code train --resume RUN_ID | --sanity | --tune}: read when the command runs, after picocli
   * parsed.
   */
  static final class TrainOptions {
    @Option(names = "--resume", paramLabel = "RUN_ID",
        description = "Continue the killed train run RUN_ID from its last complete checkpoint "
            + "(same config, run date and features table).")
    String resumeRunId;

    @Option(names = "--sanity",
        description = "Only check, in seconds, that the configured network can memorise "
            + SanityCheck.ROWS + " training rows (no dropout or L2); exits 7 when it cannot. "
            + "Registers nothing. Run it before a long training run.")
    boolean sanity;

    @Option(names = "--tune",
        description = "Search the tuning section's space (random configurations, asynchronous "
            + "successive halving on validation ROC AUC, within tuning.max_trials and "
            + "tuning.max_minutes, default 10), record every trial as a child run, register the "
            + "winner like a plain train run and write its training section to "
            + "<model dir>/" + Tuner.TUNED_TRAINING_FILE + ". Excludes --resume and --sanity.")
    boolean tune;
  }

  /** {@code retrain --if-drifted}: read when the command runs, after picocli parsed. */
  static final class RetrainOptions {
    @Option(names = "--if-drifted",
        description = "Retrain only when monitor found a drifted column (or drifted "
            + "probabilities) on the run date; otherwise record that there was no cause and exit "
            + "0. Fails when monitor has not run for the date.")
    boolean ifDrifted;
  }

  /** {@code label --uncertain N}: read when the command runs, after picocli parsed. */
  static final class LabelOptions {
    @Option(names = "--uncertain", paramLabel = "N",
        description = "Instead of weak labels, write the N rows of the run date's predictions "
            + "nearest the model's decision threshold (with their silver columns) to to_label, "
            + "for people to label. Needs score to have run for the date.")
    Integer uncertain;
  }

  /** {@code validate --suggest}: read when the command runs, after picocli parsed. */
  static final class ValidateOptions {
    @Option(names = "--suggest",
        description = "Also propose constraints from the profile (completeness, uniqueness, "
            + "allowed values, ranges): printed as a JSON snippet for the validation section and "
            + "saved as reports/<run_date>/suggested_constraints.json. Never fails the run.")
    boolean suggest;
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }
}
