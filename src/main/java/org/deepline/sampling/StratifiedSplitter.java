package org.deepline.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongFunction;
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
 *
 * <p>Folds ({@code split.folds}, column {@value Folds#FOLD}): stratified, each stratum's training
 * records in the same (hash, id) order are cut into k runs whose sizes differ by at most one, their
 * starts located by the same two jobs as the split's cuts; unstratified, by the hash position
 * ({@link Folds#ofPosition}).
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

  /**
   * {@code rows} with a {@value #SPLIT} column and a {@value Folds#FOLD} column (null unless
   * {@code config.folds()} is set, then the training records' fold).
   *
   * <pre>{@code
   * Dataset<Row> split = StratifiedSplitter.assign(rows, "_record_id", functions.col("label"),
   *     SplitConfig.defaults());
   * }</pre>
   */
  public static Dataset<Row> assign(Dataset<Row> rows, String idColumn, Column stratum,
      SplitConfig config) {
    Column hash = functions.xxhash64(functions.col(idColumn), functions.lit(config.seed()));
    double trainEnd = config.train();
    double validationEnd = config.train() + config.validation();
    Integer folds = config.folds();
    if (!config.stratify()) {
      Column position = functions.pmod(hash, functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
      Column isTrain = position.lt(trainEnd);
      return rows.withColumn(SPLIT, functions.when(isTrain, TRAIN)
          .when(position.lt(validationEnd), VALIDATION)
          .otherwise(TEST))
          .withColumn(Folds.FOLD, folds == null ? Folds.none()
              : functions.when(isTrain, Folds.ofPositionColumn(position, trainEnd, folds)));
    }
    Dataset<Row> keyed = rows.select(stratum.as(STRATUM), hash.as(HASH),
        functions.col(idColumn).as(ID));
    // Per stratum of n records: the train cut, the validation cut, then the start of folds 1..k-1
    // among the train records (the first ranks in (hash, id) order).
    Map<Object, Cut[]> cuts = cutPoints(keyed, n -> {
      long trainRecords = recordsBefore(n, trainEnd);
      long[] ranks = new long[2 + (folds == null ? 0 : folds - 1)];
      ranks[0] = trainRecords;
      ranks[1] = recordsBefore(n, validationEnd);
      if (folds != null) {
        long[] starts = Folds.starts(trainRecords, folds);
        System.arraycopy(starts, 1, ranks, 2, folds - 1);
      }
      return ranks;
    });
    Column id = functions.col(idColumn);
    Column split = null;
    Column fold = null;
    for (Map.Entry<Object, Cut[]> entry : cuts.entrySet()) {
      Cut[] c = entry.getValue();
      Column within = functions.when(c[0].covers(hash, id), TRAIN)
          .when(c[1].covers(hash, id), VALIDATION)
          .otherwise(TEST);
      Column inStratum = stratum.eqNullSafe(functions.lit(entry.getKey()));
      split = split == null ? functions.when(inStratum, within) : split.when(inStratum, within);
      if (folds != null) {
        // The first fold start that does not cover a record names its fold; train records only.
        Column foldWithin = null;
        for (int j = 1; j < folds; j++) {
          Column before = c[1 + j].covers(hash, id);
          foldWithin = foldWithin == null ? functions.when(before, j - 1)
              : foldWithin.when(before, j - 1);
        }
        foldWithin = foldWithin.otherwise(folds - 1);
        Column inTrain = inStratum.and(c[0].covers(hash, id));
        fold = fold == null ? functions.when(inTrain, foldWithin) : fold.when(inTrain, foldWithin);
      }
    }
    return rows.withColumn(SPLIT, split == null ? functions.lit(TEST) : split)
        .withColumn(Folds.FOLD, fold == null ? Folds.none() : fold);
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

  /**
   * Per stratum, one {@link Cut} per rank {@code ranksOf(n)} returns for its {@code n} records: two
   * jobs in all, whatever the number of ranks (a histogram, then one read of the boundary buckets).
   */
  private static Map<Object, Cut[]> cutPoints(Dataset<Row> keyed,
      LongFunction<long[]> ranksOf) {
    Column bucket = functions.shiftright(functions.col(HASH), Long.SIZE - BUCKET_BITS);
    Map<Object, TreeMap<Long, Long>> histograms = new LinkedHashMap<>();
    for (Row row : keyed.groupBy(functions.col(STRATUM), bucket.as(BUCKET)).count().collectAsList()) {
      histograms.computeIfAbsent(row.get(0), k -> new TreeMap<>()).put(row.getLong(1), row.getLong(2));
    }
    if (histograms.size() > MAX_STRATA) {
      throw new DeeplineException("split: " + histograms.size() + " strata; stratify on a label "
          + "with at most " + MAX_STRATA + " values");
    }
    Map<Object, long[]> ranks = new LinkedHashMap<>();
    Map<Object, Boundary[]> boundaries = new LinkedHashMap<>();
    List<Boundary> needed = new ArrayList<>();
    histograms.forEach((stratum, histogram) -> {
      long n = histogram.values().stream().mapToLong(Long::longValue).sum();
      long[] wanted = ranksOf.apply(n);
      Boundary[] found = new Boundary[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        found[i] = boundary(stratum, histogram, wanted[i], n);
        if (found[i] != null) {
          needed.add(found[i]);
        }
      }
      ranks.put(stratum, wanted);
      boundaries.put(stratum, found);
    });
    Map<Boundary, Cut> located = locate(keyed, bucket, needed);
    Map<Object, Cut[]> cuts = new LinkedHashMap<>();
    histograms.forEach((stratum, histogram) -> {
      long[] wanted = ranks.get(stratum);
      Boundary[] found = boundaries.get(stratum);
      Cut[] stratumCuts = new Cut[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        stratumCuts[i] = cut(found[i], wanted[i], located);
      }
      cuts.put(stratum, stratumCuts);
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
