package org.deepline.features;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calendar parts of a date or timestamp value, in UTC, with plain Java: the one implementation the
 * fitter, the Spark transform and a scorer without Spark all use, so the hour of a record cannot
 * depend on where or how it is computed.
 *
 * <p>A value is read as an instant ({@link Instant}, {@link java.sql.Timestamp}, an offset or zoned
 * date-time, ISO text with an offset such as {@code 2001-01-01T00:47:00Z}) and placed in UTC, or as a
 * wall-clock time without zone ({@link LocalDateTime}, {@link LocalDate}, {@link java.sql.Date}, ISO
 * text without an offset), which is taken as UTC. A date has hour 0.
 */
public final class DateTimeParts {
  public static final String HOUR = "hour";
  public static final String DAY_OF_WEEK = "day_of_week";
  public static final String DAY_OF_MONTH = "day_of_month";
  public static final String DAY_OF_YEAR = "day_of_year";
  public static final String MONTH = "month";
  public static final String YEAR = "year";
  public static final List<String> PARTS = List.of(HOUR, DAY_OF_WEEK, DAY_OF_MONTH, DAY_OF_YEAR,
      MONTH, YEAR);
  /** The periodic parts and their periods. */
  public static final Map<String, Period> PERIODIC;

  static {
    Map<String, Period> periodic = new LinkedHashMap<>();
    periodic.put(HOUR, new Period(0, 24));
    periodic.put(DAY_OF_WEEK, new Period(1, 7));
    periodic.put(MONTH, new Period(1, 12));
    PERIODIC = java.util.Collections.unmodifiableMap(periodic);
  }

  private static final double FULL_TURN = 2 * Math.PI;

  private DateTimeParts() {}

  /**
   * A periodic part's values are {@code first .. first + length - 1}.
   *
   * @param first  the smallest value (0 for hours, 1 for weekdays and months)
   * @param length how many values a period has
   */
  public record Period(int first, int length) {
    /** The position of a value in the period, 0 .. length - 1. */
    public int index(int value) {
      return value - first;
    }
  }

  public static boolean isPeriodic(String part) {
    return PERIODIC.containsKey(part);
  }

  /** The value as a UTC wall-clock time; null for a missing value. */
  public static LocalDateTime utc(Object value, String column) {
    if (value == null) {
      return null;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return LocalDateTime.ofInstant(timestamp.toInstant(), ZoneOffset.UTC);
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().atStartOfDay();
    }
    if (value instanceof Instant instant) {
      return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    if (value instanceof OffsetDateTime offset) {
      return LocalDateTime.ofInstant(offset.toInstant(), ZoneOffset.UTC);
    }
    if (value instanceof ZonedDateTime zoned) {
      return LocalDateTime.ofInstant(zoned.toInstant(), ZoneOffset.UTC);
    }
    if (value instanceof LocalDateTime local) {
      return local;
    }
    if (value instanceof LocalDate date) {
      return date.atStartOfDay();
    }
    if (value instanceof java.util.Date date) {
      return LocalDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC);
    }
    if (value instanceof CharSequence text) {
      return parse(text.toString().strip(), column);
    }
    throw new IllegalArgumentException("feature " + column + ": not a date or timestamp: "
        + value.getClass().getSimpleName() + " " + value);
  }

  /** One part of a UTC wall-clock time. */
  public static int part(LocalDateTime time, String part) {
    return switch (part) {
      case HOUR -> time.getHour();
      case DAY_OF_WEEK -> time.getDayOfWeek().getValue();
      case DAY_OF_MONTH -> time.getDayOfMonth();
      case DAY_OF_YEAR -> time.getDayOfYear();
      case MONTH -> time.getMonthValue();
      case YEAR -> time.getYear();
      default -> throw new IllegalArgumentException("unknown date part " + part);
    };
  }

  /** Sine and cosine of a periodic part's position in its period. */
  public static double[] cyclical(int value, String part) {
    Period period = PERIODIC.get(part);
    double angle = FULL_TURN * period.index(value) / period.length();
    return new double[] {Math.sin(angle), Math.cos(angle)};
  }

  private static LocalDateTime parse(String text, String column) {
    if (text.isEmpty()) {
      return null;
    }
    // ISO-8601 with a space instead of the T, as Spark writes timestamps as text.
    String iso = text.replaceFirst(" ", "T");
    try {
      return LocalDateTime.ofInstant(OffsetDateTime.parse(iso).toInstant(), ZoneOffset.UTC);
    } catch (DateTimeParseException withoutOffset) {
      // No offset: a wall-clock time or a date, tried next.
    }
    try {
      return LocalDateTime.parse(iso);
    } catch (DateTimeParseException notADateTime) {
      // A date alone, tried next.
    }
    try {
      return LocalDate.parse(text).atStartOfDay();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("feature " + column + ": not an ISO date or timestamp: '"
          + text + "'", e);
    }
  }
}
