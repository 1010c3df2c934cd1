package org.deepline.baselines;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.deepline.core.Json;

/**
 * A binary logistic regression in deepline's own JSON: the ladder's {@code logistic_regression}
 * rung as it is saved when {@code baselines.promote} registers it, scored in plain Java without
 * MLlib.
 *
 * <p>Semantics are MLlib's {@link LogisticRegressionModel} for a binary label: the margin is
 * {@code intercept + sum(coefficients[i] * features[i])} (coefficients on the original scale of the
 * features, as MLlib reports them after its internal standardisation), the positive-class
 * probability {@code 1 / (1 + exp(-margin))}.
 *
 * <pre>{@code
 * LinearModel model = new LinearModel(List.of(2.0, -1.0), 0.5);
 * double p = model.probability(new double[] {1.0, 3.0}); // sigmoid(0.5 + 2 - 3) = 0.3775
 * }</pre>
 *
 * @param coefficients one weight per feature slot
 * @param intercept    the margin of the all-zero vector
 */
public record LinearModel(
    @JsonPropertyDescription("One weight per feature slot.") List<Double> coefficients,
    @JsonPropertyDescription("The margin of the all-zero vector.") double intercept)
    implements Serializable, SparkFreeModel {
  private static final long serialVersionUID = 1L;

  public LinearModel {
    coefficients = List.copyOf(coefficients);
  }

  /** MLlib's binary model; fails on a multinomial one (the ladder's label is 0/1). */
  public static LinearModel fromMllib(LogisticRegressionModel model) {
    if (model.numClasses() != 2) {
      throw new IllegalArgumentException("a logistic regression over " + model.numClasses()
          + " classes is not binary");
    }
    List<Double> coefficients = new ArrayList<>();
    for (double coefficient : model.coefficients().toArray()) {
      coefficients.add(coefficient);
    }
    return new LinearModel(coefficients, model.intercept());
  }

  /** The feature vector width the model takes. */
  public int width() {
    return coefficients.size();
  }

  /** The positive-class probability of one feature vector. */
  public double probability(double[] features) {
    double margin = intercept;
    for (int i = 0; i < features.length; i++) {
      margin += coefficients.get(i) * features[i];
    }
    return sigmoid(margin);
  }

  /**
   * The positive-class probability of the row at {@code offset} of a row-major float buffer whose
   * rows are {@link #width} wide.
   */
  @Override
  public double probability(float[] rowMajor, int offset) {
    double margin = intercept;
    for (int i = 0; i < coefficients.size(); i++) {
      margin += coefficients.get(i) * rowMajor[offset + i];
    }
    return sigmoid(margin);
  }

  /** MLlib's link: {@code 1 / (1 + exp(-margin))}. */
  public static double sigmoid(double margin) {
    return 1.0 / (1.0 + Math.exp(-margin));
  }

  public String toJson() {
    return Json.write(this);
  }

  public static LinearModel fromJson(String json, String source) {
    return Json.read(json, LinearModel.class, source);
  }
}
