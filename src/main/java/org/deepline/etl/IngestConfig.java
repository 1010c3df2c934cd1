package org.deepline.etl;

import org.deepline.core.ConfigErrors;

/**
 * What ingest needs beyond the source and schema.
 *
 * @param maxQuarantineFraction the share of quarantined rows above which ingest fails after writing
 *                              (the rows stay in quarantine for inspection); 1.0 never fails
 * @param upsert                silver is written as an upsert on {@code schema.key} instead of
 *                              replacing the run date's rows (see {@link SilverUpsert})
 */
public record IngestConfig(Double maxQuarantineFraction, Boolean upsert) {
  public static final double DEFAULT_MAX_QUARANTINE_FRACTION = 0.05;

  public IngestConfig {
    maxQuarantineFraction = maxQuarantineFraction == null
        ? DEFAULT_MAX_QUARANTINE_FRACTION : maxQuarantineFraction;
    upsert = upsert == null ? Boolean.FALSE : upsert;
  }

  public static IngestConfig defaults() {
    return new IngestConfig(null, null);
  }

  /** Checks the keys; {@code schema} may be null when it is missing (reported elsewhere). */
  public void validate(ConfigErrors errors, SchemaConfig schema) {
    errors.requireFraction(maxQuarantineFraction, "max_quarantine_fraction", true, true);
    if (upsert && schema != null && schema.key().isEmpty()) {
      errors.add("upsert", "needs schema.key: the columns that identify a record are what silver "
          + "merges on");
    }
  }
}
