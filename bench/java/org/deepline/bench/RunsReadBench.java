package org.deepline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.SparkSessions;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse;
import org.deepline.tracking.RunRecord;
import org.deepline.tracking.RunRegistry;

/**
 * Wall time of reading run records in a fresh JVM, as a user's {@code runs show} does, against two
 * references measured in the same run, alternating: the JVM floor ({@code deepline --version}: the
 * same class path and flags, no table read) and the previous way, a Spark session reading the runs
 * table ({@code orderBy(finished_at desc).limit(1)}). The table gets {@code --records} runs appended one
 * commit each, as real commands append them. See {@code bench/README.md}.
 *
 * <pre>
 * bench/run RunsReadBench --records 200 --repeats 3
 * </pre>
 */
public final class RunsReadBench {
  private static final int DEFAULT_RECORDS = 200;
  private static final int DEFAULT_REPEATS = 3;
  private static final long CHILD_TIMEOUT_MINUTES = 5;
  private static final double NANOS_PER_SECOND = 1e9;
  private static final String SPARK_READ = "--spark-read";
  /** What the launcher adds for the runs and models commands. */
  private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  private RunsReadBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals(SPARK_READ)) {
      sparkRead(args[1]);
      return;
    }
    int records = DEFAULT_RECORDS;
    int repeats = DEFAULT_REPEATS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("deepline-runs-bench");
    String oldest = record(dir, records);
    String warehouse = dir.toString();

    Map<String, List<String>> commands = new LinkedHashMap<>();
    commands.put("jvm floor (--version)", cli("--version"));
    commands.put("spark session read (before)", bench(SPARK_READ, warehouse));
    commands.put("runs show --last", cli("runs", "show", "--last", "--warehouse", warehouse));
    commands.put("runs list --limit 20", cli("runs", "list", "--limit", "20", "--warehouse",
        warehouse));
    commands.put("runs show --run-id <oldest>", cli("runs", "show", "--run-id", oldest,
        "--warehouse", warehouse));
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    for (int r = 1; r <= repeats; r++) {
      for (Map.Entry<String, List<String>> command : commands.entrySet()) {
        double s = time(command.getValue());
        seconds.computeIfAbsent(command.getKey(), k -> new ArrayList<>()).add(s);
        System.out.printf(Locale.ROOT, "repeat %d: %-30s %6.2f s%n", r, command.getKey(), s);
      }
    }
    double before = median(seconds.get("spark session read (before)"));
    double floor = median(seconds.get("jvm floor (--version)"));
    System.out.printf(Locale.ROOT, "%n%d runs recorded, medians of %d repeats:%n", records, repeats);
    System.out.printf(Locale.ROOT, "%-30s %8s %12s %12s%n", "", "wall s", "/ before", "/ floor");
    seconds.forEach((name, values) -> System.out.printf(Locale.ROOT, "%-30s %8.2f %11.2fx %11.2fx%n",
        name, median(values), median(values) / before, median(values) / floor));
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** Appends {@code count} run records, one commit each; returns the oldest run's id. */
  private static String record(Path dir, int count) {
    SparkSession spark = SparkSessions.getOrCreate();
    RunRegistry runs = new RunRegistry(spark, Warehouse.at(dir.toString()));
    Instant start = Instant.now().minusSeconds(count * 60L);
    String oldest = null;
    for (int i = 0; i < count; i++) {
      Instant started = start.plusSeconds(i * 60L);
      String id = String.format(Locale.ROOT, "bench-%05d", i);
      oldest = oldest == null ? id : oldest;
      runs.append(new RunRecord(id, null, "train", "churn", "2026-11-24", RunRecord.SUCCEEDED,
          started, started.plusSeconds(30), 30_000, null, null, null,
          List.of(new TableRef(dir + "/churn/features", i)), List.of(),
          Map.of("validation_roc_auc", 0.8), Map.of("model", dir + "/churn/models/" + id), null));
    }
    spark.stop();
    return oldest;
  }

  /** The previous {@code runs show --last}: a Spark session and a sorted read of the runs table. */
  private static void sparkRead(String warehouse) {
    SparkSession spark = SparkSessions.getOrCreate();
    Row last = spark.read().format("delta").load(Warehouse.at(warehouse).runsTable())
        .orderBy(functions.col("finished_at").desc()).limit(1).collectAsList().get(0);
    System.out.println(last.<String>getAs("run_id"));
    spark.stop();
  }

  /** The CLI as {@code submit/deepline-submit} runs {@code runs ...}: C1 compiler only. */
  private static List<String> cli(String... args) {
    return java(List.of(C1_ONLY), "org.deepline.cli.DeeplineCli", args);
  }

  private static List<String> bench(String... args) {
    return java(List.of(), RunsReadBench.class.getName(), args);
  }

  /** A fresh JVM with this one's class path and flags (heap, module openings, log config). */
  private static List<String> java(List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  private static double time(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!process.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command.get(command.size() - 1));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("exit " + process.exitValue() + ": " + command);
    }
    return (System.nanoTime() - start) / NANOS_PER_SECOND;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
