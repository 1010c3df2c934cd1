package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/**
 * Hashing, out-of-fold target encoding, crosses of three or binned inputs, numeric products and
 * positional encodings: fitted on tiny frames, with the expected slots worked out by hand.
 */
class CategoricalEncodingsTest {
  private static final double TOLERANCE = 1e-12;
  private static final long SEED = 42;
  private static final StructType SCHEMA = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("_label", DataTypes.IntegerType, false)
      .add("city", DataTypes.StringType, true)
      .add("amount", DataTypes.DoubleType, true)
      .add("age", DataTypes.DoubleType, true);
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("toy", "2026-11-24", "run", "train", 40, "splits", 0, 0);

  /** 40 training rows: city a is mostly positive, b mostly negative, c rare. */
  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String city = i < 18 ? "a" : i < 36 ? "b" : "c";
      int label = city.equals("a") ? (i % 6 == 0 ? 0 : 1) : city.equals("b") ? (i % 6 == 0 ? 1 : 0)
          : i % 2;
      rows.add(RowFactory.create("r" + i, label, city, (double) i, 40.0 - i));
    }
    return rows;
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static FeatureConfig config(String overrides) {
    return new FeatureConfig(List.of("amount", "age"), List.of("city"), null, null, null, null,
        null, Map.of("city", new CategoricalEncodingSpec(overrides, 8, 4.0, 3, null, 2)), null,
        null);
  }

  @Test
  void targetEncodingArithmeticLeavesTheRowsFoldOut() {
    // Two folds of 4 rows (2 and 1 positive); value v: fold 0 has 2 rows (2 positive), fold 1 one
    // row (0 positive). Smoothing 2.
    FeatureModel.TargetEncoding target = new FeatureModel.TargetEncoding(2, 2, SEED,
        new long[] {4, 4}, new long[] {2, 1}, List.of(new long[] {2, 1}), List.of(new long[] {2, 0}));
    // A training row of fold 0 sees fold 1 only: prior 1/4, rate (0 + 2 * 0.25) / (1 + 2).
    assertEquals((0.5 / 3 - 0.25) / Math.sqrt(0.25 * 0.75), target.encode(0, 0), TOLERANCE);
    // Scoring sees both folds: prior 3/8, rate (2 + 2 * 0.375) / (3 + 2) = 0.55.
    assertEquals((0.55 - 0.375) / Math.sqrt(0.375 * 0.625),
        target.encode(0, FeatureModel.TargetEncoding.ALL_FOLDS), TOLERANCE);
    // An unseen value takes the prior: 0 after centring, for scoring.
    assertEquals(0.0, target.encode(-1, FeatureModel.TargetEncoding.ALL_FOLDS), TOLERANCE);
  }

  @Test
  void aTrainingRowsOwnLabelNeverReachesItsEncoding() {
    FeatureConfig config = config(CategoricalEncodingSpec.TARGET);
    List<Row> rows = rows();
    FeatureModel model = FeatureFitter.fit(frame(rows), config, PROVENANCE, SEED);
    List<Row> flipped = new ArrayList<>(rows);
    Row first = rows.get(1);
    flipped.set(1, RowFactory.create(first.get(0), 1 - first.getInt(1), first.get(2), first.get(3),
        first.get(4)));
    FeatureModel flippedModel = FeatureFitter.fit(frame(flipped), config, PROVENANCE, SEED);

    FeatureModel.CategoricalFeature city = model.categorical().get(0);
    assertEquals(List.of("a", "b", "c"), city.vocabulary());
    assertEquals(1, city.width());
    assertEquals(40, Arrays.stream(city.target().foldRows()).sum());
    Map<String, Long> foldKeys = foldKeys(rows);
    Map<String, Object> record = Map.of("city", "a", "amount", 1.0, "age", 39.0);
    long ownKey = foldKeys.get("r1");
    double own = new FeatureVectorizer(model).vectorize(record::get, ownKey)[2];
    double ownFlipped = new FeatureVectorizer(flippedModel).vectorize(record::get, ownKey)[2];
    assertEquals(own, ownFlipped, TOLERANCE, "r1's encoding must not depend on r1's label");
    assertNotEquals(new FeatureVectorizer(model).vectorize(record::get)[2],
        new FeatureVectorizer(flippedModel).vectorize(record::get)[2],
        "scoring encodes from every training row, r1 included");
    // A row of another fold than r1's does see r1's label.
    String other = foldKeys.entrySet().stream()
        .filter(e -> Math.floorMod(e.getValue(), 3L) != Math.floorMod(ownKey, 3L))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    assertNotEquals(new FeatureVectorizer(model).vectorize(record::get, foldKeys.get(other))[2],
        new FeatureVectorizer(flippedModel).vectorize(record::get, foldKeys.get(other))[2]);
  }

  /**
   * Copies of one record (ids {@code <hash>-1}, {@code -2} of a load without key columns) share a
   * fold, as they share a split: a copy in another fold would hand a row its own label through its
   * value's rate. A run of 10 copies is one group; the 11th starts the next.
   */
  @Test
  void copiesOfARecordShareAFoldSoACopysLabelNeverReachesItsTwin() {
    List<Row> rows = rows();
    for (int copy = 1; copy <= 11; copy++) {
      rows.add(RowFactory.create("5eed-" + copy, 1, "c", 7.0, 8.0));
    }
    Map<String, Long> keys = foldKeys(rows);
    for (int copy = 2; copy <= 10; copy++) {
      assertEquals(keys.get("5eed-1"), keys.get("5eed-" + copy), "copy " + copy);
    }
    assertNotEquals(keys.get("5eed-1"), keys.get("5eed-11"), "the 11th copy starts a run");

    FeatureConfig config = config(CategoricalEncodingSpec.TARGET);
    FeatureModel model = FeatureFitter.fit(frame(rows), config, PROVENANCE, SEED);
    List<Row> flipped = new ArrayList<>(rows);
    int twin = rows.size() - 10;
    flipped.set(twin, RowFactory.create("5eed-2", 0, "c", 7.0, 8.0));
    FeatureModel flippedModel = FeatureFitter.fit(frame(flipped), config, PROVENANCE, SEED);
    Map<String, Object> record = Map.of("city", "c", "amount", 7.0, "age", 8.0);
    long firstCopy = keys.get("5eed-1");
    assertEquals(new FeatureVectorizer(model).vectorize(record::get, firstCopy)[2],
        new FeatureVectorizer(flippedModel).vectorize(record::get, firstCopy)[2], TOLERANCE,
        "5eed-1's encoding must not depend on its copy 5eed-2's label");
  }

  @Test
  void outOfFoldTrainingRowsInTheTableMatchTheStatisticsRecomputedByHand() {
    FeatureConfig config = config(CategoricalEncodingSpec.TARGET);
    List<Row> rows = rows();
    FeatureModel model = FeatureFitter.fit(frame(rows), config, PROVENANCE, SEED);
    Dataset<Row> training = frame(rows).withColumn("_split", functions.lit("train"));
    Map<String, Long> foldKeys = foldKeys(rows);
    List<Row> encoded = new FeatureTransform(model).transform(training)
        .select("_record_id", "city", "features").collectAsList();
    for (Row row : encoded) {
      int fold = (int) Math.floorMod(foldKeys.get(row.getString(0)), 3L);
      double otherRows = 0;
      double otherPositives = 0;
      double allRows = 0;
      double allPositives = 0;
      for (Row r : rows) {
        if (Math.floorMod(foldKeys.get(r.getString(0)), 3L) != fold) {
          allRows++;
          allPositives += r.getInt(1);
          if (r.getString(2).equals(row.getString(1))) {
            otherRows++;
            otherPositives += r.getInt(1);
          }
        }
      }
      double foldPrior = allPositives / allRows;
      double rate = (otherPositives + 4.0 * foldPrior) / (otherRows + 4.0);
      double expected = (rate - foldPrior) / Math.sqrt(foldPrior * (1 - foldPrior));
      assertEquals(expected, row.<Double>getList(2).get(2), 1e-9, row.getString(0));
    }
  }

  @Test
  void hashingNeedsNoVocabularyAndPutsUnseenValuesInABucket() {
    FeatureModel model = FeatureFitter.fit(frame(rows()), config(CategoricalEncodingSpec.HASHING),
        PROVENANCE, SEED);
    FeatureModel.CategoricalFeature city = model.categorical().get(0);
    assertEquals(List.of(), city.vocabulary());
    assertEquals(8, city.width());
    assertEquals(List.of("city#0", "city#1", "city#2", "city#3", "city#4", "city#5", "city#6",
        "city#7"), city.slotNames());
    double[] unseen = new FeatureVectorizer(model).vectorize(
        Map.<String, Object>of("city", "zurich", "amount", 1.0, "age", 2.0)::get);
    // FNV-1a of the text: fixed across releases, as the stored models rely on it.
    assertEquals(6, FeatureVectorizer.hashBucket(8, "zurich"));
    double[] citySlots = {0, 0, 0, 0, 0, 0, 1, 0};
    assertArrayEquals(citySlots, Arrays.copyOfRange(unseen, 2, 10));
    // A cross is the hash of its tokens joined: a two-column cross keeps its old bucket.
    assertEquals(FeatureVectorizer.crossBucket("a", "web", 8),
        FeatureVectorizer.hashBucket(8, "a", "web"));
  }

  @Test
  void embeddingIndexesTheMostFrequentValuesAndGivesEveryOtherValueTheLastRow() {
    FeatureModel model = FeatureFitter.fit(frame(rows()), config(CategoricalEncodingSpec.EMBEDDING),
        PROVENANCE, SEED);

    // a and b have 18 rows each (the tie broken by value), c has 4: max_values 2 keeps a and b.
    FeatureModel.CategoricalFeature city = model.categorical().get(0);
    assertEquals(List.of("a", "b"), city.vocabulary());
    assertEquals(1, city.width());
    assertEquals(List.of("city.index"), city.slotNames());
    assertEquals(1, city.foldedValues());
    assertEquals(4L, city.foldedRows());
    assertTrue(city.cappedAt(100), "max_values cut c off: the cut must be reported");
    // Three table rows (a, b, everything else): round(1.6 * 3^0.56) = 3 dimensions.
    assertEquals(3, city.dimensions());
    assertEquals(3, model.width());
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    Map<String, Object> record = new HashMap<>(Map.of("amount", 1.0, "age", 2.0));
    double[] indexOf = new double[5];
    String[] cities = {"a", "b", "c", "zurich", null};
    for (int i = 0; i < cities.length; i++) {
      record.put("city", cities[i]);
      indexOf[i] = vectorizer.vectorize(record::get)[2];
    }
    assertArrayEquals(new double[] {0, 1, 2, 2, 2}, indexOf);
  }

  @Test
  void defaultEmbeddingWidthFollowsTheRuleOfThumbUpToItsCeiling() {
    assertEquals(2, CategoricalEncodingSpec.defaultDimensions(2));
    assertEquals(21, CategoricalEncodingSpec.defaultDimensions(100));
    assertEquals(32, CategoricalEncodingSpec.defaultDimensions(1_000));
    assertEquals(32, CategoricalEncodingSpec.defaultDimensions(100_000));
  }

  @Test
  void crossesOfBinsProductsAndPositionsFillTheirSlots() {
    StructType schema = SCHEMA.add("when", DataTypes.DateType, true);
    List<Row> rows = new ArrayList<>();
    for (Row r : rows()) {
      rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4),
          java.sql.Date.valueOf("1970-01-01")));
    }
    // amount cut at 10 and 20, crossed with city; age times itself (a square term); the date's
    // position in days with 4 slots and a longest period of 100 days.
    FeatureConfig config = new FeatureConfig(List.of("amount", "age"), List.of("city"),
        List.of(new CrossSpec(List.of("amount", "city"), 16)), null, null, null,
        Map.of("amount", new NumericTransformSpec(null, null, null, null, null,
            new NumericTransformSpec.BinSpec(null, null, List.of(10.0, 20.0)))),
        null, List.of(new ProductSpec(List.of("age", "age"))),
        List.of(new PositionalSpec("when", 4, 100.0)));
    FeatureModel model = FeatureFitter.fit(SparkTestSession.get().createDataFrame(rows, schema),
        config, PROVENANCE, SEED);
    Map<String, Object> record = new HashMap<>();
    record.put("amount", 15.0);
    record.put("age", 30.0);
    record.put("city", "b");
    record.put("when", java.sql.Date.valueOf("1970-01-11"));
    double[] vector = new FeatureVectorizer(model).vectorize(record::get);

    // Slots: amount's 3 bins (0-2), age (3), city a, b, c, other (4-7), the cross (8-23), the
    // product (24), the position (25-28).
    assertEquals(29, model.width());
    assertArrayEquals(new double[] {0, 1, 0}, Arrays.copyOfRange(vector, 0, 3));
    FeatureModel.NumericFeature age = model.numeric().get(1);
    double ageScaled = (30.0 - age.mean()) / age.stddev();
    assertEquals(ageScaled, vector[3], TOLERANCE);
    assertEquals(14, FeatureVectorizer.hashBucket(16, "bin:1", "b"));
    assertEquals(1.0, vector[8 + 14]);
    assertEquals(1.0, Arrays.stream(vector, 8, 24).sum());
    assertEquals(ageScaled * ageScaled, vector[24], TOLERANCE);
    // 10 days: angles 10 / 100^0 and 10 / 100^(2/4).
    assertArrayEquals(new double[] {Math.sin(10), Math.cos(10), Math.sin(1), Math.cos(1)},
        Arrays.copyOfRange(vector, 25, 29), TOLERANCE);
    assertEquals(List.of("when.pos_sin0", "when.pos_cos0", "when.pos_sin1", "when.pos_cos1"),
        model.featureNames().subList(25, 29));
    record.put("when", null);
    double[] missing = new FeatureVectorizer(model).vectorize(record::get);
    assertArrayEquals(new double[4], Arrays.copyOfRange(missing, 25, 29));
  }

  @Test
  void badEncodingsCrossesProductsAndPositionsAreConfigErrors() {
    DeeplineException e = assertThrows(DeeplineException.class, () -> TestRuns.config(
        "conf/churn.json",
        "features.categorical_encodings={\"payment_method\": {\"encoding\": \"target\", "
            + "\"folds\": 1}, \"gender\": {\"encoding\": \"hashing\"}, \"contract\": "
            + "{\"encoding\": \"word2vec\"}, \"tech_support\": {\"encoding\": \"embedding\", "
            + "\"dimensions\": 0, \"max_values\": 0}, \"online_security\": {\"encoding\": "
            + "\"words\", \"max_values\": 200000}}",
        "features.crosses=[{\"columns\": [\"monthly_charges\", \"contract\"]}, "
            + "{\"columns\": [\"contract\", \"contract\", \"payment_method\", \"tech_support\"]}]",
        "features.products=[{\"columns\": [\"tenure\", \"contract\"]}]",
        "features.positional=[{\"column\": \"contract\", \"dimensions\": 3}]"));
    String message = e.getMessage();
    for (String expected : List.of(
        "features.categorical_encodings.payment_method.folds: must be in [2, 20], got 1",
        "features.categorical_encodings.gender: gender is not listed under features.categorical",
        "features.categorical_encodings.contract.encoding",
        "features.categorical_encodings.tech_support.dimensions: must be in [1, 1024], got 0",
        "features.categorical_encodings.tech_support.max_values: must be in [1, 1000000], got 0",
        "features.categorical_encodings.online_security.max_values: must be at most 100000 words "
            + "for words, got 200000",
        "features.crosses[0].columns[0]: monthly_charges is numeric without bins",
        "features.crosses[1].columns: a cross takes 2 or 3 columns, got 4",
        "features.crosses[1].columns[1]: contract is listed twice",
        "features.products[0].columns[1]: must be one of features.numeric, got contract",
        "features.positional[0].column: contract is declared string",
        "features.positional[0].dimensions: must be an even number in [2, 256], got 3")) {
      assertTrue(message.contains(expected), () -> "missing <" + expected + "> in " + message);
    }
  }

  @Test
  void aProductOfABinnedColumnIsRefused() {
    DeeplineException e = assertThrows(DeeplineException.class, () -> TestRuns.config(
        "conf/churn.json",
        "features.numeric_transforms.tenure={\"bins\": {\"quantiles\": 4}}",
        "features.products=[{\"columns\": [\"tenure\", \"monthly_charges\"]}]"));
    assertTrue(e.getMessage().contains("features.products[0].columns[0]: tenure is binned"),
        e.getMessage());
    DeeplineConfig ok = TestRuns.config("conf/churn.json",
        "features.numeric_transforms.tenure={\"bins\": {\"quantiles\": 4}}",
        "features.crosses=[{\"columns\": [\"tenure\", \"contract\", \"internet_service\"]}]");
    assertEquals(3, ok.features().crosses().get(0).columns().size());
  }

  /** Each row's fold key as Spark computes it ({@link TargetEncoder#foldKey}). */
  private static Map<String, Long> foldKeys(List<Row> rows) {
    Map<String, Long> keys = new HashMap<>();
    for (Row row : frame(rows).select(functions.col("_record_id"), TargetEncoder.foldKey(SEED))
        .collectAsList()) {
      keys.put(row.getString(0), row.getLong(1));
    }
    return keys;
  }
}
