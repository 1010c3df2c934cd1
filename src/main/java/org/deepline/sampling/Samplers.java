package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * Seeded samplers of rows, as {@code Dataset -> Dataset} functions. Every random decision is a
 * function of the record's seeded hash {@code xxhash64(id, seed)} ({@link SampleKeys}), never of
 * {@code rand()} or of where a row sits, so the same seed and rows give the same sample whatever the
 * partitioning. The output rows are the input rows, unchanged and not moved (except the reservoir's,
 * which are gathered into one partition); samplers with replacement add {@value #MULTIPLICITY} and
 * importance sampling {@value #IMPORTANCE_WEIGHT}.
 *
 * <pre>{@code
 * Dataset<Row> tenth = Samplers.bernoulli(silver, "_record_id", 0.1, 42);
 * Dataset<Row> thousand = Samplers.exactly(silver, "_record_id", 1000, 42).rows();
 * }</pre>
 *
 * <p>Samplers that need statistics of the data (a size, a weight total, a stratum's histogram) run
 * their Spark jobs when called and report what they counted as {@link Sample#metrics()}; the rows
 * themselves are computed when the result is written.
 */
public final class Samplers {
  /** The most distinct values a stratum column may have: each becomes a metric and a driver row. */
  static final int MAX_STRATA = 10_000;
  /** How many times a row was drawn (with replacement); the row appears once in the output. */
  public static final String MULTIPLICITY = "_multiplicity";
  /** target / proposal of a row drawn by importance sampling: the weight a loss gives it. */
  public static final String IMPORTANCE_WEIGHT = "_importance_weight";
  private static final String HASH = "_sample_hash";
  private static final String WEIGHT = "_sample_weight";
  private static final String TARGET = "_sample_target";

  private Samplers() {}

  /** A sample's rows and the counts its passes produced ({@code rows_in}, per stratum, totals). */
  public record Sample(Dataset<Row> rows, Map<String, Double> metrics) {}

  /** The seeded hash of a row, as {@link SampleKeys#hash}. */
  static Column hash(String idColumn, long seed) {
    return functions.xxhash64(Columns.col(idColumn).cast(DataTypes.StringType), functions.lit(seed));
  }

  /** {@link SampleKeys#uniform} as a column: the same exact arithmetic. */
  static Column uniform(Column hash) {
    return functions.shiftrightunsigned(hash, Long.SIZE - SampleKeys.UNIFORM_BITS)
        .cast(DataTypes.DoubleType).multiply(SampleKeys.UNIFORM_SCALE);
  }

  /** Simple random: each row independently with probability {@code fraction}. No extra pass. */
  public static Dataset<Row> bernoulli(Dataset<Row> rows, String idColumn, double fraction,
      long seed) {
    return rows.where(uniform(hash(idColumn, seed)).lt(fraction));
  }

  /**
   * Simple random, exactly {@code n} rows: those with the {@code n} smallest (hash, id), found by
   * {@link SmallestKeys} in two passes (a histogram, the boundary bucket), no sort of the rows.
   */
  public static Sample exactly(Dataset<Row> rows, String idColumn, long n, long seed) {
    Dataset<Row> keyed = rows.select(functions.lit("").as(SmallestKeys.STRATUM),
        hash(idColumn, seed).as(SmallestKeys.KEY),
        Columns.col(idColumn).cast(DataTypes.StringType).as(SmallestKeys.ID));
    Map<String, SortedMap<Long, Long>> histograms = SmallestKeys.histograms(keyed,
        SmallestKeys.HASH_BUCKET_SHIFT);
    long size = SmallestKeys.size(histograms.get(""));
    if (n > size) {
      throw new DeeplineException("sample.n = " + n + " is larger than the table: it has " + size
          + " rows");
    }
    Map<String, SmallestKeys.Cut> cuts = SmallestKeys.cuts(keyed, histograms, Map.of("", n),
        SmallestKeys.HASH_BUCKET_SHIFT);
    Dataset<Row> kept = rows.where(cuts.get("").keeps(hash(idColumn, seed),
        Columns.col(idColumn).cast(DataTypes.StringType)));
    return new Sample(kept, Map.of("rows_in", (double) size));
  }

  /** A stratum column as text, the form of the config's keys. */
  public static Column stratumText(Column stratum) {
    return stratum.cast(DataTypes.StringType);
  }

  /**
   * Stratified by fraction: a row of stratum {@code s} is kept with probability
   * {@code fractions.get(s)}; strata not named are left out. One pass counts the strata (a stratum
   * named but absent from the data fails, naming it).
   */
  public static Sample stratifiedFractions(Dataset<Row> rows, String idColumn, Column stratum,
      String strataName, Map<String, Double> fractions, long seed) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    // One more than the limit is enough to know it is passed; a key column never reaches the driver.
    for (Row row : rows.groupBy(stratumText(stratum)).count().limit(MAX_STRATA + 1)
        .collectAsList()) {
      sizes.put(row.getString(0), row.getLong(1));
    }
    requireFewStrata(sizes, strataName);
    requireStrata(sizes, fractions.keySet(), strataName, "fractions");
    Column fraction = null;
    for (Map.Entry<String, Double> entry : fractions.entrySet()) {
      Column in = stratumText(stratum).equalTo(entry.getKey());
      fraction = fraction == null ? functions.when(in, entry.getValue())
          : fraction.when(in, entry.getValue());
    }
    Dataset<Row> kept = rows.where(uniform(hash(idColumn, seed))
        .lt(fraction.otherwise(0.0)));
    return new Sample(kept, strataMetrics(sizes));
  }

  /**
   * Stratified by count: exactly {@code counts.get(s)} rows of each named stratum (the smallest
   * (hash, id) of the stratum), in the two passes of {@link SmallestKeys}; strata not named are left
   * out. A stratum with fewer rows than asked, or none, fails naming it.
   */
  public static Sample stratifiedCounts(Dataset<Row> rows, String idColumn, Column stratum,
      String strataName, Map<String, Long> counts, long seed) {
    // Strata the config does not name are only counted: one histogram bucket each, not 2^14.
    Column named = stratumText(stratum).isin(counts.keySet().toArray());
    Dataset<Row> keyed = rows.select(stratumText(stratum).as(SmallestKeys.STRATUM),
        functions.when(named, hash(idColumn, seed)).otherwise(0L).as(SmallestKeys.KEY),
        Columns.col(idColumn).cast(DataTypes.StringType).as(SmallestKeys.ID));
    Map<String, SortedMap<Long, Long>> histograms = SmallestKeys.histograms(keyed,
        SmallestKeys.HASH_BUCKET_SHIFT);
    Map<String, Long> sizes = new LinkedHashMap<>();
    histograms.forEach((s, histogram) -> sizes.put(s, SmallestKeys.size(histogram)));
    requireFewStrata(sizes, strataName);
    requireStrata(sizes, counts.keySet(), strataName, "counts");
    counts.forEach((s, count) -> {
      if (count > sizes.get(s)) {
        throw new DeeplineException("sample.counts." + s + " = " + count + " is larger than "
            + "stratum " + strataName + " = " + s + ": it has " + sizes.get(s) + " rows");
      }
    });
    Map<String, SmallestKeys.Cut> cuts = SmallestKeys.cuts(keyed, histograms, counts,
        SmallestKeys.HASH_BUCKET_SHIFT);
    Dataset<Row> kept = rows.where(SmallestKeys.keeps(cuts, stratumText(stratum),
        hash(idColumn, seed), Columns.col(idColumn).cast(DataTypes.StringType)));
    return new Sample(kept, strataMetrics(sizes));
  }

  /** A stratum column is a category; one with more values than this is a key, not a stratum. */
  private static void requireFewStrata(Map<String, Long> sizes, String strataName) {
    if (sizes.size() > MAX_STRATA) {
      throw new DeeplineException("sample.strata_column: " + strataName + " has more than "
          + MAX_STRATA + " distinct values; stratify on a category (or a bucketed column), not a "
          + "key");
    }
  }

  private static void requireStrata(Map<String, Long> sizes, Iterable<String> named,
      String strataName, String field) {
    List<String> missing = new ArrayList<>();
    named.forEach(s -> {
      if (!sizes.containsKey(s)) {
        missing.add(s);
      }
    });
    if (!missing.isEmpty()) {
      throw new DeeplineException("sample." + field + " names strata " + missing + " that "
          + strataName + " never takes in the data; its values are " + sizes.keySet());
    }
  }

  private static Map<String, Double> strataMetrics(Map<String, Long> sizes) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows_in", (double) sizes.values().stream().mapToLong(Long::longValue).sum());
    sizes.forEach((s, size) -> metrics.put("rows_in:" + s, (double) size));
    return metrics;
  }

  /** The totals of a weight (or proposal) column, with its unusable values counted. */
  record WeightTotals(long rows, long invalid, String invalidExample, double total, long positive) {}

  /**
   * One pass over {@code weight}: the rows whose weight is null, NaN, infinite or negative (fails
   * naming how many and one record id), the sum of the weights and the rows with a positive one.
   */
  static WeightTotals weightTotals(Dataset<Row> rows, String idColumn, Column weight,
      String describe) {
    Column w = weight.cast(DataTypes.DoubleType);
    Column invalid = invalid(w);
    Row totals = rows.agg(functions.count(functions.lit(1)),
        functions.count(functions.when(invalid, 1)),
        functions.min(functions.when(invalid, Columns.col(idColumn).cast(DataTypes.StringType))),
        functions.sum(functions.when(functions.not(invalid), w)),
        functions.count(functions.when(functions.not(invalid).and(w.gt(0)), 1))).head();
    WeightTotals result = new WeightTotals(totals.getLong(0), totals.getLong(1),
        totals.isNullAt(2) ? null : totals.getString(2), totals.isNullAt(3) ? 0 : totals.getDouble(3),
        totals.getLong(4));
    requireValid(result.invalid(), result.rows(), result.invalidExample(), idColumn, describe);
    return result;
  }

  /** A weight no draw can use: null, NaN, infinite or negative. */
  private static Column invalid(Column weight) {
    return weight.isNull().or(functions.isnan(weight)).or(weight.lt(0))
        .or(weight.equalTo(Double.POSITIVE_INFINITY));
  }

  private static void requireValid(long invalid, long rows, String example, String idColumn,
      String describe) {
    if (invalid > 0) {
      throw new DeeplineException(describe + ": " + invalid + " of " + rows
          + " rows have a null, NaN, infinite or negative value (e.g. record " + idColumn + " = "
          + example + "); weights must be finite and >= 0");
    }
  }

  /**
   * Weighted without replacement, exactly {@code n} rows: Efraimidis-Spirakis, the {@code n}
   * smallest exponential clocks {@code -ln(u)/w} (the largest {@code u^(1/w)}), found by
   * {@link SmallestKeys} without a sort. A row is drawn first with probability {@code w/W} and each
   * following draw is proportional to the weights left (successive sampling), so a row's inclusion
   * probability grows with its weight but is not exactly {@code n*w/W}. Three passes: the weight
   * check, the histogram, the boundary bucket.
   */
  public static Sample weighted(Dataset<Row> rows, String idColumn, String weightColumn, long n,
      long seed) {
    Column weight = Columns.col(weightColumn).cast(DataTypes.DoubleType);
    WeightTotals totals = weightTotals(rows, idColumn, weight, "sample.weight_column "
        + weightColumn);
    if (n > totals.positive()) {
      throw new DeeplineException("sample.n = " + n + " is larger than the " + totals.positive()
          + " rows of " + totals.rows() + " with a positive " + weightColumn
          + ": without replacement a sample cannot hold more");
    }
    UserDefinedFunction clock = functions.udf(
        (UDF2<Long, Double, Long>) SampleKeys::exponentialKey, DataTypes.LongType);
    Column key = clock.apply(hash(idColumn, seed), weight);
    Dataset<Row> keyed = rows.select(functions.lit("").as(SmallestKeys.STRATUM),
        key.as(SmallestKeys.KEY),
        Columns.col(idColumn).cast(DataTypes.StringType).as(SmallestKeys.ID));
    Map<String, SortedMap<Long, Long>> histograms = SmallestKeys.histograms(keyed,
        SmallestKeys.CLOCK_BUCKET_SHIFT);
    Map<String, SmallestKeys.Cut> cuts = SmallestKeys.cuts(keyed, histograms, Map.of("", n),
        SmallestKeys.CLOCK_BUCKET_SHIFT);
    Dataset<Row> kept = rows.where(cuts.get("").keeps(key,
        Columns.col(idColumn).cast(DataTypes.StringType)));
    return new Sample(kept, Map.of("rows_in", (double) totals.rows(),
        "weight_total", totals.total()));
  }

  /**
   * Weighted with replacement: row {@code i} is drawn {@link SampleKeys#poissonCount} times with
   * mean {@code n * w_i / W}, kept once with that count as {@value #MULTIPLICITY} (rows drawn 0
   * times are left out). Exact in expectation: the expected multiplicity of every row is exactly
   * {@code n * w_i / W}, independently of the other rows and of the partitioning; the total number
   * of draws is Poisson(n), not exactly {@code n} (within about 2 * sqrt(n) of it in 95 % of
   * seeds). Two passes: the weight total, the draws.
   */
  public static Sample withReplacement(Dataset<Row> rows, String idColumn, String weightColumn,
      long n, long seed) {
    Column weight = Columns.col(weightColumn).cast(DataTypes.DoubleType);
    WeightTotals totals = weightTotals(rows, idColumn, weight, "sample.weight_column "
        + weightColumn);
    requirePositiveTotal(totals, "sample.weight_column " + weightColumn);
    Dataset<Row> drawn = draw(rows, idColumn, weight, n / totals.total(), seed);
    return new Sample(drawn, Map.of("rows_in", (double) totals.rows(),
        "weight_total", totals.total()));
  }

  private static void requirePositiveTotal(WeightTotals totals, String describe) {
    if (!(totals.total() > 0)) {
      throw new DeeplineException(describe + ": every one of the " + totals.rows()
          + " rows has weight 0; nothing can be drawn");
    }
  }

  /** Poisson draws with mean {@code scale * weight}, the rows drawn at least once. */
  private static Dataset<Row> draw(Dataset<Row> rows, String idColumn, Column weight, double scale,
      long seed) {
    UserDefinedFunction count = functions.udf(
        (UDF2<Long, Double, Integer>) (hash, w) -> SampleKeys.poissonCount(hash, scale * w),
        DataTypes.IntegerType);
    return rows.withColumn(MULTIPLICITY, count.apply(hash(idColumn, seed), weight))
        .where(functions.col(MULTIPLICITY).gt(0));
  }

  /**
   * Importance sampling: rows are drawn with replacement with the proposal distribution
   * {@code q_i = proposal_i / sum(proposal)} (Poisson draws of mean {@code n * q_i}, as
   * {@link #withReplacement}) and carry {@value #IMPORTANCE_WEIGHT} {@code = p_i / q_i}, with the
   * target {@code p_i = target_i / sum(target)} (uniform, {@code 1 / rows}, without a target), so
   * that {@code sum(multiplicity * weight * f) / n} estimates the target mean of {@code f}. Two
   * passes: the totals (both columns checked in one aggregation), the draws. A row the target weighs but the proposal
   * never draws biases the estimate: their count is reported as
   * {@code rows_target_not_proposed}.
   */
  public static Sample importance(Dataset<Row> rows, String idColumn, Column proposal,
      Column target, String proposalText, long n, long seed) {
    Column q = proposal.cast(DataTypes.DoubleType);
    Column p = target == null ? functions.lit(1.0) : target.cast(DataTypes.DoubleType);
    Dataset<Row> valued = rows.withColumn(WEIGHT, q).withColumn(TARGET, p);
    Column id = Columns.col(idColumn).cast(DataTypes.StringType);
    Column badProposal = invalid(functions.col(WEIGHT));
    Column badTarget = invalid(functions.col(TARGET));
    Row totals = valued.agg(functions.count(functions.lit(1)),
        functions.count(functions.when(badProposal, 1)),
        functions.min(functions.when(badProposal, id)),
        functions.sum(functions.when(functions.not(badProposal), functions.col(WEIGHT))),
        functions.count(functions.when(badTarget, 1)),
        functions.min(functions.when(badTarget, id)),
        functions.sum(functions.when(functions.not(badTarget), functions.col(TARGET))),
        functions.count(functions.when(functions.col(WEIGHT).equalTo(0)
            .and(functions.col(TARGET).gt(0)), 1))).head();
    long rowsIn = totals.getLong(0);
    String proposalName = "sample.proposal `" + proposalText + "`";
    requireValid(totals.getLong(1), rowsIn, totals.getString(2), idColumn, proposalName);
    double proposalTotal = totals.isNullAt(3) ? 0 : totals.getDouble(3);
    if (!(proposalTotal > 0)) {
      throw new DeeplineException(proposalName + ": every one of the " + rowsIn
          + " rows has proposal 0; nothing can be drawn");
    }
    requireValid(totals.getLong(4), rowsIn, totals.getString(5), idColumn, "sample.target");
    double targetTotal = totals.isNullAt(6) ? 0 : totals.getDouble(6);
    if (!(targetTotal > 0)) {
      throw new DeeplineException("sample.target: every row has target 0; nothing to estimate");
    }
    Column weight = functions.col(TARGET).divide(targetTotal)
        .divide(functions.col(WEIGHT).divide(proposalTotal));
    Dataset<Row> drawn = draw(valued, idColumn, functions.col(WEIGHT), n / proposalTotal, seed)
        .withColumn(IMPORTANCE_WEIGHT, weight).drop(WEIGHT, TARGET);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("rows_in", (double) rowsIn);
    metrics.put("proposal_total", proposalTotal);
    metrics.put("rows_target_not_proposed", (double) totals.getLong(7));
    return new Sample(drawn, metrics);
  }

  /**
   * Distributed reservoir sampling: exactly {@code k} rows, uniformly, in one pass over the data.
   * Each partition keeps a {@link Reservoir} of its {@code k} rows with the smallest (hash, id);
   * the at most {@code k} rows of each partition go to one task, which keeps the {@code k} smallest
   * of them: the reservoir of the whole data (the {@code k} smallest of a union are among the
   * {@code k} smallest of each part). The same rows as {@link #exactly} with the same seed; it
   * moves up to {@code k} rows per partition instead of reading the data three times. The result is
   * persisted and counted (the one pass), so fewer rows than {@code k} fail before anything is
   * written; call {@code unpersist()} on it when done. {@code rows_in} is counted by the scan (an
   * accumulator: a retried task would count its partition twice).
   */
  public static Sample reservoir(Dataset<Row> rows, String idColumn, int k, long seed) {
    Dataset<Row> keyed = rows.withColumn(HASH, hash(idColumn, seed));
    StructType schema = keyed.schema();
    int keyIndex = schema.fieldIndex(HASH);
    int idIndex = schema.fieldIndex(idColumn);
    LongAccumulator scanned = rows.sparkSession().sparkContext().longAccumulator("rows_in");
    MapPartitionsFunction<Row, Row> perPartition = partition -> smallest(partition, k, keyIndex,
        idIndex, scanned);
    MapPartitionsFunction<Row, Row> merge = partition -> smallest(partition, k, keyIndex, idIndex,
        null);
    Dataset<Row> merged = keyed.mapPartitions(perPartition, Encoders.row(schema))
        .repartition(1)
        .mapPartitions(merge, Encoders.row(schema))
        .drop(HASH)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long size = merged.count();
    if (size < k) {
      merged.unpersist();
      throw new DeeplineException("sample.n = " + k + " (the reservoir's k) is larger than the "
          + "table: it has " + size + " rows");
    }
    return new Sample(merged, Map.of("rows_in", (double) scanned.value()));
  }

  /** A partition's reservoir; {@code scanned} (when given) counts the rows it saw. */
  private static Iterator<Row> smallest(Iterator<Row> partition, int k, int keyIndex, int idIndex,
      LongAccumulator scanned) {
    Reservoir<Row> reservoir = new Reservoir<>(k);
    long seen = 0;
    while (partition.hasNext()) {
      Row row = partition.next();
      reservoir.offer(row.getLong(keyIndex), String.valueOf(row.get(idIndex)), row);
      seen++;
    }
    if (scanned != null) {
      scanned.add(seen);
    }
    return reservoir.items().iterator();
  }
}
