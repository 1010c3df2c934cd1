package org.deepline.quality;

import java.util.Locale;

/** How much a failed constraint matters: an error fails the run, a warning is recorded only. */
public enum Severity {
  /** Declared most severe first: the quality page lists failures in this order. */
  ERROR, WARNING;

  /** How it is written everywhere: the quality table, reports and configs. */
  @com.fasterxml.jackson.annotation.JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity parse(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
