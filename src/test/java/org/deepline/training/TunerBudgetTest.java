package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
