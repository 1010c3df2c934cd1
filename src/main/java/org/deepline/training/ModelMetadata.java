package org.deepline.training;

import java.util.List;
import java.util.Map;
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
 */
public record ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
    String createdAt, String labelColumn, String positiveLabel, int inputWidth,
    TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
    Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold,
    List<LayerStatistics.Layer> layerStatistics) {

  public ModelMetadata {
    epochs = List.copyOf(epochs);
    layerStatistics = layerStatistics == null ? List.of() : List.copyOf(layerStatistics);
    validationMetrics = Map.copyOf(validationMetrics);
    decisionThreshold = decisionThreshold == null ? DecisionThreshold.DEFAULT : decisionThreshold;
  }

  /** Metadata of a model whose training measured no layer statistics. */
  public ModelMetadata(String modelVersion, String dataset, String runId, String runDate,
      String createdAt, String labelColumn, String positiveLabel, int inputWidth,
      TrainingConfig training, FeatureModel featureModel, List<EpochMetrics> epochs, int bestEpoch,
      Map<String, Double> validationMetrics, DecisionThreshold decisionThreshold) {
    this(modelVersion, dataset, runId, runDate, createdAt, labelColumn, positiveLabel, inputWidth,
        training, featureModel, epochs, bestEpoch, validationMetrics, decisionThreshold, null);
  }
}
