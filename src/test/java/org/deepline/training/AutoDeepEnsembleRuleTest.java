package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/**
 * When {@code training.ensemble.method: auto} averages networks that differ by their seed around a
 * network it did not stack ({@link Ensembles#whyNotAveraged}): each case it refuses, one at a
 * time, from a config that averages.
 */
class AutoDeepEnsembleRuleTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");
  /** Above auto_stack_rows' default 2,000, as churn's 4,931 training rows are. */
  private static final long LARGE_SPLIT = 4_931;

  private static TrainingConfig training(String... overrides) {
    return ConfigLoader.load(CHURN, List.of(overrides)).training();
  }

  @Test
  void aSplitAboveAutoStackRowsTrainedOnTheDriverIsAveraged() {
    assertNull(Ensembles.whyNotAveraged(training(), LARGE_SPLIT, true));
    assertNull(Ensembles.whyNotAveraged(training("training.ensemble.auto_stack_rows=0"), 1, true));
  }

  @Test
  void aSmallSplitIsLeftToTheStacksRule() {
    assertEquals("the training split's 2000 rows are at most auto_stack_rows 2000, where auto "
        + "only stacks", Ensembles.whyNotAveraged(training(), 2_000, true));
  }

  @Test
  void aSplitAboveAutoAverageRowsIsNotTrainedFiveTimesMore() {
    assertEquals("the training split's 10001 rows are more than auto_average_rows 10000, where one "
        + "network varies little and 5 more cost 5 times its training",
        Ensembles.whyNotAveraged(training(), 10_001, true));
    assertNull(Ensembles.whyNotAveraged(training(), 10_000, true));
    assertEquals("the training split's 4931 rows are more than auto_average_rows 0, where one "
        + "network varies little and 5 more cost 5 times its training",
        Ensembles.whyNotAveraged(training("training.ensemble.auto_average_rows=0"), LARGE_SPLIT,
            true));
  }

  @Test
  void aNetworkTrainedOnTheExecutorsIsNotTrainedFiveTimesMore() {
    assertEquals("it trained on the executors, where each of a deep ensemble's 5 members would "
        + "cost as much again", Ensembles.whyNotAveraged(training(), LARGE_SPLIT, false));
    assertEquals("it trained on the executors, where each of a deep ensemble's 3 members would "
        + "cost as much again", Ensembles.whyNotAveraged(
            training("training.ensemble.members=3"), LARGE_SPLIT, false));
  }

  @Test
  void resampledOrAugmentedTrainingIsNotUndoneByMembersThatSkipIt() {
    String resampled = "it learnt from resampled or augmented rows, which a deep ensemble's "
        + "members would not";
    assertEquals(resampled, Ensembles.whyNotAveraged(
        training("training.resample.method=smote"), LARGE_SPLIT, true));
    assertEquals(resampled, Ensembles.whyNotAveraged(
        training("training.augment.noise_fraction=0.5"), LARGE_SPLIT, true));
  }

  @Test
  void anEnsembleFarBelowItsNetworkOnValidationIsAFailureNotChance() {
    // The measured range: from 0.0045 below the network to 0.0061 above.
    assertTrue(Ensembles.keepsAverage(0.8807, 0.8852));
    assertTrue(Ensembles.keepsAverage(0.8017, 0.7956));
    assertTrue(Ensembles.keepsAverage(0.8653, 0.8852));
    assertFalse(Ensembles.keepsAverage(0.8651, 0.8852));
    assertFalse(Ensembles.keepsAverage(Double.NaN, 0.8852));
    // A network whose figure is not a number has nothing to fall short of: averaging is kept
    // out of the way only by a failed ensemble, and the collapse guard judged the network first.
    assertFalse(Ensembles.keepsAverage(0.8852, Double.NaN));
  }

  @Test
  void aFocalNetworkKeepsItsPlattScaling() {
    assertEquals("focal loss's probabilities are calibrated on one network, not on a deep "
        + "ensemble's mean", Ensembles.whyNotAveraged(training("training.loss.type=focal"),
            LARGE_SPLIT, true));
    // Focal without calibration has nothing to keep.
    assertNull(Ensembles.whyNotAveraged(training("training.loss.type=focal",
        "training.loss.calibrate=false"), LARGE_SPLIT, true));
  }
}
