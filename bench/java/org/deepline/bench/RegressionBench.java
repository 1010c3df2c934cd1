package org.deepline.bench;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.baselines.RegressionLadder;
import org.deepline.etl.LabelConfig;
import org.deepline.metrics.RegressionScores;
import org.deepline.training.NetworkFactory;
import org.deepline.training.NetworkInput;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TrainingData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Regression training benchmark on flights-3m: the features {@link TrainingBench} builds
 * ({@link TrainingBenchFeatures}: distance, hour, day of week, month, origin, destination) with the
 * label {@code delay} in minutes, rows without a delay dropped, the same seeded 70/15/15 split. In
 * one JVM, one after another, on the same rows:
 * <ul>
 *   <li>(a) the floor: plain DL4J {@code fit} on one thread over 512-row minibatches held on the
 *   driver, labels standardised by the training mean and standard deviation, deepline's default
 *   regressor for this width ({@link NetworkFactory#regressor}, {@link TrainingConfig#defaults},
 *   {@link LossMSE}, identity output);</li>
 *   <li>(c) MLlib {@code LinearRegression} on all training rows;</li>
 *   <li>(g) MLlib {@code GBTRegressor} on a sample of the training rows, as {@code RegressionLadder}
 *   sets it;</li>
 *   <li>(d) deepline's {@link TrainingData} of a number, standardised as {@code RegressionTrain}
 *   does, and its parameter averaging with the default settings for these rows, 2 workers as Spark
 *   tasks ({@code workers_on: executors}); (e) the same with the workers as driver threads.</li>
 * </ul>
 * Each DL4J epoch is timed without its scoring, then the validation rows are scored (RMSE and MAE
 * in minutes, R²). Prints every measurement as it is made and a Markdown summary with the ratios
 * at the end (bench/README.md, section Regression benchmark).
 *
 * <pre>
 * bench/run RegressionBench            # all rows, about 30 minutes on 2 cores
 * bench/run RegressionBench --quick    # a 600 k-row sample, about 6 minutes
 * bench/run RegressionBench --only floor,deepline,linear --deepline-epochs 3
 * </pre>
 */
public final class RegressionBench {
  static final List<String> PARTS = List.of("floor", "deepline", "driver", "linear", "gbt");
  /**
   * The linear model's L2 strength: the weakest of {@code RegressionLadder}'s grid. Some penalty is
   * needed, since the one-hot groups keep every category and so are collinear with the intercept.
   */
  static final double LINEAR_PENALTY = 1e-4;
  static final int LINEAR_ITERATIONS = 100;
  /** Minibatches of (a) fitted on a throwaway network before anything is timed (the JIT). */
  static final int WARM_UP_BATCHES = 40;

  private final Options options;
  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private TrainingBenchFeatures.Built features;
  private TrainingData validation;
  private double mean;
  private double deviation;
  private final Map<String, List<Epoch>> networks = new LinkedHashMap<>();
  private final Map<String, Fit> mllib = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * What a run measures.
   *
   * @param sampleRows keep about this many input rows (0: all 3 M)
   * @param gbtRows    training rows (g) fits on
   * @param parts      the parts to run, of {@link #PARTS}
   */
  record Options(String data, long seed, long sampleRows, int floorEpochs, int deeplineEpochs,
      long gbtRows, Set<String> parts, boolean quick) {
    private static final String QUICK = "--quick";

    static Options fullRun() {
      return new Options(TrainingBenchOptions.DEFAULT_DATA, TrainingBenchOptions.DEFAULT_SEED, 0,
          3, 5, 300_000, Set.copyOf(PARTS), false);
    }

    static Options quickRun() {
      return new Options(TrainingBenchOptions.DEFAULT_DATA, TrainingBenchOptions.DEFAULT_SEED,
          600_000, 2, 3, 100_000, Set.copyOf(PARTS), true);
    }

    static Options parse(String[] args) {
      boolean quick = Arrays.asList(args).contains(QUICK);
      Options base = quick ? quickRun() : fullRun();
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals(QUICK)) {
          continue;
        }
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value, got " + args[i]
              + " (see bench/README.md)");
        }
        values.put(args[i].substring(2), args[++i]);
      }
      Set<String> unknown = new HashSet<>(values.keySet());
      unknown.removeAll(List.of("data", "seed", "sample-rows", "floor-epochs", "deepline-epochs",
          "gbt-rows", "only"));
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + unknown + " (see bench/README.md)");
      }
      Set<String> parts = values.containsKey("only")
          ? Set.copyOf(Arrays.asList(values.get("only").split(","))) : base.parts();
      if (!PARTS.containsAll(parts)) {
        throw new IllegalArgumentException("--only takes parts of " + PARTS + ", got " + parts);
      }
      return new Options(values.getOrDefault("data", base.data()),
          Long.parseLong(values.getOrDefault("seed", String.valueOf(base.seed()))),
          Long.parseLong(values.getOrDefault("sample-rows", String.valueOf(base.sampleRows()))),
          Integer.parseInt(values.getOrDefault("floor-epochs",
              String.valueOf(base.floorEpochs()))),
          Integer.parseInt(values.getOrDefault("deepline-epochs",
              String.valueOf(base.deeplineEpochs()))),
          Long.parseLong(values.getOrDefault("gbt-rows", String.valueOf(base.gbtRows()))),
          parts, quick);
    }
  }

  /** One epoch of a DL4J contender: its training time and the validation figures after it. */
  record Epoch(int epoch, long rows, double seconds, double trainingSeconds, double cores,
      double trainingLoss, double rmse, double mae, double r2, double scoringSeconds,
      double load) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /** A fitted MLlib model and its validation figures in minutes. */
  record Fit(String name, long rows, double seconds, double cores, RegressionScores validation,
      double load) {}

  private RegressionBench(Options options, SparkSession spark) {
    this.options = options;
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  public static void main(String[] args) {
    Options options = Options.parse(args);
    SparkSession spark = TrainingBenchSession.create(TrainingBench.WORKERS);
    try {
      new RegressionBench(options, spark).execute();
    } finally {
      spark.stop();
    }
  }

  private void execute() {
    System.out.printf(Locale.ROOT, "## Regression benchmark: %s, %d cores, %s; Java %s, Spark %s, "
            + "ND4J %s, OMP_NUM_THREADS=%s; %s%n", ZonedDateTime.now().withNano(0),
        Runtime.getRuntime().availableProcessors(), TrainingBench.hostMemory(),
        System.getProperty("java.version"), spark.version(),
        Nd4j.getBackend().getClass().getSimpleName(), System.getenv("OMP_NUM_THREADS"), options);
    features = TrainingBenchFeatures.build(spark, options.data(), options.seed(),
        options.sampleRows(), TrainingBenchRun.FEATURE_PARTITIONS,
        TrainingBenchFeatures.Target.delayMinutes());
    note(String.format(Locale.ROOT, "features built and cached in %.1f s (not part of the "
            + "comparison): %,d train / %,d validation / %,d test rows with a delay; width %d = %s",
        features.seconds(), features.trainRows(), features.validationRows(), features.testRows(),
        features.width(), features.layout()));
    validation = cache(TrainingBenchFeatures.split(features, TrainingBenchFeatures.VALIDATION),
        "validation");
    TrainingData train = cache(TrainingBenchFeatures.trainSubset(features, 0), "train");
    mean = train.targetMean();
    deviation = train.targetDeviation();
    train.standardise(mean, deviation);
    validation.standardise(mean, deviation);
    double meanRmse = Math.hypot(validation.targetDeviation(), validation.targetMean() - mean);
    note(String.format(Locale.ROOT, "training delay: mean %.2f, standard deviation %.2f minutes; "
        + "predicting the training mean gives a validation RMSE of %.2f minutes (R² about 0)", mean,
        deviation, meanRmse));
    TrainingConfig config = TrainingConfig.defaults().resolve(train.rows());
    if (options.parts().contains("floor")) {
      floor(config);
    }
    if (options.parts().contains("deepline")) {
      networks.put(deeplineName(config, TrainingConfig.WORKERS_ON_EXECUTORS),
          deepline(train, config.withWorkersOn(TrainingConfig.WORKERS_ON_EXECUTORS), "(d)"));
    }
    if (options.parts().contains("driver")) {
      networks.put(deeplineName(config, TrainingConfig.WORKERS_ON_DRIVER),
          deepline(train, config.withWorkersOn(TrainingConfig.WORKERS_ON_DRIVER), "(e)"));
    }
    train.release();
    Dataset<Row> validationRows =
        TrainingBenchFeatures.split(features, TrainingBenchFeatures.VALIDATION);
    if (options.parts().contains("linear")) {
      mllib(new LinearRegression().setRegParam(LINEAR_PENALTY).setElasticNetParam(0.0)
              .setStandardization(true).setMaxIter(LINEAR_ITERATIONS),
          "(c) MLlib linear regression", TrainingBenchFeatures.trainSubset(features, 0),
          validationRows);
    }
    if (options.parts().contains("gbt")) {
      Dataset<Row> sample = TrainingBenchFeatures.trainSubset(features, options.gbtRows());
      mllib(RegressionLadder.gbt(options.seed()),
          String.format(Locale.ROOT, "(g) MLlib GBT, %d trees of depth %d, on a %,d-row sample",
              RegressionLadder.GBT_ITERATIONS, RegressionLadder.GBT_DEPTH, options.gbtRows()),
          sample, validationRows);
    }
    validation.release();
    RegressionBenchReport.summary(notes, networks, mllib, features.trainRows());
  }

  private TrainingData cache(Dataset<Row> rows, String split) {
    long started = System.nanoTime();
    TrainingData data = TrainingData.cache(TrainingBenchFeatures.asDeeplineRows(rows),
        TrainingBench.WORKERS, options.seed(), split, features.width(), TrainingData.NUMBER);
    note(String.format(Locale.ROOT, "%s rows cached as deepline's TrainingData: %s in %.1f s (not "
        + "timed as training)", split, data, (System.nanoTime() - started) / 1e9));
    return data;
  }

  private MultiLayerNetwork newNetwork(TrainingConfig config) {
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.regressor(config,
        NetworkInput.plain(features.width()), new LossMSE()));
    network.init();
    return network;
  }

  /** (a): plain DL4J on the driver, after a warm-up on a throwaway network. */
  private void floor(TrainingConfig config) {
    TrainingBenchFloor.Batches batches = TrainingBenchFloor.collect(
        TrainingBenchFeatures.trainSubset(features, 0), features.width(), TrainingBench.FLOOR_BATCH,
        options.seed(), TrainingBenchFloor.standardisedNumber(mean, deviation));
    note(String.format(Locale.ROOT, "(a) collected %,d training rows to the driver as %d "
            + "minibatches of %d in %.1f s (not timed as training)", batches.rows(),
        batches.batches().size(), TrainingBench.FLOOR_BATCH, batches.collectSeconds()));
    long started = System.nanoTime();
    MultiLayerNetwork throwaway = newNetwork(config);
    batches.batches().stream().limit(WARM_UP_BATCHES).forEach(throwaway::fit);
    note(String.format(Locale.ROOT, "warm-up: %d minibatches of (a) in %.1f s", WARM_UP_BATCHES,
        (System.nanoTime() - started) / 1e9));
    String name = String.format(Locale.ROOT, "(a) plain DL4J, one thread, batch %d, network %s",
        TrainingBench.FLOOR_BATCH, shape(config));
    networks.put(name, TrainingBenchFloor.fit(newNetwork(config), batches, config.seed(),
        options.floorEpochs(), scorer("(a)")));
    batches.release();
  }

  /** (d) or (e): deepline's parameter averaging with the defaults for these training rows. */
  private List<Epoch> deepline(TrainingData train, TrainingConfig config, String label) {
    return TrainingBenchDeepline.fit(jsc, train, newNetwork(config), config,
        options.deeplineEpochs(), scorer(label));
  }

  private String deeplineName(TrainingConfig config, String workersOn) {
    return String.format(Locale.ROOT, "(%s) deepline, defaults: batch %d per worker, averaging "
            + "every %d, %d workers on the %s, network %s",
        workersOn.equals(TrainingConfig.WORKERS_ON_DRIVER) ? "e" : "d",
        config.batchSizePerWorker(), config.averagingFrequency(), config.workers(), workersOn,
        shape(config));
  }

  private String shape(TrainingConfig config) {
    StringBuilder shape = new StringBuilder(String.valueOf(features.width()));
    config.layers().forEach(layer -> shape.append('-').append(layer.units()));
    return shape + "-1 (identity, MSE), Adam " + config.learningRate() + ", l2 " + config.l2();
  }

  /** Scores the validation rows after each epoch; RMSE and MAE back in minutes. */
  private TrainingBench.EpochScorer<Epoch> scorer(String name) {
    return (epoch, rows, seconds, watch, trainingSeconds, loss, network) -> {
      double cores = watch.cores();
      long started = System.nanoTime();
      RegressionScores scores = validation.scoreNumbers(jsc, network);
      Epoch result = new Epoch(epoch, rows, seconds, trainingSeconds, cores, loss,
          scores.rmse() * deviation, scores.mae() * deviation, scores.r2(),
          (System.nanoTime() - started) / 1e9, watch.load());
      System.out.printf(Locale.ROOT, "%s | epoch %d: %,d rows in %.1f s = %,.0f rows/s using %.2f "
              + "cores (%.1f s in all); training loss %.4f; validation RMSE %.3f min, MAE %.3f min,"
              + " R² %.4f (scored in %.1f s); load %.2f%n", name, epoch, rows, seconds,
          result.rowsPerSecond(), cores, trainingSeconds, loss, result.rmse(), result.mae(),
          result.r2(), result.scoringSeconds(), result.load());
      return result;
    };
  }

  private <M extends PredictionModel<Vector, M>> void mllib(Predictor<Vector, ?, M> learner,
      String name, Dataset<Row> train, Dataset<Row> validationRows) {
    long rows = train.count();
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    M model = learner.setFeaturesCol(TrainingBenchFeatures.VECTOR)
        .setLabelCol(LabelConfig.LABEL).fit(train);
    double seconds = watch.seconds();
    double cores = watch.cores();
    Fit fit = new Fit(name, rows, seconds, cores, RegressionScores.collect(
        model.transform(validationRows), model.getPredictionCol(), LabelConfig.LABEL),
        watch.load());
    mllib.put(name, fit);
    System.out.printf(Locale.ROOT, "%s: fit %,d rows in %.1f s using %.2f cores; validation RMSE "
            + "%.3f min, MAE %.3f min, R² %.4f; load %.2f%n", name, rows, seconds, cores,
        fit.validation().rmse(), fit.validation().mae(), fit.validation().r2(), fit.load());
  }

  private void note(String text) {
    notes.add(text);
    System.out.println("- " + text);
  }
}
