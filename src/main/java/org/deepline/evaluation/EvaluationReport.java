package org.deepline.evaluation;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.deepline.metrics.BinaryMetrics;

/**
 * What the evaluate stage found about one model on one split: saved as {@code evaluation.json} (via
 * {@link org.deepline.core.Json}) and rendered as {@code evaluation.html} by {@link HtmlReport}.
 *
 * <pre>{@code
 * EvaluationReport report = new EvaluationReport("churn", runId, "2024-06-30", "v7", "test", 0.5,
 *     Instant.now().toString(), BinaryMetrics.summarize(predictions, "probability", "label", 0.5, 10),
 *     null);
 * files.writeText(reportDir + "/evaluation.json", Json.write(report));
 * }</pre>
 *
 * @param generatedAt      when the report was made, as given (ISO-8601); the renderers print it as is
 *                         and never read the clock, so the same report always renders the same bytes
 * @param championMetrics  the production model's metrics on the same split, by metric name; null
 *                         until there is a champion to compare with. Kept sorted by name, so its JSON
 *                         and HTML do not depend on the map it was built from
 */
public record EvaluationReport(String dataset, String runId, String runDate, String modelVersion,
    String split, double threshold, String generatedAt, BinaryMetrics.Summary metrics,
    Map<String, Double> championMetrics) {

  public EvaluationReport {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(runId, "run_id");
    Objects.requireNonNull(runDate, "run_date");
    Objects.requireNonNull(modelVersion, "model_version");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(generatedAt, "generated_at");
    Objects.requireNonNull(metrics, "metrics");
    championMetrics = championMetrics == null ? null
        : Collections.unmodifiableSortedMap(new TreeMap<>(championMetrics));
  }
}
