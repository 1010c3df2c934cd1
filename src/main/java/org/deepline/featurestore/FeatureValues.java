package org.deepline.featurestore;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How feature values are spelled in the online store, where every value is a string: the same
 * spelling for what is written and for what the consistency check expects, so equal values compare
 * equal. Doubles use Java's shortest round-trip form, timestamps ISO-8601 instants.
 *
 * <pre>{@code
 * FeatureValues.encode(0.1) // "0.1"
 * FeatureValues.entityKey(List.of("ORD", 7L)) // "ORD|7"
 * }</pre>
 */
public final class FeatureValues {
  private static final char SEPARATOR = '|';
  private static final char ESCAPE = '\\';

  private FeatureValues() {}

  /** The stored spelling of a value; null for a null (which is not stored). */
  public static String encode(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant().toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    return value.toString();
  }

  /**
   * The key part naming an entity: its key values in order, separated by {@code |}; a {@code |} or
   * {@code \} inside a value is escaped with {@code \}, so two different keys never meet.
   */
  public static String entityKey(List<?> keyValues) {
    return keyValues.stream().map(v -> {
      String text = String.valueOf(encode(v));
      StringBuilder escaped = new StringBuilder(text.length());
      for (char c : text.toCharArray()) {
        if (c == SEPARATOR || c == ESCAPE) {
          escaped.append(ESCAPE);
        }
        escaped.append(c);
      }
      return escaped.toString();
    }).collect(Collectors.joining(String.valueOf(SEPARATOR)));
  }
}
