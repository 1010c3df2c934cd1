package org.deepline.training;

import java.util.ArrayList;
import java.util.List;
import org.deepline.baselines.LinearSystems;

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
      double[] step = LinearSystems.solve(hessian, gradient);
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
}
