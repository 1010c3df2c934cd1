package org.deepline.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
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
  /** A query or JDBC parameter of a URL: its separator, name and value. */
  private static final Pattern URL_PARAMETER = Pattern.compile("([?&;])([^=&;#\\s]+)=([^&;#\\s]*)");
  /** A URL's signature, which grants what a key would: {@code sig=} (Azure), {@code X-Amz-Signature=}. */
  private static final Pattern URL_SIGNATURE = Pattern.compile("(?i)sig|.*signature.*");

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
    // A parameter is named like a secret by the same rule as a config key.
    return URL_PARAMETER.matcher(masked).replaceAll(parameter -> {
      String name = parameter.group(2);
      boolean secret = SECRET_KEY.matcher(name).matches() || URL_SIGNATURE.matcher(name).matches();
      return Matcher.quoteReplacement(parameter.group(1) + name + "="
          + (secret ? MASK : parameter.group(3)));
    });
  }
}
