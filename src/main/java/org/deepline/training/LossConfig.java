package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * The loss the network is trained with. A classification label (binary or multi-class) takes
 * {@link #CLASSIFICATION_TYPES}, a regression label {@link #REGRESSION_TYPES}; the train stage
 * refuses the other kind, and trains a regression label's default {@code cross_entropy} as
 * {@code mse}.
 *
 * <pre>{@code
 * new LossConfig(LossConfig.HUBER, null, null, 0.5).isRegressionLoss()   // true
 * }</pre>
 *
 * @param type  classification: {@code cross_entropy} (default), or {@code focal}: cross-entropy
 *              scaled by {@code (1 - p)^gamma}, so that examples the network already gets right
 *              weigh less ({@link FocalLoss}); it can help on heavily imbalanced data, and does not
 *              keep the mean prediction at the positive rate (the decision threshold is still
 *              chosen on validation). Regression: {@code mse} (mean squared error), {@code mae}
 *              (mean absolute error) or {@code huber} ({@link HuberLoss}: squared error up to
 *              {@code delta}, absolute beyond)
 * @param gamma focal only: the focusing parameter, {@code >= 0} (default 2, as in the paper; 0 is
 *              cross-entropy)
 * @param calibrate focal only: Platt-scale the trained network on validation ({@link
 *              PlattScaling}); default true with focal
 * @param delta huber only: where the loss turns from squared to absolute error, in standard
 *              deviations of the training label (the network learns the label standardised);
 *              in {@code (0, 10]}, default 1 with huber
 */
public record LossConfig(
    @JsonPropertyDescription("For a binary or multi-class label: `cross_entropy`, or `focal`: "
        + "the focal loss of Lin et al. (2017), `-w_c (1 - p_c)^gamma log p_c` for a row of class "
        + "`c` with predicted probability `p_c` and class weight `w_c` (from `class_weights`). "
        + "Rows the network already gets right weigh less, so the many easy negatives of an "
        + "imbalanced set stop dominating the gradient. Its gradient is checked against finite "
        + "differences (`FocalLossTest`); the network saves and reloads with it. For a regression "
        + "label: `mse` (mean squared error), `mae` (mean absolute error), or `huber` (Huber "
        + "1964: squared error up to `delta`, absolute error beyond it, so a few far-off labels "
        + "pull the fit less than under `mse`; checked as focal is, in `HuberLossTest`). A loss "
        + "of the other kind than the label is refused. When unset: `cross_entropy`, which a "
        + "regression label trains as `mse`.")
    @OneOf("TYPES")
    String type,
    @JsonPropertyDescription("Focusing parameter; 0 is the weighted cross-entropy exactly. "
        + "Allowed: `[0, 10]`; `focal` only. When unset: `2` with `focal`.")
    Double gamma,
    @JsonPropertyDescription("After training with focal loss, fit Platt scaling on the "
        + "validation split (a logistic regression of the label on the network's logit) and "
        + "write it into the output layer, so the probabilities mean what they say: focal loss "
        + "pulls them towards the middle. Rankings, ROC AUC and PR AUC do not change; the "
        + "decision threshold is chosen after it. Not applied when an ensemble is registered "
        + "(stacking's combiner calibrates the stack), nor when the fit has a slope outside (0, 20] or does "
        + "not converge (WARN). Recorded as `calibration_slope`, `calibration_intercept`, "
        + "`validation_loss_before_calibration` and `validation_loss_after_calibration` (on the "
        + "rows the map was fitted on). `focal` only. When unset: `true` with `focal`.")
    Boolean calibrate,
    @JsonPropertyDescription("Where the Huber loss turns from squared to absolute error, in "
        + "standard deviations of the training label: the network learns the label standardised "
        + "by the training split's mean and standard deviation, so with the default 1 an error "
        + "beyond one standard deviation of the label counts linearly rather than squared. "
        + "Smaller is more robust to outlying labels, larger closer to `mse`. Allowed: "
        + "`(0, 10]`; `huber` only. When "
        + "unset: `1` with `huber`.")
    Double delta) {
  public static final String CROSS_ENTROPY = "cross_entropy";
  public static final String FOCAL = "focal";
  public static final String MSE = "mse";
  public static final String MAE = "mae";
  public static final String HUBER = "huber";
  /** The losses of a binary or multi-class label. */
  public static final List<String> CLASSIFICATION_TYPES = List.of(CROSS_ENTROPY, FOCAL);
  /** The losses of a regression label. */
  public static final List<String> REGRESSION_TYPES = List.of(MSE, MAE, HUBER);
  public static final List<String> TYPES = List.of(CROSS_ENTROPY, FOCAL, MSE, MAE, HUBER);
  public static final double DEFAULT_GAMMA = 2.0;
  /** Beyond this the factor {@code (1 - p)^gamma} is zero for any example not hopelessly wrong. */
  public static final double MAX_GAMMA = 10.0;
  /** One standard deviation of the training label: errors beyond it count linearly. */
  public static final double DEFAULT_DELTA = 1.0;
  /**
   * Ten standard deviations of the standardised label: hardly any error is that large, so a larger
   * delta is {@code mse} in all but name.
   */
  public static final double MAX_DELTA = 10.0;

  public LossConfig {
    type = type == null ? CROSS_ENTROPY : type;
    gamma = gamma == null && FOCAL.equals(type) ? Double.valueOf(DEFAULT_GAMMA) : gamma;
    calibrate = calibrate == null && FOCAL.equals(type) ? Boolean.TRUE : calibrate;
    delta = delta == null && HUBER.equals(type) ? Double.valueOf(DEFAULT_DELTA) : delta;
  }

  public LossConfig(String type, Double gamma, Boolean calibrate) {
    this(type, gamma, calibrate, null);
  }

  public LossConfig(String type, Double gamma) {
    this(type, gamma, null, null);
  }

  public static LossConfig defaults() {
    return new LossConfig(null, null);
  }

  /** Whether the trained network is Platt-scaled on validation. */
  @JsonIgnore
  public boolean calibrates() {
    return Boolean.TRUE.equals(calibrate);
  }

  @JsonIgnore
  public boolean isFocal() {
    return FOCAL.equals(type);
  }

  @JsonIgnore
  public boolean isHuber() {
    return HUBER.equals(type);
  }

  /** Whether the loss is one of a regression label's ({@link #REGRESSION_TYPES}). */
  @JsonIgnore
  public boolean isRegressionLoss() {
    return REGRESSION_TYPES.contains(type);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(type, TYPES, "type");
    if (gamma != null && !isFocal()) {
      errors.add("gamma", "applies to type focal only, type is " + type);
    }
    if (calibrate != null && !isFocal()) {
      errors.add("calibrate", "applies to type focal only, type is " + type);
    }
    if (delta != null && !isHuber()) {
      errors.add("delta", "applies to type huber only, type is " + type);
    }
    if (gamma != null && isFocal()) {
      errors.require(gamma >= 0 && gamma <= MAX_GAMMA, "gamma",
          "must be in [0, " + MAX_GAMMA + "], got " + gamma);
    }
    if (delta != null && isHuber()) {
      errors.require(delta > 0 && delta <= MAX_DELTA, "delta",
          "must be in (0, " + MAX_DELTA + "], got " + delta);
    }
  }
}
