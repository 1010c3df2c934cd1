package org.deepline.scoring;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepline.features.FeatureModel;
import org.deepline.featurestore.JoinedFeatureTable;
import org.junit.jupiter.api.Test;

/** Which records {@link ModelScorer} refuses: inputs left out by mistake, never by choice. */
class RecordInputsTest {
  private static final RecordInputs INPUTS = RecordInputs.of(new FeatureModel(
      FeatureModel.FORMAT_VERSION,
      new FeatureModel.FitProvenance("toy", "2026-12-07", "run", "train", 2, "splits", 0, 0),
      List.of(FeatureModel.NumericFeature.standardised("tenure", 1, 1, 1, true),
          FeatureModel.NumericFeature.standardised("monthly_charges", 1, 1, 1, true),
          FeatureModel.NumericFeature.standardised("x", 1, 1, 1, true),
          FeatureModel.NumericFeature.standardised("origin_mean_x", 1, 1, 1, true)),
      List.of(FeatureModel.CategoricalFeature.oneHot("contract", List.of("a", "b"), 2L, 0L)),
      List.of(), List.of(), List.of(), List.of(),
      List.of(new JoinedFeatureTable("airport_daily", "/wh/flights/feature_store/airport_daily", 0,
          1, List.of("airport"), "event_time", List.of("origin"), "ts", null,
          Map.of("mean_x", "double"), "origin_"))));
  private static final String INPUT_LIST =
      "[tenure, monthly_charges, x, origin_mean_x, contract]";

  @Test
  void everyInputNamedOrLeftOutWithoutAMistakePasses() {
    assertEquals(List.of("tenure", "monthly_charges", "x", "origin_mean_x", "contract"),
        INPUTS.inputs());
    // A silver row: every input and more.
    assertDoesNotThrow(() -> INPUTS.check(Set.of("tenure", "monthly_charges", "x",
        "origin_mean_x", "contract", "_record_id", "churn")));
    // Left out: missing values, as the docs say.
    assertDoesNotThrow(() -> INPUTS.check(Set.of("tenure", "origin_mean_x")));
    // x is too short for a one-letter difference to mean a typo; a column beside an input
    // (tenure_id, the input and more) or numbered like it (contract2 for a contract left out) is
    // another column.
    assertDoesNotThrow(() -> INPUTS.check(Set.of("y", "origin_mean_x")));
    assertDoesNotThrow(() -> INPUTS.check(Set.of("tenure_id", "contract2", "origin_mean_x",
        "monthly_charges_2")));
  }

  @Test
  void anInputNamedAnotherWayIsRefused() {
    IllegalArgumentException cased = assertThrows(IllegalArgumentException.class,
        () -> INPUTS.check(Set.of("Tenure", "contract", "origin_mean_x")));
    assertEquals("the record lacks model input tenure (the record has Tenure; inputs are named "
        + "exactly); the model's inputs are " + INPUT_LIST + " (a key left out, or null, is a "
        + "missing value)", cased.getMessage());
    IllegalArgumentException spelt = assertThrows(IllegalArgumentException.class,
        () -> INPUTS.check(Set.of("Monthly-Charges", "Contrakt", "origin_mean_x")));
    assertEquals("the record lacks model inputs monthly_charges (the record has Monthly-Charges; "
        + "inputs are named exactly), contract (the record has Contrakt; inputs are named "
        + "exactly); the model's inputs are " + INPUT_LIST + " (a key left out, or null, is a "
        + "missing value)", spelt.getMessage());
  }

  @Test
  void aJoinedInputLeftOutIsRefused() {
    IllegalArgumentException joined = assertThrows(IllegalArgumentException.class,
        () -> INPUTS.check(Set.of("tenure", "monthly_charges", "x", "contract", "origin")));
    assertEquals("the record lacks model input origin_mean_x (joined from feature table "
        + "airport_daily on origin: look it up, e.g. with feature-lookup, and pass it under this "
        + "name); the model's inputs are " + INPUT_LIST + " (a key left out, or null, is a "
        + "missing value)", joined.getMessage());
  }

  @Test
  void editDistanceStopsPastItsLimit() {
    assertEquals(0, RecordInputs.editDistance("tenure", "tenure", 2));
    assertEquals(1, RecordInputs.editDistance("tenure", "tenures", 2));
    assertEquals(2, RecordInputs.editDistance("contract", "kontrakt", 2));
    assertEquals(3, RecordInputs.editDistance("contract", "tenure", 2));
    assertEquals(3, RecordInputs.editDistance("a", "abcd", 2));
  }
}
