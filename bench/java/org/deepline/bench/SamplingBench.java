package org.deepline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.sampling.Samplers;

/**
 * Times every deepline sampler on flights-3m against the Spark way of doing the same work, in one
 * JVM on the same cached rows: {@code Dataset.sample} (Bernoulli, or Poisson with replacement),
 * {@code stat().sampleBy} (stratified fractions), {@code orderBy(rand).limit(n)} (exact n,
 * reservoir; Spark plans it as a per-partition top-n), the same with Efraimidis-Spirakis keys
 * {@code -ln(rand)/w} (weighted without replacement) and a {@code row_number} window per stratum
 * (exact per-stratum counts). None of the references is seeded by record (they depend on the
 * partitioning); they are what a user would write without deepline. Each contender's output is
 * written to Spark's {@code noop} sink, so its rows are computed. Reported per contender: Spark jobs
 * (the passes it launches), wall and CPU seconds of the JVM, rows out, and the deepline / reference
 * ratios.
 *
 * <pre>
 * bench/run SamplingBench --runs 1
 * </pre>
 *
 * Options: {@code --path P} (default /work/shared/datasets/flights-3m.parquet), {@code --runs N}
 * (default 1), {@code --n N} (exact sample sizes, default 100,000).
 */
public final class SamplingBench {
  private static final String DEFAULT_PATH = "/work/shared/datasets/flights-3m.parquet";
  private static final long DEFAULT_N = 100_000;
  private static final long SEED = 42;
  private static final double FRACTION = 0.1;
  private static final double DELAYED_FRACTION = 0.3;
  private static final int DELAY_THRESHOLD = 15;
  private static final String ID = "_record_id";
  private static final String STRATUM = "delayed";
  private static final long LISTENER_WAIT_MILLIS = 60_000;

  private SamplingBench() {}

  /** One contender's figures. */
  private record Measure(int jobs, double wall, double cpu, long rows) {}

  public static void main(String[] args) {
    String path = DEFAULT_PATH;
    int runs = 1;
    long n = DEFAULT_N;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--path" -> path = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--n" -> n = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AtomicInteger jobs = new AtomicInteger();
    SparkSession spark = DeeplineSparkDefaults.localSession("deepline-sampling-bench", jobs);
    // The rows as silver holds them, with a record id (here the file's row number as text) and
    // the label as the stratum; cached, so every contender starts from memory.
    Dataset<Row> flights = spark.read().parquet(path)
        .withColumn(ID, functions.concat(functions.lit("r"),
            functions.monotonically_increasing_id().cast("string")))
        .withColumn(STRATUM, functions.coalesce(functions.col("delay"), functions.lit(0))
            .gt(DELAY_THRESHOLD).cast("int").cast("string"))
        .persist(StorageLevel.MEMORY_ONLY());
    long rows = flights.count();
    long size = n;
    double share = (double) n / rows;
    System.out.printf(Locale.ROOT, "%,d cached rows of %s, %d partitions, %d cores, n = %,d%n",
        rows, path, flights.rdd().getNumPartitions(), Runtime.getRuntime().availableProcessors(),
        n);
    Column stratum = functions.col(STRATUM);
    Column uniformKey = functions.rand(SEED);
    Column clock = functions.negate(functions.log(functions.rand(SEED))).divide(functions.col("distance"));
    try {
      for (int run = 1; run <= runs; run++) {
        List<String[]> lines = new ArrayList<>();
        compare(lines, jobs, "random fraction 0.1",
            () -> Samplers.bernoulli(flights, ID, FRACTION, SEED),
            "Dataset.sample(0.1)", () -> flights.sample(false, FRACTION, SEED));
        compare(lines, jobs, "random exact n",
            () -> Samplers.exactly(flights, ID, size, SEED).rows(),
            "orderBy(rand).limit(n)", () -> flights.orderBy(uniformKey).limit((int) size));
        Map<String, Double> fractions = Map.of("0", FRACTION, "1", DELAYED_FRACTION);
        compare(lines, jobs, "stratified fractions",
            () -> Samplers.stratifiedFractions(flights, ID, stratum, STRATUM, fractions, SEED)
                .rows(),
            "stat.sampleBy", () -> flights.stat().sampleBy(STRATUM, fractions, SEED));
        Map<String, Long> counts = Map.of("0", size / 2, "1", size / 2);
        compare(lines, jobs, "stratified exact counts",
            () -> Samplers.stratifiedCounts(flights, ID, stratum, STRATUM, counts, SEED).rows(),
            "row_number window per stratum", () -> flights.withColumn("_rank",
                    functions.row_number().over(Window.partitionBy(stratum).orderBy(uniformKey)))
                .where(functions.col("_rank").leq(size / 2)));
        compare(lines, jobs, "weighted n (distance)",
            () -> Samplers.weighted(flights, ID, "distance", size, SEED).rows(),
            "orderBy(-ln(rand)/w).limit(n)", () -> flights.where(functions.col("distance").gt(0))
                .orderBy(clock).limit((int) size));
        compare(lines, jobs, "weighted with replacement",
            () -> Samplers.withReplacement(flights, ID, "distance", size, SEED).rows(),
            "Dataset.sample(true, n/N)", () -> flights.sample(true, share, SEED));
        compare(lines, jobs, "reservoir k",
            () -> Samplers.reservoir(flights, ID, (int) size, SEED).rows(),
            "orderBy(rand).limit(k)", () -> flights.orderBy(uniformKey).limit((int) size));
        compare(lines, jobs, "importance (proposal distance)",
            () -> Samplers.importance(flights, ID, functions.col("distance"), null, "distance",
                size, SEED).rows(),
            "Dataset.sample(true, n/N)", () -> flights.sample(true, share, SEED));
        System.out.println("run " + run);
        System.out.println("| Sampler | deepline jobs | wall s | CPU s | rows | Reference | "
            + "jobs | wall s | CPU s | rows | deepline / reference: wall | CPU |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        lines.forEach(line -> System.out.println("| " + String.join(" | ", line) + " |"));
      }
    } finally {
      flights.unpersist();
      spark.stop();
    }
  }

  /** Runs deepline then the reference (both to the noop sink) and adds a table line. */
  private static void compare(List<String[]> lines, AtomicInteger jobs, String name,
      Supplier<Dataset<Row>> deepline, String referenceName, Supplier<Dataset<Row>> reference) {
    Measure ours = measure(jobs, deepline);
    Measure theirs = measure(jobs, reference);
    lines.add(new String[] {name, Integer.toString(ours.jobs()),
        String.format(Locale.ROOT, "%.1f", ours.wall()),
        String.format(Locale.ROOT, "%.1f", ours.cpu()),
        String.format(Locale.ROOT, "%,d", ours.rows()), referenceName,
        Integer.toString(theirs.jobs()), String.format(Locale.ROOT, "%.1f", theirs.wall()),
        String.format(Locale.ROOT, "%.1f", theirs.cpu()),
        String.format(Locale.ROOT, "%,d", theirs.rows()),
        String.format(Locale.ROOT, "%.2f x", ours.wall() / theirs.wall()),
        String.format(Locale.ROOT, "%.2f x", ours.cpu() / theirs.cpu())});
  }

  /**
   * The contender's jobs until its rows are computed: building the sample (the passes that gather
   * statistics), then writing it to the noop sink; the rows are counted separately, untimed.
   */
  private static Measure measure(AtomicInteger jobs, Supplier<Dataset<Row>> contender) {
    int before = jobs.get();
    long wallStart = System.nanoTime();
    long cpuStart = BenchTimer.cpuNanos();
    Dataset<Row> sample = contender.get();
    sample.write().format("noop").mode("overwrite").save();
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (BenchTimer.cpuNanos() - cpuStart) / 1e9;
    // Listener events arrive asynchronously: wait for the bus before counting (Spark-internal,
    // public in the bytecode).
    try {
      sample.sparkSession().sparkContext().listenerBus().waitUntilEmpty(LISTENER_WAIT_MILLIS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
    int used = jobs.get() - before;
    long rows = sample.count();
    sample.unpersist();
    return new Measure(used, wall, cpu, rows);
  }
}
