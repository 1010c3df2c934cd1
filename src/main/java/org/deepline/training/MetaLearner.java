package org.deepline.training;

import java.util.ArrayList;
import java.util.List;

/**
 * A logistic regression on a handful of inputs (a stacked ensemble's member logits), fitted by
 * Newton's method on the driver: a few thousand to a few million rows of two or three values fit in
 * memory, and the exact optimum in a dozen steps is simpler and more reproducible than an
 * iterative distributed fit. A slight L2 penalty on every coefficient keeps the Hessian invertible
 * when two members agree almost perfectly or a member separates the classes.
 *
 * <pre>{@code
 * MetaLearner.Fit fit = MetaLearner.fit(new MetaLearner.Rows(logits, labels));
 * double p = EnsembleSpec.sigmoid(fit.intercept() + fit.weights().get(0) * logits[0][0] + ...);
 * }</pre>
 */
final class MetaLearner {
  /** The L2 penalty per row on the coefficients: negligible next to the data, enough for stability. */
  static final double L2_PER_ROW = 1e-6;
  static final int MAX_ITERATIONS = 100;
  /** Newton's method stops once no coefficient moves by more than this. */
  static final double TOLERANCE = 1e-10;

  private MetaLearner() {}

  /** The training rows: {@code inputs[r]} and the 0/1 {@code labels[r]}. */
  record Rows(double[][] inputs, byte[] labels) {}

  /**
   * @param converged whether Newton's steps fell below {@value #TOLERANCE} within
   *                  {@value #MAX_ITERATIONS} iterations
   */
  record Fit(List<Double> weights, double intercept, int iterations, boolean converged) {}

  static Fit fit(Rows rows) {
    double[] targets = new double[rows.labels().length];
    for (int r = 0; r < targets.length; r++) {
      targets[r] = rows.labels()[r];
    }
    return fit(rows.inputs(), targets);
  }

  /**
   * As {@link #fit(Rows)} with targets in [0, 1] instead of 0/1 labels: the log loss against a
   * target is minimised the same way (its gradient is {@code p - target}), which Platt scaling's
   * smoothed labels need.
   */
  static Fit fit(double[][] inputs, double[] targets) {
    int n = targets.length;
    if (n == 0) {
      throw new IllegalArgumentException("no rows to fit the combiner on");
    }
    int d = inputs[0].length;
    int k = d + 1;
    double[] beta = new double[k];
    double penalty = L2_PER_ROW * n;
    int iteration = 0;
    boolean converged = false;
    while (iteration < MAX_ITERATIONS) {
      iteration++;
      double[] gradient = new double[k];
      double[][] hessian = new double[k][k];
      double[] x = new double[k];
      for (int r = 0; r < n; r++) {
        x[0] = 1;
        System.arraycopy(inputs[r], 0, x, 1, d);
        double z = 0;
        for (int j = 0; j < k; j++) {
          z += beta[j] * x[j];
        }
        double p = EnsembleSpec.sigmoid(z);
        double residual = p - targets[r];
        double w = p * (1 - p);
        for (int i = 0; i < k; i++) {
          gradient[i] += residual * x[i];
          for (int j = 0; j < k; j++) {
            hessian[i][j] += w * x[i] * x[j];
          }
        }
      }
      for (int j = 0; j < k; j++) {
        gradient[j] += penalty * beta[j];
        hessian[j][j] += penalty;
      }
      double[] step = solve(hessian, gradient);
      double largest = 0;
      for (int j = 0; j < k; j++) {
        beta[j] -= step[j];
        largest = Math.max(largest, Math.abs(step[j]));
      }
      if (largest < TOLERANCE) {
        converged = true;
        break;
      }
    }
    List<Double> weights = new ArrayList<>();
    for (int j = 1; j < k; j++) {
      weights.add(beta[j]);
    }
    return new Fit(weights, beta[0], iteration, converged);
  }

  /** {@code a x = b} by Gaussian elimination with partial pivoting ({@code a} is tiny). */
  static double[] solve(double[][] a, double[] b) {
    int k = b.length;
    double[][] m = new double[k][k + 1];
    for (int i = 0; i < k; i++) {
      System.arraycopy(a[i], 0, m[i], 0, k);
      m[i][k] = b[i];
    }
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int row = col + 1; row < k; row++) {
        if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
          pivot = row;
        }
      }
      double[] swap = m[col];
      m[col] = m[pivot];
      m[pivot] = swap;
      if (m[col][col] == 0) {
        throw new IllegalArgumentException("singular system: the combiner's inputs are constant");
      }
      for (int row = col + 1; row < k; row++) {
        double factor = m[row][col] / m[col][col];
        for (int j = col; j <= k; j++) {
          m[row][j] -= factor * m[col][j];
        }
      }
    }
    double[] x = new double[k];
    for (int row = k - 1; row >= 0; row--) {
      double sum = m[row][k];
      for (int j = row + 1; j < k; j++) {
        sum -= m[row][j] * x[j];
      }
      x[row] = sum / m[row][row];
    }
    return x;
  }
}
