package org.deepline.evaluation;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.config.LabelConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureModel;
import org.deepline.training.ModelBundle;
import org.deepline.tracking.ModelRegistry;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;

/**
 * Evaluate: judges the run date's predictions on one split (test by default) and writes the verdict
 * three ways: {@code evaluation.json}, a self-contained {@code evaluation.html}, and a row of the
 * evaluations table. With {@code evaluation.min_roc_auc} set, a weaker model fails the run after the
 * report is written, so the reason can be read.
 */
public final class EvaluateJob implements Stage {
  public static final String JSON_REPORT = "evaluation.json";
  public static final String HTML_REPORT = "evaluation.html";
  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType, false)
      .add("split", DataTypes.StringType, false)
      .add("rows", DataTypes.LongType, false)
      .add("positives", DataTypes.LongType, false)
      .add("threshold", DataTypes.DoubleType, false)
      .add("accuracy", DataTypes.DoubleType, false)
      .add("precision", DataTypes.DoubleType, false)
      .add("recall", DataTypes.DoubleType, false)
      .add("f1", DataTypes.DoubleType, false)
      .add("roc_auc", DataTypes.DoubleType, false)
      .add("pr_auc", DataTypes.DoubleType, false)
      .add("log_loss", DataTypes.DoubleType, false)
      .add("report_json", DataTypes.StringType, false)
      .add("report_html", DataTypes.StringType, false);

  @Override
  public String command() {
    return "evaluate";
  }

  @Override
  public String description() {
    return "Metrics, calibration and ROC of the predictions on a split: JSON, HTML, Delta.";
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    EvaluationConfig config = context.config().evaluation();
    double threshold = context.config().scoring().threshold();
    RunContext.Input predictions = context.input(Table.PREDICTIONS);
    RunContext.Input splits = context.input(Table.SPLITS);
    TableRef predictionsRef = predictions.ref();
    Dataset<Row> onSplit = onSplit(predictions.rows(), splits.rows(), config.split()).persist();
    Dataset<Row> judged = onSplit;
    try {
      List<String> versions = onSplit.select(ScoreJob.MODEL_VERSION).distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      if (versions.isEmpty()) {
        throw new DeeplineException("evaluate: no predictions of the " + config.split()
            + " split for " + context.runDate() + " in " + predictionsRef.path());
      }
      if (versions.size() > 1) {
        throw new DeeplineException("evaluate: predictions of " + context.runDate()
            + " mix model versions " + versions + "; re-run score");
      }
      judged = withoutTrainingRows(context, versions.get(0), onSplit).persist();
      long judgedRows = judged.count();
      long seenInTraining = onSplit.count() - judgedRows;
      if (judgedRows == 0) {
        throw new DeeplineException("evaluate: every " + config.split() + " row of "
            + context.runDate() + " was in the training split of model " + versions.get(0));
      }
      BinaryMetrics.Summary summary = BinaryMetrics.summarize(judged, BatchScorer.PROBABILITY,
          LabelConfig.LABEL, threshold, config.calibrationBins());
      EvaluationReport report = new EvaluationReport(context.dataset(), context.runId(),
          context.runDate(), versions.get(0), config.split(), threshold, Instant.now().toString(),
          summary, null);
      String dir = context.warehouse().reportDir(context.dataset(), context.runDate());
      context.files().writeText(dir + "/" + JSON_REPORT, Json.write(report));
      context.files().writeText(dir + "/" + HTML_REPORT, HtmlReport.render(report));
      TableRef evaluationsRef = DeltaTables.replaceRunDate(
          spark.createDataFrame(List.of(row(report, dir)), SCHEMA).coalesce(1),
          context.table(Table.EVALUATIONS), context.runDate());

      if (config.minRocAuc() != null && !(summary.rocAuc() >= config.minRocAuc())) {
        throw new DeeplineException(String.format(Locale.ROOT,
            "evaluate: ROC AUC %.4f on %s is below evaluation.min_roc_auc %.4f (report: %s)",
            summary.rocAuc(), config.split(), config.minRocAuc(), dir + "/" + HTML_REPORT));
      }
      return StageResult.builder()
          .input(predictionsRef).input(splits.ref()).output(evaluationsRef)
          .artifact("report_json", dir + "/" + JSON_REPORT)
          .artifact("report_html", dir + "/" + HTML_REPORT)
          .artifact("model_version", versions.get(0))
          .metric("rows", summary.count())
          .metric("rows_excluded_seen_in_training", seenInTraining)
          .metric("accuracy", summary.accuracy())
          .metric("precision", summary.precision())
          .metric("recall", summary.recall())
          .metric("f1", summary.f1())
          .metric("roc_auc", summary.rocAuc())
          .metric("pr_auc", summary.prAuc())
          .metric("log_loss", summary.logLoss())
          .build();
    } finally {
      judged.unpersist();
      onSplit.unpersist();
    }
  }

  /**
   * Drops the rows the model was trained on: a model evaluated on another date's data (or after the
   * splits were redone) must not be judged on records it has seen. The model's feature artifact says
   * which splits table version and date its training split came from.
   */
  static Dataset<Row> withoutTrainingRows(RunContext context, String modelVersion,
      Dataset<Row> predictions) {
    ModelRegistry.ModelEntry entry = new ModelRegistry(context.spark(), context.warehouse())
        .version(context.dataset(), modelVersion);
    FeatureModel.FitProvenance fitted =
        ModelBundle.loadMetadata(context.files(), entry.path()).featureModel().fittedOn();
    Dataset<Row> trainedOn = DeltaTables.slice(context.spark(),
            new TableRef(fitted.splitsTable(), fitted.splitsVersion()), fitted.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    return predictions.join(trainedOn, predictions.col(RecordIds.RECORD_ID)
        .equalTo(trainedOn.col(RecordIds.RECORD_ID)), "left_anti");
  }

  /** Predictions of the records in {@code split}, with their 0/1 label. */
  public static Dataset<Row> onSplit(Dataset<Row> predictions, Dataset<Row> splits, String split) {
    return predictions.select(RecordIds.RECORD_ID, BatchScorer.PROBABILITY, ScoreJob.MODEL_VERSION)
        .join(splits.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split))
            .select(RecordIds.RECORD_ID, LabelConfig.LABEL), RecordIds.RECORD_ID);
  }

  private static Row row(EvaluationReport report, String dir) {
    BinaryMetrics.Summary m = report.metrics();
    return RowFactory.create(report.runId(), report.modelVersion(), report.split(), m.count(),
        m.positives(), report.threshold(), m.accuracy(), m.precision(), m.recall(), m.f1(),
        m.rocAuc(), m.prAuc(), m.logLoss(), dir + "/" + JSON_REPORT, dir + "/" + HTML_REPORT);
  }
}
