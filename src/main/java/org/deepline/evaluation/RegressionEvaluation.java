package org.deepline.evaluation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.core.html.Elements;
import org.deepline.core.html.Formats;
import org.deepline.core.html.Html;
import org.deepline.core.html.Html.Element;
import org.deepline.core.html.HtmlPage;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.metrics.RegressionScores;
import org.deepline.scoring.ScoreJob;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate stage for a regression model ({@link ModelMetadata#regression}): the judged rows'
 * {@value ScoreJob#PREDICTION} against their number in {@value LabelConfig#LABEL}
 * ({@link RegressionScores}: RMSE, MAE, R², explained variance, median and largest absolute error,
 * the means of labels and predictions), where the errors lie (quantiles of the absolute error, and
 * the mean label beside the mean prediction in each tenth of the rows ordered by prediction), the
 * training run's baselines beside the model on the validation rows; JSON, HTML and the evaluations
 * row; blessing against a champion of the regression kind on the rows neither trained on, by RMSE.
 *
 * <pre>{@code
 * StageResult result = RegressionEvaluation.run(context, config, bundle.metadata(), judged, silver,
 *     seenInTraining, predictionsRef, splitsRef, champion, false);
 * result.metric("rmse"); // on the judged rows, in the label's unit
 * }</pre>
 *
 * <p>What a classification evaluation judges and a number has no meaning for is refused by name
 * before a row is read ({@link #unsupported}): {@code evaluation.min_roc_auc}, slices, behavioural
 * tests, the blessing's ROC AUC, PR AUC, log loss, Brier and ECE bounds and a comparison metric
 * other than the default. The evaluations row holds NaN in the classification columns (its
 * {@code positives} 0) and the model's figures in the columns {@code rmse}, {@code mae} and
 * {@code r2}, which a table written before them gains (older rows read them as null).
 */
final class RegressionEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
  static final String REPORT_TITLE = "deepline regression evaluation";
  /** What a regression challenger is compared with its champion on: lower is better. */
  static final String RMSE = "rmse";
  static final String R2 = "r2";
  /** The prediction-ordered bins of the calibration table: tenths of the rows. */
  static final int PREDICTION_BINS = 10;
  /** The quantiles of the absolute error the report gives besides its median and maximum. */
  static final List<Double> ERROR_QUANTILES = List.of(0.5, 0.75, 0.9, 0.95, 0.99);
  /** The validation metrics a train run of a regression model records for its baselines. */
  static final String BASELINE_PREFIX = "baseline_";
  static final String BASELINE_RMSE_SUFFIX = "_validation_rmse";
  static final String BASELINE_R2_SUFFIX = "_validation_r2";
  /** The train run's key of the best baseline's RMSE, which is not a baseline of its own. */
  static final String BEST_BASELINE = "best";
  private static final String NUMBER = "%.4f";
  /** The evaluations table's columns: the classification ones, then a regression model's. */
  static final StructType SCHEMA = EvaluateJob.SCHEMA
      .add("rmse", DataTypes.DoubleType, true)
      .add("mae", DataTypes.DoubleType, true)
      .add("r2", DataTypes.DoubleType, true);

  private RegressionEvaluation() {}

  /**
   * The judged rows ordered by prediction and cut into {@value #PREDICTION_BINS} bins of about the
   * same count: where the mean prediction and the mean label part is where the model is off.
   */
  record PredictionBin(int bin, long rows, double minPrediction, double maxPrediction,
      double meanPrediction, double meanLabel) {
    /** The mean prediction minus the mean label: above 0, the model predicts too high here. */
    public double meanError() {
      return meanPrediction - meanLabel;
    }
  }

  /** The absolute error below which {@code quantile} of the judged rows' errors lie. */
  record ErrorQuantile(double quantile, double absoluteError) {}

  /** One baseline of the train run, on the validation rows. */
  record BaselineFigures(String name, double validationRmse, double validationR2) {}

  /**
   * The model and the train run's baselines on the validation rows, as training recorded them.
   *
   * @param best          the baseline of the lowest validation RMSE; null without baselines
   * @param modelIsWorse  the model's validation RMSE is above the best baseline's
   */
  record Baselines(String modelKind, double validationRmse, double validationMae,
      double validationR2, List<BaselineFigures> baselines, String best, boolean modelIsWorse) {}

  /** The challenger and its champion on the rows neither trained on. */
  record Comparison(String championVersion, long rows, Map<String, Double> challenger,
      Map<String, Double> champion) {}

  /** The JSON report of a regression evaluation; {@code champion} null without a comparison. */
  record Report(String dataset, String runId, String runDate, String modelVersion,
      String modelKind, String split, String createdAt, long rows, Map<String, Double> metrics,
      List<ErrorQuantile> errorQuantiles, List<PredictionBin> calibration, Baselines baselines,
      Comparison champion, Blessing.Verdict blessing) {}

  /** Settings of {@code evaluation} a regression model has no meaning for; empty if none. */
  static List<String> unsupported(EvaluationConfig config) {
    List<String> refused = new ArrayList<>();
    if (config.minRocAuc() != null) {
      refused.add("evaluation.min_roc_auc");
    }
    refused.addAll(config.oneClassSettings());
    BlessingConfig blessing = config.blessing();
    Map<String, Double> bounds = new LinkedHashMap<>();
    bounds.put("min_roc_auc", blessing.minRocAuc());
    bounds.put("min_pr_auc", blessing.minPrAuc());
    bounds.put("max_log_loss", blessing.maxLogLoss());
    bounds.put("max_brier", blessing.maxBrier());
    bounds.put("max_ece", blessing.maxEce());
    bounds.forEach((name, value) -> {
      if (value != null) {
        refused.add("evaluation.blessing." + name);
      }
    });
    if (!BlessingConfig.defaults().metric().equals(blessing.metric())) {
      refused.add("evaluation.blessing.metric (a regression model is compared on " + RMSE + ")");
    }
    return refused;
  }

  /** Fails naming {@link #unsupported} settings, if any, for the model {@code what} names. */
  static void requireSupported(EvaluationConfig config, String what) {
    List<String> refused = unsupported(config);
    if (!refused.isEmpty()) {
      throw new DeeplineException(Failure.CONFIG, "evaluate: " + what + " predicts a number, "
          + "and these settings are for a classifier: " + String.join("; ", refused)
          + "; leave them out");
    }
  }

  /**
   * Evaluates {@code judged} (the split's prediction rows the model was not trained on, with
   * {@value ScoreJob#PREDICTION} and {@value LabelConfig#LABEL}) of the regression model
   * {@code model}, writes the JSON and HTML reports and the evaluations row, and fails after them
   * when {@code evaluation.blessing.gate} is on and the blessing is refused.
   */
  static StageResult run(RunContext context, EvaluationConfig config, ModelMetadata model,
      Dataset<Row> judged, Dataset<Row> silver, long seenInTraining, TableRef predictionsRef,
      TableRef splitsRef, Optional<ModelRegistry.ModelEntry> champion, boolean isTheChampion) {
    requireSupported(config, "model " + model.modelVersion());
    RegressionScores scores = scores(judged, config.split(), model.modelVersion());
    Map<String, Double> metrics = metrics(scores);
    constantPredictionWarning(config.split(), model.modelVersion(), scores).ifPresent(LOG::warn);
    if (scores.count() > 0 && Double.isNaN(scores.r2())) {
      LOG.warn(String.format(Locale.ROOT, "evaluate: every one of the %d %s rows holds the number "
          + "%.6g: R² is undefined and the blessing reads the RMSE alone", scores.count(),
          config.split(), scores.meanLabel()));
    } else if (scores.r2() <= MIN_R2) {
      LOG.warn(String.format(Locale.ROOT, "evaluate: model %s's R² on the %s rows is %.4f: it "
          + "predicts them worse than their mean would (its blessing is refused)",
          model.modelVersion(), config.split(), scores.r2()));
    }
    Baselines baselines = baselines(model.modelKind(), model.validationMetrics());
    baselineWarning(model.modelVersion(), baselines).ifPresent(LOG::warn);

    Blessing.Candidate challenger = new Blessing.Candidate(model.modelVersion(), metrics,
        Map.of());
    Blessing.Candidate championCandidate = null;
    long comparedRows = scores.count();
    ModelBundle championBundle = champion.map(entry -> ModelBundle.load(context.files(),
        entry.path())).orElse(null);
    if (championBundle != null && !championBundle.metadata().isRegression()) {
      LOG.warn("evaluate: the champion {} predicts {}, not a number: not compared",
          championBundle.metadata().modelVersion(), championBundle.metadata().isMulticlass()
              ? "classes " + championBundle.metadata().classes() : "a binary label");
    } else if (championBundle != null) {
      // As the binary and multi-class comparisons: both models on the rows neither trained on.
      Dataset<Row> shared = EvaluateJob.withoutTrainingRows(context, championBundle, judged)
          .cache();
      try {
        comparedRows = shared.count();
        if (comparedRows != scores.count()) {
          challenger = new Blessing.Candidate(model.modelVersion(),
              metrics(scores(shared, config.split(), model.modelVersion())), Map.of());
        }
        championCandidate = new Blessing.Candidate(championBundle.metadata().modelVersion(),
            metrics(scores(EvaluateJob.championScored(context, championBundle, shared, silver,
                ScoreJob.PREDICTION),
                config.split(), championBundle.metadata().modelVersion())), Map.of());
      } finally {
        shared.unpersist();
      }
    }
    Blessing.Verdict verdict = verdict(config.blessing(), challenger, championCandidate,
        isTheChampion);
    Report report = new Report(context.dataset(), context.runId(), context.runDate(),
        model.modelVersion(), model.modelKind(), config.split(), Instant.now().toString(),
        scores.count(), metrics, errorQuantiles(scores), predictionBins(scores), baselines,
        championCandidate == null ? null : new Comparison(championCandidate.modelVersion(),
            comparedRows, challenger.metrics(), championCandidate.metrics()), verdict);
    String dir = context.warehouse().reportDir(context.dataset(), context.runDate());
    context.files().writeText(dir + "/" + EvaluateJob.JSON_REPORT, Json.write(report));
    context.files().writeText(dir + "/" + EvaluateJob.HTML_REPORT, html(report));
    TableRef evaluationsRef = DeltaTables.replaceRunDate(context.spark().createDataFrame(
            List.of(row(report, dir)), SCHEMA).coalesce(1),
        context.table(Table.EVALUATIONS), context.runDate());
    if (config.blessing().gate() && !verdict.blessed()) {
      throw new DeeplineException(Failure.MODEL_GATE, "evaluate: blessing of model "
          + model.modelVersion() + " refused: " + String.join("; ", verdict.reasons())
          + " (report: " + dir + "/" + EvaluateJob.HTML_REPORT + ")");
    }
    StageResult.Builder result = StageResult.builder()
        .input(predictionsRef).input(splitsRef).output(evaluationsRef)
        .artifact("report_json", dir + "/" + EvaluateJob.JSON_REPORT)
        .artifact("report_html", dir + "/" + EvaluateJob.HTML_REPORT)
        .artifact("model_version", model.modelVersion())
        .artifact("blessing", verdict.summary()
            + (verdict.reasons().isEmpty() ? "" : " " + String.join("; ", verdict.reasons())))
        .metric("rows", scores.count())
        .metric("rows_excluded_seen_in_training", seenInTraining)
        .metric("blessed", verdict.blessed() ? 1 : 0)
        .metrics(metrics);
    if (verdict.championVersion() != null) {
      result.artifact("champion_version", verdict.championVersion());
    }
    return result.build();
  }

  /**
   * The blessing of a regression challenger: refused when its R² is {@value #MIN_R2} or below (it
   * predicts the judged rows no better than their own mean would: a model that learnt nothing
   * or the wrong thing), and, with a champion, when its {@value #RMSE} is above the champion's by
   * more than {@code evaluation.blessing.max_drop} of it (a share: 0.01 allows 1 % more). The classification bounds have no meaning for a number
   * ({@link #unsupported} refuses them).
   */
  static Blessing.Verdict verdict(BlessingConfig config, Blessing.Candidate challenger,
      Blessing.Candidate champion, boolean isTheChampion) {
    // max_drop as a share of the champion's RMSE: in the label's unit, one default would be no
    // room at all for prices in thousands and all the room in the world for a rate.
    Double championRmse = champion == null ? null : champion.metrics().get(RMSE);
    double maxDrop = championRmse == null || !Double.isFinite(championRmse) ? config.maxDrop()
        : config.maxDrop() * championRmse;
    BlessingConfig onRmse = new BlessingConfig(null, null, null, null, null, RMSE,
        maxDrop, config.maxSliceDrop(), false, config.gate(), config.championVersion());
    List<Blessing.Check> own = new ArrayList<>();
    Double r2 = challenger.metrics().get(R2);
    if (r2 != null && Double.isFinite(r2)) {
      own.add(new Blessing.Check("min_r2", r2 > MIN_R2, r2 > MIN_R2
          ? String.format(Locale.ROOT, "r2 %.4f is above %.0f", r2, MIN_R2)
          : String.format(Locale.ROOT, "r2 %.4f is not above %.0f: the model predicts these "
              + "rows worse than their mean would", r2, MIN_R2)));
    }
    return Blessing.judge(onRmse, challenger, champion, List.of(), isTheChampion, own);
  }

  /**
   * The R² a regression model must pass to be blessed: a model at or below it predicts the judged
   * rows no better than a constant does.
   */
  static final double MIN_R2 = 0;


  /**
   * The judged rows' predictions and labels, brought to the driver; fails naming what is missing:
   * the {@value ScoreJob#PREDICTION} column (predictions of a classifier, or written before the
   * model was a regression one), a row without a prediction or a label, or rows at all.
   */
  static RegressionScores scores(Dataset<Row> judged, String split, String modelVersion) {
    List<String> columns = List.of(judged.columns());
    if (!columns.contains(ScoreJob.PREDICTION)) {
      throw new DeeplineException("evaluate: model " + modelVersion + " predicts a number, and "
          + "the " + split + " predictions have no column " + ScoreJob.PREDICTION + " (columns: "
          + columns + "); re-run score with this model");
    }
    List<Row> rows = judged.select(RecordIds.RECORD_ID, ScoreJob.PREDICTION, LabelConfig.LABEL)
        .collectAsList();
    if (rows.isEmpty()) {
      throw new DeeplineException("evaluate: no " + split + " rows to judge model "
          + modelVersion + " on");
    }
    double[] predictions = new double[rows.size()];
    double[] labels = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (row.isNullAt(1) || row.isNullAt(2)) {
        throw new DeeplineException("evaluate: the " + split + " row " + row.get(0) + " has no "
            + (row.isNullAt(1) ? ScoreJob.PREDICTION + "; re-run score" : LabelConfig.LABEL
            + "; re-run split"));
      }
      predictions[r] = ((Number) row.get(1)).doubleValue();
      labels[r] = ((Number) row.get(2)).doubleValue();
    }
    try {
      return new RegressionScores(predictions, labels);
    } catch (IllegalArgumentException e) {
      throw new DeeplineException("evaluate: the " + split + " rows of model " + modelVersion
          + ": " + e.getMessage());
    }
  }

  /**
   * The summary metrics by report name: {@code rmse}, {@code mae}, {@code r2},
   * {@code explained_variance}, {@code median_absolute_error}, {@code max_error}, {@code mse},
   * {@code mean_label}, {@code mean_prediction} and {@code prediction_spread} (the predictions'
   * standard deviation).
   */
  static Map<String, Double> metrics(RegressionScores scores) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(RMSE, scores.rmse());
    metrics.put("mae", scores.mae());
    metrics.put(R2, scores.r2());
    metrics.put("explained_variance", scores.explainedVariance());
    metrics.put("median_absolute_error", scores.medianAbsoluteError());
    metrics.put("max_error", scores.maxError());
    metrics.put("mse", scores.mse());
    metrics.put("mean_label", scores.meanLabel());
    metrics.put("mean_prediction", scores.meanPrediction());
    metrics.put("prediction_spread", scores.predictionSpread());
    return metrics;
  }

  /**
   * The absolute error at each of {@link #ERROR_QUANTILES}, interpolated linearly between the
   * sorted errors (numpy's default), then the largest.
   */
  static List<ErrorQuantile> errorQuantiles(RegressionScores scores) {
    double[] errors = IntStream.range(0, scores.count())
        .mapToDouble(r -> Math.abs(scores.prediction(r) - scores.label(r))).sorted().toArray();
    List<ErrorQuantile> quantiles = new ArrayList<>();
    for (double quantile : ERROR_QUANTILES) {
      double position = quantile * (errors.length - 1);
      int below = (int) Math.floor(position);
      int above = Math.min(below + 1, errors.length - 1);
      quantiles.add(new ErrorQuantile(quantile,
          errors[below] + (position - below) * (errors[above] - errors[below])));
    }
    quantiles.add(new ErrorQuantile(1.0, errors[errors.length - 1]));
    return quantiles;
  }

  /**
   * The rows ordered by prediction (ties by label) and cut at {@code rows * k / bins}: bins of
   * counts that differ by at most one; with fewer rows than bins, a bin per row.
   */
  static List<PredictionBin> predictionBins(RegressionScores scores) {
    int rows = scores.count();
    Integer[] order = IntStream.range(0, rows).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(scores::prediction)
        .thenComparingDouble(scores::label));
    List<PredictionBin> bins = new ArrayList<>();
    for (int bin = 0; bin < PREDICTION_BINS; bin++) {
      int from = (int) ((long) rows * bin / PREDICTION_BINS);
      int to = (int) ((long) rows * (bin + 1) / PREDICTION_BINS);
      if (from == to) {
        continue;
      }
      double predictionSum = 0;
      double labelSum = 0;
      for (int i = from; i < to; i++) {
        predictionSum += scores.prediction(order[i]);
        labelSum += scores.label(order[i]);
      }
      bins.add(new PredictionBin(bins.size() + 1, to - from, scores.prediction(order[from]),
          scores.prediction(order[to - 1]), predictionSum / (to - from), labelSum / (to - from)));
    }
    return bins;
  }

  /**
   * The model's and the baselines' validation figures as the train run recorded them
   * ({@code validation_rmse}, {@code validation_mae}, {@code validation_r2},
   * {@code baseline_<model>_validation_rmse} and {@code _r2}); NaN where one is missing.
   */
  static Baselines baselines(String modelKind, Map<String, Double> validationMetrics) {
    List<BaselineFigures> baselines = new ArrayList<>();
    validationMetrics.keySet().stream().sorted().forEach(key -> {
      if (!key.startsWith(BASELINE_PREFIX) || !key.endsWith(BASELINE_RMSE_SUFFIX)) {
        return;
      }
      String name = key.substring(BASELINE_PREFIX.length(),
          key.length() - BASELINE_RMSE_SUFFIX.length());
      if (name.isEmpty() || name.equals(BEST_BASELINE)) {
        return;
      }
      baselines.add(new BaselineFigures(name, validationMetrics.get(key),
          validationMetrics.getOrDefault(BASELINE_PREFIX + name + BASELINE_R2_SUFFIX,
              Double.NaN)));
    });
    BaselineFigures best = baselines.stream().filter(b -> Double.isFinite(b.validationRmse()))
        .min(Comparator.comparingDouble(BaselineFigures::validationRmse)).orElse(null);
    double rmse = validationMetrics.getOrDefault("validation_rmse", Double.NaN);
    return new Baselines(modelKind, rmse,
        validationMetrics.getOrDefault("validation_mae", Double.NaN),
        validationMetrics.getOrDefault("validation_r2", Double.NaN), baselines,
        best == null ? null : best.name(), best != null && rmse > best.validationRmse());
  }

  /** What to tell a user whose model lost to a baseline at training, or nothing. */
  static Optional<String> baselineWarning(String modelVersion, Baselines baselines) {
    if (!baselines.modelIsWorse()) {
      return Optional.empty();
    }
    BaselineFigures best = baselines.baselines().stream()
        .filter(b -> b.name().equals(baselines.best())).findFirst().orElseThrow();
    return Optional.of(String.format(Locale.ROOT, "evaluate: model %s's validation RMSE %.4f at "
        + "training is worse than baseline %s's %.4f on the same rows: the simpler model predicts "
        + "better; look at the features and training settings before promoting it", modelVersion,
        baselines.validationRmse(), best.name(), best.validationRmse()));
  }

  /**
   * What to tell a user whose model predicts one number for every judged row, or nothing: its
   * R² says no better than the mean, and nothing in the metrics names the cause.
   */
  static Optional<String> constantPredictionWarning(String split, String modelVersion,
      RegressionScores scores) {
    if (scores.count() < 2 || scores.predictionSpread() > 0) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "evaluate: model %s predicts %.4f for every one "
        + "of the %d %s rows: it learnt no more than one number (a collapsed network); retrain",
        modelVersion, scores.prediction(0), scores.count(), split));
  }


  /** The evaluations row: NaN in the classification columns, the figures in the last three. */
  static Row row(Report report, String dir) {
    Map<String, Double> m = report.metrics();
    return RowFactory.create(report.runId(), report.modelVersion(), report.split(), report.rows(),
        0L, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, Double.NaN, report.blessing().blessed(),
        report.blessing().championVersion(), dir + "/" + EvaluateJob.JSON_REPORT,
        dir + "/" + EvaluateJob.HTML_REPORT, m.get(RMSE), m.get("mae"), m.get(R2));
  }

  /**
   * The HTML report: the verdict, the headline figures, every metric, where the errors lie, the
   * baselines and the champion comparison.
   */
  static String html(Report report) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("Dataset", report.dataset());
    meta.put("Model version", report.modelVersion());
    meta.put("Model", report.modelKind());
    meta.put("Split", report.split());
    meta.put("Rows", Formats.count(report.rows()));
    meta.put("Run id", report.runId());
    meta.put("Run date", report.runDate());
    Element header = Html.el("header").add(Html.el("p").cls("eyebrow").text(
        "Regression model evaluation"), Html.el("h1").text(report.dataset() + " · "
        + report.modelVersion()), Elements.metaList(meta));
    Map<String, Double> m = report.metrics();
    Element kpis = Html.el("div").cls("kpis").add(HtmlReport.kpi("RMSE", m.get(RMSE), ""),
        HtmlReport.kpi("MAE", m.get("mae"), ""), HtmlReport.kpi("R²", m.get(R2), ""),
        HtmlReport.kpi("Median absolute error", m.get("median_absolute_error"), ""));
    Element main = Html.el("main").add(header, HtmlPage.errorList(),
        HtmlReport.verdict(report.blessing()), kpis, summary(report), errors(report),
        calibration(report), baselines(report.baselines()));
    if (report.champion() != null) {
      main.add(champion(report.champion(), report.metrics().keySet()));
    }
    main.add(Html.el("footer").text(REPORT_TITLE + " · generated " + report.createdAt()));
    return HtmlPage.render(REPORT_TITLE + " · " + report.dataset() + " · "
        + report.modelVersion(), HtmlPage.STYLE, main);
  }

  private static Element summary(Report report) {
    Element body = Html.el("tbody");
    report.metrics().forEach((name, value) -> body.add(Html.el("tr").add(
        Html.el("td").text(name), Html.el("td").text(number(value)))));
    return Elements.wideSection("metrics", "Metrics").add(
        Html.el("table").add(Elements.tableHead("metric", "value"), body),
        Elements.note("rmse, mae and the errors are in the label's unit; r2 is 1 for a perfect "
            + "model, 0 for one predicting the mean label, n/a when every label is the same."));
  }

  private static Element errors(Report report) {
    Element body = Html.el("tbody");
    for (ErrorQuantile quantile : report.errorQuantiles()) {
      body.add(Html.el("tr").add(Html.el("td").text(Formats.percent(quantile.quantile())),
          Html.el("td").text(number(quantile.absoluteError()))));
    }
    return Elements.wideSection("errors", "Absolute errors").add(
        Html.el("table").add(Elements.tableHead("share of rows", "absolute error at most"), body),
        Elements.note("A few rows far off show as a 99% error well above the 90% one: look them "
            + "up before trusting the mean figures."));
  }

  private static Element calibration(Report report) {
    Element body = Html.el("tbody");
    for (PredictionBin bin : report.calibration()) {
      body.add(Html.el("tr").add(Html.el("td").text(Integer.toString(bin.bin())),
          Html.el("td").text(Formats.count(bin.rows())),
          Html.el("td").text(number(bin.minPrediction()) + " to " + number(bin.maxPrediction())),
          Html.el("td").text(number(bin.meanPrediction())),
          Html.el("td").text(number(bin.meanLabel())),
          Html.el("td").text(number(bin.meanError()))));
    }
    return Elements.wideSection("calibration", "Predictions against labels").add(
        Html.el("table").add(Elements.tableHead("bin", "rows", "predictions", "mean prediction",
            "mean label", "mean error"), body),
        Elements.note("The rows ordered by prediction, in tenths. A positive mean error is where "
            + "the model predicts too high, a negative one too low; errors that grow toward the "
            + "first and last bins say its predictions are too spread, the opposite signs too "
            + "timid."));
  }

  private static Element baselines(Baselines baselines) {
    Element body = Html.el("tbody");
    body.add(Html.el("tr").add(Html.el("th").text(baselines.modelKind() + " (this model)"),
        Html.el("td").cls(baselines.modelIsWorse() ? "fail" : "").text(
            number(baselines.validationRmse())),
        Html.el("td").text(number(baselines.validationR2()))));
    for (BaselineFigures baseline : baselines.baselines()) {
      body.add(Html.el("tr").add(Html.el("td").text(baseline.name()
              + (baseline.name().equals(baselines.best()) ? " (best)" : "")),
          Html.el("td").text(number(baseline.validationRmse())),
          Html.el("td").text(number(baseline.validationR2()))));
    }
    String verdict;
    if (baselines.best() == null) {
      verdict = "The train run recorded no baselines.";
    } else if (baselines.modelIsWorse()) {
      verdict = "This model's validation RMSE is worse than baseline " + baselines.best()
          + "'s: the simpler model predicts better.";
    } else {
      verdict = "This model's validation RMSE is not worse than the best baseline's ("
          + baselines.best() + ").";
    }
    return Elements.wideSection("baselines", "Baselines (validation rows)").add(
        Html.el("table").add(Elements.tableHead("model", "validation rmse", "validation r2"),
            body),
        Elements.note(verdict + " The figures are the train run's, on its validation rows."));
  }

  /** The comparison, its metrics in {@code order} (the report's), not the candidates' sorted one. */
  private static Element champion(Comparison comparison, Collection<String> order) {
    Element body = Html.el("tbody");
    for (String name : order) {
      body.add(Html.el("tr").add(Html.el("td").text(name),
          Html.el("td").text(number(comparison.challenger().getOrDefault(name, Double.NaN))),
          Html.el("td").text(number(comparison.champion().getOrDefault(name, Double.NaN)))));
    }
    return Elements.wideSection("champion", "Champion " + comparison.championVersion()
        + " and this model on the same " + Formats.count(comparison.rows()) + " rows").add(
        Html.el("table").add(Elements.tableHead("metric", "this model", "champion"), body));
  }

  private static String number(double value) {
    return Formats.fixed(value, NUMBER);
  }
}
