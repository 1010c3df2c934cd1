package org.deepline.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deepline.baselines.BaselineConfig;
import org.deepline.baselines.BaselineLadder;
import org.deepline.etl.LabelConfig;
import org.deepline.features.FeatureTransform;

/**
 * Times the baseline ladder (all five rungs, as {@code train} fits them) on the driver in plain Java
 * against the same ladder in MLlib ({@code baselines.driver_max_rows: 0}), on the same rows in one
 * JVM, alternating which goes first: flights features ({@link TrainingBenchFeatures}: about 480
 * values a row, mostly one-hot airports) at a few training sizes, with every rung's validation ROC
 * AUC beside its MLlib twin's. Wall and CPU seconds of the JVM ({@link BenchTimer}).
 *
 * <pre>
 * bench/run LadderBench --sample 20000 --train-rows 2000,5000,10000 --runs 2
 * </pre>
 *
 * Options: {@code --path P} (default {@value #DEFAULT_PATH}), {@code --sample N} (input rows kept,
 * default 20,000), {@code --train-rows A,B,..} (training subsets), {@code --runs N} (default 2).
 */
public final class LadderBench {
  private static final String DEFAULT_PATH = "../shared/datasets/flights-3m.parquet";
  private static final long DEFAULT_SAMPLE = 20_000;
  private static final List<Long> DEFAULT_TRAIN_ROWS = List.of(2_000L, 5_000L, 10_000L);
  private static final int DEFAULT_RUNS = 2;
  private static final int SLOTS = 2;
  private static final long SEED = 42;
  private static final BaselineConfig IN_MLLIB =
      new BaselineConfig(null, null, null, null, null, null, 0);

  private LadderBench() {}

  public static void main(String[] args) {
    String path = DEFAULT_PATH;
    long sample = DEFAULT_SAMPLE;
    List<Long> sizes = DEFAULT_TRAIN_ROWS;
    int runs = DEFAULT_RUNS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--path" -> path = args[++i];
        case "--sample" -> sample = Long.parseLong(args[++i]);
        case "--train-rows" -> sizes = java.util.Arrays.stream(args[++i].split(","))
            .map(Long::parseLong).toList();
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = TrainingBenchSession.create(SLOTS);
    TrainingBenchFeatures.Built built = TrainingBenchFeatures.build(spark, path, SEED, sample,
        SLOTS);
    System.out.printf(Locale.ROOT, "flights features: %d values a row (%s); %,d train, %,d "
        + "validation rows; %d cores%n", built.width(), built.layout(), built.trainRows(),
        built.validationRows(), Runtime.getRuntime().availableProcessors());
    Dataset<Row> validation = TrainingBenchFeatures.asDeeplineRows(
        TrainingBenchFeatures.split(built, TrainingBenchFeatures.VALIDATION))
        .persist(StorageLevel.MEMORY_ONLY());
    long validationRows = validation.count();
    try {
      for (long size : sizes) {
        Dataset<Row> train = TrainingBenchFeatures.asDeeplineRows(
            TrainingBenchFeatures.trainSubset(built, size)).persist(StorageLevel.MEMORY_ONLY());
        long trainRows = train.count();
        try {
          for (int run = 1; run <= runs; run++) {
            boolean driverFirst = run % 2 == 1;
            Map<String, Ladder> byPlace = new LinkedHashMap<>();
            for (boolean onDriver : driverFirst ? List.of(true, false) : List.of(false, true)) {
              byPlace.put(onDriver ? "driver" : "MLlib", ladder(train, validation, trainRows,
                  onDriver ? BaselineConfig.defaults() : IN_MLLIB));
            }
            report(trainRows, validationRows, run, byPlace.get("driver"), byPlace.get("MLlib"));
          }
        } finally {
          train.unpersist();
        }
      }
    } finally {
      validation.unpersist();
      built.rows().unpersist();
      spark.stop();
    }
  }

  /** One ladder's wall and CPU seconds and its rungs. */
  private record Ladder(double wall, double cpu, List<BaselineLadder.Result> rungs) {}

  private static Ladder ladder(Dataset<Row> train, Dataset<Row> validation, long trainRows,
      BaselineConfig config) {
    BenchTimer timer = new BenchTimer();
    List<BaselineLadder.Result> rungs = BaselineLadder.run(train, validation,
        FeatureTransform.FEATURES, LabelConfig.LABEL, trainRows, config, SEED);
    double[] seconds = timer.seconds();
    return new Ladder(seconds[0], seconds[1], rungs);
  }

  private static void report(long trainRows, long validationRows, int run, Ladder driver,
      Ladder mllib) {
    List<String> rungs = new ArrayList<>();
    for (int i = 0; i < driver.rungs().size(); i++) {
      BaselineLadder.Result d = driver.rungs().get(i);
      BaselineLadder.Result m = mllib.rungs().get(i);
      rungs.add(String.format(Locale.ROOT, "%s %.4f/%.4f (%.2f/%.2f s)", d.model(),
          d.validationRocAuc(), m.validationRocAuc(), d.fitSeconds(), m.fitSeconds()));
    }
    System.out.printf(Locale.ROOT, "%,d train / %,d validation rows, run %d: driver %.1f s wall "
            + "/ %.1f s cpu, MLlib %.1f / %.1f; ratio driver/MLlib %.2f x wall, %.2f x cpu%n"
            + "  validation ROC AUC driver/MLlib (fit s): %s%n",
        trainRows, validationRows, run, driver.wall(), driver.cpu(), mllib.wall(), mllib.cpu(),
        driver.wall() / mllib.wall(), driver.cpu() / mllib.cpu(), String.join("; ", rungs));
  }
}
