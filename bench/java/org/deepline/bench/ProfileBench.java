package org.deepline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.DeltaTables;
import org.deepline.core.TableRef;
import org.deepline.quality.ColumnProfile;
import org.deepline.quality.Profiler;
import org.deepline.quality.TableProfile;

/**
 * Times the validate stage's one-pass profile of every silver column ({@code Profiler.profile}: rows,
 * nulls, approximate distinct, min/max/mean/stddev, approximate quantiles, top values of strings)
 * against a plain {@code count()} of the same run date's rows of the same Delta table, in one JVM,
 * alternating which goes first (issue 8's speed goal: the profile at most 2 x the count). Both read
 * the table as the stage does ({@code DeltaTables.slice}); nothing is written. For each run it
 * prints wall and CPU seconds of the JVM, the Spark jobs each started, and the ratios; at the end the
 * medians. A third measurement, the floor, reads every column the profile reads and computes nothing
 * but {@code count(column)} of each (one code-generated aggregation): what decoding the columns costs
 * by itself, which a {@code count()} (no column read) does not pay. See {@code bench/README.md}.
 *
 * <pre>
 * bench/run ProfileBench --silver /tmp/flights-wh/flights/silver --run-date 2026-12-04 --runs 3
 * </pre>
 *
 * Options: {@code --silver PATH} (required), {@code --run-date D} (required), {@code --runs N}
 * (default 3), {@code --top-k K} (default {@value Profiler#DEFAULT_TOP_K}).
 */
public final class ProfileBench {
  private static final int DEFAULT_RUNS = 3;

  private ProfileBench() {}

  public static void main(String[] args) {
    String silverPath = null;
    String runDate = null;
    int runs = DEFAULT_RUNS;
    int topK = Profiler.DEFAULT_TOP_K;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--silver" -> silverPath = args[++i];
        case "--run-date" -> runDate = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--top-k" -> topK = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (silverPath == null || runDate == null) {
      throw new IllegalArgumentException("--silver PATH and --run-date YYYY-MM-DD are required");
    }
    AtomicInteger jobs = new AtomicInteger();
    SparkSession spark = DeeplineSparkDefaults.localSession("deepline-profile-bench", jobs);
    TableRef silver = DeltaTables.ref(spark, silverPath);
    Dataset<Row> rows = DeltaTables.slice(spark, silver, runDate);
    System.out.printf(Locale.ROOT, "silver %s version %d, run date %s, columns %s%n", silverPath,
        silver.version(), runDate, Arrays.toString(rows.drop(DeltaTables.RUN_DATE).columns()));
    System.out.println("count plan:");
    rows.groupBy().count().explain();

    List<double[]> counts = new ArrayList<>();
    List<double[]> profiles = new ArrayList<>();
    List<double[]> floors = new ArrayList<>();
    Dataset<Row> profiled = rows.drop(DeltaTables.RUN_DATE);
    Column[] everyColumn = Arrays.stream(profiled.columns())
        .map(c -> functions.count(functions.col(c))).toArray(Column[]::new);
    final int k = topK;
    for (int run = 1; run <= runs; run++) {
      boolean countFirst = run % 2 == 1;
      for (int order = 0; order < 2; order++) {
        boolean count = (order == 0) == countFirst;
        jobs.set(0);
        BenchTimer timer = new BenchTimer();
        String what;
        if (count) {
          what = "count()   rows " + rows.count();
        } else {
          TableProfile profile = Profiler.profile(profiled, k);
          what = "profile   rows " + profile.rows() + ", columns " + profile.columns().size();
          if (run == 1) {
            profile.columns().forEach(ProfileBench::print);
          }
        }
        double[] seconds = timer.seconds();
        (count ? counts : profiles).add(seconds);
        System.out.printf(Locale.ROOT, "run %d %s: wall %.2f s, CPU %.2f s, jobs %d%n", run, what,
            seconds[0], seconds[1], jobs.get());
      }
      jobs.set(0);
      BenchTimer floorTimer = new BenchTimer();
      profiled.agg(everyColumn[0], Arrays.copyOfRange(everyColumn, 1, everyColumn.length)).head();
      double[] floor = floorTimer.seconds();
      floors.add(floor);
      System.out.printf(Locale.ROOT, "run %d floor: count(c) of every column: wall %.2f s, CPU %.2f s,"
          + " jobs %d%n", run, floor[0], floor[1], jobs.get());
      double[] c = counts.get(counts.size() - 1);
      double[] p = profiles.get(profiles.size() - 1);
      System.out.printf(Locale.ROOT, "run %d profile / count: wall %.2f x, CPU %.2f x; floor / count:"
          + " wall %.2f x, CPU %.2f x; profile / floor: wall %.2f x, CPU %.2f x%n", run,
          p[0] / c[0], p[1] / c[1], floor[0] / c[0], floor[1] / c[1], p[0] / floor[0],
          p[1] / floor[1]);
    }
    double[] countMedian = median(counts);
    double[] profileMedian = median(profiles);
    double[] floorMedian = median(floors);
    System.out.printf(Locale.ROOT, "median of %d: floor wall %.2f s CPU %.2f s; floor / count: wall "
        + "%.2f x, CPU %.2f x; profile / floor: wall %.2f x, CPU %.2f x%n", runs, floorMedian[0],
        floorMedian[1], floorMedian[0] / countMedian[0], floorMedian[1] / countMedian[1],
        profileMedian[0] / floorMedian[0], profileMedian[1] / floorMedian[1]);
    System.out.printf(Locale.ROOT, "median of %d: count() wall %.2f s CPU %.2f s; profile wall %.2f s "
        + "CPU %.2f s; profile / count: wall %.2f x, CPU %.2f x%n", runs, countMedian[0],
        countMedian[1], profileMedian[0], profileMedian[1], profileMedian[0] / countMedian[0],
        profileMedian[1] / countMedian[1]);
    spark.stop();
  }

  private static void print(ColumnProfile column) {
    System.out.printf(Locale.ROOT, "  %-14s %-9s nulls %d distinct~ %s min %s max %s mean %s sd %s "
        + "quantiles %s top %s%n", column.name(), column.type(), column.nulls(), column.distinct(),
        column.min(), column.max(), column.mean(), column.stddev(), column.quantiles(),
        column.topValues());
  }

  /** Element-wise median of {wall, CPU} pairs. */
  private static double[] median(List<double[]> seconds) {
    double[] median = new double[2];
    for (int i = 0; i < 2; i++) {
      final int at = i;
      double[] values = seconds.stream().mapToDouble(s -> s[at]).sorted().toArray();
      median[i] = values.length % 2 == 1 ? values[values.length / 2]
          : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
    return median;
  }
}
