package org.deepline.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/** The notebook's profile is validate's, printed: one line per column. */
class ProfileTest {
  @Test
  void aTablesProfilePrintsOneLinePerColumnWithValidatesStatistics() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(1, "a"), RowFactory.create(2, "b"), RowFactory.create(3, null),
        RowFactory.create(4, "b")), new StructType()
        .add("tenure", DataTypes.IntegerType).add("plan", DataTypes.StringType));

    Profile profile = Profile.of("churn/silver", rows);

    assertEquals(4, profile.rows());
    assertEquals(2.5, profile.column("tenure").mean(), 1e-12);
    assertEquals(1, profile.column("plan").nulls());
    assertNull(profile.column("plan").mean());
    assertEquals("b", profile.column("plan").topValues().get(0).value());
    assertEquals("""
        churn/silver: 4 rows, 2 columns
        column  type    nulls  distinct~  min  max    mean  median~
        ──────  ──────  ─────  ─────────  ───  ───  ──────  ───────
        tenure  int         0          4  1    4    2.5000        2
        plan    string      1          2  a    b         -        -""",
        profile.toString().strip());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> profile.column("gender"));
    assertTrue(missing.getMessage().contains("[tenure, plan]"), missing.getMessage());
  }
}
