package org.deepline.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.featurestore.PointInTimeJoin;
import org.deepline.featurestore.PointInTimeJoin.FeatureSource;

/**
 * The feature store's point-in-time join on flights-3m (issue 9, acceptance): a per-airport daily
 * feature table (an origin's flight count and mean delay of each day, stamped at the next midnight, so
 * a flight only sees days strictly before its own) is materialised to Delta and joined to the
 * 3,000,000 flights as label rows (entity {@code origin}, label time {@code date}), written to Spark's
 * no-op sink. References in the same JVM, alternating with it:
 *
 * <ol>
 *   <li>the plain equi-join of the same rows on (origin, day) = (airport, day of the event time): the
 *       same answer when the TTL is just under a day, as here, since every feature row is stamped at
 *       a midnight; the results' checksums are compared;
 *   <li>the brute-force join (every label row with every earlier feature row of its airport, the
 *       latest kept) on a sample of the labels, whose rows must equal the PIT join's exactly.
 * </ol>
 *
 * It prints wall and CPU seconds of the JVM for each, and the PIT join's physical plan with its
 * number of exchanges. See {@code bench/README.md}.
 *
 * <pre>
 * bench/run FeatureStoreBench --runs 2
 * </pre>
 *
 * Options: {@code --source PATH} (default /work/shared/datasets/flights-3m.parquet), {@code --runs N}
 * (default 2), {@code --sample-modulus M} (the brute-force sample is the labels whose
 * {@code xxhash64} is 0 modulo M; default 150, about 20,000 rows).
 */
public final class FeatureStoreBench {
  private static final String DEFAULT_SOURCE = "/work/shared/datasets/flights-3m.parquet";
  private static final int DEFAULT_RUNS = 2;
  private static final int DEFAULT_SAMPLE_MODULUS = 150;
  private static final long SAMPLE_SEED = 42;
  /** Just under a day: only the feature row stamped at the flight's own midnight qualifies. */
  private static final Duration TTL = Duration.ofDays(1).minusSeconds(1);
  private static final Pattern EXCHANGE = Pattern.compile("Exchange (\\w+)");
  private static final List<String> BLOW_UPS = List.of("CartesianProduct",
      "BroadcastNestedLoopJoin", "SortMergeJoin", "BroadcastHashJoin", "ShuffledHashJoin");
  private static final String FEATURES_SQL = "SELECT origin AS airport, "
      + "cast(date_add(to_date(date), 1) AS timestamp) AS event_time, "
      + "count(*) AS flights_prev_day, avg(delay) AS mean_delay_prev_day "
      + "FROM flights GROUP BY origin, to_date(date)";

  private FeatureStoreBench() {}

  public static void main(String[] args) {
    String source = DEFAULT_SOURCE;
    int runs = DEFAULT_RUNS;
    int sampleModulus = DEFAULT_SAMPLE_MODULUS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--source" -> source = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--sample-modulus" -> sampleModulus = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = DeeplineSparkDefaults.builder("deepline-featurestore-bench", "local[2]")
        .config("spark.ui.enabled", false).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path scratch = BenchScratch.create("deepline-featurestore-bench");
    try {
      Dataset<Row> flights = spark.read().parquet(source);
      flights.createOrReplaceTempView("flights");
      String featurePath = scratch.resolve("airport_daily").toString();
      BenchTimer timer = new BenchTimer();
      spark.sql(FEATURES_SQL).write().format("delta").save(featurePath);
      double[] materialise = timer.seconds();
      Dataset<Row> features = spark.read().format("delta").load(featurePath);
      long featureRows = features.count();
      long labels = flights.count();
      System.out.printf(Locale.ROOT, "labels %,d flights (%s), feature table airport_daily %,d rows; "
          + "materialised to Delta in %.1f s wall, %.1f s cpu; %d cores%n", labels, source,
          featureRows, materialise[0], materialise[1], Runtime.getRuntime().availableProcessors());

      String plan = pit(flights, features).queryExecution().executedPlan().toString();
      System.out.println("PIT join physical plan:\n" + plan);
      Matcher exchanges = EXCHANGE.matcher(plan);
      StringBuilder kinds = new StringBuilder();
      int count = 0;
      while (exchanges.find()) {
        count++;
        kinds.append(' ').append(exchanges.group(1));
      }
      System.out.printf(Locale.ROOT, "plan shape: %d exchange(s) (%s); joins or nested loops: %s%n",
          count, kinds.toString().strip(), BLOW_UPS.stream().filter(plan::contains).toList());

      for (int run = 1; run <= runs; run++) {
        timer = new BenchTimer();
        equiJoin(flights, features).write().format("noop").mode("overwrite").save();
        double[] reference = timer.seconds();
        timer = new BenchTimer();
        pit(flights, features).write().format("noop").mode("overwrite").save();
        double[] joined = timer.seconds();
        System.out.printf(Locale.ROOT, "run %d: equi-join %.1f s wall, %.1f s cpu; PIT join %.1f s "
            + "wall, %.1f s cpu; PIT / equi-join: wall %.2f x, cpu %.2f x%n", run, reference[0],
            reference[1], joined[0], joined[1], joined[0] / reference[0], joined[1] / reference[1]);
      }
      System.out.println("checksums (rows with features, sum of flights_prev_day, sum of "
          + "mean_delay_prev_day rounded to 1e-6):");
      System.out.println("  equi-join: " + checksum(equiJoin(flights, features)));
      System.out.println("  PIT join:  " + checksum(pit(flights, features)));

      Dataset<Row> sample = flights.where(functions.pmod(functions.xxhash64(functions.col("date"),
          functions.col("origin"), functions.col("destination"), functions.col("delay"),
          functions.col("distance"), functions.lit(SAMPLE_SEED)), functions.lit(sampleModulus))
          .equalTo(0)).cache();
      long sampled = sample.count();
      timer = new BenchTimer();
      List<String> brute = sorted(bruteForce(sample, features));
      double[] bruteTime = timer.seconds();
      timer = new BenchTimer();
      List<String> pitSample = sorted(pit(sample, features));
      double[] pitTime = timer.seconds();
      long differing = 0;
      for (int i = 0; i < Math.min(brute.size(), pitSample.size()); i++) {
        if (!brute.get(i).equals(pitSample.get(i))) {
          differing++;
        }
      }
      System.out.printf(Locale.ROOT, "sample of %,d labels: brute force %.1f s wall, %.1f s cpu; PIT "
          + "join %.1f s wall, %.1f s cpu; rows %,d vs %,d, %,d differ%n", sampled, bruteTime[0],
          bruteTime[1], pitTime[0], pitTime[1], brute.size(), pitSample.size(), differing);
    } finally {
      BenchScratch.delete(scratch);
      spark.stop();
    }
  }

  private static Dataset<Row> pit(Dataset<Row> labels, Dataset<Row> features) {
    return PointInTimeJoin.join(labels, "date", List.of(
        FeatureSource.of("airport_daily", features, List.of("airport"), "event_time")
            .joinedOn(List.of("origin")).withTtl(TTL)));
  }

  /** The flight's own day's feature row, found by equality: what the PIT join must give here. */
  private static Dataset<Row> equiJoin(Dataset<Row> labels, Dataset<Row> features) {
    Dataset<Row> byDay = features.withColumn("day", functions.to_date(functions.col("event_time")));
    return labels.join(byDay, labels.col("origin").equalTo(byDay.col("airport"))
        .and(functions.to_date(labels.col("date")).equalTo(byDay.col("day"))), "left")
        .select(labels.col("*"), byDay.col("flights_prev_day"), byDay.col("mean_delay_prev_day"),
            byDay.col("event_time").as("airport_daily_event_time"));
  }

  /** Every earlier feature row of the airport (within the TTL) joined, the latest kept. */
  private static Dataset<Row> bruteForce(Dataset<Row> labels, Dataset<Row> features) {
    Dataset<Row> numbered = labels.withColumn("label_id", functions.monotonically_increasing_id());
    numbered.createOrReplaceTempView("sample_labels");
    features.createOrReplaceTempView("airport_daily");
    return labels.sparkSession().sql("WITH best AS (SELECT l.label_id, max(struct(f.event_time AS t, "
        + "f.flights_prev_day, f.mean_delay_prev_day)) AS m FROM sample_labels l JOIN airport_daily "
        + "f ON l.origin = f.airport WHERE f.event_time <= cast(l.date AS timestamp) AND "
        + "unix_micros(cast(l.date AS timestamp)) - unix_micros(f.event_time) <= "
        + TTL.toSeconds() + "000000L GROUP BY l.label_id) "
        + "SELECT l.date, l.delay, l.distance, l.origin, l.destination, best.m.flights_prev_day, "
        + "best.m.mean_delay_prev_day, best.m.t AS airport_daily_event_time "
        + "FROM sample_labels l LEFT JOIN best ON l.label_id = best.label_id");
  }

  private static List<String> sorted(Dataset<Row> rows) {
    return rows.select("date", "delay", "distance", "origin", "destination", "flights_prev_day",
        "mean_delay_prev_day", "airport_daily_event_time").collectAsList().stream()
        .map(Row::toString).sorted().toList();
  }

  private static String checksum(Dataset<Row> joined) {
    Row sums = joined.agg(functions.count("flights_prev_day"), functions.sum("flights_prev_day"),
        functions.round(functions.sum("mean_delay_prev_day"), 6)).head();
    return sums.toString();
  }
}
