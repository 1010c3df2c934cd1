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
    assertNull(Tuner.EpochCost.of(List.of(), List.of()));
    assertTrue(Tuner.fitsBudget(0, BUDGET, null, 15, 15));
    assertTrue(Tuner.fitsBudget(599_999, BUDGET, null, 15, 15));
    assertFalse(Tuner.fitsBudget(600_000, BUDGET, null, 15, 15));
  }

  @Test
  void theNextJobAndTheWinnersRemainingEpochsMustEndInsideTheBudget() {
    // 1 s an epoch, no cost besides. At 580 s, a 5-epoch rung plus the winner's last 10 epochs
    // would end at 595 s; 10 more epochs of the winner would end at 605 s.
    Tuner.EpochCost second = new Tuner.EpochCost(1_000, 0);
    assertTrue(Tuner.fitsBudget(580_000, BUDGET, second, 5, 10));
    assertFalse(Tuner.fitsBudget(580_000, BUDGET, second, 5, 20));
    // A one-epoch rung with nothing left for the winner still fits at 599 s.
    assertTrue(Tuner.fitsBudget(599_000, BUDGET, second, 1, 0));
    assertFalse(Tuner.fitsBudget(599_500, BUDGET, second, 1, 0));
    // A job also costs a fixed time (a network, Spark's jobs); the winner's finish goes on in its
    // own job and pays none: 580 + 6 + 5 + 10 = 601 s does not fit, 580 + 4 + 5 + 10 = 599 does.
    assertFalse(Tuner.fitsBudget(580_000, BUDGET, new Tuner.EpochCost(1_000, 6_000), 5, 10));
    assertTrue(Tuner.fitsBudget(580_000, BUDGET, new Tuner.EpochCost(1_000, 4_000), 5, 10));
  }

  @Test
  void aSmallTablesEpochsAreTimedApartFromItsJobsAndItsWarmUp() {
    // lung (161 training rows): the search's first epoch warmed the JIT up (400 ms), the others
    // took 5 ms; each job cost about 60 ms besides. The mean of job time over epochs said 150 ms
    // an epoch, and 200 epochs for the winner stopped the search after its first job.
    Tuner.EpochCost cost = Tuner.EpochCost.of(List.of(400L, 6L, 5L, 5L, 4L, 5L),
        List.of(120L, 60L, 55L));
    assertEquals(5.0, cost.epochMillis());
    assertEquals(60.0, cost.jobMillis());
    assertEquals(1_060.0, cost.millis(200));
    assertTrue(Tuner.fitsBudget(400, 30_000, cost, 5, 198));
  }

  @Test
  void theFinalistsFoldsAreReservedAtTheirOwnEpochTimesAndEpochs() {
    // Churn: 4,931 training and 1,056 validation rows. A fold fits 4/5 of 5,987 rows = 4,789.6,
    // 0.9713 of a training epoch.
    double share = Tuner.foldShare(5, 4_931, 5_987);
    assertEquals(0.97132, share, 1e-5);
    Tuner.EpochCost cost = new Tuner.EpochCost(100, 0);
    // Two finalists known (400 and 200 ms an epoch, 15 epochs), four not yet (100 ms, 15 epochs):
    // 1,000 ms of epochs x 5 folds x 15 epochs x 0.9713 = 72,849 ms.
    assertEquals(72_849, Tuner.crossValidationMillis(List.of(new Tuner.FoldCost(400, 15),
        new Tuner.FoldCost(200, 15)), 6, cost, 5, 15, share));
    // A finalist whose time is unknown yet (null) costs the median for training.epochs.
    assertEquals(Tuner.crossValidationMillis(List.of(new Tuner.FoldCost(400, 15),
            new Tuner.FoldCost(100, 15)), 6, cost, 5, 15, share),
        Tuner.crossValidationMillis(java.util.Arrays.asList(new Tuner.FoldCost(400, 15), null), 6,
            cost, 5, 15, share));
    // A finalist that stopped early at epoch 22 of 200 is expected to stop there in its folds;
    // each fold is a job of its own (a fresh network: 60 ms).
    assertEquals(5 * (60 + 5 * 22), Tuner.crossValidationMillis(
        List.of(new Tuner.FoldCost(5, 22)), 1, new Tuner.EpochCost(5, 60), 5, 200, 1.0));
    // Two folds of 100 rows fit 50 each, half an epoch of a 100-row training split.
    assertEquals(0.5, Tuner.foldShare(2, 100, 100), 1e-12);
    assertEquals(1_000, Tuner.crossValidationMillis(List.of(), 2, new Tuner.EpochCost(50, 0), 2,
        10, 0.5));
    assertEquals(0, Tuner.crossValidationMillis(List.of(), 2, null, 2, 10, 0.5));
  }

  @Test
  void aFinalistsFoldsAreExpectedToStopWhereTheSearchsTrialsStopped() {
    // No trial stopped early: every fold may train training.epochs.
    assertEquals(200, Tuner.typicalStop(new long[0], 200));
    // Trials stopped at epochs 18, 22 and 30: the median; two medians are rounded half up.
    assertEquals(22, Tuner.typicalStop(new long[] {30, 18, 22}, 200));
    assertEquals(23, Tuner.typicalStop(new long[] {20, 25}, 200));
    // A finalist that stopped early at 12 trains 12 a fold, whatever the others did.
    assertEquals(12, Tuner.foldEpochs(true, 12, 200, 22));
    // One that was cut at its rung's 5 epochs is expected to go on to the typical stop...
    assertEquals(22, Tuner.foldEpochs(false, 5, 200, 22));
    // ...never fewer than it trained, never more than its own epochs.
    assertEquals(40, Tuner.foldEpochs(false, 40, 200, 22));
    assertEquals(15, Tuner.foldEpochs(false, 5, 15, 22));
  }

  @Test
  void theMedianOfEvenAndOddCounts() {
    assertEquals(0.0, Tuner.median(new long[0]));
    assertEquals(5.0, Tuner.median(new long[] {9, 5, 1}));
    assertEquals(4.5, Tuner.median(new long[] {9, 5, 4, 1}));
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
