package org.deepline.core;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * What one run of one command knows: its identity, its date, the validated config, the warehouse and
 * the Spark session. Stages get everything through it and never read arguments or global state.
 */
public record RunContext(String runId, String parentRunId, String command, String runDate,
    JobConfig config, Warehouse warehouse, SparkSession spark) {

  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);
  private static final int RUN_ID_SUFFIX_LENGTH = 6;

  public static String newRunId() {
    String time = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID_TIME);
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, RUN_ID_SUFFIX_LENGTH);
    return time + "-" + suffix;
  }

  /** Parses {@code --run-date}; today's UTC date when absent. */
  public static String parseRunDate(String value) {
    if (value == null || value.isBlank()) {
      return LocalDate.now(ZoneOffset.UTC).toString();
    }
    try {
      return LocalDate.parse(value.strip()).toString();
    } catch (DateTimeParseException e) {
      throw new DeeplineException(DeeplineException.Failure.USAGE,
          "--run-date: expected YYYY-MM-DD, got " + value);
    }
  }

  public String dataset() {
    return config.dataset();
  }

  /** The config section whose record is of {@code type}, e.g. {@code ScoringConfig.class}. */
  public <T> T section(Class<T> type) {
    return config.section(type);
  }

  public String table(Warehouse.Table table) {
    return warehouse.table(dataset(), table);
  }

  /** A stage's input: the table's current version and its rows of this run date at that version. */
  public record Input(TableRef ref, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows) {}

  /** The run date's rows of a data set table; fails naming the table when it has none. */
  public Input input(Warehouse.Table table) {
    TableRef ref = DeltaTables.ref(spark, table(table));
    return new Input(ref, DeltaTables.nonEmptySlice(spark, ref, runDate, table.writtenBy()));
  }

  public FileStore files() {
    return new FileStore(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * The same run with {@code section} in place of its config's section of that type: how a stage
   * that runs others pins what they use ({@code retrain} scores with the model it trained).
   */
  public RunContext withSection(Object section) {
    return new RunContext(runId, parentRunId, command, runDate, config.withSection(section),
        warehouse, spark);
  }

  /** The same run seen as a child command of a pipeline. */
  public RunContext child(String childRunId, String childCommand) {
    return new RunContext(childRunId, runId, childCommand, runDate, config, warehouse, spark);
  }
}
