package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class FeatureFitterTest {
  private static final double TOLERANCE = 1e-9;
  private static final StructType SCHEMA = new StructType()
      .add("amount", DataTypes.DoubleType, true)
      .add("kind", DataTypes.StringType, true)
      .add("size", DataTypes.StringType, true);
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("toy", "2026-11-24", "run", "train", 5, "splits", 0, 0);

  private static Dataset<Row> train() {
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(1.0, "a", "s"),
        RowFactory.create(2.0, "a", "m"),
        RowFactory.create(null, "b", "s"),
        RowFactory.create(9.0, "a", "l"),
        RowFactory.create(4.0, null, "s")), SCHEMA);
  }

  private static FeatureModel fit(FeatureConfig config) {
    return FeatureFitter.fit(train(), config, PROVENANCE);
  }

  @Test
  void numericStatisticsAreThoseOfTheImputedTrainingColumn() {
    FeatureModel model = fit(new FeatureConfig(List.of("amount"), List.of(), null, null, null, null, null, null, null, null));
    FeatureModel.NumericFeature amount = model.numeric().get(0);
    // Observed 1, 2, 9, 4: median 2 (percentile_approx returns a member); imputed 1, 2, 2, 9, 4.
    assertEquals(2.0, amount.imputedValue(), TOLERANCE);
    assertEquals(3.6, amount.mean(), TOLERANCE);
    assertEquals(Math.sqrt(8.24), amount.stddev(), TOLERANCE);
    assertTrue(amount.missingIndicator());
  }

  @Test
  void momentsAfterImputationMatchADirectComputation() {
    double[] observed = {3, 7, 7, 10, 21, 4};
    int missing = 3;
    double median = 7;
    double mean = Arrays.stream(observed).average().orElseThrow();
    double variance = Arrays.stream(observed).map(v -> (v - mean) * (v - mean)).sum() / observed.length;
    double[] imputed = Arrays.copyOf(observed, observed.length + missing);
    Arrays.fill(imputed, observed.length, imputed.length, median);
    double expectedMean = Arrays.stream(imputed).average().orElseThrow();
    double expectedStd = Math.sqrt(Arrays.stream(imputed)
        .map(v -> (v - expectedMean) * (v - expectedMean)).sum() / imputed.length);

    FeatureModel.NumericFeature f = FeatureFitter.imputedStatistics("v", observed.length, missing,
        mean, variance, median);

    assertEquals(expectedMean, f.mean(), TOLERANCE);
    assertEquals(expectedStd, f.stddev(), TOLERANCE);
  }

  @Test
  void vocabularyIsMostFrequentFirstWithMissingAsAToken() {
    FeatureModel model = fit(new FeatureConfig(List.of(), List.of("kind", "size"), null, null, null,
        null, null, null, null, null));
    Map<String, List<String>> vocabularies = new HashMap<>();
    model.categorical().forEach(f -> vocabularies.put(f.name(), f.vocabulary()));
    assertEquals(List.of("a", "__missing__", "b"), vocabularies.get("kind"));
    assertEquals(List.of("s", "l", "m"), vocabularies.get("size"));
  }

  @Test
  void aVocabularyCutByMaxCategoriesIsToldApartFromRareValuesFolded() {
    // size: s (3 rows), l and m (1 row each). A cap of 2 cuts m off the vocabulary.
    FeatureModel.CategoricalFeature capped = fit(new FeatureConfig(List.of(), List.of("size"), null,
        2, null, null, null, null, null, null)).categorical().get(0);
    assertEquals(List.of("s", "l"), capped.vocabulary());
    assertTrue(capped.cappedAt(2));
    // A minimum count of 2 folds l and m by the user's own rule, under the cap: not a cut.
    FeatureModel.CategoricalFeature rare = fit(new FeatureConfig(List.of(), List.of("size"), null,
        2, 2L, null, null, null, null, null)).categorical().get(0);
    assertEquals(List.of("s"), rare.vocabulary());
    assertFalse(rare.cappedAt(2));
    // Three values under a cap of three: nothing cut.
    assertFalse(fit(new FeatureConfig(List.of(), List.of("size"), null, 3, null, null, null, null, null, null))
        .categorical().get(0).cappedAt(3));
  }

  @Test
  void rareAndSurplusCategoriesFallIntoTheOtherSlot() {
    FeatureModel model = fit(new FeatureConfig(List.of(), List.of("kind"), null, 1, 2L, null, null, null, null, null));
    FeatureModel.CategoricalFeature kind = model.categorical().get(0);
    assertEquals(List.of("a"), kind.vocabulary());
    // a (3 rows) kept; b and __missing__ (1 row each) folded, and counted as such.
    assertEquals(3L, kind.distinctValues());
    assertEquals(2L, kind.foldedValues());
    assertEquals(2L, kind.foldedRows());
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    assertArrayEquals(new double[] {0, 1}, vectorizer.vectorize(Map.of("kind", "b")::get));
    assertArrayEquals(new double[] {1, 0}, vectorizer.vectorize(Map.of("kind", "a")::get));
  }

  @Test
  void vectorLayoutIsNumericThenOneHotThenCrosses() {
    FeatureModel model = fit(new FeatureConfig(List.of("amount"), List.of("kind"),
        List.of(new CrossSpec(List.of("kind", "size"), 4)), null, null, null, null, null, null, null));
    assertEquals(List.of("amount", "amount__missing", "kind=a", "kind=__missing__", "kind=b",
        "kind=__other__", "kind_x_size#0", "kind_x_size#1", "kind_x_size#2", "kind_x_size#3"),
        model.featureNames());
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    Map<String, Object> record = new HashMap<>();
    record.put("amount", null);
    record.put("kind", "z");
    record.put("size", "s");
    double[] vector = vectorizer.vectorize(record::get);
    double imputed = (2.0 - 3.6) / Math.sqrt(8.24);
    int bucket = FeatureVectorizer.crossBucket("z", "s", 4);
    double[] expected = {imputed, 1, 0, 0, 0, 1, 0, 0, 0, 0};
    expected[6 + bucket] = 1;
    assertArrayEquals(expected, vector, TOLERANCE);

    // The same vector as (slot, value) entries after two entries already taken: zeros left out.
    int[] slots = new int[2 + expected.length];
    float[] values = new float[2 + expected.length];
    int end = vectorizer.vectorizeSparse(record::get, slots, values, 2);
    assertEquals(6, end);
    assertArrayEquals(new int[] {0, 1, 5, 6 + bucket}, java.util.Arrays.copyOfRange(slots, 2, end));
    assertArrayEquals(new float[] {(float) imputed, 1f, 1f, 1f},
        java.util.Arrays.copyOfRange(values, 2, end), (float) TOLERANCE);
  }

  @Test
  void crossBucketsAreStableAcrossReleases() {
    // FNV-1a 64 of "left\u001fright", reduced modulo the bucket count; these values are the contract
    // between training and any scorer of a saved model.
    assertEquals(5, FeatureVectorizer.crossBucket("a", "web", 8));
    assertEquals(2, FeatureVectorizer.crossBucket("Month-to-month", "Fiber optic", 16));
    assertEquals(816, FeatureVectorizer.crossBucket("__missing__", "x", 1000));
  }

  @Test
  void artifactRoundTripsThroughJson() {
    FeatureModel model = fit(new FeatureConfig(List.of("amount"), List.of("kind"),
        List.of(new CrossSpec(List.of("kind", "size"), 4)), null, null, null, null, null, null, null));
    assertEquals(model, FeatureModel.fromJson(model.toJson(), "test"));
    assertTrue(model.toJson().contains("\"missing_indicator\" : true"), model.toJson());
  }

  @Test
  void columnWithNoTrainingValueIsAnError() {
    // Unless the features stage found it empty everywhere (EmptyColumnFitTest).
    Dataset<Row> empty = train().where("amount IS NULL");
    DeeplineException error = assertThrows(DeeplineException.class, () -> FeatureFitter.fit(empty,
        new FeatureConfig(List.of("amount"), List.of(), null, null, null, null, null, null, null,
            null), PROVENANCE));
    assertTrue(error.getMessage().contains("amount has no value in the training split"),
        error.getMessage());
  }

  @Test
  void transformChecksItsInputBeforeReadingData() {
    FeatureModel model = fit(new FeatureConfig(List.of("amount"), List.of("kind"), null, null, null,
        null, null, null, null, null));
    StructType withoutKind = new StructType().add("amount", DataTypes.DoubleType);
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new FeatureTransform(model).transformSchema(withoutKind));
    assertTrue(error.getMessage().contains("input lacks column(s) [kind]"), error.getMessage());
  }

  @Test
  void sparkTransformAndPlainVectorizerAgree() {
    FeatureModel model = fit(new FeatureConfig(List.of("amount"), List.of("kind"),
        List.of(new CrossSpec(List.of("kind", "size"), 4)), null, null, null, null, null, null, null));
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    for (Row row : new FeatureTransform(model).transform(train()).collectAsList()) {
      List<Double> fromSpark = row.getList(row.fieldIndex(FeatureTransform.FEATURES));
      double[] direct = vectorizer.vectorize(c -> row.getAs(c));
      assertArrayEquals(direct, fromSpark.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  @Test
  void fittingCountsTheTrainingRowsAndTheirFingerprintInItsOwnAggregation() {
    // A timestamp with only one-hot or cyclical parts is fitted from its count of present values.
    FeatureConfig config = new FeatureConfig(List.of("a"), List.of("city"), null, null, null,
        List.of(new DateTimeSpec("when", List.of("hour"), null)), null, null, null, null);
    Dataset<Row> withTime = SparkTestSession.get().createDataFrame(List.of(
            RowFactory.create("r1", 2.0, "x"), RowFactory.create("r2", 5.0, "z"),
            RowFactory.create("r3", null, null)),
        new StructType().add("_record_id", DataTypes.StringType).add("a", DataTypes.DoubleType)
            .add("city", DataTypes.StringType))
        .withColumn("when", functions.when(functions.col("_record_id").notEqual("r3"),
            functions.lit("2026-12-03 10:00:00").cast("timestamp")));
    FeatureModel model = FeatureFitter.fitCountingRows(withTime, config,
        new FeatureModel.FitProvenance("toy", "2026-12-03", "run", "train", 0, "splits", 1, 0), 42);
    assertEquals(3, model.fittedOn().rows());
    assertEquals(SplitFingerprint.of(withTime.withColumn("_split", functions.lit("train")),
        "train"), model.fittedOn().fingerprint());
    assertEquals(1, model.fittedOn().splitsVersion());
    // The same model as the fit that is given the provenance, whichever path fitted the timestamp.
    assertEquals(model, FeatureFitter.fit(withTime, config, model.fittedOn(), 42));
    assertTrue(model.datetime().get(0).missingIndicator(), "r3 has no time");
    // Text is parsed row by row (a blank counts as missing): the same date/time feature.
    Dataset<Row> text = withTime.withColumn("when", functions.coalesce(
        functions.col("when").cast("string"), functions.lit(" ")));
    assertEquals(model.datetime(), FeatureFitter.fit(text, config, model.fittedOn(), 42)
        .datetime());
  }
}
