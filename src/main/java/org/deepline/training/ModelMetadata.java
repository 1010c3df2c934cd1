package org.deepline.training;

import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.DecisionThreshold;

/**
 * Everything needed to use a trained network besides its weights: the feature model that makes its
 * inputs, the label it predicts, the config it was trained with and how training went. Stored as
 * {@code model.json} beside {@code network.zip}.
 *
 * @param decisionThreshold the threshold chosen on the validation split at the end of training
 *                          ({@code training.threshold}); a {@code model.json} written before thresholds
 *                          were chosen has none and reads as {@link DecisionThreshold#DEFAULT} (0.5)
 * @param ensemble          what the model is when it is an ensemble ({@code training.ensemble}):
 *                          its members, their files and the combiner; null for a single network
 * @param layerStatistics   every layer's {@link LayerStatistics} after every epoch of the main
 *                          network's training; empty for models trained before they were measured
 * @param baseline          the ladder's baseline the model version is, when
 *                          {@code baselines.promote} registered one ({@link PromotedBaseline});
 *                          null for a network or an ensemble
 * @param ladder            the train run's baseline rungs saved with the model, whatever it is
 *                          ({@link LadderModel}), for {@code evaluate} to score on the same held-out
 *                          rows; empty without the ladder (or its {@code logistic_regression} and
 *                          {@code gbt} rungs), for compressed models and for models saved before
 *                          December 2026
 * @param classes           a multi-class label's classes, in the order of the network's outputs;
 *                          null for a 0/1 label ({@code positiveLabel} names its class 1)
 * @param regression        a regression model's target: the training rows' mean and standard
 *                          deviation the network learnt the standardised number of (its output
 *                          layer turns it back), and the loss; null for a classifier
 */
public record ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
    String createdAt, String labelColumn, String positiveLabel, int inputWidth,
    TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
    Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold,
    EnsembleSpec ensemble, List<LayerStatistics.Layer> layerStatistics,
    PromotedBaseline baseline, List<LadderModel> ladder, List<String> classes,
    RegressionTarget regression) {
  /** The kind of model a bundle without an ensemble is. */
  public static final String SINGLE_NETWORK = "network";

  @JsonCreator
  public ModelMetadata {
    epochs = List.copyOf(epochs);
    layerStatistics = layerStatistics == null ? List.of() : List.copyOf(layerStatistics);
    validationMetrics = Map.copyOf(validationMetrics);
    decisionThreshold = decisionThreshold == null ? DecisionThreshold.DEFAULT : decisionThreshold;
    ladder = ladder == null ? List.of() : List.copyOf(ladder);
    classes = classes == null ? null : List.copyOf(classes);
    if (classes != null && regression != null) {
      throw new IllegalArgumentException("a model predicts classes or a number, not both");
    }
    if (baseline != null && ensemble != null) {
      throw new IllegalArgumentException("a model version is a promoted baseline or an ensemble, "
          + "not both");
    }
  }

  /** A 0/1 label's model: a network, an ensemble or a promoted baseline. */
  public ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
      String createdAt, String labelColumn, String positiveLabel, int inputWidth,
      TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
      Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold,
      EnsembleSpec ensemble, List<LayerStatistics.Layer> layerStatistics,
      PromotedBaseline baseline, List<LadderModel> ladder) {
    this(modelVersion, dataset, runId, runDate, createdAt, labelColumn, positiveLabel, inputWidth,
        training, featureModel, epochs, bestEpoch, validationMetrics, decisionThreshold, ensemble,
        layerStatistics, baseline, ladder, null, null);
  }

  /** A multi-class label's model ({@code classes}) or a regression label's ({@code regression}). */
  public ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
      String createdAt, String labelColumn, int inputWidth, TrainingConfig training,
      FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
      Map<String, Double> validationMetrics, List<LayerStatistics.Layer> layerStatistics,
      List<String> classes, RegressionTarget regression) {
    this(modelVersion, dataset, runId, runDate, createdAt, labelColumn, null, inputWidth,
        training, featureModel, epochs, bestEpoch, validationMetrics, null, null,
        layerStatistics, null, null, classes, regression);
  }

  /**
   * A regression model's target: the network learnt {@code (y - mean) / standardDeviation} of the
   * training rows' numbers, with {@code loss}; its saved output layer gives {@code y} itself,
   * which every scorer clips to the label column's declared range, {@code lowest} to
   * {@code highest} (the schema's {@code min} and {@code max} when training; null where none).
   *
   * <p>Why clip: a number the schema says is never below 0 (a cost) is never nearer to a
   * negative prediction than to 0, so clipping lowers every row's error; a linear output unit
   * knows nothing of the range, and predicted a negative cost for most strikes of birdstrikes.
   */
  public record RegressionTarget(double mean, double standardDeviation, String loss,
      Double lowest, Double highest) {
    /** A target of a label column without a declared range. */
    public RegressionTarget(double mean, double standardDeviation, String loss) {
      this(mean, standardDeviation, loss, null, null);
    }

    /** {@code prediction} within the declared range. */
    public double clip(double prediction) {
      double clipped = lowest == null ? prediction : Math.max(lowest, prediction);
      return highest == null ? clipped : Math.min(highest, clipped);
    }
  }

  /** A network's or an ensemble's metadata. */
  public ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
      String createdAt, String labelColumn, String positiveLabel, int inputWidth,
      TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
      Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold,
      EnsembleSpec ensemble, List<LayerStatistics.Layer> layerStatistics) {
    this(modelVersion, dataset, runId, runDate, createdAt, labelColumn, positiveLabel, inputWidth,
        training, featureModel, epochs, bestEpoch, validationMetrics, decisionThreshold, ensemble,
        layerStatistics, null, null);
  }

  /** A single network's metadata, without layer statistics. */
  public ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
      String createdAt, String labelColumn, String positiveLabel, int inputWidth,
      TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
      Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold) {
    this(modelVersion, dataset, runId, runDate, createdAt, labelColumn, positiveLabel, inputWidth,
        training, featureModel, epochs, bestEpoch, validationMetrics, decisionThreshold, null, null,
        null, null);
  }

  /** This metadata with {@code rungs} as its saved ladder rungs. */
  ModelMetadata withLadder(List<LadderModel> rungs) {
    return new ModelMetadata(modelVersion, dataset, runId, runDate, createdAt, labelColumn,
        positiveLabel, inputWidth, training, featureModel, epochs, bestEpoch, validationMetrics,
        decisionThreshold, ensemble, layerStatistics, baseline, rungs, classes, regression);
  }

  /**
   * This metadata describing {@code promoted} as the model version instead, with no ensemble and
   * no saved rungs: how a saved ladder rung is scored ({@link ModelBundle#ladderRung}).
   */
  ModelMetadata as(PromotedBaseline promoted) {
    return new ModelMetadata(modelVersion, dataset, runId, runDate, createdAt, labelColumn,
        positiveLabel, inputWidth, training, featureModel, epochs, bestEpoch, validationMetrics,
        decisionThreshold, null, layerStatistics, promoted, null, classes, regression);
  }

  /**
   * {@value #SINGLE_NETWORK}, the ensemble's description, e.g. {@code bagging of 5 networks}, or a
   * promoted baseline's kind, e.g. {@code baseline:logistic_regression}.
   */
  /** Whether the model predicts a multi-class label ({@link #classes}). */
  @JsonIgnore
  public boolean isMulticlass() {
    return classes != null;
  }

  /**
   * Whether the model predicts a number ({@link #regression}). Not {@code @JsonIgnore}: Jackson
   * would take it for the property {@code regression} and ignore that too; is-getters are not
   * serialised here anyway ({@code Json}).
   */
  public boolean isRegression() {
    return regression != null;
  }

  @JsonIgnore
  public String modelKind() {
    if (baseline != null) {
      return baseline.kind();
    }
    return ensemble == null ? SINGLE_NETWORK : ensemble.description();
  }
}
