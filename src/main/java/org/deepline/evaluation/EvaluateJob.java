package org.deepline.evaluation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.baselines.BaselineLadder;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureModel;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.SliceMetrics;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.TrainJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluate: judges the run date's predictions on one split (test by default), compares the model with
 * the champion on the same rows, decides its blessing, and writes the verdict three ways:
 * {@code evaluation.json}, a self-contained {@code evaluation.html}, and a row of the evaluations
 * table. Two gates fail the run after the report is written, so the reason can be read: a ROC AUC
 * below {@code evaluation.min_roc_auc}, and a refused blessing when {@code evaluation.blessing.gate}
 * is on. A multi-class model is judged by {@link MulticlassEvaluation}, a regression model (its
 * predictions' {@code prediction}) by {@link RegressionEvaluation}.
 */
public final class EvaluateJob implements Stage {
  public static final String JSON_REPORT = "evaluation.json";
  public static final String HTML_REPORT = "evaluation.html";
  /** The operating point the verdict is given at. */
  public static final String CHOSEN = "chosen";
  /** The champion comparison's entry of the threshold each model's figures are at. */
  static final String THRESHOLD = "threshold";
  private static final double PERCENT = 100.0;
  /** The share of a split left out as training rows from which evaluate WARNs. */
  static final double SEEN_IN_TRAINING_SHARE = 0.25;
  /** Fewer judged rows of either class than this, and the log says the figures say little. */
  static final int FEW_ROWS_PER_CLASS = 30;
  /**
   * How many times its validation log loss at training a model's log loss on the judged rows may
   * be, and by how much more, before the log says its probabilities moved: a test split's loss
   * differs from validation's by chance, by a few hundredths, not twice over and by a tenth.
   */
  static final double LOSS_RATIO = 2.0;
  static final double MIN_LOSS_RISE = 0.1;
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
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
      .add("brier", DataTypes.DoubleType, false)
      .add("ece", DataTypes.DoubleType, false)
      .add("blessed", DataTypes.BooleanType, false)
      .add("champion_version", DataTypes.StringType, true)
      .add("report_json", DataTypes.StringType, false)
      .add("report_html", DataTypes.StringType, false);

  @Override
  public Name name() {
    return new Name("evaluate",
        "Metrics, calibration, slices, behavioural tests and blessing of the predictions on a "
            + "split: JSON, HTML, Delta.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.EVALUATIONS);
  }

  /** The threshold the verdict is given at, and where it came from (said in the report). */
  public record ChosenThreshold(double value, String source) {}

  /**
   * The chosen threshold: the one {@code score} labelled the rows with, {@code scoring.threshold}
   * when set, else the threshold chosen on validation at training and stored with the model.
   */
  static ChosenThreshold chosenThreshold(RunContext context, ModelBundle bundle) {
    ScoringConfig scoring = context.section(ScoringConfig.class);
    return new ChosenThreshold(ScoreJob.threshold(scoring, bundle.metadata()),
        ScoreJob.thresholdSource(scoring, bundle.metadata()));
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    EvaluationConfig config = context.section(EvaluationConfig.class);
    RunContext.Input predictions = context.input(Table.PREDICTIONS);
    RunContext.Input splits = context.input(Table.SPLITS);
    // Checked on the schema, before any job: a misspelt slice column should not cost a scoring pass.
    Dataset<Row> silver = context.input(Table.SILVER).rows();
    TableRef predictionsRef = predictions.ref();
    if (isRegression(predictions.rows())) {
      // Named before a row is read, as a classifier's settings mean nothing for a number.
      RegressionEvaluation.requireSupported(config, "the model that wrote "
          + predictionsRef.path());
    }
    requireSilverColumns(silver, config.slices().columns());
    List<Dataset<Row>> cached = new ArrayList<>();
    Dataset<Row> onSplit = cache(cached,
        onSplit(predictions.rows(), splits.rows(), config.split()));
    try {
      List<String> versions = onSplit.select(ScoreJob.MODEL_VERSION).distinct()
          .as(Encoders.STRING()).collectAsList();
      if (versions.isEmpty()) {
        throw new DeeplineException("evaluate: no predictions of the " + config.split()
            + " split for " + context.runDate() + " in " + predictionsRef.path());
      }
      if (versions.size() > 1) {
        throw new DeeplineException("evaluate: predictions of " + context.runDate()
            + " mix model versions " + versions + "; re-run score");
      }
      ModelRegistry registry = new ModelRegistry(spark, context.warehouse());
      ModelRegistry.ModelEntry model = registry.version(context.dataset(), versions.get(0));
      ModelBundle bundle = ModelBundle.load(context.files(), model.path());
      // Before any metric is computed: a champion the registry does not know is a config error.
      Optional<ModelRegistry.ModelEntry> named =
          namedChampion(registry, context.dataset(), config.blessing());
      // Scored by its alias, the champion has no other model to compare with.
      boolean isTheChampion = named.map(entry -> entry.modelVersion().equals(model.modelVersion()))
          .orElse(false);
      Optional<ModelRegistry.ModelEntry> championEntry = named.filter(entry -> !isTheChampion);
      Dataset<Row> judged = cache(cached, withoutTrainingRows(context, bundle, onSplit));
      long judgedRows = judged.count();
      long seenInTraining = onSplit.count() - judgedRows;
      if (judgedRows == 0) {
        throw new DeeplineException("evaluate: every " + config.split() + " row of "
            + context.runDate() + " was in the training split of model " + versions.get(0));
      }
      seenInTrainingWarning(config.split(), context.runDate(), versions.get(0), seenInTraining,
          judgedRows).ifPresent(LOG::warn);
      if (bundle.metadata().isMulticlass()) {
        return MulticlassEvaluation.run(context, config, bundle, registry, judged, silver,
            seenInTraining, predictionsRef, splits.ref(), championEntry, isTheChampion);
      }
      if (bundle.metadata().isRegression()) {
        return RegressionEvaluation.run(context, config, bundle.metadata(), judged, silver,
            seenInTraining, predictionsRef, splits.ref(), championEntry, isTheChampion);
      }
      ChosenThreshold threshold = chosenThreshold(context, bundle);
      BinaryMetrics.Summary summary = BinaryMetrics.summarize(judged, BatchScorer.PROBABILITY,
          LabelConfig.LABEL, options(config, threshold.value(), true));
      fewRowsWarning(config.split(), summary.count(), summary.positives(), summary.rocAuc())
          .ifPresent(LOG::warn);
      oneClassWarning(config.split(), summary.count(), summary.positives(), summary.accuracy(),
          config.blessing().gate()).ifPresent(LOG::warn);
      calibrationWarning(config.split(), context.runDate(), summary.count(), summary.logLoss(),
          summary.rocAuc(), new TrainedLoss(bundle.metadata().modelVersion(),
              bundle.metadata().runDate(),
              shippedValidationLoss(bundle.metadata().validationMetrics())))
          .ifPresent(LOG::warn);
      List<SliceMetrics.Slice> slices = slices(judged, silver, config, threshold.value());
      List<BehaviouralResult> behavioural = BehaviouralTests.run(config.behavioural(),
          silver.join(judged.select(RecordIds.RECORD_ID), RecordIds.RECORD_ID, "left_semi"),
          judged, LabelConfig.LABEL,
          rows -> ScoreJob.predict(rows, bundle, context.section(ScoringConfig.class).batchSize(),
              threshold.value(), context.runId()),
          threshold.value());

      EvaluationReport.ChampionComparison comparison = null;
      Blessing.Candidate challenger = candidate(model.modelVersion(), summary, slices,
          config.blessing().metric());
      Blessing.Candidate champion = null;
      if (championEntry.isPresent()) {
        ModelBundle championBundle = ModelBundle.load(context.files(), championEntry.get().path());
        Dataset<Row> shared = cache(cached, withoutTrainingRows(context, championBundle, judged));
        boolean sameRows = shared.count() == judgedRows;
        BinaryMetrics.Summary challengerShared = sameRows ? summary
            : BinaryMetrics.summarize(shared, BatchScorer.PROBABILITY, LabelConfig.LABEL,
                options(config, threshold.value(), false));
        List<SliceMetrics.Slice> challengerSlices = sameRows ? slices
            : slices(shared, silver, config, threshold.value());
        // The champion labels rows at its own threshold, as score would with it (or at
        // scoring.threshold, which holds for both): judged at the challenger's, its accuracy,
        // recall and F1 were figures it never had in production.
        double championThreshold = chosenThreshold(context, championBundle).value();
        Dataset<Row> championScored = cache(cached, ScoreJob.predict(
                silver.join(shared.select(RecordIds.RECORD_ID), RecordIds.RECORD_ID, "left_semi"),
                championBundle, context.section(ScoringConfig.class).batchSize(),
                championThreshold, context.runId())
            .select(RecordIds.RECORD_ID, BatchScorer.PROBABILITY)
            .join(shared.select(RecordIds.RECORD_ID, LabelConfig.LABEL), RecordIds.RECORD_ID));
        BinaryMetrics.Summary championSummary = BinaryMetrics.summarize(championScored,
            BatchScorer.PROBABILITY, LabelConfig.LABEL, options(config, championThreshold, false));
        List<SliceMetrics.Slice> championSlices =
            slices(championScored, silver, config, championThreshold);
        challenger = candidate(model.modelVersion(), challengerShared, challengerSlices,
            config.blessing().metric());
        champion = candidate(championEntry.get().modelVersion(), championSummary, championSlices,
            config.blessing().metric());
        comparison = new EvaluationReport.ChampionComparison(champion.modelVersion(),
            config.blessing().metric(), challengerShared.count(),
            withThreshold(challenger.metrics(), threshold.value()),
            withThreshold(champion.metrics(), championThreshold), challenger.slices(),
            champion.slices());
      }
      Blessing.Verdict verdict = Blessing.judge(config.blessing(), challenger, champion,
          behavioural, isTheChampion);
      // Of one class, the rows give no rung a ROC AUC: nothing to compare the model with.
      Map<String, Double> ladderOnSplit = oneClass(summary) ? Map.of()
          : SavedBaselines.rocAuc(context, bundle, silver, judged, config.split(), judgedRows);
      List<EvaluationReport.Baseline> baselines = EvaluationReport.Baseline.withSplitRocAuc(
          EvaluationReport.Baseline.fromValidationMetrics(bundle.metadata().validationMetrics(),
              BaselineLadder.MODELS, registeredRow(bundle.metadata())),
          summary.rocAuc(), ladderOnSplit);
      Map<String, Double> ladderMetrics = SavedBaselines.metrics(context, config.split(),
          judgedRows,
          bundle.metadata().modelKind(), summary.rocAuc(), ladderOnSplit);

      EvaluationReport report = new EvaluationReport(EvaluationReport.SCHEMA_VERSION,
          context.dataset(), context.runId(), context.runDate(), model.modelVersion(),
          config.split(), threshold.source(), Instant.now().toString(), summary, slices,
          behavioural, comparison, verdict, baselines,
          EvaluationReport.Importance.fromValidationMetrics(bundle.metadata().validationMetrics(),
              TrainJob.IMPORTANCE_PREFIX), bundle.metadata().modelKind(),
          bundle.metadata().ensemble() == null ? null
              : EvaluationReport.Ensemble.fromValidationMetrics(bundle.metadata().modelKind(),
                  bundle.metadata().ensemble().members().stream()
                      .map(org.deepline.training.EnsembleSpec.Member::name).toList(),
                  bundle.metadata().validationMetrics()),
          EvaluationReport.TrainingHistory.of(bundle.metadata()),
          EvaluationReport.FoldedInput.of(bundle.metadata().featureModel()));
      String dir = context.warehouse().reportDir(context.dataset(), context.runDate());
      context.files().writeText(dir + "/" + JSON_REPORT, Json.write(report));
      context.files().writeText(dir + "/" + HTML_REPORT, HtmlReport.render(report));
      TableRef evaluationsRef = DeltaTables.replaceRunDate(
          spark.createDataFrame(List.of(row(report, dir)), SCHEMA).coalesce(1),
          context.table(Table.EVALUATIONS), context.runDate());

      if (config.minRocAuc() != null && !oneClass(summary)
          && !(summary.rocAuc() >= config.minRocAuc())) {
        throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT,
            "evaluate: ROC AUC %.4f on %s is below evaluation.min_roc_auc %.4f (report: %s)",
            summary.rocAuc(), config.split(), config.minRocAuc(), dir + "/" + HTML_REPORT));
      }
      if (config.blessing().gate() && !verdict.blessed()) {
        throw new DeeplineException(Failure.MODEL_GATE, "evaluate: blessing of model " + model.modelVersion()
            + " refused: " + String.join("; ", verdict.reasons()) + " (report: " + dir + "/"
            + HTML_REPORT + ")");
      }
      StageResult.Builder result = StageResult.builder()
          .input(predictionsRef).input(splits.ref()).output(evaluationsRef)
          .artifact("report_json", dir + "/" + JSON_REPORT)
          .artifact("report_html", dir + "/" + HTML_REPORT)
          .artifact("model_version", model.modelVersion())
          .artifact("blessing", verdict.summary()
              + (verdict.reasons().isEmpty() ? "" : " " + String.join("; ", verdict.reasons())))
          .metric("rows", summary.count())
          .metric("rows_excluded_seen_in_training", seenInTraining)
          .metric("threshold", threshold.value())
          .metric("blessed", verdict.blessed() ? 1 : 0)
          .metric("behavioural_failed", behavioural.stream().filter(b -> !b.passed()).count())
          .metrics(metricMap(summary))
          .metrics(ladderMetrics);
      if (verdict.championVersion() != null) {
        result.artifact("champion_version", verdict.championVersion());
      }
      return result.build();
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * The name of the registered model's row in the baseline table: {@code network}, {@code ensemble},
   * or a promoted baseline's kind, e.g. {@code baseline:logistic_regression}.
   */
  private static String registeredRow(org.deepline.training.ModelMetadata metadata) {
    if (metadata.baseline() != null) {
      return metadata.modelKind();
    }
    return metadata.ensemble() == null ? EvaluationReport.Baseline.NETWORK
        : EvaluationReport.Baseline.ENSEMBLE;
  }

  /**
   * What to tell a user whose judged rows hold fewer than {@value #FEW_ROWS_PER_CLASS} of either
   * class, or nothing. Why: ROC AUC on a handful of rows moves by tenths with one row, and its
   * bootstrap interval, drawn from the same few rows, looks certain (a 3-row test split of a public
   * data set was blessed with 1.0 in [1.0, 1.0]) where it knows nothing.
   */
  static Optional<String> fewRowsWarning(String split, long rows, long positives, double rocAuc) {
    long fewer = Math.min(positives, rows - positives);
    if (fewer >= FEW_ROWS_PER_CLASS) {
      return Optional.empty();
    }
    if (fewer == 0) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "evaluate: the %s split holds %d positive and %d "
        + "negative rows: its ROC AUC %.4f and the interval around it say little at this size "
        + "(fewer than %d of a class); compare models on more rows (a larger split.%s)", split,
        positives, rows - positives, rocAuc, FEW_ROWS_PER_CLASS, split));
  }

  /**
   * What to tell a user when at least {@value #SEEN_IN_TRAINING_SHARE} of the split's rows were left
   * out as the model's training rows, or nothing: the metrics then judge what is left, and a split
   * redone after training (another seed) is the usual cause, which {@code rows_excluded_seen_in_training}
   * alone said without a word in the log.
   */
  static Optional<String> seenInTrainingWarning(String split, String runDate, String model,
      long seenInTraining, long judged) {
    long rows = seenInTraining + judged;
    if (rows == 0 || seenInTraining < SEEN_IN_TRAINING_SHARE * rows) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "evaluate: %d of the %d %s rows of %s were in "
        + "the training split of model %s and are left out; the metrics judge the other %d (was "
        + "the split redone after training? re-run features and train for a whole %s split)",
        seenInTraining, rows, split, runDate, model, judged, split));
  }

  /**
   * The validation log loss of the probabilities the model ships: after calibration or the prior
   * correction when training applied one (the epoch's loss is of the network before it), else the
   * network's or the ensemble's own.
   */
  static Double shippedValidationLoss(Map<String, Double> validationMetrics) {
    for (String key : List.of("validation_loss_after_calibration",
        "validation_loss_after_prior_correction", "validation_loss")) {
      if (validationMetrics.containsKey(key)) {
        return validationMetrics.get(key);
      }
    }
    return null;
  }

  /**
   * What to tell a user whose judged rows hold one class (a date of one class, such as a night
   * without a fraud), or nothing: what is undefined there, that {@code evaluation.min_roc_auc} is
   * not checked, the figure that is defined (the share of rows labelled right, here the accuracy)
   * and, with the blessing gate on, that the gate refuses such a date.
   */
  static Optional<String> oneClassWarning(String split, long rows, long positives,
      double accuracy, boolean gate) {
    if (positives != 0 && positives != rows) {
      return Optional.empty();
    }
    boolean negatives = positives == 0;
    return Optional.of(String.format(Locale.ROOT, "evaluate: the %s split holds only %s rows "
        + "(%d): ROC AUC, PR AUC and %s are undefined on it, and evaluation.min_roc_auc is not "
        + "checked; the model labels %.1f %% of them %s (its accuracy)%s", split,
        negatives ? "negative" : "positive", rows,
        negatives ? "recall" : "the false-positive rate", PERCENT * accuracy,
        negatives ? "negative" : "positive", gate ? "; evaluation.blessing.gate refuses the "
            + "blessing of such a date, whose ROC AUC checks cannot be met" : ""));
  }

  /**
   * Whether the judged rows hold one class: a ROC AUC is undefined, not low, and the minimum it is
   * held to does not apply (a nightly date without a positive failed as "model refused").
   */
  static boolean oneClass(BinaryMetrics.Summary summary) {
    return summary.positives() == 0 || summary.positives() == summary.count();
  }

  /** A model's version, training date and validation log loss there (null when not recorded). */
  record TrainedLoss(String modelVersion, String runDate, Double validationLoss) {}

  /**
   * What to tell a user whose model's log loss on the judged rows is more than
   * {@value #LOSS_RATIO} times its validation loss at training and {@value #MIN_LOSS_RISE} above it,
   * or nothing. Why: a shifted input keeps the ranking (ROC AUC) while the probabilities, and the
   * threshold chosen on them, stop meaning what they did; a night with a feature scaled by 1.3
   * showed ROC AUC 0.998 and log loss 0.76 against 0.05, and the blessing had nothing to say.
   */
  static Optional<String> calibrationWarning(String split, String runDate, long rows,
      double logLoss, double rocAuc, TrainedLoss model) {
    Double trained = model.validationLoss();
    if (trained == null || Double.isNaN(trained) || Double.isNaN(logLoss)
        || logLoss <= LOSS_RATIO * trained || logLoss - trained <= MIN_LOSS_RISE) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "evaluate: model %s's log loss on the %d %s rows "
        + "of %s is %.4f, against %.4f on its validation rows at training (%s): its "
        + "probabilities no longer say how often the label is true, though its ROC AUC %.4f may "
        + "rank as before; run monitor for the inputs that moved, and retrain on newer rows",
        model.modelVersion(), rows, split, runDate, logLoss, trained, model.runDate(), rocAuc));
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> rows) {
    Dataset<Row> persisted = rows.persist();
    cached.add(persisted);
    return persisted;
  }

  private static BinaryMetrics.Options options(EvaluationConfig config, double threshold,
      boolean withIntervals) {
    BinaryMetrics.Options options = BinaryMetrics.options()
        .threshold(CHOSEN, threshold)
        .threshold(BinaryMetrics.DEFAULT_THRESHOLD_NAME, BinaryMetrics.DEFAULT_THRESHOLD)
        .calibration(config.calibrationBins(), config.binning());
    EvaluationConfig.BootstrapConfig bootstrap = config.bootstrap();
    return withIntervals && bootstrap.replicates() > 0
        ? options.bootstrap(bootstrap.replicates(), bootstrap.confidence(), bootstrap.seed(),
            RecordIds.RECORD_ID)
        : options;
  }

  private static List<SliceMetrics.Slice> slices(Dataset<Row> scored, Dataset<Row> silver,
      EvaluationConfig config, double threshold) {
    List<String> columns = config.slices().columns();
    if (columns.isEmpty()) {
      return List.of();
    }
    List<Column> wanted = new ArrayList<>();
    wanted.add(functions.col(RecordIds.RECORD_ID));
    columns.forEach(c -> wanted.add(Columns.col(c)));
    Dataset<Row> withColumns = scored.select(RecordIds.RECORD_ID, BatchScorer.PROBABILITY,
            LabelConfig.LABEL)
        .join(silver.select(wanted.toArray(Column[]::new)), RecordIds.RECORD_ID);
    return SliceMetrics.compute(withColumns, BatchScorer.PROBABILITY, LabelConfig.LABEL, columns,
        config.slices().minRows(), threshold);
  }

  private static void requireSilverColumns(Dataset<Row> silver, List<String> columns) {
    List<String> present = List.of(silver.columns());
    for (String column : columns) {
      if (!present.contains(column)) {
        throw new DeeplineException(Failure.CONFIG, "evaluation.slices.columns: no column '" + column
            + "' in silver (columns: " + present + ")");
      }
    }
  }

  /**
   * The model to compare with: the version or alias {@code evaluation.blessing.champion_version}
   * names when set, otherwise the version the registry holds under the alias
   * {@value ModelRegistry#CHAMPION}; none when no model holds it. It may be the model evaluated
   * (scored by its alias), which is then judged without one.
   */
  static Optional<ModelRegistry.ModelEntry> namedChampion(ModelRegistry registry, String dataset,
      BlessingConfig blessing) {
    if (blessing.championVersion() == null) {
      return registry.alias(dataset, ModelRegistry.CHAMPION);
    }
    try {
      return Optional.of(registry.resolve(dataset, blessing.championVersion()));
    } catch (DeeplineException e) {
      throw new DeeplineException(Failure.CONFIG,
          "evaluation.blessing.champion_version: " + e.getMessage());
    }
  }

  /** The metrics a verdict and a comparison speak of, by report name, at the chosen threshold. */
  static Map<String, Double> metricMap(BinaryMetrics.Summary summary) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", summary.accuracy());
    metrics.put("precision", summary.precision());
    metrics.put("recall", summary.recall());
    metrics.put("f1", summary.f1());
    metrics.put("roc_auc", summary.rocAuc());
    metrics.put("pr_auc", summary.prAuc());
    metrics.put("log_loss", summary.logLoss());
    metrics.put("brier", summary.brier());
    metrics.put("ece", summary.expectedCalibrationError());
    return metrics;
  }

  /** {@code metrics} and the threshold their operating point is at, for the comparison table. */
  private static Map<String, Double> withThreshold(Map<String, Double> metrics, double threshold) {
    Map<String, Double> shown = new LinkedHashMap<>(metrics);
    shown.put(THRESHOLD, threshold);
    return shown;
  }

  private static Blessing.Candidate candidate(String version, BinaryMetrics.Summary summary,
      List<SliceMetrics.Slice> slices, String metric) {
    Map<String, Double> bySlice = new LinkedHashMap<>();
    slices.stream().filter(SliceMetrics.Slice::judged)
        .forEach(s -> bySlice.put(s.name(), s.metric(metric)));
    return new Blessing.Candidate(version, metricMap(summary), bySlice);
  }

  /**
   * Drops the rows a model was trained on: a model evaluated on another date's data (or after the
   * splits were redone) must not be judged on records it has seen. The model's feature artifact says
   * which splits table version and date its training split came from.
   */
  static Dataset<Row> withoutTrainingRows(RunContext context, ModelBundle bundle,
      Dataset<Row> predictions) {
    FeatureModel.FitProvenance fitted = bundle.metadata().featureModel().fittedOn();
    Dataset<Row> trainedOn = DeltaTables.slice(context.spark(),
            new TableRef(fitted.splitsTable(), fitted.splitsVersion()), fitted.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(StratifiedSplitter.TRAIN))
        .select(RecordIds.RECORD_ID);
    return predictions.join(trainedOn, predictions.col(RecordIds.RECORD_ID)
        .equalTo(trainedOn.col(RecordIds.RECORD_ID)), "left_anti");
  }

  /**
   * Predictions of the records in {@code split}, with their label: a classifier's
   * {@value BatchScorer#PROBABILITY} (and a multi-class model's
   * {@value BatchScorer#CLASS_PROBABILITIES}), a regression model's {@value ScoreJob#PREDICTION},
   * whichever the table holds. Fails naming the columns when it holds neither.
   */
  public static Dataset<Row> onSplit(Dataset<Row> predictions, Dataset<Row> splits, String split) {
    List<String> present = List.of(predictions.columns());
    List<Column> columns = new ArrayList<>(List.of(functions.col(RecordIds.RECORD_ID)));
    if (present.contains(BatchScorer.PROBABILITY)) {
      columns.add(functions.col(BatchScorer.PROBABILITY));
    }
    if (present.contains(ScoreJob.PREDICTION)) {
      columns.add(functions.col(ScoreJob.PREDICTION));
    }
    if (columns.size() == 1) {
      throw new DeeplineException("evaluate: the predictions hold neither "
          + BatchScorer.PROBABILITY + " (a classifier's) nor " + ScoreJob.PREDICTION
          + " (a regression model's) (columns: " + present + "); re-run score");
    }
    columns.add(functions.col(ScoreJob.MODEL_VERSION));
    if (present.contains(BatchScorer.CLASS_PROBABILITIES)) {
      // A multi-class model's predictions: what its metrics are computed from.
      columns.add(functions.col(BatchScorer.CLASS_PROBABILITIES));
    }
    return predictions.select(columns.toArray(Column[]::new))
        .join(splits.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split))
            .select(RecordIds.RECORD_ID, LabelConfig.LABEL), RecordIds.RECORD_ID);
  }

  /**
   * Whether the predictions are a regression model's: a {@value ScoreJob#PREDICTION} column and no
   * {@value BatchScorer#PROBABILITY}, told from the schema without reading a row.
   */
  static boolean isRegression(Dataset<Row> predictions) {
    List<String> present = List.of(predictions.columns());
    return present.contains(ScoreJob.PREDICTION) && !present.contains(BatchScorer.PROBABILITY);
  }

  private static Row row(EvaluationReport report, String dir) {
    BinaryMetrics.Summary m = report.metrics();
    return RowFactory.create(report.runId(), report.modelVersion(), report.split(), m.count(),
        m.positives(), report.threshold(), m.accuracy(), m.precision(), m.recall(), m.f1(),
        m.rocAuc(), m.prAuc(), m.logLoss(), m.brier(), m.expectedCalibrationError(),
        report.blessing().blessed(), report.blessing().championVersion(),
        dir + "/" + JSON_REPORT, dir + "/" + HTML_REPORT);
  }

  /**
   * {@code rows} (record ids and labels) with the champion's {@code column} for them (a
   * multi-class model's class probabilities, a regression model's prediction), scored from the
   * rows' silver records as {@code score} would score them.
   */
  static Dataset<Row> championScored(RunContext context, ModelBundle champion,
      Dataset<Row> rows, Dataset<Row> silver, String column) {
    return ScoreJob.predict(
            silver.join(rows.select(RecordIds.RECORD_ID), RecordIds.RECORD_ID, "left_semi"),
            champion, context.section(ScoringConfig.class).batchSize(), Double.NaN,
            context.runId())
        .select(RecordIds.RECORD_ID, column)
        .join(rows.select(RecordIds.RECORD_ID, LabelConfig.LABEL), RecordIds.RECORD_ID);
  }
}
