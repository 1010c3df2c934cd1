package org.deepline.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.featurestore.PointInTimeJoin.FeatureSource;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class PointInTimeJoinTest {
  private static final StructType LABELS = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("seed", DataTypes.IntegerType, true)
      .add("entity", DataTypes.StringType, true)
      .add("label_time", DataTypes.TimestampType, true);
  /** Table A: keyed by (seed, entity), timestamps, two features with nulls. */
  private static final StructType TABLE_A = new StructType()
      .add("seed", DataTypes.IntegerType, true)
      .add("entity", DataTypes.StringType, true)
      .add("event_time", DataTypes.TimestampType, true)
      .add("a_value", DataTypes.DoubleType, true)
      .add("a_count", DataTypes.IntegerType, true);
  /** Table B: keyed by one differently named column, dates as event times. */
  private static final StructType TABLE_B = new StructType()
      .add("key", DataTypes.StringType, true)
      .add("day", DataTypes.DateType, true)
      .add("b_value", DataTypes.DoubleType, true);
  private static final LocalDateTime BASE = LocalDateTime.of(2026, 1, 1, 0, 0);
  private static final int[] SEEDS = {1, 2, 3, 4, 5};
  private static final int LABELS_PER_SEED = 60;
  private static final int A_ROWS_PER_SEED = 60;
  private static final int B_ROWS_PER_SEED = 15;
  /** e0..e4 have feature rows; e5 and e6 appear only among the labels (missing entities). */
  private static final int FEATURED_ENTITIES = 5;
  private static final int LABEL_ENTITIES = 7;
  /** Hours and days are drawn from few values, so equal times (ties) are frequent. */
  private static final int HOURS = 72;
  private static final int DAYS = 4;
  private static final double NULL_RATE = 0.15;
  private static final Duration TTL_A = Duration.ofHours(12);
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private static Timestamp hour(int h) {
    return Timestamp.valueOf(BASE.plusHours(h));
  }

  private static <T> T orNull(Random random, T value) {
    return random.nextDouble() < NULL_RATE ? null : value;
  }

  private record Fixture(Dataset<Row> labels, Dataset<Row> tableA, Dataset<Row> tableB) {}

  /** Random labels and feature rows of every seed in one frame each: one Spark job checks them all. */
  private static Fixture randomFixture() {
    SparkSession spark = SparkTestSession.get();
    List<Row> labels = new ArrayList<>();
    List<Row> tableA = new ArrayList<>();
    List<Row> tableB = new ArrayList<>();
    int id = 0;
    for (int seed : SEEDS) {
      Random random = new Random(seed);
      for (int i = 0; i < LABELS_PER_SEED; i++) {
        labels.add(RowFactory.create(id++, seed,
            orNull(random, "e" + random.nextInt(LABEL_ENTITIES)),
            orNull(random, hour(random.nextInt(HOURS)))));
      }
      for (int i = 0; i < A_ROWS_PER_SEED; i++) {
        tableA.add(RowFactory.create(seed, orNull(random, "e" + random.nextInt(FEATURED_ENTITIES)),
            orNull(random, hour(random.nextInt(HOURS))),
            orNull(random, (double) random.nextInt(4)), orNull(random, random.nextInt(3))));
      }
      for (int i = 0; i < B_ROWS_PER_SEED; i++) {
        tableB.add(RowFactory.create(orNull(random, "e" + random.nextInt(FEATURED_ENTITIES)),
            orNull(random, Date.valueOf(LocalDate.from(BASE).plusDays(random.nextInt(DAYS)))),
            orNull(random, random.nextDouble())));
      }
    }
    return new Fixture(spark.createDataFrame(labels, LABELS), spark.createDataFrame(tableA, TABLE_A),
        spark.createDataFrame(tableB, TABLE_B));
  }

  private static List<FeatureSource> sources(Fixture fixture) {
    return List.of(
        FeatureSource.of("a", fixture.tableA(), List.of("seed", "entity"), "event_time")
            .withTtl(TTL_A),
        FeatureSource.of("b", fixture.tableB(), List.of("key"), "day").joinedOn(List.of("entity")));
  }

  /**
   * The brute-force reference: every label row joined with every feature row of its entity, those
   * later than the label (or older than the TTL) dropped, the greatest (event time, values) kept.
   */
  private static final String BRUTE_FORCE = String.join("\n",
      "WITH a_best AS (",
      "  SELECT l.id, max(struct(a.event_time AS t, a.a_value, a.a_count)) AS m",
      "  FROM labels l JOIN table_a a ON l.seed = a.seed AND l.entity = a.entity",
      "  WHERE a.event_time <= l.label_time",
      "    AND unix_micros(l.label_time) - unix_micros(a.event_time) <= "
          + TTL_A.toSeconds() * MICROS_PER_SECOND + "L",
      "  GROUP BY l.id),",
      "b_best AS (",
      "  SELECT l.id, max(struct(cast(b.day AS timestamp) AS t, b.b_value)) AS m",
      "  FROM labels l JOIN table_b b ON l.entity = b.key",
      "  WHERE cast(b.day AS timestamp) <= l.label_time",
      "  GROUP BY l.id)",
      "SELECT l.*, a_best.m.a_value, a_best.m.a_count, a_best.m.t AS a_event_time,",
      "  b_best.m.b_value, b_best.m.t AS b_event_time",
      "FROM labels l LEFT JOIN a_best ON l.id = a_best.id LEFT JOIN b_best ON l.id = b_best.id");

  private static List<String> sortedById(Dataset<Row> rows) {
    return rows.orderBy("id").collectAsList().stream().map(Row::toString)
        .collect(Collectors.toList());
  }

  @Test
  void equalsTheBruteForceJoinOnRandomDataOfSeveralSeeds() {
    Fixture fixture = randomFixture();
    fixture.labels().createOrReplaceTempView("labels");
    fixture.tableA().createOrReplaceTempView("table_a");
    fixture.tableB().createOrReplaceTempView("table_b");
    Dataset<Row> joined = PointInTimeJoin.join(fixture.labels(), "label_time", sources(fixture));
    List<String> expected = sortedById(SparkTestSession.get().sql(BRUTE_FORCE));
    List<Row> rows = joined.collectAsList();
    List<String> actual = rows.stream().sorted(java.util.Comparator.comparingInt(r -> r.getInt(0)))
        .map(Row::toString).toList();

    assertEquals(List.of("id", "seed", "entity", "label_time", "a_value", "a_count",
        "a_event_time", "b_value", "b_event_time"), List.of(joined.columns()));
    assertEquals(SEEDS.length * LABELS_PER_SEED, actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), "label row " + i);
    }
    // The fixture exercises what it claims: matches, misses, TTL expiry and null latest values.
    assertTrue(rows.stream().filter(r -> r.getAs("a_event_time") != null).count() > 20);
    assertTrue(rows.stream().filter(r -> r.getAs("a_event_time") == null
        && r.getAs("entity") != null && r.<String>getAs("entity").compareTo("e5") < 0
        && r.getAs("label_time") != null).count() > 5, "TTL-expired or too-early labels");
    assertTrue(rows.stream().filter(r -> r.getAs("a_event_time") != null
        && r.getAs("a_value") == null).count() > 0, "a latest feature row with a null value");
  }

  /**
   * Inline: a feature row stamped exactly at the label time counts; the one after does not; a null in
   * the latest row stays null (not filled from the older row); the TTL drops a row 2 h old.
   */
  @Test
  void takesTheLatestRowAtOrBeforeTheLabelTimeWithinTheTtl() {
    SparkSession spark = SparkTestSession.get();
    StructType labelSchema = new StructType().add("id", DataTypes.IntegerType)
        .add("entity", DataTypes.StringType).add("label_time", DataTypes.TimestampType);
    StructType featureSchema = new StructType().add("entity", DataTypes.StringType)
        .add("event_time", DataTypes.TimestampType).add("value", DataTypes.DoubleType);
    Dataset<Row> labels = spark.createDataFrame(List.of(
        RowFactory.create(1, "x", hour(10)),
        RowFactory.create(2, "x", hour(12)),
        RowFactory.create(3, "y", hour(10)),
        RowFactory.create(4, "z", hour(10))), labelSchema);
    Dataset<Row> features = spark.createDataFrame(List.of(
        RowFactory.create("x", hour(9), 1.0),
        RowFactory.create("x", hour(10), null),
        RowFactory.create("x", hour(11), 3.0),
        RowFactory.create("y", hour(8), 4.0)), featureSchema);

    Dataset<Row> joined = PointInTimeJoin.join(labels, "label_time", List.of(
        FeatureSource.of("f", features, List.of("entity"), "event_time")
            .withTtl(Duration.ofMinutes(90))));

    assertEquals(List.of(
        "[1,x," + hour(10) + ",null," + hour(10) + "]",
        "[2,x," + hour(12) + ",3.0," + hour(11) + "]",
        "[3,y," + hour(10) + ",null,null]",
        "[4,z," + hour(10) + ",null,null]"), sortedById(joined));
  }

  /** One shuffle per feature table and no join at all: the plan the Javadoc describes. */
  @Test
  void plansOneExchangePerFeatureTableAndNoJoin() {
    Fixture fixture = randomFixture();
    String plan = PointInTimeJoin.join(fixture.labels(), "label_time", sources(fixture))
        .queryExecution().executedPlan().toString();
    assertEquals(2, plan.split("Exchange hashpartitioning", -1).length - 1, plan);
    for (String join : List.of("CartesianProduct", "NestedLoopJoin", "SortMergeJoin",
        "BroadcastHashJoin")) {
      assertFalse(plan.contains(join), join + " in " + plan);
    }
  }

  @Test
  void badInputFailsNamingTheTableAndColumnBeforeAnyJob() {
    Fixture fixture = randomFixture();
    Dataset<Row> noEventTime = fixture.tableA().drop("event_time");
    DeeplineException missingTime = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "label_time", List.of(new FeatureSource("a",
            noEventTime, List.of("entity"), List.of("entity"), "event_time", List.of("a_value"),
            null))));
    assertTrue(missingTime.getMessage().startsWith(
        "feature table a: no event-time column event_time (columns: seed, entity, a_value"),
        missingTime.getMessage());

    DeeplineException textTime = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "label_time", List.of(FeatureSource.of("a",
            fixture.tableA().withColumn("event_time", fixture.tableA().col("entity")),
            List.of("entity"), "event_time"))));
    assertEquals("feature table a: event-time column event_time must be a date, timestamp or "
        + "timestamp_ntz, got string", textTime.getMessage());

    DeeplineException unknownEntity = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "label_time", List.of(
            FeatureSource.of("a", fixture.tableA(), List.of("customer"), "event_time"))));
    assertTrue(unknownEntity.getMessage().startsWith(
        "feature table a: no entity key column customer"), unknownEntity.getMessage());

    DeeplineException unknownLabelKey = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "label_time", List.of(
            FeatureSource.of("b", fixture.tableB(), List.of("key"), "day"))));
    assertTrue(unknownLabelKey.getMessage().startsWith(
        "label table: no entity key (for feature table b) column key"), unknownLabelKey.getMessage());

    for (Duration ttl : List.of(Duration.ZERO, Duration.ofHours(-1))) {
      DeeplineException badTtl = assertThrows(DeeplineException.class, () ->
          PointInTimeJoin.join(fixture.labels(), "label_time", List.of(
              FeatureSource.of("a", fixture.tableA(), List.of("seed", "entity"), "event_time")
                  .withTtl(ttl))));
      assertEquals("feature table a: ttl must be > 0, got " + ttl, badTtl.getMessage());
    }

    DeeplineException noLabelTime = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "observed_at", sources(fixture)));
    assertTrue(noLabelTime.getMessage().startsWith("label table: no label time column observed_at"),
        noLabelTime.getMessage());

    DeeplineException keyTypes = assertThrows(DeeplineException.class, () ->
        PointInTimeJoin.join(fixture.labels(), "label_time", List.of(
            FeatureSource.of("a", fixture.tableA(), List.of("seed"), "event_time")
                .joinedOn(List.of("entity")))));
    assertEquals("feature table a: entity key column seed is int but the label column entity is "
        + "string", keyTypes.getMessage());
  }
}
