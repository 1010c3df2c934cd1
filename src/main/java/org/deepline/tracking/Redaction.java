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

  /** {@code scheme://user:password@}: the password. */
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(://[^/:@\\s]+:)[^/@\\s]+@");
  /** A query or JDBC parameter whose name looks like a secret, up to its value's end. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)([?&;](?:[^=&;#\\s]*"
      + "(?:password|passwd|pwd|secret|token|api[._-]?key|access[._-]?key|signature|sig|"
      + "credential)[^=&;#\\s]*)=)[^&;#\\s]*");

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
        } else if (field.getValue().isTextual()) {
          field.setValue(object.textNode(inText(field.getValue().asText())));
        } else {
          redact(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, array.textNode(inText(array.get(i).asText())));
        } else {
          redact(array.get(i));
        }
      }
    }
  }

  /**
   * {@code text} with the secrets a URL carries masked: a password in its user info
   * ({@code https://etl:***@host}) and the values of secret-looking parameters of its query or of a
   * JDBC URL ({@code ?token=***}, {@code ;password=***}). A REST source's URL and a JDBC URL are
   * stored whole in a run record, and a user may have put a key in one.
   */
  static String inText(String text) {
    String masked = USER_INFO_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
    return SECRET_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
  }
}
