package org.deepline.baselines;

import java.util.ArrayList;
import java.util.List;

/**
 * The ladder's logistic regression fitted on the driver by Newton's method, minimising the
 * objective MLlib's {@code LogisticRegression} does for a binary label with its defaults
 * ({@code standardization = true}, no elastic net): the mean log loss plus
 * {@code reg_param / 2 * sum((coefficient_j * std_j)^2)}, the L2 penalty on the coefficients of
 * the standardised features, the intercept unpenalised, and a feature with no spread given a zero
 * coefficient. So {@code reg_param=0.01} means what it means in MLlib, and the optimum is MLlib's
 * to the tolerance MLlib stops at.
 *
 * <p>Why: on a few thousand rows MLlib spends a Spark job on every L-BFGS iteration, 2-3 s per
 * grid point on churn where the exact optimum here takes a few milliseconds per Newton step.
 * The Hessian is built from each row's nonzero inputs only (one-hot features are mostly zeros).
 *
 * <pre>{@code
 * LinearModel model = NewtonLogistic.fit(rows, 0.01);
 * }</pre>
 */
public final class NewtonLogistic {
  /**
   * Widest input fitted here: a Newton step solves a dense system as wide as the features (at 500,
   * 2.7 s per grid point on 5,000 rows; at 1,000, 12 s), where MLlib's L-BFGS does not.
   */
  public static final int MAX_WIDTH = 500;
  static final int MAX_ITERATIONS = 100;
  /** Newton's method stops once no coefficient moves by more than this. */
  static final double TOLERANCE = 1e-9;
  /** A step is halved at most this many times while it does not lower the objective. */
  private static final int MAX_HALVINGS = 40;

  private NewtonLogistic() {}

  /** The fitted model, on the original scale of the features as MLlib reports it. */
  public static LinearModel fit(LocalRows rows, double regParam) {
    int n = rows.size();
    if (n == 0) {
      throw new IllegalArgumentException("no rows to fit the logistic regression on");
    }
    int width = rows.width();
    double[] std = standardDeviations(rows);
    // Slot 0 is the intercept, slot s > 0 the active feature active[s - 1].
    int[] slotOf = new int[width];
    List<Integer> active = new ArrayList<>();
    for (int j = 0; j < width; j++) {
      slotOf[j] = std[j] > 0 ? active.size() + 1 : -1;
      if (std[j] > 0) {
        active.add(j);
      }
    }
    int k = active.size() + 1;
    double[] penalty = new double[k];
    for (int s = 1; s < k; s++) {
      double spread = std[active.get(s - 1)];
      penalty[s] = regParam * spread * spread;
    }
    int[][] slots = new int[n][];
    double[][] values = new double[n][];
    sparse(rows, slotOf, slots, values);
    double[] targets = new double[n];
    for (int r = 0; r < n; r++) {
      targets[r] = rows.labels()[r];
    }
    double[] beta = new double[k];
    double rate = Math.min(Math.max(rows.positiveRate(), 1e-6), 1 - 1e-6);
    // MLlib starts from the intercept-only optimum too.
    beta[0] = Math.log(rate / (1 - rate));
    double objective = objective(beta, slots, values, targets, penalty);
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double[] gradient = new double[k];
      double[][] hessian = new double[k][k];
      for (int r = 0; r < n; r++) {
        double p = LinearModel.sigmoid(margin(beta, slots[r], values[r]));
        double residual = (p - targets[r]) / n;
        double curvature = p * (1 - p) / n;
        int[] rowSlots = slots[r];
        double[] rowValues = values[r];
        gradient[0] += residual;
        hessian[0][0] += curvature;
        for (int a = 0; a < rowSlots.length; a++) {
          int sa = rowSlots[a];
          double xa = rowValues[a];
          gradient[sa] += residual * xa;
          hessian[sa][0] += curvature * xa;
          for (int b = 0; b <= a; b++) {
            hessian[sa][rowSlots[b]] += curvature * xa * rowValues[b];
          }
        }
      }
      for (int i = 0; i < k; i++) {
        gradient[i] += penalty[i] * beta[i];
        hessian[i][i] += penalty[i];
        for (int j = 0; j < i; j++) {
          // Accumulated into the lower triangle only (rows' slots ascend).
          double value = hessian[i][j] + hessian[j][i];
          hessian[i][j] = value;
          hessian[j][i] = value;
        }
      }
      double[] step = LinearSystems.solve(hessian, gradient);
      double scale = 1;
      double[] next = new double[k];
      double nextObjective = Double.POSITIVE_INFINITY;
      for (int halving = 0; halving <= MAX_HALVINGS; halving++, scale /= 2) {
        for (int i = 0; i < k; i++) {
          next[i] = beta[i] - scale * step[i];
        }
        nextObjective = objective(next, slots, values, targets, penalty);
        if (nextObjective <= objective) {
          break;
        }
      }
      if (!(nextObjective <= objective)) {
        break;
      }
      double largest = 0;
      for (int i = 0; i < k; i++) {
        largest = Math.max(largest, Math.abs(next[i] - beta[i]));
      }
      beta = next;
      objective = nextObjective;
      if (largest < TOLERANCE) {
        break;
      }
    }
    List<Double> coefficients = new ArrayList<>();
    for (int j = 0; j < width; j++) {
      coefficients.add(slotOf[j] < 0 ? 0.0 : beta[slotOf[j]]);
    }
    return new LinearModel(coefficients, beta[0]);
  }

  /**
   * Each feature's sample standard deviation (divided by n - 1, as MLlib's summarizer), by
   * Welford's running update, which keeps a constant feature's exactly 0: a mean summed as
   * {@code x / n} drifts off the constant, and the feature would get a coefficient that copies
   * the intercept's.
   */
  static double[] standardDeviations(LocalRows rows) {
    int width = rows.width();
    double[] mean = new double[width];
    double[] squares = new double[width];
    int seen = 0;
    for (double[] row : rows.features()) {
      seen++;
      for (int j = 0; j < width; j++) {
        double before = row[j] - mean[j];
        mean[j] += before / seen;
        squares[j] += before * (row[j] - mean[j]);
      }
    }
    double[] std = new double[width];
    for (int j = 0; j < width && seen > 1; j++) {
      std[j] = Math.sqrt(squares[j] / (seen - 1));
    }
    return std;
  }

  /** Each row's nonzero inputs of active features, as ascending slots and their values. */
  private static void sparse(LocalRows rows, int[] slotOf, int[][] slots, double[][] values) {
    int width = rows.width();
    int[] slotBuffer = new int[width];
    double[] valueBuffer = new double[width];
    for (int r = 0; r < rows.size(); r++) {
      double[] row = rows.features()[r];
      int count = 0;
      for (int j = 0; j < width; j++) {
        if (row[j] != 0 && slotOf[j] > 0) {
          slotBuffer[count] = slotOf[j];
          valueBuffer[count++] = row[j];
        }
      }
      slots[r] = java.util.Arrays.copyOf(slotBuffer, count);
      values[r] = java.util.Arrays.copyOf(valueBuffer, count);
    }
  }

  private static double margin(double[] beta, int[] slots, double[] values) {
    double z = beta[0];
    for (int a = 0; a < slots.length; a++) {
      z += beta[slots[a]] * values[a];
    }
    return z;
  }

  /** The mean log loss plus the penalty. */
  private static double objective(double[] beta, int[][] slots, double[][] values,
      double[] targets, double[] penalty) {
    double loss = 0;
    for (int r = 0; r < targets.length; r++) {
      double z = margin(beta, slots[r], values[r]);
      // log(1 + exp(z)) - y z, written to stay finite for large |z|.
      loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - targets[r] * z;
    }
    double penalised = loss / targets.length;
    for (int i = 0; i < beta.length; i++) {
      penalised += 0.5 * penalty[i] * beta[i] * beta[i];
    }
    return penalised;
  }
}
