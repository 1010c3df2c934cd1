package org.deepline.quality;

import java.util.List;
import java.util.Map;

/**
 * One column's statistics from the one-pass profile.
 *
 * @param name      the column
 * @param type      Spark's name of its type ({@code bigint}, {@code string}, ...)
 * @param nulls     rows where it is null
 * @param distinct  approximate distinct non-null values (HyperLogLog++,
 *                  {@value Profiler#DISTINCT_RELATIVE_ERROR} relative standard deviation); null for
 *                  types HyperLogLog cannot hash (arrays, maps, structs)
 * @param min       the smallest value as text; null for unordered types or an all-null column
 * @param max       the largest value as text
 * @param mean      mean of a numeric column, else null
 * @param stddev    sample standard deviation of a numeric column (null with fewer than 2 values)
 * @param quantiles approximate quantiles of a numeric column, keyed by probability ({@code "0.5"})
 * @param topValues the most frequent values of a string column, most frequent first; empty otherwise
 * @param values    every distinct value of a string column that has at most
 *                  {@value TopValues#MAX_LISTED}, sorted; empty otherwise
 */
public record ColumnProfile(String name, String type, long nulls, Long distinct, String min,
    String max, Double mean, Double stddev, Map<String, Double> quantiles,
    List<TopValues.TopValue> topValues, List<String> values) {

  public ColumnProfile {
    quantiles = quantiles == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(quantiles));
    topValues = topValues == null ? List.of() : List.copyOf(topValues);
    values = values == null ? List.of() : List.copyOf(values);
  }

  /** Share of rows that are null, 0 for an empty table. */
  public double nullFraction(long rows) {
    return rows == 0 ? 0.0 : (double) nulls / rows;
  }

  public boolean numeric() {
    return mean != null || Profiler.NUMERIC_TYPES.contains(type) || type.startsWith("decimal");
  }
}
