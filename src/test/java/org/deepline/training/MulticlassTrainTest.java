package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.deepline.baselines.BaselineConfig;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.metrics.MulticlassScores;
import org.junit.jupiter.api.Test;

/** The rules of a multi-class training run that need no Spark: weights, refusals, collapse. */
class MulticlassTrainTest {
  private static final LabelConfig SIZES = new LabelConfig("size", null, null,
      List.of("large", "medium", "small"));

  private static DeeplineConfig config(String... overrides) {
    return ConfigLoader.parse("""
        {"dataset": "sizes", "source": {"path": "sizes.csv"},
         "schema": {"columns": [{"name": "x", "type": "double"},
                                {"name": "size", "type": "string", "nullable": false}]},
         "label": {"column": "size"},
         "features": {"numeric": ["x"]}}
        """, "test config", List.of(overrides));
  }

  @Test
  void balancedWeightsOfThreeClassesKeepTheLossScaleAndAgreeWithTwo() {
    TrainingConfig balanced = config("training.class_weights=balanced").section(
        TrainingConfig.class);

    // Inverse counts 1/600, 1/300, 1/100 scaled so that sum(w * n) = 1,000 rows.
    assertArrayEquals(new double[] {1000.0 / 1800, 1000.0 / 900, 1000.0 / 300},
        ClassWeights.of(balanced, new long[] {600, 300, 100}), 1e-12);
    assertArrayEquals(ClassWeights.balanced(900, 100),
        ClassWeights.of(balanced, new long[] {900, 100}), 1e-12);
    assertArrayEquals(ClassWeights.effectiveNumber(900, 100, ClassWeights.DEFAULT_BETA),
        ClassWeights.of(config("training.class_weights=effective_number")
            .section(TrainingConfig.class), new long[] {900, 100}), 1e-12);
    // A class the training split lacks weighs nothing; the others are as if it were not there.
    // 1/600 and 1/100 scaled so that sum(w * n) = 700 rows.
    assertArrayEquals(new double[] {700.0 / 1200, 0, 700.0 / 200},
        ClassWeights.of(balanced, new long[] {600, 0, 100}), 1e-12);
    assertEquals(null, ClassWeights.of(config().section(TrainingConfig.class),
        new long[] {600, 300, 100}));
  }

  @Test
  void settingsMadeForABinaryLabelAreNamedAndTheDefaultsPass() {
    DeeplineConfig defaults = config();
    assertEquals(List.of(), MulticlassTrain.unsupported(defaults.section(TrainingConfig.class),
        defaults.section(BaselineConfig.class), false, false, false));

    DeeplineConfig binary = config("training.early_stopping_metric=pr_auc",
        "training.augment={\"noise_fraction\": 0.5, \"noise_std\": 0.1}", "baselines.promote=true");
    assertEquals(List.of("training.augment", "training.early_stopping_metric pr_auc (a PR AUC is "
        + "one class's; use roc_auc, the mean of the classes' one-vs-rest ROC AUCs, or loss)",
        "baselines.promote", "train --tune", "train --sanity", "train --resume"),
        MulticlassTrain.unsupported(binary.section(TrainingConfig.class),
            binary.section(BaselineConfig.class), true, true, true));
  }

  @Test
  void aNetworkWhoseEveryOutputIsConstantHasCollapsed() {
    float[] constant = {0.5f, 0.3f, 0.2f, 0.5f, 0.3f, 0.2f, 0.5f, 0.3f, 0.2f};
    DeeplineException collapsed = assertThrows(DeeplineException.class,
        () -> MulticlassTrain.requireNotCollapsed(
            new MulticlassScores(constant, new byte[] {0, 1, 2}, 3), SIZES));

    assertEquals(DeeplineException.Failure.MODEL_GATE, collapsed.failure());
    assertEquals("train: the network collapsed: every class's probability moves less than 1e-04 "
        + "over the 3 validation rows (it predicts the same for every row); lower "
        + "training.learning_rate, set training.class_weights to balanced, or check that the "
        + "features vary", collapsed.getMessage());
    // One predicted class whose probabilities still rank the rows: a WARN, not a failure.
    MulticlassTrain.requireNotCollapsed(new MulticlassScores(new float[] {0.6f, 0.3f, 0.1f, 0.5f,
        0.2f, 0.3f, 0.4f, 0.35f, 0.25f}, new byte[] {0, 2, 1}, 3), SIZES);
  }

  @Test
  void validationMetricsNameEachClass() {
    MulticlassScores scores = new MulticlassScores(new float[] {0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f,
        0.2f, 0.3f, 0.5f, 0.6f, 0.3f, 0.1f}, new byte[] {0, 1, 2, 1}, 3);

    Map<String, Double> metrics = MulticlassTrain.validationMetrics(scores, SIZES);

    assertEquals(0.75, metrics.get("validation_accuracy"), 1e-12);
    assertEquals(0.5, metrics.get(MulticlassTrain.CLASS_RECALL + "medium"), 1e-12);
    assertEquals(1.0, metrics.get(MulticlassTrain.CLASS_ROC_AUC + "small"), 1e-12);
    assertEquals(3.0, metrics.get("classes"));
    assertEquals(scores.macroRocAuc(), metrics.get("validation_roc_auc"), 1e-12);
  }
}
