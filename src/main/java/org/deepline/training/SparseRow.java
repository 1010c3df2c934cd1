package org.deepline.training;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A feature vector as its non-zero slots, ascending: what SMOTE's neighbour search carries through
 * shuffles instead of the dense vector (a flights vector has 477 slots of which about 8 are not
 * zero: one-hot groups, a cyclical pair, a few numbers).
 *
 * <p>{@link #squaredDistance} gives bit for bit what {@link Smote#squaredDistance} gives for the
 * dense vectors: both add {@code ((a - b) * scale)^2} slot by slot in ascending order, and the slots
 * this one skips (zero in both rows) add exactly 0.
 *
 * <pre>{@code
 * SparseRow row = SparseRow.of(new double[] {0, 2.5, 0, 1});   // index {1, 3}, value {2.5, 1}
 * row.dense(4);                                              // {0, 2.5, 0, 1}
 * }</pre>
 *
 * @param index the non-zero slots, ascending
 * @param value their values
 */
public record SparseRow(int[] index, double[] value) implements Serializable {
  private static final long serialVersionUID = 1L;

  public static SparseRow of(double[] dense) {
    int size = 0;
    for (double x : dense) {
      size += x != 0 ? 1 : 0;
    }
    int[] index = new int[size];
    double[] value = new double[size];
    int at = 0;
    for (int slot = 0; slot < dense.length; slot++) {
      if (dense[slot] != 0) {
        index[at] = slot;
        value[at++] = dense[slot];
      }
    }
    return new SparseRow(index, value);
  }

  /** The non-zero slots of a dense vector as Spark hands an array column over. */
  public static SparseRow of(List<Double> dense) {
    double[] values = new double[dense.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = dense.get(i);
    }
    return of(values);
  }

  public int size() {
    return index.length;
  }

  public double[] dense(int width) {
    double[] out = new double[width];
    for (int i = 0; i < index.length; i++) {
      out[index[i]] = value[i];
    }
    return out;
  }

  /** Squared distance in the neighbour space whose per-slot factors are {@code scale}. */
  public static double squaredDistance(SparseRow a, SparseRow b, double[] scale) {
    int[] ai = a.index;
    int[] bi = b.index;
    int i = 0;
    int j = 0;
    double sum = 0;
    while (i < ai.length || j < bi.length) {
      int slot;
      double d;
      if (j == bi.length || (i < ai.length && ai[i] < bi[j])) {
        slot = ai[i];
        d = (a.value[i++] - 0.0) * scale[slot];
      } else if (i == ai.length || bi[j] < ai[i]) {
        slot = bi[j];
        d = (0.0 - b.value[j++]) * scale[slot];
      } else {
        slot = ai[i];
        d = (a.value[i++] - b.value[j++]) * scale[slot];
      }
      sum += d * d;
    }
    return sum;
  }

  /** The dot product with {@code other}. */
  public double dot(SparseRow other) {
    int i = 0;
    int j = 0;
    double sum = 0;
    while (i < index.length && j < other.index.length) {
      if (index[i] < other.index[j]) {
        i++;
      } else if (index[i] > other.index[j]) {
        j++;
      } else {
        sum += value[i++] * other.value[j++];
      }
    }
    return sum;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SparseRow row && Arrays.equals(index, row.index)
        && Arrays.equals(value, row.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(index) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "SparseRow" + Arrays.toString(index) + Arrays.toString(value);
  }
}
