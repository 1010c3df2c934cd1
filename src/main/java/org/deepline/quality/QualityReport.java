package org.deepline.quality;

import java.util.List;
import java.util.Map;

/**
 * The validate stage's report ({@code reports/<run_date>/quality.json}, and as a page
 * {@code quality.html}): the profile, every constraint's and anomaly check's verdict, the earlier
 * values each anomaly check compared with, and with {@code --suggest} the suggested constraints.
 *
 * @param anomalyHistory by anomaly check name, the earlier runs' values it compared with, newest
 *                       first; empty for a check without history
 * @param suggestions    null without {@code --suggest}
 */
public record QualityReport(String dataset, String runDate, String runId, String silverPath,
    long silverVersion, TableProfile profile, List<ConstraintResult> constraints,
    List<ConstraintResult> anomalies, Map<String, List<EarlierValue>> anomalyHistory,
    List<ConstraintSpec> suggestions) {
  public static final String FILE = "quality.json";
  public static final String HTML_FILE = "quality.html";
  public static final String SUGGESTIONS_FILE = "suggested_constraints.json";

  public QualityReport {
    anomalyHistory = anomalyHistory == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(anomalyHistory));
  }

  /** One earlier run date's value of an anomaly check's metric. */
  public record EarlierValue(String runDate, double value) {}

  /** Every verdict: the constraints', then the anomaly checks'. */
  public List<ConstraintResult> verdicts() {
    List<ConstraintResult> all = new java.util.ArrayList<>(constraints);
    all.addAll(anomalies);
    return all;
  }
}
