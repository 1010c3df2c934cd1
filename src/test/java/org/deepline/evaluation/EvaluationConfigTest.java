package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

class EvaluationConfigTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");

  @Test
  void defaultsNeedNoKeys() {
    EvaluationConfig config = ConfigLoader.load(CHURN, List.of()).evaluation();

    assertEquals(200, config.bootstrap().replicates());
    assertEquals(0.95, config.bootstrap().confidence());
    assertEquals(List.of(), config.slices().columns());
    assertEquals(30L, config.slices().minRows());
    assertEquals("roc_auc", config.blessing().metric());
    assertEquals(0.01, config.blessing().maxDrop());
    assertEquals(false, config.blessing().gate());
    assertEquals(true, config.blessing().requireBehavioural());
  }

  @Test
  void behaviouralTestsAndBlessingAreRead() {
    DeeplineConfig config = ConfigLoader.load(CHURN, List.of(
        "evaluation.behavioural=[{\"name\": \"gender\", \"type\": \"invariance\", "
            + "\"column\": \"female\", \"perturbation\": \"1 - female\"}]",
        "evaluation.blessing.gate=true", "evaluation.calibration_binning=equal_mass"));

    BehaviouralTest test = config.evaluation().behavioural().get(0);
    assertEquals(BehaviouralTest.DEFAULT_INVARIANCE_TOLERANCE, test.tolerance());
    assertEquals(BehaviouralTest.DEFAULT_MAX_FAILURE_RATE, test.maxFailureRate());
    assertTrue(config.evaluation().blessing().gate());
  }

  @Test
  void everyProblemIsNamedByItsPath() {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of(
            "evaluation.behavioural=[{\"name\": \"a\", \"type\": \"directional\", "
                + "\"column\": \"tenure\", \"perturbation\": \"tenure +\"}, "
                + "{\"name\": \"a\", \"type\": \"minimum_functionality\", \"where\": \"tenure > 60\","
                + " \"expected\": \"yes\", \"column\": \"tenure\"}, {\"name\": \"c\", "
                + "\"type\": \"sideways\"}]",
            "evaluation.calibration_binning=quantile", "evaluation.bootstrap.confidence=1",
            "evaluation.slices.columns=[\"contract\", \"contract\"]",
            "evaluation.blessing.metric=pr_auc", "evaluation.blessing.max_drop=-0.1")));

    String message = error.getMessage();
    for (String expected : List.of(
        "evaluation.behavioural[0].perturbation: is not a SQL expression",
        "evaluation.behavioural[0].direction: must be one of [increase, decrease], got nothing",
        "evaluation.behavioural[1].expected: must be one of [positive, negative, label], got yes",
        "evaluation.behavioural[1].column: is not a key of a minimum_functionality test",
        "evaluation.behavioural[1].name: repeats the name of an earlier test: a",
        "evaluation.behavioural[2].type: must be one of [invariance, directional, "
            + "minimum_functionality], got sideways",
        "evaluation.calibration_binning: must be one of [equal_width, equal_mass], got quantile",
        "evaluation.bootstrap.confidence: must be in (0, 1), got 1.0",
        "evaluation.slices.columns[1]: repeats contract",
        "evaluation.blessing.metric: must be one of [roc_auc, log_loss, brier, accuracy, f1], "
            + "got pr_auc",
        "evaluation.blessing.max_drop: must be >= 0, got -0.1")) {
      assertTrue(message.contains(expected), "missing: " + expected + "\nin: " + message);
    }
  }
}
