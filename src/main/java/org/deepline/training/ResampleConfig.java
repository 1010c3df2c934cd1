package org.deepline.training;

import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * Resampling of the training split before training ({@link Rebalancer}); validation and test rows are
 * never changed. Off by default: resampling changes the class prior the network learns, so its mean
 * prediction no longer matches the positive rate, and whether it helps depends on the data (measure
 * it against {@code class_weights} and the baseline ladder of the same run).
 *
 * <pre>{@code
 * "resample": {"method": "smote", "target_ratio": 1.0, "k": 5}
 * }</pre>
 *
 * @param method        {@code none} (default), {@code undersample} (drop majority rows),
 *                      {@code oversample} (repeat minority rows) or {@code smote} (synthetic minority
 *                      rows between a minority row and one of its k nearest minority neighbours)
 * @param targetRatio   minority rows : majority rows after resampling, in (0, 1]; default 1
 * @param k             smote: neighbours each synthetic row may take its second parent from (default 5)
 * @param exactMaxRows  smote: exact neighbour search up to this many minority rows, MLlib's
 *                      random-projection LSH above it (default 20,000)
 * @param lshTables     smote with LSH: hash tables (default 8); more find more true neighbours and cost
 *                      more candidate pairs
 * @param seed          which rows are kept, repeated or paired; null takes {@code training.seed}
 */
public record ResampleConfig(String method, Double targetRatio, Integer k, Integer exactMaxRows,
    Integer lshTables, Long seed) {
  public static final String NONE = "none";
  public static final String UNDERSAMPLE = "undersample";
  public static final String OVERSAMPLE = "oversample";
  public static final String SMOTE = "smote";
  public static final List<String> METHODS = List.of(NONE, UNDERSAMPLE, OVERSAMPLE, SMOTE);
  public static final int DEFAULT_K = 5;
  /**
   * The exact search compares every minority row with every other on the executors: 20,000 rows are
   * 4 * 10^8 distances, seconds on two cores for a vector of a few hundred slots.
   */
  public static final int DEFAULT_EXACT_MAX_ROWS = 20_000;
  public static final int DEFAULT_LSH_TABLES = 8;
  /** More neighbours than this is no longer "near": SMOTE's authors used 5. */
  public static final int MAX_K = 100;
  public static final int MAX_LSH_TABLES = 64;

  public ResampleConfig {
    method = method == null ? NONE : method;
    targetRatio = targetRatio == null ? 1.0 : targetRatio;
    k = k == null ? DEFAULT_K : k;
    exactMaxRows = exactMaxRows == null ? DEFAULT_EXACT_MAX_ROWS : exactMaxRows;
    lshTables = lshTables == null ? DEFAULT_LSH_TABLES : lshTables;
  }

  public static ResampleConfig defaults() {
    return new ResampleConfig(null, null, null, null, null, null);
  }

  public boolean enabled() {
    return !NONE.equals(method);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(method, METHODS, "method");
    errors.require(targetRatio > 0 && targetRatio <= 1, "target_ratio",
        "must be in (0, 1] (minority rows per majority row after resampling), got " + targetRatio);
    errors.require(k >= 1 && k <= MAX_K, "k", "must be in [1, " + MAX_K + "], got " + k);
    errors.require(exactMaxRows >= 0, "exact_max_rows", "must be >= 0, got " + exactMaxRows);
    errors.require(lshTables >= 1 && lshTables <= MAX_LSH_TABLES, "lsh_tables",
        "must be in [1, " + MAX_LSH_TABLES + "], got " + lshTables);
  }
}
