package org.deepline.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deepline.core.TableRef;

/**
 * What one command did: the row every run appends to the runs table. Scripts and notebooks find
 * metrics, tables and artifacts through these records ({@code deepline runs show --last --json})
 * instead of guessing paths.
 */
public record RunRecord(String runId, String parentRunId, String command, String dataset,
    String runDate, String status, Instant startedAt, Instant finishedAt, long durationMs,
    String config, List<TableRef> inputs, List<TableRef> outputs, Map<String, Double> metrics,
    Map<String, String> artifacts, String error) {

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  public RunRecord {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    artifacts = artifacts == null ? Map.of() : Map.copyOf(artifacts);
  }
}
