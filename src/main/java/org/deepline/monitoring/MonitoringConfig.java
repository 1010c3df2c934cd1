package org.deepline.monitoring;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.deepline.core.ConfigErrors;

/**
 * What {@code monitor} calls drift: bars on the population stability index of each model input and
 * of the model's probabilities, the run date's rows against the rows the model was trained on.
 *
 * @param warnPsi     an index at or above it is said in a WARN (moderate drift)
 * @param alertPsi    an index at or above it is drift: said in the WARN as such, and with
 *                    {@code failOnDrift} the run fails with exit code 9
 * @param failOnDrift whether drift fails the run (after the drift table is written)
 */
public record MonitoringConfig(
    @JsonPropertyDescription("Population stability index at or above which `monitor` names a "
        + "column in a WARN as moved (the industry's rule of thumb: below 0.1 stable, 0.1 to "
        + "0.25 moderate, above 0.25 a shift). Allowed: `> 0`, `<= alert_psi`.")
    Double warnPsi,
    @JsonPropertyDescription("Population stability index at or above which a column or the "
        + "model's probabilities have drifted: `monitor` says so in its WARN, counts it "
        + "(`columns_drifted`), and fails with exit code 9 when `fail_on_drift`. Allowed: `> 0`.")
    Double alertPsi,
    @JsonPropertyDescription("`true`: drift (an index at or above `alert_psi`) fails `monitor`, "
        + "and so `nightly`, with exit code 9 after the drift table is written, for a scheduler "
        + "to alert on. `false`: a WARN, and the run succeeds.")
    Boolean failOnDrift) {
  public static final double DEFAULT_WARN_PSI = 0.1;
  public static final double DEFAULT_ALERT_PSI = 0.25;

  public MonitoringConfig {
    warnPsi = warnPsi == null ? DEFAULT_WARN_PSI : warnPsi;
    alertPsi = alertPsi == null ? DEFAULT_ALERT_PSI : alertPsi;
    failOnDrift = failOnDrift == null ? Boolean.FALSE : failOnDrift;
  }

  public static MonitoringConfig defaults() {
    return new MonitoringConfig(null, null, null);
  }

  public void validate(ConfigErrors errors) {
    errors.requirePositive(warnPsi, "warn_psi");
    errors.requirePositive(alertPsi, "alert_psi");
    // Compared only when both are bars at all: a bar of 0 or less is said once, above.
    if (warnPsi > 0 && alertPsi > 0 && warnPsi > alertPsi) {
      errors.add("warn_psi", "must be <= alert_psi (" + alertPsi + "), got " + warnPsi);
    }
  }
}
