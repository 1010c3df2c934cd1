package org.deepline.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.featurestore.FeatureJoins;
import org.deepline.featurestore.JoinedFeatureTable;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.tracking.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Score: turns the run date's silver rows (the {@code run_date} partition given by
 * {@code --run-date}) into predictions with a registered model and the feature model saved inside it,
 * and replaces that date's rows of the predictions table
 * ({@code _record_id, probability, predicted_label, model_version, run_id, scored_at}). The predicted
 * label uses the threshold chosen at training unless {@code scoring.threshold} is set; the run record
 * says which ({@code threshold}, {@code threshold_source}). The feature tables the model's feature
 * model joined at training are joined again, at their latest versions ({@link FeatureJoins}), and
 * recorded as inputs.
 */
public final class ScoreJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  public static final String PREDICTED_LABEL = "predicted_label";
  /** A multi-class model's predicted class by name (its index is {@value #PREDICTED_LABEL}). */
  public static final String PREDICTED_CLASS = "predicted_class";
  /** A regression model's predicted number (it has no probability or predicted label). */
  public static final String PREDICTION = "prediction";
  public static final String MODEL_VERSION = "model_version";
  /** {@code threshold_source} when the config's {@code scoring.threshold} was used. */
  public static final String THRESHOLD_FROM_CONFIG = "scoring.threshold";
  /**
   * What a query of predictions filters on besides the date (its partition), e.g. the rows above a
   * probability. Statistics of the record ids, run id, timestamp and model version (one per date)
   * would skip no file and cost a fifth of the write: Delta compares every row's value with the
   * file's minimum and maximum.
   */
  static final List<String> STATS_COLUMNS = List.of(BatchScorer.PROBABILITY, PREDICTED_LABEL);
  /** A regression model's predictions table keeps statistics of its number alone. */
  static final List<String> REGRESSION_STATS_COLUMNS = List.of(PREDICTION);

  /** The columns a predictions table of {@code model} keeps per-file statistics of. */
  static List<String> statsColumns(ModelMetadata model) {
    return model.isRegression() ? REGRESSION_STATS_COLUMNS : STATS_COLUMNS;
  }

  /** The threshold rows are labelled at: {@code scoring.threshold} when set, else the model's own. */
  public static double threshold(ScoringConfig config, ModelMetadata model) {
    return config.explicitThreshold() != null ? config.explicitThreshold()
        : model.decisionThreshold().value();
  }

  /** Where {@link #threshold} came from, as the run record and the report say it. */
  public static String thresholdSource(ScoringConfig config, ModelMetadata model) {
    return config.explicitThreshold() != null ? THRESHOLD_FROM_CONFIG
        : "model (" + model.decisionThreshold().rule() + ")";
  }

  @Override
  public Name name() {
    return new Name("score",
        "Score silver with a registered model into the predictions table.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.PREDICTIONS);
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    ScoringConfig config = context.section(ScoringConfig.class);
    ModelRegistry registry = new ModelRegistry(spark, context.warehouse());
    ModelRegistry.ModelEntry model = registry.named(context.dataset(), context.runDate(),
        config.modelVersion());
    ModelBundle bundle = ModelBundle.load(context.files(), model.path());
    double threshold = threshold(config, bundle.metadata());
    String thresholdSource = thresholdSource(config, bundle.metadata());

    RunContext.Input silver = context.input(Table.SILVER);
    // New rows meet the feature tables' newest rows, through the join the model was trained with.
    List<JoinedFeatureTable> joins = FeatureJoins.atLatestVersions(spark, context.warehouse(),
        context.dataset(), bundle.metadata().featureModel().joins());
    Dataset<Row> predictions = predict(silver.rows(), joins, bundle, config.batchSize(), threshold,
        context.runId());
    boolean regression = bundle.metadata().isRegression();
    TableRef predictionsRef;
    try {
      predictionsRef = DeltaTables.replaceRunDate(predictions, context.table(Table.PREDICTIONS),
          context.runDate(), statsColumns(bundle.metadata()));
    } catch (RuntimeException e) {
      throw userError(e);
    }

    // A regression label's declared range, which predictions are clipped to: a prediction at a
    // bound was (but for a measure-zero chance) beyond it.
    Double labelMin = regression ? bundle.metadata().regression().lowest() : null;
    Double labelMax = regression ? bundle.metadata().regression().highest() : null;
    Column number = functions.col(PREDICTION);
    Row summary = DeltaTables.slice(spark, predictionsRef, context.runDate())
        .agg(functions.count(functions.lit(1)), functions.avg(regression ? PREDICTION
            : BatchScorer.PROBABILITY),
            regression ? functions.stddev_pop(PREDICTION) : functions.avg(PREDICTED_LABEL),
            functions.count(labelMin == null ? functions.lit(null)
                : functions.when(number.equalTo(labelMin), true)),
            functions.count(labelMax == null ? functions.lit(null)
                : functions.when(number.equalTo(labelMax), true)))
        .head();
    StageResult.Builder result = StageResult.builder().input(silver.ref());
    joins.forEach(join -> result.input(new TableRef(join.path(), join.version())));
    result.output(predictionsRef)
        .artifact("model_version", model.modelVersion())
        .metric("rows_scored", summary.getLong(0));
    if (regression) {
      // A number has no threshold; its predictions' mean and spread say what the night scored.
      result.metric("mean_prediction", summary.isNullAt(1) ? Double.NaN : summary.getDouble(1))
          .metric("prediction_standard_deviation", summary.isNullAt(2) ? Double.NaN
              : summary.getDouble(2));
      clippedAt(result, bundle.metadata().labelColumn(), summary.getLong(0), "min", labelMin,
          summary.getLong(3));
      clippedAt(result, bundle.metadata().labelColumn(), summary.getLong(0), "max", labelMax,
          summary.getLong(4));
      return result.build();
    }
    result.metric("mean_probability", summary.getDouble(1));
    if (bundle.metadata().isMulticlass()) {
      // No threshold: a row's prediction is its most probable class.
      return result.build();
    }
    return result.artifact("threshold_source", thresholdSource)
        .metric("threshold", threshold)
        .metric("model_threshold", bundle.metadata().decisionThreshold().value())
        .metric("predicted_positive_rate", summary.getDouble(2))
        .build();
  }

  /**
   * Records how many of the {@code rows} predictions were clipped to the label column's declared
   * {@code bound} ({@code side} min or max; none declared: nothing), with a WARN when more than
   * {@value #CLIPPED_SHARE_WARNED} of them were: a model whose numbers fall outside the range that
   * often predicts the range badly.
   */
  private static void clippedAt(StageResult.Builder result, String labelColumn, long rows,
      String side, Double bound, long clipped) {
    if (bound == null) {
      return;
    }
    result.metric("predictions_clipped_to_label_" + side, clipped);
    String line = String.format(Locale.ROOT, "score: %d of %d predictions (%.1f %%) were clipped "
        + "to %s's declared %s %s", clipped, rows, 100.0 * clipped / Math.max(1, rows),
        labelColumn, side, bound);
    if (clipped > CLIPPED_SHARE_WARNED * rows) {
      LOG.warn("{}: the model's numbers often fall outside the range; compare its R² with the "
          + "baselines' and try training.loss.type huber", line);
    } else if (clipped > 0) {
      LOG.info(line);
    }
  }

  /** A share of clipped predictions above which score WARNs. */
  static final double CLIPPED_SHARE_WARNED = 0.1;

  /** {@code prediction} within {@code target}'s declared range, as every scorer clips it. */
  static Column clipped(Column prediction, ModelMetadata.RegressionTarget target) {
    Column clipped = prediction;
    if (target.lowest() != null) {
      clipped = functions.greatest(clipped, functions.lit(target.lowest()));
    }
    return target.highest() == null ? clipped
        : functions.least(clipped, functions.lit(target.highest()));
  }

  /**
   * Pure transform: silver rows to prediction rows of one model, positive at or above
   * {@code threshold}; the feature tables the model was trained with are joined at the versions
   * its feature model recorded, so rows of the training date meet exactly the feature values
   * training saw.
   */
  public static Dataset<Row> predict(Dataset<Row> silver, ModelBundle bundle, int batchSize,
      double threshold, String runId) {
    return predict(silver, bundle.metadata().featureModel().joins(), bundle, batchSize, threshold,
        runId);
  }

  /**
   * {@link #predict(Dataset, ModelBundle, int, double, String)} joining the feature tables as
   * {@code joins} say (the model's recorded joins, at the versions to read).
   */
  public static Dataset<Row> predict(Dataset<Row> silver, List<JoinedFeatureTable> joins,
      ModelBundle bundle, int batchSize, double threshold, String runId) {
    return predict(silver, joins, bundle, batchSize, threshold, runId, List.of());
  }

  /**
   * {@link #predict(Dataset, List, ModelBundle, int, double, String)} keeping silver's
   * {@code carried} columns after the record id ({@code score-stream}: each row's run date and
   * silver version).
   */
  public static Dataset<Row> predict(Dataset<Row> silver, List<JoinedFeatureTable> joins,
      ModelBundle bundle, int batchSize, double threshold, String runId, List<String> carried) {
    return predict(silver, joins, new BatchScorer(bundle, batchSize), threshold, runId, carried);
  }

  /**
   * {@link #predict(Dataset, List, ModelBundle, int, double, String, List)} with a scorer made
   * before, which keeps the model it sends the executors for its next calls (a stream's
   * micro-batches).
   */
  public static Dataset<Row> predict(Dataset<Row> silver, List<JoinedFeatureTable> joins,
      BatchScorer scorer, double threshold, String runId, List<String> carried) {
    List<Column> columns = new ArrayList<>();
    columns.add(functions.col(RecordIds.RECORD_ID));
    carried.forEach(column -> columns.add(functions.col(Columns.quote(column))));
    List<String> classes = scorer.bundle().metadata().classes();
    if (scorer.bundle().metadata().isRegression()) {
      columns.add(clipped(functions.col(PREDICTION), scorer.bundle().metadata().regression())
          .as(PREDICTION));
    } else if (classes == null) {
      columns.add(functions.col(BatchScorer.PROBABILITY));
      columns.add(functions.when(functions.col(BatchScorer.PROBABILITY).geq(threshold), 1)
          .otherwise(0).as(PREDICTED_LABEL));
    } else {
      // The most probable class: its index (the first of ties), and its name.
      columns.add(functions.col(BatchScorer.PROBABILITY));
      Column byClass = functions.col(BatchScorer.CLASS_PROBABILITIES);
      Column position = functions.array_position(byClass, functions.array_max(byClass));
      columns.add(position.minus(1).cast("int").as(PREDICTED_LABEL));
      columns.add(functions.element_at(functions.array(classes.stream().map(functions::lit)
          .toArray(Column[]::new)), position.cast("int")).as(PREDICTED_CLASS));
      columns.add(byClass);
    }
    columns.add(functions.lit(scorer.bundle().metadata().modelVersion()).as(MODEL_VERSION));
    columns.add(functions.lit(runId).as("run_id"));
    columns.add(functions.current_timestamp().as("scored_at"));
    return scorer.transform(FeatureJoins.apply(silver, joins), carried)
        .select(columns.toArray(Column[]::new));
  }

  /**
   * A {@link DeeplineException} thrown inside a Spark task (a record that cannot be vectorised)
   * reaches the driver wrapped in Spark's exceptions; the user should read its message. Nothing was
   * committed: a Delta write that fails leaves the table as it was.
   */
  private static RuntimeException userError(RuntimeException error) {
    return DeeplineException.in(error).<RuntimeException>map(user -> new DeeplineException(
        user.failure(), user.getMessage() + " (the predictions table was left unchanged)", error))
        .orElse(error);
  }
}
