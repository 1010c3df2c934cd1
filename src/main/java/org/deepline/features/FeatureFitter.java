package org.deepline.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * Fits a {@link FeatureModel} on training rows in two passes whatever the number of columns: one
 * aggregation for every numeric statistic, one grouped count for every categorical vocabulary.
 *
 * <p>Only ever give it the training split: statistics seen on validation or test rows leak their
 * distribution into the model, which the leakage gate checks through the model's provenance.
 */
public final class FeatureFitter {
  /** percentile_approx accuracy: relative rank error 1/accuracy, ample for a median. */
  private static final int MEDIAN_ACCURACY = 10_000;

  private FeatureFitter() {}

  public static FeatureModel fit(Dataset<Row> train, FeatureConfig config,
      FeatureModel.FitProvenance provenance) {
    if (provenance.rows() == 0) {
      throw new DeeplineException("features: the training split is empty, nothing to fit on");
    }
    List<FeatureModel.NumericFeature> numeric = fitNumeric(train, config.numeric());
    Map<String, List<String>> vocabularies = fitVocabularies(train, config);
    List<FeatureModel.CategoricalFeature> categorical = config.categorical().stream()
        .map(c -> new FeatureModel.CategoricalFeature(c, vocabularies.getOrDefault(c, List.of())))
        .toList();
    List<FeatureModel.CrossFeature> crosses = config.crosses().stream()
        .map(c -> new FeatureModel.CrossFeature(c.columns(), c.buckets()))
        .toList();
    return new FeatureModel(FeatureModel.FORMAT_VERSION, provenance, numeric, categorical, crosses);
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
      aggregates.add(functions.percentile_approx(value, functions.lit(0.5),
          functions.lit(MEDIAN_ACCURACY)));
    }
    Row stats = train.agg(aggregates.get(0),
        aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).head();
    List<FeatureModel.NumericFeature> features = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      int at = i * 5;
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

  static Map<String, List<String>> fitVocabularies(Dataset<Row> train, FeatureConfig config) {
    if (config.categorical().isEmpty()) {
      return Map.of();
    }
    Column[] pairs = config.categorical().stream()
        .map(c -> functions.struct(functions.lit(c).as("feature"),
            functions.coalesce(functions.nullif(Columns.col(c).cast("string"), functions.lit("")),
                functions.lit(FeatureModel.MISSING_TOKEN)).as("token")))
        .toArray(Column[]::new);
    // Ranked on the executors, so only the kept values reach the driver, whatever the cardinality.
    List<Row> counts = train.select(functions.explode(functions.array(pairs)).as("pair"))
        .groupBy("pair.feature", "pair.token").count()
        .where(functions.col("count").geq(config.minCategoryCount()))
        .withColumn("rank", functions.row_number().over(Window.partitionBy("feature")
            .orderBy(functions.col("count").desc(), functions.col("token"))))
        .where(functions.col("rank").leq(config.maxCategories()))
        .collectAsList();
    Map<String, List<Row>> byFeature = new HashMap<>();
    for (Row row : counts) {
      byFeature.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row);
    }
    Map<String, List<String>> vocabularies = new LinkedHashMap<>();
    byFeature.forEach((feature, rows) -> vocabularies.put(feature, rows.stream()
        .sorted(Comparator.<Row>comparingLong(r -> r.getLong(2)).reversed()
            .thenComparing(r -> r.getString(1)))
        .limit(config.maxCategories())
        .map(r -> r.getString(1))
        .toList()));
    return vocabularies;
  }
}
