package org.deepline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deepline.core.ConfigErrors;
import org.junit.jupiter.api.Test;

/** The drift bars: the industry's rule of thumb by default, and absurd values refused. */
class MonitoringConfigTest {
  private static List<String> errors(Double warn, Double alert) {
    ConfigErrors errors = new ConfigErrors();
    new MonitoringConfig(warn, alert, null).validate(errors);
    return errors.messages();
  }

  @Test
  void defaultsAreTheRuleOfThumb() {
    MonitoringConfig defaults = MonitoringConfig.defaults();
    assertEquals(0.1, defaults.warnPsi());
    assertEquals(0.25, defaults.alertPsi());
    assertEquals(false, defaults.failOnDrift());
    assertEquals(List.of(), errors(null, null));
  }

  @Test
  void aWarningAboveTheAlertOrABarAtOrBelowZeroIsAConfigError() {
    assertEquals(List.of("warn_psi: must be <= alert_psi (0.25), got 0.3"), errors(0.3, null));
    assertEquals(List.of("warn_psi: must be > 0, got 0.0"), errors(0.0, null));
    assertEquals(List.of("alert_psi: must be > 0, got -1.0"), errors(null, -1.0));
  }
}
