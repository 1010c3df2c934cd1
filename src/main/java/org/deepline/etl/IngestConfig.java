package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * What ingest needs beyond the source and schema.
 *
 * @param maxQuarantineFraction the share of quarantined rows above which ingest fails after writing
 *                              (the rows stay in quarantine for inspection), rows whose one fault
 *                              is a missing label not counted; 1.0 never fails
 * @param upsert                silver is written as an upsert on {@code schema.key} instead of
 *                              replacing the run date's rows (see {@link SilverUpsert})
 * @param nullTokens            text that means "no value" in a text source's number, boolean, date
 *                              and timestamp columns (trimmed, exact case): such a value is missing
 *                              rather than unparsable. String columns keep their text as it is,
 *                              but for the label's, where it is no label
 */
public record IngestConfig(
    @JsonPropertyDescription("Share of quarantined rows above which `ingest` fails. It fails "
        + "after writing, so the rejected rows can be read in `quarantine`; the error names the "
        + "three most common reasons; under it, a WARN says how many rows were quarantined and "
        + "the same reasons (the model never sees them). In a load that replaces the run date (not `upsert`, not "
        + "an incremental JDBC load), a row whose one reason is a missing label is quarantined "
        + "but not counted: it is data no model can learn from, not a broken record (vega's "
        + "movies lack the IMDB rating their label reads on 6.7 % of rows); the log says how "
        + "many (metric `rows_unlabelled_not_counted`), and when over the limit, more than half "
        + "the rows without a label fail the load (a label that broke). `1.0` never fails. "
        + "Allowed: `[0, 1]`.")
    Double maxQuarantineFraction,
    @JsonPropertyDescription("`false`: a load replaces the run date's rows of silver. `true`: "
        + "silver is MERGEd on the key: keys not yet in silver are inserted; keys whose declared "
        + "columns changed (late corrections) are updated and take the load's run date; keys "
        + "with the same values are left as they are, so loading a batch again changes nothing; "
        + "keys that an earlier run of the same date loaded and the batch no longer has are "
        + "deleted; a key a later date's load changed keeps that version (a backfill of an older "
        + "date does not revert later corrections; WARN). Silver then holds the latest version of "
        + "each key. The run record gets `rows_silver_inserted`, `rows_silver_updated`, "
        + "`rows_silver_unchanged` (the batch's other keys, those kept newer among them), "
        + "`rows_silver_deleted` and `rows_silver_kept_newer` "
        + "([architecture](architecture.md#silver-as-an-upsert)). Allowed: "
        + "`true` needs `schema.key` (else `ingest.upsert: needs schema.key ...`).")
    Boolean upsert,
    @JsonPropertyDescription("Text that means \"no value\" in a text source's (CSV, JSON string, "
        + "REST) column declared `int`, `long`, `double`, `boolean`, `date` or `timestamp`: "
        + "after trimming, a value equal to one of them (exact case) is missing, not unparsable, "
        + "so it is checked like an empty cell (quarantined only in a non-nullable column; "
        + "counted by `validate`'s null fraction). These spellings (R, pandas, spreadsheets, "
        + "databases, UCI data sets) cannot be a number, boolean or date, so nothing is lost; "
        + "`string` columns keep the text (`NA` may be North America; a column's own "
        + "`null_tokens` say otherwise, and `validate` warns of a string column whose common "
        + "values are such text: `null_text:<name>`), except the label's "
        + "column, where such a value is no label (the row is quarantined as one without a "
        + "label, not counted as a negative) unless it is `label.positive` or one of the "
        + "column's `allowed_values`. `[]` turns it off. "
        + "Allowed: non-blank, no surrounding spaces.")
    List<String> nullTokens) {
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

  /** Checks a list of null tokens, this section's or a column's, as {@code null_tokens[i]}. */
  static void validateTokens(ConfigErrors errors, List<String> tokens) {
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (token == null || token.isBlank() || !token.equals(token.strip())) {
        errors.add("null_tokens[" + i + "]", "must be non-blank text without surrounding spaces "
            + "(values are trimmed before they are compared; blank is always missing)");
      }
    }
  }

  /** Checks the keys; {@code schema} may be null when it is missing (reported elsewhere). */
  public void validate(ConfigErrors errors, SchemaConfig schema) {
    errors.requireFraction(maxQuarantineFraction, "max_quarantine_fraction", true, true);
    validateTokens(errors, nullTokens);
    if (upsert && schema != null && schema.key().isEmpty()) {
      errors.add("upsert", "needs schema.key: the columns that identify a record are what silver "
          + "merges on");
    }
  }
}
