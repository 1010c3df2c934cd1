package org.deepline.training;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Huber loss (Huber, "Robust Estimation of a Location Parameter", 1964) on a regression output: with
 * {@code e = output - label}, {@code 0.5 e^2} for {@code |e| <= delta}, else
 * {@code delta (|e| - 0.5 delta)}. Squared error near the target, absolute error beyond
 * {@code delta}, so a few far-off labels pull the fit with a force of at most {@code delta} each
 * instead of one growing with their error.
 *
 * <pre>{@code
 * new OutputLayer.Builder(new HuberLoss(1.0)).activation(Activation.IDENTITY).nOut(1)
 * }</pre>
 *
 * <p>Per example, {@link #computeScoreArray} sums the columns; {@link #computeScore} sums the
 * examples and, with {@code average}, divides by their number, masked ones included, as DL4J's
 * {@code LossL2} does. A mask is either one value per example (a column) or one per output (the
 * labels' shape). DL4J serialises the loss with the network's configuration (its shaded Jackson),
 * so a saved model reloads with it: hence the annotated field and the no-argument constructor. The
 * gradient is checked against finite differences in {@code HuberLossTest}.
 */
public final class HuberLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;
  /** Half of the squared error, so that its derivative is the error itself. */
  private static final double HALF = 0.5;

  /** Where the squared branch meets the linear one, in the output's units; {@code > 0}. */
  @JsonProperty
  private double delta;

  /** For DL4J's configuration deserialiser only; it overwrites {@code delta}. */
  HuberLoss() {
    this.delta = LossConfig.DEFAULT_DELTA;
  }

  /**
   * @param delta where the loss turns from squared to absolute error, a finite number {@code > 0}
   */
  public HuberLoss(double delta) {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("huber loss delta must be a finite number > 0, got "
          + delta);
    }
    this.delta = delta;
  }

  public double delta() {
    return delta;
  }

  private static void requireSameShape(INDArray labels, INDArray preOutput) {
    if (!labels.equalShapes(preOutput)) {
      throw new IllegalArgumentException("huber loss: labels of shape "
          + Arrays.toString(labels.shape()) + " do not match the output's shape "
          + Arrays.toString(preOutput.shape()));
    }
  }

  /** {@code output - label}, in the output's data type. */
  private static INDArray errors(INDArray labels, INDArray preOutput, IActivation activation) {
    requireSameShape(labels, preOutput);
    INDArray output = activation.getActivation(preOutput.dup(), true);
    return output.subi(labels.castTo(output.dataType()));
  }

  /** The error clipped to {@code [-delta, delta]}: the loss's derivative by the output. */
  private INDArray clipped(INDArray errors) {
    return Transforms.max(Transforms.min(errors, delta, true), -delta, false);
  }

  /**
   * Per example and column. With {@code c} the clipped error, {@code c (e - 0.5 c)} is
   * {@code 0.5 e^2} inside delta and {@code delta (|e| - 0.5 delta)} outside, in one expression.
   */
  private INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    INDArray errors = errors(labels, preOutput, activation);
    INDArray clipped = clipped(errors);
    INDArray score = errors.subi(clipped.mul(HALF)).muli(clipped);
    if (mask != null) {
      LossUtil.applyMask(score, mask);
    }
    return score;
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask, boolean average) {
    INDArray score = scoreArray(labels, preOutput, activation, mask);
    double total = score.sumNumber().doubleValue();
    return average ? total / score.size(0) : total;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    return scoreArray(labels, preOutput, activation, mask).sum(true, 1);
  }

  /**
   * dL/dz: the clipped error is dL/da, and the activation's own backprop takes it through the
   * activation (the identity leaves it as it is).
   */
  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    INDArray dLda = clipped(errors(labels, preOutput, activation));
    if (mask != null && LossUtil.isPerOutputMasking(dLda, mask)) {
      // An activation mixing the outputs (softmax) would carry a masked output's error into the
      // others' gradient; masking dL/da first keeps it out, as DL4J's own losses do.
      LossUtil.applyMask(dLda, mask);
    }
    INDArray gradient = activation.backprop(preOutput.dup(), dLda).getFirst();
    if (mask != null) {
      LossUtil.applyMask(gradient, mask);
    }
    return gradient;
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
      IActivation activation, INDArray mask, boolean average) {
    return new Pair<>(computeScore(labels, preOutput, activation, mask, average),
        computeGradient(labels, preOutput, activation, mask));
  }

  @Override
  public String name() {
    return toString();
  }

  @Override
  public String toString() {
    return "HuberLoss(delta=" + delta + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HuberLoss that && delta == that.delta;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(delta);
  }
}
