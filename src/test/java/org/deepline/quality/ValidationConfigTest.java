package org.deepline.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

class ValidationConfigTest {
  private static DeeplineConfig churn(String... overrides) {
    return TestRuns.config("conf/churn.json", overrides);
  }

  private static String errors(String... overrides) {
    DeeplineException error = assertThrows(DeeplineException.class, () -> churn(overrides));
    assertEquals(Failure.CONFIG, error.failure());
    return error.getMessage();
  }

  @Test
  void constraintsAnomaliesAndTopKBindFromSnakeCaseKeys() {
    ValidationConfig validation = churn(
        "validation.constraints=[{\"kind\": \"completeness\", \"column\": \"online_security\", "
            + "\"min_fraction\": 0.9, \"severity\": \"warning\"}, {\"kind\": \"uniqueness\", "
            + "\"column\": \"_record_id\"}]",
        "validation.anomalies=[{\"metric\": \"null_fraction\", \"column\": \"tenure\", "
            + "\"max_change_percent\": 50, \"history_runs\": 3}]",
        "validation.top_k=8").validation();
    assertEquals(List.of(new ConstraintSpec("completeness", "online_security", null, null, null, 0.9,
        "warning"),
        new ConstraintSpec("uniqueness", "_record_id", null, null, null, null, "error")),
        validation.constraints());
    assertEquals(List.of(new AnomalyCheckConfig("null_fraction", "tenure", 50.0, null, 3, "error")),
        validation.anomalies());
    assertEquals(8, validation.topK());
    assertEquals(5, ValidationConfig.defaults().topK());
  }

  @Test
  void anUnknownKeyIsRejected() {
    String message = errors("validation.anomalies=[{\"metric\": \"rows\", \"max_change\": 5}]");
    assertTrue(message.contains("max_change"), message);
  }

  @Test
  void absurdAnomalyChecksAreNamedByTheirPath() {
    String message = errors("validation.anomalies=[{\"metric\": \"rows\", \"column\": \"tenure\", "
        + "\"max_change_percent\": -5, \"history_runs\": 0}, {\"metric\": \"mean\", "
        + "\"column\": \"contract\", \"max_deviations\": 3, \"severity\": \"fatal\"}, "
        + "{\"metric\": \"p99\", \"column\": \"nope\"}]");
    assertTrue(message.contains("validation.anomalies[0].column: rows is a table metric; leave "
        + "column out"), message);
    assertTrue(message.contains("validation.anomalies[0].max_change_percent: must be > 0, got -5.0"),
        message);
    assertTrue(message.contains("validation.anomalies[0].history_runs: must be in [1, 1000], got 0"),
        message);
    assertTrue(message.contains("validation.anomalies[1].column: mean needs a numeric column, "
        + "contract is string"), message);
    assertTrue(message.contains("validation.anomalies[1].severity: must be one of [error, warning],"
        + " got fatal"), message);
    assertTrue(message.contains("validation.anomalies[2].metric: must be one of [rows, "
        + "null_fraction, distinct, mean, stddev], got p99"), message);
    assertTrue(message.contains("validation.anomalies[2]: needs max_change_percent, max_deviations "
        + "or both"), message);
  }

  @Test
  void anAbsurdDefaultNullLimitIsRefusedWhenSetAndUnsetIsAWarningAtTwentyPercent() {
    String message = errors("validation.default_max_null_fraction=1.5");
    assertTrue(message.contains("validation.default_max_null_fraction: must be in [0, 1], got 1.5"),
        message);
    assertEquals(0.2, ValidationConfig.defaults().nullLimit());
    assertEquals(Severity.WARNING, ValidationConfig.defaults().nullLimitSeverity());
  }

  @Test
  void absurdConstraintsAreNamedByTheirPath() {
    String message = errors("validation.constraints=[{\"kind\": \"range\", \"column\": \"tenure\","
        + " \"min\": 10, \"max\": 1}, {\"kind\": \"allowed_values\", \"column\": \"contract\"}, "
        + "{\"kind\": \"completeness\", \"column\": \"ghost\", \"min_fraction\": 1.5}, "
        + "{\"kind\": \"uniqueness\", \"column\": \"tenure\", \"max\": 3}, "
        + "{\"kind\": \"range\", \"column\": \"contract\", \"min\": 0}]",
        "validation.top_k=0");
    assertTrue(message.contains("validation.constraints[0].min: must be <= max, got min 10.0 and "
        + "max 1.0"), message);
    assertTrue(message.contains("validation.constraints[1].values: allowed_values needs at least "
        + "one value"), message);
    assertTrue(message.contains("validation.constraints[2].column: names no column of silver"),
        message);
    assertTrue(message.contains("validation.constraints[2].min_fraction: must be in [0, 1], got 1.5"),
        message);
    assertTrue(message.contains("validation.constraints[3].max: is only allowed with kind range"),
        message);
    assertTrue(message.contains("validation.constraints[4].column: range needs a numeric column, "
        + "contract is string"), message);
    assertTrue(message.contains("validation.top_k: must be in [1, 100], got 0"), message);
  }

  @Test
  void aConstraintTheSchemaAlreadyDeclaresIsRefused() {
    String message = errors("validation.constraints=[{\"kind\": \"range\", \"column\": "
        + "\"monthly_charges\", \"max\": 10}]");
    assertTrue(message.contains("validation.constraints[0]: range:monthly_charges is declared twice"),
        message);
  }
}
