package org.deepline.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.ScoredLabels;

/**
 * How much the trained model leans on each input: the drop in validation ROC AUC when that input's
 * slots are shuffled across rows (Breiman's permutation importance, per input rather than per slot,
 * so a one-hot column counts once). A drop near 0 is an input the model ignores; a negative one an
 * input it would do better without. Measured on validation, never on training rows, with the model
 * that ships: the network, or the baseline {@code baselines.promote} registered in its place.
 *
 * <pre>{@code
 * Map<String, Double> drops = PermutationImportance.of(spark, validation, network, featureModel,
 *     baseRocAuc, seed);   // {"tenure": 0.061, "contract": 0.034, ...}, largest first
 * }</pre>
 *
 * <p>All inputs' shuffles are scored in one pass over the cached validation chunks (one Spark job,
 * the network scoring each chunk once per input), with rows exchanged only inside a cached chunk
 * of up to {@value TrainingData#CHUNK_ROWS} rows: the chunks are in seeded random order already,
 * so within-chunk shuffling breaks the input's link to the label as a global one would, without
 * moving rows between executors.
 */
public final class PermutationImportance {
  private PermutationImportance() {}

  /** Each input's ROC AUC drop, largest first. */
  public static Map<String, Double> of(JavaSparkContext spark, TrainingData validation,
      MultiLayerNetwork network, FeatureModel featureModel, double baseRocAuc, long seed) {
    List<FeatureModel.SlotGroup> groups = featureModel.slotGroups();
    return drops(groups, baseRocAuc,
        validation.scoreShuffled(spark, network, shuffles(groups, seed)));
  }

  /**
   * As {@link #of} for any model the tasks can rebuild (a promoted baseline), its validation ROC
   * AUC on the same rows measured in the same pass.
   */
  public static Map<String, Double> of(JavaSparkContext spark, TrainingData validation,
      TrainingData.ChunkModel model, FeatureModel featureModel, long seed) {
    List<FeatureModel.SlotGroup> groups = featureModel.slotGroups();
    List<ScoredLabels> scored = validation.scoreAsIsAndShuffled(spark, model,
        shuffles(groups, seed));
    return drops(groups, scored.get(0).rocAuc(), scored.subList(1, scored.size()));
  }

  private static List<TrainingData.SlotShuffle> shuffles(List<FeatureModel.SlotGroup> groups,
      long seed) {
    return groups.stream()
        .map(group -> new TrainingData.SlotShuffle(group.start(), group.end(),
            seed + group.start()))
        .toList();
  }

  private static Map<String, Double> drops(List<FeatureModel.SlotGroup> groups,
      double baseRocAuc, List<ScoredLabels> shuffled) {
    List<Map.Entry<String, Double>> drops = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      drops.add(Map.entry(groups.get(i).name(), baseRocAuc - shuffled.get(i).rocAuc()));
    }
    drops.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
    Map<String, Double> ordered = new LinkedHashMap<>();
    drops.forEach(drop -> ordered.put(drop.getKey(), drop.getValue()));
    return ordered;
  }
}
