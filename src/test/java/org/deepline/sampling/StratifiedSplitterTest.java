package org.deepline.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** Property tests: the splitter's guarantees must hold for any size, class balance and seed. */
class StratifiedSplitterTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("label", DataTypes.DoubleType, false);
  private static final int CASES = 6;

  private static Dataset<Row> records(int rows, double positiveRate, Random random) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(RowFactory.create("r" + i + "-" + random.nextInt(1000),
          random.nextDouble() < positiveRate ? 1.0 : 0.0));
    }
    return SparkTestSession.get().createDataFrame(out, SCHEMA);
  }

  private static Map<String, String> assignment(Dataset<Row> split) {
    Map<String, String> byId = new HashMap<>();
    split.collectAsList().forEach(r -> byId.put(r.getString(0), r.getAs(StratifiedSplitter.SPLIT)));
    return byId;
  }

  /**
   * Per stratum, train and validation hold their fraction of the stratum's records to within one
   * record (the stated tolerance), for random sizes, class balances, fractions and seeds.
   */
  @Test
  void everyStratumIsCutAtTheConfiguredFractionsToWithinOneRecord() {
    Random random = new Random(1);
    for (int c = 0; c < CASES; c++) {
      int rows = 50 + random.nextInt(2000);
      double positiveRate = 0.02 + 0.5 * random.nextDouble();
      double train = 0.5 + 0.3 * random.nextDouble();
      double validation = (1 - train) / 2;
      SplitConfig config = new SplitConfig((long) random.nextInt(), train, validation,
          1 - train - validation, true, null, null, null, null, null, null, null);
      Dataset<Row> split = StratifiedSplitter.assign(records(rows, positiveRate, random), "id",
          functions.col("label"), config);

      // One job per case: the counts of every (stratum, split) pair.
      Map<Double, Map<String, Long>> counts = new HashMap<>();
      split.groupBy(functions.col("label"), functions.col(StratifiedSplitter.SPLIT)).count()
          .collectAsList().forEach(r -> counts.computeIfAbsent(r.getDouble(0), k -> new HashMap<>())
              .put(r.getString(1), r.getLong(2)));
      counts.forEach((label, bySplit) -> {
        long size = bySplit.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(size * train, bySplit.getOrDefault("train", 0L), 1.0,
            "case " + label + ": " + bySplit);
        assertEquals(size * validation, bySplit.getOrDefault("validation", 0L), 1.0,
            "label " + label + ": " + bySplit);
      });
    }
  }

  /**
   * The reference: rank every stratum by (hash, id) and cut the ranks at the fractions, the window
   * computation the splitter replaced. The splitter must give exactly its answer.
   */
  private static Map<String, String> ranked(Dataset<Row> rows, SplitConfig config) {
    org.apache.spark.sql.Column hash = functions.xxhash64(functions.col("id"),
        functions.lit(config.seed()));
    org.apache.spark.sql.Column position = functions.row_number()
        .over(Window.partitionBy("label").orderBy(hash, functions.col("id")))
        .minus(1)
        .divide(functions.count(functions.lit(1)).over(Window.partitionBy("label")));
    return assignment(rows.withColumn(StratifiedSplitter.SPLIT,
        functions.when(position.lt(config.train()), "train")
            .when(position.lt(config.train() + config.validation()), "validation")
            .otherwise("test")));
  }

  @Test
  void splitIsExactlyTheCutOfEachStratumRankedByHash() {
    Random random = new Random(5);
    for (int c = 0; c < CASES; c++) {
      int rows = 1 + random.nextInt(3000);
      double train = 0.05 + 0.9 * random.nextDouble();
      double validation = (1 - train) * random.nextDouble();
      SplitConfig config = new SplitConfig((long) random.nextInt(), train, validation,
          1 - train - validation, true, null, null, null, null, null, null, null);
      Dataset<Row> data = records(rows, random.nextDouble(), random);
      assertEquals(ranked(data, config), assignment(StratifiedSplitter.assign(data, "id",
          functions.col("label"), config)), "case " + c + ": " + rows + " rows");
    }
  }

  @Test
  void splitMovesNoRowAndKeepsClassesMixed() {
    // Checkpointed, so that the input's own plan has no exchange: any in the output is the splitter's.
    Dataset<Row> data = records(2000, 0.3, new Random(6)).repartition(4).localCheckpoint();
    Dataset<Row> split = StratifiedSplitter.assign(data, "id", functions.col("label"),
        SplitConfig.defaults());

    String plan = split.queryExecution().executedPlan().toString();
    assertTrue(!plan.contains("Exchange") && !plan.contains("Window"), plan);
    List<Row> partitions = split.withColumn("partition", functions.spark_partition_id())
        .groupBy("partition").agg(functions.countDistinct("label").as("classes"))
        .collectAsList();
    assertEquals(4, partitions.size());
    partitions.forEach(p -> assertEquals(2L, p.getLong(1), "partition " + p));
  }

  @Test
  void sameSeedGivesTheSameSplitWhateverThePartitioning() {
    Dataset<Row> data = records(500, 0.3, new Random(2));
    SplitConfig config = SplitConfig.defaults();
    Map<String, String> onOne = assignment(StratifiedSplitter.assign(data.repartition(1), "id",
        functions.col("label"), config));
    Map<String, String> onSeven = assignment(StratifiedSplitter.assign(data.repartition(7), "id",
        functions.col("label"), config));
    assertEquals(onOne, onSeven);
  }

  @Test
  void anotherSeedGivesAnotherSplit() {
    Dataset<Row> data = records(500, 0.3, new Random(3));
    Map<String, String> a = assignment(StratifiedSplitter.assign(data, "id", functions.col("label"),
        new SplitConfig(1L, null, null, null, true, null, null, null, null, null, null, null)));
    Map<String, String> b = assignment(StratifiedSplitter.assign(data, "id", functions.col("label"),
        new SplitConfig(2L, null, null, null, true, null, null, null, null, null, null, null)));
    assertNotEquals(a, b);
    assertEquals(a.keySet(), b.keySet());
  }

  @Test
  void unstratifiedSplitKeepsEachRecordsSplitWhenNewRecordsArrive() {
    Random random = new Random(4);
    Dataset<Row> first = records(2000, 0.3, random);
    Dataset<Row> more = first.union(records(500, 0.3, random));
    SplitConfig config = new SplitConfig(9L, null, null, null, false, null, null, null, null, null,
        null, null);
    Map<String, String> before = assignment(StratifiedSplitter.assign(first, "id",
        functions.col("label"), config));
    Map<String, String> after = assignment(StratifiedSplitter.assign(more, "id",
        functions.col("label"), config));
    before.forEach((id, split) -> assertEquals(split, after.get(id), id));
    long train = before.values().stream().filter("train"::equals).count();
    // Binomial(2000, 0.7): 4 standard deviations is about 82 records.
    assertTrue(Math.abs(train - 1400) < 82, "train " + train);
  }
}
