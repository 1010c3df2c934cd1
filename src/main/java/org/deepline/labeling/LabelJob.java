package org.deepline.labeling;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.PositiveClass;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.tracking.ModelRegistry;

/**
 * {@code deepline label}: weak supervision over the run date's silver rows. Every labelling
 * function of {@code labeling.functions} is evaluated in one projection; one {@code groupBy} counts
 * the distinct vote combinations, on which the {@link LabelModel} (Dawid-Skene EM) runs on the
 * driver; the combinations' majority vote and posterior are joined back to the rows, and the date's
 * slice of {@code weak_labels} is replaced: {@code _record_id, votes, votes_cast, majority_label,
 * label_model_label, label_model_probability, confidence}. Silver is scanned once; the votes (record id, a long and a double per
 * row) are kept for the count and the write. The run record gets the {@link LabelingMetrics}.
 *
 * <p>{@code deepline label --uncertain N} does active learning instead: the N rows of the date's
 * predictions nearest the decision threshold of the model that scored them (or
 * {@code scoring.threshold}, as {@code score} labels them) go, with their silver columns, to the
 * date's slice of {@code to_label} for people to label.
 *
 * <pre>{@code
 * deepline label --conf conf/churn.json --run-date 2026-11-24
 * deepline label --conf conf/churn.json --run-date 2026-11-24 --uncertain 200
 * }</pre>
 */
public final class LabelJob implements Stage {
  private final Integer uncertain;

  /** Weak labels from the labelling functions. */
  public LabelJob() {
    this(null);
  }

  /**
   * @param uncertain with a value, write that many rows nearest the decision threshold to
   *                  {@code to_label} instead of weak labels
   */
  public LabelJob(Integer uncertain) {
    if (uncertain != null && uncertain < 1) {
      throw new DeeplineException(Failure.USAGE, "--uncertain: the number of rows to label must "
          + "be at least 1, got " + uncertain);
    }
    this.uncertain = uncertain;
  }

  @Override
  public Name name() {
    return new Name("label",
        "Weak labels from labeling.functions (majority vote and a label model) into weak_labels;"
            + " with --uncertain N, the N rows nearest the model's threshold into to_label.");
  }

  @Override
  public StageResult run(RunContext context) {
    return uncertain == null ? weakLabels(context) : uncertainRows(context, uncertain);
  }

  private static StageResult weakLabels(RunContext context) {
    LabelingConfig config = context.section(LabelingConfig.class);
    if (!config.declared()) {
      throw new DeeplineException(Failure.CONFIG, "labeling.functions: label needs at least "
          + LabelingConfig.MIN_FUNCTIONS + " labelling functions and the config declares none "
          + "(add a labeling section, see docs/configuration.md)");
    }
    List<LabelingFunction> functions = config.functions();
    RunContext.Input silver = context.input(Table.SILVER);
    WeakLabels.checkExpressions(silver.rows(), functions);
    Column gold;
    String goldName;
    if (config.goldColumn() == null) {
      LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
          silver::rows, "label");
      if (label.isRegression()) {
        throw new DeeplineException(Failure.CONFIG, "label: the label model is binary (each "
            + "function votes positive or negative), and " + label.describe() + " is a "
            + "regression label (a number); set labeling.gold_column and "
            + "labeling.gold_positive to label a class");
      }
      if (label.isMulticlass()) {
        throw new DeeplineException(Failure.CONFIG, "label: the label model is binary (each "
            + "function votes positive or negative), and " + label.describe() + " is a "
            + "multi-class label of " + label.classCount() + " classes " + label.classes()
            + "; set labeling.gold_column and labeling.gold_positive to label one class against "
            + "the others");
      }
      gold = label.binaryOn(silver.rows());
      goldName = label.describe();
    } else {
      gold = WeakLabels.goldFromColumn(config.goldColumn(), config.goldPositive());
      goldName = "labeling.gold_column " + config.goldColumn();
    }
    Dataset<Row> votes = WeakLabels.votes(silver.rows(), functions, gold)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<VotePattern> patterns = WeakLabels.patterns(votes, goldName);
      LabelModel model = LabelModel.fit(WeakLabels.voteClasses(functions), patterns,
          config.classPrior());
      TableRef written = DeltaTables.replaceRunDate(
          WeakLabels.label(votes, functions, model, patterns), context.table(Table.WEAK_LABELS),
          context.runDate());
      return StageResult.builder()
          .input(silver.ref()).output(written)
          .metrics(LabelingMetrics.of(functions, model, patterns))
          .metric("vote_patterns", patterns.size())
          .build();
    } finally {
      votes.unpersist();
    }
  }

  /**
   * The threshold {@code score} labelled the rows at: {@code scoring.threshold} when set, else the
   * one the model chose at training ({@link ScoreJob#threshold}, from the model's metadata alone).
   */
  static double threshold(ScoringConfig scoring, ModelMetadata model) {
    return ScoreJob.threshold(scoring, model);
  }

  private static StageResult uncertainRows(RunContext context, int rows) {
    SparkSession spark = context.spark();
    String path = context.table(Table.PREDICTIONS);
    String rerun = "run score for " + context.runDate() + " first";
    if (!DeltaTables.exists(spark, path)) {
      throw new DeeplineException("label --uncertain: no predictions table at " + path + "; "
          + rerun);
    }
    TableRef predictionsRef = DeltaTables.ref(spark, path);
    Dataset<Row> predictions = DeltaTables.slice(spark, predictionsRef, context.runDate());
    List<String> versions = predictions.select(ScoreJob.MODEL_VERSION).distinct().limit(2)
        .collectAsList().stream().map(row -> row.getString(0)).toList();
    if (versions.isEmpty()) {
      throw new DeeplineException("label --uncertain: " + path + " has no predictions for run_date "
          + context.runDate() + "; " + rerun);
    }
    if (versions.size() > 1) {
      throw new DeeplineException("label --uncertain: the predictions of " + context.runDate()
          + " mix model versions " + versions + "; re-run score for the date with one model");
    }
    ModelRegistry.ModelEntry model = new ModelRegistry(spark, context.warehouse())
        .version(context.dataset(), versions.get(0));
    ModelMetadata metadata = ModelBundle.loadMetadata(context.files(), model.path());
    ScoringConfig scoring = context.section(ScoringConfig.class);
    double threshold = threshold(scoring, metadata);
    RunContext.Input silver = context.input(Table.SILVER);
    TableRef written = DeltaTables.replaceRunDate(
        UncertainRows.nearest(predictions, silver.rows(), threshold, rows),
        context.table(Table.TO_LABEL), context.runDate());
    Row summary = DeltaTables.slice(spark, written, context.runDate())
        .agg(functions.count(functions.lit(1)), functions.max(UncertainRows.DISTANCE),
            functions.avg(BatchScorer.PROBABILITY))
        .head();
    return StageResult.builder()
        .input(predictionsRef).input(silver.ref()).output(written)
        .artifact("model_version", model.modelVersion())
        .artifact("threshold_source", ScoreJob.thresholdSource(scoring, metadata))
        .metric("threshold", threshold)
        .metric("rows_to_label", summary.getLong(0))
        .metric("max_distance_to_threshold", summary.isNullAt(1) ? 0 : summary.getDouble(1))
        .metric("mean_probability", summary.isNullAt(2) ? 0 : summary.getDouble(2))
        .build();
  }
}
