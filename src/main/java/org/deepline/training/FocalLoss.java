package org.deepline.training;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Focal loss (Lin et al., "Focal Loss for Dense Object Detection", 2017) on a softmax output:
 * {@code -w_c (1 - p_c)^gamma log p_c} for an example of class {@code c}. Each example's
 * cross-entropy is scaled down by how well it is already classified, so the many easy negatives of an
 * imbalanced set stop dominating the gradient; {@code gamma = 0} is weighted cross-entropy exactly.
 *
 * <pre>{@code
 * new OutputLayer.Builder(new FocalLoss(2.0, new double[] {0.25, 0.75})).activation(SOFTMAX)
 * }</pre>
 *
 * <p>DL4J serialises the loss with the network's configuration (its shaded Jackson), so a saved
 * model reloads with it: hence the annotated fields and the no-argument constructor.
 * The gradient is checked against finite differences in {@code FocalLossTest}.
 */
public final class FocalLoss implements ILossFunction {
  /** Probabilities are kept this far from 0 and 1, where the log and the power blow up. */
  private static final double CLIP = 1e-10;
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private double gamma;
  /** Per-class weights {@code w_c} (Lin et al.'s alpha), or null for 1 each. */
  @JsonProperty
  private double[] classWeights;

  /** For DL4J's configuration deserialiser only. */
  FocalLoss() {}

  /**
   * @param gamma        focusing parameter, {@code >= 0}; 2 in the paper
   * @param classWeights weight of each class, or null for none
   */
  public FocalLoss(double gamma, double[] classWeights) {
    if (!(gamma >= 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("focal loss gamma must be a finite number >= 0, got "
          + gamma);
    }
    this.gamma = gamma;
    this.classWeights = classWeights == null ? null : classWeights.clone();
  }

  public double gamma() {
    return gamma;
  }

  private INDArray probabilities(INDArray preOutput, IActivation activation) {
    INDArray p = activation.getActivation(preOutput.dup(), true);
    return Transforms.max(Transforms.min(p, 1.0 - CLIP, false), CLIP, false);
  }

  /** Per example and class: {@code -w_c y_c (1 - p_c)^gamma log p_c}. */
  private INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    INDArray p = probabilities(preOutput, activation);
    INDArray focus = Transforms.pow(p.rsub(1.0), gamma, false);
    INDArray score = focus.muli(Transforms.log(p, false)).muli(labels.castTo(p.dataType())).negi();
    weigh(score);
    if (mask != null) {
      LossUtil.applyMask(score, mask);
    }
    return score;
  }

  private void weigh(INDArray perClass) {
    if (classWeights != null) {
      perClass.muliRowVector(Nd4j.createFromArray(classWeights).castTo(perClass.dataType()));
    }
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask, boolean average) {
    double total = scoreArray(labels, preOutput, activation, mask).sumNumber().doubleValue();
    return average ? total / preOutput.size(0) : total;
  }

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    return scoreArray(labels, preOutput, activation, mask).sum(true, 1);
  }

  /**
   * dL/dz through the softmax: with {@code q = 1 - p_c}, dL/dp_c is
   * {@code w_c y_c (gamma q^(gamma-1) log p_c - q^gamma / p_c)}, and the activation's own backprop
   * applies the softmax Jacobian.
   */
  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation,
      INDArray mask) {
    INDArray p = probabilities(preOutput, activation);
    INDArray q = p.rsub(1.0);
    INDArray y = labels.castTo(p.dataType());
    INDArray towardsFocus = Transforms.pow(q, gamma - 1.0, true).muli(Transforms.log(p, true))
        .muli(gamma);
    INDArray crossEntropy = Transforms.pow(q, gamma, true).divi(p);
    INDArray dLdp = towardsFocus.subi(crossEntropy).muli(y);
    weigh(dLdp);
    INDArray gradient = activation.backprop(preOutput.dup(), dLdp).getFirst();
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
    return "FocalLoss(gamma=" + gamma + ", classWeights=" + Arrays.toString(classWeights) + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FocalLoss that && gamma == that.gamma
        && Arrays.equals(classWeights, that.classWeights);
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(gamma) + Arrays.hashCode(classWeights);
  }
}
