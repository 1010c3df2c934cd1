package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * How one categorical column becomes network input, declared under
 * {@code features.categorical_encodings} by column name; a column without an entry is one-hot
 * encoded over its training vocabulary ({@code max_categories}, {@code min_category_count}).
 *
 * <ul>
 *   <li>{@code one_hot}: one slot per kept training value plus one for the rest;</li>
 *   <li>{@code hashing}: the hashing trick, {@code buckets} one-hot slots chosen by a stable hash of
 *       the value: no vocabulary to fit or store, unseen values land in some bucket like seen ones,
 *       at the price of collisions (about {@code distinct / buckets} values per slot);</li>
 *   <li>{@code target}: one slot, the value's smoothed positive rate in training,
 *       {@code (positives + smoothing * prior) / (rows + smoothing)}, centred on the prior. Training
 *       rows are encoded <em>out of fold</em>: the training split is cut into {@code folds} by a seeded
 *       hash of the record id, and a training row's encoding counts only the other folds' rows, so no
 *       row ever sees its own label. Validation, test and scoring rows use all training rows. Suited
 *       to columns with thousands of values, which one-hot would cap.</li>
 * </ul>
 *
 * <pre>{@code
 * "categorical_encodings": {
 *   "origin": {"encoding": "target", "smoothing": 20},
 *   "tail_number": {"encoding": "hashing", "buckets": 256}
 * }
 * }</pre>
 *
 * @param encoding  one_hot (default), hashing or target
 * @param buckets   slots of {@code hashing} (default {@value #DEFAULT_BUCKETS})
 * @param smoothing pseudo-rows at the prior that {@code target} adds to every value (default
 *                  {@value #DEFAULT_SMOOTHING}): a value seen in few rows stays near the prior
 * @param folds     folds of the out-of-fold training encoding of {@code target} (default
 *                  {@value #DEFAULT_FOLDS})
 */
public record CategoricalEncodingSpec(
    @JsonPropertyDescription("How the column becomes inputs.")
    @OneOf("ENCODINGS")
    String encoding,
    @JsonPropertyDescription("`hashing`: the slots; a value goes to slot `FNV-1a(value) mod "
        + "buckets`. Allowed: `(0, 1048576]`.")
    Integer buckets,
    @JsonPropertyDescription("`target`: pseudo-rows at the prior added to every value. Allowed: "
        + "`>= 0`, finite.")
    Double smoothing,
    @JsonPropertyDescription("`target`: folds of the out-of-fold training encoding. Allowed: `[2, "
        + "20]`.")
    Integer folds) {
  public static final String ONE_HOT = "one_hot";
  public static final String HASHING = "hashing";
  public static final String TARGET = "target";
  public static final List<String> ENCODINGS = List.of(ONE_HOT, HASHING, TARGET);
  public static final int DEFAULT_BUCKETS = 64;
  public static final double DEFAULT_SMOOTHING = 10;
  public static final int DEFAULT_FOLDS = 5;
  /** Fewer than two folds leaves no other fold to encode a training row from. */
  private static final int MIN_FOLDS = 2;
  /** More folds than this only thins each fold; 20 is already leave-5 %-out. */
  private static final int MAX_FOLDS = 20;
  public static final CategoricalEncodingSpec DEFAULT = new CategoricalEncodingSpec(null, null,
      null, null);

  public CategoricalEncodingSpec {
    encoding = encoding == null ? ONE_HOT : encoding;
    buckets = buckets == null ? DEFAULT_BUCKETS : buckets;
    smoothing = smoothing == null ? DEFAULT_SMOOTHING : smoothing;
    folds = folds == null ? DEFAULT_FOLDS : folds;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(encoding, ENCODINGS, "encoding");
    errors.requirePositive(buckets, "buckets");
    errors.require(buckets <= CrossSpec.MAX_BUCKETS, "buckets",
        "must be <= " + CrossSpec.MAX_BUCKETS + ", got " + buckets);
    errors.require(smoothing >= 0 && Double.isFinite(smoothing), "smoothing",
        "must be a finite number >= 0, got " + smoothing);
    errors.require(folds >= MIN_FOLDS && folds <= MAX_FOLDS, "folds",
        "must be in [" + MIN_FOLDS + ", " + MAX_FOLDS + "], got " + folds);
  }
}
