package org.deepline.metrics;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Edges of calibration bins over [0, 1]: {@code edges[i]} and {@code edges[i + 1]} bound bin i; the
 * first edge is 0, the last 1, and a probability of exactly 1 belongs to the last bin.
 */
final class CalibrationEdges {
  /**
   * Relative rank error of the quantiles that cut equal-mass bins: a bin of 1/n of the rows is off by
   * at most this share of all rows, far below what moves a reliability diagram.
   */
  static final double QUANTILE_RELATIVE_ERROR = 1e-3;

  private CalibrationEdges() {}

  static double[] equalWidth(int bins) {
    double[] edges = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      edges[i] = (double) i / bins;
    }
    return edges;
  }

  /**
   * Edges at the 1/n, 2/n, ... quantiles of the probabilities (Spark's approximate quantiles, one
   * distributed pass). Tied probabilities can make edges repeat; the bins between equal edges stay
   * empty and are left out of the table.
   */
  static double[] equalMass(Dataset<Row> validRows, Column probability, int bins) {
    double[] levels = new double[bins - 1];
    for (int i = 1; i < bins; i++) {
      levels[i - 1] = (double) i / bins;
    }
    double[] inner = bins == 1 ? new double[0]
        : validRows.select(probability.as("p")).stat()
            .approxQuantile("p", levels, QUANTILE_RELATIVE_ERROR);
    double[] edges = new double[bins + 1];
    edges[0] = 0;
    edges[bins] = 1;
    for (int i = 0; i < inner.length; i++) {
      edges[i + 1] = Math.max(edges[i], inner[i]);
    }
    return edges;
  }

  /** The bin index of a probability in [0, 1], as an int column. */
  static Column binOf(Column probability, double[] edges) {
    int bins = edges.length - 1;
    if (isEqualWidth(edges)) {
      return functions.least(functions.floor(probability.multiply(bins)), functions.lit(bins - 1))
          .cast("int");
    }
    double[] inner = Arrays.copyOfRange(edges, 1, bins);
    UDF1<Double, Integer> lookup = p -> p == null ? null : index(inner, p);
    return functions.udf(lookup, DataTypes.IntegerType).apply(probability);
  }

  /** The number of inner edges at or below {@code p}: bins are closed on the left. */
  static int index(double[] inner, double p) {
    int low = 0;
    int high = inner.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (inner[middle] <= p) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private static boolean isEqualWidth(double[] edges) {
    return Arrays.equals(edges, equalWidth(edges.length - 1));
  }
}
