package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmallInputPlanningTest {
  private static final List<String> KEYS = List.of(SmallInputPlanning.WHOLE_STAGE_CODEGEN,
      SmallInputPlanning.CODEGEN_FACTORY_MODE, SmallInputPlanning.SUBEXPRESSION_ELIMINATION,
      SmallInputPlanning.SHUFFLE_PARTITIONS, SmallInputPlanning.DELTA_SNAPSHOT_PARTITIONS);
  private static final long ONE_MEGABYTE = 1L << 20;

  private final SparkSession spark = SparkTestSession.get();
  private final Map<String, String> sessionValues = new LinkedHashMap<>();

  /** The session as deepline-submit starts it (conf/spark-defaults.conf on Spark's defaults). */
  @BeforeEach
  void shippedDefaults() {
    KEYS.forEach(key -> sessionValues.put(key, spark.conf().get(key, null)));
    spark.conf().unset(SmallInputPlanning.WHOLE_STAGE_CODEGEN);
    spark.conf().unset(SmallInputPlanning.CODEGEN_FACTORY_MODE);
    spark.conf().unset(SmallInputPlanning.SUBEXPRESSION_ELIMINATION);
    spark.conf().set(SmallInputPlanning.SHUFFLE_PARTITIONS, "8");
    spark.conf().set(SmallInputPlanning.DELTA_SNAPSHOT_PARTITIONS, "8");
  }

  @AfterEach
  void testSessionsOwnValues() {
    sessionValues.forEach((key, value) -> {
      if (value == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, value);
      }
    });
  }

  @Test
  void aSmallInputIsPlannedInterpretedWithOnePartitionPerCoreUntilClosed() {
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, ONE_MEGABYTE)) {
      assertEquals("false", spark.conf().get(SmallInputPlanning.WHOLE_STAGE_CODEGEN));
      assertEquals("NO_CODEGEN", spark.conf().get(SmallInputPlanning.CODEGEN_FACTORY_MODE));
      assertEquals("true", spark.conf().get(SmallInputPlanning.SUBEXPRESSION_ELIMINATION),
          "a narrow input (or one of unknown width) keeps it");
      // local[2]: two tasks at once.
      assertEquals("2", spark.conf().get(SmallInputPlanning.SHUFFLE_PARTITIONS));
      assertEquals("2", spark.conf().get(SmallInputPlanning.DELTA_SNAPSHOT_PARTITIONS));
      String plan = spark.range(10).selectExpr("id + 1 AS next").queryExecution().executedPlan()
          .toString();
      assertFalse(plan.contains("*("), "no whole-stage code generation: " + plan);
    }
    assertEquals("true", spark.conf().get(SmallInputPlanning.WHOLE_STAGE_CODEGEN));
    assertEquals("8", spark.conf().get(SmallInputPlanning.SHUFFLE_PARTITIONS));
    assertEquals("8", spark.conf().get(SmallInputPlanning.DELTA_SNAPSHOT_PARTITIONS));
    assertEquals("FALLBACK", spark.conf().get(SmallInputPlanning.CODEGEN_FACTORY_MODE));
    assertEquals("true", spark.conf().get(SmallInputPlanning.SUBEXPRESSION_ELIMINATION));
    String plan = spark.range(10).selectExpr("id + 1 AS next").queryExecution().executedPlan()
        .toString();
    assertTrue(plan.contains("*("), "whole-stage code generation is back: " + plan);
  }

  /** A wide table outgrows Spark's cache of interpreted shared subexpressions. */
  @Test
  void aSmallWideInputIsPlannedWithoutCommonSubexpressionEliminationUntilClosed() {
    int wide = SmallInputPlanning.WIDE_INPUT_COLUMNS + 1;
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, ONE_MEGABYTE,
        () -> wide)) {
      assertEquals("false", spark.conf().get(SmallInputPlanning.SUBEXPRESSION_ELIMINATION));
      assertEquals("NO_CODEGEN", spark.conf().get(SmallInputPlanning.CODEGEN_FACTORY_MODE));
    }
    assertEquals("true", spark.conf().get(SmallInputPlanning.SUBEXPRESSION_ELIMINATION));
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark,
        SmallInputPlanning.maxSmallBytes(wide) + 1, () -> wide)) {
      assertEquals(Map.of(), planning.changed(), "a large input is code-generated: it keeps it");
    }
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, ONE_MEGABYTE,
        () -> SmallInputPlanning.WIDE_INPUT_COLUMNS)) {
      assertEquals("true", spark.conf().get(SmallInputPlanning.SUBEXPRESSION_ELIMINATION));
    }
  }

  /**
   * A wide input has as many rows as a narrow one of a fraction of its size: grants' 25 MB CSV of
   * 1,503 columns holds 8,190 rows, fewer than a 1 MB table of 20.
   */
  @Test
  void aWideInputIsSmallUpToItsWidthTimesTheNarrowLimit() {
    long grants = 25L * ONE_MEGABYTE;
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, grants, () -> 1503)) {
      assertEquals("NO_CODEGEN", spark.conf().get(SmallInputPlanning.CODEGEN_FACTORY_MODE));
    }
    assertEquals(16L * ONE_MEGABYTE, SmallInputPlanning.maxSmallBytes(39));
    assertEquals(32L * ONE_MEGABYTE, SmallInputPlanning.maxSmallBytes(40));
    assertEquals(16L * ONE_MEGABYTE, SmallInputPlanning.maxSmallBytes(
        SmallInputPlanning.UNKNOWN_WIDTH));
    for (int columns : new int[] {5, SmallInputPlanning.UNKNOWN_WIDTH}) {
      try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, grants,
          () -> columns)) {
        assertEquals(Map.of(), planning.changed(), columns + " columns");
      }
    }
  }

  @Test
  void aLargeInputOrOneOfUnknownSizeChangesNothing() {
    for (long bytes : new long[] {SmallInputPlanning.MAX_SMALL_INPUT_BYTES + 1,
        SmallInputPlanning.UNKNOWN_SIZE}) {
      try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, bytes)) {
        assertEquals(Map.of(), planning.changed());
        assertEquals("8", spark.conf().get(SmallInputPlanning.SHUFFLE_PARTITIONS));
        assertEquals("true", spark.conf().get(SmallInputPlanning.WHOLE_STAGE_CODEGEN));
      }
    }
  }

  @Test
  void aSettingTheUserGaveIsKept() {
    spark.conf().set(SmallInputPlanning.SHUFFLE_PARTITIONS, "64");
    try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, ONE_MEGABYTE)) {
      assertEquals("64", spark.conf().get(SmallInputPlanning.SHUFFLE_PARTITIONS));
      assertEquals("false", spark.conf().get(SmallInputPlanning.WHOLE_STAGE_CODEGEN));
      assertEquals(Optional.of("8"),
          planning.changed().get(SmallInputPlanning.DELTA_SNAPSHOT_PARTITIONS));
    }
    assertEquals("64", spark.conf().get(SmallInputPlanning.SHUFFLE_PARTITIONS));
  }
}
