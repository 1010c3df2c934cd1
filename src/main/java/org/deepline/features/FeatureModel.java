package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deepline.core.Json;
import org.deepline.featurestore.JoinedFeatureTable;

/**
 * The fitted feature transform: every statistic needed to turn a raw record into the network's input
 * vector, learnt from the training split only. Saved as readable JSON next to the features table and
 * inside every model bundle, and applied by {@link FeatureVectorizer}, so training and scoring (with or
 * without Spark) compute the same vector from the same record.
 *
 * @param formatVersion the artifact layout; bumped when a reader must change
 * @param fittedOn      what the statistics were computed from; the leakage gate checks it
 * @param datetime      date and timestamp inputs turned into calendar parts (absent from format 1)
 * @param products      products of scaled numeric inputs (absent before format 4)
 * @param positional    sinusoidal encodings of a position or time (absent before format 4)
 * @param joins         the feature tables joined to the rows before any of the above, with the
 *                      versions read; scoring replays them
 *                      ({@link org.deepline.featurestore.FeatureJoins}; absent before
 *                      format 5)
 */
public record FeatureModel(int formatVersion, FitProvenance fittedOn, List<NumericFeature> numeric,
    List<CategoricalFeature> categorical, List<CrossFeature> crosses,
    List<DateTimeFeature> datetime, List<ProductFeature> products,
    List<PositionalFeature> positional, List<JoinedFeatureTable> joins) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Format 2 added {@code datetime}; a format 1 artifact reads as a model without it. Format 3 added
   * the numeric transforms (clip, log1p, imputation choice, scaling choice, bins) and renamed the
   * numeric {@code median} to {@code imputed_value}; older artifacts read as median-imputed and
   * standardised, as they were. Format 4 added categorical encodings (hashing, out-of-fold target
   * encoding), crosses of three inputs or of binned numeric inputs, numeric products and positional
   * encodings; older artifacts read as one-hot categoricals without the new inputs. Format 5 added
   * the embedding encoding (an index slot per column, with {@code dimensions} and
   * {@code vocabulary_cap}) and the feature-store joins; older artifacts have neither. Format 6 added
   * the words encoding (a vocabulary of words, one slot each plus one for none of them). Format 7
   * added {@code without_values} to date/time inputs (a column with no value in the data: every
   * slot 0); older artifacts have none.
   */
  public static final int FORMAT_VERSION = 7;
  private static final int OLDEST_READABLE_FORMAT = 1;
  /** The token a missing categorical value is counted and encoded as. */
  public static final String MISSING_TOKEN = "__missing__";
  /**
   * What a numeric or date/time feature's missing-value indicator slot appends to its name
   * ({@code age__missing}); a feature may not be named so itself ({@link FeatureConfig}).
   */
  public static final String MISSING_INDICATOR_SUFFIX = "__missing";
  /** The one-hot slot of values not in the training vocabulary. */
  public static final String OTHER_TOKEN = "__other__";
  /** Between a column and one of its words in a slot name, {@code review~great}. */
  public static final String WORD_SEPARATOR = "~";

  public FeatureModel {
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    crosses = List.copyOf(crosses);
    datetime = datetime == null ? List.of() : List.copyOf(datetime);
    products = products == null ? List.of() : List.copyOf(products);
    positional = positional == null ? List.of() : List.copyOf(positional);
    joins = joins == null ? List.of() : List.copyOf(joins);
  }

  /** A model joining no feature table. */
  public FeatureModel(int formatVersion, FitProvenance fittedOn, List<NumericFeature> numeric,
      List<CategoricalFeature> categorical, List<CrossFeature> crosses,
      List<DateTimeFeature> datetime, List<ProductFeature> products,
      List<PositionalFeature> positional) {
    this(formatVersion, fittedOn, numeric, categorical, crosses, datetime, products, positional,
        null);
  }

  /** This model, fitted on rows that {@code tables} were joined to. */
  public FeatureModel withJoins(List<JoinedFeatureTable> tables) {
    return new FeatureModel(formatVersion, fittedOn, numeric, categorical, crosses, datetime,
        products, positional, tables);
  }

  /** Whether training rows are encoded differently from scoring rows (out-of-fold target encoding). */
  public boolean hasOutOfFoldInputs() {
    return categorical.stream().anyMatch(CategoricalFeature::targetEncoded);
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
        names.add(f.name() + MISSING_INDICATOR_SUFFIX);
      }
    }
    for (CategoricalFeature f : categorical) {
      names.addAll(f.slotNames());
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
        names.add(f.name() + MISSING_INDICATOR_SUFFIX);
      }
    }
    for (ProductFeature f : products) {
      names.add(f.name());
    }
    for (PositionalFeature f : positional) {
      names.addAll(f.slotNames());
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
      groups.add(new SlotGroup(f.name(), start, start += f.width()));
    }
    for (CrossFeature f : crosses) {
      groups.add(new SlotGroup(f.name(), start, start += f.buckets()));
    }
    for (DateTimeFeature f : datetime) {
      int width = f.parts().stream().mapToInt(DateTimePart::width).sum()
          + (f.missingIndicator() ? 1 : 0);
      groups.add(new SlotGroup(f.name(), start, start += width));
    }
    for (ProductFeature f : products) {
      groups.add(new SlotGroup(f.name(), start, start += 1));
    }
    for (PositionalFeature f : positional) {
      groups.add(new SlotGroup(f.name(), start, start += f.dimensions()));
    }
    return groups;
  }

  /** The slots {@code [start, end)} of the vector that one input fills. */
  public record SlotGroup(String name, int start, int end) {}

  public int width() {
    List<SlotGroup> groups = slotGroups();
    return groups.isEmpty() ? 0 : groups.get(groups.size() - 1).end();
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
    positional.stream().map(PositionalFeature::name).filter(c -> !columns.contains(c))
        .forEach(columns::add);
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

    /**
     * The input of a silver column with no value in any split (an empty column of the data,
     * which {@code validate} let through: no other run date had a value in it). It is 0 for every
     * row: clipped to [0, 0], so that a value appearing at scoring time cannot reach the model
     * unscaled.
     */
    public static NumericFeature withoutValues(String name) {
      return new NumericFeature(name, 0, 0, 0, false, null, 0.0, 0.0, null, null, null, null,
          null);
    }

    /**
     * Whether this is {@link #withoutValues}' input: a fitted one always names its imputation, so
     * a real column that is always 0 and clipped to [0, 0] is not taken for it.
     */
    public boolean withoutValuesInTraining() {
      return impute == null && stddev == 0 && !missingIndicator
          && Double.valueOf(0).equals(clipLower) && Double.valueOf(0).equals(clipUpper);
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
   * A categorical input: one-hot over the training vocabulary (most frequent first), hashed into
   * {@code buckets} slots, or target encoded (one slot, see {@link TargetEncoding}).
   *
   * @param distinctValues distinct values (the missing token included) in the training split; those
   *                       beyond the vocabulary share the other slot (null in format 1 artifacts)
   * @param foldedRows     training rows whose value is not in the vocabulary (null in format 1)
   * @param encoding       one_hot, hashing or target (null before format 4: one_hot)
   * @param buckets        the slots of a hashed input (null otherwise)
   * @param target         the statistics of a target-encoded input (null otherwise)
   */
  public record CategoricalFeature(String name, List<String> vocabulary, Long distinctValues,
      Long foldedRows, String encoding, Integer buckets, TargetEncoding target,
      Integer dimensions, Integer vocabularyCap)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public CategoricalFeature {
      vocabulary = List.copyOf(vocabulary);
      encoding = encoding == null ? CategoricalEncodingSpec.ONE_HOT : encoding;
    }

    /** A one-hot input over {@code vocabulary}. */
    public static CategoricalFeature oneHot(String name, List<String> vocabulary,
        Long distinctValues, Long foldedRows) {
      return new CategoricalFeature(name, vocabulary, distinctValues, foldedRows, null, null, null,
          null, null);
    }

    /**
     * An index input over {@code vocabulary} for an embedding of {@code dimensions}: the slot holds
     * the value's position in the vocabulary, or the vocabulary's size for every other value.
     *
     * @param vocabularyCap the most values the vocabulary could keep ({@code max_values})
     */
    public static CategoricalFeature embedding(String name, List<String> vocabulary,
        Long distinctValues, Long foldedRows, int dimensions, int vocabularyCap) {
      return new CategoricalFeature(name, vocabulary, distinctValues, foldedRows,
          CategoricalEncodingSpec.EMBEDDING, null, null, dimensions, vocabularyCap);
    }

    /**
     * A bag of words over {@code vocabulary} (words, not values): a slot per word, set when the
     * value holds it, and one set when it holds none.
     *
     * @param distinctWords the distinct words of the training values
     * @param foldedRows    training rows holding no word of the vocabulary
     * @param vocabularyCap the most words the vocabulary could keep ({@code max_values})
     */
    public static CategoricalFeature words(String name, List<String> vocabulary,
        long distinctWords, long foldedRows, int vocabularyCap) {
      return new CategoricalFeature(name, vocabulary, distinctWords, foldedRows,
          CategoricalEncodingSpec.WORDS, null, null, null, vocabularyCap);
    }

    /** A bag of words ({@code words} encoding). */
    public boolean words() {
      return CategoricalEncodingSpec.WORDS.equals(encoding);
    }

    /** An index slot for an embedding layer ({@code embedding} encoding). */
    public boolean embedded() {
      return CategoricalEncodingSpec.EMBEDDING.equals(encoding);
    }

    public boolean hashed() {
      return CategoricalEncodingSpec.HASHING.equals(encoding);
    }

    public boolean targetEncoded() {
      return CategoricalEncodingSpec.TARGET.equals(encoding);
    }

    /** Slots this input takes. */
    public int width() {
      if (hashed()) {
        return buckets;
      }
      return targetEncoded() || embedded() ? 1 : vocabulary.size() + 1;
    }

    public List<String> slotNames() {
      List<String> names = new ArrayList<>();
      if (hashed()) {
        for (int b = 0; b < buckets; b++) {
          names.add(name + "#" + b);
        }
      } else if (targetEncoded()) {
        names.add(name + ".target_rate");
      } else if (embedded()) {
        names.add(name + ".index");
      } else if (words()) {
        vocabulary.forEach(w -> names.add(name + WORD_SEPARATOR + w));
        names.add(name + WORD_SEPARATOR + OTHER_TOKEN);
      } else {
        vocabulary.forEach(v -> names.add(name + "=" + v));
        names.add(name + "=" + OTHER_TOKEN);
      }
      return names;
    }

    /** Training values that share the other slot because of max_categories or min_category_count. */
    public long foldedValues() {
      return distinctValues == null ? 0 : distinctValues - vocabulary.size();
    }

    /**
     * Whether {@code max_categories} cut values off this vocabulary: it is full and training had
     * more. Values folded only for being rarer than {@code min_category_count} are the user's own
     * rule; a cut by the cap is not, and must be said out loud. A target-encoded input is capped at
     * {@link TargetEncoding#MAX_VALUES} instead, an embedded one at its {@code max_values}; a hashed
     * one keeps no vocabulary.
     */
    public boolean cappedAt(int maxCategories) {
      if (hashed()) {
        return false;
      }
      int cap = targetEncoded() ? TargetEncoding.MAX_VALUES
          : (embedded() || words()) && vocabularyCap != null ? vocabularyCap : maxCategories;
      return distinctValues != null && vocabulary.size() == cap && distinctValues > cap;
    }
  }

  /**
   * Out-of-fold target encoding statistics of one categorical input, fitted on the training split.
   * Per value in the input's vocabulary (same order), the training rows and positives of each fold;
   * per fold, the totals. A row outside training (validation, test, scoring) is encoded from all
   * folds; a training row of fold {@code f} from every fold but {@code f}, so its own label never
   * enters its encoding. The slot holds the smoothed rate minus the prior of the rows it was
   * computed from, divided by that prior's Bernoulli standard deviation, so that it is on the scale of
   * the standardised inputs.
   *
   * @param seed           the seed of the fold hash,
   *                       {@code pmod(xxhash64(copyGroupId(_record_id), seed), folds)}
   * @param foldRows       training rows per fold
   * @param foldPositives  positive training rows per fold
   * @param valueRows      per vocabulary value, its training rows per fold
   * @param valuePositives per vocabulary value, its positive training rows per fold
   */
  public record TargetEncoding(double smoothing, int folds, long seed, long[] foldRows,
      long[] foldPositives, List<long[]> valueRows, List<long[]> valuePositives)
      implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Values kept per target-encoded input, most frequent first; rarer ones take the prior. A
     * vocabulary cut here is reported like a one-hot cap.
     */
    public static final int MAX_VALUES = 1 << 17;
    /** Marks a row outside the training split: it is encoded from every fold. */
    public static final int ALL_FOLDS = -1;

    public TargetEncoding {
      valueRows = List.copyOf(valueRows);
      valuePositives = List.copyOf(valuePositives);
    }

    /** The training positive rate without fold {@code fold} ({@link #ALL_FOLDS}: with every fold). */
    public double prior(int fold) {
      double rows = 0;
      double positives = 0;
      for (int f = 0; f < folds; f++) {
        if (f != fold) {
          rows += foldRows[f];
          positives += foldPositives[f];
        }
      }
      return rows == 0 ? 0 : positives / rows;
    }

    /**
     * The slot of the value at {@code index} of the vocabulary (negative: unseen or cut, which takes
     * the prior) for a row of {@code fold}.
     */
    public double encode(int index, int fold) {
      double prior = prior(fold);
      double rate = prior;
      if (index >= 0) {
        double rows = 0;
        double positives = 0;
        long[] byFoldRows = valueRows.get(index);
        long[] byFoldPositives = valuePositives.get(index);
        for (int f = 0; f < folds; f++) {
          if (f != fold) {
            rows += byFoldRows[f];
            positives += byFoldPositives[f];
          }
        }
        rate = (positives + smoothing * prior) / (rows + smoothing);
      }
      // Centred and scaled by the prior of the same rows, so a training row's own label does not
      // even reach the constants.
      double spread = Math.sqrt(prior * (1 - prior));
      return spread > 0 ? (rate - prior) / spread : rate - prior;
    }
  }

  /**
   * A date or timestamp input: its calendar parts (in UTC), then one missing indicator when the
   * training split had gaps.
   *
   * @param withoutValues true when the column had no value anywhere in the data it was fitted on:
   *                      every slot is 0 whatever the row holds, so that a date first seen at
   *                      scoring does not reach the network as parts it never trained on (a year
   *                      of 2026 against a mean of 0); null (format 6 and older) reads as false
   */
  public record DateTimeFeature(String name, List<DateTimePart> parts, boolean missingIndicator,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean withoutValues) implements Serializable {
    private static final long serialVersionUID = 1L;

    public DateTimeFeature {
      parts = List.copyOf(parts);
    }

    /** A fitted input: its parts carry the row's date. */
    public DateTimeFeature(String name, List<DateTimePart> parts, boolean missingIndicator) {
      this(name, parts, missingIndicator, null);
    }

    /** The input of a column without values: its parts' slots, each always 0. */
    public static DateTimeFeature withoutValues(String name, List<DateTimePart> parts) {
      return new DateTimeFeature(name, parts, false, true);
    }

    /** Whether {@link #withoutValues(String, List)} made it: every slot stays 0. */
    public boolean withoutValuesInTraining() {
      return Boolean.TRUE.equals(withoutValues);
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

  /**
   * A hashed cross of two or three inputs into {@code buckets} one-hot slots. An input is a
   * categorical column (its raw value) or a binned numeric column (its bin, written
   * {@code bin:<index>}).
   */
  public record CrossFeature(List<String> columns, int buckets) implements Serializable {
    private static final long serialVersionUID = 1L;

    public CrossFeature {
      columns = List.copyOf(columns);
    }

    public String name() {
      return String.join("_x_", columns);
    }
  }

  /**
   * The product of two or three numeric inputs after their scaling: an interaction term (tenure x
   * monthly charges) that a network would otherwise have to learn from the separate inputs.
   */
  public record ProductFeature(List<String> columns) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ProductFeature {
      columns = List.copyOf(columns);
    }

    public String name() {
      return String.join("_times_", columns);
    }
  }

  /**
   * A transformer-style sinusoidal encoding of a position: slot {@code 2i} is
   * {@code sin(p / maxPeriod^(2i/d))} and slot {@code 2i+1} the cosine, for {@code d = dimensions},
   * so nearby positions get similar vectors at every scale from {@code 2 pi} to
   * {@code 2 pi maxPeriod}. A date or timestamp position counts days since 1970-01-01 (UTC). A
   * missing position gives zeros in every slot.
   */
  public record PositionalFeature(String name, int dimensions, double maxPeriod)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public List<String> slotNames() {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < dimensions / 2; i++) {
        names.add(name + ".pos_sin" + i);
        names.add(name + ".pos_cos" + i);
      }
      return names;
    }

    /** The {@code dimensions} slots of {@code position}. */
    public double[] encode(double position) {
      double[] slots = new double[dimensions];
      for (int i = 0; i < dimensions / 2; i++) {
        double angle = position / Math.pow(maxPeriod, 2.0 * i / dimensions);
        slots[2 * i] = Math.sin(angle);
        slots[2 * i + 1] = Math.cos(angle);
      }
      return slots;
    }
  }
}
