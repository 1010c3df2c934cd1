package org.deepline.scoring;

import org.deepline.baselines.LinearModel;

/**
 * A {@link LinearModel} (a promoted logistic-regression baseline) as a {@link Predictor}, in plain
 * Java: dense rows are a dot product over the whole width, sparse rows over their non-zero entries
 * only.
 *
 * <pre>{@code
 * Predictor scorer = new LinearScorer(new LinearModel(List.of(2.0, -1.0), 0.5));
 * float[] p = scorer.probabilities(new float[] {1f, 3f}, 1); // {0.3775}
 * }</pre>
 */
public final class LinearScorer implements Predictor {
  private final double[] coefficients;
  private final double intercept;

  public LinearScorer(LinearModel model) {
    this.coefficients = model.coefficients().stream().mapToDouble(Double::doubleValue).toArray();
    this.intercept = model.intercept();
  }

  @Override
  public int inputWidth() {
    return coefficients.length;
  }

  @Override
  public float[] probabilities(float[] rowMajor, int rows) {
    float[] probabilities = new float[rows];
    int width = coefficients.length;
    for (int r = 0; r < rows; r++) {
      double margin = intercept;
      int offset = r * width;
      for (int i = 0; i < width; i++) {
        // Widened as MLlib reads the features table's doubles.
        margin += coefficients[i] * (double) rowMajor[offset + i];
      }
      probabilities[r] = (float) LinearModel.sigmoid(margin);
    }
    return probabilities;
  }

  @Override
  public float[] probabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    float[] probabilities = new float[rows];
    for (int r = 0; r < rows; r++) {
      double margin = intercept;
      for (int entry = rowStarts[r]; entry < rowStarts[r + 1]; entry++) {
        margin += coefficients[slots[entry]] * (double) values[entry];
      }
      probabilities[r] = (float) LinearModel.sigmoid(margin);
    }
    return probabilities;
  }
}
