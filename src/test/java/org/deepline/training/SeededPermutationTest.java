package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeededPermutationTest {
  private static int[] order(int size, long seed) {
    SeededPermutation permutation = new SeededPermutation(size, seed);
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = permutation.apply(i);
    }
    return order;
  }

  @Test
  void everySizeAndSeedGivesABijection() {
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      int size = trial < 70 ? trial : 1 + random.nextInt(5000);
      int[] sorted = order(size, random.nextLong());
      Arrays.sort(sorted);
      for (int i = 0; i < size; i++) {
        assertEquals(i, sorted[i], "size " + size);
      }
    }
  }

  @Test
  void sameSeedSameOrderOtherSeedOtherOrder() {
    assertEquals(Arrays.toString(order(1000, 42)), Arrays.toString(order(1000, 42)));
    assertNotEquals(Arrays.toString(order(1000, 42)), Arrays.toString(order(1000, 43)));
  }

  @Test
  void aPrefixOfASortedRangeIsAFairSample() {
    // Positions 0..99 of a permutation of 10,000 rows whose first half is one class: the share of
    // that class in the prefix must look like a random sample (binomial sd 0.05), not like the input.
    for (long seed = 0; seed < 20; seed++) {
      SeededPermutation permutation = new SeededPermutation(10_000, seed);
      int firstHalf = 0;
      for (int i = 0; i < 100; i++) {
        firstHalf += permutation.apply(i) < 5_000 ? 1 : 0;
      }
      assertTrue(firstHalf > 30 && firstHalf < 70, "seed " + seed + ": " + firstHalf + " of 100");
    }
  }

  @Test
  void positionsOutsideTheRangeAreRefused() {
    assertThrows(IndexOutOfBoundsException.class, () -> new SeededPermutation(3, 1).apply(3));
    assertThrows(IllegalArgumentException.class, () -> new SeededPermutation(-1, 1));
  }
}
