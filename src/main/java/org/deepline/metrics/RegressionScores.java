package org.deepline.metrics;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Predicted and true numbers of a regression label held in driver memory, with the metrics its
 * training loop, baselines and evaluation report: RMSE, MAE, R², the median absolute error and
 * the explained variance, each as scikit-learn's {@code sklearn.metrics} function of the same name
 * defines it, except that R² and the explained variance are NaN (not 0 or 1) when every true
 * number is the same: there is no variance to explain, and "no evidence" is not "perfect".
 *
 * <pre>{@code
 * RegressionScores scores = new RegressionScores(new double[] {2.5, 0.0, 2.0, 8.0},
 *     new double[] {3.0, -0.5, 2.0, 7.0});
 * double rmse = scores.rmse(); // 0.6124
 * double r2 = scores.r2();     // 0.9486
 * }</pre>
 *
 * <p>The arrays are held, not copied: do not modify them.
 */
public final class RegressionScores {
  private final double[] predictions;
  private final double[] labels;
  private final double meanLabel;
  private final double squaredError;
  private final double absoluteError;

  /**
   * @param predictions each row's predicted number
   * @param labels      each row's true number, as many as {@code predictions}
   * @throws IllegalArgumentException when the arrays differ in length or a value is not finite
   */
  public RegressionScores(double[] predictions, double[] labels) {
    if (predictions.length != labels.length) {
      throw new IllegalArgumentException(predictions.length + " predictions for "
          + labels.length + " labels");
    }
    double sum = 0;
    double squared = 0;
    double absolute = 0;
    for (int row = 0; row < labels.length; row++) {
      if (!Double.isFinite(predictions[row]) || !Double.isFinite(labels[row])) {
        throw new IllegalArgumentException("row " + row + ": prediction " + predictions[row]
            + ", label " + labels[row] + "; both must be finite");
      }
      double error = predictions[row] - labels[row];
      sum += labels[row];
      squared += error * error;
      absolute += Math.abs(error);
    }
    this.predictions = predictions;
    this.labels = labels;
    this.meanLabel = labels.length == 0 ? Double.NaN : sum / labels.length;
    this.squaredError = squared;
    this.absoluteError = absolute;
  }

  /**
   * The {@code prediction} and {@code label} columns of {@code rows}, brought to the driver: the
   * scores of a Spark model's predictions. Both must be non-null doubles.
   */
  public static RegressionScores collect(Dataset<Row> rows, String prediction, String label) {
    List<Row> scored = rows.select(prediction, label).collectAsList();
    double[] predictions = new double[scored.size()];
    double[] labels = new double[scored.size()];
    for (int row = 0; row < scored.size(); row++) {
      predictions[row] = scored.get(row).getDouble(0);
      labels[row] = scored.get(row).getDouble(1);
    }
    return new RegressionScores(predictions, labels);
  }

  /** How many rows were scored. */
  public int count() {
    return labels.length;
  }

  public double prediction(int row) {
    return predictions[row];
  }

  public double label(int row) {
    return labels[row];
  }

  /** The mean of the true numbers: what the mean baseline predicts for every row. */
  public double meanLabel() {
    return meanLabel;
  }

  /** The mean of the predictions. */
  public double meanPrediction() {
    return count() == 0 ? Double.NaN : Arrays.stream(predictions).sum() / count();
  }

  /** Mean squared error; NaN without rows. */
  public double mse() {
    return count() == 0 ? Double.NaN : squaredError / count();
  }

  /** Root mean squared error, in the label's unit; NaN without rows. */
  public double rmse() {
    return Math.sqrt(mse());
  }

  /** Mean absolute error, in the label's unit; NaN without rows. */
  public double mae() {
    return count() == 0 ? Double.NaN : absoluteError / count();
  }

  /**
   * The coefficient of determination: 1 minus the squared error over the labels' squared
   * deviation from their mean. 1 is perfect, 0 is the mean's, below 0 worse than the mean. NaN
   * when every label is the same (scikit-learn answers 1.0 or 0.0 there) or without rows.
   */
  public double r2() {
    double total = totalSquares();
    return total == 0 || count() == 0 ? Double.NaN : 1 - squaredError / total;
  }

  /**
   * 1 minus the variance of the errors over the variance of the labels: R² without the penalty
   * for a constant offset. NaN when every label is the same or without rows.
   */
  public double explainedVariance() {
    double total = totalSquares();
    if (total == 0 || count() == 0) {
      return Double.NaN;
    }
    double meanError = 0;
    for (int row = 0; row < count(); row++) {
      meanError += labels[row] - predictions[row];
    }
    meanError /= count();
    double errorSquares = 0;
    for (int row = 0; row < count(); row++) {
      double centred = labels[row] - predictions[row] - meanError;
      errorSquares += centred * centred;
    }
    return 1 - errorSquares / total;
  }

  /** The median of the absolute errors (the mean of the middle two for an even count). */
  public double medianAbsoluteError() {
    if (count() == 0) {
      return Double.NaN;
    }
    double[] errors = new double[count()];
    for (int row = 0; row < errors.length; row++) {
      errors[row] = Math.abs(predictions[row] - labels[row]);
    }
    Arrays.sort(errors);
    int middle = errors.length / 2;
    return errors.length % 2 == 1 ? errors[middle] : (errors[middle - 1] + errors[middle]) / 2;
  }

  /** The largest absolute error. */
  public double maxError() {
    double largest = count() == 0 ? Double.NaN : 0;
    for (int row = 0; row < count(); row++) {
      largest = Math.max(largest, Math.abs(predictions[row] - labels[row]));
    }
    return largest;
  }

  /** The standard deviation of the predictions: 0 for a model that predicts one number. */
  public double predictionSpread() {
    if (count() == 0) {
      return Double.NaN;
    }
    double mean = meanPrediction();
    double squares = 0;
    for (double prediction : predictions) {
      squares += (prediction - mean) * (prediction - mean);
    }
    return Math.sqrt(squares / count());
  }

  private double totalSquares() {
    double total = 0;
    for (double label : labels) {
      total += (label - meanLabel) * (label - meanLabel);
    }
    return total;
  }
}
