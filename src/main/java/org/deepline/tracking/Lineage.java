package org.deepline.tracking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.deepline.core.DeeplineException;
import org.deepline.core.TableRef;

/**
 * Where a model version came from: every Delta table version its training read, directly or through
 * the runs that wrote those versions, found from run records alone. Reading a listed table at its
 * version ({@code versionAsOf}) and run date gives back exactly the rows the run read, however often
 * the date was re-run since.
 *
 * <pre>{@code
 * Lineage lineage = Lineage.of(models.resolve("churn", "champion"), runs.all());
 * Lineage.Source features = lineage.sources().get(0);   // what train read
 * spark.read().format("delta").option("versionAsOf", features.table().version())
 *     .load(features.table().path()).where("run_date = '" + features.runDate() + "'");
 * }</pre>
 *
 * @param training the {@code train} run that made the model (its run id is the model version)
 * @param sources  the tables read, nearest first: the training run's inputs, then their writers'
 */
public record Lineage(ModelRegistry.ModelEntry model, RunRecord training, List<Source> sources) {

  /**
   * One table version a run read.
   *
   * @param depth     1 for what training read, 2 for what the runs that wrote those read, ...
   * @param runDate   the slice the reading run used (stages read their run date's rows)
   * @param readBy    the run that read it
   * @param writtenBy the run that wrote this version; null when no record of it is in the runs
   *                  table (a table written outside deepline)
   * @param writer    that run's command ({@code ingest}, {@code split}, ...), or null
   */
  public record Source(TableRef table, String runDate, int depth, String readBy, String writtenBy,
      String writer) {}

  public Lineage {
    sources = List.copyOf(sources);
  }

  /** Follows run records from the model's training run back through the runs that wrote its inputs. */
  public static Lineage of(ModelRegistry.ModelEntry model, List<RunRecord> runs) {
    Map<String, RunRecord> byId = runs.stream()
        .collect(Collectors.toMap(RunRecord::runId, r -> r, (a, b) -> a));
    RunRecord training = byId.get(model.runId());
    if (training == null) {
      throw new DeeplineException("model " + model.modelVersion() + " of " + model.dataset()
          + ": its train run " + model.runId() + " has no run record, so its inputs are unknown");
    }
    Map<TableRef, RunRecord> writers = writers(runs);
    List<Source> sources = new ArrayList<>();
    Set<TableRef> seen = new HashSet<>();
    Deque<RunRecord> readers = new ArrayDeque<>(List.of(training));
    Map<String, Integer> depth = new HashMap<>(Map.of(training.runId(), 1));
    while (!readers.isEmpty()) {
      RunRecord reader = readers.poll();
      for (TableRef input : reader.inputs()) {
        if (!seen.add(input)) {
          continue;
        }
        Optional<RunRecord> writer = Optional.ofNullable(writers.get(input));
        sources.add(new Source(input, reader.runDate(), depth.get(reader.runId()), reader.runId(),
            writer.map(RunRecord::runId).orElse(null), writer.map(RunRecord::command).orElse(null)));
        writer.filter(w -> !depth.containsKey(w.runId())).ifPresent(w -> {
          depth.put(w.runId(), depth.get(reader.runId()) + 1);
          readers.add(w);
        });
      }
    }
    return new Lineage(model, training, sources);
  }

  /**
   * The successful run that wrote each table version. A pipeline's own record repeats its stages'
   * outputs; the stage that did the writing is the one that counts, so records with child runs are
   * left out.
   */
  private static Map<TableRef, RunRecord> writers(List<RunRecord> runs) {
    Set<String> parents = runs.stream().map(RunRecord::parentRunId)
        .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    Map<TableRef, RunRecord> writers = new HashMap<>();
    for (RunRecord run : runs) {
      if (RunRecord.SUCCEEDED.equals(run.status()) && !parents.contains(run.runId())) {
        run.outputs().forEach(table -> writers.putIfAbsent(table, run));
      }
    }
    return writers;
  }
}
