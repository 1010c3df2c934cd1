package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.Platform;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.SchemaConfig;
import org.junit.jupiter.api.Test;

/**
 * Property checks of the per-row split and fold rules in plain Java (no Spark): the Spark columns
 * apply the same rules, which {@link SplitFoldsTest} checks row by row on tiny frames.
 */
class SplitRulesTest {
  private static final int CASES = 2_000;
  private static final long DAY = 86_400;
  private static final List<String> ORDER = List.of(StratifiedSplitter.TRAIN,
      StratifiedSplitter.VALIDATION, StratifiedSplitter.TEST);

  /** Spark's {@code xxhash64(id, lit(seed))}: the id's UTF-8 bytes, then the seed as a long. */
  static long sparkHash(String id, long seed) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    long hash = XXH64.hashUnsafeBytes(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length,
        XXH64_DEFAULT_SEED);
    return XXH64.hashLong(seed, hash);
  }

  /** The seed Spark's {@code xxhash64} starts from. */
  private static final long XXH64_DEFAULT_SEED = 42;

  static double position(long hash) {
    long slots = 1L << 40;
    return Math.floorMod(hash, slots) / (double) slots;
  }

  @Test
  void noTimeSplitRecordIsEarlierThanItsCutAndTimesAtACutGoLater() {
    Random random = new Random(11);
    for (int c = 0; c < CASES; c++) {
      long validationStart = random.nextInt(1_000) * DAY;
      long gap = random.nextInt(3) * DAY;
      long testStart = validationStart + gap + (1 + random.nextInt(50)) * DAY;
      // Times around both cuts and their gaps, exactly on them included.
      long[] probes = {validationStart - 1, validationStart, validationStart + gap - 1,
          validationStart + gap, testStart - 1, testStart, testStart + gap - 1, testStart + gap,
          random.nextInt(1_100) * DAY + random.nextInt((int) DAY)};
      Arrays.sort(probes);
      int previousRank = -1;
      for (long t : probes) {
        String split = TimeCutoffs.splitOf(t, validationStart, testStart, gap);
        switch (split) {
          case "train" -> assertTrue(t < validationStart, t + " trains");
          case "validation" -> assertTrue(t >= validationStart + gap && t < testStart,
              t + " validates");
          case "test" -> assertTrue(t >= testStart + gap, t + " tests");
          default -> assertTrue(t >= validationStart && t < validationStart + gap
              || t >= testStart && t < testStart + gap, t + " excluded");
        }
        if (ORDER.contains(split)) {
          // Along increasing times the splits never go back: train, then validation, then test.
          assertTrue(ORDER.indexOf(split) >= previousRank, t + " " + split);
          previousRank = ORDER.indexOf(split);
        }
      }
    }
    assertEquals("validation", TimeCutoffs.splitOf(10 * DAY, 10 * DAY, 20 * DAY, 0));
    assertEquals("test", TimeCutoffs.splitOf(20 * DAY, 10 * DAY, 20 * DAY, 0));
    assertEquals("excluded", TimeCutoffs.splitOf(10 * DAY, 10 * DAY, 20 * DAY, DAY));
    assertEquals("excluded", TimeCutoffs.splitOf(null, 10 * DAY, 20 * DAY, 0));
  }

  @Test
  void rollingOriginBlocksFollowTimeAndTheirStarts() {
    Random random = new Random(12);
    for (int c = 0; c < CASES; c++) {
      int folds = 2 + random.nextInt(8);
      long[] starts = new long[folds - 1];
      long start = 0;
      for (int j = 0; j < starts.length; j++) {
        start += random.nextInt(3) * DAY; // 0: two equal starts, an empty block
        starts[j] = start;
      }
      long t = random.nextInt((int) (start / DAY + 2)) * DAY - random.nextInt(2);
      int block = TimeCutoffs.blockOf(t, starts);
      assertTrue(block >= 0 && block < folds, "block " + block);
      assertTrue(block == 0 || t >= starts[block - 1], t + " before the start of " + block);
      assertTrue(block == folds - 1 || t < starts[block], t + " after the end of " + block);
      assertTrue(TimeCutoffs.blockOf(t + 1, starts) >= block, "blocks go back after " + t);
    }
    assertEquals(2, TimeCutoffs.blockOf(5, new long[] {5, 5, 9}));
  }

  @Test
  void foldsOfRankedRecordsDifferByAtMostOneRecord() {
    Random random = new Random(13);
    for (int c = 0; c < CASES; c++) {
      long n = random.nextInt(5_000);
      int folds = 2 + random.nextInt(20);
      long[] starts = Folds.starts(n, folds);
      long smallest = Long.MAX_VALUE;
      long largest = 0;
      for (int j = 0; j < folds; j++) {
        long size = (j + 1 < folds ? starts[j + 1] : n) - starts[j];
        smallest = Math.min(smallest, size);
        largest = Math.max(largest, size);
      }
      assertTrue(largest - smallest <= 1, n + " records in " + folds + " folds");
      assertEquals(0, starts[0]);
      long rank = n == 0 ? 0 : random.nextLong(n);
      int fold = Folds.ofRank(rank, starts);
      assertTrue(rank >= starts[fold] && (fold + 1 == folds || rank < starts[fold + 1]));
    }
    assertArrayEquals(new long[] {0, 4, 7}, Folds.starts(10, 3));
  }

  @Test
  void hashFoldsCoverTheTrainRangeEvenlyAndFollowThePosition() {
    double train = 0.7;
    int folds = 5;
    long[] counts = new long[folds];
    int trained = 0;
    int previous = -1;
    double previousPosition = -1;
    TreeMap<Double, Integer> byPosition = new TreeMap<>();
    for (int i = 0; i < 20_000; i++) {
      double p = position(sparkHash("r" + i, 42));
      if (p < train) {
        int fold = Folds.ofPosition(p, train, folds);
        counts[fold]++;
        trained++;
        byPosition.put(p, fold);
      }
    }
    for (Map.Entry<Double, Integer> e : byPosition.entrySet()) {
      assertTrue(e.getValue() >= previous, "fold goes back at " + e.getKey() + " after "
          + previousPosition);
      previous = e.getValue();
      previousPosition = e.getKey();
    }
    // Multinomial(trained, 1/5): chi-square with 4 degrees of freedom, 18.5 is its 0.999 quantile.
    double chiSquare = 0;
    for (long count : counts) {
      double expected = trained / (double) folds;
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    assertTrue(chiSquare < 18.5, "chi-square " + chiSquare + " of " + List.of(counts));
    assertEquals(4, Folds.ofPosition(Math.nextDown(train), train, folds));
    assertEquals(0, Folds.ofPosition(0.0, train, folds));
  }

  @Test
  void cutoffsReadDatesAndLocalTimesInTheSessionZone() {
    assertEquals(LocalDateTime.of(2026, 5, 1, 0, 0), TimeCutoffs.parse("2026-05-01"));
    assertEquals(LocalDateTime.of(2026, 5, 1, 6, 30), TimeCutoffs.parse("2026-05-01T06:30"));
    assertEquals(LocalDateTime.of(2026, 5, 1, 6, 30, 15), TimeCutoffs.parse("2026-05-01 06:30:15"));
    assertEquals(1_777_593_600L, TimeCutoffs.epochSeconds("2026-05-01", ZoneId.of("UTC")));
    assertEquals(1_777_593_600L - 2 * 3_600,
        TimeCutoffs.epochSeconds("2026-05-01", ZoneId.of("Europe/Paris")));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TimeCutoffs.parse("05/01/2026"));
    assertEquals("cannot read 05/01/2026 as a time: use " + TimeCutoffs.FORMS, bad.getMessage());
  }

  @Test
  void misdeclaredCutoffsAndFoldsAreConfigErrorsByPath() {
    Map<String, ColumnSpec> columns = Map.of(
        "day", new ColumnSpec("day", "date", null, null, null, null, null),
        "customer", new ColumnSpec("customer", "string", null, null, null, null, null));
    ConfigErrors errors = new ConfigErrors().at("split");
    // Wrong order.
    new SplitConfig(null, null, null, null, null, "time", "day", null, null, "2026-06-01",
        "2026-05-01", null).validate(errors, columns);
    // The gap swallows the validation period.
    new SplitConfig(null, null, null, null, null, "time", "day", 31, null, "2026-05-01",
        "2026-06-01", null).validate(errors, columns);
    // Unparsable, and one without the other.
    new SplitConfig(null, null, null, null, null, "time", "day", null, null, "May 2026", null, 1)
        .validate(errors, columns);
    // Cutoffs with a method that has no time.
    new SplitConfig(null, null, null, null, null, "group", null, null, "customer", "2026-05-01",
        "2026-06-01", 101).validate(errors, columns);
    assertEquals(List.of(
        "split.test_start: must be later than validation_start (2026-06-01), got 2026-05-01",
        "split.test_start: must be later than validation_start plus gap_days (2026-05-01 + 31 "
            + "days), got 2026-06-01",
        "split.test_start: is required with validation_start",
        "split.validation_start: cannot read May 2026 as a time: use " + TimeCutoffs.FORMS,
        "split.folds: must be in [2, 100], got 1",
        "split.validation_start: only used with method: time",
        "split.test_start: only used with method: time",
        "split.folds: must be in [2, 100], got 101"), errors.messages());

    ConfigErrors none = new ConfigErrors().at("split");
    new SplitConfig(null, null, null, null, null, "time", "day", 1, null, "2026-05-01",
        "2026-06-01T00:00", 5).validate(none, columns);
    assertEquals(List.of(), none.messages());
  }

  @Test
  void anEmptyTrainFoldFailsTheSplitNamingIt() {
    SplitConfig byTime = new SplitConfig(null, null, null, null, null, "time", "day", null, null,
        null, null, 3);
    SplitJob.requireFolds(Map.of(0, 40L, 1, 38L, 2, 41L), byTime, "2026-11-24");
    DeeplineException empty = assertThrows(DeeplineException.class,
        () -> SplitJob.requireFolds(Map.of(0, 40L, 2, 79L), byTime, "2026-11-24"));
    assertEquals("split: fold 1 of the 3 folds of the train split of 2026-11-24 is empty; use "
        + "fewer split.folds (rolling-origin blocks are cut at quantiles of the training times, "
        + "and many records at one time leave a block empty)", empty.getMessage());
    SplitConfig byGroup = new SplitConfig(null, null, null, null, null, "group", null, null, "c",
        null, null, 4);
    DeeplineException fewGroups = assertThrows(DeeplineException.class,
        () -> SplitJob.requireFolds(Map.of(0, 5L, 1, 7L, 2, 3L), byGroup, "2026-11-24"));
    assertEquals("split: fold 3 of the 4 folds of the train split of 2026-11-24 is empty; use "
        + "fewer split.folds", fewGroups.getMessage());
  }

  /** A label column declaring two allowed values needs no count of its classes at split. */
  @Test
  void aLabelColumnOfTwoDeclaredValuesIsNotCountedAgain() {
    LabelConfig yes = new LabelConfig("status", "yes", null);
    ColumnSpec declared = new ColumnSpec("status", "string", false, null, null,
        List.of("yes", "no"), null);
    ColumnSpec open = new ColumnSpec("status", "string", false, null, null, List.of(), null);
    ColumnSpec three = new ColumnSpec("status", "string", false, null, null,
        List.of("yes", "no", "maybe"), null);

    assertTrue(SplitJob.declaresTwoClasses(new SchemaConfig(List.of(), List.of(declared)), yes));
    assertEquals(false, SplitJob.declaresTwoClasses(new SchemaConfig(List.of(), List.of(open)),
        yes));
    assertEquals(false, SplitJob.declaresTwoClasses(new SchemaConfig(List.of(), List.of(three)),
        yes));
    assertEquals(false, SplitJob.declaresTwoClasses(new SchemaConfig(List.of(), List.of(declared)),
        new LabelConfig(null, null, "status = 'yes'")));
  }
}
