package org.deepline.features;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import org.deepline.core.ConfigErrors;
import org.deepline.core.Required;
import org.deepline.etl.ColumnSpec;

/**
 * A sinusoidal (transformer-style) encoding of a position or time, declared under
 * {@code features.positional}: {@code dimensions} slots of sines and cosines of the position at
 * wavelengths from {@code 2 pi} to {@code 2 pi max_period}. The column is numeric (a sequence index,
 * a step) or a date/timestamp (counted in days since 1970-01-01 UTC). Unlike a standardised number,
 * the encoding lets a network tell positions apart at every scale at once; unlike a calendar part, it
 * has no period of its own.
 *
 * <pre>{@code
 * "positional": [{"column": "flight_date", "dimensions": 8, "max_period": 3650}]
 * }</pre>
 *
 * @param column     a declared numeric, date or timestamp column
 * @param dimensions slots, even (default {@value #DEFAULT_DIMENSIONS})
 * @param maxPeriod  the longest wavelength over {@code 2 pi}, in the column's units (default
 *                   {@value #DEFAULT_MAX_PERIOD}, as in the transformer paper)
 */
public record PositionalSpec(
    @JsonPropertyDescription("The position: a number as it is, a date or timestamp in days since "
        + "1970-01-01 UTC. It may also be listed as a numeric or datetime feature. Allowed: a "
        + "declared numeric, `date` or `timestamp` column.")
    @Required
    String column,
    @JsonPropertyDescription("Inputs `<column>.pos_sin<i>`, `<column>.pos_cos<i>` for `i < "
        + "dimensions / 2`. Allowed: even, `[2, 256]`.")
    Integer dimensions,
    @JsonPropertyDescription("Slot pair `i` is `sin` and `cos` of `p / max_period^(2i / "
        + "dimensions)`: wavelengths from `2 pi` to `2 pi max_period` in the column's units. "
        + "Allowed: `> 1`, finite.")
    Double maxPeriod) {
  public static final int DEFAULT_DIMENSIONS = 8;
  public static final double DEFAULT_MAX_PERIOD = 10_000;
  /** Wider than this, the slots only repeat what the neighbouring wavelengths say. */
  private static final int MAX_DIMENSIONS = 256;

  public PositionalSpec {
    dimensions = dimensions == null ? DEFAULT_DIMENSIONS : dimensions;
    maxPeriod = maxPeriod == null ? DEFAULT_MAX_PERIOD : maxPeriod;
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    errors.requireColumn(column, columns, "column");
    ColumnSpec spec = column == null ? null : columns.get(column);
    if (spec != null && !spec.isNumeric() && !"date".equals(spec.type())
        && !"timestamp".equals(spec.type())) {
      errors.add("column", column + " is declared " + spec.type()
          + "; a position is a number, a date or a timestamp");
    }
    errors.require(dimensions >= 2 && dimensions <= MAX_DIMENSIONS && dimensions % 2 == 0,
        "dimensions", "must be an even number in [2, " + MAX_DIMENSIONS + "], got " + dimensions);
    errors.require(maxPeriod > 1 && Double.isFinite(maxPeriod), "max_period",
        "must be a finite number > 1, got " + maxPeriod);
  }
}
