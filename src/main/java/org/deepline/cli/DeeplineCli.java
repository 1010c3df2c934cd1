package org.deepline.cli;

import java.io.PrintWriter;
import org.deepline.core.DeeplineException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code deepline <command> [options]}, launched by spark-submit
 * ({@code submit/deepline-submit}) or plain {@code java}. Exit code 0 on success, 1 with a one-line
 * reason for a problem the user can fix (bad config, bad data, failed gate), 2 for bad usage, 3 with a
 * stack trace for anything unexpected.
 */
@Command(name = "deepline", mixinStandardHelpOptions = true, version = "deepline 0.1.0",
    description = "A deep-learning system run as Spark batch jobs over Delta tables.",
    subcommands = {StageCommands.Ingest.class, StageCommands.Validate.class,
        StageCommands.Split.class, StageCommands.Features.class, StageCommands.Leakage.class,
        StageCommands.Train.class, StageCommands.Score.class, StageCommands.Evaluate.class,
        StageCommands.RunPipeline.class, RunsCommand.class})
public final class DeeplineCli implements Runnable {
  public static final int USER_ERROR = 1;
  public static final int UNEXPECTED_ERROR = 3;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
  }

  /** Runs the command line and returns its exit code, without exiting (for tests and notebooks). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new DeeplineCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof DeeplineException) {
        err.println("deepline: error: " + e.getMessage());
        return USER_ERROR;
      }
      err.println("deepline: unexpected failure: " + e);
      e.printStackTrace(err);
      return UNEXPECTED_ERROR;
    });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    int code = execute(args);
    System.exit(code);
  }
}
