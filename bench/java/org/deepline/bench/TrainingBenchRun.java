package org.deepline.bench;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TrainingData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One {@link TrainingBench} run: features, a warm-up, the contenders on the same rows, then the
 * parts on the sweep subset, and the summary. Parts run in a fixed order so that runs compare.
 */
final class TrainingBenchRun {
  /** Partitions of the cached feature rows: two tasks per core keep both cores busy to the end. */
  static final int FEATURE_PARTITIONS = 2 * TrainingBench.WORKERS;
  /** Rounds a sweep cell fits to predict how long its epoch takes. */
  static final int SWEEP_PROBE_ROUNDS = 5;
  /** Spark jobs and rounds timed for the per-job costs of the overhead part. */
  private static final int OVERHEAD_JOBS = 50;
  /**
   * Rounds and minibatches fitted before anything is timed, so that no contender pays for the JIT
   * compiling DL4J, ND4J and Spark code the one before it left cold.
   */
  private static final int WARM_UP_ROUNDS = 20;

  private final TrainingBenchOptions options;
  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final TrainingBenchReport report = new TrainingBenchReport();
  private TrainingBenchFeatures.Built features;
  private TrainingData validation;

  TrainingBenchRun(TrainingBenchOptions options, SparkSession spark) {
    this.options = options;
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  void execute() {
    report.header(String.format(Locale.ROOT, "%s, %d cores, %s; Java %s, Spark %s, ND4J %s, "
            + "OMP_NUM_THREADS=%s; %s", ZonedDateTime.now().withNano(0),
        Runtime.getRuntime().availableProcessors(), TrainingBench.hostMemory(),
        System.getProperty("java.version"), spark.version(),
        Nd4j.getBackend().getClass().getSimpleName(), System.getenv("OMP_NUM_THREADS"), options));
    features = TrainingBenchFeatures.build(spark, options.data(), options.seed(),
        options.sampleRows(), FEATURE_PARTITIONS);
    report.features(features);
    validation = cache(TrainingBenchFeatures.split(features, TrainingBenchFeatures.VALIDATION),
        "validation", "validation rows cached for scoring");
    boolean onSubset = options.runs("sweep") || options.runs("overhead") || options.runs("rates");
    TrainingData subset = onSubset ? cache(TrainingBenchFeatures.trainSubset(features,
        options.sweepRows()), "train subset", "sweep subset cached") : null;
    warmUp(subset != null ? subset : validation);
    if (options.runs("floor")) {
      floor();
    }
    if (options.runs("deepline") || options.runs("candidate") || options.runs("driver")) {
      deepline();
    }
    mllib();
    if (subset != null) {
      if (options.runs("sweep")) {
        sweep(subset);
      }
      if (options.runs("overhead")) {
        overhead(subset);
      }
      if (options.runs("rates")) {
        rates(subset);
      }
      subset.release();
    }
    validation.release();
    report.summary();
  }

  private TrainingData cache(Dataset<Row> rows, String split, String what) {
    long started = System.nanoTime();
    TrainingData data = TrainingData.cache(TrainingBenchFeatures.asDeeplineRows(rows),
        TrainingBench.WORKERS, options.seed(), split, features.width());
    report.note(String.format(Locale.ROOT, "%s: %s in %.1f s (not timed as training)", what, data,
        (System.nanoTime() - started) / 1e9));
    return data;
  }

  /** A few rounds of (d) and the same minibatches fitted as (a) does, on a throwaway network. */
  private void warmUp(TrainingData rows) {
    long started = System.nanoTime();
    TrainingConfig config = config(TrainingBench.FLOOR_BATCH, 1, TrainingBench.LEARNING_RATE, 1);
    TrainingBenchDeepline.partialEpoch(jsc, rows, null, config, features.width(), WARM_UP_ROUNDS,
        Double.POSITIVE_INFINITY);
    MultiLayerNetwork network = TrainingBenchDeepline.newNetwork(config, features.width());
    int rowsPerWorker = WARM_UP_ROUNDS * TrainingBench.FLOOR_BATCH / TrainingBench.WORKERS;
    for (DataSet batch : rows.round(1, 0, rowsPerWorker, TrainingBench.FLOOR_BATCH).collect()) {
      network.fit(batch);
    }
    report.note(String.format(Locale.ROOT, "warm-up: %d rounds of (d) and %d minibatches of (a) in "
        + "%.1f s", WARM_UP_ROUNDS, WARM_UP_ROUNDS, (System.nanoTime() - started) / 1e9));
  }

  /** (a): plain DL4J on the driver. */
  private void floor() {
    Dataset<Row> rows = TrainingBenchFeatures.trainSubset(features, options.floorRows());
    TrainingBenchFloor.Batches batches = TrainingBenchFloor.collect(rows, features.width(),
        TrainingBench.FLOOR_BATCH, options.seed());
    report.note(String.format(Locale.ROOT, "(a) collected %,d training rows to the driver as %d "
            + "minibatches of %d in %.1f s (not timed as training)", batches.rows(),
        batches.batches().size(), TrainingBench.FLOOR_BATCH, batches.collectSeconds()));
    TrainingConfig config = config(TrainingBench.FLOOR_BATCH, 1, TrainingBench.LEARNING_RATE,
        options.floorEpochs());
    report.floor(TrainingBenchFloor.fit(jsc, batches, config, features.width(),
        options.floorEpochs(), validation), batches.rows());
    batches.release();
  }

  /** (d) with deepline's current defaults, and with the candidate defaults, on all training rows. */
  private void deepline() {
    TrainingData train = cache(TrainingBenchFeatures.trainSubset(features, 0), "train",
        "(d) training rows cached");
    if (options.runs("deepline")) {
      withDefaults(train, TrainingConfig.WORKERS_ON_EXECUTORS, "(d) deepline, current defaults");
    }
    if (options.runs("driver")) {
      withDefaults(train, TrainingConfig.WORKERS_ON_DRIVER, "(e) deepline, workers on the driver");
    }
    if (options.runs("candidate")) {
      TrainingConfig config = config(options.candidateBatch(), options.candidateFrequency(),
          options.candidateRate(), options.deeplineEpochs())
          .withWorkersOn(TrainingConfig.WORKERS_ON_EXECUTORS);
      report.deepline(TrainingBenchDeepline.fit(jsc, train, validation, config, features.width(),
          options.deeplineEpochs(), "(d) deepline, proposed defaults"), config, true);
    }
    train.release();
  }

  /**
   * (d) or (e): deepline's defaults for the training rows, the workers where {@code workersOn}
   * puts them.
   */
  private void withDefaults(TrainingData train, String workersOn, String name) {
    TrainingConfig defaults = TrainingConfig.defaults();
    TrainingConfig resolved = defaults.resolve(train.rows());
    TrainingConfig config = config(resolved.batchSizePerWorker(), resolved.averagingFrequency(),
        defaults.learningRate(), options.deeplineEpochs()).withWorkersOn(workersOn);
    report.deepline(TrainingBenchDeepline.fit(jsc, train, validation, config, features.width(),
        options.deeplineEpochs(), name), config, false);
  }

  /** (b) and (c). */
  private void mllib() {
    Dataset<Row> validationRows =
        TrainingBenchFeatures.split(features, TrainingBenchFeatures.VALIDATION);
    if (options.runs("logistic")) {
      report.mllib(TrainingBenchMllib.logistic(TrainingBenchFeatures.trainSubset(features, 0),
          validationRows, options.logisticIterations(), TrainingBench.MLLIB_TOLERANCE),
          features.trainRows());
    }
    if (options.runs("perceptron")) {
      int[] layers = new int[TrainingBench.HIDDEN_UNITS.size() + 2];
      layers[0] = features.width();
      for (int i = 0; i < TrainingBench.HIDDEN_UNITS.size(); i++) {
        layers[i + 1] = TrainingBench.HIDDEN_UNITS.get(i);
      }
      layers[layers.length - 1] = NetworkFactory.CLASSES;
      Dataset<Row> rows = TrainingBenchFeatures.trainSubset(features, options.perceptronRows());
      report.mllib(TrainingBenchMllib.perceptron(rows, validationRows, layers,
          options.perceptronIterations(), TrainingBench.MLLIB_TOLERANCE, options.seed()),
          rows.count());
    }
  }

  /**
   * Every cell first fits a few rounds to predict its epoch time; cells whose epoch fits in the cap
   * then train full epochs with {@code fitEpoch}, the others fit epoch 1 until the cap and report
   * what they did in that time.
   */
  private void sweep(TrainingData subset) {
    double cap = options.sweepEpochCapSeconds();
    List<TrainingBench.SweepCell> cells = new ArrayList<>();
    for (int frequency : options.sweepFrequencies()) {
      for (int batch : options.sweepBatches()) {
        TrainingConfig config = config(batch, frequency, TrainingBench.LEARNING_RATE,
            options.sweepEpochs());
        String name = String.format(Locale.ROOT, "sweep batch %d, averaging every %d", batch,
            frequency);
        TrainingBenchDeepline.Partial probe = TrainingBenchDeepline.partialEpoch(jsc, subset, null,
            config, features.width(), SWEEP_PROBE_ROUNDS, cap);
        double predicted = probe.secondsPerRound() * probe.roundsPerEpoch();
        if (predicted <= cap) {
          List<TrainingBench.Epoch> epochs = TrainingBenchDeepline.fit(jsc, subset, validation,
              config, features.width(), options.sweepEpochs(), name);
          double perRound = epochs.stream().mapToDouble(TrainingBench.Epoch::seconds).average()
              .orElseThrow() / probe.roundsPerEpoch();
          cells.add(new TrainingBench.SweepCell(frequency, batch, probe.roundsPerEpoch(), epochs,
              false, perRound, predicted));
        } else {
          TrainingBenchDeepline.Partial partial = TrainingBenchDeepline.partialEpoch(jsc, subset,
              validation, config, features.width(), Integer.MAX_VALUE, cap);
          System.out.printf(Locale.ROOT, "%s: an epoch would take about %.0f s (%d rounds of %.0f "
                  + "ms); fitted %d rounds in the %.0f s cap%n", name, predicted,
              probe.roundsPerEpoch(), 1000 * probe.secondsPerRound(), partial.rounds(), cap);
          TrainingBench.print(name + " (part of epoch 1)", partial.epoch());
          cells.add(new TrainingBench.SweepCell(frequency, batch, probe.roundsPerEpoch(),
              List.of(partial.epoch()), true, partial.secondsPerRound(), predicted));
        }
      }
    }
    report.sweep(cells, subset.rows());
  }

  /** Where the time of a round goes, with the candidate settings. */
  private void overhead(TrainingData subset) {
    TrainingConfig config = config(options.candidateBatch(), options.candidateFrequency(),
        options.candidateRate(), 1);
    int rowsPerWorker = config.batchSizePerWorker() * config.averagingFrequency();
    double emptyJob = TrainingBenchDeepline.emptyJobMs(jsc, TrainingBench.WORKERS, OVERHEAD_JOBS);
    double countJob = TrainingBenchDeepline.countJobMs(subset, rowsPerWorker,
        config.batchSizePerWorker(), OVERHEAD_JOBS);
    double load = TrainingBench.load();
    long started = System.nanoTime();
    Map<String, TrainingBenchDeepline.Timing> timings =
        TrainingBenchDeepline.epochWithStats(jsc, subset, config, features.width());
    double seconds = (System.nanoTime() - started) / 1e9;
    report.overhead(config, subset.roundsPerEpoch(rowsPerWorker), seconds, emptyJob, countJob,
        timings, load);
  }

  /** Adam's learning rate with the candidate batch size and averaging frequency. */
  private void rates(TrainingData subset) {
    Map<Double, List<TrainingBench.Epoch>> results = new LinkedHashMap<>();
    for (double rate : options.learningRates()) {
      TrainingConfig config = config(options.candidateBatch(), options.candidateFrequency(), rate,
          options.ratesEpochs());
      String name = String.format(Locale.ROOT, "learning rate %s, batch %d, averaging every %d",
          rate, options.candidateBatch(), options.candidateFrequency());
      results.put(rate, TrainingBenchDeepline.fit(jsc, subset, validation, config,
          features.width(), options.ratesEpochs(), name));
    }
    report.rates(results, options.candidateBatch(), options.candidateFrequency(), subset.rows(),
        options.candidateRate());
  }

  private TrainingConfig config(int batch, int frequency, double learningRate, int epochs) {
    return TrainingBench.config(options.seed(), batch, frequency, learningRate, epochs);
  }
}
