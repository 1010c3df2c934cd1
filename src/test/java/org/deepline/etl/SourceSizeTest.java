package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.SmallInputPlanning;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ingest tells {@link SmallInputPlanning} about its source's size. */
class SourceSizeTest {
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path dir;

  @Test
  void textFilesAreMeasuredInBytesEvenThroughAGlob() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "x,y\n1,2\n");
    Files.writeString(dir.resolve("b.csv"), "x,y\n3,4\n5,6\n");
    assertEquals(8, SourceReader.sizeInBytes(spark, source("csv", dir.resolve("a.csv"))));
    assertEquals(8 + 12, SourceReader.sizeInBytes(spark, source("csv", dir.resolve("*.csv"))));
    assertEquals(8 + 12, SourceReader.sizeInBytes(spark, source("json", dir)));
  }

  @Test
  void whatBytesDoNotMeasureHasNoSize() throws Exception {
    Path parquet = Files.writeString(dir.resolve("rows.parquet"), "PAR1");
    Path gzip = Files.writeString(dir.resolve("rows.csv.gz"), "x");
    Path csv = Files.writeString(dir.resolve("rows.csv"), "x\n1\n");
    assertEquals(SmallInputPlanning.UNKNOWN_SIZE,
        SourceReader.sizeInBytes(spark, source("parquet", parquet)));
    assertEquals(SmallInputPlanning.UNKNOWN_SIZE,
        SourceReader.sizeInBytes(spark, source("csv", gzip)));
    assertEquals(SmallInputPlanning.UNKNOWN_SIZE, SourceReader.sizeInBytes(spark,
        new SourceConfig("csv", csv.toString(), Map.of("compression", "gzip"), null)));
    assertEquals(SmallInputPlanning.UNKNOWN_SIZE,
        SourceReader.sizeInBytes(spark, source("csv", dir.resolve("missing.csv"))));
  }

  private static SourceConfig source(String format, Path path) {
    return new SourceConfig(format, path.toString(), Map.of(), null);
  }
}
