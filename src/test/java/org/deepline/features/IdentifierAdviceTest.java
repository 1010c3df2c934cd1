package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.testing.LoggedWarnings;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * A one-hot column with a value per training row is named an identifier to drop even when its
 * values fit within max_categories (zoo's animal names: 71 slots, one row each, said nowhere); a
 * real category of the same rows is not, and neither is a column of a few rows' values.
 */
class IdentifierAdviceTest {
  private static final StructType SCHEMA = new StructType()
      .add("_label", DataTypes.IntegerType, false)
      .add("animal", DataTypes.StringType, true)
      .add("legs", DataTypes.StringType, true);
  private static final int ROWS = 30;

  private static Dataset<Row> animals(int rows) {
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      data.add(RowFactory.create(i % 2, "animal" + i, i % 3 == 0 ? "four" : "two"));
    }
    return SparkTestSession.get().createDataFrame(data, SCHEMA);
  }

  private static List<String> adviceFitting(int rows) {
    FeatureConfig config = new FeatureConfig(List.of(), List.of("animal", "legs"), null, null,
        null, null, null, null, null, null);
    FeatureModel.FitProvenance provenance = new FeatureModel.FitProvenance("zoo", "2026-12-06",
        "run", "train", rows, "splits", 0, 0);
    return LoggedWarnings.during(() -> FeatureFitter.fit(animals(rows), config, provenance, 7))
        .stream().filter(w -> w.contains("identifier")).toList();
  }

  @Test
  void aColumnWithAValuePerRowIsNamedAnIdentifierWithinItsCap() {
    assertEquals(List.of("features: animal: 30 distinct values in 30 training rows, about as many "
        + "as rows, as an identifier has: drop it from features.categorical (a value seen once "
        + "teaches a model nothing, and one first seen at scoring falls into __other__)"),
        adviceFitting(ROWS));
    assertEquals(List.of(), adviceFitting(12), "12 values: too few to call it an identifier");
  }

  /** 25 values of two rows each: a category, however many values it has. */
  @Test
  void aCategoryOfTwoRowsAValueIsNoIdentifier() {
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      data.add(RowFactory.create(i % 2, "animal" + (i / 2), "two"));
    }
    FeatureConfig config = new FeatureConfig(List.of(), List.of("animal", "legs"), null, null,
        null, null, null, null, null, null);
    FeatureModel.FitProvenance provenance = new FeatureModel.FitProvenance("zoo", "2026-12-06",
        "run", "train", 50, "splits", 0, 0);
    assertEquals(List.of(), LoggedWarnings.during(() -> FeatureFitter.fit(
            SparkTestSession.get().createDataFrame(data, SCHEMA), config, provenance, 7))
        .stream().filter(w -> w.contains("identifier")).toList());
  }
}
