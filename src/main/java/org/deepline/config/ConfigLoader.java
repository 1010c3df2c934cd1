package org.deepline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Json;

/**
 * Turns a JSON config file plus {@code --set key.path=value} overrides into a validated
 * {@link DeeplineConfig}, before any Spark work starts.
 *
 * <pre>{@code
 * DeeplineConfig config = ConfigLoader.load(Path.of("conf/churn.json"),
 *     List.of("training.epochs=5", "split.seed=7"));
 * }</pre>
 *
 * <p>Overrides edit the JSON tree, not the bound object, so an override of an unknown key is rejected
 * exactly like a typo in the file, and its value is parsed as JSON when it can be (numbers, booleans,
 * lists) and taken as a string otherwise.
 */
public final class ConfigLoader {
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_]+)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  private ConfigLoader() {}

  /** Everything this class rejects is the config's (or an override's) fault: exit code 4. */
  private static DeeplineException configError(String message) {
    return new DeeplineException(Failure.CONFIG, message);
  }

  public static DeeplineConfig load(Path file, List<String> overrides) {
    if (file == null) {
      throw configError("--conf: a job config file is required (see conf/)");
    }
    if (!Files.isRegularFile(file)) {
      throw configError("--conf: no such file: " + file);
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw configError("--conf: cannot read " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), overrides);
  }

  /** Parses, overrides, binds and validates; {@code source} names the text in error messages. */
  public static DeeplineConfig parse(String json, String source, List<String> overrides) {
    JsonNode tree;
    try {
      tree = Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw configError(source + ": not valid JSON at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
          + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw configError(source + ": the config must be a JSON object");
    }
    for (String override : overrides) {
      applyOverride((ObjectNode) tree, override);
    }
    HeaderNames.apply((ObjectNode) tree);
    ConfigErrors errors = new ConfigErrors();
    DeeplineConfig config = bind(tree, source, errors);
    errors.addAll(config.validate());
    errors.throwIfAny(source);
    return config;
  }

  /**
   * The config bound from {@code tree}, after every unknown key is added to {@code errors} with its
   * path and the known keys beside it, and taken out of the tree ({@link UnknownKeys}), so that a
   * config with two misspelt keys and a bad value gets all three in one error. A value of the wrong
   * type still fails at once: what it would bind to is unknown.
   */
  static DeeplineConfig bind(JsonNode tree, String source, ConfigErrors errors) {
    UnknownKeys.removeFrom((ObjectNode) tree, DeeplineConfig.class, errors);
    try {
      return Json.mapper().treeToValue(tree, DeeplineConfig.class);
    } catch (UnrecognizedPropertyException e) {
      // A key the walk along the records could not see (a record bound from another shape).
      throw configError(source + ": " + path(e) + ": unknown key");
    } catch (InvalidFormatException e) {
      throw configError(source + ": " + path(e) + ": expected "
          + describe(e.getTargetType()) + ", got " + e.getValue());
    } catch (MismatchedInputException e) {
      throw configError(source + ": " + path(e) + ": expected "
          + describe(e.getTargetType()) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw configError(source + ": " + e.getOriginalMessage());
    }
  }

  /** Applies one {@code a.b[2].c=value} override to the tree, creating missing objects on the way. */
  static void applyOverride(ObjectNode root, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw configError("--set " + override + ": expected key.path=value");
    }
    String path = override.substring(0, eq).strip();
    JsonNode value = parseValue(override.substring(eq + 1));
    String[] segments = path.split("\\.");
    JsonNode node = root;
    for (int s = 0; s < segments.length; s++) {
      Matcher m = SEGMENT.matcher(segments[s]);
      if (!m.matches()) {
        throw configError("--set " + override + ": bad path segment '" + segments[s] + "'");
      }
      List<Integer> indexes = new ArrayList<>();
      Matcher idx = INDEX.matcher(m.group(2));
      while (idx.find()) {
        indexes.add(Integer.parseInt(idx.group(1)));
      }
      boolean last = s == segments.length - 1;
      if (!(node instanceof ObjectNode object)) {
        throw configError("--set " + override + ": " + segments[s] + " is not inside an object");
      }
      String key = m.group(1);
      if (indexes.isEmpty()) {
        if (last) {
          object.set(key, value);
        } else {
          JsonNode child = object.get(key);
          node = child != null && child.isObject() ? child : object.putObject(key);
        }
        continue;
      }
      JsonNode current = object.get(key);
      for (int i = 0; i < indexes.size(); i++) {
        if (current == null || !current.isArray() || indexes.get(i) >= current.size()) {
          throw configError("--set " + override + ": " + key + " has no element "
              + indexes.get(i));
        }
        boolean lastIndex = i == indexes.size() - 1;
        if (last && lastIndex) {
          ((ArrayNode) current).set(indexes.get(i), value);
        } else {
          current = current.get(indexes.get(i));
        }
      }
      node = current;
    }
  }

  private static JsonNode parseValue(String raw) {
    String text = raw.strip();
    try {
      return Json.mapper().readTree(text.isEmpty() ? "\"\"" : text);
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(text);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      }
    }
    return out.length() == 0 ? "(top level)" : out.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return type == Double.class || type == double.class ? "a number" : "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

}
