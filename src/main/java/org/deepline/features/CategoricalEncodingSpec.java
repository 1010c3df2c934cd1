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
 *   <li>{@code embedding}: one slot holding the value's index in its training vocabulary (up to
 *       {@code max_values} most frequent values, ties broken by value; every other value gets the
 *       index after the last), which the network looks up in an embedding table of
 *       {@code dimensions} columns trained with it. A value's learned vector can sit anywhere, so
 *       neither the cap of one-hot nor target encoding's single number per value limits what the
 *       network can tell apart. Baselines see the index as a number.</li>
 *   <li>{@code words}: free text as a bag of words: one 0/1 slot per word of the training
 *       vocabulary ({@code max_values} words in the most training values, each in at least
 *       two), set when the value holds the word (letters and digits, lower-cased), plus one set
 *       when it holds none of them. Chosen by itself for a column without an entry whose values
 *       are mostly distinct and hold several words (a review, a passenger's name with its title),
 *       which one-hot could only fold away.</li>
 * </ul>
 *
 * <pre>{@code
 * "categorical_encodings": {
 *   "origin": {"encoding": "target", "smoothing": 20},
 *   "tail_number": {"encoding": "hashing", "buckets": 256},
 *   "dest": {"encoding": "embedding", "dimensions": 8}
 * }
 * }</pre>
 *
 * @param encoding  one_hot (default), hashing, target, embedding or words
 * @param buckets   slots of {@code hashing} (default {@value #DEFAULT_BUCKETS})
 * @param smoothing pseudo-rows at the prior that {@code target} adds to every value (default
 *                  {@value #DEFAULT_SMOOTHING}): a value seen in few rows stays near the prior
 * @param folds     folds of the out-of-fold training encoding of {@code target} (default
 *                  {@value #DEFAULT_FOLDS})
 * @param dimensions {@code embedding}: the embedding's width; by default
 *                  {@link #defaultDimensions} of the kept vocabulary
 * @param maxValues {@code embedding}: the most frequent training values kept (default
 *                  {@value #DEFAULT_MAX_VALUES}); {@code words}: the words kept (default
 *                  {@value #DEFAULT_MAX_WORDS}); a cut is warned about and counted like one-hot's
 */
public record CategoricalEncodingSpec(
    @JsonPropertyDescription("How the column becomes inputs. Without an entry a column is "
        + "one-hot, or `words` when its training values are mostly distinct and hold "
        + WordsFitter.TEXT_MIN_WORDS_PER_VALUE + " words or more each (free text: a review, a name "
        + "with its title); naming `one_hot` keeps its values.")
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
    Integer folds,
    @JsonPropertyDescription("`embedding`: the embedding's width. Default: `min(32, round(1.6 * "
        + "n^0.56))` for a kept vocabulary of `n` values plus one. Allowed: `[1, 1024]`.")
    Integer dimensions,
    @JsonPropertyDescription("Default: `" + DEFAULT_MAX_VALUES + "` for `embedding`, `"
        + DEFAULT_MAX_WORDS + "` for `words`. `embedding`: the most frequent training values that "
        + "get an embedding of their own; the others share one. `words`: the words kept, in the "
        + "most training values. Allowed: `[1, 1000000]`; for `words` at most `" + MAX_WORDS
        + "`.")
    Integer maxValues) {
  public static final String ONE_HOT = "one_hot";
  public static final String HASHING = "hashing";
  public static final String TARGET = "target";
  public static final String EMBEDDING = "embedding";
  public static final String WORDS = "words";
  public static final List<String> ENCODINGS = List.of(ONE_HOT, HASHING, TARGET, EMBEDDING,
      WORDS);
  public static final int DEFAULT_MAX_VALUES = 10_000;
  /**
   * Words a {@code words} input keeps by default: text needs far more than a category's 100 slots
   * (4,000 food reviews: test ROC AUC 0.755 with 100 words, 0.784 with 300, 0.814 with 1,000, where
   * a logistic regression on the same 1,000 reached 0.809).
   */
  public static final int DEFAULT_MAX_WORDS = 1_000;
  /** A words input this wide is more slots than a dense first layer should take. */
  public static final int MAX_WORDS = 100_000;
  /** An embedding wider than this is more parameters than a tabular network can learn. */
  public static final int MAX_DIMENSIONS = 1024;
  /** A vocabulary larger than this does not fit an embedding table a worker should hold. */
  public static final int MAX_VALUES = 1_000_000;
  /** The default width's ceiling: wide enough for thousands of values, small next to the layers. */
  private static final int MAX_DEFAULT_DIMENSIONS = 32;
  /** fast.ai's rule of thumb for tabular embeddings, {@code 1.6 * n^0.56}. */
  private static final double DIMENSIONS_FACTOR = 1.6;
  private static final double DIMENSIONS_EXPONENT = 0.56;
  public static final int DEFAULT_BUCKETS = 64;
  public static final double DEFAULT_SMOOTHING = 10;
  public static final int DEFAULT_FOLDS = 5;
  /** Fewer than two folds leaves no other fold to encode a training row from. */
  private static final int MIN_FOLDS = 2;
  /** More folds than this only thins each fold; 20 is already leave-5 %-out. */
  private static final int MAX_FOLDS = 20;
  public static final CategoricalEncodingSpec DEFAULT = new CategoricalEncodingSpec(null, null,
      null, null, null, null);

  public CategoricalEncodingSpec {
    encoding = encoding == null ? ONE_HOT : encoding;
    buckets = buckets == null ? DEFAULT_BUCKETS : buckets;
    smoothing = smoothing == null ? DEFAULT_SMOOTHING : smoothing;
    folds = folds == null ? DEFAULT_FOLDS : folds;
    maxValues = maxValues == null
        ? WORDS.equals(encoding) ? DEFAULT_MAX_WORDS : DEFAULT_MAX_VALUES : maxValues;
  }

  /**
   * The embedding width for a table of {@code rows} rows when {@code dimensions} is unset: fast.ai's
   * {@code round(1.6 * rows^0.56)}, at most {@value #MAX_DEFAULT_DIMENSIONS} (2 rows: 2 dimensions,
   * 100: 21, from about 210: 32).
   */
  public static int defaultDimensions(int rows) {
    return (int) Math.max(1, Math.min(MAX_DEFAULT_DIMENSIONS,
        Math.round(DIMENSIONS_FACTOR * Math.pow(rows, DIMENSIONS_EXPONENT))));
  }

  /** The embedding width of a table of {@code rows} rows under this spec. */
  public int dimensionsFor(int rows) {
    return dimensions != null ? dimensions : defaultDimensions(rows);
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
    if (dimensions != null) {
      errors.require(dimensions >= 1 && dimensions <= MAX_DIMENSIONS, "dimensions",
          "must be in [1, " + MAX_DIMENSIONS + "], got " + dimensions);
    }
    errors.require(maxValues >= 1 && maxValues <= MAX_VALUES, "max_values",
        "must be in [1, " + MAX_VALUES + "], got " + maxValues);
    errors.require(!WORDS.equals(encoding) || maxValues <= MAX_WORDS, "max_values",
        "must be at most " + MAX_WORDS + " words for words, got " + maxValues);
  }
}
