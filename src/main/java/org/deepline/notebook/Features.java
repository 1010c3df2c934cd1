package org.deepline.notebook;

import java.util.Locale;
import org.deepline.features.FeatureModel;

/**
 * A fitted feature model (the {@code feature_model.json} the features stage saved and training and
 * scoring read), printing as one line per input: its kind and the slots of the vector it fills.
 *
 * <pre>{@code
 * Features features = dl.features();
 * int width = features.width();
 * }</pre>
 */
public final class Features {
  /** The run id of a feature model fitted by {@link Deepline#tryFeatures()}, which saves nothing. */
  static final String NOT_SAVED = "not saved";

  private final String path;
  private final FeatureModel model;

  Features(String path, FeatureModel model) {
    this.path = path;
    this.model = model;
  }

  public FeatureModel model() {
    return model;
  }

  /** Where the model is saved; null for a model {@link Deepline#tryFeatures()} only fitted. */
  public String path() {
    return path;
  }

  /** The width of the vectors the network reads. */
  public int width() {
    return model.width();
  }

  @Override
  public String toString() {
    FeatureModel.FitProvenance fitted = model.fittedOn();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "feature model of %s: %d inputs, %d slots, fitted on %d %s rows of %s (%s)%n",
        fitted.dataset(), model.slotGroups().size(), model.width(), fitted.rows(), fitted.split(),
        fitted.runDate(), path == null ? "tried, not saved" : "run " + fitted.runId()));
    TextTable table = new TextTable("input", "kind", "slots");
    for (FeatureModel.SlotGroup group : model.slotGroups()) {
      table.row(group.name(), kind(group.name()), (double) (group.end() - group.start()));
    }
    return out.append(table).toString();
  }

  /** The kind of one slot group, by the list of the feature model it comes from. */
  private String kind(String input) {
    if (model.numeric().stream().anyMatch(f -> f.name().equals(input))) {
      return "numeric";
    }
    var categorical = model.categorical().stream().filter(f -> f.name().equals(input)).findFirst();
    if (categorical.isPresent()) {
      FeatureModel.CategoricalFeature f = categorical.get();
      return f.hashed() ? "hashed" : f.targetEncoded() ? "target-encoded"
          : f.embedded() ? "embedded" : f.words() ? "words" : "one-hot";
    }
    if (model.crosses().stream().anyMatch(f -> f.name().equals(input))) {
      return "cross";
    }
    if (model.datetime().stream().anyMatch(f -> f.name().equals(input))) {
      return "date-time";
    }
    if (model.products().stream().anyMatch(f -> f.name().equals(input))) {
      return "product";
    }
    return "positional";
  }
}
