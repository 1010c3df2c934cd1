package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.sampling.SmallestKeys.Keyed;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark samplers pick exactly the rows the pure per-row functions pick, on 1 partition and on 7,
 * and refuse bad data naming what is wrong. Kept to one small frame; the statistics are checked
 * without Spark in {@link SamplerPropertiesTest}.
 */
class SamplersSparkTest {
  private static final String ID = RecordIds.RECORD_ID;
  private static final int ROWS = 300;
  private static final long SEED = 11;
  private static final StructType SCHEMA = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add("segment", DataTypes.StringType, true)
      .add("w", DataTypes.DoubleType, true)
      .add("q", DataTypes.DoubleType, true);

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create("r" + i, i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c",
          (double) (i % 5), 1.0 + i % 4));
    }
    return rows;
  }

  private static Dataset<Row> frame(List<Row> rows, int partitions) {
    // Checkpointed: every sampler's jobs start from the partitions, not from a new shuffle.
    return SparkTestSession.get().createDataFrame(rows, SCHEMA).repartition(partitions)
        .localCheckpoint();
  }

  private static Map<String, Object> byId(Dataset<Row> sample, String column) {
    Map<String, Object> out = new HashMap<>();
    sample.select(ID, column).collectAsList().forEach(r -> out.put(r.getString(0), r.get(1)));
    return out;
  }

  private static Set<String> ids(Dataset<Row> sample) {
    return sample.select(ID).collectAsList().stream().map(r -> r.getString(0))
        .collect(Collectors.toSet());
  }

  /**
   * The Spark result of the samplers that combine rows (histograms, cuts, merged reservoirs): the
   * ones whose answer could depend on how rows are partitioned.
   */
  private static Map<String, Object> combiningSamples(Dataset<Row> data) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exactly", ids(Samplers.exactly(data, ID, 37, SEED).rows()));
    out.put("stratified_counts", ids(Samplers.stratifiedCounts(data, ID, functions.col("segment"),
        "segment", Map.of("a", 10L, "c", 25L), SEED).rows()));
    out.put("weighted", ids(Samplers.weighted(data, ID, "w", 40, SEED).rows()));
    Dataset<Row> reservoir = Samplers.reservoir(data, ID, 37, SEED).rows();
    out.put("reservoir", ids(reservoir));
    reservoir.unpersist();
    return out;
  }

  /**
   * Every sampler's Spark result, as comparable values. The row-by-row ones (Bernoulli, Poisson
   * draws) are a filter on a function of each row alone, the same on any partitioning.
   */
  private static Map<String, Object> sparkSamples(Dataset<Row> data) {
    Map<String, Object> out = combiningSamples(data);
    out.put("bernoulli", ids(Samplers.bernoulli(data, ID, 0.3, SEED)));
    out.put("stratified_fractions", ids(Samplers.stratifiedFractions(data, ID,
        functions.col("segment"), "segment", Map.of("a", 0.5, "b", 0.1), SEED).rows()));
    out.put("with_replacement", byId(Samplers.withReplacement(data, ID, "w", 60, SEED).rows(),
        Samplers.MULTIPLICITY));
    Dataset<Row> importance = Samplers.importance(data, ID, functions.col("q"), null, "q", 50, SEED)
        .rows();
    out.put("importance", byId(importance, Samplers.MULTIPLICITY));
    out.put("importance_weight", byId(importance, Samplers.IMPORTANCE_WEIGHT));
    return out;
  }

  /** The same samples from the pure functions, on the same rows. */
  private static Map<String, Object> pureSamples(List<Row> rows) {
    Function<Row, Long> hash = r -> SampleKeys.hash(r.getString(0), SEED);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bernoulli", rows.stream().filter(r -> SampleKeys.uniform(hash.apply(r)) < 0.3)
        .map(r -> r.getString(0)).collect(Collectors.toSet()));
    List<Keyed> uniform = rows.stream().map(r -> new Keyed("", hash.apply(r), r.getString(0)))
        .toList();
    out.put("exactly", SmallestKeys.select(uniform, Map.of("", 37L),
        SmallestKeys.HASH_BUCKET_SHIFT));
    out.put("stratified_counts", SmallestKeys.select(rows.stream()
        .map(r -> new Keyed(r.getString(1), hash.apply(r), r.getString(0))).toList(),
        Map.of("a", 10L, "c", 25L), SmallestKeys.HASH_BUCKET_SHIFT));
    Map<String, Double> fractions = Map.of("a", 0.5, "b", 0.1);
    out.put("stratified_fractions", rows.stream().filter(r -> SampleKeys.uniform(hash.apply(r))
        < fractions.getOrDefault(r.getString(1), 0.0)).map(r -> r.getString(0))
        .collect(Collectors.toSet()));
    out.put("weighted", SmallestKeys.select(rows.stream().map(r -> new Keyed("",
        SampleKeys.exponentialKey(hash.apply(r), r.getDouble(2)), r.getString(0))).toList(),
        Map.of("", 40L), SmallestKeys.CLOCK_BUCKET_SHIFT));
    double weightTotal = rows.stream().mapToDouble(r -> r.getDouble(2)).sum();
    out.put("with_replacement", multiplicities(rows, hash, 2, 60 / weightTotal));
    Reservoir<String> reservoir = new Reservoir<>(37);
    rows.forEach(r -> reservoir.offer(hash.apply(r), r.getString(0), r.getString(0)));
    out.put("reservoir", Set.copyOf(reservoir.items()));
    double proposalTotal = rows.stream().mapToDouble(r -> r.getDouble(3)).sum();
    Map<String, Object> drawn = multiplicities(rows, hash, 3, 50 / proposalTotal);
    out.put("importance", drawn);
    Map<String, Object> weights = new HashMap<>();
    rows.stream().filter(r -> drawn.containsKey(r.getString(0))).forEach(r -> weights.put(
        r.getString(0), (1.0 / ROWS) / (r.getDouble(3) / proposalTotal)));
    out.put("importance_weight", weights);
    return out;
  }

  private static Map<String, Object> multiplicities(List<Row> rows, Function<Row, Long> hash,
      int weightColumn, double scale) {
    Map<String, Object> out = new HashMap<>();
    for (Row r : rows) {
      int m = SampleKeys.poissonCount(hash.apply(r), scale * r.getDouble(weightColumn));
      if (m > 0) {
        out.put(r.getString(0), m);
      }
    }
    return out;
  }

  @Test
  void sparkPicksThePureFunctionsRowsOnOneAndOnSevenPartitions() {
    List<Row> rows = rows();
    Map<String, Object> pure = pureSamples(rows);
    Map<String, Object> onOne = combiningSamples(frame(rows, 1));
    Map<String, Object> onSeven = sparkSamples(frame(rows, 7));
    pure.forEach((sampler, expected) -> {
      if (sampler.equals("importance_weight")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) onSeven.get(sampler);
        assertEquals(((Map<?, ?>) expected).keySet(), got.keySet());
        ((Map<?, ?>) expected).forEach((id, w) -> assertEquals((Double) w, (Double) got.get(id),
            1e-12, "importance weight of " + id));
      } else {
        assertEquals(expected, onSeven.get(sampler), sampler + " on 7 partitions");
      }
    });
    onOne.forEach((sampler, got) -> assertEquals(pure.get(sampler), got, sampler
        + " on 1 partition"));
    assertEquals(37, ((Set<?>) pure.get("exactly")).size());
    assertEquals(pure.get("exactly"), pure.get("reservoir"));
    assertEquals(40, ((Set<?>) pure.get("weighted")).size());
  }

  @Test
  void badDataIsRefusedNamingWhatIsWrong() {
    List<Row> rows = new ArrayList<>(rows());
    Dataset<Row> data = frame(rows, 2);
    String tooMany = assertThrows(DeeplineException.class,
        () -> Samplers.reservoir(data, ID, ROWS + 1, SEED)).getMessage();
    assertTrue(tooMany.contains("sample.n = 301 (the reservoir's k) is larger than the table: it "
        + "has 300 rows"), tooMany);
    String exact = assertThrows(DeeplineException.class,
        () -> Samplers.exactly(data, ID, ROWS + 5, SEED)).getMessage();
    assertTrue(exact.contains("sample.n = 305 is larger than the table: it has 300 rows"), exact);
    String missing = assertThrows(DeeplineException.class, () -> Samplers.stratifiedFractions(data,
        ID, functions.col("segment"), "segment", Map.of("a", 0.5, "z", 0.5), SEED)).getMessage();
    assertTrue(missing.contains("sample.fractions names strata [z] that segment never takes"),
        missing);
    String bigStratum = assertThrows(DeeplineException.class, () -> Samplers.stratifiedCounts(data,
        ID, functions.col("segment"), "segment", Map.of("b", 101L), SEED)).getMessage();
    assertTrue(bigStratum.contains("sample.counts.b = 101 is larger than stratum segment = b: it "
        + "has 100 rows"), bigStratum);
    String positive = assertThrows(DeeplineException.class,
        () -> Samplers.weighted(data, ID, "w", 250, SEED)).getMessage();
    assertTrue(positive.contains("sample.n = 250 is larger than the 240 rows of 300 with a "
        + "positive w"), positive);

    Dataset<Row> keys = SparkTestSession.get().range(Samplers.MAX_STRATA + 1)
        .select(functions.concat(functions.lit("r"), functions.col("id")).as(ID));
    String key = assertThrows(DeeplineException.class, () -> Samplers.stratifiedFractions(keys,
        ID, functions.col(ID), ID, Map.of("r1", 0.5), SEED)).getMessage();
    assertTrue(key.contains("sample.strata_column: _record_id has more than 10000 distinct values"),
        key);
    String keyCounts = assertThrows(DeeplineException.class, () -> Samplers.stratifiedCounts(keys,
        ID, functions.col(ID), ID, Map.of("r1", 1L), SEED)).getMessage();
    assertTrue(keyCounts.contains("_record_id has more than 10000 distinct values"), keyCounts);

    rows.set(7, RowFactory.create("r7", "b", -1.0, 1.0));
    rows.set(8, RowFactory.create("r8", "c", null, 1.0));
    rows.set(9, RowFactory.create("r9", "a", Double.NaN, 0.0));
    Dataset<Row> bad = frame(rows, 2);
    String weights = assertThrows(DeeplineException.class,
        () -> Samplers.withReplacement(bad, ID, "w", 10, SEED)).getMessage();
    assertTrue(weights.contains("sample.weight_column w: 3 of 300 rows have a null, NaN, infinite "
        + "or negative value (e.g. record _record_id = r7)"), weights);
    String proposal = assertThrows(DeeplineException.class, () -> Samplers.importance(bad, ID,
        functions.col("q").minus(1), null, "q - 1", 10, SEED)).getMessage();
    assertTrue(proposal.contains("sample.proposal `q - 1`: 1 of 300 rows have a null, NaN, "
        + "infinite or negative value (e.g. record _record_id = r9)"), proposal);
  }

  @Test
  void sampleCommandWritesTheDatesSampleWithItsMetrics(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 0, false, "sample.method=stratified",
        "sample.strata_column=segment", "sample.counts={\"a\": 5, \"c\": 8}");
    Dataset<Row> silver = SparkTestSession.get().createDataFrame(rows(), SCHEMA).drop("q");
    DeltaTables.replaceRunDate(silver, context.table(Table.SILVER), context.runDate());

    StageResult result = new SampleJob().run(context);

    assertEquals(300, result.metric("rows_in"));
    assertEquals(13, result.metric("rows_out"));
    assertEquals(100, result.metric("rows_in:b"));
    assertEquals(5, result.metric("rows_out:a"));
    assertEquals(8, result.metric("rows_out:c"));
    Dataset<Row> written = DeltaTables.read(context.spark(), context.table(Table.SAMPLE));
    assertEquals(13, written.count());
    assertEquals(List.of(ID, "segment", "w", DeltaTables.RUN_DATE),
        List.of(written.columns()));
  }
}
