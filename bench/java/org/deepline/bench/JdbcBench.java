package org.deepline.bench;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.etl.JdbcConfig;
import org.deepline.etl.JdbcSource;
import org.deepline.etl.PostgresServer;

/**
 * Times the read of a PostgreSQL table through deepline's JDBC source ({@link JdbcSource}: the
 * MIN/MAX query for the partition bounds, then Spark's partitioned read of the derived table) against
 * a plain {@code spark.read.jdbc(url, table, column, lower, upper, partitions, properties)} of the
 * same table with the same partitions, in the same JVM, alternating which goes first (the first run
 * includes the JVM's and the driver's warm-up). Both write to Spark's
 * {@code noop} sink, so what is timed is the database read and the conversion to rows. The server is a
 * real PostgreSQL that the benchmark starts ({@code initdb} in a temporary directory, as the tests
 * do) and fills with {@code generate_series}. See {@code bench/README.md}.
 *
 * <pre>
 * bench/run JdbcBench --rows 1000000 --runs 3 --partitions 2
 * </pre>
 */
public final class JdbcBench {
  private static final int DEFAULT_ROWS = 1_000_000;
  private static final int DEFAULT_RUNS = 3;
  private static final int DEFAULT_PARTITIONS = 2;
  private static final double NANOS_PER_SECOND = 1e9;
  private static final String TABLE = "loans";
  private static final String PASSWORD = "bench-only-password";
  private static final UnaryOperator<String> ENVIRONMENT =
      Map.of("BENCH_DB_USER", PostgresServer.USER, "BENCH_DB_PASSWORD", PASSWORD)::get;

  private JdbcBench() {}

  public static void main(String[] args) throws Exception {
    int rows = DEFAULT_ROWS;
    int runs = DEFAULT_RUNS;
    int partitions = DEFAULT_PARTITIONS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = SparkSession.builder()
        .appName("deepline-jdbc-bench")
        .master("local[*]")
        .config("spark.ui.enabled", false)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try (PostgresServer postgres = PostgresServer.start(PASSWORD)) {
      postgres.execute("CREATE TABLE " + TABLE + " AS SELECT i AS id, (i % 1000) * 1.5 AS amount, "
          + "'kind-' || (i % 7) AS kind, CASE WHEN i % 5 = 0 THEN 'yes' ELSE 'no' END AS label, "
          + "timestamp '2026-01-01' + i * interval '1 second' AS updated_at "
          + "FROM generate_series(1, " + rows + ") AS i", "ANALYZE " + TABLE);
      JdbcConfig config = new JdbcConfig(postgres.url(), TABLE, null, "BENCH_DB_USER",
          "BENCH_DB_PASSWORD", "id", partitions, null, null, null, null);
      Properties properties = new Properties();
      properties.setProperty("user", PostgresServer.USER);
      properties.setProperty("password", PASSWORD);
      properties.setProperty("fetchsize", String.valueOf(JdbcConfig.DEFAULT_FETCH_SIZE));
      System.out.printf(Locale.ROOT, "table %s: %,d rows; %d partitions; %d cores; runs %d%n", TABLE,
          rows, partitions, Runtime.getRuntime().availableProcessors(), runs);
      for (int run = 1; run <= runs; run++) {
        // Alternate which read goes first, so neither always meets a colder database cache.
        boolean plainFirst = run % 2 == 1;
        double reference = 0;
        double deepline = 0;
        for (int turn = 0; turn < 2; turn++) {
          boolean plainTurn = (turn == 0) == plainFirst;
          long start = System.nanoTime();
          Dataset<Row> read = plainTurn
              ? spark.read().jdbc(postgres.url(), TABLE, "id", 1, rows, partitions, properties)
              : JdbcSource.extract(spark, config, Optional.empty(), Optional.empty(),
                  ENVIRONMENT).rows();
          read.write().format("noop").mode("overwrite").save();
          double seconds = (System.nanoTime() - start) / NANOS_PER_SECOND;
          if (plainTurn) {
            reference = seconds;
          } else {
            deepline = seconds;
          }
        }
        System.out.printf(Locale.ROOT, "run %d (%s first): spark.read.jdbc %.1f s (%,.0f rows/s); "
            + "deepline JdbcSource %.1f s (%,.0f rows/s); deepline / plain %.2f x%n", run,
            plainFirst ? "plain" : "deepline", reference, rows / reference, deepline,
            rows / deepline, deepline / reference);
      }
    } finally {
      spark.stop();
    }
  }
}
