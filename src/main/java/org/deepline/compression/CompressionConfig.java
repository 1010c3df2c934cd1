package org.deepline.compression;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * Post-training compression ({@code compress}).
 *
 * @param method         {@code int8} (per-layer int8 weight quantisation) or {@code prune}
 *                       (magnitude pruning to {@code target_sparsity})
 * @param targetSparsity {@code prune} only: share of each layer's weights set to zero, in (0, 1)
 * @param modelVersion   the model to compress; the newest registered model of the data set trained
 *                       on the run date or earlier when absent
 */
public record CompressionConfig(
    @JsonPropertyDescription("`int8`: every layer's weights rounded to 255 levels of one "
        + "per-layer scale (max |w| / 127), version `<version>-int8`. `prune`: the "
        + "`target_sparsity` share of each layer's weights with the smallest magnitude set to "
        + "zero, version `<version>-pruned<percent>`. Biases are kept as they are.")
    @OneOf("METHODS")
    String method,
    @JsonPropertyDescription("Share of each layer's weights set to zero. Allowed: `(0, 1)`; only "
        + "with `prune`. When unset: `0.5`.")
    Double targetSparsity,
    @JsonPropertyDescription("The model to compress. Allowed: a version in `_deepline/models`, or "
        + "an alias such as `champion`. When unset: newest registered model of the data set "
        + "trained on the run date or earlier.")
    String modelVersion) {
  public static final String INT8 = "int8";
  public static final String PRUNE = "prune";
  public static final List<String> METHODS = List.of(INT8, PRUNE);
  public static final double DEFAULT_TARGET_SPARSITY = 0.5;

  public CompressionConfig {
    method = method == null ? INT8 : method;
  }

  public static CompressionConfig defaults() {
    return new CompressionConfig(null, null, null);
  }

  /** The sparsity pruning aims at: the configured one or {@value #DEFAULT_TARGET_SPARSITY}. */
  public double sparsity() {
    return targetSparsity == null ? DEFAULT_TARGET_SPARSITY : targetSparsity;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(method, METHODS, "method");
    if (targetSparsity != null) {
      errors.require(PRUNE.equals(method), "target_sparsity", "has no effect with method " + method
          + "; remove it or set method to " + PRUNE);
      errors.requireFraction(targetSparsity, "target_sparsity", false, false);
    }
  }
}
