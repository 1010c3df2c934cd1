package org.deepline.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.EpochMetrics;
import org.deepline.training.ModelMetadata;
import org.deepline.training.TrainJob;

/**
 * A registered model as a notebook shows it: its registry entry and {@code model.json} (the same
 * {@link ModelMetadata} scoring reads), printing as a summary and one line per training epoch.
 *
 * <pre>{@code
 * Model model = dl.model("champion");
 * System.out.println(model.learningCurve());
 * }</pre>
 */
public final class Model {
  /** How many inputs the permutation importance table lists, largest drop first. */
  private static final int SHOWN_INPUTS = 8;

  private final ModelRegistry.ModelEntry entry;
  private final ModelMetadata metadata;

  Model(ModelRegistry.ModelEntry entry, ModelMetadata metadata) {
    this.entry = entry;
    this.metadata = metadata;
  }

  public String version() {
    return entry.modelVersion();
  }

  /** The model's registry row: version, train run, run date, directory, validation metrics. */
  public ModelRegistry.ModelEntry entry() {
    return entry;
  }

  /** The model's {@code model.json}: feature model, training config, epochs, threshold. */
  public ModelMetadata metadata() {
    return metadata;
  }

  public List<EpochMetrics> epochs() {
    return metadata.epochs();
  }

  /** Validation ROC AUC and PR AUC after each epoch, the best epoch's weights being the model's. */
  public Chart learningCurve() {
    List<double[]> rocAuc = new ArrayList<>();
    List<double[]> prAuc = new ArrayList<>();
    for (EpochMetrics epoch : metadata.epochs()) {
      rocAuc.add(new double[] {epoch.epoch(), epoch.validationRocAuc()});
      prAuc.add(new double[] {epoch.epoch(), epoch.validationPrAuc()});
    }
    double lowest = metadata.epochs().stream()
        .mapToDouble(e -> Math.min(e.validationRocAuc(), e.validationPrAuc()))
        .filter(Double::isFinite).min().orElse(0);
    // From the tenth below the lowest value to 1, so that a flat curve looks flat.
    double bottom = Math.max(0, Math.floor(lowest * 10 - 1) / 10);
    return Chart.titled("Validation AUC by epoch, model " + version() + " (best epoch "
            + metadata.bestEpoch() + ")", "epoch", "AUC")
        .range(1, Math.max(2, metadata.epochs().size()), bottom, 1)
        .line("ROC AUC", rocAuc)
        .line("PR AUC", prAuc);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "model %s of %s: trained on %s by run %s, %d inputs, best epoch %d of %d, threshold "
            + "%.4f (%s)%n", version(), entry.dataset(), entry.runDate(), entry.runId(),
        metadata.inputWidth(), metadata.bestEpoch(), metadata.epochs().size(),
        metadata.decisionThreshold().value(), metadata.decisionThreshold().rule()));
    out.append("path: ").append(entry.path()).append('\n');
    TextTable epochs = new TextTable("epoch", "val_roc_auc", "val_pr_auc", "val_loss",
        "train_loss", "seconds");
    for (EpochMetrics e : metadata.epochs()) {
      epochs.row((double) e.epoch(), e.validationRocAuc(), e.validationPrAuc(), e.validationLoss(),
          e.trainingLoss(), String.format(Locale.ROOT, "%.1f", e.millis() / 1000.0));
    }
    out.append(epochs.render(Run.SHOWN_METRICS)).append('\n');
    TextTable validation = new TextTable("validation metric", "value");
    new TreeMap<>(entry.metrics()).forEach((name, value) -> {
      if (!name.startsWith(TrainJob.IMPORTANCE_PREFIX)) {
        validation.row(name, value);
      }
    });
    out.append(validation.render(Run.SHOWN_METRICS)).append('\n');
    TextTable importance = new TextTable("input", "validation ROC AUC drop when shuffled");
    entry.metrics().entrySet().stream()
        .filter(e -> e.getKey().startsWith(TrainJob.IMPORTANCE_PREFIX))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> importance.row(e.getKey().substring(TrainJob.IMPORTANCE_PREFIX.length()),
            e.getValue()));
    if (importance.size() > 0) {
      out.append(importance.render(SHOWN_INPUTS));
    }
    return out.toString().stripTrailing();
  }
}
