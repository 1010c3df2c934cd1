package org.deepline.bench;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.deepline.training.NetworkFactory;
import org.deepline.training.Averaging;
import org.deepline.training.ParameterAveraging;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TrainingData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;

/**
 * Contenders (d) and (e), deepline's own path: {@link ParameterAveraging#fitEpoch} (d, the workers
 * as Spark tasks) or {@link org.deepline.training.DriverAveraging#fitEpoch} (e, the workers as
 * driver threads) over {@link TrainingData} cached in one partition per worker, validation scored
 * with {@link TrainingData#score} after every epoch, exactly as {@code TrainJob} runs it.
 */
final class TrainingBenchDeepline {
  static final String FIRST_MINIBATCH = "(derived) worker fit, first minibatch of a round";
  static final String LATER_MINIBATCHES = "(derived) worker fit, later minibatches of a round";

  private TrainingBenchDeepline() {}

  static MultiLayerNetwork newNetwork(TrainingConfig config, int width) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, width, null));
    network.init();
    return network;
  }

  /** Fits {@code epochs} epochs, scoring {@code validation} after each. */
  static List<TrainingBench.Epoch> fit(JavaSparkContext spark, TrainingData train,
      TrainingData validation, TrainingConfig config, int width, int epochs, String name) {
    return fit(spark, train, newNetwork(config, width), config, epochs,
        (epoch, rows, seconds, watch, trainingSeconds, loss, network) -> {
          TrainingBench.Epoch scored = TrainingBench.Epoch.scored(epoch, rows, seconds, watch,
              trainingSeconds, loss, spark, validation, network);
          TrainingBench.print(name, scored);
          return scored;
        });
  }

  /**
   * Fits {@code epochs} epochs from {@code start} by parameter averaging, the workers where
   * {@code config.workers_on} puts them, and records each epoch with {@code scorer}.
   */
  static <E> List<E> fit(JavaSparkContext spark, TrainingData train, MultiLayerNetwork start,
      TrainingConfig config, int epochs, TrainingBench.EpochScorer<E> scorer) {
    // Where config.workers_on puts the workers: (d) asks for the executors, (e) for the driver.
    Averaging averaging = Averaging.start(spark, start, config, train);
    List<E> results = new ArrayList<>();
    double trainingSeconds = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
      Averaging.EpochStats stats = averaging.fitEpoch(train, epoch);
      trainingSeconds += stats.seconds();
      results.add(scorer.scored(epoch, stats.rows(), stats.seconds(), watch, trainingSeconds,
          stats.lastLoss(), averaging.network()));
    }
    return results;
  }

  /** Rounds of an epoch fitted through {@link #partialEpoch} and the time they took. */
  record Partial(int rounds, int roundsPerEpoch, long rows, double seconds,
      TrainingBench.Epoch epoch) {
    double secondsPerRound() {
      return seconds / rounds;
    }
  }

  /**
   * The first rounds of epoch 1, through the calls {@link ParameterAveraging#fitEpoch} makes (one
   * {@code fit} of {@link TrainingData#round} per round), stopped after {@code maxRounds} rounds or
   * once {@code maxSeconds} have passed: for settings whose epoch would take too long to finish, and
   * to predict an epoch's time. Validation is scored when {@code validation} is not null.
   */
  static Partial partialEpoch(JavaSparkContext spark, TrainingData train, TrainingData validation,
      TrainingConfig config, int width, int maxRounds, double maxSeconds) {
    ParameterAveraging averaging =
        new ParameterAveraging(spark, newNetwork(config, width), config);
    SparkDl4jMultiLayer sparkNet = sparkNetOf(averaging);
    int rowsPerWorker = config.batchSizePerWorker() * config.averagingFrequency();
    int roundsPerEpoch = train.roundsPerEpoch(rowsPerWorker);
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    int rounds = 0;
    while (rounds < Math.min(maxRounds, roundsPerEpoch) && watch.seconds() < maxSeconds) {
      sparkNet.fit(train.round(1, rounds, rowsPerWorker, config.batchSizePerWorker()));
      rounds++;
    }
    double seconds = watch.seconds();
    // Every partition gives a full round's rows until it runs out.
    long rows = Math.min(train.rows(), (long) rounds * rowsPerWorker * train.partitions());
    TrainingBench.Epoch epoch = validation == null ? null : TrainingBench.Epoch.scored(1, rows,
        seconds, watch, seconds, sparkNet.getScore(), spark, validation, averaging.network());
    return new Partial(rounds, roundsPerEpoch, rows, seconds, epoch);
  }

  /** Mean and total milliseconds DL4J recorded for one kind of event. */
  record Timing(String key, int count, double totalMs) {
    double meanMs() {
      return count == 0 ? Double.NaN : totalMs / count;
    }
  }

  /**
   * One epoch with DL4J's training statistics switched on: where the time of a round goes, as DL4J's
   * master and workers see it. {@link ParameterAveraging} does not expose its
   * {@link SparkDl4jMultiLayer}, so the benchmark reaches it by reflection rather than rebuilding a
   * look-alike whose settings could drift from the real one.
   */
  static Map<String, Timing> epochWithStats(JavaSparkContext spark, TrainingData train,
      TrainingConfig config, int width) {
    ParameterAveraging averaging =
        new ParameterAveraging(spark, newNetwork(config, width), config);
    // DL4J stamps events with an NTP-corrected clock by default; one JVM needs no synchronised clock
    // (and the NTP lookup fails without network access).
    System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY,
        SystemClockTimeSource.class.getName());
    SparkDl4jMultiLayer sparkNet = sparkNetOf(averaging);
    sparkNet.setCollectTrainingStats(true);
    averaging.fitEpoch(train, 1);
    Map<String, List<EventStats>> events = new TreeMap<>();
    collect(sparkNet.getSparkTrainingStats(), events);
    Map<String, Timing> timings = new TreeMap<>();
    events.forEach((key, list) -> timings.put(key, timing(key, list)));
    splitFirstMinibatches(events, timings);
    return timings;
  }

  private static void collect(SparkTrainingStats stats, Map<String, List<EventStats>> events) {
    if (stats == null) {
      return;
    }
    for (String key : stats.getKeySet()) {
      events.put(key, stats.getValue(key));
    }
    collect(stats.getNestedTrainingStats(), events);
  }

  private static Timing timing(String key, List<EventStats> events) {
    double total = 0;
    for (EventStats event : events) {
      total += event.getDurationMs();
    }
    return new Timing(key, events.size(), total);
  }

  /**
   * Every round a worker fits a network freshly built from the broadcast parameters; its first
   * minibatch also pays for DL4J's workspace set-up. Splits the workers' minibatch fit times into the
   * first of each task and the others, telling the events of a task by thread and time.
   */
  private static void splitFirstMinibatches(Map<String, List<EventStats>> events,
      Map<String, Timing> timings) {
    List<EventStats> tasks = events.getOrDefault(
        CommonSparkTrainingStats.WORKER_FLAT_MAP_TOTAL_TIME_MS, List.of());
    List<EventStats> fits = events.getOrDefault(
        ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS, List.of());
    List<EventStats> first = new ArrayList<>();
    List<EventStats> later = new ArrayList<>();
    for (EventStats task : tasks) {
      long end = task.getStartTime() + task.getDurationMs();
      List<EventStats> own = fits.stream()
          .filter(fit -> fit.getThreadID() == task.getThreadID()
              && fit.getStartTime() >= task.getStartTime() && fit.getStartTime() <= end)
          .sorted(Comparator.comparingLong(EventStats::getStartTime))
          .toList();
      if (!own.isEmpty()) {
        first.add(own.get(0));
        later.addAll(own.subList(1, own.size()));
      }
    }
    timings.put(FIRST_MINIBATCH, timing(FIRST_MINIBATCH, first));
    timings.put(LATER_MINIBATCHES, timing(LATER_MINIBATCHES, later));
  }

  private static SparkDl4jMultiLayer sparkNetOf(ParameterAveraging averaging) {
    try {
      for (Field field : ParameterAveraging.class.getDeclaredFields()) {
        if (field.getType() == SparkDl4jMultiLayer.class) {
          field.setAccessible(true);
          return (SparkDl4jMultiLayer) field.get(averaging);
        }
      }
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read ParameterAveraging's SparkDl4jMultiLayer", e);
    }
    throw new IllegalStateException("ParameterAveraging no longer holds a SparkDl4jMultiLayer field;"
        + " update TrainingBenchDeepline.sparkNetOf");
  }

  /**
   * Mean milliseconds of the Spark job DL4J runs before every round only to count the round's
   * minibatches ({@code getTotalDataSetObjectCount}): the same work as building them for the fit.
   */
  static double countJobMs(TrainingData train, int rowsPerWorker, int batchSize, int rounds) {
    int measured = Math.min(rounds, train.roundsPerEpoch(rowsPerWorker));
    long started = System.nanoTime();
    for (int round = 0; round < measured; round++) {
      train.round(1, round, rowsPerWorker, batchSize).count();
    }
    return (System.nanoTime() - started) / 1e6 / measured;
  }

  /** Mean milliseconds of a Spark job with one tiny task per worker: the floor of a job's cost. */
  static double emptyJobMs(JavaSparkContext spark, int workers, int jobs) {
    List<Integer> values = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      values.add(i);
    }
    long started = System.nanoTime();
    for (int job = 0; job < jobs; job++) {
      spark.parallelize(values, workers).count();
    }
    return (System.nanoTime() - started) / 1e6 / jobs;
  }
}
