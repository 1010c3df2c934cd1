package org.deepline.features;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link FeatureModel} on training rows in at most three passes whatever the number of
 * columns: one aggregation for every numeric statistic, one grouped count for every categorical
 * vocabulary, and one aggregation over the calendar parts of the date and timestamp inputs.
 *
 * <p>Only ever give it the training split: statistics seen on validation or test rows leak their
 * distribution into the model, which the leakage gate checks through the model's provenance.
 */
public final class FeatureFitter {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureFitter.class);
  /** percentile_approx accuracy: relative rank error 1/accuracy, ample for a median. */
  private static final int MEDIAN_ACCURACY = 10_000;
  private static final double MEDIAN = 0.5;
  /** Aggregates per numeric column: observed count, row count, mean, variance, median. */
  private static final int NUMERIC_STATISTICS = 5;
  /** Aggregates per calendar part: mean, variance, median. */
  private static final int DATETIME_STATISTICS = 3;
  private static final String FEATURE = "feature";
  private static final String TOKEN = "token";
  private static final String COUNT = "count";
  private static final String DISTINCT = "distinct_values";
  private static final String ROWS = "feature_rows";
  private static final String RANK = "rank";
  private static final int MOST_FREQUENT = 1;

  private FeatureFitter() {}

  public static FeatureModel fit(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance) {
    if (provenance.rows() == 0) {
      throw new DeeplineException("features: the training split is empty, nothing to fit on");
    }
    List<FeatureModel.NumericFeature> numeric = fitNumeric(train, config.numeric());
    Map<String, FeatureModel.CategoricalFeature> vocabularies = fitVocabularies(train, config);
    List<FeatureModel.CategoricalFeature> categorical = config.categorical().stream()
        .map(c -> vocabularies.getOrDefault(c,
            new FeatureModel.CategoricalFeature(c, List.of(), 0L, 0L)))
        .toList();
    for (FeatureModel.CategoricalFeature f : categorical) {
      LOG.info("features: {}: {} distinct training values, {} kept, {} folded into {} ({} training "
          + "rows)", f.name(), f.distinctValues(), f.vocabulary().size(), f.foldedValues(),
          FeatureModel.OTHER_TOKEN, f.foldedRows());
    }
    List<FeatureModel.CrossFeature> crosses = config.crosses().stream()
        .map(c -> new FeatureModel.CrossFeature(c.columns(), c.buckets()))
        .toList();
    List<FeatureModel.DateTimeFeature> datetime = fitDateTime(train, config.datetime());
    return new FeatureModel(FeatureModel.FORMAT_VERSION, provenance, numeric, categorical, crosses,
        datetime);
  }

  static List<FeatureModel.NumericFeature> fitNumeric(Dataset<Row> train, List<String> columns) {
    if (columns.isEmpty()) {
      return List.of();
    }
    List<Column> aggregates = new ArrayList<>();
    for (String name : columns) {
      // NaN counts as missing, as it does in FeatureVectorizer.
      Column value = functions.nanvl(Columns.col(name).cast("double"), functions.lit(null).cast("double"));
      aggregates.add(functions.count(value));
      aggregates.add(functions.count(functions.lit(1)));
      aggregates.add(functions.avg(value));
      aggregates.add(functions.var_pop(value));
      aggregates.add(functions.percentile_approx(value, functions.lit(MEDIAN),
          functions.lit(MEDIAN_ACCURACY)));
    }
    Row stats = train.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    List<FeatureModel.NumericFeature> features = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      int at = i * NUMERIC_STATISTICS;
      long observed = stats.getLong(at);
      long total = stats.getLong(at + 1);
      if (observed == 0) {
        throw new DeeplineException("features.numeric: " + columns.get(i)
            + " has no value in the training split; drop it or fix the source");
      }
      double mean = stats.getDouble(at + 2);
      double variance = stats.getDouble(at + 3);
      double median = stats.getDouble(at + 4);
      long missing = total - observed;
      features.add(imputedStatistics(columns.get(i), observed, missing, mean, variance, median));
    }
    return features;
  }

  /**
   * Mean and standard deviation of the column after imputation, from the observed values' moments:
   * the k imputed values all equal the median, so no second pass over the data is needed.
   */
  static FeatureModel.NumericFeature imputedStatistics(String name, long observed, long missing,
      double observedMean, double observedVariance, double median) {
    long total = observed + missing;
    double mean = (observed * observedMean + missing * median) / total;
    double spreadObserved = observedVariance + Math.pow(observedMean - mean, 2);
    double spreadImputed = Math.pow(median - mean, 2);
    double variance = (observed * spreadObserved + missing * spreadImputed) / total;
    return new FeatureModel.NumericFeature(name, median, mean, Math.sqrt(variance), missing > 0);
  }

  /**
   * Each categorical column's vocabulary, with how many training values and rows it leaves to the
   * other slot. Ranked on the executors, so only the kept values reach the driver, whatever the
   * cardinality.
   */
  static Map<String, FeatureModel.CategoricalFeature> fitVocabularies(Dataset<Row> train,
      FeatureConfig config) {
    if (config.categorical().isEmpty()) {
      return Map.of();
    }
    Column[] pairs = config.categorical().stream()
        .map(c -> functions.struct(functions.lit(c).as(FEATURE),
            functions.coalesce(functions.nullif(Columns.col(c).cast("string"), functions.lit("")),
                functions.lit(FeatureModel.MISSING_TOKEN)).as(TOKEN)))
        .toArray(Column[]::new);
    org.apache.spark.sql.expressions.WindowSpec byFeature = Window.partitionBy(FEATURE);
    // The most frequent value of every feature is collected whatever the limits, so each feature
    // brings its distinct-value and row totals to the driver even when no value qualifies.
    List<Row> counts = train.select(functions.explode(functions.array(pairs)).as("pair"))
        .groupBy("pair." + FEATURE, "pair." + TOKEN).count()
        .withColumn(DISTINCT, functions.count(functions.lit(1)).over(byFeature))
        .withColumn(ROWS, functions.sum(COUNT).over(byFeature))
        .withColumn(RANK, functions.row_number().over(byFeature
            .orderBy(functions.col(COUNT).desc(), functions.col(TOKEN))))
        .where(functions.col(RANK).leq(config.maxCategories())
            .or(functions.col(RANK).equalTo(MOST_FREQUENT)))
        .collectAsList();
    Map<String, List<Row>> byName = new HashMap<>();
    for (Row row : counts) {
      byName.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row);
    }
    Map<String, FeatureModel.CategoricalFeature> features = new LinkedHashMap<>();
    byName.forEach((feature, rows) -> {
      List<Row> kept = rows.stream()
          .filter(r -> r.getLong(2) >= config.minCategoryCount())
          .sorted(Comparator.<Row>comparingLong(r -> r.getLong(2)).reversed()
              .thenComparing(r -> r.getString(1)))
          .limit(config.maxCategories())
          .toList();
      long keptRows = kept.stream().mapToLong(r -> r.getLong(2)).sum();
      long totalRows = rows.get(0).getLong(4);
      features.put(feature, new FeatureModel.CategoricalFeature(feature,
          kept.stream().map(r -> r.getString(1)).toList(), rows.get(0).getLong(3),
          totalRows - keptRows));
    });
    return features;
  }

  /**
   * The calendar parts' statistics. The parts are extracted with {@link DateTimeParts}, the code the
   * vectorizer runs, not with Spark's date functions, whose results follow the session time zone.
   */
  static List<FeatureModel.DateTimeFeature> fitDateTime(Dataset<Row> train,
      List<DateTimeSpec> specs) {
    if (specs.isEmpty()) {
      return List.of();
    }
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
    List<FeatureModel.DateTimeFeature> features = new ArrayList<>();
    int at = 0;
    for (DateTimeSpec spec : specs) {
      long observed = stats.getLong(at++);
      if (observed == 0) {
        throw new DeeplineException("features.datetime: " + spec.column()
            + " has no value in the training split; drop it or fix the source");
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
          fitted.add(new FeatureModel.DateTimePart(part, encoding, imputed.median(), imputed.mean(),
              imputed.stddev()));
        } else {
          fitted.add(new FeatureModel.DateTimePart(part, encoding, 0, 0, 0));
        }
      }
      features.add(new FeatureModel.DateTimeFeature(spec.column(), fitted, observed < total));
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
