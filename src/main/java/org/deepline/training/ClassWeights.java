package org.deepline.training;

/**
 * The loss weight of class 0 and class 1, from {@code training.class_weights} and the training split's
 * class counts. Every scheme is normalised so that the weights, summed over the training rows, equal
 * the number of rows: the loss keeps its scale and the learning rate its meaning.
 *
 * <pre>{@code
 * double[] weights = ClassWeights.of(config, 900, 100);   // balanced: {0.556, 5.0}
 * }</pre>
 */
public final class ClassWeights {
  public static final String NONE = "none";
  public static final String BALANCED = "balanced";
  public static final String EFFECTIVE_NUMBER = "effective_number";
  /** Cui et al.'s usual choice for classes of thousands of examples. */
  public static final double DEFAULT_BETA = 0.999;

  private ClassWeights() {}

  /** The weights {@code config} asks for, or null for an unweighted loss. */
  public static double[] of(TrainingConfig config, long negatives, long positives) {
    return switch (config.classWeights()) {
      case BALANCED -> balanced(negatives, positives);
      case EFFECTIVE_NUMBER -> effectiveNumber(negatives, positives, config.classWeightBeta());
      default -> null;
    };
  }

  /** Inverse class frequency: a balanced split gets (1, 1). */
  public static double[] balanced(long negatives, long positives) {
    return normalised(1.0 / negatives, 1.0 / positives, negatives, positives);
  }

  /**
   * Cui et al., "Class-Balanced Loss Based on Effective Number of Samples" (2019): each class is
   * weighted by the inverse of its effective number of examples {@code (1 - beta^n) / (1 - beta)},
   * which grows like {@code n} for small classes and saturates at {@code 1 / (1 - beta)}: extra
   * examples of a large class add less and less new information. Beta 0 gives equal weights, beta
   * towards 1 the balanced ones.
   */
  public static double[] effectiveNumber(long negatives, long positives, double beta) {
    return normalised(1.0 / effective(negatives, beta), 1.0 / effective(positives, beta),
        negatives, positives);
  }

  /**
   * The weights of each of {@code rowsPerClass.length} classes {@code config} asks for (a
   * multi-class label's), by the same schemes and normalisation as two classes; null for an
   * unweighted loss. A class without training rows weighs 0: it adds nothing to the loss, and
   * its infinite inverse count would make every weight NaN.
   */
  public static double[] of(TrainingConfig config, long[] rowsPerClass) {
    double[] raw = new double[rowsPerClass.length];
    for (int c = 0; c < raw.length; c++) {
      if (rowsPerClass[c] == 0) {
        continue;
      }
      switch (config.classWeights()) {
        case BALANCED -> raw[c] = 1.0 / rowsPerClass[c];
        case EFFECTIVE_NUMBER -> raw[c] = 1.0 / effective(rowsPerClass[c],
            config.classWeightBeta());
        default -> {
          return null;
        }
      }
    }
    double rows = 0;
    double weighted = 0;
    for (int c = 0; c < raw.length; c++) {
      rows += rowsPerClass[c];
      weighted += raw[c] * rowsPerClass[c];
    }
    for (int c = 0; c < raw.length; c++) {
      raw[c] *= rows / weighted;
    }
    return raw;
  }

  private static double effective(long count, double beta) {
    // 1 - beta^n, computed without cancellation when beta is close to 1.
    return beta == 0 ? 1.0 : -Math.expm1(count * Math.log(beta)) / (1 - beta);
  }

  private static double[] normalised(double negative, double positive, long negatives,
      long positives) {
    double scale = (negatives + positives) / (negative * negatives + positive * positives);
    return new double[] {negative * scale, positive * scale};
  }
}
