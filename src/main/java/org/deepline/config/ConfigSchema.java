package org.deepline.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Type;
import java.util.List;

/**
 * The JSON Schema (draft 2020-12) of a job config, for editors: every record is an object of its
 * keys with {@code additionalProperties: false} (the loader rejects unknown keys too), each key
 * with its type, default, description and allowed values. Keys that are not required may be null,
 * which the loader reads as "take the default".
 */
final class ConfigSchema {
  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  static final String TITLE = "deepline job config";
  private static final String DEFS = "$defs";
  private static final String NULL = "null";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ConfigSchema() {}

  /** The schema of the root record, with every nested record under {@code $defs} by simple name. */
  static ObjectNode of(List<ConfigSection> sections) {
    ObjectNode schema = NODES.objectNode();
    schema.put("$schema", DIALECT);
    schema.put("title", TITLE);
    schema.setAll(object(sections.get(0)));
    ObjectNode defs = schema.putObject(DEFS);
    for (ConfigSection section : sections.subList(1, sections.size())) {
      String name = section.record().getSimpleName();
      if (defs.has(name)) {
        throw new IllegalStateException("two config records are named " + name
            + ": the schema's $defs need distinct names");
      }
      defs.set(name, object(section));
    }
    return schema;
  }

  private static ObjectNode object(ConfigSection section) {
    ObjectNode object = NODES.objectNode();
    object.put("type", JsonTypes.OBJECT);
    ObjectNode properties = object.putObject("properties");
    ArrayNode required = NODES.arrayNode();
    for (ConfigKey key : section.keys()) {
      properties.set(key.name(), property(key));
      if (key.required()) {
        required.add(key.name());
      }
    }
    if (!required.isEmpty()) {
      object.set("required", required);
    }
    object.put("additionalProperties", false);
    return object;
  }

  private static ObjectNode property(ConfigKey key) {
    ObjectNode value = valueSchema(key.type(), key.allowed());
    ObjectNode property = key.required() ? value : nullable(value);
    property.put("description", key.description());
    // A record's default is its keys' defaults, given on each of them in its $defs entry.
    if (key.defaultValue() != null && !ConfigModel.isRecord(key.type())) {
      property.set("default", key.defaultValue());
    }
    return property;
  }

  /** The schema of one value of {@code type}; {@code allowed} restricts its strings. */
  private static ObjectNode valueSchema(Type type, List<String> allowed) {
    ObjectNode schema = NODES.objectNode();
    if (ConfigModel.isRecord(type)) {
      schema.put("$ref", "#/" + DEFS + "/" + ((Class<?>) type).getSimpleName());
      return schema;
    }
    String jsonType = JsonTypes.of(type);
    schema.put("type", jsonType);
    if (ConfigModel.isList(type)) {
      schema.set("items", valueSchema(ConfigModel.elementType(type), allowed));
    } else if (ConfigModel.isMap(type)) {
      schema.set("additionalProperties", valueSchema(ConfigModel.elementType(type), List.of()));
    } else if (!allowed.isEmpty()) {
      ArrayNode values = schema.putArray("enum");
      allowed.forEach(values::add);
    }
    return schema;
  }

  /** {@code schema} or null: a type list with "null" (and null among the enum), or an anyOf. */
  private static ObjectNode nullable(ObjectNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      ObjectNode either = NODES.objectNode();
      either.putArray("anyOf").add(schema).addObject().put("type", NULL);
      return either;
    }
    schema.putArray("type").add(type.asText()).add(NULL);
    if (schema.has("enum")) {
      ((ArrayNode) schema.get("enum")).addNull();
    }
    return schema;
  }
}
