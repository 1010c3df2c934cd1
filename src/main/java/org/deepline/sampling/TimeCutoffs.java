package org.deepline.sampling;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The per-row rules of a time split, once as plain Java (what the property tests check) and once as
 * the Spark column that applies them: the two are written side by side so they cannot drift apart.
 * Times are seconds since the epoch, as {@code unix_seconds(time_column)} gives them.
 *
 * <p>A record at time {@code t} with cut times {@code v} (validation start) and {@code s} (test
 * start) and a gap of {@code g} seconds is: excluded when {@code t} is null; train when
 * {@code t < v}; excluded when {@code v <= t < v + g}; validation when {@code v + g <= t < s};
 * excluded when {@code s <= t < s + g}; test otherwise. A record exactly at a cut time is on the
 * cut's later side.
 *
 * <pre>{@code
 * long v = TimeCutoffs.epochSeconds("2026-05-01", ZoneId.of("UTC"));
 * TimeCutoffs.splitOf(v - 1, v, v + 86_400, 0);  // "train"
 * }</pre>
 */
public final class TimeCutoffs {
  /** What {@code validation_start} and {@code test_start} accept, for error messages. */
  static final String FORMS = "an ISO date (2026-05-01) or local timestamp (2026-05-01T06:30:00 or "
      + "2026-05-01 06:30:00), read in Spark's session time zone";
  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern(
      "yyyy-MM-dd HH:mm[:ss][.SSSSSS][.SSS]");

  private TimeCutoffs() {}

  /** {@code value} as a local date-time (a date is its midnight); the message names the forms. */
  public static LocalDateTime parse(String value) {
    String trimmed = value.strip();
    try {
      if (trimmed.length() == "yyyy-MM-dd".length()) {
        return LocalDate.parse(trimmed).atStartOfDay();
      }
      return trimmed.contains("T") ? LocalDateTime.parse(trimmed)
          : LocalDateTime.parse(trimmed, SPACED);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("cannot read " + value + " as a time: use " + FORMS);
    }
  }

  /** Seconds since the epoch of {@code value} in {@code zone}, as Spark casts the string. */
  public static long epochSeconds(String value, ZoneId zone) {
    return parse(value).atZone(zone).toEpochSecond();
  }

  /** The split of a record at {@code seconds} (null: no time). */
  public static String splitOf(Long seconds, long validationStart, long testStart, long gapSeconds) {
    if (seconds == null) {
      return StratifiedSplitter.EXCLUDED;
    }
    long t = seconds;
    if (t < validationStart) {
      return StratifiedSplitter.TRAIN;
    }
    if (t < validationStart + gapSeconds) {
      return StratifiedSplitter.EXCLUDED;
    }
    if (t < testStart) {
      return StratifiedSplitter.VALIDATION;
    }
    if (t < testStart + gapSeconds) {
      return StratifiedSplitter.EXCLUDED;
    }
    return StratifiedSplitter.TEST;
  }

  /** {@link #splitOf} as a Spark column over {@code seconds}. */
  static Column splitColumn(Column seconds, long validationStart, long testStart, long gapSeconds) {
    return functions.when(seconds.isNull(), StratifiedSplitter.EXCLUDED)
        .when(seconds.lt(validationStart), StratifiedSplitter.TRAIN)
        .when(seconds.lt(validationStart + gapSeconds), StratifiedSplitter.EXCLUDED)
        .when(seconds.lt(testStart), StratifiedSplitter.VALIDATION)
        .when(seconds.lt(testStart + gapSeconds), StratifiedSplitter.EXCLUDED)
        .otherwise(StratifiedSplitter.TEST);
  }

  /**
   * Rolling origin: the block of a training record at {@code seconds}, given the ascending start
   * times of blocks 1 to k-1 (block 0 starts with the data): the number of block starts at or
   * before it. Origin {@code i} trains on blocks below {@code i} and validates on block {@code i}.
   */
  public static int blockOf(long seconds, long[] blockStarts) {
    int block = 0;
    while (block < blockStarts.length && seconds >= blockStarts[block]) {
      block++;
    }
    return block;
  }

  /** {@link #blockOf} as a Spark column over {@code seconds}. */
  static Column blockColumn(Column seconds, long[] blockStarts) {
    if (blockStarts.length == 0) {
      return functions.lit(0);
    }
    Column block = functions.when(seconds.lt(blockStarts[0]), 0);
    for (int i = 1; i < blockStarts.length; i++) {
      block = block.when(seconds.lt(blockStarts[i]), i);
    }
    return block.otherwise(blockStarts.length);
  }
}
