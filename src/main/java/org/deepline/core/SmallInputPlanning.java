package org.deepline.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark settings for the length of one stage whose input is small, put back when it ends.
 *
 * <p>Why: on a data set of a few thousand rows a stage's time is almost all fixed cost, and a
 * profile of the churn pipeline (Java Flight Recorder, 7,043 rows) showed where it goes: Janino
 * compiling the generated code of every new query (on the driver's thread, before each job starts,
 * and again in the tasks), the JIT compiling those generated classes, and Delta's log replay and
 * shuffles in more tasks than two cores run at once. Interpreted expressions cost about a
 * microsecond a row more than generated ones, which is nothing on 10,000 rows and pays for itself
 * again before a million; so below {@link #MAX_SMALL_INPUT_BYTES} for every
 * {@link #NARROW_INPUT_COLUMNS} columns of the input (the same number of rows, about 200,000,
 * however wide: the code to compile grows with the columns, and so does what a row costs
 * interpreted) a stage runs with
 * <ul>
 *   <li>no whole-stage code generation and interpreted expressions
 *       ({@code spark.sql.codegen.wholeStage}, {@code spark.sql.codegen.factoryMode}),</li>
 *   <li>when the input has more than {@link #WIDE_INPUT_COLUMNS} columns, no common-subexpression
 *       elimination ({@code spark.sql.subexpressionElimination.enabled}): interpreted, it looks
 *       every shared subexpression up in a cache of 100 entries for every row, hashing the
 *       subexpression's whole tree on each lookup, and a wide table's per-column expressions
 *       (thousands of shared subexpressions) evict on every lookup, where evaluating a shared
 *       {@code trim} twice costs far less (2,000 rows of 1,503 columns: {@code validate} 99 s and
 *       118 CPU-s against 126 s and 153 on the same silver table). On a narrow table the cache
 *       holds what is shared and saves a little (churn's pipeline about 3 % more CPU without it),
 *       so narrow inputs keep it, and so do compiled expressions (a user's factoryMode),</li>
 *   <li>as many shuffle partitions and Delta snapshot partitions as Spark runs tasks at once
 *       ({@code spark.sql.shuffle.partitions}, {@code spark.databricks.delta.snapshotPartitions}),
 *       instead of the defaults sized for millions of rows.</li>
 * </ul>
 * A setting the user gave differs from the default deepline ships, and is kept as given.
 *
 * <pre>{@code
 * try (SmallInputPlanning planning = SmallInputPlanning.forInput(spark, 400_000L)) {
 *   stage.run(context);
 * }
 * }</pre>
 */
public final class SmallInputPlanning implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmallInputPlanning.class);

  /**
   * The largest input, in bytes of its Delta (Parquet) files or source files, planned as small:
   * about 200,000 rows of a 20-column table.
   */
  public static final long MAX_SMALL_INPUT_BYTES = 16L * 1024 * 1024;
  /**
   * The width {@link #MAX_SMALL_INPUT_BYTES} is for; a wider input is small up to as many times
   * that size as it has times these columns. Measured on a table of 8,190 rows and 1,503 columns
   * (a 25 MB CSV): deriving its silver took 20.5 s code-generated (Janino and the JIT compiling
   * thousands of methods) and 14.4 s interpreted.
   */
  public static final int NARROW_INPUT_COLUMNS = 20;
  /**
   * The widest input planned with common-subexpression elimination: the size of Spark's cache of
   * interpreted shared subexpressions ({@code spark.sql.subexpressionEliminationCacheMaxEntries}),
   * which a table with more columns than that outgrows.
   */
  public static final int WIDE_INPUT_COLUMNS = 100;
  /** What an input of unknown size (a database, a REST API, no table yet) reports. */
  public static final long UNKNOWN_SIZE = -1;
  /** What an input of unknown width reports. */
  public static final int UNKNOWN_WIDTH = -1;

  static final String WHOLE_STAGE_CODEGEN = "spark.sql.codegen.wholeStage";
  static final String CODEGEN_FACTORY_MODE = "spark.sql.codegen.factoryMode";
  static final String SUBEXPRESSION_ELIMINATION = "spark.sql.subexpressionElimination.enabled";
  static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
  /**
   * The values deepline runs with when the user did not set them: Spark's defaults and
   * conf/spark-defaults.conf's. Only a setting still at one of these is changed.
   */
  static final Map<String, Set<String>> UNSET_VALUES = Map.of(
      WHOLE_STAGE_CODEGEN, Set.of("true"),
      CODEGEN_FACTORY_MODE, Set.of("FALLBACK"),
      SUBEXPRESSION_ELIMINATION, Set.of("true"),
      SHUFFLE_PARTITIONS, Set.of("200", "8"),
      DELTA_SNAPSHOT_PARTITIONS, Set.of("50", "8"));

  private final SessionSettings settings;

  private SmallInputPlanning(SessionSettings settings) {
    this.settings = settings;
  }

  /** {@link #forInput(SparkSession, long, IntSupplier)} for an input of unknown width. */
  public static SmallInputPlanning forInput(SparkSession spark, long inputBytes) {
    return forInput(spark, inputBytes, () -> UNKNOWN_WIDTH);
  }

  /**
   * Applies the small-input settings when {@code inputBytes} is known and at most
   * {@link #MAX_SMALL_INPUT_BYTES} for each {@link #NARROW_INPUT_COLUMNS} of {@code inputColumns}
   * (without common-subexpression elimination when {@code inputColumns} is above
   * {@link #WIDE_INPUT_COLUMNS}); otherwise changes nothing. Close to put the settings back.
   *
   * @param inputColumns the input's width, or {@link #UNKNOWN_WIDTH}: asked once, and only for an
   *                     input of known size, when it decides
   */
  public static SmallInputPlanning forInput(SparkSession spark, long inputBytes,
      IntSupplier inputColumns) {
    IntSupplier width = memoized(inputColumns);
    if (inputBytes < 0 || inputBytes > MAX_SMALL_INPUT_BYTES
        && inputBytes > maxSmallBytes(width.getAsInt())) {
      return new SmallInputPlanning(SessionSettings.override(spark, Map.of()));
    }
    int parallelism = Math.max(1, spark.sparkContext().defaultParallelism());
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put(WHOLE_STAGE_CODEGEN, "false");
    wanted.put(CODEGEN_FACTORY_MODE, "NO_CODEGEN");
    wanted.put(SHUFFLE_PARTITIONS, Integer.toString(parallelism));
    wanted.put(DELTA_SNAPSHOT_PARTITIONS, Integer.toString(parallelism));
    Map<String, String> notSetByUser = new LinkedHashMap<>();
    wanted.forEach((key, value) -> {
      Optional<String> current = SessionSettings.current(spark.conf(), key);
      if (current.isEmpty() || UNSET_VALUES.get(key).contains(current.get())) {
        notSetByUser.put(key, value);
      }
    });
    // Only where expressions are interpreted: compiled ones (a user's factoryMode) keep their
    // subexpressions in locals, which the elimination is for.
    boolean interpreted = notSetByUser.containsKey(CODEGEN_FACTORY_MODE)
        || SessionSettings.current(spark.conf(), CODEGEN_FACTORY_MODE).filter("NO_CODEGEN"::equals)
            .isPresent();
    Optional<String> elimination = SessionSettings.current(spark.conf(), SUBEXPRESSION_ELIMINATION);
    if (interpreted && (elimination.isEmpty() || UNSET_VALUES.get(SUBEXPRESSION_ELIMINATION)
        .contains(elimination.get())) && width.getAsInt() > WIDE_INPUT_COLUMNS) {
      notSetByUser.put(SUBEXPRESSION_ELIMINATION, "false");
    }
    LOG.debug("input of {} bytes: planned as small ({})", inputBytes, notSetByUser.keySet());
    return new SmallInputPlanning(SessionSettings.override(spark, notSetByUser));
  }

  /** The largest input of {@code columns} (or of unknown width) planned as small. */
  static long maxSmallBytes(int columns) {
    return MAX_SMALL_INPUT_BYTES * Math.max(1, columns / NARROW_INPUT_COLUMNS);
  }

  /** {@code columns}, asked at most once: a stage may read a Delta log to answer. */
  private static IntSupplier memoized(IntSupplier columns) {
    int[] known = new int[1];
    boolean[] asked = new boolean[1];
    return () -> {
      if (!asked[0]) {
        known[0] = columns.getAsInt();
        asked[0] = true;
      }
      return known[0];
    };
  }

  /** The settings this instance changed, with the values they had. */
  Map<String, Optional<String>> changed() {
    return settings.previous();
  }

  @Override
  public void close() {
    settings.close();
  }
}
