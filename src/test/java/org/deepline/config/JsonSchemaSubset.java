package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validator for the part of JSON Schema 2020-12 that {@link ConfigSchema} emits: {@code type}
 * (one or a list), {@code enum}, {@code properties}, {@code required}, {@code additionalProperties}
 * ({@code false} or a schema), {@code items}, {@code anyOf} and local {@code $ref}s into
 * {@code $defs}. A keyword outside that part is an error rather than ignored, so the schema cannot
 * grow a rule the check silently skips.
 */
final class JsonSchemaSubset {
  private static final Set<String> KEYWORDS = Set.of("$schema", "title", "description", "default",
      "$defs", "$ref", "type", "enum", "properties", "required", "additionalProperties", "items",
      "anyOf");
  private static final String LOCAL_REF = "#/";

  private final JsonNode root;

  JsonSchemaSubset(JsonNode root) {
    this.root = root;
  }

  /** Every violation of {@code instance}, each prefixed by its path ({@code $} is the root). */
  List<String> validate(JsonNode instance) {
    List<String> errors = new ArrayList<>();
    check(root, instance, "$", errors);
    return errors;
  }

  private void check(JsonNode schema, JsonNode instance, String path, List<String> errors) {
    for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
      String keyword = names.next();
      if (!KEYWORDS.contains(keyword)) {
        throw new IllegalArgumentException("schema keyword " + keyword + " at " + path
            + " is outside the subset this validator knows");
      }
    }
    if (schema.has("$ref")) {
      check(resolve(schema.get("$ref").asText()), instance, path, errors);
    }
    if (schema.has("anyOf") && !anyMatches(schema.get("anyOf"), instance, path)) {
      errors.add(path + ": matches none of the anyOf alternatives");
    }
    if (schema.has("type") && !hasType(schema.get("type"), instance)) {
      errors.add(path + ": expected " + schema.get("type") + ", got " + instance);
      return;
    }
    if (schema.has("enum") && !contains(schema.get("enum"), instance)) {
      errors.add(path + ": " + instance + " is not one of " + schema.get("enum"));
    }
    if (instance.isObject()) {
      checkObject(schema, instance, path, errors);
    }
    if (instance.isArray() && schema.has("items")) {
      for (int i = 0; i < instance.size(); i++) {
        check(schema.get("items"), instance.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private void checkObject(JsonNode schema, JsonNode instance, String path, List<String> errors) {
    JsonNode properties = schema.path("properties");
    for (JsonNode name : schema.path("required")) {
      if (!instance.has(name.asText())) {
        errors.add(path + "." + name.asText() + ": is required");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = instance.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String fieldPath = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), fieldPath, errors);
        continue;
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
        errors.add(fieldPath + ": unknown key");
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), fieldPath, errors);
      }
    }
  }

  private boolean anyMatches(JsonNode alternatives, JsonNode instance, String path) {
    for (JsonNode alternative : alternatives) {
      List<String> errors = new ArrayList<>();
      check(alternative, instance, path, errors);
      if (errors.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private JsonNode resolve(String ref) {
    if (!ref.startsWith(LOCAL_REF)) {
      throw new IllegalArgumentException("only local $refs are in the subset, got " + ref);
    }
    JsonNode target = root.at(ref.substring(1));
    if (target.isMissingNode()) {
      throw new IllegalArgumentException("$ref " + ref + " points nowhere");
    }
    return target;
  }

  private static boolean hasType(JsonNode type, JsonNode instance) {
    if (type.isArray()) {
      for (JsonNode one : type) {
        if (hasType(one, instance)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "null" -> instance.isNull();
      case "boolean" -> instance.isBoolean();
      case "string" -> instance.isTextual();
      case "number" -> instance.isNumber();
      // 2020-12: a number with a zero fractional part is an integer (1.0 is).
      case "integer" -> instance.isIntegralNumber()
          || instance.isNumber() && instance.decimalValue().stripTrailingZeros().scale() <= 0;
      case "array" -> instance.isArray();
      case "object" -> instance.isObject();
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static boolean contains(JsonNode values, JsonNode instance) {
    for (JsonNode value : values) {
      if (value.equals(instance)) {
        return true;
      }
    }
    return false;
  }
}
