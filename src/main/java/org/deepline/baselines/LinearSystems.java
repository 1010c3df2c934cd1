package org.deepline.baselines;

/** Small dense linear systems, as Newton's method on the driver needs them. */
public final class LinearSystems {
  private LinearSystems() {}

  /**
   * {@code a x = b} by Gaussian elimination with partial pivoting: {@code a} is a Newton step's
   * Hessian, at most a few hundred wide, so a library buys nothing.
   */
  public static double[] solve(double[][] a, double[] b) {
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
        throw new IllegalArgumentException("singular system: an input is constant or a copy of "
            + "others");
      }
      for (int row = col + 1; row < k; row++) {
        double factor = m[row][col] / m[col][col];
        if (factor == 0) {
          continue;
        }
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
