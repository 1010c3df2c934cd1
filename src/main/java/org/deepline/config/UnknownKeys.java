package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;

/**
 * Every key of a config that no record binds, found by walking the JSON tree along the config
 * records before Jackson binds it, and taken out of the tree: each goes into one error with its
 * path and the keys known there. Why: Jackson stops at the first unknown key, and a config with
 * three misspelt keys took three runs of {@code check}; a handler inside Jackson saw paths only
 * through its parser, whose contexts differ for buffered properties and list values.
 *
 * <pre>{@code
 * UnknownKeys.removeFrom(tree, DeeplineConfig.class, errors);
 * // errors: "split.tset: unknown key (known keys: folds, gap_days, ...)"
 * }</pre>
 */
final class UnknownKeys {
  private UnknownKeys() {}

  /** Adds each unknown key of {@code tree} under {@code root} to {@code errors} and removes it. */
  static void removeFrom(ObjectNode tree, Class<?> root, ConfigErrors errors) {
    walk(tree, root, "", errors);
  }

  private static void walk(JsonNode node, Type type, String path, ConfigErrors errors) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type instanceof Class<?> record && record.isRecord() && node instanceof ObjectNode object) {
      Map<String, Type> keys = keys(record);
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String at = path.isEmpty() ? name : path + "." + name;
        if (keys.containsKey(name)) {
          walk(object.get(name), keys.get(name), at, errors);
        } else {
          errors.add(at, "unknown key (known keys: "
              + String.join(", ", keys.keySet().stream().sorted().toList()) + ")");
          object.remove(name);
        }
      }
    } else if (ConfigModel.isList(type) && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), ConfigModel.elementType(type), path + "[" + i + "]", errors);
      }
    } else if (ConfigModel.isMap(type) && node.isObject()) {
      node.fields().forEachRemaining(entry -> walk(entry.getValue(),
          ConfigModel.elementType(type), path + "." + entry.getKey(), errors));
    }
  }

  /** A record's keys as the loader's mapper binds them, with each one's type. */
  private static Map<String, Type> keys(Class<?> record) {
    Map<String, String> names = ConfigModel.jacksonNames(record);
    Map<String, Type> keys = new HashMap<>();
    for (RecordComponent component : record.getRecordComponents()) {
      String key = names.get(component.getName());
      if (key != null) {
        keys.put(key, component.getGenericType());
      }
    }
    return keys;
  }
}
