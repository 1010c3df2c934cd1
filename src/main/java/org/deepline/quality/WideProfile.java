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
import org.deepline.core.SparkDoubles;
import scala.Tuple2;

/**
 * The profile of a wide table's number and text columns, computed by one pass over each partition
 * that updates every column's statistics in plain Java, the partitions' states merged by column on
 * the executors and finished there: the
 * same statistics as {@link Profiler}'s aggregation, computed the same way (Spark's own HyperLogLog++
 * over the column's own type, Spark's formulas for the mean and the standard deviation,
 * {@link Quantiles} and {@link TopValues}), so that both give one column the same profile.
 *
 * <p>Why: Spark evaluates an aggregation of seven statistics for each of 1,500 columns (about
 * 10,500 aggregates) interpreted (its generated code for such a plan is too large to compile
 * well), at about 10 microseconds a value: {@code validate} of a 8,190 x 1,503 table took 143 s;
 * stacked into one row per value and grouped by column, still 20 to 37 s. Here a value costs about
 * a tenth of a microsecond (the profile of that table about 1.5 s beyond reading it).
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
    // Each partition's state of each column is merged with the other partitions' by column on the
    // executors, as an aggregation's buffers are, and finished there: the driver gets a few numbers
    // and strings per column, never the sketches (a quantile sketch level is 32 KB a column).
    Map<Integer, Finished> finished = internal.mapPartitionsToPair(partition -> {
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
      List<Tuple2<Integer, ColumnState>> byColumn = new ArrayList<>(at.length);
      for (int c = 0; c < at.length; c++) {
        byColumn.add(new Tuple2<>(c, states.get(c)));
      }
      return byColumn.iterator();
    }).reduceByKey(ColumnState::merge, Math.max(1, internal.getNumPartitions()))
        .mapToPair(column -> new Tuple2<>(column._1(), column._2().finish()))
        .collectAsMap();
    Map<Integer, ColumnProfile> profiles = new LinkedHashMap<>();
    for (int c = 0; c < at.length; c++) {
      Finished column = finished.containsKey(c) ? finished.get(c)
          : new ColumnState(types[c], topK).finish();
      profiles.put(at[c], column.profile(fields[at[c]], rowCount));
    }
    return profiles;
  }

  /** A column's statistics, finished where its state was merged: what the driver receives. */
  record Finished(long present, long distinct, String min, String max, Double mean,
      Double stddev, String quantiles, String top) implements Serializable {
    /** HyperLogLog's estimate, at most the values present (as {@link Profiler} keeps it). */
    private long atMostPresent() {
      return Math.min(present, distinct);
    }

    ColumnProfile profile(StructField field, long rowCount) {
      String name = field.name();
      String typeName = field.dataType().simpleString();
      if (top != null) {
        TopValues.Result result = TopValues.parse(top);
        return new ColumnProfile(name, typeName, rowCount - present, atMostPresent(), result.min(),
            result.max(), null, null, Map.of(), result.top(), result.values());
      }
      Map<String, Double> quantileValues = new LinkedHashMap<>();
      List<Double> values = Quantiles.parse(quantiles);
      for (int q = 0; q < values.size(); q++) {
        quantileValues.put(Profiler.QUANTILES.get(q).toString(), values.get(q));
      }
      return new ColumnProfile(name, typeName, rowCount - present, atMostPresent(), min, max, mean,
          stddev, quantileValues, List.of(), List.of());
    }
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
        fractionMin = present == 1 ? number : SparkDoubles.min(fractionMin, number);
        fractionMax = present == 1 ? number : SparkDoubles.max(fractionMax, number);
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

    /** This state with {@code other}'s rows added; returns this. */
    ColumnState merge(ColumnState other) {
      if (other.present == 0) {
        return this;
      }
      distinct.merge(registers, other.registers, 0, 0);
      if (type instanceof StringType) {
        top.merge(summary, other.summary);
        present += other.present;
        return this;
      }
      wholeMin = Math.min(wholeMin, other.wholeMin);
      wholeMax = Math.max(wholeMax, other.wholeMax);
      fractionMin = present == 0 ? other.fractionMin
          : SparkDoubles.min(fractionMin, other.fractionMin);
      fractionMax = present == 0 ? other.fractionMax
          : SparkDoubles.max(fractionMax, other.fractionMax);
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
      return this;
    }

    /** The column's statistics from this state, as few numbers and strings. */
    Finished finish() {
      long distinctCount = distinct.query(registers, 0);
      if (type instanceof StringType) {
        return new Finished(present, distinctCount, null, null, null, null, null,
            top.finish(summary));
      }
      Double average = present == 0 ? null : finite(sum / present);
      Double deviation = moments < 2 ? null : finite(Math.sqrt(squares / (moments - 1)));
      return new Finished(present, distinctCount, extreme(wholeMin, fractionMin),
          extreme(wholeMax, fractionMax), average, deviation, quantiles.finish(sketch), null);
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
  }
}
