package org.deepline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.TableRef;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureConfig;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.SplitConfig;
import org.deepline.sampling.StratifiedSplitter;

/**
 * Issue 9's speed goal for {@code features}: fit + transform + Delta write of the training rows of
 * flights-3m, deepline against the hand-written MLlib pipeline with the same transforms, in one JVM
 * on the same cached rows (silver joined with its splits, train only, as {@link FeatureJob} fits on
 * them), plus a raw Delta write of those rows as the floor:
 *
 * <ul>
 *   <li><b>deepline</b>: {@link FeatureJob#fitOnTrain} (the training count and fingerprint of the
 *       provenance, then {@code FeatureFitter.fit}), then {@link FeatureJob#featureRows} written with
 *       {@link DeltaTables#replaceRunDateCounted}, exactly as the stage runs them;
 *   <li><b>MLlib</b>: {@code SQLTransformer} (hour sin/cos, weekday, month - 1 from the timestamp),
 *       median {@code Imputer} + {@code VectorAssembler} + {@code StandardScaler} on distance,
 *       {@code StringIndexer} (frequency order, unseen kept: the same vocabulary as deepline's while a
 *       column has fewer values than {@code max_categories}) + {@code OneHotEncoder} (no slot dropped)
 *       on origin, destination, weekday, month, and {@code VectorAssembler} into one vector;
 *       {@code Pipeline.fit}, then {@code transform} written as the same table with an MLlib vector
 *       column;
 *   <li><b>floor</b>: the cached rows written as they are.
 * </ul>
 *
 * Each contender writes a new table under a scratch directory (deleted at the end). After a warm-up
 * run (not counted) it repeats {@code --runs} times, alternating which of deepline and MLlib goes
 * first, and prints the median of wall and JVM CPU seconds per phase (fit; transform + write), the
 * Spark jobs each phase started and the ratios deepline / MLlib. The warm-up checks that both wrote
 * every row, vectors of the same width and the same number of non-zero slots.
 *
 * <pre>
 * bench/run FeaturesBench --dataset-root /tmp/featbench-wh/flights --runs 3
 * </pre>
 *
 * Options: {@code --dataset-root DIR} (a warehouse's data set directory with {@code silver} and
 * {@code splits}, default /tmp/featbench-wh/flights), {@code --run-date D} (default the splits'
 * latest), {@code --conf FILE} (default conf/flights.json), {@code --runs N} (default 3),
 * {@code --stages} (print every Spark stage: wall, executor CPU, rows in and out, call site),
 * {@code --profile} (also time each contender's transform alone, to the noop sink).
 */
public final class FeaturesBench {
  private static final String DEFAULT_ROOT = "/tmp/featbench-wh/flights";
  private static final int DEFAULT_RUNS = 3;
  private static final long LISTENER_WAIT_MILLIS = 60_000;
  private static final String VECTOR = FeatureTransform.FEATURES;
  /** The features table's vector column in the sparse layout. */
  private static final String SPARSE = "features_sparse";
  private static final String DEEPLINE = "deepline";
  private static final String MLLIB = "MLlib";
  private static final String FLOOR = "floor";

  private FeaturesBench() {}

  /** Wall seconds, JVM CPU seconds and Spark jobs of one phase. */
  private record Phase(double wall, double cpu, int jobs) {
    Phase plus(Phase other) {
      return new Phase(wall + other.wall, cpu + other.cpu, jobs + other.jobs);
    }
  }

  /** One contender's run: fit, then transform + write; rows written and vector width. */
  private record Result(Phase fit, Phase write, long rows, int width) {
    Phase total() {
      return fit.plus(write);
    }
  }

  public static void main(String[] args) throws IOException {
    String root = DEFAULT_ROOT;
    String runDate = null;
    String conf = "conf/flights.json";
    int runs = DEFAULT_RUNS;
    boolean stages = false;
    boolean profile = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dataset-root" -> root = args[++i];
        case "--run-date" -> runDate = args[++i];
        case "--conf" -> conf = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--stages" -> stages = true;
        case "--profile" -> profile = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    DeeplineConfig config = ConfigLoader.load(Path.of(conf), List.of());
    FeatureConfig features = config.section(FeatureConfig.class);
    long seed = config.section(SplitConfig.class).seed();
    AtomicInteger jobs = new AtomicInteger();
    SparkSession spark = DeeplineSparkDefaults.localSession("deepline-features-bench", jobs);
    if (stages) {
      spark.sparkContext().addSparkListener(new StageTimes());
    }
    String splitsPath = root + "/splits";
    if (runDate == null) {
      runDate = DeltaTables.read(spark, splitsPath).agg(functions.max(DeltaTables.RUN_DATE))
          .head().get(0).toString();
    }
    TableRef splitsRef = DeltaTables.ref(spark, splitsPath);
    TableRef silverRef = DeltaTables.ref(spark, root + "/silver");
    Dataset<Row> train = FeatureJob.withSplits(DeltaTables.slice(spark, silverRef, runDate),
            DeltaTables.slice(spark, splitsRef, runDate))
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .persist(StorageLevel.MEMORY_ONLY());
    long rows = train.count();
    System.out.printf(Locale.ROOT, "%,d cached training rows of %s (run date %s, %d partitions), "
            + "%d cores, %d runs after a warm-up; columns %s%n", rows, root, runDate,
        train.rdd().getNumPartitions(), Runtime.getRuntime().availableProcessors(), runs,
        Arrays.toString(train.columns()));
    FeatureModel.FitProvenance provenance = new FeatureModel.FitProvenance(
        "flights", runDate, "bench", StratifiedSplitter.TRAIN, 0, splitsRef.path(),
        splitsRef.version(), 0);
    Pipeline mllib = mllibPipeline(features);
    Path scratch = BenchScratch.create("deepline-features-bench");
    String date = runDate;
    Map<String, List<Result>> results = new LinkedHashMap<>();
    try {
      for (int run = 0; run <= runs; run++) {
        String label = run == 0 ? "warm-up" : "run " + run;
        System.out.printf(Locale.ROOT, "%s (load average %s)%n", label, loadAverage());
        Path dir = scratch.resolve("run-" + run);
        Map<String, Supplier<Result>> contenders = new LinkedHashMap<>();
        contenders.put(FLOOR, () -> {
          long[] written = new long[1];
          Phase write = measure(jobs, () -> written[0] = DeltaTables.replaceRunDateCounted(train,
              dir.resolve(FLOOR).toString(), date).rows().orElse(-1));
          return new Result(new Phase(0, 0, 0), write, written[0], 0);
        });
        Supplier<Result> ours = () -> deepline(jobs, train, features, provenance, seed,
            dir.resolve(DEEPLINE).toString(), date);
        Supplier<Result> theirs = () -> mllib(jobs, mllib, train, dir.resolve(MLLIB).toString(),
            date);
        if (run % 2 == 1) {
          contenders.put(DEEPLINE, ours);
          contenders.put(MLLIB, theirs);
        } else {
          contenders.put(MLLIB, theirs);
          contenders.put(DEEPLINE, ours);
        }
        for (Map.Entry<String, Supplier<Result>> contender : contenders.entrySet()) {
          Result result = contender.getValue().get();
          print(contender.getKey(), result);
          if (run > 0) {
            results.computeIfAbsent(contender.getKey(), k -> new ArrayList<>()).add(result);
          }
        }
        if (run == 0) {
          check(spark, dir, rows);
        }
        if (profile) {
          profile(jobs, train, features, provenance, seed, mllib);
        }
        BenchScratch.delete(dir);
      }
      report(results, runs);
    } finally {
      train.unpersist();
      BenchScratch.delete(scratch);
      spark.stop();
    }
  }

  /** deepline as the features stage runs: fit on train, then the features rows to Delta. */
  private static Result deepline(AtomicInteger jobs, Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long seed, String path, String runDate) {
    FeatureModel[] model = new FeatureModel[1];
    Phase fit = measure(jobs, () -> model[0] = FeatureJob.fitOnTrain(train, config, provenance,
        seed));
    long[] written = new long[1];
    Phase write = measure(jobs, () -> written[0] = DeltaTables.replaceRunDateCounted(
        FeatureJob.featureRows(train, model[0]), path, runDate,
        List.of(StratifiedSplitter.SPLIT)).rows().orElse(-1));
    return new Result(fit, write, written[0], model[0].width());
  }

  /** The MLlib pipeline fitted on train, its output written as the same table. */
  private static Result mllib(AtomicInteger jobs, Pipeline pipeline, Dataset<Row> train,
      String path, String runDate) {
    PipelineModel[] model = new PipelineModel[1];
    Phase fit = measure(jobs, () -> model[0] = pipeline.fit(train));
    long[] written = new long[1];
    Dataset<Row> out = mllibRows(model[0], train);
    Phase write = measure(jobs, () -> written[0] = DeltaTables.replaceRunDateCounted(out, path,
        runDate).rows().orElse(-1));
    int width = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(
        out.schema().apply(VECTOR)).size();
    return new Result(fit, write, written[0], width);
  }

  private static Dataset<Row> mllibRows(PipelineModel model, Dataset<Row> train) {
    return model.transform(train).select(RecordIds.RECORD_ID, StratifiedSplitter.SPLIT,
        LabelConfig.LABEL, VECTOR);
  }

  /**
   * The hand-written MLlib pipeline of the same transforms as {@code config} (numeric: median
   * imputation, standardisation; categorical: one-hot over the training values by frequency, plus
   * one slot for unseen values; date parts: cyclical hour, one-hot weekday and month, in UTC as the
   * session's time zone is).
   */
  static Pipeline mllibPipeline(FeatureConfig config) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    List<String> selects = new ArrayList<>(List.of("*"));
    // Calendar parts one-hot encoded: column name, and (as the name's suffix) the part.
    List<String> oneHotIn = new ArrayList<>();
    List<String> cyclical = new ArrayList<>();
    config.datetime().forEach(d -> d.parts().forEach(part -> {
      String column = "`" + d.column() + "`";
      String name = d.column() + "_" + part;
      String value = switch (part) {
        case "hour" -> "hour(" + column + ")";
        case "day_of_week" -> "weekday(" + column + ")";
        case "month" -> "month(" + column + ") - 1";
        default -> throw new IllegalArgumentException("bench: no MLlib form for date part " + part);
      };
      if ("cyclical".equals(d.encodingOf(part))) {
        int period = "hour".equals(part) ? 24 : "day_of_week".equals(part) ? 7 : 12;
        selects.add("sin(2 * pi() * " + value + " / " + period + ") AS " + name + "_sin");
        selects.add("cos(2 * pi() * " + value + " / " + period + ") AS " + name + "_cos");
        cyclical.add(name + "_sin");
        cyclical.add(name + "_cos");
      } else {
        selects.add(value + " AS " + name);
        oneHotIn.add(name);
      }
    }));
    stages.add(new SQLTransformer().setStatement("SELECT " + String.join(", ", selects)
        + " FROM __THIS__"));
    List<String> numeric = config.numeric();
    if (!numeric.isEmpty()) {
      stages.add(new Imputer().setStrategy("median")
          .setInputCols(numeric.toArray(String[]::new))
          .setOutputCols(numeric.stream().map(c -> c + "_imputed").toArray(String[]::new)));
      stages.add(new VectorAssembler()
          .setInputCols(numeric.stream().map(c -> c + "_imputed").toArray(String[]::new))
          .setOutputCol("numeric_raw"));
      stages.add(new StandardScaler().setWithMean(true).setWithStd(true)
          .setInputCol("numeric_raw").setOutputCol("numeric_scaled"));
      assembled.add("numeric_scaled");
    }
    List<String> categorical = config.categorical();
    if (!categorical.isEmpty()) {
      stages.add(new StringIndexer().setStringOrderType("frequencyDesc").setHandleInvalid("keep")
          .setInputCols(categorical.toArray(String[]::new))
          .setOutputCols(categorical.stream().map(c -> c + "_index").toArray(String[]::new)));
    }
    if (!categorical.isEmpty()) {
      // StringIndexer's "keep" adds an "__unknown" label to the column's metadata, so the encoder
      // gives unseen values one slot, as deepline's other slot.
      List<String> indexed = categorical.stream().map(c -> c + "_index").toList();
      stages.add(new OneHotEncoder().setDropLast(false)
          .setInputCols(indexed.toArray(String[]::new))
          .setOutputCols(indexed.stream().map(c -> c + "_onehot").toArray(String[]::new)));
      indexed.forEach(c -> assembled.add(c + "_onehot"));
    }
    if (!oneHotIn.isEmpty()) {
      // A calendar part has a known number of values (12 months even when training saw 6), as
      // deepline's one-hot slots do: an encoder built with those sizes, nothing to fit.
      OneHotEncoderModel calendar = new OneHotEncoderModel("calendar_onehot",
          oneHotIn.stream().mapToInt(FeaturesBench::periodLength).toArray());
      calendar.setDropLast(false);
      calendar.setInputCols(oneHotIn.toArray(String[]::new));
      calendar.setOutputCols(oneHotIn.stream().map(c -> c + "_onehot").toArray(String[]::new));
      stages.add(calendar);
    }
    // The vector in deepline's slot order: numeric, categorical, then each date's parts.
    config.datetime().forEach(d -> d.parts().forEach(part -> {
      String name = d.column() + "_" + part;
      if (cyclical.contains(name + "_sin")) {
        assembled.add(name + "_sin");
        assembled.add(name + "_cos");
      } else {
        assembled.add(name + "_onehot");
      }
    }));
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new))
        .setOutputCol(VECTOR));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  /** The number of values of a calendar part column {@code <date column>_<part>}. */
  private static int periodLength(String column) {
    return column.endsWith("_hour") ? 24 : column.endsWith("_day_of_week") ? 7 : 12;
  }

  /**
   * Both tables hold every training row, vectors of one width, and the same number of non-zero
   * slots in all (the transforms are the same; slot order within a one-hot group may differ).
   */
  private static void check(SparkSession spark, Path dir, long rows) {
    Dataset<Row> oursTable = DeltaTables.read(spark, dir.resolve(DEEPLINE).toString());
    // The dense layout (an array per row) or the sparse one (width, slots, values).
    Row ours = List.of(oursTable.columns()).contains(SPARSE)
        ? oursTable.agg(functions.count(functions.lit(1)),
            functions.min(functions.col(SPARSE + ".size")),
            functions.max(functions.col(SPARSE + ".size")),
            nonZeros(functions.col(SPARSE + ".values"))).head()
        : oursTable.select(functions.col(VECTOR).as("v"))
        .agg(functions.count(functions.lit(1)), functions.min(functions.size(functions.col("v"))),
            functions.max(functions.size(functions.col("v"))), nonZeros(functions.col("v")))
        .head();
    Dataset<Row> theirsTable = DeltaTables.read(spark, dir.resolve(MLLIB).toString());
    Column theirVector = org.apache.spark.ml.functions.vector_to_array(
        functions.col(VECTOR), "float64");
    Row theirs = theirsTable.select(theirVector.as("v"))
        .agg(functions.count(functions.lit(1)), functions.min(functions.size(functions.col("v"))),
            functions.max(functions.size(functions.col("v"))), nonZeros(functions.col("v")))
        .head();
    System.out.printf(Locale.ROOT, "  check: deepline %,d rows, width %d..%d, %,d non-zero slots "
            + "(stored as %s); MLlib %,d rows, width %d..%d, %,d non-zero slots (stored as %s)%n",
        ours.getLong(0), ours.getInt(1), ours.getInt(2), ours.getLong(3),
        oursTable.schema().apply(oursTable.columns()[3]).dataType().simpleString(), theirs.getLong(0), theirs.getInt(1), theirs.getInt(2),
        theirs.getLong(3), theirsTable.schema().apply(VECTOR).dataType().simpleString());
    boolean same = ours.getLong(0) == rows && theirs.getLong(0) == rows
        && ours.getInt(1) == theirs.getInt(1) && ours.getInt(2) == theirs.getInt(2)
        && ours.getInt(1) == ours.getInt(2) && ours.getLong(3) == theirs.getLong(3);
    System.out.println("  check: " + (same ? "same rows, width and non-zero slots"
        : "MISMATCH: the contenders do not compute the same features"));
    if (!same) {
      throw new IllegalStateException("deepline and MLlib wrote different features");
    }
  }

  /** Non-zero elements over all rows of an array column. */
  private static Column nonZeros(Column array) {
    return functions.sum(functions.aggregate(array, functions.lit(0L),
        (count, x) -> count.plus(functions.when(x.notEqual(0), 1).otherwise(0))));
  }

  /** Each contender's transform alone, to the noop sink: transform vs write. */
  private static void profile(AtomicInteger jobs, Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long seed, Pipeline pipeline) {
    FeatureModel model = FeatureJob.fitOnTrain(train, config, provenance, seed);
    PipelineModel fitted = pipeline.fit(train);
    Phase ours = measure(jobs, () -> FeatureJob.featureRows(train, model).write().format("noop")
        .mode("overwrite").save());
    Phase theirs = measure(jobs, () -> mllibRows(fitted, train).write().format("noop")
        .mode("overwrite").save());
    System.out.printf(Locale.ROOT, "  profile: transform to noop: deepline %.1f s wall %.1f s cpu; "
        + "MLlib %.1f s wall %.1f s cpu%n", ours.wall(), ours.cpu(), theirs.wall(), theirs.cpu());
  }

  private static Phase measure(AtomicInteger jobs, Runnable work) {
    SparkSession spark = SparkSession.active();
    waitForListeners(spark);
    int before = jobs.get();
    BenchTimer timer = new BenchTimer();
    work.run();
    double[] seconds = timer.seconds();
    waitForListeners(spark);
    return new Phase(seconds[0], seconds[1], jobs.get() - before);
  }

  /** Listener events arrive asynchronously: drain the bus before counting jobs. */
  private static void waitForListeners(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(LISTENER_WAIT_MILLIS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
  }

  private static void print(String name, Result r) {
    System.out.printf(Locale.ROOT, "  %-8s fit %2d jobs %6.1f s wall %6.1f s cpu | transform+write "
            + "%2d jobs %6.1f s wall %6.1f s cpu | total %6.1f s wall %6.1f s cpu | %,d rows, "
            + "width %d%n", name, r.fit().jobs(), r.fit().wall(), r.fit().cpu(), r.write().jobs(),
        r.write().wall(), r.write().cpu(), r.total().wall(), r.total().cpu(), r.rows(), r.width());
  }

  /** The medians over the counted runs, as the README's table. */
  private static void report(Map<String, List<Result>> results, int runs) {
    Phase floor = median(results.get(FLOOR), Result::total);
    Phase reference = median(results.get(MLLIB), Result::total);
    System.out.printf(Locale.ROOT, "median of %d runs%n", runs);
    System.out.println("| Contender | fit: jobs, wall s, CPU s | transform + write: jobs, wall s, "
        + "CPU s | total wall s | total CPU s | / MLlib: wall, CPU | / floor: wall, CPU |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    for (Map.Entry<String, List<Result>> entry : results.entrySet()) {
      Phase fit = median(entry.getValue(), Result::fit);
      Phase write = median(entry.getValue(), Result::write);
      Phase total = median(entry.getValue(), Result::total);
      System.out.printf(Locale.ROOT, "| %s | %d, %.1f, %.1f | %d, %.1f, %.1f | %.1f | %.1f | "
              + "%.2f x, %.2f x | %.2f x, %.2f x |%n", entry.getKey(), fit.jobs(), fit.wall(),
          fit.cpu(), write.jobs(), write.wall(), write.cpu(), total.wall(), total.cpu(),
          total.wall() / reference.wall(), total.cpu() / reference.cpu(),
          total.wall() / floor.wall(), total.cpu() / floor.cpu());
    }
  }

  /** Per measure, the median over the runs (wall, CPU and jobs each on its own). */
  private static Phase median(List<Result> runs, java.util.function.Function<Result, Phase> of) {
    double[] wall = runs.stream().mapToDouble(r -> of.apply(r).wall()).sorted().toArray();
    double[] cpu = runs.stream().mapToDouble(r -> of.apply(r).cpu()).sorted().toArray();
    int[] jobs = runs.stream().mapToInt(r -> of.apply(r).jobs()).sorted().toArray();
    return new Phase(middle(wall), middle(cpu), jobs[jobs.length / 2]);
  }

  private static double middle(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Prints every completed stage: its wall time, the executor CPU of its tasks, rows read and
   * written, and its call site: where a contender's time goes.
   */
  private static final class StageTimes extends SparkListener {
    private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      scala.collection.Iterator<StageInfo> infos = jobStart.stageInfos().iterator();
      while (infos.hasNext()) {
        jobOfStage.put(infos.next().stageId(), jobStart.jobId());
      }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
      StageInfo info = completed.stageInfo();
      double wall = info.completionTime().isDefined() && info.submissionTime().isDefined()
          ? ((Long) info.completionTime().get() - (Long) info.submissionTime().get()) / 1e3
          : Double.NaN;
      var metrics = info.taskMetrics();
      System.out.printf(Locale.ROOT, "    job %s stage %d: %6.2f s wall %6.2f s executor cpu, "
              + "%d tasks, in %,d rows (shuffle %,d), out %,d rows (shuffle %,d)  %s%n",
          jobOfStage.getOrDefault(info.stageId(), -1), info.stageId(), wall,
          metrics.executorCpuTime() / 1e9, info.numTasks(), metrics.inputMetrics().recordsRead(),
          metrics.shuffleReadMetrics().recordsRead(), metrics.outputMetrics().recordsWritten(),
          metrics.shuffleWriteMetrics().recordsWritten(), info.name());
    }
  }
}
