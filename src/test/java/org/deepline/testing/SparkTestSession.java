package org.deepline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM, created on first use and never stopped: surefire runs every test
 * class in the same JVM, and starting Spark once instead of per class saves seconds per class.
 *
 * <pre>{@code
 * Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(RowFactory.create(1.0)), schema);
 * }</pre>
 *
 * <p>The warehouse and Derby's home live in a temporary directory deleted when the JVM exits, so tests
 * leave no {@code spark-warehouse/} or {@code metastore_db/} behind in the working tree.
 */
public final class SparkTestSession {
  /** Two threads: enough to exercise shuffles across partitions on a shared two-core machine. */
  private static final String MASTER = "local[2]";
  /** Test frames are tiny; the default of 200 shuffle partitions only adds scheduling time. */
  private static final int SHUFFLE_PARTITIONS = 2;
  /**
   * Delta rebuilds a table's state from its log in 50 partitions by default, sized for logs of
   * thousands of files; a test table has a handful, and the 50 tasks per snapshot cost about a fifth
   * of the CPU of a Delta-heavy test class (EvaluateJobTest: 284 CPU-s with 50, 222 with 2).
   */
  public static final int DELTA_SNAPSHOT_PARTITIONS = 2;
  /**
   * Test frames are tiny, so compiling Java for every plan costs more than it saves: with
   * whole-stage code generation and compiled expressions, Janino took 29 % of the CPU samples of
   * LeakageJobTest, which runs in two thirds of the time interpreted (157 s to 105 s alone). The
   * tests check deepline's logic, which both modes compute alike; the integration tests run through
   * deepline-submit with Spark's defaults, code generation included.
   */
  private static final String INTERPRETED = "NO_CODEGEN";
  private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  private static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";
  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  private static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = create();
    }
    return session;
  }

  private static SparkSession create() {
    Path scratch = createScratchDir();
    System.setProperty("derby.system.home", scratch.resolve("derby").toString());
    SparkSession spark = SparkSession.builder()
        .appName("deepline-tests")
        .master(MASTER)
        .config("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
        .config("spark.ui.enabled", false)
        .config("spark.databricks.delta.snapshotPartitions", DELTA_SNAPSHOT_PARTITIONS)
        // As conf/spark-defaults.conf: no file list in Delta's checksums, no row counts of replaced
        // files (a Spark job per commit and per replaced date less).
        .config("spark.databricks.delta.allFilesInCrc.enabled", false)
        .config("spark.databricks.delta.dmlMetricsFromMetadata.enabled", false)
        .config(WHOLE_STAGE, false)
        .config(FACTORY_MODE, INTERPRETED)
        .config("spark.sql.extensions", DELTA_EXTENSION)
        .config("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        .config("spark.sql.warehouse.dir", scratch.resolve("warehouse").toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  private static Path createScratchDir() {
    try {
      Path dir = Files.createTempDirectory("deepline-spark-test");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the test session's scratch directory", e);
    }
  }

  /** Best effort: a file Spark still holds at exit stays behind in the system temp directory. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Nothing to report at JVM exit; the OS cleans its temp directory.
    }
  }
}
