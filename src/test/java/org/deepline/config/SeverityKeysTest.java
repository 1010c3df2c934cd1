package org.deepline.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

class SeverityKeysTest {
  @Test
  void severityForAConstraintThatDoesNotExistIsATypo() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(
        TestRuns.project().resolve("conf/churn.json"),
        List.of("validation.severities={\"range:tenur\": \"warning\"}")));
    assertTrue(error.getMessage().contains("validation.severities.range:tenur: names no constraint"),
        error.getMessage());
  }

  @Test
  void severityForARealConstraintIsAccepted() {
    ConfigLoader.load(TestRuns.project().resolve("conf/churn.json"),
        List.of("validation.severities={\"range:tenure\": \"warning\", \"size\": \"error\"}"));
  }
}
