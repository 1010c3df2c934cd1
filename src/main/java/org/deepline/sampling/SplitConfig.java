package org.deepline.sampling;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.etl.ColumnSpec;

/**
 * How records are divided into train, validation and test.
 *
 * @param seed       the same seed and records give the same split, on any cluster layout
 * @param train      share of records for training
 * @param validation share for validation (early stopping, leakage checks)
 * @param test       share held out for the evaluation report
 * @param stratify   keep the label's class ratio in every split (random splits only)
 * @param method     {@code random} (default), {@code time} (train before validation before test,
 *                   by {@code timeColumn}) or {@code group} (all records of one {@code groupColumn}
 *                   value in the same split)
 * @param timeColumn the date or timestamp column a time split orders by
 * @param gapDays    a time split leaves out the records within this many days after each cut, so
 *                   features that look back in time cannot straddle it
 * @param groupColumn the entity key of a group split
 * @param validationStart a time split's explicit first validation time (ISO date or timestamp,
 *                   {@code 2026-05-01}); with {@code testStart} it replaces the quantile cut
 * @param testStart  a time split's explicit first test time
 * @param folds      number of folds the training rows are assigned to ({@code _fold} column); none
 *                   when null
 */
public record SplitConfig(
    @JsonPropertyDescription("Seed of the hash that orders records. The same records and seed "
        + "give the same split on any cluster layout.")
    Long seed,
    @JsonPropertyDescription("Share of records for training. Allowed: `(0, 1)`.")
    Double train,
    @JsonPropertyDescription("Share for validation (early stopping, single-feature leakage "
        + "check). Allowed: `(0, 1)`.")
    Double validation,
    @JsonPropertyDescription("Share held out for the evaluation report. Allowed: `(0, 1)`.")
    Double test,
    @JsonPropertyDescription("Keep the label's class ratio in every split: each class is cut at "
        + "the fractions to within one record. Allowed: `true` only with `random`. Default: "
        + "`true` for `random`, else `false`.")
    Boolean stratify,
    @JsonPropertyDescription("`random`: by a seeded hash of the record id (stratified or not); "
        + "without `schema.key`, by the record (its columns but the label's inputs) and a run of "
        + "up to 10 of its copies, so a record's copies, whatever their labels, land in one split "
        + "and fold (the leakage gate's `copies_across_splits` checks exact copies): "
        + "[copies](configuration.md#split-splitconfig). `time`: the earliest records train, the "
        + "next validate, the latest test. `group`: every record of one `group_column` value in "
        + "the same split.")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("The time a time split orders by. Allowed: a declared `date` or "
        + "`timestamp` column; only with `time`.")
    String timeColumn,
    @JsonPropertyDescription("Records within this many days after each cut are left out (split "
        + "`excluded`), so features that look back cannot reach across the cut. Allowed: `[0, "
        + "3660]`; only with `time`.")
    Integer gapDays,
    @JsonPropertyDescription("The entity key (customer, airport) a group split keeps together. "
        + "Allowed: a declared column; only with `group`.")
    String groupColumn,
    @JsonPropertyDescription("First time of the validation split: records before it train. With "
        + "`test_start`, replaces the quantile cut (`train`, `validation`, `test` are then "
        + "ignored, though still validated: they must still sum to 1). Allowed: an ISO date "
        + "(`2026-05-01`) or local timestamp (`2026-05-01T06:30:00`, `2026-05-01 06:30:00`), "
        + "read in Spark's session time zone; only with `time`, and with `test_start`. When "
        + "unset: quantile cut.")
    String validationStart,
    @JsonPropertyDescription("First time of the test split: records from `validation_start` (plus "
        + "the gap) up to it validate, records from it (plus the gap) on test. Allowed: as "
        + "`validation_start`; later than `validation_start` plus `gap_days`; only with `time`.")
    String testStart,
    @JsonPropertyDescription("Assign the training records to this many folds, in the splits "
        + "table's `_fold` column (see [split](configuration.md#split-splitconfig)): k-fold "
        + "cross-validation for random, stratified and group splits, rolling origin for time "
        + "splits. No stage reads `_fold` yet: target encoding "
        + "(`features.categorical_encodings`) draws its own folds from the record id. Allowed: "
        + "`[2, 100]`. When unset: no folds: `_fold` is null.")
    Integer folds) {
  public static final long DEFAULT_SEED = 42;
  public static final String RANDOM = "random";
  public static final String TIME = "time";
  public static final String GROUP = "group";
  public static final List<String> METHODS = List.of(RANDOM, TIME, GROUP);
  /** A gap longer than this is a unit mistake (hours or seconds), not a gap. */
  public static final int MAX_GAP_DAYS = 3660;
  private static final double SUM_TOLERANCE = 1e-9;
  /** Fewer than two folds is no cross-validation. */
  public static final int MIN_FOLDS = 2;
  /** More folds than this is a misplaced row count; the fold expression grows with every fold. */
  public static final int MAX_FOLDS = 100;

  public SplitConfig {
    seed = seed == null ? DEFAULT_SEED : seed;
    train = train == null ? 0.7 : train;
    validation = validation == null ? 0.15 : validation;
    test = test == null ? 0.15 : test;
    method = method == null ? RANDOM : method;
    stratify = stratify == null ? RANDOM.equals(method) : stratify;
    gapDays = gapDays == null ? 0 : gapDays;
  }

  public static SplitConfig defaults() {
    return new SplitConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Whether a time split cuts at {@code validation_start} and {@code test_start}, not quantiles. */
  public boolean hasCutoffs() {
    return validationStart != null || testStart != null;
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireFraction(train, "train", false, false);
    errors.requireFraction(validation, "validation", false, false);
    errors.requireFraction(test, "test", false, false);
    double sum = train + validation + test;
    if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
      errors.add("test", "train + validation + test must be 1, got " + sum);
    }
    errors.requireOneOf(method, METHODS, "method");
    errors.require(!stratify || RANDOM.equals(method), "stratify",
        "only random splits are stratified; a " + method + " split keeps the class ratio of its "
            + "periods or groups");
    if (TIME.equals(method)) {
      errors.requireColumn(timeColumn, columns, "time_column");
      ColumnSpec spec = timeColumn == null ? null : columns.get(timeColumn);
      if (spec != null && !"date".equals(spec.type()) && !"timestamp".equals(spec.type())) {
        errors.add("time_column", timeColumn + " is declared " + spec.type()
            + "; a time split needs a date or timestamp column");
      }
      errors.require(gapDays >= 0 && gapDays <= MAX_GAP_DAYS, "gap_days",
          "must be in [0, " + MAX_GAP_DAYS + "], got " + gapDays);
      validateCutoffs(errors);
    } else {
      errors.require(timeColumn == null, "time_column", "only used with method: time");
      errors.require(gapDays == 0, "gap_days", "only used with method: time");
      errors.require(validationStart == null, "validation_start", "only used with method: time");
      errors.require(testStart == null, "test_start", "only used with method: time");
    }
    errors.require(folds == null || (folds >= MIN_FOLDS && folds <= MAX_FOLDS), "folds",
        "must be in [" + MIN_FOLDS + ", " + MAX_FOLDS + "], got " + folds);
    if (GROUP.equals(method)) {
      errors.requireColumn(groupColumn, columns, "group_column");
    } else {
      errors.require(groupColumn == null, "group_column", "only used with method: group");
    }
  }

  /** Both cutoffs or neither; each parses; validation starts before test, with room for the gap. */
  private void validateCutoffs(ConfigErrors errors) {
    if (!hasCutoffs()) {
      return;
    }
    errors.require(validationStart != null, "validation_start", "is required with test_start");
    errors.require(testStart != null, "test_start", "is required with validation_start");
    LocalDateTime validation = parseCutoff(errors, validationStart, "validation_start");
    LocalDateTime test = parseCutoff(errors, testStart, "test_start");
    if (validation != null && test != null
        && !validation.plusDays(gapDays == null ? 0 : gapDays).isBefore(test)) {
      String after = gapDays > 0 ? " plus gap_days (" + validationStart + " + " + gapDays + " days)"
          : " (" + validationStart + ")";
      errors.add("test_start", "must be later than validation_start" + after + ", got " + testStart);
    }
  }

  private static LocalDateTime parseCutoff(ConfigErrors errors, String value,
      String field) {
    if (value == null) {
      return null;
    }
    try {
      return TimeCutoffs.parse(value);
    } catch (IllegalArgumentException e) {
      errors.add(field, e.getMessage());
      return null;
    }
  }
}
