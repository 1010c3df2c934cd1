package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
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
 * A numeric input with no value in train is 0 for every row only when it is a silver column with
 * no value in any split (an empty column of the data); one with values in validation only (a
 * field that starts after a time split's cut) or a joined one still fails.
 */
class EmptyColumnFitTest {
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("toy", "2026-12-06", "run", "train", 0, "splits", 0, 0);

  private static Dataset<Row> labelled() {
    StructType schema = new StructType()
        .add("_record_id", DataTypes.StringType, false)
        .add("_split", DataTypes.StringType, false)
        .add("_label", DataTypes.DoubleType, false)
        .add("amount", DataTypes.DoubleType, true)
        .add("notes_score", DataTypes.DoubleType, true)
        .add("late_field", DataTypes.DoubleType, true)
        .add("closed_on", DataTypes.DateType, true)
        .add("opened_on", DataTypes.DateType, true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String split = i < 8 ? "train" : "validation";
      rows.add(RowFactory.create("r" + i, split, (double) (i % 2), (double) i, null,
          "validation".equals(split) ? 1.0 : null, null,
          "validation".equals(split) ? java.sql.Date.valueOf("2026-12-0" + (i - 7)) : null));
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static FeatureConfig numeric(String... columns) {
    return new FeatureConfig(List.of(columns), List.of(), null, null, null, null, null, null,
        null, null);
  }

  private static FeatureConfig dates(DateTimeSpec... specs) {
    return new FeatureConfig(List.of("amount"), List.of(), null, null, null, List.of(specs), null,
        null, null, null);
  }

  /**
   * An empty date column (a header-written config declares every column) is as an empty numeric
   * one: its parts are 0 for every row, in the one-hot and cyclical parts fitted from a count and
   * in the numeric ones extracted row by row, and without a missing-value indicator, which would
   * be 1 for every row.
   */
  @Test
  void anEmptyDateColumnsPartsAreZeroAndADateWithValuesOutsideTrainFails() {
    Set<String> silver = Set.of("amount", "closed_on", "opened_on");
    DateTimeSpec counted = new DateTimeSpec("closed_on", List.of("month", "day_of_week"),
        Map.of("month", "cyclical", "day_of_week", "one_hot"));
    DateTimeSpec extracted = new DateTimeSpec("closed_on", List.of("year"), null);

    for (DateTimeSpec spec : List.of(counted, extracted)) {
      FeatureModel model = FeatureJob.fitOnTrainAllowingEmptyColumns(labelled(), dates(spec),
          PROVENANCE, 7, silver);
      assertEquals(FeatureModel.DateTimeFeature.withoutValues("closed_on", spec.parts().stream()
          .map(part -> new FeatureModel.DateTimePart(part, spec.encodingOf(part), 0, 0, 0))
          .toList()), model.datetime().get(0), spec.parts().toString());
      assertEquals(3.5, model.numeric().get(0).mean(), 1e-12, "the other inputs fitted as always");
      FeatureModel reread = FeatureModel.fromJson(model.toJson(), "feature_model.json");
      assertEquals(true, reread.datetime().get(0).withoutValuesInTraining(), "kept in the format");
      // A date that first appears at scoring stays out of the network: its parts were never
      // trained on (a year of 2026 against a mean of 0).
      for (Map<String, Object> row : List.of(Map.<String, Object>of("amount", 3.5),
          Map.<String, Object>of("amount", 3.5, "closed_on",
              java.sql.Date.valueOf("2026-12-06")))) {
        double[] vector = new FeatureVectorizer(reread).vectorize(row::get);
        assertEquals(1 + (spec == counted ? 2 + 7 : 1), vector.length);
        for (int slot = 1; slot < vector.length; slot++) {
          assertEquals(0.0, vector[slot], "slot " + slot + " of " + spec.parts() + " for " + row);
        }
      }
    }
    FeatureFitter.NoValueInTraining late = assertThrows(FeatureFitter.NoValueInTraining.class,
        () -> FeatureJob.fitOnTrainAllowingEmptyColumns(labelled(),
            dates(new DateTimeSpec("opened_on", List.of("year"), null)), PROVENANCE, 7, silver));
    assertEquals("features.datetime: opened_on has no value in the training split; drop it or "
        + "fix the source", late.getMessage());
  }

  /** A date/time input of a format 6 model (no without_values) carries its dates as before. */
  @Test
  void aDateInputWrittenBeforeFormat7ReadsAsFittedAndAFittedOneWritesNoFlag() {
    FeatureModel.DateTimeFeature older = org.deepline.core.Json.read("{\"name\": \"closed_on\", "
        + "\"parts\": [{\"part\": \"year\", \"encoding\": \"numeric\", \"median\": 2020, "
        + "\"mean\": 2020, \"stddev\": 2}], \"missing_indicator\": false}",
        FeatureModel.DateTimeFeature.class, "feature_model.json");

    assertEquals(false, older.withoutValuesInTraining());
    assertEquals(false, org.deepline.core.Json.write(older).contains("without_values"));
  }

  @Test
  void anEmptySilverColumnIsZeroAndAColumnWithValuesOutsideTrainFails() {
    Set<String> silver = Set.of("amount", "notes_score", "late_field");

    FeatureModel model = FeatureJob.fitOnTrainAllowingEmptyColumns(labelled(),
        numeric("amount", "notes_score"), PROVENANCE, 7, silver);

    assertEquals(FeatureModel.NumericFeature.withoutValues("notes_score"), model.numeric().get(1));
    assertEquals("amount", model.numeric().get(0).name());
    assertEquals(false, model.numeric().get(0).withoutValuesInTraining(), "fitted as always");
    assertEquals(3.5, model.numeric().get(0).mean(), 1e-12);
    assertEquals(8, model.fittedOn().rows());
    FeatureFitter.NoValueInTraining late = assertThrows(FeatureFitter.NoValueInTraining.class,
        () -> FeatureJob.fitOnTrainAllowingEmptyColumns(labelled(),
            numeric("amount", "late_field"), PROVENANCE, 7, silver));
    assertEquals("features.numeric: late_field has no value in the training split; drop it or "
        + "fix the source", late.getMessage());
    // A joined column (not one of silver's) is no column of the data set: it fails too.
    assertThrows(FeatureFitter.NoValueInTraining.class,
        () -> FeatureJob.fitOnTrainAllowingEmptyColumns(labelled(),
            numeric("amount", "notes_score"), PROVENANCE, 7, Set.of("amount")));
  }
}
