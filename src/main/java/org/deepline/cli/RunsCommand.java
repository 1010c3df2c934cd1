package org.deepline.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeeplineException;
import org.deepline.core.Json;
import org.deepline.core.SparkSessions;
import org.deepline.core.Warehouse;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads the runs table: how scripts and notebooks find a run's metrics, tables and artifacts. */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Show recorded runs.",
    subcommands = {RunsCommand.Show.class, RunsCommand.ListRuns.class})
final class RunsCommand {

  abstract static class RunsOptions {
    @Option(names = "--warehouse", paramLabel = "URI", defaultValue = CommonOptions.DEFAULT_WAREHOUSE,
        description = "Root of all tables and artifacts (default: ${DEFAULT-VALUE}).")
    String warehouse;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    RunRegistry registry() {
      SparkSession spark = SparkSessions.getOrCreate();
      return new RunRegistry(spark, Warehouse.at(warehouse));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print one run record: the latest (--last) or a given one (--run-id).")
  static final class Show extends RunsOptions implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
      @Option(names = "--last", required = true, description = "The most recently finished run.")
      boolean last;

      @Option(names = "--run-id", required = true, paramLabel = "ID", description = "A run id.")
      String runId;
    }

    @Override
    public Integer call() {
      RunRegistry registry = registry();
      RunRecord record = (which.runId != null ? registry.find(which.runId) : registry.last())
          .orElseThrow(() -> new DeeplineException("no " + (which.runId != null
              ? "run " + which.runId : "run") + " recorded in " + registry.path()));
      System.out.println(json ? Json.write(record) : describe(record));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The latest runs, newest first.")
  static final class ListRuns extends RunsOptions implements Callable<Integer> {
    private static final int DEFAULT_LIMIT = 20;

    @Option(names = "--limit", defaultValue = "" + DEFAULT_LIMIT,
        description = "How many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit <= 0) {
        throw new DeeplineException("--limit: must be > 0, got " + limit);
      }
      List<RunRecord> records = registry().recent(limit);
      if (json) {
        System.out.println(Json.write(records));
      } else {
        records.forEach(r -> System.out.printf(Locale.ROOT, "%-22s %-9s %-10s %-10s %-9s %8.1f s%n",
            r.runId(), r.command(), r.dataset(), r.runDate(), r.status(), r.durationMs() / 1000.0));
      }
      return 0;
    }
  }

  static String describe(RunRecord r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "run %s: %s of %s for %s, %s in %.1f s%n", r.runId(),
        r.command(), r.dataset(), r.runDate(), r.status(), r.durationMs() / 1000.0));
    if (r.parentRunId() != null) {
      out.append("  part of run ").append(r.parentRunId()).append('\n');
    }
    if (r.error() != null) {
      out.append("  error: ").append(r.error()).append('\n');
    }
    r.metrics().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e ->
        out.append(String.format(Locale.ROOT, "  %s = %.4f%n", e.getKey(), e.getValue())));
    r.artifacts().forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    r.outputs().forEach(t -> out.append("  wrote ").append(t.path()).append(" @ v").append(t.version())
        .append('\n'));
    return out.toString().stripTrailing();
  }
}
