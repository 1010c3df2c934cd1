package org.deepline.etl;

import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * What ingest needs beyond the source and schema.
 *
 * @param maxQuarantineFraction the share of quarantined rows above which ingest fails after writing
 *                              (the rows stay in quarantine for inspection); 1.0 never fails
 * @param upsert                silver is written as an upsert on {@code schema.key} instead of
 *                              replacing the run date's rows (see {@link SilverUpsert})
 * @param nullTokens            text that means "no value" in a text source's number, boolean, date
 *                              and timestamp columns (trimmed, exact case): such a value is missing
 *                              rather than unparsable. String columns keep their text as it is
 */
public record IngestConfig(Double maxQuarantineFraction, Boolean upsert, List<String> nullTokens) {
  public static final double DEFAULT_MAX_QUARANTINE_FRACTION = 0.05;
  /**
   * What R ({@code NA}), pandas and spreadsheets ({@code NaN}, {@code N/A}, {@code #N/A}), databases
   * ({@code NULL}, {@code null}) and UCI data sets ({@code ?}) write for a missing value; none of them
   * can be a number, a boolean or a date, so reading them as missing loses nothing.
   */
  public static final List<String> DEFAULT_NULL_TOKENS =
      List.of("NA", "N/A", "#N/A", "NaN", "nan", "NULL", "null", "None", "?");

  public IngestConfig {
    maxQuarantineFraction = maxQuarantineFraction == null
        ? DEFAULT_MAX_QUARANTINE_FRACTION : maxQuarantineFraction;
    upsert = upsert == null ? Boolean.FALSE : upsert;
    nullTokens = nullTokens == null ? DEFAULT_NULL_TOKENS : List.copyOf(nullTokens);
  }

  public static IngestConfig defaults() {
    return new IngestConfig(null, null, null);
  }

  /** Checks the keys; {@code schema} may be null when it is missing (reported elsewhere). */
  public void validate(ConfigErrors errors, SchemaConfig schema) {
    errors.requireFraction(maxQuarantineFraction, "max_quarantine_fraction", true, true);
    for (int i = 0; i < nullTokens.size(); i++) {
      String token = nullTokens.get(i);
      if (token == null || token.isBlank() || !token.equals(token.strip())) {
        errors.add("null_tokens[" + i + "]", "must be non-blank text without surrounding spaces "
            + "(values are trimmed before they are compared; blank is always missing)");
      }
    }
    if (upsert && schema != null && schema.key().isEmpty()) {
      errors.add("upsert", "needs schema.key: the columns that identify a record are what silver "
          + "merges on");
    }
  }
}
