package org.deepline.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import org.deepline.core.Json;

/**
 * Masks secret-looking values before a config is stored in a run record or a report. Secrets are
 * meant to come from the environment or Hadoop credential providers; this is the net for the ones a
 * user put in a config or a {@code --set} anyway.
 */
public final class Redaction {
  public static final String MASK = "***";
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|pwd|secret|token"
      + "|credential|access[._-]?key|private[._-]?key|api[._-]?key|account[._-]?key|encryption[._-]?key"
      + "|sas|authorization).*");

  private Redaction() {}

  public static String redactedJson(Object config) {
    return Json.writeCompact(redactedTree(config));
  }

  /** The config as a JSON tree with secret-looking values masked. */
  public static JsonNode redactedTree(Object config) {
    JsonNode tree = Json.mapper().valueToTree(config);
    redact(tree);
    return tree;
  }

  static void redact(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (SECRET_KEY.matcher(field.getKey()).matches()) {
          // The whole value, even an object or list: credentials often come as {"id", "value"}.
          field.setValue(object.textNode(MASK));
        } else {
          redact(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(Redaction::redact);
    }
  }
}
