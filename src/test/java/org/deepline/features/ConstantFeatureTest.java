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
}
