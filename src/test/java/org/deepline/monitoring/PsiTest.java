package org.deepline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The population stability index, by hand: {@code sum((c - r) * ln(c / r))}. */
class PsiTest {
  @Test
  void equalSharesAreZeroWhateverTheRowCounts() {
    assertEquals(0.0, Psi.of(new long[] {10, 30, 60}, new long[] {100, 300, 600}), 1e-15);
  }

  @Test
  void aQuarterOfTheRowsMovedIsAboutAShift() {
    // (0.25 - 0.5) ln(0.5) + (0.75 - 0.5) ln(1.5) = 0.173287 + 0.101366
    assertEquals(0.274653, Psi.of(new long[] {50, 50}, new long[] {25, 75}), 1e-6);
    // Symmetric in its sides.
    assertEquals(Psi.of(new long[] {50, 50}, new long[] {25, 75}),
        Psi.of(new long[] {25, 75}, new long[] {50, 50}), 1e-15);
  }

  @Test
  void aBucketEmptyOnOneSideCountsWithTheFloorShareNotInfinity() {
    // (0.1 - 0.0001) ln(1000) + (0.9 - 1.0) ln(0.9) = 0.690085 + 0.010536
    assertEquals(0.700621, Psi.of(new long[] {100, 0}, new long[] {90, 10}), 1e-6);
  }

  @Test
  void noRowsOnASideIsNotANumberAndBucketsMustMatch() {
    assertTrue(Double.isNaN(Psi.of(new long[] {0, 0}, new long[] {1, 2})));
    assertThrows(IllegalArgumentException.class, () -> Psi.of(new long[] {1}, new long[] {1, 2}));
  }
}
