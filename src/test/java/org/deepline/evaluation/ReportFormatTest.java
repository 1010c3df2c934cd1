package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.core.Json;
import org.deepline.metrics.BinaryMetrics;
import org.deepline.metrics.BinaryMetrics.CalibrationBin;
import org.deepline.metrics.BinaryMetrics.Confusion;
import org.deepline.metrics.BinaryMetrics.CurvePoint;
import org.deepline.metrics.BinaryMetrics.Interval;
import org.deepline.metrics.BinaryMetrics.Intervals;
import org.deepline.metrics.BinaryMetrics.OperatingPoint;
import org.deepline.metrics.BinaryMetrics.PrPoint;
import org.deepline.metrics.BinaryMetrics.Summary;
import org.deepline.metrics.SliceMetrics;
import org.deepline.testing.GoldenFiles;
import org.deepline.training.EpochMetrics;
import org.deepline.training.LayerStatistics;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of the report's JSON and HTML. After an intended format change, regenerate the golden
 * files and review their diff like code:
 *
 * <pre>{@code
 * mvn -o -q test -Dtest='ReportFormatTest' -Ddeepline.updateGolden=true && git diff src/test/resources
 * }</pre>
 */
class ReportFormatTest {
  @Test
  void jsonMatchesGoldenFile() throws IOException {
    GoldenFiles.assertMatches(Json.write(fixedReport()), "evaluation_report.json");
  }

  @Test
  void htmlMatchesGoldenFile() throws IOException {
    GoldenFiles.assertMatches(HtmlReport.render(fixedReport()), "evaluation_report.html");
  }

  @Test
  void jsonRoundTripsToAnEqualReport() {
    EvaluationReport withoutChampion = withDatasetAndChampion(fixedReport(), "churn", null);

    for (EvaluationReport report : List.of(fixedReport(), withoutChampion)) {
      assertEquals(report, Json.read(Json.write(report), EvaluationReport.class, "src"));
    }
  }

  @Test
  void jsonCarriesItsSchemaVersionFirst() {
    String json = Json.write(fixedReport());

    assertTrue(json.startsWith("{\n  \"schema_version\" : " + EvaluationReport.SCHEMA_VERSION
        + ",\n"), json.substring(0, 40));
  }

  @Test
  void htmlIsSelfContained() {
    String html = HtmlReport.render(fixedReport()).toLowerCase(Locale.ROOT);

    assertFalse(html.contains("http://"), "page references http://");
    assertFalse(html.contains("https://"), "page references https://");
    assertFalse(html.contains("<script src"), "page loads a script");
    assertFalse(html.contains("<link"), "page links a resource");
    assertFalse(html.contains("url("), "page's style loads a resource");
  }

  @Test
  void htmlEscapesStringsFromTheReport() {
    String html = HtmlReport.render(withDatasetAndChampion(fixedReport(), "<churn&co>",
        fixedReport().champion()));

    assertTrue(html.contains("&lt;churn&amp;co&gt;"));
    assertFalse(html.contains("<churn&co>"));
  }

  @Test
  void htmlShowsTheChampionOrSaysThereIsNone() {
    String withChampion = HtmlReport.render(fixedReport());
    String without = HtmlReport.render(withDatasetAndChampion(fixedReport(), "churn", null));

    assertFalse(withChampion.contains("No champion to compare with"));
    assertTrue(withChampion.contains("<td>roc_auc</td><td>0.8712</td><td>0.8655</td>"
        + "<td>+0.0057</td>"), "champion row");
    assertTrue(without.contains("No champion to compare with"));
  }

  @Test
  void htmlSaysWhenTheNetworkLosesToABaselineOfItsTrainRun() {
    String html = HtmlReport.render(fixedReport());
    assertTrue(html.contains("The network LOSES to the logistic_regression baseline by 0.0060 of "
        + "validation ROC AUC"), "losing network");
    EvaluationReport report = fixedReport();
    String without = HtmlReport.render(new EvaluationReport(report.schemaVersion(),
        report.dataset(), report.runId(), report.runDate(), report.modelVersion(), report.split(),
        report.thresholdSource(), report.generatedAt(), report.metrics(), report.slices(),
        report.behavioural(), report.champion(), report.blessing(), null, null));
    assertTrue(without.contains("trained without the baseline ladder"), "no ladder");
    assertTrue(without.contains("did not measure permutation importance"), "no importance");
    assertTrue(without.contains("holds no training history"), "no training history");
    assertFalse(without.contains("Inputs with folded values"), "nothing folded, no section");
    assertTrue(html.contains("<td>payment_method</td><td>one_hot</td><td>4</td><td>3</td>"
        + "<td>1</td><td>1,088</td>"), "the folded input's row");
    assertTrue(html.contains("<td>0</td><td>relu</td><td>0.3121</td><td>0.5012</td><td>12.5%</td>"
        + "<td>2.20e-03</td><td>0.1811</td><td>4.12e-02</td>"), "first layer's row");
    assertTrue(html.contains("the weights of epoch 3 ship"), "best epoch named");
    assertTrue(html.contains("<td>tenure</td><td>+0.0812</td><td><span class=\"bar\" "
        + "style=\"width:100%\"></span></td>"), "largest drop, full bar");
    assertTrue(html.contains("<td>gender</td><td>-0.0004</td><td><span class=\"bar\" "
        + "style=\"width:0%\"></span></td>"), "negative drop, empty bar");
  }

  @Test
  void htmlFlagsASavedBaselineThatLeadsTheModelOnTheJudgedRows() {
    String html = HtmlReport.render(fixedReport());
    assertTrue(html.contains("<th>ROC AUC on test</th>"), "the split's column");
    assertTrue(html.contains("<td>gbt</td><td>0.8312</td><td>+0.0093</td><td>0.8833</td>"),
        "the gbt rung's row");
    assertTrue(html.contains("<td>majority</td><td>0.5000</td><td>+0.3405</td><td>not saved"
        + "</td>"), "a rung without a saved form");
    assertTrue(html.contains("<p class=\"note fail\">On the 2,000 test rows the gbt baseline&#39;s "
        + "ROC AUC is 0.8833, the network&#39;s 0.8712: the baseline leads by 0.0121. Models are "
        + "chosen on validation, never on test, so nothing was changed;"), "the flagged gap");

    EvaluationReport report = fixedReport();
    List<EvaluationReport.Baseline> validationOnly =
        EvaluationReport.Baseline.fromValidationMetrics(Map.of("validation_roc_auc", 0.8405,
            "baseline_logistic_regression_validation_roc_auc", 0.8465),
            List.of("logistic_regression"));
    List<EvaluationReport.Baseline> close = EvaluationReport.Baseline.withSplitRocAuc(
        validationOnly, 0.8712, Map.of("logistic_regression", 0.8690));
    assertEquals(List.of(new EvaluationReport.Baseline("network", 0.8405, 0.8712),
        new EvaluationReport.Baseline("logistic_regression", 0.8465, 0.8690)), close);
    String within = HtmlReport.render(withBaselines(report, close));
    assertTrue(within.contains("<p class=\"note\">On the 2,000 test rows the logistic_regression "
        + "baseline&#39;s ROC AUC is 0.8690, the network&#39;s 0.8712 (+0.0022 for the network)."),
        "a gap within 0.01 is said, not flagged");

    String promoted = HtmlReport.render(withBaselines(report, List.of(
        new EvaluationReport.Baseline("baseline:logistic_regression", 0.8465, 0.8690),
        new EvaluationReport.Baseline("logistic_regression", 0.8465),
        new EvaluationReport.Baseline("gbt", 0.8312, 0.8833))));
    assertTrue(promoted.contains("<td>logistic_regression</td><td>0.8465</td><td>+0.0000</td>"
        + "<td>the model</td>"), "the promoted rung is the model, a zero difference unsigned");
    assertTrue(promoted.contains("the baseline leads by 0.0143. Models are chosen on validation, "
        + "never on test, so nothing was changed; on few rows the two splits can disagree by "
        + "chance. Worth trying: train --tune, or more training rows."),
        "no advice to promote what is promoted");

    List<EvaluationReport.Baseline> unsaved = EvaluationReport.Baseline.withSplitRocAuc(
        validationOnly, 0.8712, Map.of());
    assertNull(unsaved.get(0).splitRocAuc(), "a model saved before rungs were: no figures");
    String old = HtmlReport.render(withBaselines(report, unsaved));
    assertFalse(old.contains("ROC AUC on test"), "no column without figures");
    assertFalse(Json.write(withBaselines(report, unsaved)).contains("split_roc_auc"),
        "no null field in the JSON");
  }

  private static EvaluationReport withBaselines(EvaluationReport report,
      List<EvaluationReport.Baseline> baselines) {
    return new EvaluationReport(report.schemaVersion(), report.dataset(), report.runId(),
        report.runDate(), report.modelVersion(), report.split(), report.thresholdSource(),
        report.generatedAt(), report.metrics(), report.slices(), report.behavioural(),
        report.champion(), report.blessing(), baselines, report.importance(), report.modelKind(),
        report.ensemble(), report.training(), report.foldedInputs());
  }

  @Test
  void anAutoStacksReportSaysWhyTheModelIsAStack() {
    String description = "stacking of 1 network and 1 boosted-tree model (logistic_regression)";
    Map<String, Double> metrics = Map.of("ensemble_validation_roc_auc", 0.9176,
        "network_validation_roc_auc", 0.8929, "ensemble_member_gbt_validation_roc_auc", 0.9139,
        "ensemble_auto_gbt_lead", 0.0210);
    EvaluationReport.Ensemble auto = EvaluationReport.Ensemble.fromValidationMetrics(description,
        List.of("gbt"), metrics);
    assertEquals(0.0210, auto.autoGbtLead());
    String html = HtmlReport.render(withEnsemble(fixedReport(), description, auto));
    assertTrue(html.contains("It was built by training.ensemble.method auto (the default): the "
        + "baseline ladder&#39;s gbt led the network alone by 0.0210 of validation ROC AUC, more "
        + "than auto_margin."), "why the stack exists");

    Map<String, Double> asked = new java.util.HashMap<>(metrics);
    asked.remove("ensemble_auto_gbt_lead");
    EvaluationReport.Ensemble stacking = EvaluationReport.Ensemble.fromValidationMetrics(
        description, List.of("gbt"), asked);
    assertNull(stacking.autoGbtLead());
    assertFalse(HtmlReport.render(withEnsemble(fixedReport(), description, stacking))
        .contains("It was built by training.ensemble.method auto"), "a stack the config asked for");

    // The logistic regression led by more than the trees: it is the one named, with its lead.
    Map<String, Double> linearLed = new java.util.HashMap<>(metrics);
    linearLed.put("ensemble_auto_gbt_lead", -0.0120);
    linearLed.put("ensemble_auto_logistic_regression_lead", 0.0310);
    EvaluationReport.Ensemble byLinear = EvaluationReport.Ensemble.fromValidationMetrics(
        description, List.of("gbt"), linearLed);
    assertEquals(0.0310, byLinear.autoLogisticRegressionLead());
    assertTrue(HtmlReport.render(withEnsemble(fixedReport(), description, byLinear)).contains(
        "the baseline ladder&#39;s logistic_regression led the network alone by 0.0310 of "
        + "validation ROC AUC, more than auto_margin."), "the rung that led names the reason");
    assertTrue(Json.write(byLinear).contains("\"auto_logistic_regression_lead\" : 0.031"),
        Json.write(byLinear));
    assertFalse(Json.write(auto).contains("auto_logistic_regression_lead"), Json.write(auto));
    // A ladder without a gbt rung: the logistic regression's lead alone is the reason.
    Map<String, Double> linearOnly = new java.util.HashMap<>(linearLed);
    linearOnly.remove("ensemble_auto_gbt_lead");
    EvaluationReport.Ensemble onlyLinear = EvaluationReport.Ensemble.fromValidationMetrics(
        description, List.of("gbt"), linearOnly);
    assertNull(onlyLinear.autoGbtLead());
    assertTrue(HtmlReport.render(withEnsemble(fixedReport(), description, onlyLinear)).contains(
        "the baseline ladder&#39;s logistic_regression led the network alone by 0.0310"),
        "the stack is explained without a gbt rung");
    // A small training split: stacked whatever the leads (here the network led), and said so.
    Map<String, Double> small = new java.util.HashMap<>(metrics);
    small.put("ensemble_auto_gbt_lead", -0.0040);
    small.put("ensemble_auto_small_split", 700.0);
    EvaluationReport.Ensemble bySize = EvaluationReport.Ensemble.fromValidationMetrics(
        description, List.of("gbt"), small);
    assertEquals(700L, bySize.autoSmallSplit());
    assertTrue(HtmlReport.render(withEnsemble(fixedReport(), description, bySize)).contains(
        "It was built by training.ensemble.method auto (the default): the training split&#39;s "
        + "700 rows are at most auto_stack_rows, too few for a validation split to tell the "
        + "network from the baselines, and the stack&#39;s cross-fitted ROC AUC on the training "
        + "rows was at least the network&#39;s out-of-fold one."), "why a small split's stack "
        + "exists");
    assertTrue(Json.write(bySize).contains("\"auto_small_split\" : 700"), Json.write(bySize));
    assertFalse(Json.write(auto).contains("auto_small_split"), Json.write(auto));
    // No stack, a larger split: auto averaged networks of different seeds, and said so; a lead
    // beside the flag (which train never writes there) shows the flag decides the sentence.
    Map<String, Double> averagedMetrics = new java.util.HashMap<>(metrics);
    averagedMetrics.put("ensemble_auto_gbt_lead", -0.0040);
    averagedMetrics.put("ensemble_auto_averaged", 1.0);
    EvaluationReport.Ensemble averaged = EvaluationReport.Ensemble.fromValidationMetrics(
        "deep_ensemble of 5 networks (mean)", List.of("seed_1"), averagedMetrics);
    assertEquals(Boolean.TRUE, averaged.autoAveraged());
    assertTrue(HtmlReport.render(withEnsemble(fixedReport(), "deep_ensemble of 5 networks (mean)",
        averaged)).contains("It was built by training.ensemble.method auto (the default): no "
        + "stack was registered, so the network trained on the driver was replaced by the mean of "
        + "networks of its configuration that differ only by their seed, which varies less than "
        + "any one of them (training.ensemble.method none ships the network alone)."),
        "why a deep ensemble exists");
    assertTrue(Json.write(averaged).contains("\"auto_averaged\" : true"), Json.write(averaged));
    assertFalse(Json.write(bySize).contains("auto_averaged"), Json.write(bySize));
  }

  @Test
  void htmlShowsUndefinedMetricsAsNotAvailable() {
    Summary metrics = fixedReport().metrics();
    Summary singleClass = new Summary(metrics.count(), 0, Double.NaN, Double.NaN,
        metrics.logLoss(), metrics.brier(), List.of(OperatingPoint.of("chosen", 0.5,
            new Confusion(0, 0, metrics.count(), 0))), metrics.calibration(), List.of(), List.of(),
        null);
    EvaluationReport report = fixedReport();

    String html = HtmlReport.render(new EvaluationReport(report.schemaVersion(), report.dataset(),
        report.runId(), report.runDate(), report.modelVersion(), report.split(),
        report.thresholdSource(), report.generatedAt(), singleClass, List.of(), List.of(), null,
        report.blessing(), List.of(), List.of()));

    assertTrue(html.contains("<td>ROC AUC</td><td colspan=\"1\">n/a</td>"), "n/a ROC AUC");
    assertTrue(html.contains("Not defined: the split holds a single class."));
    assertFalse(html.contains("NaN"));
  }

  /**
   * A realistic report of 2,000 test rows: 530 positives, 559 rows at or above the 0.5 threshold,
   * consistent with the calibration bins (the five bins from 0.5 up hold 559 rows); a chosen
   * threshold of 0.35 that catches more positives; two slices, three behavioural tests and a
   * champion; refused for one failed behavioural test.
   */
  static EvaluationReport fixedReport() {
    List<CurvePoint> roc = List.of(
        new CurvePoint(0, 0, Double.POSITIVE_INFINITY),
        new CurvePoint(0.0136, 0.1623, 0.9412),
        new CurvePoint(0.0347, 0.3057, 0.8633),
        new CurvePoint(0.0639, 0.4377, 0.7718),
        new CurvePoint(0.1075, 0.6019, 0.6524),
        new CurvePoint(0.1442, 0.7094, 0.5581),
        new CurvePoint(0.1891, 0.7868, 0.4611),
        new CurvePoint(0.2571, 0.8566, 0.3627),
        new CurvePoint(0.3517, 0.9132, 0.2604),
        new CurvePoint(0.4850, 0.9566, 0.1702),
        new CurvePoint(0.6721, 0.9849, 0.0917),
        new CurvePoint(0.8578, 0.9962, 0.0384),
        new CurvePoint(1, 1, 0.0021));
    // Precision at each ROC point: tpr * 530 / (tpr * 530 + fpr * 1470).
    List<PrPoint> pr = new ArrayList<>();
    for (CurvePoint point : roc.subList(1, roc.size())) {
      double tp = point.tpr() * 530;
      pr.add(new PrPoint(point.tpr(), tp / (tp + point.fpr() * 1470), point.threshold()));
    }
    long[] binRows = {612, 298, 203, 167, 161, 143, 132, 118, 96, 70};
    double[] meanPredicted = {0.043, 0.148, 0.251, 0.349, 0.452, 0.548, 0.651, 0.747, 0.846, 0.934};
    double[] observedRate = {0.036, 0.131, 0.236, 0.377, 0.429, 0.587, 0.621, 0.771, 0.875, 0.957};
    int bins = binRows.length;
    List<CalibrationBin> calibration = new ArrayList<>();
    for (int i = 0; i < bins; i++) {
      calibration.add(new CalibrationBin((double) i / bins, (double) (i + 1) / bins, binRows[i],
          meanPredicted[i], observedRate[i]));
    }
    Intervals intervals = new Intervals(200, 0.95, 42, Map.of(
        "roc_auc", new Interval(0.8551, 0.8867), "pr_auc", new Interval(0.6712, 0.7361),
        "log_loss", new Interval(0.3712, 0.4133), "brier", new Interval(0.1204, 0.1377),
        "ece", new Interval(0.0098, 0.0301), "accuracy", new Interval(0.7901, 0.8237),
        "precision", new Interval(0.6012, 0.6633), "recall", new Interval(0.8013, 0.8577),
        "f1", new Interval(0.6981, 0.7418)));
    Summary metrics = new Summary(2000, 530, 0.8712, 0.7034, 0.3921, 0.1290,
        List.of(OperatingPoint.of("chosen", 0.35, new Confusion(441, 272, 1198, 89)),
            OperatingPoint.of("default", 0.5, new Confusion(401, 158, 1312, 129))),
        BinaryMetrics.Calibration.of(BinaryMetrics.Binning.EQUAL_WIDTH, calibration), roc, pr,
        intervals);
    List<SliceMetrics.Slice> slices = List.of(
        new SliceMetrics.Slice("contract", "Month-to-month", 1102, 468, true, 0.7341, 0.6402,
            0.8761, 0.7398, 0.8133, 0.5012, 0.1702),
        new SliceMetrics.Slice("contract", "Two year", 21, 1, false, 0.9524, 0.0, 0.0, 0.0, 0.85,
            0.1021, 0.0398));
    List<BehaviouralResult> behavioural = List.of(
        new BehaviouralResult("gender does not matter", "invariance", 2000, 12, 0.006, 0.05,
            0.0004, 0.0712, true, "12 of 2000 rows (0.6%) moved by more than 0.0500"),
        new BehaviouralResult("longer tenure lowers churn", "directional", 2000, 187, 0.0935, 0.05,
            -0.0213, 0.1033, false, "187 of 2000 rows (9.4%) moved against the expected decrease"),
        new BehaviouralResult("two-year contracts stay", "minimum_functionality", 21, 0, 0.0, 0.05,
            Double.NaN, Double.NaN, true, "0 of 21 rows matching contract = 'Two year' (0.0%) are "
            + "not predicted negative"));
    EvaluationReport.ChampionComparison champion = new EvaluationReport.ChampionComparison("v6",
        "roc_auc", 2000, Map.of("roc_auc", 0.8712, "log_loss", 0.3921),
        Map.of("roc_auc", 0.8655, "log_loss", 0.4017), Map.of("contract=Month-to-month", 0.8133),
        Map.of("contract=Month-to-month", 0.8101));
    Blessing.Verdict verdict = new Blessing.Verdict(false, "v6",
        "Refused (1 of 3 checks failed): compared with champion v6 on the same rows.", List.of(
            new Blessing.Check("champion:roc_auc", true, "roc_auc 0.8712 is 0.0057 ahead of the "
                + "champion's 0.8655 (max_drop 0.0100)"),
            new Blessing.Check("champion:roc_auc[contract=Month-to-month]", true, "roc_auc on "
                + "contract=Month-to-month 0.8133 is 0.0032 ahead of the champion's 0.8101 "
                + "(max_slice_drop 0.0200)"),
            new Blessing.Check("behavioural:longer tenure lowers churn", false, "behavioural test "
                + "'longer tenure lowers churn': 187 of 2000 rows (9.4%) moved against the "
                + "expected decrease")),
        List.of("behavioural test 'longer tenure lowers churn': 187 of 2000 rows (9.4%) moved "
            + "against the expected decrease"));
    return new EvaluationReport(EvaluationReport.SCHEMA_VERSION, "churn",
        "20240630T021500-a1b2c3", "2024-06-30", "v7", "test", "scoring.threshold",
        "2024-06-30T02:31:07Z", metrics, slices, behavioural, champion, verdict,
        // A network that loses to the logistic regression of its own train run, by 0.006, on
        // validation, and to the saved gbt rung by 0.0121 on the report's test rows.
        List.of(new EvaluationReport.Baseline("network", 0.8405, 0.8712),
            new EvaluationReport.Baseline("majority", 0.5),
            new EvaluationReport.Baseline("logistic_regression", 0.8465, 0.8690),
            new EvaluationReport.Baseline("gbt", 0.8312, 0.8833)),
        // Tenure carries the model, payment method adds little, gender nothing.
        List.of(new EvaluationReport.Importance("tenure", 0.0812),
            new EvaluationReport.Importance("payment_method", 0.0065),
            new EvaluationReport.Importance("gender", -0.0004)),
        EvaluationReport.SINGLE_NETWORK, null,
        // Four epochs: validation loss turns up after epoch 3 while training loss keeps falling.
        new EvaluationReport.TrainingHistory(3, List.of(
            new EpochMetrics(1, 0.8012, 0.5720, 0.4801, 0.5123, 41250.0, 2100),
            new EpochMetrics(2, 0.8311, 0.6104, 0.4410, 0.4502, 43980.0, 1950),
            new EpochMetrics(3, 0.8405, 0.6233, 0.4302, 0.4203, 44120.0, 1920),
            new EpochMetrics(4, 0.8398, 0.6210, 0.4356, 0.3987, 44005.0, 1931)),
            List.of(new LayerStatistics.Layer(3, 0, "relu", 0.3121, 0.5012, 0.125, 1.2e-4, 3.1e-3,
                    2.2e-3, 0.1811, 0.0412),
                new LayerStatistics.Layer(3, 1, "softmax", 0.5, 0.3012, Double.NaN, 0.0, 8.4e-3,
                    6.1e-3, 0.2413, 0.0233))),
        // max_categories 3 kept payment_method's three most common values of four.
        List.of(new EvaluationReport.FoldedInput("payment_method", "one_hot", 4, 3, 1088)));
  }

  private static EvaluationReport withEnsemble(EvaluationReport report, String kind,
      EvaluationReport.Ensemble ensemble) {
    return new EvaluationReport(report.schemaVersion(), report.dataset(), report.runId(),
        report.runDate(), report.modelVersion(), report.split(), report.thresholdSource(),
        report.generatedAt(), report.metrics(), report.slices(), report.behavioural(),
        report.champion(), report.blessing(), report.baselines(), report.importance(), kind,
        ensemble, report.training(), report.foldedInputs());
  }

  private static EvaluationReport withDatasetAndChampion(EvaluationReport report, String dataset,
      EvaluationReport.ChampionComparison champion) {
    return new EvaluationReport(report.schemaVersion(), dataset, report.runId(), report.runDate(),
        report.modelVersion(), report.split(), report.thresholdSource(), report.generatedAt(),
        report.metrics(), report.slices(), report.behavioural(), champion, report.blessing(),
        report.baselines(), report.importance(), report.modelKind(), report.ensemble(),
        report.training(), report.foldedInputs());
  }
}
