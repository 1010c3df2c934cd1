package org.deepline.quality;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.util.HyperLogLogPlusPlusHelper;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The profile of a wide table's number and text columns, computed by one pass over each partition
 * that updates every column's statistics in plain Java, and a merge of the partitions' states: the
 * same statistics as {@link Profiler}'s aggregation, computed the same way (Spark's own HyperLogLog++
 * over the column's own type, Spark's formulas for the mean and the standard deviation,
 * {@link Quantiles} and {@link TopValues}), so that both give one column the same profile.
 *
 * <p>Why: Spark evaluates an aggregation of seven statistics for each of 1,500 columns, an
 * aggregate buffer of about 12,000 fields, interpreted (its generated code for such a plan is too
 * large to compile well), at about 10 microseconds a value: {@code validate} of a 8,190 x 1,503
 * table took 143 s; stacked into one row per value and grouped by column, still 20 to 37 s. Here a
 * value costs a few tens of nanoseconds.
 */
final class WideProfile {
  private WideProfile() {}

  /** Whether a column of {@code type} is profiled here when its table is wide. */
  static boolean profiled(DataType type) {
    return whole(type) || fraction(type) || type instanceof StringType;
  }

  private static boolean whole(DataType type) {
    return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
        || type instanceof LongType;
  }

  private static boolean fraction(DataType type) {
    return type instanceof FloatType || type instanceof DoubleType;
  }

  /**
   * The profiles of the columns at {@code indices} of {@code rows} (each {@link #profiled}), by
   * index.
   *
   * @param rowCount the table's rows, for the null counts
   */
  static Map<Integer, ColumnProfile> profile(Dataset<Row> rows, List<Integer> indices,
      long rowCount, int topK) {
    StructField[] fields = rows.schema().fields();
    int[] at = indices.stream().mapToInt(Integer::intValue).toArray();
    DataType[] types = indices.stream().map(i -> fields[i].dataType()).toArray(DataType[]::new);
    JavaRDD<InternalRow> internal = rows.queryExecution().toRdd().toJavaRDD();
    List<ColumnState> merged = internal.mapPartitions(partition -> {
      List<ColumnState> states = new ArrayList<>(at.length);
      for (DataType type : types) {
        states.add(new ColumnState(type, topK));
      }
      while (partition.hasNext()) {
        InternalRow row = partition.next();
        for (int c = 0; c < at.length; c++) {
          states.get(c).add(row, at[c]);
        }
      }
      return Collections.singletonList(states).iterator();
    }).fold(null, WideProfile::merge);
    Map<Integer, ColumnProfile> profiles = new LinkedHashMap<>();
    for (int c = 0; c < at.length; c++) {
      ColumnState state = merged == null ? new ColumnState(types[c], topK) : merged.get(c);
      profiles.put(at[c], state.profile(fields[at[c]], rowCount));
    }
    return profiles;
  }

  private static List<ColumnState> merge(List<ColumnState> left, List<ColumnState> right) {
    if (left == null) {
      return right;
    }
    if (right == null) {
      return left;
    }
    for (int c = 0; c < left.size(); c++) {
      left.get(c).merge(right.get(c));
    }
    return left;
  }

  /** One column's statistics over the rows seen so far. */
  static final class ColumnState implements Serializable {
    private static final long serialVersionUID = 1L;
    private final DataType type;
    private final HyperLogLogPlusPlusHelper distinct =
        new HyperLogLogPlusPlusHelper(Profiler.DISTINCT_RELATIVE_ERROR);
    private final InternalRow registers;
    private long present;
    /** Spark's {@code avg}: the sum of the values as doubles, divided by their count. */
    private double sum;
    /** Spark's {@code stddev_samp} (its central moments): count, running mean, sum of squares. */
    private double moments;
    private double mean;
    private double squares;
    private long wholeMin = Long.MAX_VALUE;
    private long wholeMax = Long.MIN_VALUE;
    private double fractionMin = Double.NaN;
    private double fractionMax = Double.NaN;
    private final Quantiles quantiles = new Quantiles(Profiler.QUANTILES);
    private final Quantiles.Sketch sketch;
    private final TopValues top;
    private final TopValues.Summary summary;

    ColumnState(DataType type, int topK) {
      this.type = type;
      List<DataType> words = Collections.nCopies(distinct.numWords(), DataTypes.LongType);
      this.registers = new SpecificInternalRow(new StructType(words.stream()
          .map(word -> new StructField("w", word, false, Metadata.empty()))
          .toArray(StructField[]::new)));
      boolean text = type instanceof StringType;
      this.sketch = text ? null : quantiles.zero();
      this.top = text ? new TopValues(topK) : null;
      this.summary = text ? top.zero() : null;
    }

    void add(InternalRow row, int ordinal) {
      if (row.isNullAt(ordinal)) {
        return;
      }
      present++;
      if (type instanceof StringType) {
        UTF8String text = row.getUTF8String(ordinal);
        distinct.update(registers, 0, text, type);
        top.reduce(summary, text.toString());
        return;
      }
      Object value = row.get(ordinal, type);
      distinct.update(registers, 0, value, type);
      double number = ((Number) value).doubleValue();
      if (whole(type)) {
        long exact = ((Number) value).longValue();
        wholeMin = Math.min(wholeMin, exact);
        wholeMax = Math.max(wholeMax, exact);
      } else {
        fractionMin = present == 1 ? number : sparkMin(fractionMin, number);
        fractionMax = present == 1 ? number : sparkMax(fractionMax, number);
      }
      sum += number;
      double n = moments + 1;
      double delta = number - mean;
      double deltaN = delta / n;
      mean += deltaN;
      squares += delta * (delta - deltaN);
      moments = n;
      quantiles.reduce(sketch, number);
    }

    void merge(ColumnState other) {
      if (other.present == 0) {
        return;
      }
      distinct.merge(registers, other.registers, 0, 0);
      if (type instanceof StringType) {
        top.merge(summary, other.summary);
        present += other.present;
        return;
      }
      wholeMin = Math.min(wholeMin, other.wholeMin);
      wholeMax = Math.max(wholeMax, other.wholeMax);
      fractionMin = present == 0 ? other.fractionMin : sparkMin(fractionMin, other.fractionMin);
      fractionMax = present == 0 ? other.fractionMax : sparkMax(fractionMax, other.fractionMax);
      sum += other.sum;
      // Spark's merge of central moments (CentralMomentAgg.mergeExpressions).
      double n = moments + other.moments;
      double delta = other.mean - mean;
      double deltaN = n == 0 ? 0.0 : delta / n;
      mean += deltaN * other.moments;
      squares += other.squares + delta * deltaN * moments * other.moments;
      moments = n;
      quantiles.merge(sketch, other.sketch);
      present += other.present;
    }

    ColumnProfile profile(StructField field, long rowCount) {
      long distinctCount = distinct.query(registers, 0);
      String name = field.name();
      String typeName = field.dataType().simpleString();
      if (type instanceof StringType) {
        TopValues.Result result = TopValues.parse(top.finish(summary));
        return new ColumnProfile(name, typeName, rowCount - present, distinctCount, result.min(),
            result.max(), null, null, Map.of(), result.top(), result.values());
      }
      Map<String, Double> quantileValues = new LinkedHashMap<>();
      List<Double> values = Quantiles.parse(quantiles.finish(sketch));
      for (int q = 0; q < values.size(); q++) {
        quantileValues.put(Profiler.QUANTILES.get(q).toString(), values.get(q));
      }
      Double average = present == 0 ? null : finite(sum / present);
      Double deviation = moments < 2 ? null : finite(Math.sqrt(squares / (moments - 1)));
      return new ColumnProfile(name, typeName, rowCount - present, distinctCount,
          extreme(wholeMin, fractionMin), extreme(wholeMax, fractionMax), average, deviation,
          quantileValues, List.of(), List.of());
    }

    /** A minimum or maximum printed as Spark casts the column's type to a string. */
    private String extreme(long whole, double fraction) {
      if (present == 0) {
        return null;
      }
      if (whole(type)) {
        return Long.toString(whole);
      }
      return type instanceof FloatType ? Float.toString((float) fraction)
          : Double.toString(fraction);
    }

    private static Double finite(double value) {
      return Double.isNaN(value) ? null : value;
    }

    /** Spark orders NaN above every other number. */
    private static double sparkMin(double left, double right) {
      return Double.isNaN(left) ? right : Double.isNaN(right) ? left : Math.min(left, right);
    }

    private static double sparkMax(double left, double right) {
      return Double.isNaN(left) || Double.isNaN(right) ? Double.NaN : Math.max(left, right);
    }
  }
}
