package org.deepline.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.tracking.ProgressListener;
import picocli.CommandLine.Option;

/** The options every stage command takes. */
public final class CommonOptions {
  public static final String DEFAULT_WAREHOUSE = "./warehouse";
  /** A shorter interval would log progress as often as a terminal redraws it. */
  static final long MIN_PROGRESS_INTERVAL_SECONDS = 1;

  @Option(names = "--conf", paramLabel = "FILE", required = true,
      description = "Job config (JSON), e.g. conf/churn.json.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
      description = "Override one config value, e.g. --set training.epochs=5 "
          + "--set training.layers[0].units=64. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--warehouse", paramLabel = "URI", defaultValue = DEFAULT_WAREHOUSE,
      description = "Root of all tables and artifacts: a path, file:, hdfs:// or s3a:// URI "
          + "(default: ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
      description = "The date this run processes; re-running a date replaces its output "
          + "(default: today, UTC; for nightly, yesterday).")
  String runDate;

  @Option(names = "--progress", negatable = true,
      description = "Show progress as one line rewritten in place on stderr (--progress), or as "
          + "occasional 'progress stage=...' log lines (--no-progress). Default: the line on a "
          + "terminal, log lines otherwise (schedulers).")
  Boolean progress;

  @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = ProgressListener.DEFAULT_SCHEDULER_INTERVAL_SECONDS,
      description = "Off a terminal, at most one progress log line per stage this often "
          + "(default: ${DEFAULT-VALUE}).")
  long progressIntervalSeconds;

  /**
   * The progress display this run asked for, or found (a terminal or not); called before Spark
   * starts, so a bad interval is a usage error at once.
   */
  ProgressListener progressListener() {
    if (progressIntervalSeconds < MIN_PROGRESS_INTERVAL_SECONDS) {
      throw new DeeplineException(Failure.USAGE, "--progress-interval: must be at least "
          + MIN_PROGRESS_INTERVAL_SECONDS + " second, got " + progressIntervalSeconds);
    }
    boolean terminal = progress != null ? progress : System.console() != null;
    return terminal ? ProgressListener.forTerminal()
        : ProgressListener.forScheduler(Duration.ofSeconds(progressIntervalSeconds));
  }
}
