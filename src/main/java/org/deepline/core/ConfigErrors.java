package org.deepline.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem of a config before anything runs, each named by its field path, so the user
 * fixes them all at once: {@code training.layers[1].units: must be > 0, got -3}.
 */
public final class ConfigErrors {
  private final List<String> messages;
  private final String path;

  public ConfigErrors() {
    this(new ArrayList<>(), "");
  }

  private ConfigErrors(List<String> messages, String path) {
    this.messages = messages;
    this.path = path;
  }

  /** A view whose messages are prefixed with {@code field} below the current path. */
  public ConfigErrors at(String field) {
    return new ConfigErrors(messages, path.isEmpty() ? field : path + "." + field);
  }

  public ConfigErrors at(String field, int index) {
    return at(field + "[" + index + "]");
  }

  public void add(String field, String problem) {
    String where = field == null || field.isEmpty() ? path : at(field).path;
    messages.add(where + ": " + problem);
  }

  public void require(boolean ok, String field, String problem) {
    if (!ok) {
      add(field, problem);
    }
  }

  public void requireNonBlank(String value, String field) {
    require(value != null && !value.isBlank(), field, "is required");
  }

  public void requirePositive(Number value, String field) {
    if (value == null) {
      add(field, "is required");
    } else if (value.doubleValue() <= 0) {
      add(field, "must be > 0, got " + value);
    }
  }

  public void requireFraction(Double value, String field, boolean allowZero, boolean allowOne) {
    if (value == null) {
      add(field, "is required");
      return;
    }
    boolean low = allowZero ? value >= 0 : value > 0;
    boolean high = allowOne ? value <= 1 : value < 1;
    if (!low || !high || value.isNaN()) {
      add(field, "must be in " + (allowZero ? "[0" : "(0") + ", 1" + (allowOne ? "]" : ")")
          + ", got " + value);
    }
  }

  public void requireOneOf(String value, Collection<String> allowed, String field) {
    if (value == null || !allowed.contains(value)) {
      add(field, "must be one of " + allowed + ", got " + (value == null ? "nothing" : value));
    }
  }

  public void requireColumn(String column, Map<String, ?> declared, String field) {
    if (column == null || !declared.containsKey(column)) {
      add(field, "names no column of schema.columns: " + column);
    }
  }

  /** {@code other}'s problems after these, their paths as {@code other} wrote them. */
  public void addAll(ConfigErrors other) {
    messages.addAll(other.messages);
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Throws one exception that lists every problem found, in the order met. */
  public void throwIfAny(String source) {
    if (!messages.isEmpty()) {
      String head = source + ": " + messages.size() + " config error"
          + (messages.size() == 1 ? "" : "s");
      throw new DeeplineException(DeeplineException.Failure.CONFIG,
          head + ": " + String.join("; ", messages));
    }
  }
}
