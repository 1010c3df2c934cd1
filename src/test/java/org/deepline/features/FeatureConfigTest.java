package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Json;
import org.deepline.etl.ColumnSpec;
import org.junit.jupiter.api.Test;

class FeatureConfigTest {
  private static final Map<String, ColumnSpec> COLUMNS = Map.of(
      "age", column("age", "double"),
      "age__missing", column("age__missing", "string"),
      "joined", column("joined", "date"),
      "joined__missing", column("joined__missing", "int"),
      "plan", column("plan", "string"));

  private static ColumnSpec column(String name, String type) {
    return new ColumnSpec(name, type, null, null, null, null, null);
  }

  private static List<String> errors(String json) {
    FeatureConfig config = Json.read(json, FeatureConfig.class, "test");
    ConfigErrors errors = new ConfigErrors().at("features");
    config.validate(errors, COLUMNS, null);
    return errors.messages();
  }

  @Test
  void aFeatureNamedAsAnotherFeaturesMissingIndicatorIsAConfigError() {
    assertEquals(List.of(
        "features.categorical[1]: age__missing is the name of age's missing-value indicator; "
            + "rename one of the two columns",
        "features.numeric[1]: joined__missing is the name of joined's missing-value indicator; "
            + "rename one of the two columns"),
        errors("{\"numeric\": [\"age\", \"joined__missing\"], "
            + "\"categorical\": [\"plan\", \"age__missing\"], "
            + "\"datetime\": [{\"column\": \"joined\", \"parts\": [\"year\"]}]}"));
  }

  @Test
  void theSameNamesWithoutTheirIndicatorsFeatureAreAccepted() {
    // Without age as a numeric feature, no slot is named age__missing: the column is a feature
    // like any other.
    assertEquals(List.of(), errors("{\"numeric\": [\"joined__missing\"], "
        + "\"categorical\": [\"plan\", \"age__missing\"]}"));
  }
}
