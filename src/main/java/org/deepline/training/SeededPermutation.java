package org.deepline.training;

/**
 * A pseudo-random permutation of {@code 0..size-1} that is computed position by position, without
 * storing it: a four-round Feistel network over the smallest even number of bits that covers
 * {@code size}, with cycle walking for the values beyond it.
 *
 * <p>Why not shuffle an index array: each averaging round takes the next slice of an epoch's order on
 * every worker, and a permutation that can be evaluated at any position makes that slice cost only
 * its own length, whatever the partition's size, and needs no state to survive between Spark tasks.
 *
 * <pre>{@code
 * SeededPermutation order = new SeededPermutation(1_000_000, seed);
 * int rowForPosition = order.apply(position);
 * }</pre>
 */
public final class SeededPermutation {
  private static final int ROUNDS = 4;
  /** Smallest half width: the Feistel domain has at least 2^(2*this) elements. */
  private static final int MIN_HALF_BITS = 1;

  private final int size;
  private final int halfBits;
  private final long halfMask;
  private final long[] roundKeys = new long[ROUNDS];

  public SeededPermutation(int size, long seed) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    this.size = size;
    int bits = Math.max(2 * MIN_HALF_BITS, 64 - Long.numberOfLeadingZeros(Math.max(1, size - 1L)));
    this.halfBits = (bits + 1) / 2;
    this.halfMask = (1L << halfBits) - 1;
    long state = seed;
    for (int i = 0; i < ROUNDS; i++) {
      state = mix(state + i + 1);
      roundKeys[i] = state;
    }
  }

  public int size() {
    return size;
  }

  /** The element at {@code position} of the permuted order. */
  public int apply(int position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException(position + " not in [0, " + size + ")");
    }
    long value = position;
    do {
      value = encrypt(value);
    } while (value >= size);
    return (int) value;
  }

  private long encrypt(long value) {
    long left = value >>> halfBits;
    long right = value & halfMask;
    for (long key : roundKeys) {
      long next = left ^ (mix(right ^ key) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  /** SplitMix64's finaliser: a cheap mixing function whose output bits all depend on all input bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
