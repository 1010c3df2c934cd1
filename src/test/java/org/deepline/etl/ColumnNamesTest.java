package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnNamesTest {
  @Test
  void namesDeltaAcceptsAreKeptAsTheyAre() {
    List<String> names = List.of("id", "Status", "a.b", "cost$", "x-y");
    assertEquals(names, ColumnNames.deltaSafe(names));
  }

  @Test
  void namesDeltaRejectsAreLowerCasedWithRunsOfOtherCharactersAsOneUnderscore() {
    // The birdstrikes.csv header, as published.
    assertEquals(List.of("airport_name", "aircraft_make_model", "effect_amount_of_damage",
            "flight_date", "cost_total", "speed_ias_in_knots", "x_y", "column"),
        ColumnNames.deltaSafe(List.of("Airport Name", "Aircraft Make Model",
            "Effect Amount of damage", "Flight Date", "Cost Total $", "Speed IAS in knots",
            " (x=y);", "{ }")));
  }

  @Test
  void aRewrittenNameNeverTakesOneAlreadyUsedIgnoringCase() {
    assertEquals(List.of("a_b_2", "A_B", "a_b_3", "a_b_2_2"),
        ColumnNames.deltaSafe(List.of("a b", "A_B", "a\tb", "a_b_2 ")));
  }

  @Test
  void everyCharacterDeltaRejectsIsDetected() {
    for (char c : ColumnNames.DELTA_INVALID.toCharArray()) {
      assertFalse(ColumnNames.deltaAccepts("a" + c + "b"), "character " + (int) c);
    }
    assertTrue(ColumnNames.deltaAccepts("a$b.c-d"));
  }
}
