package org.deepline.notebook;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deepline.tracking.RunRecord;

/**
 * One recorded run as a notebook shows it: a line saying what ran and how it ended, then its
 * metrics and artifacts as a short table. The full record, as the runs table holds it, is
 * {@link #record()}.
 *
 * <pre>{@code
 * Run train = dl.run("train");
 * double auc = train.metric("validation_roc_auc");
 * String model = train.artifact("model_version");
 * }</pre>
 */
public final class Run {
  /** How many metrics {@link #toString()} lists before it says how many more there are. */
  static final int SHOWN_METRICS = 20;

  private final RunRecord record;

  Run(RunRecord record) {
    this.record = record;
  }

  /** The record as the runs table holds it: config, inputs and outputs with versions, build. */
  public RunRecord record() {
    return record;
  }

  public String runId() {
    return record.runId();
  }

  public String command() {
    return record.command();
  }

  public String status() {
    return record.status();
  }

  public boolean succeeded() {
    return RunRecord.SUCCEEDED.equals(record.status());
  }

  public double seconds() {
    return record.durationMs() / 1000.0;
  }

  /** Every metric, by name in alphabetical order. */
  public Map<String, Double> metrics() {
    return new TreeMap<>(record.metrics());
  }

  /** One metric; fails naming the run's metrics when it has no such one. */
  public double metric(String name) {
    Double value = record.metrics().get(name);
    if (value == null) {
      throw new IllegalArgumentException("run " + runId() + " (" + command() + ") has no metric "
          + name + "; it has " + metrics().keySet());
    }
    return value;
  }

  /** Every artifact (saved file or named value), by name in alphabetical order. */
  public Map<String, String> artifacts() {
    return new TreeMap<>(record.artifacts());
  }

  /** One artifact; fails naming the run's artifacts when it has no such one. */
  public String artifact(String name) {
    String value = record.artifacts().get(name);
    if (value == null) {
      throw new IllegalArgumentException("run " + runId() + " (" + command() + ") has no artifact "
          + name + "; it has " + artifacts().keySet());
    }
    return value;
  }

  /** The run's headline, e.g. {@code run 20260101T...: train of churn for 2026-01-01, ...}. */
  public String headline() {
    return String.format(Locale.ROOT, "run %s: %s of %s for %s, %s in %.1f s", runId(), command(),
        record.dataset(), record.runDate(), status(), seconds());
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(headline()).append('\n');
    if (record.error() != null) {
      out.append("error: ").append(record.error()).append('\n');
    }
    if (!record.metrics().isEmpty()) {
      TextTable metrics = new TextTable("metric", "value");
      record.metrics().entrySet().stream()
          .sorted(Comparator.comparing((Map.Entry<String, Double> e) -> detail(e.getKey()))
              .thenComparing(Map.Entry::getKey))
          .forEach(e -> metrics.row(e.getKey(), e.getValue()));
      out.append(metrics.render(SHOWN_METRICS)).append('\n');
    }
    if (!record.artifacts().isEmpty()) {
      TextTable artifacts = new TextTable("artifact", "value");
      artifacts().forEach(artifacts::row);
      out.append(artifacts.render(SHOWN_METRICS)).append('\n');
    }
    return out.toString().stripTrailing();
  }

  /**
   * Where a metric goes in the printout: plain names first, then a pipeline's {@code stage.metric}
   * names, then per-item breakdowns such as {@code importance:<input>}.
   */
  private static int detail(String name) {
    return name.contains(":") ? 2 : name.contains(".") ? 1 : 0;
  }
}
