package org.deepline.core;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one JSON mapper of deepline: configs, artifacts, reports and run records all use snake_case keys
 * and reject keys they do not know, so a typo in a config is an error instead of a silent default.
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // "epochs": 2.9 trained 2 epochs without a word: a fraction where a count is meant is an
      // error, as "abc" is.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      // Instants as ISO-8601 text, which people and other languages read without a decoder.
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      // A record's boolean helper named like a component (SourceConfig.isJdbc beside its jdbc
      // section, LabelConfig.isExpression beside the expression) took the component's place in
      // what was written: run records said "jdbc": true and "expression": true. What a record
      // writes is its components, read through their accessors.
      .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
      .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** Single-line JSON, for table cells and log lines. */
  public static String writeCompact(Object value) {
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Where {@code was} and {@code now} differ as JSON, each as {@code path X (now Y)}, paths under
   * {@code prefix} in the config's snake_case ({@code training.epochs 400 (now 10)}); empty
   * when they are equal. Why: two records' {@code toString} side by side (a thousand characters of
   * Java field names) left the user to find the one value that changed.
   */
  public static List<String> differences(String prefix, Object was, Object now) {
    List<String> differences = new ArrayList<>();
    differences(prefix, MAPPER.valueToTree(was), MAPPER.valueToTree(now), differences);
    return differences;
  }

  private static void differences(String path, JsonNode was, JsonNode now, List<String> out) {
    if (was != null && now != null && was.isObject() && now.isObject()) {
      Set<String> names = new TreeSet<>();
      was.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        differences(path.isEmpty() ? name : path + "." + name, was.get(name), now.get(name), out);
      }
    } else if (!Objects.equals(was, now)) {
      out.add(path + " " + compact(was) + " (now " + compact(now) + ")");
    }
  }

  private static String compact(JsonNode node) {
    return node == null || node.isMissingNode() ? "absent" : node.toString();
  }

  public static <T> T read(String json, Class<T> type, String source) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new DeeplineException(source + ": not a valid " + type.getSimpleName() + ": "
          + e.getOriginalMessage());
    }
  }
}
