package org.deepline.quality;

import java.util.List;

/**
 * The validate stage's report ({@code reports/<run_date>/quality.json}): the profile, every
 * constraint's and anomaly check's verdict, and with {@code --suggest} the suggested constraints.
 *
 * @param suggestions null without {@code --suggest}
 */
public record QualityReport(String dataset, String runDate, String runId, String silverPath,
    long silverVersion, TableProfile profile, List<ConstraintResult> constraints,
    List<ConstraintResult> anomalies, List<ConstraintSpec> suggestions) {
  public static final String FILE = "quality.json";
  public static final String SUGGESTIONS_FILE = "suggested_constraints.json";
}
