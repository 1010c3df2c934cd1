package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaKernelAppendTest {
  private static final StructType SCHEMA = new StructType()
      .add("name", DataTypes.StringType, false)
      .add("sequence", DataTypes.LongType, false)
      .add("count", DataTypes.IntegerType, true)
      .add("score", DataTypes.DoubleType, true)
      .add("kept", DataTypes.BooleanType, true)
      .add("day", DataTypes.DateType, true)
      .add("at", DataTypes.TimestampType, true);
  private static final Instant AT = Instant.parse("2026-11-24T01:02:03.456789Z");

  @TempDir
  Path dir;

  @Test
  void aTableKernelCreatesReadsTheSameThroughSparkAndKernel() {
    String path = dir.resolve("log").toString();

    long first = DeltaKernelAppend.rows(new Configuration(), path, SCHEMA, List.of(
        RowFactory.create("a", 1L, 7, 0.25, true, Date.valueOf("2026-11-24"), Timestamp.from(AT)),
        RowFactory.create("b", 2L, null, null, null, null, null)));
    long second = DeltaKernelAppend.rows(new Configuration(), path, SCHEMA, List.of(
        RowFactory.create("c", 3L, 9, 1.5, false, LocalDate.parse("2026-11-25"), AT)));

    assertEquals(0, first);
    assertEquals(1, second);
    SparkSession spark = SparkTestSession.get();
    List<Row> read = DeltaTables.read(spark, path).orderBy("sequence").collectAsList();
    assertEquals(List.of(
        RowFactory.create("a", 1L, 7, 0.25, true, Date.valueOf("2026-11-24"), Timestamp.from(AT)),
        RowFactory.create("b", 2L, null, null, null, null, null),
        RowFactory.create("c", 3L, 9, 1.5, false, Date.valueOf("2026-11-25"), Timestamp.from(AT))),
        read);
    Map<String, Object> viaKernel = DeltaSnapshots.latest(new Configuration(), path).orElseThrow()
        .rows().stream().filter(row -> "a".equals(row.get("name"))).findFirst().orElseThrow();
    assertEquals(LocalDate.parse("2026-11-24"), viaKernel.get("day"));
    assertEquals(AT, viaKernel.get("at"));
  }

  @Test
  void rowsAreAppendedToATableSparkWrote() {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("spark-made").toString();
    spark.createDataFrame(List.of(RowFactory.create("s", 1L, 1, 1.0, true,
            Date.valueOf("2026-11-24"), Timestamp.from(AT))), SCHEMA)
        .write().format("delta").mode(SaveMode.Overwrite).save(path);

    long version = DeltaKernelAppend.rows(new Configuration(), path, SCHEMA,
        List.of(RowFactory.create("k", 2L, 2, 2.0, false, Date.valueOf("2026-11-24"),
            Timestamp.from(AT))));

    assertEquals(1, version);
    assertEquals(List.of("s", "k"), DeltaTables.read(spark, path).orderBy("sequence")
        .select("name").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aColumnTypeKernelCannotWriteIsNamed() {
    StructType withArray = new StructType().add("values",
        DataTypes.createArrayType(DataTypes.DoubleType));

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> DeltaKernelAppend.rows(new Configuration(), dir.resolve("t").toString(), withArray,
            List.of(RowFactory.create(List.of(1.0)))));

    assertEquals("column values: appending array<double> without Spark is not supported",
        error.getMessage());
  }
}
