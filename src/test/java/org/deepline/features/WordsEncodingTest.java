package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The words encoding on twelve passengers: a name (several words, every value distinct) is read as
 * free text and becomes its shared words (the titles); a ticket code (every value distinct, one
 * word) stays one-hot, as does a column the config names one_hot; a column declared words is one
 * whatever it looks like.
 */
class WordsEncodingTest {
  private static final StructType SCHEMA = new StructType()
      .add("_label", DataTypes.IntegerType, false)
      .add("name", DataTypes.StringType, true)
      .add("ticket", DataTypes.StringType, true)
      .add("deck", DataTypes.StringType, true);
  private static final List<String> NAMES = List.of("Braund, Mr. Owen Harris",
      "Cumings, Mrs. John Bradley", "Heikkinen, Miss. Laina", "Futrelle, Mrs. Jacques Heath",
      "Allen, Mr. William Henry", "Moran, Mr. James", "McCarthy, Mr. Timothy J",
      "Palsson, Master. Gosta Leonard", "Johnson, Mrs. Oscar W", "Nasser, Mrs. Nicholas",
      "Sandstrom, Miss. Marguerite Rut", "Bonnell, Miss. Elizabeth");
  private static final int MAX_CATEGORIES = 3;
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("titanic", "2026-12-06", "run", "train", NAMES.size(),
          "splits", 0, 0);

  private static Dataset<Row> passengers() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      rows.add(RowFactory.create(i % 2, NAMES.get(i), "T" + (1000 + i), i % 3 == 0 ? "B" : "C"));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static Map<String, FeatureModel.CategoricalFeature> fit(
      Map<String, CategoricalEncodingSpec> encodings) {
    FeatureConfig config = new FeatureConfig(List.of(), List.of("name", "ticket", "deck"), null,
        MAX_CATEGORIES, null, null, null, encodings, null, null);
    Map<String, FeatureModel.CategoricalFeature> byName = new HashMap<>();
    FeatureFitter.fit(passengers(), config, PROVENANCE, 7).categorical()
        .forEach(f -> byName.put(f.name(), f));
    return byName;
  }

  private static CategoricalEncodingSpec encoding(String encoding) {
    return new CategoricalEncodingSpec(encoding, null, null, null, null, null);
  }

  @Test
  void wordsAreRunsOfLettersAndDigitsLowerCasedOnceEach() {
    assertEquals(List.of("braund", "mr", "owen", "harris"),
        List.copyOf(FeatureVectorizer.words("Braund, Mr. Owen  Harris")));
    assertEquals(List.of("a", "5", "21171"), List.copyOf(FeatureVectorizer.words("A/5 21171")));
    assertEquals(List.of("très", "bien"), List.copyOf(FeatureVectorizer.words("Très bien, très!")));
    assertEquals(Set.of(), FeatureVectorizer.words(null));
    assertEquals(Set.of(), FeatureVectorizer.words("  "));
  }

  @Test
  void mostlyDistinctValuesOfSeveralWordsAreReadAsFreeTextOthersStayOneHot() {
    Map<String, FeatureModel.CategoricalFeature> fitted = fit(Map.of());

    FeatureModel.CategoricalFeature name = fitted.get("name");
    assertTrue(name.words(), name.toString());
    // mr and mrs in 4 names each (a tie, broken by the word), miss in 3; every other word in one.
    assertEquals(List.of("mr", "mrs", "miss"), name.vocabulary());
    assertEquals(36L, name.distinctValues(), "distinct words");
    assertEquals(1L, name.foldedRows(), "Palsson, Master. holds none of them");
    assertEquals(List.of("name~mr", "name~mrs", "name~miss", "name~__other__"), name.slotNames());

    FeatureModel.CategoricalFeature ticket = fitted.get("ticket");
    assertEquals(CategoricalEncodingSpec.ONE_HOT, ticket.encoding(), "one word a value: a code");
    assertEquals(MAX_CATEGORIES, ticket.vocabulary().size());
    assertEquals(CategoricalEncodingSpec.ONE_HOT, fitted.get("deck").encoding());
  }

  @Test
  void aDeclaredEncodingDecidesOneHotKeepsTheValuesWordsTakesAnyColumn() {
    Map<String, FeatureModel.CategoricalFeature> fitted = fit(Map.of(
        "name", encoding(CategoricalEncodingSpec.ONE_HOT),
        "deck", encoding(CategoricalEncodingSpec.WORDS)));

    assertEquals(CategoricalEncodingSpec.ONE_HOT, fitted.get("name").encoding());
    assertEquals(List.of("Allen, Mr. William Henry", "Bonnell, Miss. Elizabeth",
        "Braund, Mr. Owen Harris"), fitted.get("name").vocabulary());
    FeatureModel.CategoricalFeature deck = fitted.get("deck");
    assertTrue(deck.words());
    assertEquals(List.of("c", "b"), deck.vocabulary());
    assertEquals(0L, deck.foldedRows());
    assertEquals(CategoricalEncodingSpec.DEFAULT_MAX_WORDS, deck.vocabularyCap());
  }

  @Test
  void maxValuesCapsTheWordsKept() {
    FeatureModel.CategoricalFeature name = fit(Map.of("name", new CategoricalEncodingSpec(
        CategoricalEncodingSpec.WORDS, null, null, null, null, 2))).get("name");

    assertEquals(List.of("mr", "mrs"), name.vocabulary());
    assertEquals(2, name.vocabularyCap());
    assertTrue(name.cappedAt(MAX_CATEGORIES), "36 distinct words, 2 kept");
    assertEquals(4L, name.foldedRows(), "the three Misses and the Master");
  }

  @Test
  void aValueSetsTheSlotsOfItsKnownWordsAndTheLastOneWhenItHasNone() {
    FeatureModel model = FeatureFitter.fit(passengers(), new FeatureConfig(List.of(),
        List.of("name"), null, MAX_CATEGORIES, null, null, null, null, null, null),
        PROVENANCE, 7);
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);

    assertArrayEquals(new double[] {1, 0, 0, 0},
        vectorizer.vectorize(Map.<String, Object>of("name", "Smith, Mr. John")::get));
    assertArrayEquals(new double[] {0, 1, 1, 0},
        vectorizer.vectorize(Map.<String, Object>of("name", "MRS and MISS")::get));
    assertArrayEquals(new double[] {0, 0, 0, 1},
        vectorizer.vectorize(Map.<String, Object>of("name", "Rev. Thomas Byles")::get));
    Map<String, Object> missing = new HashMap<>();
    missing.put("name", null);
    assertArrayEquals(new double[] {0, 0, 0, 1}, vectorizer.vectorize(missing::get));
  }
}
