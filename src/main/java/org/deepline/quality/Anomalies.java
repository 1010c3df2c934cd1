package org.deepline.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.deepline.quality.MetricsTable.PastMetric;

/**
 * Anomaly checks (Deequ's anomaly detection): each compares a metric of this run's profile with the
 * same metric of the previous {@code history_runs} run dates in the metrics table. A relative-change
 * rule fails when the metric moved more than {@code max_change_percent} from their mean; a deviation
 * rule when it lies more than {@code max_deviations} of their standard deviations from it. With no
 * earlier run the check passes and says "no history"; the deviation rule needs two earlier runs.
 *
 * <pre>{@code
 * List<ConstraintResult> verdicts = Anomalies.evaluate(config.anomalies(), profile, history);
 * }</pre>
 */
public final class Anomalies {
  /** The check name of anomaly verdicts in the quality table. */
  public static final String CHECK = "anomalies";
  /** A standard deviation needs two values. */
  static final int MIN_RUNS_FOR_DEVIATIONS = 2;
  private static final double PERCENT = 100.0;

  private Anomalies() {}

  /** Fails before any data is read when a check names a column the table does not have. */
  public static void checkSchema(List<AnomalyCheckConfig> checks, StructType table) {
    List<String> columns = List.of(table.fieldNames());
    for (AnomalyCheckConfig check : checks) {
      if (check.column() != null && !columns.contains(check.column())) {
        throw new IllegalArgumentException("anomaly check " + check.name() + ": the table has no "
            + "column " + check.column() + "; columns: " + columns);
      }
    }
  }

  /** The (metric, column) pairs whose history the checks need. */
  public static List<Map.Entry<String, String>> metrics(List<AnomalyCheckConfig> checks) {
    return checks.stream().map(c -> (Map.Entry<String, String>) new java.util.AbstractMap
        .SimpleImmutableEntry<>(c.metric(), c.column())).distinct().toList();
  }

  /**
   * The verdict of every check, in the order declared.
   *
   * @param history earlier runs' metrics, newest first ({@link MetricsTable#history})
   */
  public static List<ConstraintResult> evaluate(List<AnomalyCheckConfig> checks,
      TableProfile profile, List<PastMetric> history) {
    List<ConstraintResult> results = new ArrayList<>();
    for (AnomalyCheckConfig check : checks) {
      List<Double> earlier = earlier(check, history).stream().map(PastMetric::value).toList();
      results.add(judge(check, current(check, profile), earlier));
    }
    return results;
  }

  /**
   * The earlier runs' values a check compares with, newest first: its metric of its column in the
   * last {@code history_runs} run dates that have it.
   *
   * @param history earlier runs' metrics, newest first ({@link MetricsTable#history})
   */
  public static List<PastMetric> earlier(AnomalyCheckConfig check, List<PastMetric> history) {
    return history.stream()
        .filter(m -> m.metric().equals(check.metric())
            && java.util.Objects.equals(m.column(), check.column()))
        .limit(check.historyRuns())
        .toList();
  }

  /** The check's metric in this run's profile; null when the profile has none (an all-null mean). */
  static Double current(AnomalyCheckConfig check, TableProfile profile) {
    if (AnomalyCheckConfig.ROWS.equals(check.metric())) {
      return (double) profile.rows();
    }
    ColumnProfile column = profile.column(check.column());
    return switch (check.metric()) {
      case MetricsTable.NULL_FRACTION -> column.nullFraction(profile.rows());
      case MetricsTable.DISTINCT -> column.distinct() == null ? null
          : column.distinct().doubleValue();
      case MetricsTable.MEAN -> column.mean();
      case MetricsTable.STDDEV -> column.stddev();
      default -> throw new IllegalArgumentException("no anomaly metric " + check.metric());
    };
  }

  static ConstraintResult judge(AnomalyCheckConfig check, Double value, List<Double> earlier) {
    Severity severity = Severity.parse(check.severity());
    if (earlier.isEmpty()) {
      return new ConstraintResult(check.name(), check.column(), severity,
          value == null ? Double.NaN : value, true, "no history: no earlier run has this metric");
    }
    double mean = earlier.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    String base = number(mean) + " (mean of " + earlier.size() + " earlier run"
        + (earlier.size() == 1 ? "" : "s") + ")";
    if (value == null) {
      return new ConstraintResult(check.name(), check.column(), severity, Double.NaN, false,
          "a value like " + base + ", got none");
    }
    List<String> expectations = new ArrayList<>();
    boolean passed = true;
    if (check.maxChangePercent() != null) {
      double change = percentChange(value, mean);
      passed &= change <= check.maxChangePercent();
      expectations.add("within " + number(check.maxChangePercent()) + " % of " + base
          + ", moved " + number(change) + " %");
    }
    if (check.maxDeviations() != null) {
      if (earlier.size() < MIN_RUNS_FOR_DEVIATIONS) {
        expectations.add("deviations not judged: " + earlier.size() + " earlier run, "
            + MIN_RUNS_FOR_DEVIATIONS + " needed");
      } else {
        double sd = sampleStddev(earlier, mean);
        double deviations = sd == 0 ? (value == mean ? 0 : Double.POSITIVE_INFINITY)
            : Math.abs(value - mean) / sd;
        passed &= deviations <= check.maxDeviations();
        expectations.add("within " + number(check.maxDeviations()) + " standard deviations ("
            + number(sd) + ") of " + base + ", is " + number(deviations));
      }
    }
    return new ConstraintResult(check.name(), check.column(), severity, value, passed,
        String.join("; ", expectations));
  }

  /** |value - mean| / |mean| in percent; a move away from 0 is an infinite change. */
  static double percentChange(double value, double mean) {
    if (mean == 0) {
      return value == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return Math.abs(value - mean) / Math.abs(mean) * PERCENT;
  }

  private static double sampleStddev(List<Double> values, double mean) {
    double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return Math.sqrt(squares / (values.size() - 1));
  }

  static String number(double value) {
    if (Double.isInfinite(value)) {
      return "infinity";
    }
    String formatted = String.format(Locale.ROOT, "%.6g", value);
    // Trailing zeros are dropped only after a decimal point: 100000 has none to drop.
    return formatted.indexOf('.') < 0 ? formatted
        : formatted.replaceAll("\\.?0+(?=e|$)", "");
  }
}
