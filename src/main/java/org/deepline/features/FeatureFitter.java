package org.deepline.features;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.sampling.SplitConfig;
import org.deepline.sampling.SplitFingerprint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link FeatureModel} on training rows in two passes whatever the number of columns: one
 * aggregation for every numeric statistic, the present values of each date and timestamp input (and,
 * for the features stage, the training rows and their fingerprint), and one grouped count for every
 * categorical vocabulary. Some inputs add one pass each, whatever their number: clip bounds or a
 * log1p floor (an aggregation before the statistics), calendar parts encoded as numbers or read from
 * text (an aggregation over the parts extracted row by row), and target encoding.
 *
 * <p>Only ever give it the training split: statistics seen on validation or test rows leak their
 * distribution into the model, which the leakage gate checks through the model's provenance.
 */
public final class FeatureFitter {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFitter.class);
  /** percentile_approx accuracy: relative rank error 1/accuracy, ample for a median. */
  private static final int MEDIAN_ACCURACY = 10_000;
  /**
   * The most numeric inputs whose statistics the one aggregation computes; more are computed by
   * {@link WideStatistics} (Spark evaluates an aggregation of thousands of statistics interpreted).
   */
  static final int WIDE_NUMERIC_COLUMNS = 100;
  /** The most constant inputs of one list named in a WARN each; more are named in one. */
  private static final int CONSTANT_COLUMNS_NAMED_ALONE = 3;
  /** The config lists whose constant inputs are named, as a user writes their keys. */
  private static final String NUMERIC_KEY = "features.numeric";
  private static final String CATEGORICAL_KEY = "features.categorical";
  private static final double MEDIAN = 0.5;
  /**
   * Aggregates per numeric column: observed count, row count, mean, variance, minimum, maximum,
   * percentiles, mode.
   */
  private static final int NUMERIC_STATISTICS = 8;
  private static final List<Double> QUARTILES = List.of(0.25, MEDIAN, 0.75);
  /** ln(1 + x) is defined above this. */
  private static final double LOG1P_POLE = -1;
  /** Aggregates per calendar part: mean, variance, median. */
  private static final int DATETIME_STATISTICS = 3;
  private static final String FEATURE = "feature";
  private static final String TOKEN = "token";
  private static final String COUNT = "count";
  private static final String DISTINCT = "distinct_values";
  private static final String ROWS = "feature_rows";
  private static final String RANK = "rank";
  private static final int MOST_FREQUENT = 1;
  /**
   * The fewest distinct values a one-hot column within its cap needs to be called an identifier:
   * on a few dozen rows a real category may have a value per row or two.
   */
  private static final int MIN_IDENTIFIER_VALUES = 20;
  /**
   * The share of training rows a one-hot column within its cap needs as distinct values to be
   * called an identifier: about one value a row, not a category of two rows a value.
   */
  private static final double IDENTIFIER_DISTINCT_SHARE = 0.9;
  /** What both identifier warnings advise, capped or not. */
  private static final String DROP_IDENTIFIER = "as an identifier has: drop it from "
      + "features.categorical (a value seen once teaches a model nothing";
  /**
   * A name token that says the column identifies a record or an entity: {@code id},
   * {@code user_id}, {@code Patient ID}, {@code id_num}, {@code uuid}; not {@code idle},
   * {@code paid}, {@code humidity} (the token is bounded by non-letters).
   */
  private static final Pattern IDENTIFIER_TOKEN =
      Pattern.compile("(?:^|[^a-z0-9])(?:id|uuid|guid)(?:$|[^a-z0-9])", Pattern.CASE_INSENSITIVE);
  /** The same in camel case: {@code userId}, {@code customerID}, {@code idNum}. */
  private static final Pattern IDENTIFIER_CAMEL =
      Pattern.compile("[a-z0-9](?:Id|ID)(?:$|[^a-z])|^id[A-Z]");
  /**
   * A whole name that numbers the rows, as tools write it beside the data: pandas'
   * {@code Unnamed: 0} (or its renamed {@code Unnamed_0}), {@code index}, {@code row_number},
   * {@code rownum}.
   */
  private static final Pattern ROW_NUMBER = Pattern.compile(
      "Unnamed[: _]*\\d+|index|idx|row[ _]?(?:index|idx|num|number|nr)", Pattern.CASE_INSENSITIVE);
  private static final String NUMERIC_SECTION = "numeric";
  private static final String DATETIME_SECTION = "datetime";

  private FeatureFitter() {}

  /** {@link #fit(Dataset, FeatureConfig, FeatureModel.FitProvenance, long)} with the default seed. */
  public static FeatureModel fit(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance) {
    return fit(train, config, provenance, SplitConfig.DEFAULT_SEED);
  }

  /**
   * The feature model of {@code train}: the training split's rows with their raw columns, and, when
   * an input is target encoded, {@value RecordIds#RECORD_ID} and the 0/1 {@value LabelConfig#LABEL}.
   *
   * @param foldSeed seeds the out-of-fold assignment of target encoding
   */
  public static FeatureModel fit(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long foldSeed) {
    if (provenance.rows() == 0) {
      throw new DeeplineException("features: the training split is empty, nothing to fit on");
    }
    return fit(train, config, provenance, foldSeed, false, Set.of());
  }

  /**
   * {@link #fit(Dataset, FeatureConfig, FeatureModel.FitProvenance, long)}, with the provenance's
   * rows and fingerprint ({@link SplitFingerprint}) of {@code train} computed by the aggregation that
   * computes the numeric statistics, instead of by two passes of their own.
   */
  public static FeatureModel fitCountingRows(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long foldSeed) {
    return fitCountingRows(train, config, provenance, foldSeed, Set.of());
  }

  /**
   * As above, with the numeric and date/time inputs of {@code emptyColumns} (no value anywhere in
   * the data: an empty column of the data set) fitted as 0 for every row
   * ({@link FeatureModel.NumericFeature#withoutValues}, {@link #withoutValues}); any other input
   * without a value in {@code train} is a {@link NoValueInTraining}.
   */
  public static FeatureModel fitCountingRows(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance, long foldSeed, Set<String> emptyColumns) {
    return fit(train, config, provenance, foldSeed, true, emptyColumns);
  }

  /**
   * A numeric or date/time input with no value in the training split, named by {@link #column}
   * ({@code section}: {@code numeric} or {@code datetime}).
   */
  public static final class NoValueInTraining extends DeeplineException {
    private static final long serialVersionUID = 1L;
    private final String column;

    NoValueInTraining(String section, String column) {
      super("features." + section + ": " + column
          + " has no value in the training split; drop it or fix the source");
      this.column = column;
    }

    public String column() {
      return column;
    }
  }

  private static FeatureModel fit(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance given, long foldSeed, boolean countRows,
      Set<String> emptyColumns) {
    Statistics statistics = statistics(train, config, countRows, emptyColumns);
    FeatureModel.FitProvenance provenance = !countRows ? given
        : new FeatureModel.FitProvenance(given.dataset(), given.runDate(), given.runId(),
            given.split(), statistics.rows(), given.splitsTable(), given.splitsVersion(),
            statistics.fingerprint());
    if (provenance.rows() == 0) {
      throw new DeeplineException("features: the training split is empty, nothing to fit on");
    }
    List<FeatureModel.NumericFeature> numeric = fitNumeric(config, statistics, emptyColumns);
    Map<String, FeatureModel.CategoricalFeature> vocabularies = fitVocabularies(train, config);
    Map<String, FeatureModel.CategoricalFeature> targets = TargetEncoder.fit(train, config,
        foldSeed);
    Set<String> declaredWords = new LinkedHashSet<>(config.categorical().stream()
        .filter(c -> config.encodingOf(c).encoding().equals(CategoricalEncodingSpec.WORDS))
        .toList());
    Set<String> mostlyDistinct = WordsFitter.mostlyDistinct(vocabularies, statistics.rows(),
        config.maxCategories(), config.categoricalEncodings().keySet());
    Map<String, Integer> maxWords = new LinkedHashMap<>();
    declaredWords.forEach(c -> maxWords.put(c, config.encodingOf(c).maxValues()));
    mostlyDistinct.forEach(c -> maxWords.put(c, CategoricalEncodingSpec.DEFAULT_MAX_WORDS));
    long minWordValues = Math.max(WordsFitter.MIN_WORD_VALUES, config.minCategoryCount());
    Map<String, WordsFitter.Fitted> words = WordsFitter.fit(train, maxWords, declaredWords,
        minWordValues);
    List<FeatureModel.CategoricalFeature> categorical = config.categorical().stream()
        .map(c -> {
          WordsFitter.Fitted text = words.get(c);
          if (text != null) {
            logWords(text, mostlyDistinct.contains(c), minWordValues);
            return text.feature();
          }
          CategoricalEncodingSpec spec = config.encodingOf(c);
          if (spec.encoding().equals(CategoricalEncodingSpec.HASHING)) {
            return new FeatureModel.CategoricalFeature(c, List.of(), null, null,
                CategoricalEncodingSpec.HASHING, spec.buckets(), null, null, null);
          }
          Map<String, FeatureModel.CategoricalFeature> fitted =
              spec.encoding().equals(CategoricalEncodingSpec.TARGET) ? targets : vocabularies;
          FeatureModel.CategoricalFeature empty = spec.encoding().equals(
              CategoricalEncodingSpec.EMBEDDING)
              ? FeatureModel.CategoricalFeature.embedding(c, List.of(), 0L, 0L,
                  spec.dimensionsFor(1), spec.maxValues())
              : FeatureModel.CategoricalFeature.oneHot(c, List.of(), 0L, 0L);
          return fitted.getOrDefault(c, empty);
        })
        .toList();
    Map<String, String> constant = new LinkedHashMap<>();
    for (FeatureModel.CategoricalFeature f : categorical) {
      if (f.words()) {
        continue;
      } else if (f.distinctValues() != null && f.distinctValues() == 1) {
        // A missing value is a token of its own: one value means every row is the same.
        constant.put(f.name(), FeatureModel.MISSING_TOKEN.equals(f.vocabulary().get(0))
            ? "missing" : "'" + f.vocabulary().get(0) + "'");
      } else if (f.hashed()) {
        LOG.info("features: {}: hashed into {} slots", f.name(), f.buckets());
      } else if (f.targetEncoded() && f.cappedAt(config.maxCategories())) {
        LOG.warn("features: {}: {} distinct training values, only the {} most frequent target "
            + "encoded: {} values in {} training rows take the prior; hash the column or cross it "
            + "instead", f.name(), f.distinctValues(), FeatureModel.TargetEncoding.MAX_VALUES,
            f.foldedValues(), f.foldedRows());
      } else if (f.embedded() && f.cappedAt(config.maxCategories())) {
        LOG.warn("features: {}: {} distinct training values, only the {} most frequent get an "
            + "embedding (categorical_encodings.{}.max_values): {} values in {} training rows "
            + "share one and cannot be told apart", f.name(), f.distinctValues(),
            f.vocabularyCap(), f.name(), f.foldedValues(), f.foldedRows());
      } else if (f.cappedAt(config.maxCategories())) {
        // A column that reads as text went to words above; one this distinct that did not is an
        // identifier, whose values no model can learn from however many slots it gets.
        boolean identifier = WordsFitter.mostlyDistinct(f, provenance.rows());
        LOG.warn("features: {}: {} distinct training values, only the {} most frequent kept "
            + "(features.max_categories): {} values in {} training rows share the {} slot and "
            + "cannot be told apart; {}", f.name(), f.distinctValues(), config.maxCategories(),
            f.foldedValues(), f.foldedRows(), FeatureModel.OTHER_TOKEN, identifier
                ? "about as many distinct values as rows, " + DROP_IDENTIFIER + ")"
                : "raise features.max_categories to keep them");
      } else if (!f.embedded() && !f.targetEncoded() && f.distinctValues() != null
          && f.distinctValues() > MIN_IDENTIFIER_VALUES
          && f.distinctValues() >= IDENTIFIER_DISTINCT_SHARE * provenance.rows()) {
        // Within max_categories, but a slot per row: an identifier, which no cap names.
        LOG.warn("features: {}: {} distinct values in {} training rows, about as many as rows, {}, "
            + "and one first seen at scoring falls into {})", f.name(), f.distinctValues(),
            provenance.rows(), DROP_IDENTIFIER, FeatureModel.OTHER_TOKEN);
      } else {
        LOG.info("features: {}: {} distinct training values, {} kept, {} folded into {} ({} "
            + "training rows)", f.name(), f.distinctValues(), f.vocabulary().size(),
            f.foldedValues(), FeatureModel.OTHER_TOKEN, f.foldedRows());
      }
    }
    warnConstant(CATEGORICAL_KEY, constant);
    List<FeatureModel.CrossFeature> crosses = config.crosses().stream()
        .map(c -> new FeatureModel.CrossFeature(c.columns(), c.buckets()))
        .toList();
    List<FeatureModel.DateTimeFeature> datetime = fitDateTime(train, config.datetime(),
        statistics, emptyColumns);
    List<FeatureModel.ProductFeature> products = config.products().stream()
        .map(p -> new FeatureModel.ProductFeature(p.columns())).toList();
    List<FeatureModel.PositionalFeature> positional = config.positional().stream()
        .map(p -> new FeatureModel.PositionalFeature(p.column(), p.dimensions(), p.maxPeriod()))
        .toList();
    return new FeatureModel(FeatureModel.FORMAT_VERSION, provenance, numeric, categorical, crosses,
        datetime, products, positional);
  }

  /**
   * Says how a column became a bag of words: at WARN when deepline chose it (a column the config
   * leaves one-hot, read as free text), since its slots are not the values a user may expect.
   */
  private static void logWords(WordsFitter.Fitted text, boolean chosen, long minValues) {
    FeatureModel.CategoricalFeature f = text.feature();
    String message = String.format(java.util.Locale.ROOT, "features: %s: %sencoded as words: "
        + "%d distinct words, %.1f a value; the %d in the most training values kept (of at most "
        + "%d, each in at least %d values); %d training rows hold none of them", f.name(),
        chosen ? "free text (mostly distinct values of several words), " : "",
        f.distinctValues(), text.wordsPerValue(), f.vocabulary().size(), f.vocabularyCap(),
        minValues, f.foldedRows());
    if (chosen) {
      LOG.warn(message + "; set categorical_encodings." + f.name() + " to {\"encoding\": "
          + "\"one_hot\"} to keep its values instead, or to {\"encoding\": \"words\", "
          + "\"max_values\": n} to keep n words");
    } else if (f.cappedAt(f.vocabularyCap())) {
      LOG.warn(message + "; raise categorical_encodings." + f.name() + ".max_values to keep more "
          + "words");
    } else {
      LOG.info(message);
    }
  }

  /**
   * What the one aggregation over the training rows computed: per numeric input its
   * {@value #NUMERIC_STATISTICS} statistics from {@code numericAt}, per date/time input the count of
   * its present values when it needs no calendar statistics ({@code observedAt}), the rows, and the
   * fingerprint when counted. Clip bounds come from the pass before it.
   */
  private record Statistics(Row row, Map<String, double[]> bounds, Map<String, Integer> numericAt,
      Map<String, Integer> observedAt, long rows, long fingerprint) {}

  /**
   * One aggregation over {@code train} whatever the number of columns (and one pass of
   * {@link WideStatistics} for more than {@value #WIDE_NUMERIC_COLUMNS} numeric inputs): the numeric
   * inputs' statistics, the present values of the date/time inputs whose calendar parts need no statistics,
   * the rows and (when {@code countRows}) their fingerprint; after a first one for the columns whose
   * clip bounds (training quantiles) or log1p floor (training minimum) must be known before their
   * values are.
   */
  private static Statistics statistics(Dataset<Row> train, FeatureConfig config,
      boolean countRows, Set<String> emptyColumns) {
    Map<String, double[]> bounds = clipBounds(train, config, emptyColumns);
    List<Column> aggregates = new ArrayList<>();
    Map<String, Integer> numericAt = new HashMap<>();
    // A wide split's numeric statistics are computed by WideStatistics, in their places here.
    List<String> wide = config.numeric().size() <= WIDE_NUMERIC_COLUMNS ? List.of()
        : config.numeric().stream()
            .filter(name -> !NumericTransformSpec.MODE.equals(config.transformOf(name).impute()))
            .toList();
    Set<String> wideNames = Set.copyOf(wide);
    for (String name : config.numeric()) {
      numericAt.put(name, aggregates.size());
      NumericTransformSpec spec = config.transformOf(name);
      Column value = transformedColumn(observedValue(name), bounds.get(name), spec.log1p());
      if (wideNames.contains(name)) {
        for (int i = 0; i < NUMERIC_STATISTICS; i++) {
          aggregates.add(functions.lit(null));
        }
        continue;
      }
      aggregates.add(functions.count(value));
      aggregates.add(functions.count(functions.lit(1)));
      aggregates.add(functions.avg(value));
      aggregates.add(functions.var_pop(value));
      aggregates.add(functions.min(value));
      aggregates.add(functions.max(value));
      aggregates.add(functions.percentile_approx(value,
          functions.array(percentiles(spec).stream().map(functions::lit).toArray(Column[]::new)),
          functions.lit(MEDIAN_ACCURACY)));
      aggregates.add(NumericTransformSpec.MODE.equals(spec.impute()) ? functions.mode(value)
          : functions.lit(null).cast("double"));
    }
    Map<String, Integer> observedAt = new HashMap<>();
    for (DateTimeSpec spec : config.datetime()) {
      if (!needsCalendarPass(train.schema(), spec)) {
        observedAt.put(spec.column(), aggregates.size());
        aggregates.add(functions.count(Columns.col(spec.column())));
      }
    }
    int rowsAt = aggregates.size();
    aggregates.add(functions.count(functions.lit(1)));
    if (countRows) {
      aggregates.add(functions.bit_xor(SplitFingerprint.recordHash()));
    }
    Row row = train.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    if (!wide.isEmpty()) {
      row = withWideStatistics(row, row.getLong(rowsAt), train, config, wide, bounds, numericAt);
    }
    long fingerprint = countRows && !row.isNullAt(rowsAt + 1) ? row.getLong(rowsAt + 1) : 0L;
    return new Statistics(row, bounds, numericAt, observedAt, row.getLong(rowsAt), fingerprint);
  }

  /**
   * {@code row} with the statistics of the numeric inputs {@code wide} put in their places, computed
   * by {@link WideStatistics} instead of the aggregation.
   */
  private static Row withWideStatistics(Row row, long rows, Dataset<Row> train,
      FeatureConfig config, List<String> wide, Map<String, double[]> bounds,
      Map<String, Integer> numericAt) {
    List<Column> values = wide.stream().map(name -> transformedColumn(observedValue(name),
        bounds.get(name), config.transformOf(name).log1p())).toList();
    List<double[]> percentiles = wide.stream().map(name -> percentiles(config.transformOf(name))
        .stream().mapToDouble(Double::doubleValue).toArray()).toList();
    List<WideStatistics.Finished> statistics = WideStatistics.of(train, values, percentiles,
        1.0 / MEDIAN_ACCURACY);
    Object[] merged = new Object[row.size()];
    for (int i = 0; i < merged.length; i++) {
      merged[i] = row.get(i);
    }
    for (int c = 0; c < wide.size(); c++) {
      System.arraycopy(statistics.get(c).asAggregated(rows), 0, merged,
          numericAt.get(wide.get(c)), NUMERIC_STATISTICS);
    }
    return RowFactory.create(merged);
  }

  /** The numeric inputs' fitted transforms from their statistics. */
  private static List<FeatureModel.NumericFeature> fitNumeric(FeatureConfig config,
      Statistics statistics, Set<String> emptyColumns) {
    List<FeatureModel.NumericFeature> features = new ArrayList<>();
    Map<String, Double> constant = new LinkedHashMap<>();
    for (String name : config.numeric()) {
      if (namedAsIdentifier(name)) {
        // Said, not refused: a name is no proof, and a header-written config makes every column a
        // feature. A row number of a file sorted by class is a copy of the label in order.
        LOG.warn("features.numeric: {} is named as an identifier or a row number is: a number that "
            + "names a record or an entity is no quantity a model can use, and one that follows "
            + "the file's order carries that order; drop it from features.numeric if it is one",
            name);
      }
      features.add(numericFeature(name, config.transformOf(name), statistics.bounds().get(name),
          statistics.row(), statistics.numericAt().get(name), emptyColumns.contains(name),
          constant));
    }
    warnConstant(NUMERIC_KEY, constant);
    return features;
  }

  /**
   * Says which inputs of the config list {@code key} (numeric or categorical) have one value in
   * every training row: not an error (a column constant on one date may vary on the next), but they
   * teach nothing. One line per column up to {@value #CONSTANT_COLUMNS_NAMED_ALONE} of them; more in
   * one line (a wide header-written config has dozens: 91 of grants' 1,497).
   *
   * @param constant each such input's name and value
   */
  private static void warnConstant(String key, Map<String, ?> constant) {
    if (constant.size() <= CONSTANT_COLUMNS_NAMED_ALONE) {
      constant.forEach((name, value) -> LOG.warn("{}: {} is {} in every training row: it carries "
          + "nothing a model can use; drop it from {}", key, name, value, key));
      return;
    }
    LOG.warn("{}: {} inputs have one value in every training row: {}: they carry nothing a model "
        + "can use; drop them from {}", key, constant.size(), constant.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")),
        key);
  }

  /** Whether a column's name says it identifies a record or an entity, or numbers the rows. */
  static boolean namedAsIdentifier(String name) {
    return IDENTIFIER_TOKEN.matcher(name).find() || IDENTIFIER_CAMEL.matcher(name).find()
        || ROW_NUMBER.matcher(name).matches();
  }

  /**
   * Whether a date/time input's parts must be extracted row by row ({@link DateTimeParts}) for the
   * fit: a part encoded as a number needs its mean, variance and median, and text needs parsing to
   * know which values are missing. A date or timestamp column whose parts are all one-hot or
   * cyclical needs only its count of present values.
   */
  private static boolean needsCalendarPass(StructType schema, DateTimeSpec spec) {
    if (!List.of(schema.fieldNames()).contains(spec.column())) {
      return true;
    }
    org.apache.spark.sql.types.DataType type = schema.apply(spec.column()).dataType();
    boolean typed = type == DataTypes.TimestampType || type == DataTypes.TimestampNTZType
        || type == DataTypes.DateType;
    return !typed || spec.parts().stream()
        .anyMatch(part -> DateTimeSpec.NUMERIC.equals(spec.encodingOf(part)));
  }

  /** NaN counts as missing, as it does in {@link FeatureVectorizer}. */
  public static Column observedValue(String name) {
    return functions.nanvl(Columns.col(name).cast("double"), functions.lit(null).cast("double"));
  }

  /** The value after clipping and log1p, as {@link FeatureVectorizer#transformed} computes it. */
  private static Column transformedColumn(Column value, double[] clip, boolean log1p) {
    Column clipped = value;
    if (clip != null && !Double.isNaN(clip[0])) {
      clipped = functions.when(clipped.lt(clip[0]), clip[0]).otherwise(clipped);
    }
    if (clip != null && !Double.isNaN(clip[1])) {
      clipped = functions.when(clipped.gt(clip[1]), clip[1]).otherwise(clipped);
    }
    return log1p ? functions.log1p(clipped) : clipped;
  }

  /** Quartiles (for robust scaling and the median), then the cut points of quantile bins. */
  private static List<Double> percentiles(NumericTransformSpec spec) {
    List<Double> percentiles = new ArrayList<>(QUARTILES);
    if (spec.bins() != null && spec.bins().quantiles() != null) {
      int bins = spec.bins().quantiles();
      for (int i = 1; i < bins; i++) {
        percentiles.add(i / (double) bins);
      }
    }
    return percentiles;
  }

  /**
   * Per column that clips or takes log1p: {lower, upper} (NaN where unbounded). log1p without a
   * lower clip is floored at the training minimum, so no value can reach its pole at -1.
   */
  private static Map<String, double[]> clipBounds(Dataset<Row> train, FeatureConfig config,
      Set<String> emptyColumns) {
    // An empty column is 0 whatever its transform says: it has no bounds to find.
    List<String> bounded = config.numeric().stream()
        .filter(c -> config.transformOf(c).clip() != null || config.transformOf(c).log1p())
        .filter(c -> !emptyColumns.contains(c))
        .toList();
    Map<String, double[]> bounds = new HashMap<>();
    if (bounded.isEmpty()) {
      return bounds;
    }
    List<Column> aggregates = new ArrayList<>();
    for (String name : bounded) {
      List<Double> clip = config.transformOf(name).clip();
      // The clip quantiles when clipping; otherwise only the minimum (log1p's floor) is needed.
      aggregates.add(clip == null ? functions.lit(null)
          : functions.percentile_approx(observedValue(name),
              functions.array(functions.lit(clip.get(0)), functions.lit(clip.get(1))),
              functions.lit(MEDIAN_ACCURACY)));
      aggregates.add(functions.min(observedValue(name)));
    }
    Row row = train.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    for (int i = 0; i < bounded.size(); i++) {
      String name = bounded.get(i);
      NumericTransformSpec spec = config.transformOf(name);
      if (row.isNullAt(2 * i + 1)) {
        throw new NoValueInTraining(NUMERIC_SECTION, name);
      }
      List<Double> quantiles = spec.clip() == null ? null : row.getList(2 * i);
      double lower = quantiles != null ? quantiles.get(0) : row.getDouble(2 * i + 1);
      double upper = quantiles != null ? quantiles.get(1) : Double.NaN;
      if (spec.log1p() && !(lower > LOG1P_POLE)) {
        throw new DeeplineException("features.numeric_transforms." + name + ".log1p: needs values "
            + "above -1, but the training " + (spec.clip() != null ? "lower clip bound" : "minimum")
            + " is " + lower + "; clip the column or drop log1p");
      }
      bounds.put(name, new double[] {lower, upper});
    }
    return bounds;
  }

  /** One numeric input's fitted transform from its statistics in {@code stats} from {@code at}. */
  private static FeatureModel.NumericFeature numericFeature(String name, NumericTransformSpec spec,
      double[] clip, Row stats, int at, boolean emptyColumn, Map<String, Double> constant) {
    long observed = stats.getLong(at);
    long total = stats.getLong(at + 1);
    if (observed == 0 && !emptyColumn) {
      throw new NoValueInTraining(NUMERIC_SECTION, name);
    }
    if (observed == 0) {
      LOG.warn("features.numeric: {} has no value in the data: it is 0 for every row", name);
      return FeatureModel.NumericFeature.withoutValues(name);
    }
    double mean = stats.getDouble(at + 2);
    double variance = stats.getDouble(at + 3);
    double min = stats.getDouble(at + 4);
    double max = stats.getDouble(at + 5);
    List<Double> percentiles = stats.getList(at + 6);
    if (min == max && observed == total) {
      constant.put(name, min);
    }
    double lowerQuartile = percentiles.get(0);
    double median = percentiles.get(1);
    double upperQuartile = percentiles.get(2);
    Double clipLower = clip == null || Double.isNaN(clip[0]) ? null : clip[0];
    Double clipUpper = clip == null || Double.isNaN(clip[1]) ? null : clip[1];
    double imputedValue = switch (spec.impute()) {
      case NumericTransformSpec.MEAN -> mean;
      case NumericTransformSpec.MODE -> stats.getDouble(at + 7);
      case NumericTransformSpec.CONSTANT -> FeatureVectorizer.transformed(clipLower, clipUpper,
          spec.log1p(), spec.imputeValue());
      default -> median;
    };
    long missing = total - observed;
    FeatureModel.NumericFeature moments = imputedStatistics(name, observed, missing, mean, variance,
        imputedValue);
    Double center = null;
    Double spread = null;
    switch (spec.scaling()) {
      case NumericTransformSpec.MIN_MAX -> {
        center = Math.min(min, imputedValue);
        spread = Math.max(max, imputedValue) - center;
      }
      case NumericTransformSpec.ROBUST -> {
        center = median;
        spread = upperQuartile - lowerQuartile;
      }
      case NumericTransformSpec.NONE -> {
        center = 0.0;
        spread = 0.0;
      }
      default -> { }
    }
    List<Double> edges = spec.bins() == null ? null
        : binEdges(name, spec.bins(), percentiles.subList(QUARTILES.size(), percentiles.size()),
            min, max);
    return new FeatureModel.NumericFeature(name, imputedValue, moments.mean(), moments.stddev(),
        missing > 0, spec.impute(), clipLower, clipUpper, spec.log1p(), spec.scaling(), center,
        spread, edges);
  }

  /** Interior cut points of the bins; quantile cut points that coincide are merged. */
  private static List<Double> binEdges(String name, NumericTransformSpec.BinSpec bins,
      List<Double> quantileCuts, double min, double max) {
    List<Double> edges = new ArrayList<>();
    if (bins.edges() != null) {
      edges.addAll(bins.edges());
    } else if (bins.quantiles() != null) {
      new java.util.TreeSet<>(quantileCuts).stream().filter(cut -> cut > min).forEach(edges::add);
    } else {
      for (int i = 1; i < bins.uniform() && max > min; i++) {
        edges.add(min + i * (max - min) / bins.uniform());
      }
    }
    if (edges.isEmpty()) {
      throw new DeeplineException("features.numeric_transforms." + name + ".bins: every training "
          + "value is " + min + ", so there is nothing to cut into bins; drop bins for this column");
    }
    return edges;
  }

  /**
   * Mean and standard deviation of the column after imputation, from the observed values' moments:
   * the k imputed values all equal the median, so no second pass over the data is needed.
   */
  static FeatureModel.NumericFeature imputedStatistics(String name, long observed, long missing,
      double observedMean, double observedVariance, double imputedValue) {
    long total = observed + missing;
    double mean = (observed * observedMean + missing * imputedValue) / total;
    double spreadObserved = observedVariance + Math.pow(observedMean - mean, 2);
    double spreadImputed = Math.pow(imputedValue - mean, 2);
    double variance = (observed * spreadObserved + missing * spreadImputed) / total;
    return FeatureModel.NumericFeature.standardised(name, imputedValue, mean, Math.sqrt(variance),
        missing > 0);
  }

  /**
   * Each categorical column's vocabulary, with how many training values and rows it leaves to the
   * other slot. Ranked on the executors, so only the kept values reach the driver, whatever the
   * cardinality.
   */
  static Map<String, FeatureModel.CategoricalFeature> fitVocabularies(Dataset<Row> train,
      FeatureConfig config) {
    Map<String, Integer> capOf = new LinkedHashMap<>();
    for (String c : config.categorical()) {
      CategoricalEncodingSpec spec = config.encodingOf(c);
      if (spec.encoding().equals(CategoricalEncodingSpec.ONE_HOT)) {
        capOf.put(c, config.maxCategories());
      } else if (spec.encoding().equals(CategoricalEncodingSpec.EMBEDDING)) {
        capOf.put(c, spec.maxValues());
      }
    }
    if (capOf.isEmpty()) {
      return Map.of();
    }
    Column[] pairs = capOf.keySet().stream()
        .map(c -> functions.struct(functions.lit(c).as(FEATURE), token(c).as(TOKEN)))
        .toArray(Column[]::new);
    // Each column's own cap, so the ranking keeps no more than that column needs: one embedding's
    // max_values must not bring 10,000 values of every one-hot column to the driver.
    Column capOfFeature = null;
    for (Map.Entry<String, Integer> cap : capOf.entrySet()) {
      Column matches = functions.col(FEATURE).equalTo(cap.getKey());
      capOfFeature = capOfFeature == null ? functions.when(matches, cap.getValue())
          : capOfFeature.when(matches, cap.getValue());
    }
    org.apache.spark.sql.expressions.WindowSpec byFeature = Window.partitionBy(FEATURE);
    // The most frequent value of every feature is collected whatever the limits, so each feature
    // brings its distinct-value and row totals to the driver even when no value qualifies.
    List<Row> counts = train.select(functions.explode(functions.array(pairs)).as("pair"))
        .groupBy("pair." + FEATURE, "pair." + TOKEN).count()
        .withColumn(DISTINCT, functions.count(functions.lit(1)).over(byFeature))
        .withColumn(ROWS, functions.sum(COUNT).over(byFeature))
        .withColumn(RANK, functions.row_number().over(byFeature
            .orderBy(functions.col(COUNT).desc(), functions.col(TOKEN))))
        .where(functions.col(RANK).leq(capOfFeature)
            .or(functions.col(RANK).equalTo(MOST_FREQUENT)))
        .collectAsList();
    Map<String, List<Row>> byName = new HashMap<>();
    for (Row row : counts) {
      byName.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row);
    }
    Map<String, FeatureModel.CategoricalFeature> features = new LinkedHashMap<>();
    byName.forEach((feature, rows) -> {
      int cap = capOf.get(feature);
      List<Row> kept = rows.stream()
          .filter(r -> r.getLong(2) >= config.minCategoryCount())
          .sorted(Comparator.<Row>comparingLong(r -> r.getLong(2)).reversed()
              .thenComparing(r -> r.getString(1)))
          .limit(cap)
          .toList();
      long keptRows = kept.stream().mapToLong(r -> r.getLong(2)).sum();
      long foldedRows = rows.get(0).getLong(4) - keptRows;
      List<String> vocabulary = kept.stream().map(r -> r.getString(1)).toList();
      CategoricalEncodingSpec spec = config.encodingOf(feature);
      features.put(feature, spec.encoding().equals(CategoricalEncodingSpec.EMBEDDING)
          ? FeatureModel.CategoricalFeature.embedding(feature, vocabulary, rows.get(0).getLong(3),
              foldedRows, spec.dimensionsFor(vocabulary.size() + 1), cap)
          : FeatureModel.CategoricalFeature.oneHot(feature, vocabulary, rows.get(0).getLong(3),
              foldedRows));
    });
    return features;
  }

  /**
   * A categorical column's token as {@link FeatureVectorizer#token} computes it: its text, or the
   * missing token for null and empty text. Fitting, target encoding and the leakage gate group by it.
   */
  public static Column token(String column) {
    return functions.coalesce(functions.nullif(Columns.col(column).cast("string"),
        functions.lit("")), functions.lit(FeatureModel.MISSING_TOKEN));
  }

  /**
   * The calendar parts' statistics. A date or timestamp column whose parts are all one-hot or
   * cyclical needs only its count of present values, which {@code statistics} holds; the others'
   * parts are extracted with {@link DateTimeParts}, the code the vectorizer runs, not with Spark's
   * date functions, whose results follow the session time zone, in one more pass.
   */
  private static List<FeatureModel.DateTimeFeature> fitDateTime(Dataset<Row> train,
      List<DateTimeSpec> specs, Statistics statistics, Set<String> emptyColumns) {
    List<DateTimeSpec> extracted = specs.stream()
        .filter(spec -> !statistics.observedAt().containsKey(spec.column())).toList();
    Map<String, FeatureModel.DateTimeFeature> fitted = extracted.isEmpty() ? Map.of()
        : fitExtractedDateTime(train, extracted, emptyColumns);
    List<FeatureModel.DateTimeFeature> features = new ArrayList<>();
    for (DateTimeSpec spec : specs) {
      if (fitted.containsKey(spec.column())) {
        features.add(fitted.get(spec.column()));
        continue;
      }
      long observed = statistics.row().getLong(statistics.observedAt().get(spec.column()));
      if (observed == 0) {
        features.add(withoutValues(spec, emptyColumns));
        continue;
      }
      features.add(new FeatureModel.DateTimeFeature(spec.column(), withoutStatistics(spec),
          observed < statistics.rows()));
    }
    return features;
  }

  /**
   * A date/time input of an empty column of the data set ({@code emptyColumns}): every slot 0 for
   * every row, whatever date a row brings at scoring
   * ({@link FeatureModel.DateTimeFeature#withoutValues}), and no missing-value indicator, which
   * would be 1 for every row, as a numeric input without values is 0 for every row. Any other
   * input without a value in training is a {@link NoValueInTraining}.
   */
  private static FeatureModel.DateTimeFeature withoutValues(DateTimeSpec spec,
      Set<String> emptyColumns) {
    if (!emptyColumns.contains(spec.column())) {
      throw new NoValueInTraining(DATETIME_SECTION, spec.column());
    }
    LOG.warn("features.datetime: {} has no value in the data: its parts are 0 for every row",
        spec.column());
    return FeatureModel.DateTimeFeature.withoutValues(spec.column(), withoutStatistics(spec));
  }

  /** The parts of {@code spec} with no fitted statistics: one-hot and cyclical ones need none. */
  private static List<FeatureModel.DateTimePart> withoutStatistics(DateTimeSpec spec) {
    return spec.parts().stream()
        .map(part -> new FeatureModel.DateTimePart(part, spec.encodingOf(part), 0, 0, 0))
        .toList();
  }

  /** The date/time inputs fitted from their calendar parts, extracted row by row, by column. */
  private static Map<String, FeatureModel.DateTimeFeature> fitExtractedDateTime(
      Dataset<Row> train, List<DateTimeSpec> specs, Set<String> emptyColumns) {
    StructType partsSchema = new StructType();
    for (DateTimeSpec spec : specs) {
      for (String part : spec.parts()) {
        partsSchema = partsSchema.add(partColumn(spec.column(), part), DataTypes.DoubleType, true);
      }
    }
    Dataset<Row> parts = train.select(specs.stream().map(s -> Columns.col(s.column()))
            .toArray(Column[]::new))
        .mapPartitions(new PartExtractor(specs), Encoders.row(partsSchema));
    List<Column> aggregates = new ArrayList<>();
    for (DateTimeSpec spec : specs) {
      aggregates.add(functions.count(Columns.col(partColumn(spec.column(), spec.parts().get(0)))));
      for (String part : spec.parts()) {
        Column value = Columns.col(partColumn(spec.column(), part));
        aggregates.add(functions.avg(value));
        aggregates.add(functions.var_pop(value));
        aggregates.add(functions.percentile_approx(value, functions.lit(MEDIAN),
            functions.lit(MEDIAN_ACCURACY)));
      }
    }
    aggregates.add(functions.count(functions.lit(1)));
    Row stats = parts.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    long total = stats.getLong(stats.size() - 1);
    Map<String, FeatureModel.DateTimeFeature> features = new HashMap<>();
    int at = 0;
    for (DateTimeSpec spec : specs) {
      long observed = stats.getLong(at++);
      if (observed == 0) {
        features.put(spec.column(), withoutValues(spec, emptyColumns));
        at += spec.parts().size() * DATETIME_STATISTICS;
        continue;
      }
      List<FeatureModel.DateTimePart> fitted = new ArrayList<>();
      for (String part : spec.parts()) {
        double mean = stats.getDouble(at);
        double variance = stats.getDouble(at + 1);
        double median = stats.getDouble(at + 2);
        at += DATETIME_STATISTICS;
        String encoding = spec.encodingOf(part);
        if (DateTimeSpec.NUMERIC.equals(encoding)) {
          FeatureModel.NumericFeature imputed = imputedStatistics(part, observed, total - observed,
              mean, variance, median);
          fitted.add(new FeatureModel.DateTimePart(part, encoding, imputed.imputedValue(), imputed.mean(),
              imputed.stddev()));
        } else {
          fitted.add(new FeatureModel.DateTimePart(part, encoding, 0, 0, 0));
        }
      }
      features.put(spec.column(), new FeatureModel.DateTimeFeature(spec.column(), fitted,
          observed < total));
    }
    return features;
  }

  private static String partColumn(String column, String part) {
    return column + "." + part;
  }

  /** Each row's calendar parts as doubles (null for a missing value); static, so tasks capture no job. */
  private static final class PartExtractor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final List<DateTimeSpec> specs;

    PartExtractor(List<DateTimeSpec> specs) {
      this.specs = List.copyOf(specs);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < specs.size(); i++) {
            DateTimeSpec spec = specs.get(i);
            LocalDateTime time = DateTimeParts.utc(row.get(i), spec.column());
            for (String part : spec.parts()) {
              values.add(time == null ? null : (double) DateTimeParts.part(time, part));
            }
          }
          return RowFactory.create(values.toArray());
        }
      };
    }
  }
}
