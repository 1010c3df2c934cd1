package org.deepline.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.deepline.core.Json;
import org.deepline.core.OneOf;
import org.deepline.core.Required;

/**
 * The config records reachable from a root record, read by reflection: each record's keys as
 * Jackson binds them, their defaults as binding {@code {}} with the loader's mapper fills them in
 * (so they come from the compact constructors, never retyped), descriptions and rules from
 * annotations.
 */
final class ConfigModel {
  private static final ObjectMapper MAPPER = Json.mapper();

  private ConfigModel() {}

  /** Every record reachable from {@code root}, depth first in component order, each once. */
  static List<ConfigSection> sections(Class<?> root) {
    List<ConfigSection> sections = new ArrayList<>();
    collect(root, "", 0, new LinkedHashSet<>(), sections);
    return sections;
  }

  private static void collect(Class<?> record, String path, int depth, Set<Class<?>> seen,
      List<ConfigSection> sections) {
    if (!seen.add(record)) {
      return;
    }
    List<ConfigKey> keys = keys(record);
    sections.add(new ConfigSection(path, record, depth, keys));
    for (ConfigKey key : keys) {
      Class<?> nested = nestedRecord(key.type());
      if (nested != null) {
        String prefix = path.isEmpty() ? "" : path + ".";
        collect(nested, prefix + key.name() + pathSuffix(key.type()), depth + 1, seen, sections);
      }
    }
  }

  private static List<ConfigKey> keys(Class<?> record) {
    if (!record.isRecord()) {
      throw new IllegalArgumentException(record.getName() + " is not a record");
    }
    Map<String, String> names = jacksonNames(record);
    Object defaults = bindEmptyObject(record);
    List<ConfigKey> keys = new ArrayList<>();
    for (RecordComponent component : record.getRecordComponents()) {
      JsonPropertyDescription description = description(record, component);
      keys.add(new ConfigKey(names.getOrDefault(component.getName(), component.getName()),
          component.getGenericType(), toJson(read(component, defaults)),
          component.isAnnotationPresent(Required.class),
          description == null ? "" : description.value(), allowed(record, component)));
    }
    return keys;
  }

  /**
   * The component's description, read from its field: the annotation reaches the accessor too, but
   * not one the record declares itself (as {@code ColumnSpec.nullable()} does).
   */
  private static JsonPropertyDescription description(Class<?> record, RecordComponent component) {
    try {
      return record.getDeclaredField(component.getName())
          .getAnnotation(JsonPropertyDescription.class);
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("a record has a field per component: " + component, e);
    }
  }

  /** Record component name to key, as the loader's mapper binds it (naming strategy, renames). */
  static Map<String, String> jacksonNames(Class<?> record) {
    Map<String, String> names = new HashMap<>();
    for (BeanPropertyDefinition property : MAPPER.getDeserializationConfig()
        .introspect(MAPPER.constructType(record)).findProperties()) {
      names.put(property.getInternalName(), property.getName());
    }
    return names;
  }

  private static Object bindEmptyObject(Class<?> record) {
    try {
      return MAPPER.treeToValue(MAPPER.createObjectNode(), record);
    } catch (Exception e) {
      throw new IllegalStateException("cannot bind {} to " + record.getName()
          + ": every key of a config record must be optional to Jackson", e);
    }
  }

  private static Object read(RecordComponent component, Object record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + component, e);
    }
  }

  private static List<String> allowed(Class<?> record, RecordComponent component) {
    if (component.getType().isEnum()) {
      return Arrays.stream(component.getType().getEnumConstants())
          .map(constant -> ((Enum<?>) constant).name()).toList();
    }
    OneOf oneOf = component.getAnnotation(OneOf.class);
    if (oneOf == null) {
      return List.of();
    }
    Class<?> owner = oneOf.in() == void.class ? record : oneOf.in();
    try {
      Field field = owner.getField(oneOf.value());
      List<String> values = new ArrayList<>();
      for (Object value : (Collection<?>) field.get(null)) {
        values.add((String) value);
      }
      return List.copyOf(values);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(record.getSimpleName() + "." + component.getName()
          + ": @OneOf names no public static collection of strings " + owner.getSimpleName() + "."
          + oneOf.value(), e);
    }
  }

  /** A default as JSON, with the same keys a config uses and without the components left null. */
  static JsonNode toJson(Object value) {
    if (value == null) {
      return null;
    }
    if (value.getClass().isRecord()) {
      ObjectNode object = MAPPER.createObjectNode();
      Map<String, String> names = jacksonNames(value.getClass());
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        JsonNode child = toJson(read(component, value));
        if (child != null) {
          object.set(names.getOrDefault(component.getName(), component.getName()), child);
        }
      }
      return object;
    }
    if (value instanceof Collection<?> collection) {
      ArrayNode array = MAPPER.createArrayNode();
      collection.forEach(element -> array.add(toJson(element)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = MAPPER.createObjectNode();
      // Sorted, so that a default map built with Map.of gives the same text on every run.
      new TreeMap<Object, Object>(map).forEach(
          (key, element) -> object.set(String.valueOf(key), toJson(element)));
      return object;
    }
    if (value instanceof Double number) {
      // 1.0E-4 as 0.0001: the shortest decimal that reads back as the same double.
      return DecimalNode.valueOf(new BigDecimal(number.toString()).stripTrailingZeros());
    }
    return MAPPER.valueToTree(value);
  }

  /** {@code json} on one line, decimals written out in full ({@code 0.0001}, not {@code 1E-4}). */
  static String writeCompact(JsonNode json) {
    return write(json, MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT));
  }

  /** {@code json} indented, {@code "key": value} as in hand-written JSON, decimals in full. */
  static String writePretty(JsonNode json) {
    return write(json, MAPPER.writer(new KeyColonValuePrinter()));
  }

  /** Jackson's default pretty printer, but without its space before the colon. */
  private static final class KeyColonValuePrinter extends DefaultPrettyPrinter {
    KeyColonValuePrinter() {
      _objectFieldValueSeparatorWithSpaces = ": ";
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new KeyColonValuePrinter();
    }
  }

  private static String write(JsonNode json, ObjectWriter writer) {
    try {
      return writer.with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Whether a key holds one record directly (not in a list or map). */
  static boolean isRecord(Type type) {
    return type instanceof Class<?> plain && plain.isRecord();
  }

  /** The record a key holds, directly or as the elements or values of a list or map; else null. */
  static Class<?> nestedRecord(Type type) {
    if (type instanceof Class<?> plain) {
      return plain.isRecord() ? plain : null;
    }
    if (type instanceof ParameterizedType parameterized) {
      Type[] arguments = parameterized.getActualTypeArguments();
      return nestedRecord(arguments[arguments.length - 1]);
    }
    return null;
  }

  /** How a path names one element: {@code [i]} in a list, {@code .<key>} in a map. */
  private static String pathSuffix(Type type) {
    if (isList(type)) {
      return "[i]";
    }
    return isMap(type) ? ".<key>" : "";
  }

  static boolean isList(Type type) {
    return type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
        && Collection.class.isAssignableFrom(raw);
  }

  static boolean isMap(Type type) {
    return type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
        && Map.class.isAssignableFrom(raw);
  }

  /** The type of a list's elements or a map's values. */
  static Type elementType(Type type) {
    Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
    return arguments[arguments.length - 1];
  }
}
