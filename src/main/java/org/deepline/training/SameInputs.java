package org.deepline.training;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.features.FeatureTransform;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.StratifiedSplitter;

/**
 * Tells a network that collapsed from inputs that cannot tell the rows apart. A network giving
 * every validation row one probability has collapsed ({@link CollapseGuard}) unless every
 * validation row reached it as the same vector: then no model could do otherwise, and the inputs
 * are what to fix, not the learning rate. 4,000 food reviews with a product id, both one-hot over
 * 100 values seen once each, did that: every validation value was unseen, every vector the same.
 *
 * <pre>{@code
 * SameInputs.requireValidationRowsApart(features, bestScores); // before CollapseGuard.check
 * }</pre>
 */
final class SameInputs {
  /** Two distinct vectors are enough to know the rows can be told apart. */
  private static final int DISTINCT_VECTORS_NEEDED = 2;

  private SameInputs() {}

  /**
   * Fails when {@code validation}'s predictions are one constant and the validation rows of
   * {@code features} (dense vectors) are one vector; one job, only for constant predictions.
   */
  static void requireValidationRowsApart(Dataset<Row> features, ScoredLabels validation) {
    if (validation.probabilityStandardDeviation() >= CollapseGuard.MIN_SPREAD) {
      return;
    }
    long vectors = features
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.VALIDATION))
        .select(FeatureTransform.FEATURES).distinct().limit(DISTINCT_VECTORS_NEEDED).count();
    if (vectors < DISTINCT_VECTORS_NEEDED) {
      throw new DeeplineException(Failure.DATA_QUALITY, "train: every validation row reaches "
          + "the network as the same input vector, so no model can tell them apart: no input "
          + "varies on validation. Usually every categorical value there is unseen in training "
          + "(an identifier, or free text one-hot encoded: see features.categorical_encodings and "
          + "the encoding words) and the numeric inputs are constant or absent; the features "
          + "stage's log names the inputs whose values share the __other__ slot");
    }
  }
}
