package org.deepline.core.html;

import java.util.Locale;

/**
 * Numbers as the report pages print them: a fixed locale, so a page depends on its data only and is
 * golden-tested byte for byte.
 */
public final class Formats {
  /** What a page prints for a value that is not a finite number. */
  public static final String NOT_DEFINED = "n/a";
  private static final String COUNT_FORMAT = "%,d";
  private static final String PERCENT_FORMAT = "%.1f%%";
  private static final double TO_PERCENT = 100;

  private Formats() {}

  /** A count with thousands separators: 1,234,567. */
  public static String count(long value) {
    return String.format(Locale.ROOT, COUNT_FORMAT, value);
  }

  /** {@code value} in {@code format} ({@code %.4f}, ...), or {@value #NOT_DEFINED} if not finite. */
  public static String fixed(double value, String format) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : NOT_DEFINED;
  }

  /** A share in [0, 1] as a percentage with one decimal: 0.125 is 12.5%. */
  public static String percent(double share) {
    return fixed(share * TO_PERCENT, PERCENT_FORMAT);
  }
}
