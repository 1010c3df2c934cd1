package org.deepline.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.deepline.core.DeeplineException;
import org.deepline.tracking.MlflowExport;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads the runs table: how scripts and notebooks find a run's metrics, tables and artifacts. */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "Show, compare and export recorded runs (read without starting Spark).",
    subcommands = {RunsCommand.Show.class, RunsCommand.ListRuns.class, RunsCommand.Compare.class,
        RunsCommand.Export.class})
final class RunsCommand {

  abstract static class RunsOptions extends WarehouseOptions {
    RunRegistry registry() {
      return new RunRegistry(warehouse());
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
      RunRecord record = which.runId != null ? registry.require(which.runId)
          : registry.last().orElseThrow(() -> new DeeplineException("no run recorded in "
              + registry.path()));
      print(record, describe(record));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The latest runs, newest first.")
  static final class ListRuns extends RunsOptions implements Callable<Integer> {
    private static final int DEFAULT_LIMIT = 20;

    @Option(names = "--limit", defaultValue = "" + DEFAULT_LIMIT,
        description = "How many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Only runs of this data set.")
    String dataset;

    @Override
    public Integer call() {
      if (limit <= 0) {
        throw new DeeplineException(DeeplineException.Failure.USAGE,
            "--limit: must be > 0, got " + limit);
      }
      // Without a data set only the newest files are read; runs of one data set may be anywhere.
      List<RunRecord> records = dataset == null ? registry().recent(limit)
          : registry().all().stream().filter(r -> dataset.equals(r.dataset())).limit(limit)
              .toList();
      StringBuilder text = new StringBuilder();
      records.forEach(r -> text.append(String.format(Locale.ROOT,
          "%-22s %-9s %-10s %-10s %-9s %8.1f s%n", r.runId(), r.command(), r.dataset(),
          r.runDate(), r.status(), r.durationMs() / 1000.0)));
      // Nothing printed looked like a warehouse without runs, and a mistyped path is one.
      print(records, records.isEmpty() ? "no run recorded in " + registry().path()
          + (dataset == null ? "" : " for data set " + dataset)
          : text.toString().stripTrailing());
      return 0;
    }
  }

  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Runs side by side: the config values that differ (all with --all-params), "
          + "every metric, the inputs read, the build and config hash.")
  static final class Compare extends RunsOptions implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "RUN_ID", description = "Two or more run ids.")
    List<String> runIds;

    @Option(names = "--all-params", description = "Show every config value, not only the ones "
        + "that differ.")
    boolean allParams;

    /** The comparison as JSON: each row has one value per run, in the order given. */
    record Comparison(List<String> runs, Map<String, List<String>> runInfo,
        Map<String, List<String>> params, Map<String, List<Double>> metrics) {}

    @Override
    public Integer call() {
      RunRegistry registry = registry();
      List<RunRecord> records = runIds.stream().map(registry::require).toList();
      Map<String, List<String>> info = new LinkedHashMap<>();
      info.put("command", column(records, RunRecord::command));
      info.put("dataset", column(records, RunRecord::dataset));
      info.put("run_date", column(records, RunRecord::runDate));
      info.put("status", column(records, RunRecord::status));
      info.put("git_commit", column(records, RunRecord::gitCommit));
      info.put("config_hash", column(records, RunRecord::configHash));
      info.put("inputs", column(records, r -> r.inputs().stream()
          .map(t -> shortName(t.path()) + "@v" + t.version()).toList().toString()));
      Map<String, List<String>> params = new TreeMap<>();
      TreeSet<String> keys = new TreeSet<>();
      records.forEach(r -> keys.addAll(r.params().keySet()));
      for (String key : keys) {
        List<String> values = column(records, r -> r.params().get(key));
        if (allParams || values.stream().distinct().count() > 1) {
          params.put(key, values);
        }
      }
      Map<String, List<Double>> metrics = new TreeMap<>();
      records.forEach(r -> r.metrics().keySet().forEach(k -> metrics.computeIfAbsent(k,
          key -> records.stream().map(x -> x.metrics().get(key)).toList())));
      Comparison comparison = new Comparison(runIds, info, params, metrics);
      print(comparison, table(comparison));
      return 0;
    }

    private static String table(Comparison c) {
      List<List<String>> rows = new ArrayList<>();
      List<String> header = new ArrayList<>(List.of(""));
      header.addAll(c.runs());
      rows.add(header);
      c.runInfo().forEach((key, values) -> rows.add(row(key, values)));
      c.params().forEach((key, values) -> rows.add(row("param " + key, values)));
      c.metrics().forEach((key, values) -> rows.add(row(key, values.stream()
          .map(v -> v == null ? null : String.format(Locale.ROOT, "%.4f", v)).toList())));
      int[] widths = new int[header.size()];
      rows.forEach(row -> {
        for (int i = 0; i < row.size(); i++) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      });
      StringBuilder out = new StringBuilder();
      for (List<String> row : rows) {
        for (int i = 0; i < row.size(); i++) {
          out.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row.get(i)))
              .append(i + 1 < row.size() ? "  " : "\n");
        }
      }
      return out.toString().stripTrailing();
    }

    private static List<String> row(String key, List<String> values) {
      List<String> row = new ArrayList<>(List.of(key));
      values.forEach(v -> row.add(Objects.toString(v, "-")));
      return row;
    }

    private static List<String> column(List<RunRecord> records,
        java.util.function.Function<RunRecord, String> value) {
      return records.stream().map(value).toList();
    }

    private static String shortName(String tablePath) {
      return tablePath.substring(tablePath.lastIndexOf('/') + 1);
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write every run in MLflow's file-store layout, for mlflow ui "
          + "--backend-store-uri DIR.")
  static final class Export extends RunsOptions implements Callable<Integer> {
    @Option(names = "--mlflow", paramLabel = "DIR", required = true,
        description = "The mlruns directory to write (created if missing; runs already in it are "
            + "replaced).")
    Path mlruns;

    @Override
    public Integer call() {
      MlflowExport.Summary summary = MlflowExport.write(registry().all(), mlruns);
      print(summary, "exported " + summary.runs() + " runs in " + summary.experiments()
          + " experiments to " + summary.root() + " (mlflow ui --backend-store-uri "
          + summary.root() + ")");
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
    if (r.gitCommit() != null) {
      out.append("  build ").append(r.gitCommit()).append(", config ").append(r.configHash())
          .append('\n');
    }
    if (r.error() != null) {
      out.append("  error: ").append(r.error()).append('\n');
    }
    r.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        out.append(String.format(Locale.ROOT, "  %s = %.4f%n", e.getKey(), e.getValue())));
    r.artifacts().forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    r.inputs().forEach(t -> out.append("  read ").append(t.path()).append(" @ v").append(t.version())
        .append('\n'));
    r.outputs().forEach(t -> out.append("  wrote ").append(t.path()).append(" @ v").append(t.version())
        .append('\n'));
    return out.toString().stripTrailing();
  }
}
