package org.deepline.sampling;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.Platform;

/**
 * The per-row random decisions of every sampler, as plain Java functions of a record's seeded hash
 * {@code xxhash64(record id, seed)}: no state, no partition, no order, so a record's fate depends on
 * its id and the seed alone. The Spark samplers compute the same hash with Spark's
 * {@code xxhash64(id, seed)} and apply these functions (as column expressions of the same arithmetic
 * or as UDFs calling them), and the property tests exercise them without Spark.
 *
 * <pre>{@code
 * long hash = SampleKeys.hash("rec-17", 42);
 * boolean kept = SampleKeys.uniform(hash) < 0.1;   // a 10 % Bernoulli sample
 * }</pre>
 */
public final class SampleKeys {
  /** The seed Spark's {@code xxhash64} starts from; the configured seed is hashed in after the id. */
  static final long SPARK_XXHASH_SEED = 42L;
  /** A double has 53 significant bits: the top 53 bits of the hash map exactly onto [0, 1). */
  static final int UNIFORM_BITS = 53;
  static final double UNIFORM_SCALE = 0x1.0p-53;
  /**
   * Poisson draws are exact for any mean, but {@code exp(-mean)} underflows for a mean above about
   * 745, so a larger mean is drawn as the sum of independent draws of at most this mean each.
   */
  static final double POISSON_CHUNK = 32.0;
  /** Splitmix64's odd constant: successive uniforms of one record for the chunked Poisson draw. */
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  /** Record ids ordered as Spark orders strings: by their UTF-8 bytes, unsigned. */
  public static final Comparator<String> ID_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private SampleKeys() {}

  /** Spark's {@code xxhash64(id, seed)} of a string id and a long seed, computed without Spark. */
  public static long hash(String id, long seed) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    long idHash = XXH64.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length,
        SPARK_XXHASH_SEED);
    return XXH64.hashLong(seed, idHash);
  }

  /** The hash's top 53 bits as a uniform double in [0, 1); exact, so Spark computes the same. */
  public static double uniform(long hash) {
    return (hash >>> (Long.SIZE - UNIFORM_BITS)) * UNIFORM_SCALE;
  }

  /** As {@link #uniform} but in the open interval (0, 1): a half step up, never 0. */
  public static double openUniform(long hash) {
    return ((hash >>> (Long.SIZE - UNIFORM_BITS)) + 0.5) * UNIFORM_SCALE;
  }

  /**
   * Efraimidis-Spirakis without replacement as exponential clocks: {@code -ln(u) / weight}, the
   * smallest {@code n} of which are a weighted sample without replacement (equivalent to the largest
   * {@code u^(1/w)}, without raising to tiny powers). A zero weight never rings: +infinity.
   */
  public static double exponentialClock(long hash, double weight) {
    if (weight <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    return -Math.log(openUniform(hash)) / weight;
  }

  /**
   * The clock as a long with the same order (a non-negative double's bits sort as the double does),
   * so that the bucket search of {@link SmallestKeys} works on it as on a hash.
   */
  public static long exponentialKey(long hash, double weight) {
    return Double.doubleToLongBits(exponentialClock(hash, weight));
  }

  /**
   * How many times a record is drawn when draws arrive as a Poisson process of {@code mean}: the
   * inverse of Poisson's distribution function at the record's uniform. Independent across records,
   * so the expected count is exactly {@code mean} and nothing depends on the other records.
   */
  public static int poissonCount(long hash, double mean) {
    if (!(mean > 0)) {
      return 0;
    }
    int chunks = (int) Math.ceil(mean / POISSON_CHUNK);
    double chunkMean = mean / chunks;
    int count = 0;
    long state = hash;
    for (int c = 0; c < chunks; c++) {
      count += poissonInverse(openUniform(state), chunkMean);
      state = mix(state + GOLDEN_GAMMA);
    }
    return count;
  }

  /** The smallest {@code k} with {@code P(X <= k) >= u} for {@code X ~ Poisson(mean)}. */
  static int poissonInverse(double u, double mean) {
    double probability = Math.exp(-mean);
    double cumulative = probability;
    int k = 0;
    // Cumulative sums can stop short of 1 by rounding: the guard ends the walk in the far tail.
    while (u > cumulative && probability > 0) {
      k++;
      probability *= mean / k;
      cumulative += probability;
    }
    return k;
  }

  /** Splitmix64's finaliser: the next independent-looking 64 bits from a record's hash. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Whether ({@code key}, {@code id}) comes at or before the cut ({@code cutKey}, {@code cutId}). */
  public static boolean atOrBefore(long key, String id, long cutKey, String cutId) {
    return key < cutKey || (key == cutKey && ID_ORDER.compare(id, cutId) <= 0);
  }
}
