package org.deepline.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Markdown summary of a {@link RegressionBench} run: one row per contender, then the ratios
 * the brief asks for, (d) and (e) against the floor (a) on speed and against MLlib's linear model
 * (c) and boosted trees (g) on validation RMSE and time.
 */
final class RegressionBenchReport {
  private static final String FLOOR = "(a)";
  private static final String LINEAR = "(c)";
  private static final String GBT = "(g)";
  private static final List<String> AVERAGING = List.of("(d)", "(e)");

  private RegressionBenchReport() {}

  static void summary(List<String> notes, Map<String, List<RegressionBench.Epoch>> networks,
      Map<String, RegressionBench.Fit> mllib, long trainRows) {
    System.out.printf(Locale.ROOT, "%n### Summary (%,d training rows with a delay)%n%n", trainRows);
    notes.forEach(note -> System.out.println("- " + note));
    System.out.println();
    System.out.println("| contender | training rows | s per epoch (median) or fit s | rows/s "
        + "| cores | validation RMSE (min) after each epoch | validation R² after each epoch |");
    System.out.println("|---|---:|---:|---:|---:|---|---|");
    networks.forEach((name, epochs) -> System.out.printf(Locale.ROOT,
        "| %s | %,d | %.1f | %,.0f | %.2f | %s | %s |%n", name, epochs.get(0).rows(),
        medianSeconds(epochs), medianSpeed(epochs),
        TrainingBenchReport.median(epochs.stream().mapToDouble(RegressionBench.Epoch::cores)
            .toArray()),
        epochs.stream().map(e -> String.format(Locale.ROOT, "%.3f", e.rmse()))
            .collect(Collectors.joining(", ")),
        epochs.stream().map(e -> String.format(Locale.ROOT, "%.4f", e.r2()))
            .collect(Collectors.joining(", "))));
    mllib.values().forEach(fit -> System.out.printf(Locale.ROOT,
        "| %s | %,d | %.1f | %,.0f | %.2f | %.3f | %.4f |%n", fit.name(), fit.rows(),
        fit.seconds(), fit.rows() / fit.seconds(), fit.cores(), fit.validation().rmse(),
        fit.validation().r2()));
    System.out.println();
    List<RegressionBench.Epoch> floor = find(networks, FLOOR);
    RegressionBench.Fit linear = findFit(mllib, LINEAR);
    RegressionBench.Fit gbt = findFit(mllib, GBT);
    for (String contender : AVERAGING) {
      List<RegressionBench.Epoch> epochs = find(networks, contender);
      if (epochs == null) {
        continue;
      }
      RegressionBench.Epoch last = epochs.get(epochs.size() - 1);
      if (floor != null) {
        System.out.printf(Locale.ROOT, "- %s rows/s vs %s: %.2f (median epochs, %,.0f vs %,.0f)%n",
            contender, FLOOR, medianSpeed(epochs) / medianSpeed(floor), medianSpeed(epochs),
            medianSpeed(floor));
      }
      for (RegressionBench.Fit fit : new RegressionBench.Fit[] {linear, gbt}) {
        if (fit != null) {
          System.out.printf(Locale.ROOT, "- %s validation RMSE after its last epoch vs %s: %.4f "
                  + "(%.3f vs %.3f min); R² %.4f vs %.4f%n", contender, fit.name(),
              last.rmse() / fit.validation().rmse(), last.rmse(), fit.validation().rmse(),
              last.r2(), fit.validation().r2());
        }
      }
      if (linear != null) {
        System.out.printf(Locale.ROOT, "- %s time to reach %s's validation RMSE %.3f vs its fit "
            + "time %.1f s: %s%n", contender, LINEAR, linear.validation().rmse(), linear.seconds(),
            reach(epochs, linear.validation().rmse(), linear.seconds()));
      }
    }
  }

  /**
   * Training seconds up to the end of the first epoch whose validation RMSE is at most
   * {@code target} (epochs are the granularity: the RMSE is only known after each), and their ratio
   * to {@code referenceSeconds}.
   */
  private static String reach(List<RegressionBench.Epoch> epochs, double target,
      double referenceSeconds) {
    for (RegressionBench.Epoch epoch : epochs) {
      if (epoch.rmse() <= target) {
        return String.format(Locale.ROOT, "%.1f s after epoch %d = %.2f x", epoch.trainingSeconds(),
            epoch.epoch(), epoch.trainingSeconds() / referenceSeconds);
      }
    }
    RegressionBench.Epoch last = epochs.get(epochs.size() - 1);
    return String.format(Locale.ROOT, "not reached in %d epochs (%.1f s, %.2f x)", epochs.size(),
        last.trainingSeconds(), last.trainingSeconds() / referenceSeconds);
  }

  private static List<RegressionBench.Epoch> find(Map<String, List<RegressionBench.Epoch>> networks,
      String prefix) {
    return networks.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  private static RegressionBench.Fit findFit(Map<String, RegressionBench.Fit> fits, String prefix) {
    return fits.values().stream().filter(fit -> fit.name().startsWith(prefix)).findFirst()
        .orElse(null);
  }

  private static double medianSpeed(List<RegressionBench.Epoch> epochs) {
    return TrainingBenchReport.median(epochs.stream()
        .mapToDouble(RegressionBench.Epoch::rowsPerSecond).toArray());
  }

  private static double medianSeconds(List<RegressionBench.Epoch> epochs) {
    return TrainingBenchReport.median(epochs.stream().mapToDouble(RegressionBench.Epoch::seconds)
        .toArray());
  }
}
