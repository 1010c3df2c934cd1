package org.deepline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deepline.metrics.ScoredLabels;
import org.deepline.training.LayerSpec;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TrainingData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Training benchmark on flights-3m (issue "Training that is right and fast at scale"): the same
 * feature rows and the same network (width-64-32-2, ReLU, softmax, Adam, Xavier, l2) trained by
 * (a) plain DL4J in one process, the floor; (b) MLlib's multilayer perceptron; (c) MLlib's logistic
 * regression; (d) deepline's parameter averaging on local[2]; then a sweep of (d)'s averaging
 * frequency and batch size, where a round's time goes, and a learning-rate check. Prints every
 * measurement as it is made and a Markdown summary at the end (bench/README.md, section Training).
 *
 * <pre>
 * bench/run TrainingBench            # the full run, about 30 minutes on 2 cores
 * bench/run TrainingBench --quick    # a 5-minute version on a sample
 * bench/run TrainingBench --only floor,deepline --deepline-epochs 3
 * </pre>
 */
public final class TrainingBench {
  /** Data-parallel workers of (d): deepline's default, one per core here. */
  static final int WORKERS = TrainingConfig.DEFAULT_WORKERS;
  static final List<Integer> HIDDEN_UNITS = List.of(64, 32);
  static final double LEARNING_RATE = 0.005;
  static final double L2 = 1e-4;
  /** Minibatch size of the single-process floor (a). */
  static final int FLOOR_BATCH = 512;
  /** The validation ROC AUC (d) is timed to reach, besides (b)'s. */
  static final double TARGET_AUC = 0.665;
  /** L-BFGS stops earlier when the loss changes less than this between iterations. */
  static final double MLLIB_TOLERANCE = 1e-6;
  /** The speed goal: (d) rows/s at least this share of (a)'s. */
  static final double GOAL_SPEED_SHARE = 0.5;
  /** The time goal: (d) reaches (b)'s validation AUC within this share of (b)'s fit time. */
  static final double GOAL_TIME_SHARE = 0.25;
  static final List<String> PARTS = List.of("floor", "deepline", "driver", "candidate", "logistic",
      "perceptron", "sweep", "overhead", "rates");

  private TrainingBench() {}

  /**
   * Wall time, this process's CPU time and the load average over one measured interval. Other
   * processes share the machine: CPU seconds per wall second ("cores") show how much of it a
   * measurement really had (1.0 for a single busy thread, up to 2.0 for (d)'s two workers).
   */
  record Stopwatch(long wallStart, long cpuStart, double load) {
    static Stopwatch start() {
      return new Stopwatch(System.nanoTime(), processCpuNanos(), TrainingBench.load());
    }

    double seconds() {
      return (System.nanoTime() - wallStart) / 1e9;
    }

    double cores() {
      return (processCpuNanos() - cpuStart) / (double) (System.nanoTime() - wallStart);
    }

    private static long processCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
  }

  /** One epoch of a DL4J contender: its training time and the validation metrics after it. */
  record Epoch(int epoch, long rows, double seconds, double trainingSeconds, double cores,
      double trainingLoss, double auc, double logLoss, double scoringSeconds, double load) {
    double rowsPerSecond() {
      return rows / seconds;
    }

    /**
     * Scores {@code validation} with {@code network} and records the epoch.
     *
     * @param seconds the epoch's training time; {@code watch} started with it and gives the cores
     */
    static Epoch scored(int epoch, long rows, double seconds, Stopwatch watch,
        double trainingSeconds, double trainingLoss, JavaSparkContext spark,
        TrainingData validation, MultiLayerNetwork network) {
      double cores = watch.cores();
      long started = System.nanoTime();
      ScoredLabels scores = validation.score(spark, network);
      double scoring = (System.nanoTime() - started) / 1e9;
      return new Epoch(epoch, rows, seconds, trainingSeconds, cores, trainingLoss, scores.rocAuc(),
          scores.logLoss(), scoring, watch.load());
    }
  }

  /**
   * What a contender records after one epoch, from the network as it then is: {@link Epoch} with
   * the AUC of a class label, {@code RegressionBench}'s epochs with the RMSE of a number.
   *
   * @param seconds the epoch's training time; {@code watch} started with it and gives the cores
   */
  interface EpochScorer<E> {
    E scored(int epoch, long rows, double seconds, Stopwatch watch, double trainingSeconds,
        double trainingLoss, MultiLayerNetwork network);
  }

  /**
   * One cell of the sweep: full epochs, or when an epoch would take longer than the cap, the part of
   * epoch 1 fitted within it ({@code partial} true, {@code epochs} its one entry).
   *
   * @param secondsPerRound        mean time of one averaging round in this cell
   * @param predictedEpochSeconds  rounds per epoch times the probe's time per round
   */
  record SweepCell(int frequency, int batch, int roundsPerEpoch, List<Epoch> epochs,
      boolean partial, double secondsPerRound, double predictedEpochSeconds) {}

  public static void main(String[] args) {
    TrainingBenchOptions options = TrainingBenchOptions.parse(args);
    SparkSession spark = TrainingBenchSession.create(WORKERS);
    try {
      new TrainingBenchRun(options, spark).execute();
    } finally {
      spark.stop();
    }
  }

  /** The 1-minute load average, noted beside every measurement: other builds share the machine. */
  static double load() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | UncheckedIOException | NumberFormatException e) {
      return Double.NaN;
    }
  }

  static void print(String name, Epoch e) {
    System.out.printf(Locale.ROOT, "%s | epoch %d: %,d rows in %.1f s = %,.0f rows/s using %.2f "
            + "cores (%.1f s in all); training loss %.4f; validation AUC %.4f, log loss %.4f (scored "
            + "in %.1f s); load %.2f%n", name, e.epoch(), e.rows(), e.seconds(), e.rowsPerSecond(),
        e.cores(), e.trainingSeconds(), e.trainingLoss(), e.auc(), e.logLoss(), e.scoringSeconds(),
        e.load());
  }

  /** The benchmark's network and optimiser with the given batch, averaging and learning rate. */
  static TrainingConfig config(long seed, int batch, int frequency, double learningRate,
      int epochs) {
    List<LayerSpec> layers = HIDDEN_UNITS.stream().map(u -> new LayerSpec(u, "relu", 0.0)).toList();
    return new TrainingConfig(seed, epochs, epochs, batch, frequency, WORKERS, learningRate, L2,
        layers, "none", "roc_auc", null, null, null, null, null, null);
  }

  static String hostMemory() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(line -> line.startsWith("MemTotal"))
          .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / (1 << 20) + " GiB")
          .collect(Collectors.joining());
    } catch (IOException e) {
      return "unknown memory";
    }
  }
}
