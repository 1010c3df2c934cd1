package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A numeric feature with one value in every training row (ionosphere's V2, a data set's single
 * year) is said to carry nothing; one with gaps is not, since its missing indicator carries them.
 */
class ConstantFeatureTest {
  private static final StructType SCHEMA = new StructType()
      .add("_label", DataTypes.IntegerType, false)
      .add("v2", DataTypes.DoubleType, true)
      .add("year", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true);

  @Test
  void aNumericFeatureOfOneValueIsSaidToCarryNothing() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i % 2, 0.0, i % 5 == 0 ? null : 2013.0, (double) i));
    }
    List<String> warnings = FitWarnings.ofNumeric(rows, SCHEMA, List.of("v2", "year", "score"));

    assertEquals(List.of("features.numeric: v2 is 0.0 in every training row: it carries nothing "
        + "a model can use; drop it from features.numeric"),
        warnings.stream().filter(w -> w.contains("every training row")).toList());
  }

  /** A wide header-written config has dozens of constant columns: one line names them all. */
  @Test
  void manyConstantFeaturesAreNamedInOneLine() {
    StructType schema = new StructType().add("_label", DataTypes.IntegerType, false);
    List<String> numeric = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      schema = schema.add("c" + c, DataTypes.DoubleType, true);
      numeric.add("c" + c);
    }
    schema = schema.add("score", DataTypes.DoubleType, true);
    numeric.add("score");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i % 2, 0.0, 1.0, 2.0, 3.0, -1.0, (double) i));
    }
    List<String> warnings = FitWarnings.ofNumeric(rows, schema, numeric);

    assertEquals(List.of("features.numeric: 5 inputs have one value in every training row: "
        + "c0 (0.0), c1 (1.0), c2 (2.0), c3 (3.0), c4 (-1.0): they carry nothing a model can use; "
        + "drop them from features.numeric"),
        warnings.stream().filter(w -> w.contains("every training row")).toList());
  }

  /**
   * A categorical input of one value, or missing in every row, carries nothing either (a sweep's
   * constant text columns got an INFO line where a constant number got this WARN); one with gaps
   * has two tokens, its value and missing, and is kept quiet.
   */
  @Test
  void aCategoricalFeatureOfOneValueIsSaidToCarryNothing() {
    StructType schema = new StructType()
        .add("_label", DataTypes.IntegerType, false)
        .add("region", DataTypes.StringType, true)
        .add("note", DataTypes.StringType, true)
        .add("stage", DataTypes.StringType, true)
        .add("kind", DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i % 2, "Anvers", null, i % 5 == 0 ? null : "Adult",
          i % 3 == 0 ? "a" : "b"));
    }
    List<String> warnings = FitWarnings.ofCategorical(rows, schema,
        List.of("region", "note", "stage", "kind"));

    assertEquals(List.of("features.categorical: region is 'Anvers' in every training row: it "
            + "carries nothing a model can use; drop it from features.categorical",
        "features.categorical: note is missing in every training row: it carries nothing a model "
            + "can use; drop it from features.categorical"),
        warnings.stream().filter(w -> w.contains("every training row")).toList());
  }
}
