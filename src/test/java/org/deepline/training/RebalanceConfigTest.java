package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deepline.config.ConfigLoader;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/** {@code training.resample} and {@code training.augment}: off by default, every value checked. */
class RebalanceConfigTest {
  private static final Path CREDIT = TestRuns.project().resolve("conf/credit.json");

  @Test
  void bothAreOffByDefault() {
    TrainingConfig config = ConfigLoader.load(CREDIT, List.of()).training();
    assertFalse(config.resample().enabled());
    assertFalse(config.augment().enabled());
    assertEquals(1.0, config.resample().targetRatio());
    assertEquals(5, config.resample().k());
    assertEquals(20_000, config.resample().exactMaxRows());
    assertEquals(16, config.resample().forestTrees());
    assertEquals(64, config.resample().forestLeafSize());
    assertEquals(config.seed(), config.rebalanceSeed());
  }

  @Test
  void keysAreRead() {
    TrainingConfig config = ConfigLoader.load(CREDIT, List.of(
        "training.resample={\"method\": \"smote\", \"target_ratio\": 0.5, \"k\": 7, "
            + "\"exact_max_rows\": 100, \"forest_trees\": 4, \"forest_leaf_size\": 32, "
            + "\"seed\": 9}",
        "training.augment.noise_fraction=0.3", "training.augment.mixup_fraction=0.2")).training();
    assertEquals(new ResampleConfig("smote", 0.5, 7, 100, 4, 32, 9L), config.resample());
    assertEquals(9L, config.rebalanceSeed());
    assertEquals(new AugmentConfig(0.3, 0.1, 0.2, 0.2), config.augment());
    assertTrue(config.augment().enabled());
  }

  @Test
  void badValuesAreRefusedWithTheirPath() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CREDIT,
        List.of("training.resample.method=adasyn", "training.resample.target_ratio=0",
            "training.resample.k=0", "training.resample.exact_max_rows=-1",
            "training.resample.forest_trees=0", "training.resample.forest_leaf_size=20000",
            "training.augment.noise_fraction=1.5",
            "training.augment.mixup_fraction=-0.1", "training.augment.noise_std=0",
            "training.augment.mixup_alpha=11")));
    String message = error.getMessage();
    for (String expected : List.of(
        "training.resample.method: must be one of [none, undersample, oversample, smote], got adasyn",
        "training.resample.target_ratio: must be in (0, 1]",
        "training.resample.k: must be in [1, 100], got 0",
        "training.resample.exact_max_rows: must be in [0, 100000]",
        "training.resample.forest_trees: must be in [1, 64], got 0",
        "training.resample.forest_leaf_size: must be in [k + 1 = 1, 10000]",
        "training.augment.noise_fraction: must be in [0, 1], got 1.5",
        "training.augment.mixup_fraction: must be in [0, 1], got -0.1",
        "training.augment.noise_std: must be in (0, 10.0], got 0.0",
        "training.augment.mixup_alpha: must be in (0, 10.0], got 11.0")) {
      assertTrue(message.contains(expected), "missing <" + expected + "> in " + message);
    }
    assertThrows(DeeplineException.class, () -> ConfigLoader.load(CREDIT,
        List.of("training.resample.ratio=0.5")), "an unknown key is refused");
    // The LSH search is gone: its key is refused rather than silently ignored.
    assertThrows(DeeplineException.class, () -> ConfigLoader.load(CREDIT,
        List.of("training.resample.lsh_tables=8")));
    // Too large for the exact search; a leaf of at most k rows gives fewer than k candidates.
    String limits = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CREDIT, List.of(
        "training.resample.exact_max_rows=1000000", "training.resample.forest_leaf_size=5",
        "training.resample.forest_trees=65"))).getMessage();
    for (String expected : List.of(
        "training.resample.exact_max_rows: must be in [0, 100000] (the exact search broadcasts "
            + "every minority row and compares every pair), got 1000000",
        "training.resample.forest_leaf_size: must be in [k + 1 = 6, 10000] (a row's candidates in "
            + "one tree are the other rows of its leaf), got 5",
        "training.resample.forest_trees: must be in [1, 64], got 65")) {
      assertTrue(limits.contains(expected), "missing <" + expected + "> in " + limits);
    }
  }

  @Test
  void theBalanceReportCountsBeforeAfterAndByOrigin() {
    Map<String, Double> report = BalanceReport.metrics(900, 100, Map.of(
        Rebalancer.REAL, new long[] {450, 100}, Rebalancer.SMOTE, new long[] {0, 350},
        Rebalancer.NOISE, new long[] {45, 45}));
    assertEquals(900.0, report.get("balance.rows_before_negative"));
    assertEquals(100.0, report.get("balance.rows_before_positive"));
    assertEquals(495.0, report.get("balance.rows_after_negative"));
    assertEquals(495.0, report.get("balance.rows_after_positive"));
    assertEquals(100 / 900.0, report.get("balance.imbalance_ratio_before"), 1e-12);
    assertEquals(1.0, report.get("balance.imbalance_ratio_after"));
    assertEquals(450.0, report.get("balance.rows_removed"));
    assertEquals(350.0, report.get("balance.rows_smote"));
    assertEquals(90.0, report.get("balance.rows_noise"));
    assertEquals(0.0, report.get("balance.rows_oversampled"));
    assertEquals(0.0, BalanceReport.ratio(10, 0));
  }
}
