package org.deepline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deepline.core.DeeplineException;
import org.deepline.etl.ColumnSpec;
import org.junit.jupiter.api.Test;

class HeaderNamesTest {
  /** A config written from a header whose names Delta rejects, naming them in every section. */
  private static final String HEADER_CONFIG = """
      {"dataset": "birds",
       "source": {"format": "csv", "path": "Cost Total $.csv", "options": {"nullValue": "Flight Date"}},
       "schema": {"key": ["Record ID"], "columns": [
         {"name": "Record ID", "type": "int"},
         {"name": "Flight Date", "type": "date"},
         {"name": "Cost Total $", "type": "double", "min": 0},
         {"name": "Phase of flight", "type": "string", "allowed_values": ["Climb", "Phase of flight"]},
         {"name": "Effect Amount", "type": "string"},
         {"name": "Airport", "type": "string"}]},
       "label": {"expression": "`Effect Amount` <> 'None' AND `Effect Amount` <> 'Minor'"},
       "validation": {"severities": {"range:Cost Total $": "warning"}},
       "split": {"method": "time", "time_column": "Flight Date"},
       "features": {"numeric": ["Cost Total $"], "categorical": ["Phase of flight", "Airport"],
                    "crosses": [{"columns": ["Phase of flight", "Airport"]}],
                    "datetime": [{"column": "Flight Date", "parts": ["month"]}],
                    "numeric_transforms": {"Cost Total $": {"log1p": true}}},
       "evaluation": {"slices": {"columns": ["Phase of flight"]}}}
      """;

  @Test
  void headerNamesDeltaRejectsAreRenamedInEverySectionThatNamesColumns() {
    DeeplineConfig config = ConfigLoader.parse(HEADER_CONFIG, "birds.json", List.of());

    assertEquals(List.of("record_id", "flight_date", "cost_total", "phase_of_flight",
        "effect_amount", "Airport"), config.schema().columns().stream().map(ColumnSpec::name).toList());
    assertEquals(List.of("record_id"), config.schema().key());
    assertEquals("`effect_amount` <> 'None' AND `effect_amount` <> 'Minor'",
        config.label().expression());
    assertEquals(Map.of("range:cost_total", "warning"), config.validation().severities());
    assertEquals("flight_date", config.split().timeColumn());
    assertEquals(List.of("cost_total"), config.features().numeric());
    assertEquals(List.of("phase_of_flight", "Airport"), config.features().categorical());
    assertEquals(List.of("phase_of_flight", "Airport"),
        config.features().crosses().get(0).columns());
    assertEquals("flight_date", config.features().datetime().get(0).column());
    assertEquals(List.of("cost_total"), List.copyOf(config.features().numericTransforms().keySet()));
    assertEquals(List.of("phase_of_flight"), config.evaluation().slices().columns());
  }

  @Test
  void renamedColumnsKeepTheirHeaderNameAndDataValuesAreLeftAlone() {
    DeeplineConfig config = ConfigLoader.parse(HEADER_CONFIG, "birds.json", List.of());

    assertEquals("Cost Total $", config.schema().byName().get("cost_total").sourceName());
    assertNull(config.schema().byName().get("Airport").sourceName());
    assertEquals(List.of("Climb", "Phase of flight"),
        config.schema().byName().get("phase_of_flight").allowedValues());
    assertEquals("Cost Total $.csv", config.source().path());
    assertEquals(Map.of("nullValue", "Flight Date"), config.source().options());
    assertEquals(false, config.schema().byName().get("record_id").nullable());
  }

  @Test
  void overridesMayUseHeaderNamesToo() {
    DeeplineConfig config = ConfigLoader.parse(HEADER_CONFIG, "birds.json",
        List.of("features.numeric=[\"Cost Total $\"]", "split.time_column=Flight Date"));

    assertEquals(List.of("cost_total"), config.features().numeric());
    assertEquals("flight_date", config.split().timeColumn());
  }

  @Test
  void twoHeaderNamesThatRenameAlikeGetTheSuffixIngestGivesThem() {
    DeeplineConfig config = ConfigLoader.parse("""
        {"dataset": "d", "source": {"path": "d.csv"},
         "schema": {"columns": [{"name": "a b", "type": "int"}, {"name": "a_b", "type": "int"},
                                {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "1"},
         "features": {"numeric": ["a b", "a_b"]}}
        """, "d.json", List.of());

    assertEquals(List.of("a_b_2", "a_b"), config.features().numeric());
    assertEquals("a b", config.schema().byName().get("a_b_2").sourceName());
  }

  @Test
  void aColumnNotDeclaredInTheSchemaIsNotAliased() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.parse("""
        {"dataset": "d", "source": {"path": "d.csv"},
         "schema": {"columns": [{"name": "a", "type": "int"}, {"name": "y", "type": "string"}]},
         "label": {"column": "y", "positive": "1"},
         "features": {"numeric": ["a", "Other Column"]}}
        """, "d.json", List.of()));

    assertTrue(error.getMessage().contains("Other Column"), error.getMessage());
  }
}
