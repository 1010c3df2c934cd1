package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

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
 * @param exactMaxRows  smote: exact neighbour search up to this many minority rows (default
 *                      20,000), a random-projection forest above it ({@link ForestSmote})
 * @param forestTrees   smote with the forest: trees (default {@value #DEFAULT_FOREST_TREES}); each
 *                      finds some of a row's neighbours, more trees find more and cost more
 * @param forestLeafSize smote with the forest: minority rows per leaf, about (default
 *                      {@value #DEFAULT_FOREST_LEAF_SIZE}); every row is compared with the other rows
 *                      of its leaf in each tree, so a row costs about {@code trees x leaf size}
 *                      distances
 * @param seed          which rows are kept, repeated or paired; null takes {@code training.seed}
 */
public record ResampleConfig(
    @JsonPropertyDescription("`undersample`: keep the `round(minority / target_ratio)` majority "
        + "rows first in hash order. `oversample`: add copies of minority rows. `smote`: add "
        + "synthetic minority rows ([SMOTE](configuration.md#trainingresample-resampleconfig)). "
        + "Both add `round(target_ratio x majority) - minority` rows: every minority row gets "
        + "the same number of copies or children and those first in hash order one more, so the "
        + "ratio is met exactly.")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("Minority rows per majority row after resampling. Nothing is done "
        + "when the split is already at or above it. Allowed: `(0, 1]`.")
    Double targetRatio,
    @JsonPropertyDescription("`smote`: each synthetic row's second parent is one of its first "
        + "parent's `k` nearest minority neighbours. Allowed: `[1, 100]`.")
    Integer k,
    @JsonPropertyDescription("`smote`: up to this many minority rows, the neighbours are found "
        + "exactly (every minority row compared with every other, on the executors, against a "
        + "broadcast copy); above it, approximately, by a random-projection forest "
        + "(`forest_trees`, `forest_leaf_size`). Allowed: `[0, 100000]`.")
    Integer exactMaxRows,
    @JsonPropertyDescription("`smote` above `exact_max_rows`: trees of the random-projection "
        + "forest that finds neighbours approximately; each tree finds some of a row's "
        + "neighbours, more trees find more and cost more. Allowed: `[1, 64]`.")
    Integer forestTrees,
    @JsonPropertyDescription("`smote` above `exact_max_rows`: about this many minority rows per "
        + "leaf of each tree; every row is compared with the other rows of its leaf, so a row "
        + "costs about trees x leaf size distances. Allowed: `[k + 1, 10000]`.")
    Integer forestLeafSize,
    @JsonPropertyDescription("Which rows are kept, repeated, paired; also seeds `augment`. When "
        + "unset: `training.seed`.")
    Long seed) {
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
  /**
   * The exact search broadcasts every minority row's dense vector and compares every pair: 100,000
   * rows of 477 slots are 380 MB on every executor and 10^10 distances.
   */
  public static final int MAX_EXACT_ROWS = 100_000;
  public static final int DEFAULT_FOREST_TREES = 16;
  public static final int DEFAULT_FOREST_LEAF_SIZE = 64;
  public static final int MAX_FOREST_TREES = 64;
  /** A leaf is compared by brute force (in blocks of up to twice this): 10,000 rows are 10^8 pairs. */
  public static final int MAX_FOREST_LEAF_SIZE = 10_000;
  /** More neighbours than this is no longer "near": SMOTE's authors used 5. */
  public static final int MAX_K = 100;

  public ResampleConfig {
    method = method == null ? NONE : method;
    targetRatio = targetRatio == null ? 1.0 : targetRatio;
    k = k == null ? DEFAULT_K : k;
    exactMaxRows = exactMaxRows == null ? DEFAULT_EXACT_MAX_ROWS : exactMaxRows;
    forestTrees = forestTrees == null ? DEFAULT_FOREST_TREES : forestTrees;
    forestLeafSize = forestLeafSize == null ? DEFAULT_FOREST_LEAF_SIZE : forestLeafSize;
  }

  public static ResampleConfig defaults() {
    return new ResampleConfig(null, null, null, null, null, null, null);
  }

  public boolean enabled() {
    return !NONE.equals(method);
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(method, METHODS, "method");
    errors.require(targetRatio > 0 && targetRatio <= 1, "target_ratio",
        "must be in (0, 1] (minority rows per majority row after resampling), got " + targetRatio);
    errors.require(k >= 1 && k <= MAX_K, "k", "must be in [1, " + MAX_K + "], got " + k);
    errors.require(exactMaxRows >= 0 && exactMaxRows <= MAX_EXACT_ROWS, "exact_max_rows",
        "must be in [0, " + MAX_EXACT_ROWS + "] (the exact search broadcasts every minority row and "
            + "compares every pair), got " + exactMaxRows);
    errors.require(forestTrees >= 1 && forestTrees <= MAX_FOREST_TREES, "forest_trees",
        "must be in [1, " + MAX_FOREST_TREES + "], got " + forestTrees);
    errors.require(forestLeafSize >= k + 1 && forestLeafSize <= MAX_FOREST_LEAF_SIZE,
        "forest_leaf_size", "must be in [k + 1 = " + (k + 1) + ", " + MAX_FOREST_LEAF_SIZE
            + "] (a row's candidates in one tree are the other rows of its leaf), got "
            + forestLeafSize);
  }
}
