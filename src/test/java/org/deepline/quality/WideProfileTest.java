package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * A wide table's number and text columns are profiled by {@link WideProfile} instead of the one
 * aggregation: the same table profiled both ways gives every column the same profile, for every
 * type the wide profile takes and the edge values that tell Spark's semantics apart (NaN above every
 * number, a long beyond a double's 2^53, a float printed as a float, a column with no value, a table
 * with no row).
 */
class WideProfileTest {
  private static final StructType SCHEMA = new StructType()
      .add("small", DataTypes.ByteType, true)
      .add("count", DataTypes.IntegerType, true)
      .add("id", DataTypes.LongType, true)
      .add("ratio", DataTypes.FloatType, true)
      .add("amount", DataTypes.DoubleType, true)
      .add("plan", DataTypes.StringType, true)
      .add("nothing", DataTypes.IntegerType, true)
      .add("joined", DataTypes.DateType, true);
  private static final int NEVER_WIDE = Integer.MAX_VALUE;
  private static final int ALWAYS_WIDE = 0;

  private static Dataset<Row> frame(Object[]... rows) {
    return SparkTestSession.get().createDataFrame(
        Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
  }

  private static TableProfile profile(Dataset<Row> rows, int wideAbove) {
    return Profiler.profileAndCheck(rows, 2, QualityCheck.of("none"), wideAbove).profile();
  }

  /** Everything but mean and deviation, whose sums may add up in another order. */
  private static void assertSameProfile(TableProfile expected, TableProfile actual) {
    assertEquals(expected.rows(), actual.rows());
    for (ColumnProfile column : expected.columns()) {
      ColumnProfile other = actual.column(column.name());
      assertEquals(column.name() + column.nulls() + column.distinct() + column.min()
          + column.max() + column.quantiles() + column.topValues() + column.values(),
          other.name() + other.nulls() + other.distinct() + other.min() + other.max()
              + other.quantiles() + other.topValues() + other.values());
      assertEquals(column.mean() == null, other.mean() == null, column.name());
      if (column.mean() != null) {
        assertEquals(column.mean(), other.mean(), 1e-12, column.name());
      }
      assertEquals(column.stddev() == null, other.stddev() == null, column.name());
      if (column.stddev() != null) {
        assertEquals(column.stddev(), other.stddev(), 1e-12, column.name());
      }
    }
  }

  @Test
  void aWideTableGetsTheProfileTheAggregationGives() {
    Dataset<Row> rows = frame(
        new Object[] {(byte) 1, 10, 9_007_199_254_740_993L, 0.1f, 1.5, "basic", null,
            java.sql.Date.valueOf("2026-01-02")},
        new Object[] {(byte) -3, 20, -5L, 2.5f, Double.NaN, "pro", null, null},
        new Object[] {null, 30, 7L, null, -0.25, "basic", null,
            java.sql.Date.valueOf("2025-12-31")},
        new Object[] {(byte) 1, null, 9_007_199_254_740_992L, 0.1f, 1e300, null, null, null},
        new Object[] {(byte) 4, 20, null, 0.05f, 3.0, "team", null, null});

    TableProfile wide = profile(rows, ALWAYS_WIDE);
    assertSameProfile(profile(rows, NEVER_WIDE), wide);
    // The values themselves, as the aggregation has them.
    assertEquals("9007199254740993", wide.column("id").max());
    assertEquals("0.05", wide.column("ratio").min());
    assertEquals("NaN", wide.column("amount").max());
    assertEquals("-0.25", wide.column("amount").min());
    assertEquals(5, wide.column("nothing").nulls());
    assertEquals(0L, wide.column("nothing").distinct());
    assertEquals(List.of("basic", "pro", "team"), wide.column("plan").values());
  }

  @Test
  void aWideTableWithoutRowsGetsTheProfileTheAggregationGives() {
    Dataset<Row> none = frame();
    TableProfile wide = profile(none, ALWAYS_WIDE);
    assertSameProfile(profile(none, NEVER_WIDE), wide);
    assertEquals(0, wide.rows());
  }

  @Test
  void aConstraintOnNullsIsJudgedFromTheProfileOfATableOfAnyWidth() {
    QualityCheck check = QualityCheck.of("nulls")
        .with(new Constraint("null_fraction:count", "count", Severity.ERROR,
            Analyzers.nullFraction("count"), v -> v <= 0.1, "<= 0.1",
            Analyzers.nullFractionInProfile("count")));
    Dataset<Row> rows = frame(
        new Object[] {(byte) 1, 10, 1L, 0.1f, 1.5, "basic", null, null},
        new Object[] {(byte) 1, null, 1L, 0.1f, 1.5, "basic", null, null});
    for (int wideAbove : new int[] {ALWAYS_WIDE, NEVER_WIDE}) {
      List<ConstraintResult> results =
          Profiler.profileAndCheck(rows, 2, check, wideAbove).results();
      assertEquals(List.of(new ConstraintResult("null_fraction:count", "count", Severity.ERROR,
          0.5, false, "<= 0.1")), results);
    }
    // The same constraint run without a profile computes it with its analyzer.
    assertEquals(0.5, check.run(rows).get(0).value());
    // A column declared in another letter case than the table's is found, as Spark finds it.
    QualityCheck otherCase = QualityCheck.of("nulls")
        .with(new Constraint("null_fraction:COUNT", "COUNT", Severity.ERROR,
            Analyzers.nullFraction("COUNT"), v -> v <= 0.1, "<= 0.1",
            Analyzers.nullFractionInProfile("COUNT")));
    assertEquals(0.5, Profiler.profileAndCheck(rows, 2, otherCase, NEVER_WIDE).results().get(0)
        .value());
  }
}
