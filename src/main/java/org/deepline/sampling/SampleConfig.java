package org.deepline.sampling;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.SqlExpressions;
import org.deepline.etl.ColumnSpec;
import org.deepline.etl.LabelConfig;

/**
 * What {@code deepline sample} draws from the run date's silver rows. Every method is seeded: the
 * same seed and rows give the same sample on any cluster layout.
 *
 * <pre>{@code
 * "sample": {"method": "stratified", "strata_column": "segment", "counts": {"a": 100, "b": 50}}
 * }</pre>
 *
 * @param method          {@code random} (default), {@code stratified}, {@code weighted},
 *                        {@code reservoir} or {@code importance}
 * @param fraction        random: the share of rows kept, each row independently (Bernoulli)
 * @param n               random: exactly this many rows (instead of {@code fraction}); weighted and
 *                        importance: the sample size (expected size with replacement); reservoir:
 *                        {@code k}, exactly this many rows in one pass
 * @param strataColumn    stratified: the column whose values are the strata (any silver column,
 *                        {@value LabelConfig#LABEL} for the 0/1 label)
 * @param fractions       stratified: per stratum value, the share of its rows kept
 * @param counts          stratified: per stratum value, exactly this many of its rows
 * @param weightColumn    weighted: the numeric column rows are drawn in proportion to
 * @param withReplacement weighted: draw with replacement (each row gets a multiplicity)
 * @param proposal        importance: a Spark SQL expression (a column name is one) giving each row's
 *                        proposal mass, drawn in proportion to it
 * @param target          importance: the target mass, a Spark SQL expression; uniform when absent
 * @param seed            the seed of every random decision
 */
public record SampleConfig(
    @JsonPropertyDescription("How rows are drawn: [details](configuration.md#sample-sampleconfig).")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("Each row is kept with this probability (Bernoulli). Allowed: `[0, "
        + "1]`; only with `random`. Default: `0.1` when `n` is absent.")
    Double fraction,
    @JsonPropertyDescription("`random`, `weighted` without replacement, `reservoir`: exactly this "
        + "many rows (the reservoir's `k`). With replacement (`weighted` + `with_replacement`, "
        + "`importance`): the expected number of draws. Allowed: `>= 1`; `random` (instead of "
        + "`fraction`), `weighted`, `importance`, `reservoir` (at most 10,000,000). Required "
        + "with `weighted`, `importance` and `reservoir`.")
    Long n,
    @JsonPropertyDescription("The column whose values are the strata; more than 10,000 distinct "
        + "values fails the run (a key, not a category). Strata the config does not name are "
        + "counted (`rows_in:<value>`), not sampled. Allowed: a declared column, or `_label` "
        + "(the label: strata `0` and `1`, or a multi-class label's class indices `0`, `1`, "
        + "`2`, ... in the order of `label.classes`); only with `stratified`.")
    String strataColumn,
    @JsonPropertyDescription("Per stratum, the share of its rows kept (Bernoulli). Allowed: "
        + "stratum value -> number in `[0, 1]`; only with `stratified`.")
    Map<String, Double> fractions,
    @JsonPropertyDescription("Per stratum, exactly this many of its rows. Allowed: stratum value "
        + "-> integer `>= 1`; only with `stratified`.")
    Map<String, Long> counts,
    @JsonPropertyDescription("Rows are drawn in proportion to it. Allowed: a declared numeric "
        + "column; only with `weighted`. Required with `weighted`.")
    String weightColumn,
    @JsonPropertyDescription("Draw with replacement: each drawn row gets a multiplicity. Allowed: "
        + "only with `weighted`.")
    Boolean withReplacement,
    @JsonPropertyDescription("Each row's proposal mass: rows are drawn in proportion to it. "
        + "Allowed: a Spark SQL expression over declared columns; required with `importance`.")
    String proposal,
    @JsonPropertyDescription("Each row's target mass. Allowed: a Spark SQL expression over "
        + "declared columns; only with `importance`. When unset: uniform.")
    String target,
    @JsonPropertyDescription("Seed of every random decision.")
    Long seed) {
  public static final String RANDOM = "random";
  public static final String STRATIFIED = "stratified";
  public static final String WEIGHTED = "weighted";
  public static final String RESERVOIR = "reservoir";
  public static final String IMPORTANCE = "importance";
  public static final List<String> METHODS = List.of(RANDOM, STRATIFIED, WEIGHTED, RESERVOIR,
      IMPORTANCE);
  public static final long DEFAULT_SEED = 42;
  /** Without a section, or a random sample given neither fraction nor n: one row in ten. */
  public static final double DEFAULT_FRACTION = 0.1;
  /** The reservoir's merge holds k rows in one task; beyond this, use method random with n. */
  public static final long MAX_RESERVOIR = 10_000_000;

  public SampleConfig {
    method = method == null ? RANDOM : method;
    seed = seed == null ? DEFAULT_SEED : seed;
    withReplacement = withReplacement == null ? Boolean.FALSE : withReplacement;
    if (RANDOM.equals(method) && fraction == null && n == null) {
      fraction = DEFAULT_FRACTION;
    }
    fractions = fractions == null ? null : new LinkedHashMap<>(fractions);
    counts = counts == null ? null : new LinkedHashMap<>(counts);
  }

  public static SampleConfig defaults() {
    return new SampleConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Whether rows are drawn with replacement and so carry a multiplicity. */
  public boolean multiplicities() {
    return IMPORTANCE.equals(method) || (WEIGHTED.equals(method) && withReplacement);
  }

  /**
   * Checks the section against the declared columns; every problem is named by its path.
   *
   * @param columns the declared schema columns (silver also has {@value LabelConfig#LABEL})
   */
  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireOneOf(method, METHODS, "method");
    if (!METHODS.contains(method)) {
      return;
    }
    boolean random = RANDOM.equals(method);
    boolean stratified = STRATIFIED.equals(method);
    boolean weighted = WEIGHTED.equals(method);
    boolean importance = IMPORTANCE.equals(method);
    if (random) {
      errors.require(fraction == null || n == null, "n", "give fraction or n, not both");
    } else {
      unused(errors, fraction, "fraction", RANDOM);
    }
    if (fraction != null) {
      errors.requireFraction(fraction, "fraction", true, true);
    }
    if (stratified) {
      unused(errors, n, "n", RANDOM + ", " + WEIGHTED + ", " + RESERVOIR + ", " + IMPORTANCE);
    } else if (!random || fraction == null) {
      requireAtLeastOne(errors, n, "n");
    }
    if (RESERVOIR.equals(method) && n != null && n > MAX_RESERVOIR) {
      errors.add("n", "a reservoir of " + n + " rows would be merged in one task; at most "
          + MAX_RESERVOIR + " (method random with n draws the same rows without that limit)");
    }
    if (stratified) {
      validateStrata(errors, columns);
    } else {
      unused(errors, strataColumn, "strata_column", STRATIFIED);
      unused(errors, fractions, "fractions", STRATIFIED);
      unused(errors, counts, "counts", STRATIFIED);
    }
    if (weighted) {
      errors.requireColumn(weightColumn, columns, "weight_column");
      ColumnSpec spec = weightColumn == null ? null : columns.get(weightColumn);
      if (spec != null && !spec.isNumeric()) {
        errors.add("weight_column", weightColumn + " is declared " + spec.type()
            + "; weights must be numeric");
      }
    } else {
      unused(errors, weightColumn, "weight_column", WEIGHTED);
      errors.require(!withReplacement, "with_replacement", "only used with method: " + WEIGHTED
          + " (importance sampling always draws with replacement)");
    }
    if (importance) {
      if (proposal == null) {
        errors.add("proposal", "is required");
      } else {
        validateExpression(errors, proposal, "proposal", columns);
      }
      if (target != null) {
        validateExpression(errors, target, "target", columns);
      }
    } else {
      unused(errors, proposal, "proposal", IMPORTANCE);
      unused(errors, target, "target", IMPORTANCE);
    }
  }

  private void validateStrata(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    if (!LabelConfig.LABEL.equals(strataColumn)) {
      errors.requireColumn(strataColumn, columns, "strata_column");
    }
    boolean hasFractions = fractions != null && !fractions.isEmpty();
    boolean hasCounts = counts != null && !counts.isEmpty();
    if (hasFractions == hasCounts) {
      errors.add("fractions", "give per-stratum fractions or per-stratum counts (one of them)");
    }
    ColumnSpec spec = strataColumn == null ? null : columns.get(strataColumn);
    List<String> allowed = spec == null ? List.of() : spec.allowedValues();
    if (hasFractions) {
      fractions.forEach((stratum, share) -> {
        errors.at("fractions").requireFraction(share, stratum, true, true);
        requireStratum(errors, "fractions", stratum, allowed);
      });
    }
    if (hasCounts) {
      counts.forEach((stratum, count) -> {
        requireAtLeastOne(errors.at("counts"), count, stratum);
        requireStratum(errors, "counts", stratum, allowed);
      });
    }
  }

  /** A key of fractions or counts must be a value the strata column may take, when that is known. */
  private void requireStratum(ConfigErrors errors, String field, String stratum,
      List<String> allowed) {
    if (LabelConfig.LABEL.equals(strataColumn) && !isClassIndex(stratum)) {
      errors.at(field).add(stratum, "the label's strata are 0 and 1, or a multi-class label's "
          + "class indices 0 to " + (LabelConfig.MAX_CLASSES - 1));
    } else if (!allowed.isEmpty() && !allowed.contains(stratum)) {
      errors.at(field).add(stratum, "is not among " + strataColumn + "'s allowed_values "
          + allowed);
    }
  }

  private static boolean isClassIndex(String stratum) {
    return stratum.matches("0|[1-9][0-9]?") && Integer.parseInt(stratum) < LabelConfig.MAX_CLASSES;
  }

  private static void requireAtLeastOne(ConfigErrors errors, Long value, String field) {
    if (value == null) {
      errors.add(field, "is required");
    } else if (value < 1) {
      errors.add(field, "must be >= 1, got " + value);
    }
  }

  private void unused(ConfigErrors errors, Object value, String field, String methods) {
    errors.require(value == null, field, "only used with method: " + methods + " (method is "
        + method + ")");
  }

  private static void validateExpression(ConfigErrors errors, String expression, String field,
      Map<String, ColumnSpec> columns) {
    List<String> read;
    try {
      read = SqlExpressions.referencedColumns(expression);
    } catch (IllegalArgumentException e) {
      errors.add(field, "`" + expression + "` is not a valid Spark SQL expression: "
          + e.getMessage());
      return;
    }
    List<String> unknown = new ArrayList<>();
    for (String name : read) {
      if (columns.keySet().stream().noneMatch(c -> c.toLowerCase(Locale.ROOT)
          .equals(name.toLowerCase(Locale.ROOT)))) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      errors.add(field, "`" + expression + "` reads " + unknown
          + ", not declared in schema.columns " + columns.keySet());
    }
  }
}
