package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;

/**
 * A hashed feature cross: the combination of two or three values, hashed into {@code buckets}
 * one-hot slots. Crosses let a small network see interactions (contract x internet service) that it
 * would otherwise have to learn from the separate one-hot columns. A crossed column is a categorical
 * column (its raw value, whatever its encoding) or a numeric column binned in
 * {@code numeric_transforms} (its bin): a bucketised numeric x categorical cross such as
 * tenure band x contract.
 *
 * <pre>{@code
 * "crosses": [{"columns": ["contract", "internet_service"]},
 *             {"columns": ["tenure", "contract", "payment_method"], "buckets": 256}]
 * }</pre>
 */
public record CrossSpec(
    @JsonPropertyDescription("The columns whose value combination is crossed: a categorical "
        + "column by its raw value (whatever its encoding), a binned numeric column by its bin "
        + "(bucketised numeric x categorical). Allowed: 2 or 3 distinct columns, each listed in "
        + "`features.categorical` or a `features.numeric` column with `bins`.")
    @Required
    List<String> columns,
    @JsonPropertyDescription("One-hot slots the combination is hashed into (64-bit FNV-1a of the "
        + "tokens joined by U+001F, a bin written `bin:<index>`; stable across JVMs and Spark "
        + "versions, and a two-column cross keeps the bucket it had before three-column crosses "
        + "existed). Allowed: `(0, 1048576]`.")
    Integer buckets) {
  public static final int DEFAULT_BUCKETS = 64;
  public static final int MAX_BUCKETS = 1 << 20;
  private static final int MIN_COLUMNS = 2;
  private static final int MAX_COLUMNS = 3;

  public CrossSpec {
    columns = columns == null ? List.of() : List.copyOf(columns);
    buckets = buckets == null ? DEFAULT_BUCKETS : buckets;
  }

  public String name() {
    return String.join("_x_", columns);
  }

  /**
   * @param categorical the declared categorical columns
   * @param binned      the numeric columns with bins
   * @param numeric     every declared numeric column, to say why an unbinned one cannot be crossed
   */
  public void validate(ConfigErrors errors, List<String> categorical, Set<String> binned,
      List<String> numeric) {
    if (columns.size() < MIN_COLUMNS || columns.size() > MAX_COLUMNS) {
      errors.add("columns", "a cross takes " + MIN_COLUMNS + " or " + MAX_COLUMNS + " columns, got "
          + columns.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      String field = "columns[" + i + "]";
      if (numeric.contains(column) && !binned.contains(column)) {
        errors.add(field, column + " is numeric without bins; a cross needs discrete values: add "
            + "numeric_transforms." + column + ".bins");
      } else if (!categorical.contains(column) && !binned.contains(column)) {
        errors.add(field, "must be one of features.categorical or a binned features.numeric, got "
            + column);
      }
      errors.require(seen.add(column), field, column + " is listed twice");
    }
    errors.requirePositive(buckets, "buckets");
    errors.require(buckets <= MAX_BUCKETS, "buckets", "must be <= " + MAX_BUCKETS + ", got " + buckets);
  }
}
