package org.deepline.notebook;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Recorded runs, newest first, printing as one line per run (what {@code deepline runs list}
 * prints): id, command, data set, run date, status and duration.
 *
 * <pre>{@code
 * Runs runs = dl.runs();
 * Run newest = runs.get(0);
 * }</pre>
 */
public final class Runs implements Iterable<Run> {
  private final List<Run> runs;

  Runs(List<Run> runs) {
    this.runs = List.copyOf(runs);
  }

  public int size() {
    return runs.size();
  }

  public Run get(int index) {
    return runs.get(index);
  }

  public List<Run> list() {
    return runs;
  }

  @Override
  public Iterator<Run> iterator() {
    return runs.iterator();
  }

  @Override
  public String toString() {
    if (runs.isEmpty()) {
      return "no runs recorded";
    }
    TextTable table = new TextTable("run_id", "parent", "command", "dataset", "run_date", "status",
        "seconds");
    for (Run run : runs) {
      table.row(run.runId(), run.record().parentRunId(), run.command(), run.record().dataset(),
          run.record().runDate(), run.status(), String.format(Locale.ROOT, "%.1f", run.seconds()));
    }
    return table.toString();
  }
}
