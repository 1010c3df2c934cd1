package org.deepline.monitoring;

/**
 * The population stability index of one column: {@code sum((c - r) * ln(c / r))} over buckets, with
 * {@code r} and {@code c} the shares of the reference and the current rows in each. 0 when the
 * shares are equal; about 0.1 when a tenth of the rows moved to a neighbouring bucket, past 0.25
 * when a distribution has shifted (a mean moved by half a standard deviation gives about 0.25).
 * Symmetric in its two sides, and buckets fixed on the reference, so every night is measured
 * against the same bins.
 */
final class Psi {
  /**
   * The least share a bucket counts with: a bucket empty on one side would make the index infinite
   * (a category the training rows never had), and the floor keeps one empty bucket at a few tenths.
   */
  static final double MIN_SHARE = 1e-4;

  private Psi() {}

  /** The index of {@code current}'s bucket counts against {@code reference}'s (same buckets). */
  static double of(long[] reference, long[] current) {
    if (reference.length != current.length) {
      throw new IllegalArgumentException("buckets differ: " + reference.length + " and "
          + current.length);
    }
    double referenceRows = total(reference);
    double currentRows = total(current);
    if (referenceRows == 0 || currentRows == 0) {
      return Double.NaN;
    }
    double index = 0;
    for (int b = 0; b < reference.length; b++) {
      double r = Math.max(MIN_SHARE, reference[b] / referenceRows);
      double c = Math.max(MIN_SHARE, current[b] / currentRows);
      index += (c - r) * Math.log(c / r);
    }
    return index;
  }

  private static long total(long[] counts) {
    long sum = 0;
    for (long count : counts) {
      sum += count;
    }
    return sum;
  }
}
