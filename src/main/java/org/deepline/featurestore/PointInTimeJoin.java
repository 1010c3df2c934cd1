package org.deepline.featurestore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType$;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * Point-in-time correct joins: each label row (entity, label time) gets, from each feature table, the
 * feature row of its entity with the latest event time at or before the label time (and, with a TTL,
 * no older than the TTL), or nulls when there is none. A training row thus sees only what was known
 * when its label was observed.
 *
 * <pre>{@code
 * Dataset<Row> training = PointInTimeJoin.join(flights, "date", List.of(
 *     PointInTimeJoin.FeatureSource.of("airport_daily", airportDaily, List.of("airport"), "event_time")
 *         .joinedOn(List.of("origin")).withTtl(Duration.ofDays(7))));
 * // flights' columns, then airport_daily's feature columns and airport_daily_event_time
 * }</pre>
 *
 * <p><b>How, and why this way.</b> A join on the entity with {@code feature time <= label time} is a
 * non-equi join: Spark plans it as a sort-merge join on the entity followed by a filter, which pairs
 * every label row with the entity's whole feature history (an airport's 180 days for each of its
 * 10,000 flights) before keeping one row, and a key-less one becomes a broadcast nested loop join.
 * Instead the label rows and the feature rows are unioned into one frame, partitioned by the entity,
 * sorted by time (a feature row before a label row of the same time, so a feature stamped exactly at
 * the label time counts) and the last non-null feature struct is carried forward with
 * {@code last(feature, ignoreNulls = true)} over an unbounded-preceding window; the label rows are then
 * kept. Each row is shuffled once and sorted once per feature table, whatever an entity's history:
 * the physical plan per feature table is {@code Exchange hashpartitioning(entity) -> Sort -> Window
 * -> Filter} over a {@code Union}, with no cartesian product, broadcast nested loop join or
 * sort-merge join. Time-bucketed range joins avoid the blow-up too but need a bucket size that suits
 * the data and a second pass for rows whose latest feature lies several buckets back; the window
 * needs neither. Its cost is that a hot entity's rows share one task (one airport's rows are sorted
 * together), which a sort spills to disk when it has to.
 *
 * <p>The feature values travel as one struct, so a null value in the latest feature row stays null
 * (it is not filled from an older row, as a per-column {@code last(ignoreNulls)} would). Feature rows
 * of one entity with equal event times are ordered by their values, so the one kept (the greatest
 * struct of event time and values, nulls lowest) does not depend on partitioning. Feature rows with a
 * null entity key or event time are ignored; a label row with a null key or time gets no features.
 * Event times and label times may be dates, timestamps or {@code timestamp_ntz} (compared as
 * timestamps in the session time zone).
 */
public final class PointInTimeJoin {
  /** The suffix of the column that holds the matched feature row's event time, per feature table. */
  public static final String EVENT_TIME_SUFFIX = "_event_time";
  private static final String TIME = "__pit_time";
  private static final String KIND = "__pit_kind";
  private static final String FEATURE = "__pit_feature";
  private static final String MATCHED = "__pit_matched";
  private static final String FEATURE_TIME = "__pit_event_time";
  /** Feature rows sort before label rows of the same time, so they count as "at or before". */
  private static final int FEATURE_ROW = 0;
  private static final int LABEL_ROW = 1;
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long NANOS_PER_MICRO = 1_000L;

  private PointInTimeJoin() {}

  /**
   * One feature table as a join reads it.
   *
   * @param table          the table's name: in error messages and in the output column
   *                       {@code <table>_event_time}
   * @param rows           the feature rows (entity keys, event time, feature columns)
   * @param entityKeys     the entity key columns of {@code rows}
   * @param labelKeys      the label columns matched to {@code entityKeys}, in the same order
   * @param eventTime      the event-time column of {@code rows}: date, timestamp or timestamp_ntz
   * @param featureColumns the columns carried to the label rows
   * @param ttl            a feature row older than this at the label time is not used; null for none
   */
  public record FeatureSource(String table, Dataset<Row> rows, List<String> entityKeys,
      List<String> labelKeys, String eventTime, List<String> featureColumns, Duration ttl) {

    public FeatureSource {
      entityKeys = List.copyOf(entityKeys);
      labelKeys = List.copyOf(labelKeys);
      featureColumns = List.copyOf(featureColumns);
    }

    /**
     * A feature table whose label keys have the same names as its entity keys and whose feature
     * columns are all columns but the keys, the event time and the bookkeeping columns the feature
     * store adds ({@link FeatureTables#BOOKKEEPING}).
     */
    public static FeatureSource of(String table, Dataset<Row> rows, List<String> entityKeys,
        String eventTime) {
      Set<String> skipped = new HashSet<>(entityKeys);
      skipped.add(eventTime);
      skipped.addAll(FeatureTables.BOOKKEEPING);
      List<String> features = Arrays.stream(rows.columns()).filter(c -> !skipped.contains(c))
          .toList();
      return new FeatureSource(table, rows, entityKeys, entityKeys, eventTime, features, null);
    }

    /** The same table matched to the label columns {@code keys} (in entity key order). */
    public FeatureSource joinedOn(List<String> keys) {
      return new FeatureSource(table, rows, entityKeys, keys, eventTime, featureColumns, ttl);
    }

    /** The same table, with feature rows older than {@code maxAge} at the label time ignored. */
    public FeatureSource withTtl(Duration maxAge) {
      return new FeatureSource(table, rows, entityKeys, labelKeys, eventTime, featureColumns, maxAge);
    }

    /** The column of the output holding the matched feature row's event time. */
    public String eventTimeColumn() {
      return table + EVENT_TIME_SUFFIX;
    }
  }

  /**
   * The label rows, each once and in no particular order, with every feature table's feature columns
   * and {@code <table>_event_time} appended (null when the entity has no feature row at or before the
   * label time within the TTL). Every input is checked against its schema before any Spark job.
   *
   * @throws DeeplineException naming the table and column: a missing or non-time label time or event
   *     time column, an unknown label or entity key column, keys of different types, a TTL <= 0, an
   *     output column that would collide with another
   */
  public static Dataset<Row> join(Dataset<Row> labels, String labelTime,
      List<FeatureSource> features) {
    check(labels.schema(), labelTime, features);
    Dataset<Row> joined = labels;
    for (FeatureSource source : features) {
      joined = joinOne(joined, labelTime, source);
    }
    return joined;
  }

  private static Dataset<Row> joinOne(Dataset<Row> labels, String labelTime, FeatureSource source) {
    List<String> labelColumns = Arrays.asList(labels.columns());
    List<Column> featureFields = new ArrayList<>();
    featureFields.add(asTimestamp(source.rows(), source.eventTime()).as(FEATURE_TIME));
    source.featureColumns().forEach(c -> featureFields.add(Columns.col(c).as(c)));

    List<Column> featureSide = new ArrayList<>();
    Column keysPresent = functions.lit(true);
    for (int i = 0; i < source.entityKeys().size(); i++) {
      featureSide.add(Columns.col(source.entityKeys().get(i)).as(source.labelKeys().get(i)));
      keysPresent = keysPresent.and(Columns.col(source.entityKeys().get(i)).isNotNull());
    }
    featureSide.add(asTimestamp(source.rows(), source.eventTime()).as(TIME));
    featureSide.add(functions.lit(FEATURE_ROW).as(KIND));
    featureSide.add(functions.struct(featureFields.toArray(Column[]::new)).as(FEATURE));
    Dataset<Row> featureRows = source.rows()
        .where(keysPresent.and(Columns.col(source.eventTime()).isNotNull()))
        .select(featureSide.toArray(Column[]::new));

    StructType featureType = (StructType) featureRows.schema().apply(FEATURE).dataType();
    List<Column> labelSide = new ArrayList<>();
    labelColumns.forEach(c -> labelSide.add(Columns.col(c)));
    labelSide.add(asTimestamp(labels, labelTime).as(TIME));
    labelSide.add(functions.lit(LABEL_ROW).as(KIND));
    labelSide.add(functions.lit(null).cast(featureType).as(FEATURE));
    Dataset<Row> labelRows = labels.select(labelSide.toArray(Column[]::new));

    WindowSpec history = Window
        .partitionBy(source.labelKeys().stream().map(Columns::col).toArray(Column[]::new))
        .orderBy(Columns.col(TIME), Columns.col(KIND), Columns.col(FEATURE))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column matched = functions.last(Columns.col(FEATURE), true).over(history);
    Dataset<Row> carried = labelRows.unionByName(featureRows, true)
        .withColumn(MATCHED, matched)
        .where(Columns.col(KIND).equalTo(LABEL_ROW));

    Column usable = Columns.col(MATCHED).isNotNull();
    if (source.ttl() != null) {
      long ttlMicros = source.ttl().getSeconds() * MICROS_PER_SECOND
          + source.ttl().getNano() / NANOS_PER_MICRO;
      usable = usable.and(functions.unix_micros(Columns.col(TIME))
          .minus(functions.unix_micros(Columns.col(MATCHED).getField(FEATURE_TIME)))
          .leq(functions.lit(ttlMicros)));
    }
    List<Column> out = new ArrayList<>();
    labelColumns.forEach(c -> out.add(Columns.col(c)));
    for (String feature : source.featureColumns()) {
      out.add(functions.when(usable, Columns.col(MATCHED).getField(feature)).as(feature));
    }
    out.add(functions.when(usable, Columns.col(MATCHED).getField(FEATURE_TIME))
        .as(source.eventTimeColumn()));
    return carried.select(out.toArray(Column[]::new));
  }

  /** A date, timestamp or timestamp_ntz column as a timestamp, so label and event times compare. */
  private static Column asTimestamp(Dataset<Row> rows, String column) {
    DataType type = rows.schema().apply(column).dataType();
    Column value = Columns.col(column);
    return type.equals(DataTypes.TimestampType) ? value : value.cast(DataTypes.TimestampType);
  }

  static boolean isTime(DataType type) {
    return type.equals(DataTypes.DateType) || type.equals(DataTypes.TimestampType)
        || type.equals(TimestampNTZType$.MODULE$);
  }

  /** Every problem of the inputs that their schemas show, before a job runs. */
  static void check(StructType labels, String labelTime, List<FeatureSource> features) {
    requireTime(labels, labelTime, "label table", "label time");
    if (features.isEmpty()) {
      throw new DeeplineException("point-in-time join: no feature table given");
    }
    Set<String> outputs = new HashSet<>(Arrays.asList(labels.fieldNames()));
    for (FeatureSource source : features) {
      String table = "feature table " + source.table();
      StructType schema = source.rows().schema();
      requireTime(schema, source.eventTime(), table, "event-time");
      if (source.entityKeys().isEmpty()) {
        throw new DeeplineException(table + ": no entity key column given");
      }
      if (source.entityKeys().size() != source.labelKeys().size()) {
        throw new DeeplineException(table + ": " + source.entityKeys().size()
            + " entity key column(s) " + source.entityKeys() + " but " + source.labelKeys().size()
            + " label key column(s) " + source.labelKeys());
      }
      if (source.ttl() != null && (source.ttl().isNegative() || source.ttl().isZero())) {
        throw new DeeplineException(table + ": ttl must be > 0, got " + source.ttl());
      }
      for (int i = 0; i < source.entityKeys().size(); i++) {
        String entity = source.entityKeys().get(i);
        String label = source.labelKeys().get(i);
        StructField entityField = field(schema, entity, table, "entity key");
        StructField labelField = field(labels, label, "label table", "entity key (for " + table
            + ")");
        if (!entityField.dataType().sameType(labelField.dataType())) {
          throw new DeeplineException(table + ": entity key column " + entity + " is "
              + entityField.dataType().simpleString() + " but the label column " + label + " is "
              + labelField.dataType().simpleString());
        }
      }
      for (String feature : source.featureColumns()) {
        field(schema, feature, table, "feature");
        if (!outputs.add(feature)) {
          throw new DeeplineException(table + ": feature column " + feature
              + " is already a column of the label table or of another feature table; rename it "
              + "in the feature definition's transform");
        }
      }
      if (!outputs.add(source.eventTimeColumn())) {
        throw new DeeplineException(table + ": output column " + source.eventTimeColumn()
            + " is already a column of the label table or of another feature table");
      }
    }
  }

  private static void requireTime(StructType schema, String column, String table, String role) {
    StructField field = field(schema, column, table, role);
    if (!isTime(field.dataType())) {
      throw new DeeplineException(table + ": " + role + " column " + column + " must be a date, "
          + "timestamp or timestamp_ntz, got " + field.dataType().simpleString());
    }
  }

  private static StructField field(StructType schema, String column, String table, String role) {
    if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new DeeplineException(table + ": no " + role + " column " + column + " (columns: "
          + String.join(", ", schema.fieldNames()) + ")");
    }
    return schema.apply(column);
  }
}
