package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.etl.ColumnSpec;
import org.junit.jupiter.api.Test;

class ConstraintSuggestionsTest {
  private static ColumnProfile text(String name, long nulls, long distinct, List<String> values) {
    return new ColumnProfile(name, "string", nulls, distinct, "a", "z", null, null, null, List.of(),
        values);
  }

  private static ColumnProfile number(String name, long nulls, long distinct, String min,
      String max) {
    return new ColumnProfile(name, "bigint", nulls, distinct, min, max, 1.0, 1.0, null, List.of(),
        List.of());
  }

  @Test
  void eachRuleProposesOnlyWhatTheProfileSupports() {
    TableProfile profile = new TableProfile(100, List.of(
        text("plan", 0, 3, List.of("basic", "gold", "pro")),
        text("note", 7, 50, List.of()),
        new ColumnProfile("score", "double", 0, 100L, "0.5", "9.5", 5.0, 1.0, null, List.of(),
            List.of()),
        text("code", 0, 60, List.of()),
        number("id", 0, 97, "1", "100"),
        number("age", 2, 40, "18", "99"),
        text("_source_file", 0, 1, List.of("file:/a.csv"))));

    List<ConstraintSpec> suggestions = ConstraintSuggestions.suggest(profile, Set.of("range:age"),
        Map.of("id", new ColumnSpec("id", "long", false, null, null, null, null)));

    assertEquals(List.of(
        new ConstraintSpec("completeness", "plan", null, null, null, null, null),
        new ConstraintSpec("allowed_values", "plan", null, null, List.of("basic", "gold", "pro"),
            null, null),
        new ConstraintSpec("completeness", "score", null, null, null, null, null),
        new ConstraintSpec("range", "score", 0.5, 9.5, null, null, null),
        new ConstraintSpec("completeness", "code", null, null, null, null, null),
        new ConstraintSpec("uniqueness", "id", null, null, null, null, null),
        new ConstraintSpec("range", "id", 1.0, 100.0, null, null, null)), suggestions,
        "note has nulls and too many values, code too many values to list, id's nulls are "
            + "already forbidden by the schema, age's range exists, distinct doubles are no key, "
            + "_source_file is provenance");
  }

  @Test
  void valuesSeenOnceEachAreNotCategoriesAndAnEmptyTableSuggestsNothing() {
    TableProfile ids = new TableProfile(4, List.of(text("token", 0, 4, List.of("a", "b", "c", "d"))));
    assertEquals(List.of(new ConstraintSpec("completeness", "token", null, null, null, null, null),
        new ConstraintSpec("uniqueness", "token", null, null, null, null, null)),
        ConstraintSuggestions.suggest(ids, Set.of(), Map.of()));
    assertEquals(List.of(), ConstraintSuggestions.suggest(new TableProfile(0, List.of(
        text("token", 0, 0, List.of()))), Set.of(), Map.of()));
  }

  @Test
  void suggestionsThatDoNotHoldOnTheRowsAreDropped() {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("code", org.apache.spark.sql.types.DataTypes.StringType);
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = org.deepline.testing
        .SparkTestSession.get().createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a"),
            org.apache.spark.sql.RowFactory.create("a"), org.apache.spark.sql.RowFactory.create("b")),
            schema);
    ConstraintSpec unique = new ConstraintSpec("uniqueness", "code", null, null, null, null, null);
    ConstraintSpec complete = new ConstraintSpec("completeness", "code", null, null, null, null,
        null);
    assertEquals(List.of(complete), ConstraintSuggestions.holding(List.of(unique, complete), rows),
        "an approximate distinct count of 3 would have suggested uniqueness; a is there twice");
  }

  @Test
  void theSnippetIsTheValidationSectionsConstraintsKey() {
    assertEquals("""
        {
          "constraints" : [ {
            "kind" : "range",
            "column" : "id",
            "min" : 1.0,
            "max" : 100.0,
            "severity" : "error"
          } ]
        }""", ConstraintSuggestions.snippet(List.of(
        new ConstraintSpec("range", "id", 1.0, 100.0, null, null, null))));
  }
}
