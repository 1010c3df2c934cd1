package org.deepline.evaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.RunContext;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.training.LadderModel;
import org.deepline.training.ModelBundle;
import org.deepline.training.PromotedBaseline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline ladder's rungs saved with a model ({@link LadderModel}), judged by evaluate on the
 * rows it judges the model on: for information, so that a plain model ahead of the registered one
 * on test shows in the report even where validation could not tell them apart. Nothing is chosen
 * on these figures.
 *
 * <pre>{@code
 * Map<String, Double> onTest = SavedBaselines.rocAuc(context, bundle, silver, judged, "test", rows);
 * result.metrics(SavedBaselines.metrics(context, "test", rows, "network", modelRocAuc, onTest));
 * }</pre>
 */
final class SavedBaselines {
  /**
   * How far a saved baseline may lead the model on the judged rows before evaluate warns: the
   * 0.01 of ROC AUC by which a user calls a model worse than a plain one.
   */
  static final double GAP_WARNING = 0.01;
  private static final Logger LOG = LoggerFactory.getLogger(SavedBaselines.class);
  /** The group column of the saved rungs' scores. */
  private static final String RUNG = "_rung";

  private SavedBaselines() {}

  /**
   * Each ladder rung saved with the model ({@link LadderModel}) scored on the {@code judged} rows,
   * the very rows the model is judged on: its ROC AUC by rung name, all rungs in one Spark job
   * ({@link BinaryMetrics#rocAucByGroup}). Empty when there is nothing to say: a model without
   * saved rungs (trained without the ladder or its {@code logistic_regression} and {@code gbt}
   * rungs, or saved before rungs were; a compressed version keeps its source's), a report on the validation split (the rungs'
   * settings and the model were chosen there), or rungs that could not be scored (a WARN: the
   * figures are for information, the evaluation goes on without them). A promoted baseline's own
   * rung is the model itself and is left out; a rung without both classes among its scored rows, or
   * with rows left unscored, gets no figure.
   */
  static Map<String, Double> rocAuc(RunContext context, ModelBundle bundle,
      Dataset<Row> silver, Dataset<Row> judged, String split, long judgedRows) {
    Map<String, Double> byRung = new LinkedHashMap<>();
    PromotedBaseline promoted = bundle.metadata().baseline();
    List<LadderModel> rungs = bundle.metadata().ladder().stream()
        .filter(rung -> promoted == null || !promoted.model().equals(rung.model()))
        .toList();
    if (rungs.isEmpty() || StratifiedSplitter.VALIDATION.equals(split)) {
      return byRung;
    }
    Dataset<Row> judgedSilver = silver.join(judged.select(RecordIds.RECORD_ID),
        RecordIds.RECORD_ID, "left_semi");
    Dataset<Row> labels = judged.select(RecordIds.RECORD_ID, LabelConfig.LABEL);
    int batchSize = context.section(ScoringConfig.class).batchSize();
    try {
      Dataset<Row> scored = null;
      for (LadderModel rung : rungs) {
        // The threshold labels rows, which the ROC AUC's ranking ignores: any value does.
        Dataset<Row> rungScores = ScoreJob.predict(judgedSilver, bundle.ladderRung(rung),
                batchSize, BinaryMetrics.DEFAULT_THRESHOLD, context.runId())
            .select(functions.lit(rung.model()).as(RUNG), functions.col(RecordIds.RECORD_ID),
                functions.col(BatchScorer.PROBABILITY))
            .join(labels, RecordIds.RECORD_ID);
        scored = scored == null ? rungScores : scored.unionByName(rungScores);
      }
      for (Row row : BinaryMetrics.rocAucByGroup(scored, RUNG, BatchScorer.PROBABILITY,
          LabelConfig.LABEL).collectAsList()) {
        String rung = row.getString(0);
        long rows = row.getLong(2) + row.getLong(3);
        if (row.isNullAt(1) || rows != judgedRows) {
          LOG.warn("evaluate {}: the saved {} baseline has no ROC AUC on the {} {} rows ({} "
              + "scored, of both classes)", context.dataset(), rung, judgedRows, split, rows);
        } else {
          byRung.put(rung, row.getDouble(1));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("evaluate {}: the baselines saved with model {} could not be scored ({}); the "
          + "report goes on without their {} figures", context.dataset(),
          bundle.metadata().modelVersion(), e.toString(), split);
      return new LinkedHashMap<>();
    }
    // In the model's order (the group's rows come in none).
    Map<String, Double> ordered = new LinkedHashMap<>();
    rungs.stream().filter(rung -> byRung.containsKey(rung.model()))
        .forEach(rung -> ordered.put(rung.model(), byRung.get(rung.model())));
    return ordered;
  }

  /**
   * The run record's figures of the saved rungs on the split ({@code baseline_<model>_roc_auc},
   * {@code margin_over_best_baseline}: the model's ROC AUC minus the best rung's), with a WARN
   * when a rung leads the model by more than {@link #GAP_WARNING}: the gap a user must see
   * even when validation could not tell the two apart.
   */
  static Map<String, Double> metrics(RunContext context, String split, long rows,
      String modelKind, double modelRocAuc, Map<String, Double> ladderOnSplit) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (ladderOnSplit.isEmpty()) {
      return metrics;
    }
    ladderOnSplit.forEach((rung, auc) -> metrics.put("baseline_" + rung + "_roc_auc", auc));
    if (!Double.isFinite(modelRocAuc)) {
      return metrics;
    }
    Map.Entry<String, Double> best = ladderOnSplit.entrySet().stream()
        .max(Map.Entry.comparingByValue()).orElseThrow();
    double margin = modelRocAuc - best.getValue();
    metrics.put("margin_over_best_baseline", margin);
    if (-margin > GAP_WARNING) {
      LOG.warn(String.format(Locale.ROOT, "evaluate %s: on the %d %s rows the %s baseline's ROC "
          + "AUC %.4f is %.4f above the model's (%s) %.4f; models are chosen on validation, so "
          + "nothing was changed: see the report's Baselines section", context.dataset(), rows,
          split, best.getKey(), best.getValue(), -margin, modelKind, modelRocAuc));
    }
    return metrics;
  }
}
