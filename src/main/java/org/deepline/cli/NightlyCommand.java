package org.deepline.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.SparkSessions;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.pipeline.Pipeline;
import org.deepline.pipeline.RunDateLocks;
import org.deepline.tracking.ProgressListener;
import org.deepline.tracking.RunRecorder;
import org.deepline.tracking.RunRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deepline nightly}: a scheduler's run of one date (yesterday by default) or a backfill over
 * a range, each date through {@link Pipeline#NIGHTLY_STAGES} with the registered model. Dates run
 * oldest first in one Spark session, each recorded as its own {@code nightly} run; every date's
 * lock is taken before Spark starts, so a date another run holds fails at once with exit code 10.
 * Re-running a date replaces its output, so a failed backfill is resumed by running it again.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "A scheduler's run: ingest, validate, split, score, evaluate and monitor one date "
        + "(--run-date, default yesterday UTC) or every date from --from to --to with the "
        + "registered model; a date another run holds exits 10. See docs/operations.md.")
final class NightlyCommand implements Callable<Integer> {
  /** A longer backfill is almost surely a typo in a year; split it into several runs if meant. */
  static final int MAX_BACKFILL_DATES = 1000;

  @Mixin
  CommonOptions options;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD",
      description = "First date of a backfill (with --to; not with --run-date).")
  String from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD",
      description = "Last date of a backfill, included.")
  String to;

  @Option(names = "--lock-dir", paramLabel = "DIR",
      description = "Directory of the per-date lock files (default: $DEEPLINE_LOCK_DIR, else "
          + "deepline-locks under the temp directory).")
  Path lockDir;

  @Override
  public Integer call() {
    DeeplineConfig config = ConfigLoader.load(options.conf, options.overrides);
    List<String> dates = dates(options.runDate, from, to);
    ProgressListener progress = options.progressListener();
    Warehouse warehouse = Warehouse.at(options.warehouse);
    try (RunDateLocks.Held held = RunDateLocks.in(lockDirectory())
        .acquire(config.dataset(), warehouse, dates)) {
      SparkSession spark = SparkSessions.getOrCreate();
      RunRecorder recorder = new RunRecorder(new RunRegistry(spark, warehouse), progress);
      try (ProgressListener.Attached attached = progress.attachTo(spark.sparkContext())) {
        runDates(config, warehouse, spark, recorder, dates);
      }
    }
    return 0;
  }

  private static void runDates(DeeplineConfig config, Warehouse warehouse, SparkSession spark,
      RunRecorder recorder, List<String> dates) {
    List<String> done = new ArrayList<>();
    for (String runDate : dates) {
      Pipeline nightly = Pipeline.nightly(recorder);
      RunContext context = new RunContext(RunContext.newRunId(), null, nightly.command(),
          runDate, config, warehouse, spark);
      long start = System.currentTimeMillis();
      StageResult result;
      try {
        result = recorder.run(context, nightly);
      } catch (RuntimeException e) {
        if (!done.isEmpty()) {
          System.err.println("nightly " + config.dataset() + ": dates done before the failure: "
              + done + "; " + runDate + " failed, later dates not started");
        }
        throw e;
      }
      done.add(runDate);
      if (result.metrics().containsKey(Pipeline.NOTHING_LOADED)) {
        System.out.printf(Locale.ROOT, "nightly %s %s: succeeded in %.1f s (run %s): no row "
                + "loaded (no change at the source), nothing scored%n", config.dataset(), runDate,
            (System.currentTimeMillis() - start) / 1000.0, context.runId());
        continue;
      }
      if (result.metrics().containsKey(REGRESSION_RMSE)) {
        System.out.printf(Locale.ROOT, "nightly %s %s: succeeded in %.1f s (run %s): %d rows "
                + "scored, test RMSE %.4g, R² %.4f%n", config.dataset(), runDate,
            (System.currentTimeMillis() - start) / 1000.0, context.runId(),
            (long) result.metric("score.rows_scored"), result.metric(REGRESSION_RMSE),
            result.metric("evaluate.r2"));
        continue;
      }
      double rocAuc = result.metric("evaluate.roc_auc");
      // A date of one class has no ROC AUC: evaluate's WARN says why, the line says so too.
      System.out.printf(Locale.ROOT, "nightly %s %s: succeeded in %.1f s (run %s): %d rows "
              + "scored, test ROC AUC %s%n", config.dataset(), runDate,
          (System.currentTimeMillis() - start) / 1000.0, context.runId(),
          (long) result.metric("score.rows_scored"), Double.isNaN(rocAuc)
              ? "undefined (the test rows hold one class)"
              : String.format(Locale.ROOT, "%.4f", rocAuc));
    }
  }

  /** The metric a regression model's evaluation has and a classifier's does not. */
  private static final String REGRESSION_RMSE = "evaluate.rmse";

  private Path lockDirectory() {
    if (lockDir != null) {
      return lockDir;
    }
    String fromEnvironment = System.getenv("DEEPLINE_LOCK_DIR");
    return fromEnvironment == null || fromEnvironment.isBlank()
        ? RunDateLocks.defaultDirectory() : Path.of(fromEnvironment);
  }

  /** The dates to run, oldest first: one date (yesterday, UTC, by default) or a whole range. */
  static List<String> dates(String runDate, String from, String to) {
    if (from == null && to == null) {
      return List.of(runDate == null
          ? LocalDate.now(ZoneOffset.UTC).minusDays(1).toString()
          : RunContext.parseRunDate(runDate));
    }
    if (runDate != null) {
      throw usage("--run-date runs one date, --from/--to a range: give one or the other");
    }
    if (from == null || to == null) {
      throw usage("a backfill needs both --from and --to (the last date is included)");
    }
    LocalDate first = date("--from", from);
    LocalDate last = date("--to", to);
    if (last.isBefore(first)) {
      throw usage("--to " + last + " is before --from " + first);
    }
    List<String> dates = first.datesUntil(last.plusDays(1)).map(LocalDate::toString).toList();
    if (dates.size() > MAX_BACKFILL_DATES) {
      throw usage("--from " + first + " --to " + last + " is " + dates.size()
          + " dates, more than " + MAX_BACKFILL_DATES + " in one run; split the backfill");
    }
    return dates;
  }

  private static LocalDate date(String option, String value) {
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw usage(option + ": expected YYYY-MM-DD, got " + value);
    }
  }

  private static DeeplineException usage(String message) {
    return new DeeplineException(Failure.USAGE, "nightly: " + message);
  }
}
