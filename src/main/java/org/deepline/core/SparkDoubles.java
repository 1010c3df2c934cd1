package org.deepline.core;

/**
 * Spark SQL's order of doubles for code that computes, outside Spark, what Spark's {@code min} and
 * {@code max} would: NaN above every other number (Java's {@link Math#min} returns NaN for any NaN).
 */
public final class SparkDoubles {
  private SparkDoubles() {}

  /** The smaller, NaN only when both are. */
  public static double min(double left, double right) {
    return Double.isNaN(left) ? right : Double.isNaN(right) ? left : Math.min(left, right);
  }

  /** The larger, NaN when either is. */
  public static double max(double left, double right) {
    return Double.isNaN(left) || Double.isNaN(right) ? Double.NaN : Math.max(left, right);
  }
}
