package org.deepline.evaluation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
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
import org.deepline.metrics.MulticlassScores;
import org.deepline.scoring.BatchScorer;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate stage for a multi-class model ({@link ModelMetadata#classes}): the judged rows'
 * class probabilities against their classes ({@link MulticlassScores}): ROC AUC as the mean of the
 * classes' one-vs-rest ones (the same {@code roc_auc} name every stage reads, as scikit-learn's
 * {@code macro} average), its class-weighted mean, accuracy, macro precision, recall and F1, log
 * loss and the multi-class Brier score, each class's own figures and the confusion matrix; JSON,
 * HTML and the evaluations row; blessing by the same rules ({@link Blessing}) against a champion of
 * the same classes scored on the same rows.
 *
 * <p>What a binary evaluation adds and a multi-class one has no meaning for is left out: the
 * threshold, PR AUC and calibration bins (NaN in the evaluations row, whose {@code positives} is 0),
 * slices and behavioural tests (refused when configured).
 */
final class MulticlassEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
  static final String REPORT_TITLE = "deepline multi-class evaluation";
  /** Rows of a class below which its recall and ROC AUC say little: a WARN names the class. */
  static final int FEW_ROWS_PER_CLASS = 10;

  private MulticlassEvaluation() {}

  /** One class's figures on the judged rows. */
  record ClassFigures(String name, long rows, long predicted, double precision, double recall,
      double f1, double rocAuc) {}

  /**
   * The JSON report of a multi-class evaluation.
   *
   * @param confusion rows: the true class, columns: the predicted one, in {@code classes}' order
   */
  record Report(String dataset, String runId, String runDate, String modelVersion, String split,
      String createdAt, List<String> classes, long rows, Map<String, Double> metrics,
      List<ClassFigures> perClass, long[][] confusion, Map<String, Double> baselines,
      Blessing.Verdict blessing) {}

  /** Settings of {@code evaluation} a multi-class model has no meaning for; empty if none. */
  static List<String> unsupported(EvaluationConfig config) {
    return config.oneClassSettings();
  }

  /**
   * Evaluates {@code judged} (the split's prediction rows the model was not trained on, with
   * {@value LabelConfig#LABEL}) of the multi-class model {@code bundle}.
   */
  static StageResult run(RunContext context, EvaluationConfig config, ModelBundle bundle,
      ModelRegistry registry, Dataset<Row> judged, Dataset<Row> silver, long seenInTraining,
      TableRef predictionsRef, TableRef splitsRef, Optional<ModelRegistry.ModelEntry> champion,
      boolean isTheChampion) {
    List<String> refused = unsupported(config);
    if (!refused.isEmpty()) {
      throw new DeeplineException(Failure.CONFIG, "evaluate: model " + bundle.metadata()
          .modelVersion() + " predicts " + bundle.metadata().classes().size() + " classes, and "
          + "these settings are for a binary model so far: " + String.join("; ", refused)
          + "; leave them out");
    }
    List<String> classes = bundle.metadata().classes();
    MulticlassScores scores = scores(judged, classes.size());
    Map<String, Double> metrics = metrics(scores);
    List<ClassFigures> perClass = perClass(scores, classes);
    perClass.stream().filter(c -> c.rows() < FEW_ROWS_PER_CLASS).forEach(c -> LOG.warn(
        "evaluate: the {} split holds {} row(s) of class {}: its recall and ROC AUC say little at "
            + "this size", config.split(), c.rows(), c.name()));
    Blessing.Candidate challenger = new Blessing.Candidate(bundle.metadata().modelVersion(),
        metrics, Map.of());
    Blessing.Candidate championCandidate = null;
    ModelBundle championBundle = champion.map(entry -> ModelBundle.load(context.files(),
        entry.path())).orElse(null);
    if (championBundle != null && !classes.equals(championBundle.metadata().classes())) {
      LOG.warn("evaluate: the champion {} predicts {}, not the classes {}: not compared",
          championBundle.metadata().modelVersion(), championBundle.metadata().classes() == null
              ? "a binary label" : championBundle.metadata().classes(), classes);
    } else if (championBundle != null) {
      // As the binary comparison: both models on the rows neither trained on.
      Dataset<Row> shared = EvaluateJob.withoutTrainingRows(context, championBundle, judged)
          .cache();
      try {
        if (shared.count() != scores.count()) {
          challenger = new Blessing.Candidate(bundle.metadata().modelVersion(),
              metrics(scores(shared, classes.size())), Map.of());
        }
        championCandidate = new Blessing.Candidate(championBundle.metadata().modelVersion(),
            metrics(scores(EvaluateJob.championScored(context, championBundle, shared, silver,
                BatchScorer.CLASS_PROBABILITIES),
                classes.size())), Map.of());
      } finally {
        shared.unpersist();
      }
    }
    Blessing.Verdict verdict = Blessing.judge(config.blessing(), challenger, championCandidate,
        List.of(), isTheChampion);
    String dir = context.warehouse().reportDir(context.dataset(), context.runDate());
    Report report = new Report(context.dataset(), context.runId(), context.runDate(),
        bundle.metadata().modelVersion(), config.split(), Instant.now().toString(), classes,
        scores.count(), metrics, perClass, scores.confusion(),
        baselines(bundle.metadata().validationMetrics()), verdict);
    context.files().writeText(dir + "/" + EvaluateJob.JSON_REPORT, Json.write(report));
    context.files().writeText(dir + "/" + EvaluateJob.HTML_REPORT, html(report));
    TableRef evaluationsRef = DeltaTables.replaceRunDate(context.spark().createDataFrame(
            List.of(row(report, dir)), EvaluateJob.SCHEMA).coalesce(1),
        context.table(Table.EVALUATIONS), context.runDate());
    if (config.minRocAuc() != null && !(scores.macroRocAuc() >= config.minRocAuc())) {
      throw new DeeplineException(Failure.MODEL_GATE, String.format(Locale.ROOT,
          "evaluate: ROC AUC %.4f (the mean of the classes' one-vs-rest) on %s is below "
              + "evaluation.min_roc_auc %.4f (report: %s)", scores.macroRocAuc(), config.split(),
          config.minRocAuc(), dir + "/" + EvaluateJob.HTML_REPORT));
    }
    if (config.blessing().gate() && !verdict.blessed()) {
      throw new DeeplineException(Failure.MODEL_GATE, "evaluate: blessing of model "
          + bundle.metadata().modelVersion() + " refused: " + String.join("; ", verdict.reasons())
          + " (report: " + dir + "/" + EvaluateJob.HTML_REPORT + ")");
    }
    StageResult.Builder result = StageResult.builder()
        .input(predictionsRef).input(splitsRef).output(evaluationsRef)
        .artifact("report_json", dir + "/" + EvaluateJob.JSON_REPORT)
        .artifact("report_html", dir + "/" + EvaluateJob.HTML_REPORT)
        .artifact("model_version", bundle.metadata().modelVersion())
        .artifact("blessing", verdict.summary()
            + (verdict.reasons().isEmpty() ? "" : " " + String.join("; ", verdict.reasons())))
        .metric("rows", scores.count())
        .metric("rows_excluded_seen_in_training", seenInTraining)
        .metric("blessed", verdict.blessed() ? 1 : 0)
        .metrics(metrics);
    for (ClassFigures figures : perClass) {
      result.metric("recall:" + figures.name(), figures.recall());
      result.metric("roc_auc:" + figures.name(), figures.rocAuc());
    }
    if (verdict.championVersion() != null) {
      result.artifact("champion_version", verdict.championVersion());
    }
    return result.build();
  }

  /** The judged rows' class probabilities and classes, brought to the driver. */
  static MulticlassScores scores(Dataset<Row> judged, int classes) {
    List<Row> rows = judged.select(BatchScorer.CLASS_PROBABILITIES, LabelConfig.LABEL)
        .collectAsList();
    float[] probabilities = new float[rows.size() * classes];
    byte[] labels = new byte[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      List<Double> byClass = rows.get(r).getList(0);
      if (byClass.size() != classes) {
        throw new DeeplineException("evaluate: a prediction row holds " + byClass.size()
            + " class probabilities for a model of " + classes + " classes; re-run score");
      }
      for (int c = 0; c < classes; c++) {
        probabilities[r * classes + c] = byClass.get(c).floatValue();
      }
      labels[r] = (byte) rows.get(r).getDouble(1);
    }
    return new MulticlassScores(probabilities, labels, classes);
  }

  /**
   * The summary metrics, named as a binary evaluation's where they mean the same kind of number:
   * {@code roc_auc} (macro), {@code weighted_roc_auc}, {@code accuracy}, {@code precision} and
   * {@code recall} (means over the classes where each is defined: a class never predicted has no
   * precision, one without rows no recall), {@code f1} (macro as scikit-learn's: a class predicted
   * or present counts, 0 where it has no F1), {@code log_loss} and {@code brier} (the mean over rows
   * of the squared distance between the probabilities and the one-hot class, summed over classes).
   */
  static Map<String, Double> metrics(MulticlassScores scores) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("roc_auc", scores.macroRocAuc());
    metrics.put("weighted_roc_auc", scores.weightedRocAuc());
    metrics.put("accuracy", scores.accuracy());
    metrics.put("precision", meanOfFinite(scores.precisionPerClass()));
    metrics.put("recall", meanOfFinite(scores.recallPerClass()));
    metrics.put("f1", scores.macroF1());
    metrics.put("log_loss", scores.logLoss());
    metrics.put("brier", brier(scores));
    return metrics;
  }

  private static double meanOfFinite(double[] values) {
    double sum = 0;
    int count = 0;
    for (double value : values) {
      if (Double.isFinite(value)) {
        sum += value;
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  static double brier(MulticlassScores scores) {
    double sum = 0;
    for (int row = 0; row < scores.count(); row++) {
      for (int c = 0; c < scores.classes(); c++) {
        double target = scores.label(row) == c ? 1 : 0;
        double error = scores.probability(row, c) - target;
        sum += error * error;
      }
    }
    return scores.count() == 0 ? Double.NaN : sum / scores.count();
  }

  static List<ClassFigures> perClass(MulticlassScores scores, List<String> classes) {
    long[] rows = scores.rowsPerClass();
    long[] predicted = scores.predictedPerClass();
    double[] precision = scores.precisionPerClass();
    double[] recall = scores.recallPerClass();
    double[] f1 = scores.f1PerClass();
    double[] auc = scores.rocAucPerClass();
    List<ClassFigures> figures = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      figures.add(new ClassFigures(classes.get(c), rows[c], predicted[c], precision[c], recall[c],
          f1[c], auc[c]));
    }
    return figures;
  }

  /** The training run's baselines beside the network on the validation rows, as it recorded them. */
  private static Map<String, Double> baselines(Map<String, Double> validationMetrics) {
    Map<String, Double> baselines = new TreeMap<>();
    validationMetrics.forEach((name, value) -> {
      if (name.startsWith("baseline_") || name.equals("network_margin_over_best_baseline")
          || name.equals("validation_roc_auc")) {
        baselines.put(name, value);
      }
    });
    return baselines;
  }


  private static Row row(Report report, String dir) {
    Map<String, Double> m = report.metrics();
    return RowFactory.create(report.runId(), report.modelVersion(), report.split(), report.rows(),
        0L, Double.NaN, m.get("accuracy"), m.get("precision"), m.get("recall"), m.get("f1"),
        m.get("roc_auc"), Double.NaN, m.get("log_loss"), m.get("brier"), Double.NaN,
        report.blessing().blessed(), report.blessing().championVersion(),
        dir + "/" + EvaluateJob.JSON_REPORT, dir + "/" + EvaluateJob.HTML_REPORT);
  }

  /** The HTML report: the summary, each class's figures, the confusion matrix, the baselines. */
  static String html(Report report) {
    Element main = Html.el("main").add(Html.el("h1").text(REPORT_TITLE + ": " + report.dataset()));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", report.modelVersion());
    meta.put("run date", report.runDate());
    meta.put("split", report.split() + " (" + Formats.count(report.rows()) + " rows)");
    meta.put("classes", String.join(", ", report.classes()));
    meta.put("blessing", report.blessing().summary());
    main.add(Elements.metaList(meta));

    Element summary = Elements.wideSection("summary", "Summary");
    Element table = Html.el("table").add(Elements.tableHead("metric", "value"));
    Element body = Html.el("tbody");
    report.metrics().forEach((name, value) -> body.add(Html.el("tr").add(
        Html.el("td").text(name), Html.el("td").text(Formats.fixed(value, "%.4f")))));
    summary.add(table.add(body), Elements.note("roc_auc is the mean of the classes' one-vs-rest "
        + "ROC AUCs; precision, recall and f1 are means over the classes; a row's prediction is "
        + "its most probable class."));
    main.add(summary);

    Element classes = Elements.wideSection("classes", "Classes");
    Element classBody = Html.el("tbody");
    for (ClassFigures c : report.perClass()) {
      classBody.add(Html.el("tr").add(Html.el("td").text(c.name()),
          Html.el("td").text(Formats.count(c.rows())), Html.el("td").text(
              Formats.count(c.predicted())), Html.el("td").text(Formats.fixed(c.precision(),
              "%.4f")), Html.el("td").text(Formats.fixed(c.recall(), "%.4f")),
          Html.el("td").text(Formats.fixed(c.f1(), "%.4f")),
          Html.el("td").text(Formats.fixed(c.rocAuc(), "%.4f"))));
    }
    classes.add(Html.el("table").add(Elements.tableHead("class", "rows", "predicted",
        "precision", "recall", "f1", "roc_auc (one-vs-rest)"), classBody));
    main.add(classes);

    Element confusion = Elements.wideSection("confusion", "Confusion matrix");
    String[] head = new String[report.classes().size() + 1];
    head[0] = "true \\ predicted";
    for (int c = 0; c < report.classes().size(); c++) {
      head[c + 1] = report.classes().get(c);
    }
    Element confusionBody = Html.el("tbody");
    for (int t = 0; t < report.classes().size(); t++) {
      Element row = Html.el("tr").add(Html.el("th").text(report.classes().get(t)));
      for (int p = 0; p < report.classes().size(); p++) {
        row.add(Html.el("td").cls(t == p ? "pass" : "").text(
            Formats.count(report.confusion()[t][p])));
      }
      confusionBody.add(row);
    }
    confusion.add(Html.el("table").add(Elements.tableHead(head), confusionBody));
    main.add(confusion);

    Element baselines = Elements.wideSection("baselines", "Baselines (validation rows)");
    Element baselineBody = Html.el("tbody");
    report.baselines().forEach((name, value) -> baselineBody.add(Html.el("tr").add(
        Html.el("td").text(name), Html.el("td").text(Formats.fixed(value, "%.4f")))));
    baselines.add(Html.el("table").add(Elements.tableHead("metric", "value"), baselineBody),
        Elements.note("The training run's baselines on the same validation rows as the network "
            + "(validation_roc_auc is the network's); a negative margin means the network lost."));
    main.add(baselines);

    Element blessing = Elements.wideSection("blessing", "Blessing");
    Element reasons = Html.el("ul");
    report.blessing().reasons().forEach(reason -> reasons.add(Html.el("li").text(reason)));
    blessing.add(Html.el("p").text(report.blessing().summary()), reasons);
    main.add(blessing);
    return HtmlPage.render(REPORT_TITLE + ": " + report.dataset(), HtmlPage.STYLE, main);
  }
}
