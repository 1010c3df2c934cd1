package org.deepline.training;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Rows of a split held as primitive arrays, the form workers cut minibatches from: one label per row
 * (a class index, and the label's number as a float for a regression label) and the feature
 * vectors either dense (row-major) or, when most values are zero as one-hot encodings make them,
 * compressed sparse rows. A chunk holds at most {@link TrainingData#CHUNK_ROWS} rows so that
 * Spark caches and spills a partition in pieces of bounded size.
 */
public final class FeatureChunk implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Dense storage is chosen when at least this share of the values is non-zero. */
  private static final double DENSE_SHARE = 0.5;

  private final int width;
  private final int rows;
  private final byte[] labels;
  /** Each row's label as a number: a regression label's target (a class label's index). */
  private final float[] targets;
  /** Dense: rows * width values. Sparse: the non-zero values, row by row. */
  private final float[] values;
  /** Sparse only: column of each value in {@link #values}; null when dense. */
  private final int[] columns;
  /** Sparse only: where each row starts in {@link #values} (rows + 1 entries); null when dense. */
  private final int[] rowStarts;
  /**
   * The first unusable row seen (a NaN, an infinity, a wrong width), described for the user, or null.
   * Reported rather than thrown: an exception inside a Spark task reaches the driver as a stage
   * failure wrapped in Spark's text, and the user should read one plain sentence.
   */
  private final String problem;

  private FeatureChunk(int width, int rows, byte[] labels, float[] targets, float[] values,
      int[] columns, int[] rowStarts, String problem) {
    this.width = width;
    this.rows = rows;
    this.labels = labels;
    this.targets = targets;
    this.values = values;
    this.columns = columns;
    this.rowStarts = rowStarts;
    this.problem = problem;
  }

  public String problem() {
    return problem;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  public boolean isSparse() {
    return rowStarts != null;
  }

  public int label(int row) {
    return labels[row];
  }

  /** Row {@code row}'s label as the number it is: a regression label's target. */
  public float target(int row) {
    return targets[row];
  }

  /** Writes row {@code row}'s feature vector into {@code target} at {@code offset} (width floats). */
  public void copyFeatures(int row, float[] target, int offset) {
    if (rowStarts == null) {
      System.arraycopy(values, row * width, target, offset, width);
      return;
    }
    Arrays.fill(target, offset, offset + width, 0f);
    for (int i = rowStarts[row]; i < rowStarts[row + 1]; i++) {
      target[offset + columns[i]] = values[i];
    }
  }

  /** Accumulates rows as compressed sparse rows and decides the storage at {@link #build()}. */
  public static final class Builder {
    private final int width;
    private int rows;
    private byte[] labels = new byte[16];
    private float[] targets = new float[16];
    private float[] values = new float[64];
    private int[] columns = new int[64];
    private int[] rowStarts = new int[17];
    private int nonZeros;
    private String problem;

    public Builder(int width) {
      this.width = width;
    }

    public int rows() {
      return rows;
    }

    /** Remembers the first problem of the chunk (later ones add nothing the user needs). */
    public void problem(String description) {
      if (problem == null) {
        problem = description;
      }
    }

    public boolean hasProblem() {
      return problem != null;
    }

    /**
     * Appends one row; {@code features} must have {@code width} finite values, {@code label} is
     * the row's label: a class index, or a regression label's number.
     */
    public void add(double[] features, double label) {
      for (int column = 0; column < features.length; column++) {
        appendValue(column, features[column]);
      }
      endRow(label);
    }

    /**
     * Appends a row given as a stored sparse vector: {@code count} slots in ascending order with
     * their values, each finite. A row gives the same chunk in either form.
     */
    public void addSparse(int[] slots, double[] slotValues, int count, double label) {
      for (int i = 0; i < count; i++) {
        appendValue(slots[i], slotValues[i]);
      }
      endRow(label);
    }

    /** Keeps a value of the current row unless it is a zero of either sign. */
    private void appendValue(int column, double value) {
      if (value == 0) {
        return;
      }
      if (nonZeros == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
        columns = Arrays.copyOf(columns, columns.length * 2);
      }
      values[nonZeros] = (float) value;
      columns[nonZeros] = column;
      nonZeros++;
    }

    private void endRow(double label) {
      if (rows == labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
        targets = Arrays.copyOf(targets, labels.length);
        rowStarts = Arrays.copyOf(rowStarts, labels.length + 1);
      }
      // A class index is small; a regression label's number is kept by targets alone.
      labels[rows] = (byte) (int) label;
      targets[rows] = (float) label;
      rows++;
      rowStarts[rows] = nonZeros;
    }

    public FeatureChunk build() {
      byte[] rowLabels = Arrays.copyOf(labels, rows);
      float[] rowTargets = Arrays.copyOf(targets, rows);
      if (nonZeros >= DENSE_SHARE * rows * (double) width) {
        float[] dense = new float[rows * width];
        for (int row = 0; row < rows; row++) {
          for (int i = rowStarts[row]; i < rowStarts[row + 1]; i++) {
            dense[row * width + columns[i]] = values[i];
          }
        }
        return new FeatureChunk(width, rows, rowLabels, rowTargets, dense, null, null, problem);
      }
      return new FeatureChunk(width, rows, rowLabels, rowTargets, Arrays.copyOf(values, nonZeros),
          Arrays.copyOf(columns, nonZeros), Arrays.copyOf(rowStarts, rows + 1), problem);
    }
  }
}
