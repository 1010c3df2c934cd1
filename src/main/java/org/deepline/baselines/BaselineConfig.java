package org.deepline.baselines;

import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * The baseline ladder trained next to the network on the same features and splits.
 *
 * @param enabled              train the ladder in every {@code train} run (default true); turn it off
 *                             for very large runs where even the sample is too slow
 * @param models               which baselines, from {@link BaselineLadder#MODELS}
 * @param maxRows              the ladder fits on a seeded sample of at most this many training rows
 *                             (the network always sees them all)
 * @param requireNetworkWins   fail the train run (nothing registered) when a baseline's validation
 *                             ROC AUC beats the network's; by default the run succeeds and says so
 */
public record BaselineConfig(Boolean enabled, List<String> models, Long maxRows,
    Boolean requireNetworkWins) {
  public static final long DEFAULT_MAX_ROWS = 200_000L;

  public BaselineConfig {
    enabled = enabled == null || enabled;
    models = models == null ? BaselineLadder.MODELS : List.copyOf(models);
    maxRows = maxRows == null ? DEFAULT_MAX_ROWS : maxRows;
    requireNetworkWins = requireNetworkWins != null && requireNetworkWins;
  }

  public static BaselineConfig defaults() {
    return new BaselineConfig(null, null, null, null);
  }

  public void validate(ConfigErrors errors) {
    for (int i = 0; i < models.size(); i++) {
      errors.requireOneOf(models.get(i), BaselineLadder.MODELS, "models[" + i + "]");
    }
    errors.require(!enabled || !models.isEmpty(), "models", "name at least one baseline, or set "
        + "enabled to false");
    errors.requirePositive(maxRows, "max_rows");
    errors.require(enabled || !requireNetworkWins, "require_network_wins",
        "needs the ladder: enabled is false");
  }
}
