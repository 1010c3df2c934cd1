package org.deepline.quality;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.deepline.core.Json;

/**
 * The most frequent values of a string column in the same aggregation as every other statistic
 * (Spark has no built-in top-k aggregate; a {@code groupBy} per column would be a job per column).
 *
 * <p>A Misra-Gries summary of {@value #COUNTERS} counters: memory and work per row stay constant
 * however many distinct values the column has (an id column costs one decrement of all counters per
 * {@value #COUNTERS} rows), and summaries of partitions merge. A column with at most
 * {@value #COUNTERS} distinct values is counted exactly; otherwise each count is a lower bound off
 * by at most rows / ({@value #COUNTERS} + 1), and {@link TopValue#exact()} is false.
 */
public final class TopValues extends Aggregator<String, TopValues.Summary, String> {
  /** Counters kept per column: enough for the categories of a typical categorical column. */
  static final int COUNTERS = 256;

  /** One of a column's most frequent values and its (possibly lower-bound) count. */
  public record TopValue(String value, long count, boolean exact) {}

  /**
   * What the aggregate returns.
   *
   * @param top    the k most frequent values
   * @param values every distinct value, sorted, when the column has at most {@value #MAX_LISTED}
   *               (counted exactly); empty otherwise
   * @param min    the smallest value (Spark's string order: by UTF-8 bytes), null when none
   * @param max    the largest value
   */
  public record Result(List<TopValue> top, List<String> values, String min, String max) {}

  /** A column with at most this many distinct values has them all listed (for allowed values). */
  static final int MAX_LISTED = 20;

  private final int k;

  public TopValues(int k) {
    this.k = k;
  }

  /** Value -> count, at most {@value #COUNTERS} entries, and whether a decrement ever happened. */
  public static final class Summary implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashMap<String, long[]> counts = new HashMap<>();
    boolean decremented;
    /** Kept here, not by Spark's min/max: each value is converted to a String once, for both. */
    String min;
    String max;

    void extremes(String value) {
      if (min == null || compareUtf8(value, min) < 0) {
        min = value;
      }
      if (max == null || compareUtf8(value, max) > 0) {
        max = value;
      }
    }

    void add(String value, long count) {
      long[] counter = counts.get(value);
      if (counter != null) {
        counter[0] += count;
        return;
      }
      counts.put(value, new long[] {count});
      if (counts.size() > COUNTERS) {
        shrink();
      }
    }

    /** Subtracts the smallest count that brings the summary back to at most COUNTERS entries. */
    private void shrink() {
      long[] sorted = counts.values().stream().mapToLong(c -> c[0]).sorted().toArray();
      long cut = sorted[sorted.length - COUNTERS - 1];
      counts.values().forEach(c -> c[0] -= cut);
      counts.values().removeIf(c -> c[0] <= 0);
      decremented = true;
    }
  }

  @Override
  public Summary zero() {
    return new Summary();
  }

  @Override
  public Summary reduce(Summary summary, String value) {
    if (value != null) {
      summary.add(value, 1);
      summary.extremes(value);
    }
    return summary;
  }

  @Override
  public Summary merge(Summary left, Summary right) {
    left.decremented |= right.decremented;
    if (right.min != null) {
      left.extremes(right.min);
      left.extremes(right.max);
    }
    right.counts.forEach((value, count) -> left.add(value, count[0]));
    return left;
  }

  /**
   * The k largest counts, most frequent first (ties by value), and every value of a column with few,
   * as JSON for the result row.
   */
  @Override
  public String finish(Summary summary) {
    List<TopValue> top = new ArrayList<>();
    summary.counts.entrySet().stream()
        .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0])
            .thenComparing(Map.Entry::getKey))
        .limit(k)
        .forEach(e -> top.add(new TopValue(e.getKey(), e.getValue()[0], !summary.decremented)));
    List<String> values = !summary.decremented && summary.counts.size() <= MAX_LISTED
        ? summary.counts.keySet().stream().sorted().toList() : List.of();
    return Json.writeCompact(new Result(top, values, summary.min, summary.max));
  }

  /**
   * Spark orders strings by their UTF-8 bytes, which is code point order; Java's
   * {@code compareTo} orders UTF-16 units, which differs for characters beyond the BMP.
   */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  @Override
  public Encoder<Summary> bufferEncoder() {
    return Encoders.javaSerialization(Summary.class);
  }

  @Override
  public Encoder<String> outputEncoder() {
    return Encoders.STRING();
  }

  static Result parse(String json) {
    return Json.read(json, Result.class, "top values");
  }
}
