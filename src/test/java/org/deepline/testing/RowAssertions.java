package org.deepline.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.DataFrameSuiteBase$;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compares a Dataset with expected rows written inline in a test, through spark-testing-base's row
 * comparison (numbers within a tolerance, nulls equal to nulls). Its suite base classes start a
 * SparkContext of their own, which cannot live beside the shared test session, so only the static
 * comparison is used.
 */
public final class RowAssertions {
  private RowAssertions() {}

  /** {@code actual}, ordered by {@code orderBy}, equals {@code expected} row by row. */
  public static void assertRows(List<Row> expected, Dataset<Row> actual, double tolerance,
      String orderBy) {
    List<Row> rows = actual.orderBy(orderBy).collectAsList();
    assertEquals(expected.size(), rows.size(), "row count; actual: " + rows);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(DataFrameSuiteBase$.MODULE$.approxEquals(expected.get(i), rows.get(i), tolerance),
          "row " + i + ": expected " + expected.get(i) + " but was " + rows.get(i));
    }
  }
}
