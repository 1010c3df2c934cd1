package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;

/**
 * A numeric product feature, declared under {@code features.products}: the product of two or three
 * numeric inputs after each is scaled as {@code numeric_transforms} says (standardised by default),
 * one slot; a column may appear twice (a square term). Binned inputs have no single scaled value; cross their bins instead ({@link CrossSpec}).
 *
 * <pre>{@code
 * "products": [{"columns": ["tenure", "monthly_charges"]}]
 * }</pre>
 */
public record ProductSpec(
    @JsonPropertyDescription("One input, `<a>_times_<b>`: the product of the columns' scaled "
        + "values (after clip, log1p, imputation and scaling), an interaction term. Allowed: 2 "
        + "or 3 `features.numeric` columns without `bins`; a column may appear twice (a square).")
    @Required
    List<String> columns) {
  private static final int MIN_COLUMNS = 2;
  private static final int MAX_COLUMNS = 3;

  public ProductSpec {
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public String name() {
    return String.join("_times_", columns);
  }

  public void validate(ConfigErrors errors, List<String> numeric, Set<String> binned) {
    if (columns.size() < MIN_COLUMNS || columns.size() > MAX_COLUMNS) {
      errors.add("columns", "a product takes " + MIN_COLUMNS + " or " + MAX_COLUMNS
          + " columns, got " + columns.size());
    }
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      String field = "columns[" + i + "]";
      if (!numeric.contains(column)) {
        errors.add(field, "must be one of features.numeric, got " + column);
      } else if (binned.contains(column)) {
        errors.add(field, column + " is binned (numeric_transforms." + column + ".bins) and has no "
            + "single scaled value to multiply; list it in a cross instead");
      }
    }
  }
}
