package org.deepline.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage reports back for its run record: the tables it read (with versions), the tables it
 * wrote, its metrics and the artifacts it saved.
 */
public record StageResult(List<TableRef> inputs, List<TableRef> outputs, Map<String, Double> metrics,
    Map<String, String> artifacts) {

  public StageResult {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    metrics = Map.copyOf(metrics);
    artifacts = Map.copyOf(artifacts);
  }

  public static Builder builder() {
    return new Builder();
  }

  public double metric(String name) {
    Double value = metrics.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no metric " + name + " in " + metrics.keySet());
    }
    return value;
  }

  /** Collects a stage's result as it goes. */
  public static final class Builder {
    private final List<TableRef> inputs = new ArrayList<>();
    private final List<TableRef> outputs = new ArrayList<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> artifacts = new LinkedHashMap<>();

    public Builder input(TableRef table) {
      inputs.add(table);
      return this;
    }

    public Builder output(TableRef table) {
      outputs.add(table);
      return this;
    }

    public Builder metric(String name, double value) {
      metrics.put(name, value);
      return this;
    }

    public Builder metrics(Map<String, Double> values) {
      metrics.putAll(values);
      return this;
    }

    public Builder artifact(String name, String uri) {
      artifacts.put(name, uri);
      return this;
    }

    public StageResult build() {
      return new StageResult(inputs, outputs, metrics, artifacts);
    }
  }
}
