package org.deepline.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deepline.core.Json;
import org.deepline.core.TableRef;

/**
 * What one command did: the row every run appends to the runs table. Scripts and notebooks find
 * metrics, tables and artifacts through these records ({@code deepline runs show --last --json})
 * instead of guessing paths.
 *
 * @param config     the effective job config (secret-looking values masked), as a JSON object
 * @param configHash SHA-256 of {@code config} with its keys sorted: equal hashes, equal configs
 * @param gitCommit  the commit the running build was made from ({@link BuildInfo}); null in rows
 *                   recorded before builds carried it
 */
public record RunRecord(String runId, String parentRunId, String command, String dataset,
    String runDate, String status, Instant startedAt, Instant finishedAt, long durationMs,
    JsonNode config, String configHash, String gitCommit, List<TableRef> inputs,
    List<TableRef> outputs, Map<String, Double> metrics, Map<String, String> artifacts,
    String error) {

  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  public RunRecord {
    config = config == null ? JsonNodeFactory.instance.objectNode() : config;
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    artifacts = artifacts == null ? Map.of() : Map.copyOf(artifacts);
  }

  /**
   * The config as flat parameters, one per leaf value, keyed by its path with list indexes as path
   * parts ({@code training.layers.0.units}): what run comparisons and MLflow's params show.
   */
  public Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    flatten("", config, params);
    return params;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> params) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(),
            params);
      }
    } else if (node.isArray() && node.size() > 0 && !node.get(0).isValueNode()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "." + i, node.get(i), params);
      }
    } else if (!node.isNull() && !prefix.isEmpty()) {
      // Lists of plain values stay one parameter: ["tenure","monthly_charges"] reads better whole.
      params.put(prefix, node.isValueNode() ? node.asText() : Json.writeCompact(node));
    }
  }

  /** SHA-256 (hex) of the config with its object keys sorted, so key order does not change it. */
  public static String hash(JsonNode config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Json.writeCompact(sorted(config)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      names.forEach(name -> copy.set(name, sorted(node.get(name))));
      return copy;
    }
    if (node.isArray()) {
      var copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }
}
