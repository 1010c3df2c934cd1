package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Exact counts without a global sort: the {@code k} records of each stratum with the smallest
 * (key, id), where the key is a record's seeded hash (a uniform sample) or its exponential clock (a
 * weighted one). The search is the one of {@link StratifiedSplitter}: one aggregation counts the
 * records of each stratum per key bucket (the key shifted right by a fixed number of bits), which
 * locates the bucket the {@code k}-th record falls in; one filtered read brings the few records of
 * those buckets to the driver, which orders them and takes the cut; the selection is then a per-row
 * comparison with the cut, with no shuffle and the rows left where they are.
 *
 * <p>Every step is a plain Java function of the records ({@link #boundary}, {@link #cutAt},
 * {@link SampleKeys#atOrBefore}); {@link #select} runs them on a list, which is what the property
 * tests check and what the Spark path must agree with.
 */
final class SmallestKeys {
  static final String STRATUM = "_stratum";
  static final String KEY = "_key";
  static final String ID = "_id";
  private static final String BUCKET = "_bucket";
  /** Seeded hashes are uniform over the longs: the top 14 bits give 16,384 even buckets. */
  static final int HASH_BUCKET_SHIFT = 50;
  /**
   * Exponential clocks are positive doubles whose bits sort as they do; shifting by 44 keeps the
   * 11 exponent bits and 8 mantissa bits, 256 buckets per doubling of the clock (a few thousand
   * records in the fullest bucket of 3 million).
   */
  static final int CLOCK_BUCKET_SHIFT = 44;

  private SmallestKeys() {}

  /** One record of the search: its stratum (null for rows without one), key and id. */
  record Keyed(String stratum, long key, String id) {}

  /** The last record a stratum's selection keeps; {@code none} when it keeps no record. */
  record Cut(boolean none, boolean all, long key, String id) {
    static final Cut NONE = new Cut(true, false, 0, null);
    static final Cut ALL = new Cut(false, true, 0, null);

    boolean keeps(long recordKey, String recordId) {
      return all || (!none && SampleKeys.atOrBefore(recordKey, recordId, key, id));
    }

    Column keeps(Column keyColumn, Column idColumn) {
      if (none || all) {
        return functions.lit(all);
      }
      return keyColumn.lt(key).or(keyColumn.equalTo(key).and(idColumn.leq(functions.lit(id))));
    }
  }

  /** The {@code rank}-th record (1-based) of one bucket of a stratum is the stratum's cut. */
  record Boundary(String stratum, long bucket, long rank) {}

  static long bucket(long key, int shift) {
    return key >> shift;
  }

  /** Pass 1: per stratum, the records per key bucket. Stratum order is the order Spark returns. */
  static Map<String, SortedMap<Long, Long>> histograms(Dataset<Row> keyed, int shift) {
    Map<String, SortedMap<Long, Long>> histograms = new LinkedHashMap<>();
    Column bucket = functions.shiftright(functions.col(KEY), shift);
    for (Row row : keyed.groupBy(functions.col(STRATUM), bucket.as(BUCKET)).count()
        .collectAsList()) {
      histograms.computeIfAbsent(row.getString(0), s -> new TreeMap<>())
          .put(row.getLong(1), row.getLong(2));
    }
    return histograms;
  }

  static long size(SortedMap<Long, Long> histogram) {
    return histogram == null ? 0 : histogram.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The bucket holding a stratum's {@code k}-th record and its rank there; null when {@code k} is
   * 0 or covers the whole stratum (no record has to be located).
   */
  static Boundary boundary(String stratum, SortedMap<Long, Long> histogram, long k) {
    long n = size(histogram);
    if (k <= 0 || k >= n) {
      return null;
    }
    long before = 0;
    for (Map.Entry<Long, Long> bucket : histogram.entrySet()) {
      if (before + bucket.getValue() >= k) {
        return new Boundary(stratum, bucket.getKey(), k - before);
      }
      before += bucket.getValue();
    }
    throw new IllegalStateException("rank " + k + " beyond the " + n + " records of the stratum");
  }

  /** The {@code rank}-th (1-based) of one bucket's records in (key, id) order. */
  static Cut cutAt(List<Keyed> bucketRecords, long rank) {
    List<Keyed> ordered = new ArrayList<>(bucketRecords);
    ordered.sort(Comparator.comparingLong(Keyed::key)
        .thenComparing(Keyed::id, SampleKeys.ID_ORDER));
    Keyed last = ordered.get((int) (rank - 1));
    return new Cut(false, false, last.key(), last.id());
  }

  /**
   * Pass 2: each stratum's cut for its count in {@code counts} (a stratum not named keeps nothing; a
   * count at or above the stratum's size keeps all of it).
   */
  static Map<String, Cut> cuts(Dataset<Row> keyed, Map<String, SortedMap<Long, Long>> histograms,
      Map<String, Long> counts, int shift) {
    Map<String, Boundary> boundaries = new LinkedHashMap<>();
    Map<String, Cut> cuts = new LinkedHashMap<>();
    counts.forEach((stratum, k) -> {
      SortedMap<Long, Long> histogram = histograms.get(stratum);
      Boundary b = boundary(stratum, histogram, k);
      if (b != null) {
        boundaries.put(stratum, b);
      } else {
        cuts.put(stratum, k <= 0 || histogram == null ? Cut.NONE : Cut.ALL);
      }
    });
    if (boundaries.isEmpty()) {
      return cuts;
    }
    Column bucket = functions.shiftright(functions.col(KEY), shift);
    Column wanted = functions.lit(false);
    for (Boundary b : boundaries.values()) {
      wanted = wanted.or(functions.col(STRATUM).eqNullSafe(functions.lit(b.stratum()))
          .and(bucket.equalTo(b.bucket())));
    }
    Map<String, List<Keyed>> inBoundaryBuckets = new LinkedHashMap<>();
    for (Row row : keyed.where(wanted).select(STRATUM, KEY, ID).collectAsList()) {
      inBoundaryBuckets.computeIfAbsent(row.getString(0), s -> new ArrayList<>())
          .add(new Keyed(row.getString(0), row.getLong(1), row.getString(2)));
    }
    boundaries.forEach((stratum, b) -> cuts.put(stratum, cutAt(
        inBoundaryBuckets.get(stratum).stream()
            .filter(r -> bucket(r.key(), shift) == b.bucket()).toList(), b.rank())));
    return cuts;
  }

  /** The per-row selection of the cuts: true for the rows each stratum keeps. */
  static Column keeps(Map<String, Cut> cuts, Column stratum, Column key, Column id) {
    Column keep = null;
    for (Map.Entry<String, Cut> entry : cuts.entrySet()) {
      Column inStratum = stratum.eqNullSafe(functions.lit(entry.getKey()));
      Column kept = entry.getValue().keeps(key, id);
      keep = keep == null ? functions.when(inStratum, kept) : keep.when(inStratum, kept);
    }
    return keep == null ? functions.lit(false) : keep.otherwise(false);
  }

  /**
   * The whole search on a list, with the same functions: the ids of the records kept, each stratum
   * cut at its count. What the Spark path computes, without Spark.
   */
  static Set<String> select(List<Keyed> records, Map<String, Long> counts, int shift) {
    Map<String, SortedMap<Long, Long>> histograms = new LinkedHashMap<>();
    for (Keyed r : records) {
      histograms.computeIfAbsent(r.stratum(), s -> new TreeMap<>())
          .merge(bucket(r.key(), shift), 1L, Long::sum);
    }
    Map<String, Cut> cuts = new LinkedHashMap<>();
    counts.forEach((stratum, k) -> {
      SortedMap<Long, Long> histogram = histograms.get(stratum);
      Boundary b = boundary(stratum, histogram, k);
      if (b == null) {
        cuts.put(stratum, k <= 0 || histogram == null ? Cut.NONE : Cut.ALL);
      } else {
        cuts.put(stratum, cutAt(records.stream()
            .filter(r -> Objects.equals(r.stratum(), stratum)
                && bucket(r.key(), shift) == b.bucket())
            .toList(), b.rank()));
      }
    });
    Set<String> kept = new HashSet<>();
    for (Keyed r : records) {
      Cut cut = cuts.get(r.stratum());
      if (cut != null && cut.keeps(r.key(), r.id())) {
        kept.add(r.id());
      }
    }
    return kept;
  }
}
