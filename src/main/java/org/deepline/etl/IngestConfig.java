package org.deepline.etl;

import org.deepline.config.ConfigErrors;

/**
 * What ingest needs beyond the source and schema.
 *
 * @param maxQuarantineFraction the share of quarantined rows above which ingest fails after writing
 *                              (the rows stay in quarantine for inspection); 1.0 never fails
 */
public record IngestConfig(Double maxQuarantineFraction) {
  public static final double DEFAULT_MAX_QUARANTINE_FRACTION = 0.05;

  public IngestConfig {
    maxQuarantineFraction = maxQuarantineFraction == null
        ? DEFAULT_MAX_QUARANTINE_FRACTION : maxQuarantineFraction;
  }

  public static IngestConfig defaults() {
    return new IngestConfig(null);
  }

  public void validate(ConfigErrors errors) {
    errors.requireFraction(maxQuarantineFraction, "max_quarantine_fraction", true, true);
  }
}
