package org.deepline.scoring;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.deepline.training.ModelBundle;
import org.deepline.tracking.ModelRegistry;

/**
 * Score: turns the run date's silver rows into predictions with a registered model and the feature
 * model saved inside it, and replaces that date's rows of the predictions table
 * ({@code _record_id, probability, predicted_label, model_version, run_id, scored_at}).
 */
public final class ScoreJob implements Stage {
  public static final String PREDICTED_LABEL = "predicted_label";
  public static final String MODEL_VERSION = "model_version";

  @Override
  public String command() {
    return "score";
  }

  @Override
  public String description() {
    return "Score silver with a registered model into the predictions table.";
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    ScoringConfig config = context.config().scoring();
    ModelRegistry registry = new ModelRegistry(spark, context.warehouse());
    ModelRegistry.ModelEntry model = config.modelVersion() == null
        ? registry.latest(context.dataset(), context.runDate())
        : registry.version(context.dataset(), config.modelVersion());
    ModelBundle bundle = ModelBundle.load(context.files(), model.path());

    RunContext.Input silver = context.input(Table.SILVER);
    Dataset<Row> predictions = predict(silver.rows(), bundle, config, context.runId());
    TableRef predictionsRef = DeltaTables.replaceRunDate(predictions,
        context.table(Table.PREDICTIONS), context.runDate());

    Row summary = DeltaTables.slice(spark, predictionsRef, context.runDate())
        .agg(functions.count(functions.lit(1)), functions.avg(BatchScorer.PROBABILITY),
            functions.avg(PREDICTED_LABEL))
        .head();
    return StageResult.builder()
        .input(silver.ref()).output(predictionsRef)
        .artifact("model_version", model.modelVersion())
        .metric("rows_scored", summary.getLong(0))
        .metric("mean_probability", summary.getDouble(1))
        .metric("predicted_positive_rate", summary.getDouble(2))
        .build();
  }

  /** Pure transform: silver rows to prediction rows of one model. */
  public static Dataset<Row> predict(Dataset<Row> silver, ModelBundle bundle, ScoringConfig config,
      String runId) {
    Dataset<Row> vectors = new FeatureTransform(bundle.metadata().featureModel())
        .transform(silver.select(RecordIds.RECORD_ID,
            bundle.metadata().featureModel().inputColumns().stream()
                .map(Columns::quote).toArray(String[]::new)));
    return new BatchScorer(bundle.networkBytes(), config.batchSize()).transform(vectors)
        .select(functions.col(RecordIds.RECORD_ID),
            functions.col(BatchScorer.PROBABILITY),
            functions.when(functions.col(BatchScorer.PROBABILITY).geq(config.threshold()), 1)
                .otherwise(0).as(PREDICTED_LABEL),
            functions.lit(bundle.metadata().modelVersion()).as(MODEL_VERSION),
            functions.lit(runId).as("run_id"),
            functions.current_timestamp().as("scored_at"));
  }
}
