package org.deepline.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;

/**
 * An anomaly check of {@code validation.anomalies}: a profile metric of this run judged against the
 * same metric of the previous runs in the metrics table (Deequ's anomaly detection).
 *
 * <pre>{@code
 * {"metric": "null_fraction", "column": "delay", "max_change_percent": 50, "history_runs": 7}
 * {"metric": "rows", "max_deviations": 3, "severity": "warning"}
 * }</pre>
 *
 * @param metric           {@code rows}, or a column's {@code null_fraction}, {@code distinct},
 *                         {@code mean} or {@code stddev}
 * @param column           the column, for every metric but {@code rows}
 * @param maxChangePercent fails when the metric moved more than this many percent from the mean of
 *                         the earlier runs
 * @param maxDeviations    fails when the metric is more than this many standard deviations of the
 *                         earlier runs from their mean (needs two earlier runs)
 * @param historyRuns      how many earlier run dates to compare with (the most recent ones);
 *                         default {@value #DEFAULT_HISTORY_RUNS}
 * @param severity         {@code error} (default) or {@code warning}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnomalyCheckConfig(
    @JsonPropertyDescription("A metric of the profile: the run date's row count, or a column's "
        + "share of nulls, approximate distinct values, mean or standard deviation (the last two of "
        + "numeric columns only). Allowed: `rows`, `null_fraction`, `distinct`, `mean`, `stddev`.")
    @Required
    String metric,
    @JsonPropertyDescription("The column whose metric is judged (a column of `schema.columns`, "
        + "`_record_id` or `_source_file`); required except with `rows`, where it is not allowed.")
    String column,
    @JsonPropertyDescription("Fails when the metric moved more than this many percent from the "
        + "mean of the earlier runs (any move away from a mean of 0 is an infinite change). "
        + "Allowed: `> 0`; at least one of this and `max_deviations`.")
    Double maxChangePercent,
    @JsonPropertyDescription("Fails when the metric lies more than this many (sample) standard "
        + "deviations of the earlier runs from their mean; needs 2 earlier runs (with 1 it is not "
        + "judged and says so); with a spread of 0 any change fails. Allowed: `> 0`.")
    Double maxDeviations,
    @JsonPropertyDescription("How many earlier run dates (the most recent before this one) to "
        + "compare with. Allowed: `[1, 1000]`.")
    Integer historyRuns,
    @JsonPropertyDescription("What a failure means. Allowed: `error`, `warning`.")
    String severity) {
  public static final String ROWS = "rows";
  public static final List<String> COLUMN_METRICS = List.of("null_fraction", "distinct", "mean",
      "stddev");
  /** Metrics only numeric columns have. */
  private static final List<String> NUMERIC_METRICS = List.of("mean", "stddev");
  public static final int DEFAULT_HISTORY_RUNS = 7;
  /** More earlier runs than this is surely a typo (years of daily runs). */
  public static final int MAX_HISTORY_RUNS = 1000;

  public AnomalyCheckConfig {
    historyRuns = historyRuns == null ? DEFAULT_HISTORY_RUNS : historyRuns;
    severity = severity == null ? Severity.ERROR.label() : severity;
  }

  /** {@code anomaly:rows} or {@code anomaly:<metric>:<column>}. */
  public String name() {
    return "anomaly:" + metric + (column == null ? "" : ":" + column);
  }

  /**
   * @param columns the columns it may name: the schema's and silver's own
   */
  void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    List<String> metrics = new java.util.ArrayList<>(List.of(ROWS));
    metrics.addAll(COLUMN_METRICS);
    errors.requireOneOf(metric, metrics, "metric");
    if (ROWS.equals(metric) && column != null) {
      errors.add("column", "rows is a table metric; leave column out");
    }
    if (COLUMN_METRICS.contains(metric)) {
      ColumnSpec declared = column == null ? null : columns.get(column);
      if (declared == null) {
        errors.add("column", metric + " needs a column of silver (schema.columns, _record_id, "
            + "_source_file), got " + column);
      } else if (NUMERIC_METRICS.contains(metric) && !declared.isNumeric()) {
        errors.add("column", metric + " needs a numeric column, " + column + " is "
            + declared.type());
      }
    }
    if (maxChangePercent == null && maxDeviations == null) {
      errors.add("", "needs max_change_percent, max_deviations or both");
    }
    if (maxChangePercent != null) {
      errors.require(maxChangePercent > 0 && Double.isFinite(maxChangePercent), "max_change_percent",
          "must be > 0, got " + maxChangePercent);
    }
    if (maxDeviations != null) {
      errors.require(maxDeviations > 0 && Double.isFinite(maxDeviations), "max_deviations",
          "must be > 0, got " + maxDeviations);
    }
    errors.require(historyRuns >= 1 && historyRuns <= MAX_HISTORY_RUNS, "history_runs",
        "must be in [1, " + MAX_HISTORY_RUNS + "], got " + historyRuns);
    errors.requireOneOf(severity, List.of(Severity.ERROR.label(), Severity.WARNING.label()),
        "severity");
  }
}
