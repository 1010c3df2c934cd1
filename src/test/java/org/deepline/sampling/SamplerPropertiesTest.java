package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.deepline.sampling.SmallestKeys.Keyed;

/**
 * Properties of the samplers' per-row decisions ({@link SampleKeys}, {@link SmallestKeys},
 * {@link Reservoir}), checked without Spark over generated populations, counts and seeds. The Spark
 * samplers apply these same functions; {@code SamplersSparkTest} checks that they pick the same rows.
 *
 * <p>Exact properties (counts, merges, seeds) run on jqwik's random generation. Statistical ones
 * (uniformity, proportionality) use a fixed jqwik seed so that a run is repeatable, and state their
 * tolerance: each is set so that a correct sampler fails with probability below 1e-5 per check,
 * while each has a deliberately broken sampler that the same check rejects.
 */
class SamplerPropertiesTest {
  /** Chi-square critical value for 39 degrees of freedom at p = 1e-6 (Wilson-Hilferty: 96.6). */
  private static final double CHI_SQUARE_39_AT_1E6 = 96.6;
  /** Standard errors a frequency may stray: a two-sided 5-sigma band fails with p = 5.7e-7. */
  private static final double SIGMAS = 5.0;
  private static final String FIXED_SEED = "20261203";

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  // ---- exact counts per stratum ---------------------------------------------------------------

  @Provide
  Arbitrary<Integer> shifts() {
    // The production shifts and a coarse one (16 buckets) that puts many records in each bucket.
    return Arbitraries.of(SmallestKeys.HASH_BUCKET_SHIFT, 60, 63);
  }

  /**
   * For any strata sizes, requested counts and seed, the search keeps exactly the requested number
   * of each stratum, and they are the stratum's smallest (key, id): the reference sorts them.
   */
  @Property(tries = 100)
  void exactCountsPerStratumAreTheSmallestKeys(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 400) Integer> sizes,
      @ForAll @DoubleRange(min = 0, max = 1) double share, @ForAll long seed,
      @ForAll("shifts") int shift) {
    List<Keyed> records = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int s = 0; s < sizes.size(); s++) {
      for (String id : ids("s" + s + "-r", sizes.get(s))) {
        records.add(new Keyed("s" + s, SampleKeys.hash(id, seed), id));
      }
      counts.put("s" + s, Math.round(share * sizes.get(s)));
    }
    Set<String> kept = SmallestKeys.select(records, counts, shift);

    counts.forEach((stratum, k) -> {
      List<String> smallest = records.stream().filter(r -> r.stratum().equals(stratum))
          .sorted(Comparator.comparingLong(Keyed::key).thenComparing(Keyed::id, SampleKeys.ID_ORDER))
          .limit(k).map(Keyed::id).toList();
      assertEquals(k, kept.stream().filter(id -> id.startsWith(stratum + "-")).count(), stratum);
      assertTrue(kept.containsAll(smallest), stratum);
    });
  }

  /** Ties of the 64-bit key (every key equal here) are cut by the id, still exactly. */
  @Property(tries = 50)
  void equalKeysAreCutByIdExactly(@ForAll @IntRange(min = 1, max = 200) int size,
      @ForAll @IntRange(min = 0, max = 200) int k) {
    List<Keyed> records = ids("r", size).stream().map(id -> new Keyed("", 7L, id)).toList();
    long wanted = Math.min(k, size);
    Set<String> kept = SmallestKeys.select(records, Map.of("", wanted), 60);
    assertEquals(wanted, kept.size());
    assertEquals(records.stream().map(Keyed::id).sorted(SampleKeys.ID_ORDER).limit(wanted)
        .collect(Collectors.toSet()), kept);
  }

  // ---- reservoir ------------------------------------------------------------------------------

  /** The reservoir of each part, merged, is the reservoir of the whole: any partitioning. */
  @Property(tries = 100)
  void mergedPartitionReservoirsAreTheWholeReservoir(
      @ForAll @IntRange(min = 1, max = 300) int size, @ForAll @IntRange(min = 1, max = 50) int k,
      @ForAll @IntRange(min = 1, max = 9) int partitions, @ForAll long seed,
      @ForAll long layout) {
    Reservoir<String> whole = new Reservoir<>(k);
    List<Reservoir<String>> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(new Reservoir<>(k));
    }
    for (String id : ids("r", size)) {
      long key = SampleKeys.hash(id, seed);
      whole.offer(key, id, id);
      parts.get((int) Math.floorMod(SampleKeys.hash(id, layout), (long) partitions))
          .offer(key, id, id);
    }
    Reservoir<String> merged = new Reservoir<>(k);
    parts.forEach(merged::merge);
    assertEquals(Math.min(k, size), merged.size());
    assertEquals(whole.items(), merged.items());
  }

  /** The reservoir keeps exactly the records the exact-n search keeps: one definition of the sample. */
  @Property(tries = 50)
  void reservoirAndExactSearchKeepTheSameRows(@ForAll @IntRange(min = 1, max = 300) int size,
      @ForAll @IntRange(min = 1, max = 300) int k, @ForAll long seed) {
    Reservoir<String> reservoir = new Reservoir<>(k);
    List<Keyed> records = new ArrayList<>();
    for (String id : ids("r", size)) {
      reservoir.offer(SampleKeys.hash(id, seed), id, id);
      records.add(new Keyed("", SampleKeys.hash(id, seed), id));
    }
    assertEquals(SmallestKeys.select(records, Map.of("", (long) k),
        SmallestKeys.HASH_BUCKET_SHIFT), new HashSet<>(reservoir.items()));
  }

  /**
   * Chi-square of how often each of 40 records is among the k = 8 kept, over 3,000 seeds, each
   * seed's rows spread over 1 to 5 partitions whose reservoirs are merged.
   */
  private static double reservoirChiSquare(long firstSeed,
      BiFunction<List<String>, Long, List<String>> sampler) {
    int population = 40;
    int k = 8;
    int seeds = 3000;
    List<String> ids = ids("rec-", population);
    Map<String, Integer> inclusions = new HashMap<>();
    for (int s = 0; s < seeds; s++) {
      sampler.apply(ids, firstSeed + s).forEach(id -> inclusions.merge(id, 1, Integer::sum));
    }
    double expected = (double) seeds * k / population;
    return ids.stream().mapToDouble(id -> {
      double d = inclusions.getOrDefault(id, 0) - expected;
      return d * d / expected;
    }).sum();
  }

  private static List<String> mergedReservoir(List<String> ids, long seed) {
    int partitions = 1 + (int) Math.floorMod(seed, 5L);
    List<Reservoir<String>> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(new Reservoir<>(8));
    }
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      parts.get(i % partitions).offer(SampleKeys.hash(id, seed), id, id);
    }
    Reservoir<String> merged = new Reservoir<>(8);
    parts.forEach(merged::merge);
    return merged.items();
  }

  @Property(tries = 3, seed = FIXED_SEED)
  void reservoirIsUniformAcrossSeeds(@ForAll long firstSeed) {
    double chiSquare = reservoirChiSquare(firstSeed, SamplerPropertiesTest::mergedReservoir);
    assertTrue(chiSquare < CHI_SQUARE_39_AT_1E6, "chi-square " + chiSquare);
  }

  /** The broken fixture: keyed by the record's position (not its hash), the test must reject it. */
  @Example
  void aReservoirKeyedByPositionFailsTheUniformityCheck() {
    double chiSquare = reservoirChiSquare(1, (ids, seed) -> {
      Reservoir<String> biased = new Reservoir<>(8);
      for (int i = 0; i < ids.size(); i++) {
        // Mostly by position, a little by seed: the first records are kept far too often.
        biased.offer(i * 1000L + Math.floorMod(SampleKeys.hash(ids.get(i), seed), 20_000L),
            ids.get(i), ids.get(i));
      }
      return biased.items();
    });
    assertTrue(chiSquare > CHI_SQUARE_39_AT_1E6, "chi-square " + chiSquare);
  }

  // ---- weighted -------------------------------------------------------------------------------

  @Provide
  Arbitrary<List<Double>> weights() {
    return Arbitraries.doubles().between(0.1, 10).ofScale(2).list().ofMinSize(3).ofMaxSize(7);
  }

  /** Frequencies of {@code counts / trials} farther than {@value #SIGMAS} standard errors. */
  private static List<String> offTarget(Map<Integer, Double> observed, Map<Integer, Double> expected,
      Map<Integer, Double> variance, int trials) {
    List<String> off = new ArrayList<>();
    expected.forEach((i, mean) -> {
      double tolerance = SIGMAS * Math.sqrt(variance.get(i) / trials);
      double got = observed.getOrDefault(i, 0.0) / trials;
      if (Math.abs(got - mean) > tolerance) {
        off.add("record " + i + ": " + got + " vs " + mean + " +- " + tolerance);
      }
    });
    return off;
  }

  /** How often each record is first by exponential clock (weighted n = 1), over {@code trials}. */
  private static Map<Integer, Double> firstDraws(List<Double> weights, int trials,
      BiFunction<Long, Double, Double> clock) {
    Map<Integer, Double> wins = new HashMap<>();
    for (int t = 0; t < trials; t++) {
      int best = -1;
      double bestClock = Double.POSITIVE_INFINITY;
      for (int i = 0; i < weights.size(); i++) {
        double c = clock.apply(SampleKeys.hash("w" + i, t), weights.get(i));
        if (c < bestClock) {
          best = i;
          bestClock = c;
        }
      }
      wins.merge(best, 1.0, Double::sum);
    }
    return wins;
  }

  private static final int WEIGHTED_TRIALS = 20_000;

  /**
   * A weighted draw of one row picks row {@code i} with probability {@code w_i / W}: within 5
   * standard errors, {@code 5 * sqrt(p(1-p) / 20000)}, at most 0.018 absolute.
   */
  @Property(tries = 3, seed = FIXED_SEED)
  void firstWeightedDrawIsProportionalToWeight(@ForAll("weights") List<Double> weights) {
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    Map<Integer, Double> expected = new HashMap<>();
    Map<Integer, Double> variance = new HashMap<>();
    for (int i = 0; i < weights.size(); i++) {
      double p = weights.get(i) / total;
      expected.put(i, p);
      variance.put(i, p * (1 - p));
    }
    List<String> off = offTarget(firstDraws(weights, WEIGHTED_TRIALS,
        SampleKeys::exponentialClock), expected, variance, WEIGHTED_TRIALS);
    assertTrue(off.isEmpty(), off.toString());
  }

  /** The broken fixture: clocks that ignore the weight are uniform, and the check rejects them. */
  @Example
  void clocksIgnoringTheWeightFailTheProportionalityCheck() {
    List<Double> weights = List.of(1.0, 2.0, 6.0);
    Map<Integer, Double> expected = Map.of(0, 1 / 9.0, 1, 2 / 9.0, 2, 6 / 9.0);
    Map<Integer, Double> variance = new HashMap<>();
    expected.forEach((i, p) -> variance.put(i, p * (1 - p)));
    assertFalse(offTarget(firstDraws(weights, WEIGHTED_TRIALS,
        (hash, w) -> SampleKeys.exponentialClock(hash, 1.0)), expected, variance,
        WEIGHTED_TRIALS).isEmpty());
  }

  /**
   * Without replacement, n = 2: row i is in the sample with the successive-sampling probability
   * {@code p_i + sum_j p_j * w_i / (W - w_j)}, within 5 standard errors.
   */
  @Property(tries = 3, seed = FIXED_SEED)
  void twoWeightedDrawsFollowSuccessiveSampling(@ForAll("weights") List<Double> weights) {
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    Map<Integer, Double> expected = new HashMap<>();
    Map<Integer, Double> variance = new HashMap<>();
    for (int i = 0; i < weights.size(); i++) {
      double p = weights.get(i) / total;
      for (int j = 0; j < weights.size(); j++) {
        if (j != i) {
          p += weights.get(j) / total * weights.get(i) / (total - weights.get(j));
        }
      }
      expected.put(i, p);
      variance.put(i, p * (1 - p));
    }
    // The two smallest clocks directly: that the search keeps the smallest keys is checked above.
    Map<Integer, Double> included = new HashMap<>();
    for (int t = 0; t < WEIGHTED_TRIALS; t++) {
      int first = -1;
      int second = -1;
      long firstKey = Long.MAX_VALUE;
      long secondKey = Long.MAX_VALUE;
      for (int i = 0; i < weights.size(); i++) {
        long key = SampleKeys.exponentialKey(SampleKeys.hash("w" + i, t), weights.get(i));
        if (key < firstKey) {
          second = first;
          secondKey = firstKey;
          first = i;
          firstKey = key;
        } else if (key < secondKey) {
          second = i;
          secondKey = key;
        }
      }
      included.merge(first, 1.0, Double::sum);
      included.merge(second, 1.0, Double::sum);
    }
    List<String> off = offTarget(included, expected, variance, WEIGHTED_TRIALS);
    assertTrue(off.isEmpty(), off.toString());
  }

  /**
   * With replacement, the expected multiplicity of row i is {@code n * w_i / W} (Poisson, variance
   * equal to the mean): within 5 standard errors, {@code 5 * sqrt(mean / 20000)}. One row may be
   * heavy enough that its mean exceeds a Poisson chunk ({@value SampleKeys#POISSON_CHUNK}).
   */
  @Property(tries = 3, seed = FIXED_SEED)
  void multiplicitiesAverageToTheirShareOfN(@ForAll("weights") List<Double> weights,
      @ForAll @IntRange(min = 1, max = 100) int n) {
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    Map<Integer, Double> expected = new HashMap<>();
    Map<Integer, Double> drawn = new HashMap<>();
    for (int i = 0; i < weights.size(); i++) {
      expected.put(i, n * weights.get(i) / total);
    }
    for (int t = 0; t < WEIGHTED_TRIALS; t++) {
      for (int i = 0; i < weights.size(); i++) {
        drawn.merge(i, (double) SampleKeys.poissonCount(SampleKeys.hash("w" + i, t),
            expected.get(i)), Double::sum);
      }
    }
    List<String> off = offTarget(drawn, expected, expected, WEIGHTED_TRIALS);
    assertTrue(off.isEmpty(), off.toString());
  }

  /** The broken fixture: rounding the mean instead of drawing misses fractional means. */
  @Example
  void roundedMultiplicitiesFailTheMeanCheck() {
    Map<Integer, Double> expected = Map.of(0, 0.3, 1, 1.7);
    Map<Integer, Double> drawn = Map.of(0, 0.0, 1, 2.0 * WEIGHTED_TRIALS);
    assertEquals(2, offTarget(drawn, expected, expected, WEIGHTED_TRIALS).size());
  }

  @Example
  void poissonDrawsHaveTheirMeanAndVarianceForLargeMeans() {
    double mean = 3 * SampleKeys.POISSON_CHUNK + 5;
    double sum = 0;
    double squares = 0;
    int trials = 20_000;
    for (int t = 0; t < trials; t++) {
      int m = SampleKeys.poissonCount(SampleKeys.hash("heavy", t), mean);
      sum += m;
      squares += (double) m * m;
    }
    double average = sum / trials;
    double variance = squares / trials - average * average;
    assertEquals(mean, average, SIGMAS * Math.sqrt(mean / trials));
    // The sample variance of 20,000 Poisson draws is within 5 % of the mean (its SE is about 1 %).
    assertEquals(mean, variance, 0.05 * mean);
    assertEquals(0, SampleKeys.poissonCount(123, 0.0));
  }

  // ---- seeds ----------------------------------------------------------------------------------

  /** Every sampler's selection of 200 records, keyed by record: what a seed decides. */
  private static Map<String, Object> decisions(long seed) {
    return decisions(seed, ids("rec-", 200));
  }

  /** Every sampler's choice among {@code ids} (records {@code rec-<i>}, weighted 1 + i % 7). */
  private static Map<String, Object> decisions(long seed, List<String> ids) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("bernoulli", ids.stream().filter(id -> SampleKeys.uniform(SampleKeys.hash(id, seed)) < 0.5)
        .collect(Collectors.toSet()));
    List<Keyed> uniform = ids.stream().map(id -> new Keyed("", SampleKeys.hash(id, seed), id))
        .toList();
    all.put("exactly", SmallestKeys.select(uniform, Map.of("", 100L),
        SmallestKeys.HASH_BUCKET_SHIFT));
    List<Keyed> clocks = new ArrayList<>();
    for (String id : ids) {
      int index = Integer.parseInt(id.substring("rec-".length()));
      clocks.add(new Keyed("", SampleKeys.exponentialKey(SampleKeys.hash(id, seed),
          1 + index % 7), id));
    }
    all.put("weighted", SmallestKeys.select(clocks, Map.of("", 100L),
        SmallestKeys.CLOCK_BUCKET_SHIFT));
    all.put("multiplicities", ids.stream().collect(Collectors.toMap(id -> id,
        id -> SampleKeys.poissonCount(SampleKeys.hash(id, seed), 1.0))));
    Reservoir<String> reservoir = new Reservoir<>(100);
    ids.forEach(id -> reservoir.offer(SampleKeys.hash(id, seed), id, id));
    all.put("reservoir", new HashSet<>(reservoir.items()));
    return all;
  }

  /**
   * The same seed picks the same rows whatever order the records come in (as partitions deliver
   * them in any order): every decision is a function of the record and the seed only.
   */
  @Property(tries = 50)
  void sameSeedGivesTheSameRows(@ForAll long seed) {
    List<String> shuffled = new ArrayList<>(ids("rec-", 200));
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    assertEquals(decisions(seed), decisions(seed, shuffled));
  }

  /**
   * Another seed gives another sample, for every sampler. Of 200 records, two seeds agree on a
   * sampler's choice with probability at most 2^-100, so any equality is a bug, not chance.
   */
  @Property(tries = 50)
  void anotherSeedGivesOtherRows(@ForAll long seed,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long offset) {
    Map<String, Object> a = decisions(seed);
    Map<String, Object> b = decisions(seed + offset);
    a.forEach((sampler, rows) -> assertNotEquals(rows, b.get(sampler), sampler));
  }
}
