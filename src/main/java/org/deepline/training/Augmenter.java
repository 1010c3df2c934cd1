package org.deepline.training;

import java.util.SplittableRandom;

/**
 * The per-row arithmetic of tabular augmentation, in plain Java ({@link Rebalancer} applies it to
 * the training split in Spark).
 *
 * <ul>
 *   <li><b>Noise</b>: a copy of a row with Gaussian noise of standard deviation
 *       {@code noiseStd * stddev[slot]} added to every continuous slot, {@code stddev} being the
 *       slot's standard deviation on the training split; discrete groups are left as they are.
 *   <li><b>Mixup</b> within a class (Zhang et al., 2018, restricted to one label, so the label stays
 *       0 or 1): with {@code lambda ~ Beta(alpha, alpha)}, every continuous slot is
 *       {@code lambda * a + (1 - lambda) * b}; every discrete group is copied whole from {@code a}
 *       with probability {@code lambda}, else from {@code b}, so one-hot groups stay one-hot.
 * </ul>
 *
 * <pre>{@code
 * double[] noisy = Augmenter.noisy(row, layout, stddev, 0.1, Smote.random(rowHash, 0));
 * double[] mixed = Augmenter.mixup(a, b, layout, 0.2, Smote.random(rowHash, 0));
 * }</pre>
 */
public final class Augmenter {
  private Augmenter() {}

  public static double[] noisy(double[] row, SlotLayout layout, double[] stddev, double noiseStd,
      SplittableRandom random) {
    double[] out = row.clone();
    for (int slot : layout.continuous()) {
      out[slot] += random.nextGaussian() * noiseStd * stddev[slot];
    }
    return out;
  }

  public static double[] mixup(double[] a, double[] b, SlotLayout layout, double alpha,
      SplittableRandom random) {
    double lambda = beta(alpha, random);
    double[] out = a.clone();
    for (int slot : layout.continuous()) {
      out[slot] = lambda * a[slot] + (1 - lambda) * b[slot];
    }
    for (SlotLayout.Group group : layout.groups()) {
      if (random.nextDouble() >= lambda) {
        System.arraycopy(b, group.start(), out, group.start(), group.size());
      }
    }
    return out;
  }

  /** A draw of Beta(alpha, alpha): {@code x / (x + y)} of two Gamma(alpha) draws. */
  static double beta(double alpha, SplittableRandom random) {
    double x = gamma(alpha, random);
    double y = gamma(alpha, random);
    return x + y == 0 ? 0.5 : x / (x + y);
  }

  /**
   * Marsaglia and Tsang's Gamma(shape, 1) sampler; a shape below 1 draws Gamma(shape + 1) times
   * {@code U^(1/shape)}.
   */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
