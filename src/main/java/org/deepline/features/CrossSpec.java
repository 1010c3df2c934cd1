package org.deepline.features;

import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * A hashed feature cross: the combination of two categorical values, hashed into {@code buckets}
 * one-hot slots. Crosses let a small network see interactions (contract x internet service) that it
 * would otherwise have to learn from the separate one-hot columns.
 */
public record CrossSpec(List<String> columns, Integer buckets) {
  public static final int DEFAULT_BUCKETS = 64;
  public static final int MAX_BUCKETS = 1 << 20;

  public CrossSpec {
    columns = columns == null ? List.of() : List.copyOf(columns);
    buckets = buckets == null ? DEFAULT_BUCKETS : buckets;
  }

  public String name() {
    return String.join("_x_", columns);
  }

  public void validate(ConfigErrors errors, List<String> categorical) {
    if (columns.size() != 2) {
      errors.add("columns", "a cross takes exactly 2 columns, got " + columns.size());
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!categorical.contains(columns.get(i))) {
        errors.add("columns[" + i + "]", "must be one of features.categorical, got "
            + columns.get(i));
      }
    }
    errors.requirePositive(buckets, "buckets");
    errors.require(buckets <= MAX_BUCKETS, "buckets", "must be <= " + MAX_BUCKETS + ", got " + buckets);
  }
}
