package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

class TunerBudgetTest {
  private static final long BUDGET = 600_000;

  @Test
  void beforeAnyEpochIsMeasuredOnlyTheClockCounts() {
    assertTrue(Tuner.fitsBudget(0, BUDGET, 0, 0, 15, 15));
    assertTrue(Tuner.fitsBudget(599_999, BUDGET, 0, 0, 15, 15));
    assertFalse(Tuner.fitsBudget(600_000, BUDGET, 0, 0, 15, 15));
  }

  @Test
  void theNextJobAndTheWinnersRemainingEpochsMustEndInsideTheBudget() {
    // 100 epochs took 100 s: 1 s an epoch. At 580 s, a 5-epoch rung plus the winner's last 10
    // epochs would end at 595 s; 10 more epochs of the winner would end at 605 s.
    assertTrue(Tuner.fitsBudget(580_000, BUDGET, 100, 100_000, 5, 10));
    assertFalse(Tuner.fitsBudget(580_000, BUDGET, 100, 100_000, 5, 20));
    // A one-epoch rung with nothing left for the winner still fits at 599 s.
    assertTrue(Tuner.fitsBudget(599_000, BUDGET, 100, 100_000, 1, 0));
    assertFalse(Tuner.fitsBudget(599_500, BUDGET, 100, 100_000, 1, 0));
  }

  @Test
  void theFinalistsFoldsAreReservedAtTheirOwnEpochTimes() {
    // Churn: 4,931 training and 1,056 validation rows. A fold fits 4/5 of 5,987 rows = 4,789.6,
    // 0.9713 of a training epoch.
    double share = Tuner.foldShare(5, 4_931, 5_987);
    assertEquals(0.97132, share, 1e-5);
    // Two finalists known (400 and 200 ms an epoch), four not yet (the mean, 100 ms): 1,000 ms of
    // epochs x 5 folds x 15 epochs x 0.9713 = 72,849 ms.
    assertEquals(72_849, Tuner.crossValidationMillis(new double[] {400, 200}, 6, 100, 5, 15,
        share));
    // A finalist whose time is unknown yet (0) costs the mean.
    assertEquals(Tuner.crossValidationMillis(new double[] {400, 100}, 6, 100, 5, 15, share),
        Tuner.crossValidationMillis(new double[] {400, 0}, 6, 100, 5, 15, share));
    // Two folds of 100 rows fit 50 each, half an epoch of a 100-row training split.
    assertEquals(0.5, Tuner.foldShare(2, 100, 100), 1e-12);
    assertEquals(1_000, Tuner.crossValidationMillis(new double[0], 2, 50, 2, 10, 0.5));
  }

  @Test
  void smallPlainDataIsFoldedAndEachReasonNotToIsNamed() {
    TrainingConfig plain = TrainingConfig.defaults();
    assertNull(Tuner.withoutCrossValidation(TuningConfig.defaults(), plain));
    assertEquals("tuning.finalists = 0", Tuner.withoutCrossValidation(new TuningConfig(null, null,
        null, null, null, null, 0, null), plain));
    TrainingConfig undersampled = ConfigLoader.load(TestRuns.project().resolve("conf/churn.json"),
        List.of("training.resample={\"method\": \"undersample\"}"))
        .section(TrainingConfig.class);
    assertEquals("training.resample or training.augment changes the training rows",
        Tuner.withoutCrossValidation(TuningConfig.defaults(), undersampled));

    assertNull(Tuner.tooLargeToFold(5_987, 67));
    assertEquals("100001 training and validation rows, above 100000",
        Tuner.tooLargeToFold(100_001, 10));
    // 90,000 rows of 200 features: 72,000,000 bytes of floats, 68 MB.
    assertEquals("68 MB of features, above 64 MB", Tuner.tooLargeToFold(90_000, 200));
  }
}
