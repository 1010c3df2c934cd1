package org.deepline.baselines;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.collection.Seq;

/**
 * Feature vectors and 0/1 labels held on the driver: the rows a small ladder is fitted and judged
 * on in plain Java.
 *
 * <pre>{@code
 * LocalRows train = LocalRows.collect(trainRows, "_features", "_label", 50_000, 5_000_000);
 * if (train != null) {
 *   LinearModel logistic = NewtonLogistic.fit(train, 0.01);
 * }
 * }</pre>
 *
 * @param features one feature vector per row, all of one width
 * @param labels   each row's label, 0 or 1
 */
public record LocalRows(double[][] features, byte[] labels) {
  public LocalRows {
    if (features.length != labels.length) {
      throw new IllegalArgumentException(features.length + " feature vectors for "
          + labels.length + " labels");
    }
  }

  /**
   * The rows of {@code rows}, or null when there are more than {@code maxRows} of them or more
   * than {@code maxValues} feature values: one Spark job reads the first row's width, a second at
   * most one row past what the limits allow, so a large or wide table is never pulled to the
   * driver.
   */
  public static LocalRows collect(Dataset<Row> rows, String featuresColumn, String labelColumn,
      int maxRows, long maxValues) {
    List<Row> first = rows.select(functions.size(functions.col(featuresColumn))).limit(1)
        .collectAsList();
    if (first.isEmpty()) {
      return new LocalRows(new double[0][], new byte[0]);
    }
    long width = Math.max(1, first.get(0).getInt(0));
    int allowed = (int) Math.min(maxRows, maxValues / width);
    List<Row> collected = rows.select(functions.col(featuresColumn),
        functions.col(labelColumn).cast("double")).limit(allowed + 1).collectAsList();
    if (collected.size() > allowed) {
      return null;
    }
    double[][] features = new double[collected.size()][];
    byte[] labels = new byte[collected.size()];
    for (int r = 0; r < features.length; r++) {
      Row row = collected.get(r);
      Seq<?> values = row.getSeq(0);
      double[] vector = new double[values.length()];
      for (int j = 0; j < vector.length; j++) {
        vector[j] = ((Number) values.apply(j)).doubleValue();
      }
      features[r] = vector;
      labels[r] = (byte) row.getDouble(1);
    }
    return new LocalRows(features, labels);
  }

  public int size() {
    return labels.length;
  }

  /** The feature vectors' width; 0 without rows. */
  public int width() {
    return features.length == 0 ? 0 : features[0].length;
  }

  /** The share of rows labelled 1. */
  public double positiveRate() {
    long positives = 0;
    for (byte label : labels) {
      positives += label;
    }
    return labels.length == 0 ? 0 : positives / (double) labels.length;
  }
}
