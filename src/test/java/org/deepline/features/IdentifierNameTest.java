package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A numeric feature named as an identifier or a row number is (wdbc's {@code ID}, movielens'
 * {@code userId}, pandas' {@code Unnamed: 0}: a header-written config makes every column a
 * feature) is named in a WARN; a quantity whose name merely contains the letters is not.
 */
class IdentifierNameTest {
  private static final StructType SCHEMA = new StructType()
      .add("_label", DataTypes.IntegerType, false)
      .add("userId", DataTypes.DoubleType, true)
      .add("humidity", DataTypes.DoubleType, true);

  @Test
  void namesOfIdentifiersAndRowNumbers() {
    for (String name : List.of("id", "ID", "Id", "user_id", "Patient ID", "id_num", "ID.1",
        "userId", "customerID", "movieId", "idNum", "uuid", "Unnamed: 0", "Unnamed_0", "index",
        "row_number", "RowNum")) {
      assertTrue(FeatureFitter.namedAsIdentifier(name), name);
    }
  }

  @Test
  void quantitiesWhoseNamesHoldTheLettersAreNot() {
    for (String name : List.of("idle_time", "paid", "humidity", "acidity", "valid", "width",
        "price_index", "indexed", "number_of_children", "Solid", "IDLE", "nr_rooms")) {
      assertFalse(FeatureFitter.namedAsIdentifier(name), name);
    }
  }

  @Test
  void aNumericFeatureNamedAsAnIdentifierIsNamedInAWarning() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i % 2, (double) i, 40.0 + i % 7));
    }
    List<String> warnings = FitWarnings.ofNumeric(rows, SCHEMA, List.of("userId", "humidity"));

    assertEquals(List.of("features.numeric: userId is named as an identifier or a row number "
        + "is: a number that names a record or an entity is no quantity a model can use, and one "
        + "that follows the file's order carries that order; drop it from features.numeric if it "
        + "is one"), warnings.stream().filter(w -> w.contains("named as an identifier")).toList());
  }
}
