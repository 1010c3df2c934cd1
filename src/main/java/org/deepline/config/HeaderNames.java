package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.etl.ColumnNames;

/**
 * Lets a config name columns exactly as the source's header does, even names Delta rejects
 * ({@code "Cost Total $"}), so that a config written from a CSV header runs as it is.
 *
 * <p>Ingest renames such source columns by {@link ColumnNames}' rule. Before the config is bound,
 * every declared {@code schema.columns[].name} Delta rejects is replaced by the name ingest will give
 * it, and so is every reference to it anywhere else in the config: a string equal to the name
 * ({@code features.numeric}, {@code split.time_column}, ...), a {@code kind:name} constraint name
 * ({@code validation.severities}) and a back-quoted identifier in a SQL expression
 * ({@code label.expression}). The renamed column keeps its header name as {@code source_name}, which
 * ingest checks against the source's own renaming, so a collision the rule resolved differently (a
 * source with both {@code a b} and {@code a_b}) fails loudly instead of reading the wrong column.
 *
 * <pre>{@code
 * "schema": {"columns": [{"name": "Cost Total $", "type": "double"}]},
 * "features": {"numeric": ["Cost Total $"]}
 * // binds as name "cost_total", source_name "Cost Total $", features.numeric ["cost_total"]
 * }</pre>
 *
 * <p>Only names the schema declares are aliased: the schema says which strings are columns. Strings
 * that are data or source settings ({@link #VALUE_KEYS}) are never touched.
 */
final class HeaderNames {
  /** Keys whose values are data values or source settings, never silver column names. */
  static final Set<String> VALUE_KEYS =
      Set.of("dataset", "source", "allowed_values", "positive", "source_name");
  private static final String SOURCE_NAME = "source_name";
  private static final String BACKQUOTE = "`";
  private static final char CONSTRAINT_SEPARATOR = ':';

  private HeaderNames() {}

  /**
   * Rewrites {@code root} in place and returns the renames (header name -> column name), empty when
   * every declared name is one Delta accepts. A malformed schema is left for binding to report.
   */
  static Map<String, String> apply(ObjectNode root) {
    JsonNode columns = root.path("schema").path("columns");
    Map<String, String> renames = renames(columns);
    if (renames.isEmpty()) {
      return renames;
    }
    // Each column's header name, read before the rewrite changes it.
    List<String> headers = new ArrayList<>();
    columns.forEach(column -> headers.add(column.path("name").asText()));
    rewriteFields((ObjectNode) root, renames);
    for (int i = 0; i < headers.size(); i++) {
      ObjectNode column = (ObjectNode) columns.get(i);
      if (renames.containsKey(headers.get(i)) && !column.has(SOURCE_NAME)) {
        column.put(SOURCE_NAME, headers.get(i));
      }
    }
    return renames;
  }

  private static Map<String, String> renames(JsonNode columns) {
    List<String> names = new ArrayList<>();
    for (JsonNode column : columns) {
      JsonNode name = column.path("name");
      if (!name.isTextual() || name.asText().isBlank()) {
        return Map.of();
      }
      names.add(name.asText());
    }
    List<String> safe = ColumnNames.deltaSafe(names);
    Map<String, String> renames = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (!ColumnNames.deltaAccepts(names.get(i))) {
        renames.put(names.get(i), safe.get(i));
      }
    }
    return renames;
  }

  private static JsonNode rewrite(JsonNode node, Map<String, String> renames) {
    if (node.isTextual()) {
      return TextNode.valueOf(renamed(node.asText(), renames));
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, rewrite(array.get(i), renames));
      }
    } else if (node instanceof ObjectNode object) {
      rewriteFields(object, renames);
    }
    return node;
  }

  /** Rewrites an object's keys and values, keeping its key order. */
  private static void rewriteFields(ObjectNode object, Map<String, String> renames) {
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      fields.put(VALUE_KEYS.contains(field.getKey()) ? field.getKey()
              : renamed(field.getKey(), renames),
          VALUE_KEYS.contains(field.getKey()) ? field.getValue()
              : rewrite(field.getValue(), renames));
    }
    object.removeAll();
    object.setAll(fields);
  }

  private static String renamed(String text, Map<String, String> renames) {
    String exact = renames.get(text);
    if (exact != null) {
      return exact;
    }
    int separator = text.indexOf(CONSTRAINT_SEPARATOR);
    if (separator > 0 && renames.containsKey(text.substring(separator + 1))) {
      return text.substring(0, separator + 1) + renames.get(text.substring(separator + 1));
    }
    String result = text;
    if (result.contains(BACKQUOTE)) {
      for (Map.Entry<String, String> rename : renames.entrySet()) {
        result = result.replace(BACKQUOTE + rename.getKey() + BACKQUOTE,
            BACKQUOTE + rename.getValue() + BACKQUOTE);
      }
    }
    return result;
  }
}
