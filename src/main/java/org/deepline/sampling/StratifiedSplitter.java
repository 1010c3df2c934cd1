package org.deepline.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;

/**
 * Assigns each record to train, validation or test from a seeded hash of its id,
 * {@code xxhash64(id, seed)}, so that the same records and seed give the same split whatever the
 * partitioning.
 *
 * <p>Stratified: within each stratum (label value) the records ordered by (hash, id) are cut at the
 * configured fractions, so every split has the stratum's share to within one record. The cut points
 * are found without ranking or moving rows: one aggregation counts the records of each stratum per
 * hash bucket (the top {@value #BUCKET_BITS} bits of the hash), which locates the bucket each cut
 * falls in, and one filtered read orders the few records of those buckets. The assignment is then a
 * plain per-row comparison with the cut points: no shuffle, and the output keeps the input's
 * partitioning and order instead of being grouped by class. New records shift the cut points, so a
 * record may change split when the data grows.
 *
 * <p>Unstratified: the hash mapped to [0, 1) is cut at the fractions, and a record keeps its split
 * however many records arrive.
 */
public final class StratifiedSplitter {
  /** The split column; underscored so that it cannot clash with a source column. */
  public static final String SPLIT = "_split";
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  /** Records a time split leaves out: inside a gap after a cut, or without a time. */
  public static final String EXCLUDED = "excluded";
  /** Resolution of the unstratified cut: hashes are mapped onto this many equal slots. */
  private static final long HASH_SLOTS = 1L << 40;
  /**
   * Buckets of the cut-point search: 2^14 per stratum keeps the histogram the driver collects small
   * (16,384 counts per stratum) and the records ordered per cut few (about 180 of 3 million).
   */
  private static final int BUCKET_BITS = 14;
  /** A stratum per label value is expected; more means the stratum column is not a label. */
  private static final int MAX_STRATA = 64;
  private static final String STRATUM = "_stratum";
  private static final String HASH = "_hash";
  private static final String BUCKET = "_bucket";
  private static final String ID = "_id";

  private StratifiedSplitter() {}

  public static Dataset<Row> assign(Dataset<Row> rows, String idColumn, Column stratum,
      SplitConfig config) {
    Column hash = functions.xxhash64(functions.col(idColumn), functions.lit(config.seed()));
    double trainEnd = config.train();
    double validationEnd = config.train() + config.validation();
    if (!config.stratify()) {
      Column position = functions.pmod(hash, functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
      return rows.withColumn(SPLIT, functions.when(position.lt(trainEnd), TRAIN)
          .when(position.lt(validationEnd), VALIDATION)
          .otherwise(TEST));
    }
    Dataset<Row> keyed = rows.select(stratum.as(STRATUM), hash.as(HASH),
        functions.col(idColumn).as(ID));
    Map<Object, Cuts> cuts = cutPoints(keyed, trainEnd, validationEnd);
    Column id = functions.col(idColumn);
    Column split = null;
    for (Map.Entry<Object, Cuts> entry : cuts.entrySet()) {
      Cuts c = entry.getValue();
      Column within = functions.when(c.train().covers(hash, id), TRAIN)
          .when(c.validation().covers(hash, id), VALIDATION)
          .otherwise(TEST);
      Column inStratum = stratum.eqNullSafe(functions.lit(entry.getKey()));
      split = split == null ? functions.when(inStratum, within) : split.when(inStratum, within);
    }
    return rows.withColumn(SPLIT, split == null ? functions.lit(TEST) : split);
  }

  /**
   * How many of a stratum's {@code n} records, ordered, fall before {@code end}: those at positions
   * {@code i / n < end}, computed with the same double division a ranking would use.
   */
  static long recordsBefore(long n, double end) {
    long k = Math.min(n, Math.max(0, (long) Math.ceil(end * n)));
    while (k > 0 && (double) (k - 1) / n >= end) {
      k--;
    }
    while (k < n && (double) k / n < end) {
      k++;
    }
    return k;
  }

  /** A stratum's two cut points: the last train record and the last validation record. */
  private record Cuts(Cut train, Cut validation) {}

  /**
   * The first {@code k} records of a stratum in (hash, id) order: none, all, or those up to and
   * including the record with {@code hash} and {@code id}.
   */
  private record Cut(boolean none, boolean all, long hash, Object id) {
    static final Cut NONE = new Cut(true, false, 0, null);
    static final Cut ALL = new Cut(false, true, 0, null);

    Column covers(Column hashColumn, Column idColumn) {
      if (none || all) {
        return functions.lit(all);
      }
      return hashColumn.lt(hash).or(hashColumn.equalTo(hash).and(idColumn.leq(functions.lit(id))));
    }
  }

  /** A cut inside a bucket: the {@code rank}-th record (1-based) of that bucket of the stratum. */
  private record Boundary(Object stratum, long bucket, long rank) {}

  private static Map<Object, Cuts> cutPoints(Dataset<Row> keyed, double trainEnd,
      double validationEnd) {
    Column bucket = functions.shiftright(functions.col(HASH), Long.SIZE - BUCKET_BITS);
    Map<Object, TreeMap<Long, Long>> histograms = new LinkedHashMap<>();
    for (Row row : keyed.groupBy(functions.col(STRATUM), bucket.as(BUCKET)).count().collectAsList()) {
      histograms.computeIfAbsent(row.get(0), k -> new TreeMap<>()).put(row.getLong(1), row.getLong(2));
    }
    if (histograms.size() > MAX_STRATA) {
      throw new DeeplineException("split: " + histograms.size() + " strata; stratify on a label "
          + "with at most " + MAX_STRATA + " values");
    }
    Map<Object, Boundary[]> boundaries = new LinkedHashMap<>();
    List<Boundary> needed = new ArrayList<>();
    histograms.forEach((stratum, histogram) -> {
      long n = histogram.values().stream().mapToLong(Long::longValue).sum();
      Boundary[] pair = {boundary(stratum, histogram, recordsBefore(n, trainEnd), n),
          boundary(stratum, histogram, recordsBefore(n, validationEnd), n)};
      boundaries.put(stratum, pair);
      for (Boundary b : pair) {
        if (b != null) {
          needed.add(b);
        }
      }
    });
    Map<Boundary, Cut> located = locate(keyed, bucket, needed);
    Map<Object, Cuts> cuts = new LinkedHashMap<>();
    histograms.forEach((stratum, histogram) -> {
      long n = histogram.values().stream().mapToLong(Long::longValue).sum();
      Boundary[] pair = boundaries.get(stratum);
      cuts.put(stratum, new Cuts(cut(pair[0], recordsBefore(n, trainEnd), located),
          cut(pair[1], recordsBefore(n, validationEnd), located)));
    });
    return cuts;
  }

  private static Cut cut(Boundary boundary, long k, Map<Boundary, Cut> located) {
    if (boundary == null) {
      return k == 0 ? Cut.NONE : Cut.ALL;
    }
    return located.get(boundary);
  }

  /** The bucket holding the {@code k}-th record of a stratum; null when the cut takes none or all. */
  private static Boundary boundary(Object stratum, TreeMap<Long, Long> histogram, long k, long n) {
    if (k == 0 || k == n) {
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

  /** Orders the records of the boundary buckets (in Spark, whose string order the cut must use). */
  private static Map<Boundary, Cut> locate(Dataset<Row> keyed, Column bucket,
      List<Boundary> boundaries) {
    if (boundaries.isEmpty()) {
      return Map.of();
    }
    Column wanted = null;
    for (Boundary b : boundaries) {
      Column one = functions.col(STRATUM).eqNullSafe(functions.lit(b.stratum()))
          .and(bucket.equalTo(b.bucket()));
      wanted = wanted == null ? one : wanted.or(one);
    }
    List<Row> ordered = keyed.where(wanted)
        .select(functions.col(STRATUM), bucket.as(BUCKET), functions.col(HASH), functions.col(ID))
        .orderBy(HASH, ID)
        .collectAsList();
    Map<Boundary, Cut> located = new LinkedHashMap<>();
    for (Boundary b : boundaries) {
      long seen = 0;
      for (Row row : ordered) {
        if (Objects.equals(row.get(0), b.stratum()) && row.getLong(1) == b.bucket()
            && ++seen == b.rank()) {
          located.put(b, new Cut(false, false, row.getLong(2), row.get(3)));
          break;
        }
      }
    }
    return located;
  }
}
