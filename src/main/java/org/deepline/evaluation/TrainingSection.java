package org.deepline.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.deepline.core.html.Elements;
import org.deepline.core.html.Formats;
import org.deepline.core.html.Html;
import org.deepline.core.html.Html.Element;
import org.deepline.core.html.SvgChart;
import org.deepline.training.EpochMetrics;
import org.deepline.training.LayerStatistics;

/**
 * The evaluation page's "Training" section: loss and validation ROC AUC per epoch with the epoch
 * that ships marked, and each layer's statistics at that epoch. A network that overfits, stalls or
 * has dead layers shows it here, next to the metrics it explains.
 *
 * <pre>{@code
 * Element section = TrainingSection.render(report.training());
 * }</pre>
 */
final class TrainingSection {
  /** The training loss is drawn dashed in amber beside the validation loss. */
  static final String STYLE = "svg .curve.training { stroke: #d97706; stroke-dasharray: 6 3; }\n";
  /** Charts have this many tick intervals per axis ({@link SvgChart}'s five ticks). */
  private static final int TICK_INTERVALS = 4;
  /** Tick steps are one of these times a power of ten, so that tick labels stay short. */
  private static final double[] NICE_STEPS = {1, 2, 2.5, 5, 10};
  /** The ROC AUC axis starts here unless an epoch scored lower: below it a model has no skill. */
  private static final double AUC_AXIS_FLOOR = 0.5;
  private static final String METRIC = "%.4f";
  private static final String SMALL = "%.2e";

  private TrainingSection() {}

  /**
   * @param modelKind the registered model's kind: for a promoted baseline the curves are the
   *                  network's it replaced, and the section says so instead of naming an epoch
   *                  whose weights ship
   */
  static Element render(EvaluationReport.TrainingHistory history, String modelKind) {
    Element section = Elements.wideSection("training", "Training");
    if (history == null) {
      return section.add(Elements.note("The model's metadata holds no training history (a model "
          + "trained before it was recorded)."));
    }
    List<EpochMetrics> epochs = history.epochs();
    // Whole epochs on every tick: the axis ends at 1 + a multiple of the tick intervals.
    int epochStep = Math.max(1, (epochs.size() - 1 + TICK_INTERVALS - 1) / TICK_INTERVALS);
    SvgChart.Axis epochAxis = new SvgChart.Axis("Epoch", 1, 1 + TICK_INTERVALS * epochStep);
    String shipped = HtmlReport.isPromotedBaseline(modelKind)
        ? "; the model that ships is the promoted baseline, " + modelKind + ": these are the "
            + "curves of the network it replaced, whose best epoch was " + history.bestEpoch()
            + " (dashed vertical line)."
        : "; the weights of epoch " + history.bestEpoch() + " ship (dashed vertical line: the "
            + "best validation figure of early stopping).";
    return section.add(
        Elements.note(epochs.size() + " epochs" + shipped),
        Html.el("div").cls("grid").add(lossChart(epochs, epochAxis, history.bestEpoch()),
            aucChart(epochs, epochAxis, history.bestEpoch())),
        layerTable(history));
  }

  private static Element lossChart(List<EpochMetrics> epochs, SvgChart.Axis epochAxis,
      int bestEpoch) {
    double highest = 0;
    for (EpochMetrics epoch : epochs) {
      highest = Math.max(highest, Math.max(finite(epoch.trainingLoss()),
          finite(epoch.validationLoss())));
    }
    SvgChart.Axis lossAxis = new SvgChart.Axis("Log loss", 0,
        highest > 0 ? TICK_INTERVALS * niceStep(highest / TICK_INTERVALS) : 1);
    return Html.el("section").add(Html.el("h3").text("Loss"),
        new SvgChart("Loss per epoch", epochAxis, lossAxis)
            .reference(bestEpoch, lossAxis.min(), bestEpoch, lossAxis.max())
            .curve(points(epochs, EpochMetrics::validationLoss), "curve")
            .curve(points(epochs, EpochMetrics::trainingLoss), "curve training")
            .build(),
        Elements.note("Solid: validation loss. Dashed amber: training loss of each epoch's last "
            + "averaging round. Validation loss rising while training loss falls is "
            + "overfitting."));
  }

  private static Element aucChart(List<EpochMetrics> epochs, SvgChart.Axis epochAxis,
      int bestEpoch) {
    double lowest = AUC_AXIS_FLOOR;
    for (EpochMetrics epoch : epochs) {
      lowest = Math.min(lowest, finite(epoch.validationRocAuc()));
    }
    SvgChart.Axis aucAxis = new SvgChart.Axis("Validation ROC AUC", lowest, 1);
    List<double[]> points = points(epochs, EpochMetrics::validationRocAuc);
    List<String> tips = epochs.stream().map(e -> "epoch " + e.epoch() + ": ROC AUC "
        + Formats.fixed(e.validationRocAuc(), METRIC)).toList();
    return Html.el("section").add(Html.el("h3").text("Validation ROC AUC"),
        new SvgChart("Validation ROC AUC per epoch", epochAxis, aucAxis)
            .reference(bestEpoch, aucAxis.min(), bestEpoch, aucAxis.max())
            .curve(points, "curve").markers(points, tips)
            .build());
  }

  private static Element layerTable(EvaluationReport.TrainingHistory history) {
    if (history.bestEpochLayers().isEmpty()) {
      return Elements.note("No layer statistics for epoch " + history.bestEpoch() + ", the one "
          + "whose weights ship: they are measured as an epoch trains and kept with the model, "
          + "and this epoch's were not (it trained before a train --resume, or in a version "
          + "before December 2026).");
    }
    Element rows = Html.el("tbody");
    for (LayerStatistics.Layer layer : history.bestEpochLayers()) {
      rows.add(Html.el("tr").add(Html.el("td").text(String.valueOf(layer.layer())),
          Html.el("td").text(layer.activation()),
          Html.el("td").text(Formats.fixed(layer.activationMean(), METRIC)),
          Html.el("td").text(Formats.fixed(layer.activationStd(), METRIC)),
          Html.el("td").text(Double.isNaN(layer.deadShare()) ? ""
              : Formats.percent(layer.deadShare())),
          Html.el("td").text(Formats.fixed(layer.gradientAbsMean(), SMALL)),
          Html.el("td").text(Formats.fixed(layer.weightStd(), METRIC)),
          Html.el("td").text(Formats.fixed(layer.updateRatio(), SMALL))));
    }
    List<Element> parts = new ArrayList<>();
    parts.add(Html.el("h3").text("Layers after epoch " + history.bestEpoch()));
    parts.add(Html.el("table").add(Elements.tableHead("Layer", "Activation", "Output mean",
        "Output std", "Dead units", "Mean |gradient|", "Weight std", "Update / weight"), rows));
    parts.add(Elements.note("Measured on " + LayerStatistics.PROBE_ROWS + " training rows. Dead "
        + "units: ReLU units that output 0 for every one of them. Update / weight: how far the "
        + "epoch moved the layer's weights, relative to their size; near 0 the layer has "
        + "stopped learning."));
    return Html.el("div").add(parts);
  }

  private static List<double[]> points(List<EpochMetrics> epochs,
      ToDoubleFunction<EpochMetrics> metric) {
    return epochs.stream().filter(e -> Double.isFinite(metric.applyAsDouble(e)))
        .map(e -> new double[] {e.epoch(), metric.applyAsDouble(e)}).toList();
  }

  /** The smallest step of {@link #NICE_STEPS} times a power of ten that is at least {@code step}. */
  static double niceStep(double step) {
    double power = Math.pow(10, Math.floor(Math.log10(step)));
    for (double nice : NICE_STEPS) {
      if (nice * power >= step) {
        return nice * power;
      }
    }
    throw new IllegalStateException("no nice step for " + step);
  }

  private static double finite(double value) {
    return Double.isFinite(value) ? value : 0;
  }
}
