package org.deepline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deepline.training.TrainingConfig;

/**
 * Prints each part's results as Markdown as soon as they are measured, and at the end the headline
 * table with the ratios the speed goals are stated in.
 */
final class TrainingBenchReport {
  /** Iterations between two training losses printed from an MLlib objective history. */
  private static final int HISTORY_STEP = 10;
  private final List<String> notes = new ArrayList<>();
  private TrainingBenchFeatures.Built features;
  private List<TrainingBench.Epoch> floor;
  private long floorRows;
  /** (d) runs by name: current defaults, then the proposed ones. */
  private final Map<String, List<TrainingBench.Epoch>> deepline = new LinkedHashMap<>();
  private final List<TrainingBenchMllib.Fit> mllib = new ArrayList<>();
  private final List<Long> mllibRows = new ArrayList<>();
  /** The learning-rate part's epochs at the candidate rate, on the sweep subset. */
  private List<TrainingBench.Epoch> subsetEpochs;
  private long subsetRows;
  private String subsetSettings;

  void header(String text) {
    System.out.println("## Training benchmark: " + text);
  }

  void note(String text) {
    notes.add(text);
    System.out.println("- " + text);
  }

  void features(TrainingBenchFeatures.Built built) {
    this.features = built;
    long total = built.trainRows() + built.validationRows() + built.testRows();
    note(String.format(Locale.ROOT, "features built and cached in %.1f s (not part of the "
            + "comparison): %,d rows = %,d train / %,d validation / %,d test, %.1f %% positive; width "
            + "%d = %s", built.seconds(), total, built.trainRows(), built.validationRows(),
        built.testRows(), 100.0 * built.positives() / total, built.width(), built.layout()));
  }

  void floor(List<TrainingBench.Epoch> epochs, long rows) {
    this.floor = epochs;
    this.floorRows = rows;
    epochTable("(a) plain DL4J, one thread, batch " + TrainingBench.FLOOR_BATCH, epochs);
  }

  void deepline(List<TrainingBench.Epoch> epochs, TrainingConfig config, boolean proposed) {
    String name = String.format(Locale.ROOT, "(%s) deepline, %s defaults: batch %d per worker, "
            + "averaging every %d, learning rate %s, %d workers on the %s",
        config.workersOn().equals(TrainingConfig.WORKERS_ON_DRIVER) ? "e" : "d",
        proposed ? "proposed" : "current", config.batchSizePerWorker(),
        config.averagingFrequency(), config.learningRate(), config.workers(), config.workersOn());
    deepline.put(name, epochs);
    epochTable(name, epochs);
  }

  void mllib(TrainingBenchMllib.Fit fit, long rows) {
    mllib.add(fit);
    mllibRows.add(rows);
    System.out.printf(Locale.ROOT, "%n%s: fit %,d rows in %.1f s using %.2f cores, %d iterations; "
            + "validation AUC %.4f, log loss %.4f; load %.2f%ntraining loss by iteration: %s%n",
        fit.name(), rows, fit.seconds(), fit.cores(), fit.iterations(), fit.validation().rocAuc(),
        fit.validation().logLoss(), fit.load(), history(fit.objectives()));
  }

  void sweep(List<TrainingBench.SweepCell> cells, long rows) {
    System.out.printf(Locale.ROOT, "%n### Sweep of (d) on %,d training rows, %d workers%n%n", rows,
        TrainingBench.WORKERS);
    int epochs = cells.stream().mapToInt(c -> c.epochs().size()).max().orElse(0);
    StringBuilder head = new StringBuilder("| averaging frequency | batch per worker | rows per "
        + "worker per round | rounds per epoch | ms per round |");
    StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
    for (int e = 1; e <= epochs; e++) {
      head.append(" epoch ").append(e).append(" s | rows/s | cores | AUC |");
      rule.append("---|---|---|---|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (TrainingBench.SweepCell cell : cells) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %d | %,d | %,d | "
              + "%.0f |", cell.frequency(), cell.batch(), cell.frequency() * cell.batch(),
          cell.roundsPerEpoch(), 1000 * cell.secondsPerRound()));
      for (TrainingBench.Epoch e : cell.epochs()) {
        line.append(String.format(Locale.ROOT, " %.1f | %,.0f | %.2f | %.4f |", e.seconds(),
            e.rowsPerSecond(), e.cores(), e.auc()));
      }
      if (cell.partial()) {
        TrainingBench.Epoch e = cell.epochs().get(0);
        line.append(String.format(Locale.ROOT, " (%.0f %% of epoch 1 in the cap; an epoch ~%.0f s)"
            + " |", 100.0 * e.rows() / rows, cell.predictedEpochSeconds()));
      }
      System.out.println(line);
    }
    roundCost(cells);
  }

  /**
   * Per batch size, a least-squares line through (averaging frequency, seconds per round): its
   * intercept is what a round costs besides fitting, its slope the time of one minibatch on every
   * worker at once.
   */
  private static void roundCost(List<TrainingBench.SweepCell> cells) {
    Map<Integer, List<TrainingBench.SweepCell>> byBatch = new TreeMap<>();
    for (TrainingBench.SweepCell cell : cells) {
      byBatch.computeIfAbsent(cell.batch(), b -> new ArrayList<>()).add(cell);
    }
    System.out.printf(Locale.ROOT, "%nRound time = cost per round + averaging frequency x minibatch "
        + "time, fitted per batch size:%n%n| batch per worker | cost per round (ms) | minibatch on "
        + "all workers (ms) | rows/s without the round cost |%n|---|---|---|---|%n");
    for (Map.Entry<Integer, List<TrainingBench.SweepCell>> entry : byBatch.entrySet()) {
      List<TrainingBench.SweepCell> group = entry.getValue();
      if (group.size() < 2) {
        continue;
      }
      double[] x = group.stream().mapToDouble(TrainingBench.SweepCell::frequency).toArray();
      double[] y = group.stream().mapToDouble(TrainingBench.SweepCell::secondsPerRound).toArray();
      double[] line = leastSquares(x, y);
      System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %,.0f |%n", entry.getKey(),
          1000 * line[0], 1000 * line[1], TrainingBench.WORKERS * entry.getKey() / line[1]);
    }
  }

  void overhead(TrainingConfig config, int rounds, double seconds, double emptyJobMs,
      double countJobMs, Map<String, TrainingBenchDeepline.Timing> timings, double load) {
    System.out.printf(Locale.ROOT, "%n### Where a round's time goes (batch %d, averaging every %d, "
            + "%d rounds in %.1f s = %.1f ms per round; load %.2f)%n%n", config.batchSizePerWorker(),
        config.averagingFrequency(), rounds, seconds, 1000 * seconds / rounds, load);
    System.out.printf(Locale.ROOT, "- an empty Spark job with %d tasks: %.1f ms%n",
        TrainingBench.WORKERS, emptyJobMs);
    System.out.printf(Locale.ROOT, "- DL4J's count of a round's minibatches (a Spark job that "
        + "builds them all and drops them): %.1f ms per round%n%n", countJobMs);
    System.out.println("| DL4J statistic | events | mean ms | total ms |");
    System.out.println("|---|---|---|---|");
    for (TrainingBenchDeepline.Timing timing : timings.values()) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f |%n", timing.key(), timing.count(),
          timing.meanMs(), timing.totalMs());
    }
  }

  /**
   * @param candidateRate the rate whose epochs (same rows as (b) when the sizes match) the summary
   *                      times against (b)
   */
  void rates(Map<Double, List<TrainingBench.Epoch>> results, int batch, int frequency, long rows,
      double candidateRate) {
    subsetRows = rows;
    subsetEpochs = results.get(candidateRate);
    subsetSettings = String.format(Locale.ROOT, "batch %d, averaging every %d, learning rate %s",
        batch, frequency, candidateRate);
    System.out.printf(Locale.ROOT, "%n### Learning rate (Adam) of (d), batch %d, averaging every %d,"
        + " %,d training rows%n%n", batch, frequency, rows);
    int epochs = results.values().stream().mapToInt(List::size).max().orElse(0);
    StringBuilder head = new StringBuilder("| learning rate |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int e = 1; e <= epochs; e++) {
      head.append(" AUC epoch ").append(e).append(" |");
      rule.append("---|");
    }
    System.out.println(head.append(" log loss last | rows/s (median) |"));
    System.out.println(rule.append("---|---|"));
    for (Map.Entry<Double, List<TrainingBench.Epoch>> entry : results.entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s |", entry.getKey()));
      for (TrainingBench.Epoch e : entry.getValue()) {
        line.append(String.format(Locale.ROOT, " %.4f |", e.auc()));
      }
      List<TrainingBench.Epoch> list = entry.getValue();
      line.append(String.format(Locale.ROOT, " %.4f | %,.0f |", list.get(list.size() - 1).logLoss(),
          median(list.stream().mapToDouble(TrainingBench.Epoch::rowsPerSecond).toArray())));
      System.out.println(line);
    }
  }

  /** The headline table and the goals. */
  void summary() {
    System.out.printf(Locale.ROOT, "%n### Summary%n%n");
    notes.forEach(n -> System.out.println("- " + n));
    System.out.println();
    System.out.println("| contender | training rows | timed | seconds | rows/s | cores used | "
        + "validation ROC AUC | rows/s vs (a) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    double floorSpeed = floor == null ? Double.NaN : medianSpeed(floor);
    if (floor != null) {
      System.out.println(epochRow("(a) plain DL4J, 1 thread, batch " + TrainingBench.FLOOR_BATCH,
          floorRows, floor, floorSpeed));
    }
    deepline.forEach((name, epochs) ->
        System.out.println(epochRow(name, epochs.get(0).rows(), epochs, floorSpeed)));
    for (int i = 0; i < mllib.size(); i++) {
      TrainingBenchMllib.Fit fit = mllib.get(i);
      long rows = mllibRows.get(i);
      double passes = rows * (double) fit.iterations() / fit.seconds();
      System.out.printf(Locale.ROOT, "| %s | %,d | fit, %d iterations | %.1f | %,.0f row passes/s "
              + "| %.2f | %.4f | %s |%n", fit.name(), rows, fit.iterations(), fit.seconds(), passes,
          fit.cores(), fit.validation().rocAuc(), ratio(passes, floorSpeed));
    }
    goals(floorSpeed);
  }

  private void goals(double floorSpeed) {
    deepline.forEach((name, epochs) -> {
      System.out.printf(Locale.ROOT, "%n%s:%n", name);
      // The contender's letter, "(d)" or "(e)", opens its name.
      goals(name.substring(0, name.indexOf(')') + 1), epochs, floorSpeed);
    });
    TrainingBenchMllib.Fit perceptron = perceptron();
    if (subsetEpochs != null && perceptron != null) {
      long perceptronRows = mllibRows.get(mllib.indexOf(perceptron));
      System.out.printf(Locale.ROOT, "%n(d) on %,d training rows (%s; (b) fitted %,d rows%s): %s%n",
          subsetRows, subsetSettings, perceptronRows, perceptronRows == subsetRows
              ? ", the same ones" : "", reach(subsetEpochs, perceptron.validation().rocAuc(),
              perceptron.seconds()));
    }
  }

  private TrainingBenchMllib.Fit perceptron() {
    return mllib.stream().filter(f -> f.name().startsWith("(b)")).findFirst().orElse(null);
  }

  private void goals(String contender, List<TrainingBench.Epoch> deepline, double floorSpeed) {
    double speed = medianSpeed(deepline);
    System.out.printf(Locale.ROOT, "- speed: %s/(a) = %s (median rows/s per epoch; goal >= %.2fx): "
        + "%s%n", contender, ratio(speed, floorSpeed), TrainingBench.GOAL_SPEED_SHARE,
        Double.isNaN(floorSpeed) ? "not measured"
            : speed >= TrainingBench.GOAL_SPEED_SHARE * floorSpeed ? "met" : "NOT met");
    TrainingBenchMllib.Fit perceptron = perceptron();
    if (perceptron != null) {
      double target = perceptron.validation().rocAuc();
      double budget = TrainingBench.GOAL_TIME_SHARE * perceptron.seconds();
      System.out.printf(Locale.ROOT, "- time: (b) reaches validation AUC %.4f in %.1f s; %s %s "
              + "(goal <= %.2fx of (b) = %.1f s): %s%n", target, perceptron.seconds(), contender,
          reach(deepline, target, perceptron.seconds()), TrainingBench.GOAL_TIME_SHARE, budget,
          firstReaching(deepline, target) == null ? "NOT met"
              : firstReaching(deepline, target).trainingSeconds() <= budget ? "met" : "NOT met");
    }
    System.out.printf(Locale.ROOT, "- AUC %.3f: %s %s", TrainingBench.TARGET_AUC, contender,
        reach(deepline, TrainingBench.TARGET_AUC, Double.NaN));
    if (floor != null) {
      System.out.printf(Locale.ROOT, "; (a) %s", reach(floor, TrainingBench.TARGET_AUC, Double.NaN));
    }
    System.out.println();
  }

  private static String reach(List<TrainingBench.Epoch> epochs, double target, double reference) {
    TrainingBench.Epoch first = firstReaching(epochs, target);
    if (first == null) {
      return String.format(Locale.ROOT, "does not reach it in %d epochs (best %.4f)", epochs.size(),
          epochs.stream().mapToDouble(TrainingBench.Epoch::auc).max().orElse(Double.NaN));
    }
    double scoring = epochs.stream().filter(e -> e.epoch() <= first.epoch())
        .mapToDouble(TrainingBench.Epoch::scoringSeconds).sum();
    return String.format(Locale.ROOT, "reaches it after epoch %d: %.1f s of training (%.1f s with "
            + "validation scoring)%s", first.epoch(), first.trainingSeconds(),
        first.trainingSeconds() + scoring, Double.isNaN(reference) ? ""
            : String.format(Locale.ROOT, " = %.2fx", first.trainingSeconds() / reference));
  }

  private static TrainingBench.Epoch firstReaching(List<TrainingBench.Epoch> epochs, double target) {
    return epochs.stream().filter(e -> e.auc() >= target).findFirst().orElse(null);
  }

  private static String epochRow(String name, long rows, List<TrainingBench.Epoch> epochs,
      double floorSpeed) {
    double[] seconds = epochs.stream().mapToDouble(TrainingBench.Epoch::seconds).toArray();
    double[] speeds = epochs.stream().mapToDouble(TrainingBench.Epoch::rowsPerSecond).toArray();
    double[] cores = epochs.stream().mapToDouble(TrainingBench.Epoch::cores).toArray();
    StringBuilder aucs = new StringBuilder();
    for (TrainingBench.Epoch e : epochs) {
      aucs.append(aucs.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", e.auc()));
    }
    return String.format(Locale.ROOT, "| %s | %,d | %d epochs | %.1f per epoch (%.1f-%.1f) | %,.0f "
            + "(%,.0f-%,.0f) | %.2f (%.2f-%.2f) | %s (epochs 1-%d) | %s |", name, rows,
        epochs.size(), median(seconds), min(seconds), max(seconds), median(speeds), min(speeds),
        max(speeds), median(cores), min(cores), max(cores), aucs, epochs.size(),
        ratio(median(speeds), floorSpeed));
  }

  private static void epochTable(String title, List<TrainingBench.Epoch> epochs) {
    System.out.printf(Locale.ROOT, "%n### %s%n%n| epoch | seconds | rows/s | cores used | training "
        + "s so far | validation AUC | validation log loss | load |%n|---|---|---|---|---|---|---|---|"
        + "%n", title);
    for (TrainingBench.Epoch e : epochs) {
      System.out.printf(Locale.ROOT, "| %d | %.1f | %,.0f | %.2f | %.1f | %.4f | %.4f | %.2f |%n",
          e.epoch(), e.seconds(), e.rowsPerSecond(), e.cores(), e.trainingSeconds(), e.auc(),
          e.logLoss(), e.load());
    }
  }

  private static double medianSpeed(List<TrainingBench.Epoch> epochs) {
    return median(epochs.stream().mapToDouble(TrainingBench.Epoch::rowsPerSecond).toArray());
  }

  private static String ratio(double value, double reference) {
    return Double.isNaN(reference) ? "-" : String.format(Locale.ROOT, "%.2fx", value / reference);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /** The loss at the first iteration, every {@value #HISTORY_STEP}th and the last. */
  private static String history(double[] objectives) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < objectives.length; i++) {
      if (i % HISTORY_STEP == 0 || i == objectives.length - 1) {
        text.append(text.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%d: %.5f", i, objectives[i]));
      }
    }
    return text.toString();
  }

  /** Intercept and slope of the least-squares line through the points. */
  private static double[] leastSquares(double[] x, double[] y) {
    double meanX = Arrays.stream(x).average().orElse(Double.NaN);
    double meanY = Arrays.stream(y).average().orElse(Double.NaN);
    double covariance = 0;
    double variance = 0;
    for (int i = 0; i < x.length; i++) {
      covariance += (x[i] - meanX) * (y[i] - meanY);
      variance += (x[i] - meanX) * (x[i] - meanX);
    }
    double slope = covariance / variance;
    return new double[] {meanY - slope * meanX, slope};
  }
}
