package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deepline.core.Json;

/**
 * The fitted feature transform: every statistic needed to turn a raw record into the network's input
 * vector, learnt from the training split only. Saved as readable JSON next to the features table and
 * inside every model bundle, and applied by {@link FeatureVectorizer}, so training and scoring (with or
 * without Spark) compute the same vector from the same record.
 *
 * @param formatVersion the artifact layout; bumped when a reader must change
 * @param fittedOn      what the statistics were computed from; the leakage gate checks it
 * @param datetime      date and timestamp inputs turned into calendar parts (absent from format 1)
 */
public record FeatureModel(int formatVersion, FitProvenance fittedOn, List<NumericFeature> numeric,
    List<CategoricalFeature> categorical, List<CrossFeature> crosses,
    List<DateTimeFeature> datetime) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Format 2 added {@code datetime}; a format 1 artifact reads as a model without it. Format 3 added
   * the numeric transforms (clip, log1p, imputation choice, scaling choice, bins) and renamed the
   * numeric {@code median} to {@code imputed_value}; older artifacts read as median-imputed and
   * standardised, as they were.
   */
  public static final int FORMAT_VERSION = 3;
  private static final int OLDEST_READABLE_FORMAT = 1;
  /** The token a missing categorical value is counted and encoded as. */
  public static final String MISSING_TOKEN = "__missing__";
  /** The one-hot slot of values not in the training vocabulary. */
  public static final String OTHER_TOKEN = "__other__";

  public FeatureModel {
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    crosses = List.copyOf(crosses);
    datetime = datetime == null ? List.of() : List.copyOf(datetime);
  }

  /** The names of the vector's slots, in order. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>();
    for (NumericFeature f : numeric) {
      if (f.binned()) {
        names.addAll(binNames(f.name(), f.binEdges()));
      } else {
        names.add(f.name());
      }
      if (f.missingIndicator()) {
        names.add(f.name() + "__missing");
      }
    }
    for (CategoricalFeature f : categorical) {
      f.vocabulary().forEach(v -> names.add(f.name() + "=" + v));
      names.add(f.name() + "=" + OTHER_TOKEN);
    }
    for (CrossFeature f : crosses) {
      for (int b = 0; b < f.buckets(); b++) {
        names.add(f.name() + "#" + b);
      }
    }
    for (DateTimeFeature f : datetime) {
      for (DateTimePart p : f.parts()) {
        names.addAll(p.slotNames(f.name()));
      }
      if (f.missingIndicator()) {
        names.add(f.name() + "__missing");
      }
    }
    return names;
  }

  /**
   * The slots of each input, in vector order: one group per numeric, categorical, cross and
   * date-time input, so that what is measured or shown per input (permutation importance) covers
   * all its slots at once.
   */
  public List<SlotGroup> slotGroups() {
    List<SlotGroup> groups = new ArrayList<>();
    int start = 0;
    for (NumericFeature f : numeric) {
      groups.add(new SlotGroup(f.name(), start, start += f.width()));
    }
    for (CategoricalFeature f : categorical) {
      groups.add(new SlotGroup(f.name(), start, start += f.vocabulary().size() + 1));
    }
    for (CrossFeature f : crosses) {
      groups.add(new SlotGroup(f.name(), start, start += f.buckets()));
    }
    for (DateTimeFeature f : datetime) {
      int width = f.parts().stream().mapToInt(DateTimePart::width).sum()
          + (f.missingIndicator() ? 1 : 0);
      groups.add(new SlotGroup(f.name(), start, start += width));
    }
    return groups;
  }

  /** The slots {@code [start, end)} of the vector that one input fills. */
  public record SlotGroup(String name, int start, int end) {}

  public int width() {
    int width = 0;
    for (NumericFeature f : numeric) {
      width += f.width();
    }
    for (CategoricalFeature f : categorical) {
      width += f.vocabulary().size() + 1;
    }
    for (CrossFeature f : crosses) {
      width += f.buckets();
    }
    for (DateTimeFeature f : datetime) {
      for (DateTimePart p : f.parts()) {
        width += p.width();
      }
      width += f.missingIndicator() ? 1 : 0;
    }
    return width;
  }

  /** Slot names of bins: {@code x<1}, {@code x[1,5)}, ..., {@code x>=9}. */
  static List<String> binNames(String name, List<Double> edges) {
    List<String> names = new ArrayList<>();
    names.add(name + "<" + edges.get(0));
    for (int i = 1; i < edges.size(); i++) {
      names.add(name + "[" + edges.get(i - 1) + "," + edges.get(i) + ")");
    }
    names.add(name + ">=" + edges.get(edges.size() - 1));
    return names;
  }

  /** The raw columns a record must have to be vectorised. */
  public List<String> inputColumns() {
    List<String> columns = new ArrayList<>();
    numeric.forEach(f -> columns.add(f.name()));
    categorical.forEach(f -> columns.add(f.name()));
    datetime.forEach(f -> columns.add(f.name()));
    return columns;
  }

  public String toJson() {
    return Json.write(this);
  }

  public static FeatureModel fromJson(String json, String source) {
    FeatureModel model = Json.read(json, FeatureModel.class, source);
    if (model.formatVersion() < OLDEST_READABLE_FORMAT || model.formatVersion() > FORMAT_VERSION) {
      throw new org.deepline.core.DeeplineException(source + ": feature model format "
          + model.formatVersion() + " is not readable by this version (reads " + OLDEST_READABLE_FORMAT
          + " to " + FORMAT_VERSION + ")");
    }
    return model;
  }

  /**
   * Where the statistics came from.
   *
   * @param split        always {@code train} for a model deepline fitted
   * @param rows         training rows the statistics were computed on
   * @param splitsTable  the splits table and version whose train rows were used
   * @param fingerprint  {@link org.deepline.sampling.SplitFingerprint} of the rows fitted on
   */
  public record FitProvenance(String dataset, String runDate, String runId, String split, long rows,
      String splitsTable, long splitsVersion, long fingerprint) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A numeric input, turned into slots in the order {@link NumericTransformSpec} documents: clipped
   * to {@code [clipLower, clipUpper]}, passed through {@code ln(1 + x)} when {@code log1p}, a missing
   * value replaced by {@code imputedValue} (already in those units), then either one scaled slot,
   * {@code (x - center) / spread} (just {@code x - center} when the spread is 0), or one-hot slots of
   * the bins that {@code binEdges} cut. {@code mean} and {@code stddev} are those of the imputed
   * training column, whatever the scaling.
   *
   * @param imputedValue the value a missing input takes ({@code median} in format 1 and 2, where it
   *                     always was the training median)
   * @param impute       how {@code imputedValue} was chosen (null in format 1 and 2: the median)
   * @param clipLower    null when not clipped below
   * @param clipUpper    null when not clipped above
   * @param log1p        null (format 1 and 2) or false when not log-transformed
   * @param scale        standard, minmax, robust or none; null in format 1 and 2 (standard)
   * @param center       subtracted before dividing by {@code spread}; null for standard scaling (the
   *                     mean)
   * @param spread       null for standard scaling (the standard deviation)
   * @param binEdges     the interior cut points, ascending; null when not binned
   */
  public record NumericFeature(String name, @JsonAlias("median") double imputedValue, double mean,
      double stddev, boolean missingIndicator, String impute, Double clipLower, Double clipUpper,
      Boolean log1p, String scale, Double center, Double spread, List<Double> binEdges)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public NumericFeature {
      binEdges = binEdges == null ? null : List.copyOf(binEdges);
    }

    /** A median-imputed, standardised input: the default, and all that format 1 and 2 know. */
    public static NumericFeature standardised(String name, double median, double mean,
        double stddev, boolean missingIndicator) {
      return new NumericFeature(name, median, mean, stddev, missingIndicator, null, null, null,
          null, null, null, null, null);
    }

    public boolean binned() {
      return binEdges != null;
    }

    /** Slots this input takes: one scaled value or one per bin, then the missing indicator. */
    public int width() {
      return (binned() ? binEdges.size() + 1 : 1) + (missingIndicator ? 1 : 0);
    }

    /** What {@code (x - center) / spread} subtracts. */
    public double centerOrMean() {
      return center == null ? mean : center;
    }

    /** What {@code (x - center) / spread} divides by. */
    public double spreadOrStddev() {
      return spread == null ? stddev : spread;
    }
  }

  /**
   * A one-hot encoded input over the training vocabulary, most frequent first.
   *
   * @param distinctValues distinct values (the missing token included) in the training split; those
   *                       beyond the vocabulary share the other slot (null in format 1 artifacts)
   * @param foldedRows     training rows whose value is not in the vocabulary (null in format 1)
   */
  public record CategoricalFeature(String name, List<String> vocabulary, Long distinctValues,
      Long foldedRows) implements Serializable {
    private static final long serialVersionUID = 1L;

    public CategoricalFeature {
      vocabulary = List.copyOf(vocabulary);
    }

    /** Training values that share the other slot because of max_categories or min_category_count. */
    public long foldedValues() {
      return distinctValues == null ? 0 : distinctValues - vocabulary.size();
    }

    /**
     * Whether {@code max_categories} cut values off this vocabulary: it is full and training had
     * more. Values folded only for being rarer than {@code min_category_count} are the user's own
     * rule; a cut by the cap is not, and must be said out loud.
     */
    public boolean cappedAt(int maxCategories) {
      return distinctValues != null && vocabulary.size() == maxCategories
          && distinctValues > maxCategories;
    }
  }

  /**
   * A date or timestamp input: its calendar parts (in UTC), then one missing indicator when the
   * training split had gaps.
   */
  public record DateTimeFeature(String name, List<DateTimePart> parts, boolean missingIndicator)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public DateTimeFeature {
      parts = List.copyOf(parts);
    }
  }

  /**
   * One calendar part and its encoding. A {@code numeric} part is imputed with the training median and
   * standardised with the training mean and standard deviation (zero for the other encodings, which
   * need no statistics): a missing value gives the imputed number, zeros for one-hot and cyclical.
   */
  public record DateTimePart(String part, String encoding, double median, double mean,
      double stddev) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Sine and cosine. */
    private static final int CYCLICAL_SLOTS = 2;

    public int width() {
      return switch (encoding) {
        case DateTimeSpec.ONE_HOT -> DateTimeParts.PERIODIC.get(part).length();
        case DateTimeSpec.CYCLICAL -> CYCLICAL_SLOTS;
        default -> 1;
      };
    }

    public List<String> slotNames(String column) {
      String base = column + "." + part;
      return switch (encoding) {
        case DateTimeSpec.ONE_HOT -> {
          DateTimeParts.Period period = DateTimeParts.PERIODIC.get(part);
          List<String> names = new ArrayList<>();
          for (int i = 0; i < period.length(); i++) {
            names.add(base + "=" + (period.first() + i));
          }
          yield names;
        }
        case DateTimeSpec.CYCLICAL -> List.of(base + "_sin", base + "_cos");
        default -> List.of(base);
      };
    }
  }

  /** A hashed cross of two categorical inputs into {@code buckets} one-hot slots. */
  public record CrossFeature(List<String> columns, int buckets) implements Serializable {
    private static final long serialVersionUID = 1L;

    public CrossFeature {
      columns = List.copyOf(columns);
    }

    public String name() {
      return String.join("_x_", columns);
    }
  }
}
