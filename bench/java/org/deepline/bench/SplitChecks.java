package org.deepline.bench;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.core.DeltaTables;
import org.deepline.etl.RecordIds;

/**
 * The acceptance queries of a written splits table, joined with its silver rows of one run date:
 * rows, first and last time per split; validation and test rows earlier than their cutoffs, train
 * rows at or after the first; record ids in two splits; values of a group column in two splits.
 * See {@code bench/README.md}, section "Split benchmark".
 *
 * <pre>
 * bench/run SplitChecks --dataset-root /tmp/deepline-splits-wh/flights --run-date 2026-12-03 \
 *     --validation-start 2001-05-01 --test-start 2001-06-01 --group-column origin
 * </pre>
 */
public final class SplitChecks {
  private SplitChecks() {}

  public static void main(String[] args) {
    String root = null;
    String runDate = null;
    String timeColumn = "date";
    String validationStart = null;
    String testStart = null;
    String groupColumn = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dataset-root" -> root = args[++i];
        case "--run-date" -> runDate = args[++i];
        case "--time-column" -> timeColumn = args[++i];
        case "--validation-start" -> validationStart = args[++i];
        case "--test-start" -> testStart = args[++i];
        case "--group-column" -> groupColumn = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = DeeplineSparkDefaults.builder("deepline-split-checks", "local[*]")
        .config("spark.ui.enabled", false).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Column onDate = functions.col(DeltaTables.RUN_DATE).equalTo(functions.lit(runDate).cast("date"));
    Dataset<Row> splits = DeltaTables.read(spark, root + "/splits").where(onDate);
    Dataset<Row> silver = DeltaTables.read(spark, root + "/silver").where(onDate)
        .drop(DeltaTables.RUN_DATE);
    // Kept after the first query: every check reads the joined rows, and the join is the cost.
    Dataset<Row> joined = silver.join(splits.drop(DeltaTables.RUN_DATE), RecordIds.RECORD_ID)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Column time = functions.col(timeColumn);
    Column split = functions.col("_split");

    System.out.println("rows, first and last " + timeColumn + ", rows with a fold, per split:");
    joined.groupBy(split).agg(functions.count(functions.lit(1)).as("rows"),
            functions.min(time).as("first"), functions.max(time).as("last"),
            functions.count(functions.col("_fold")).as("with_fold"))
        .orderBy("first").show(false);
    if (validationStart != null) {
      Column validationCut = functions.lit(validationStart).cast("timestamp");
      Column testCut = functions.lit(testStart).cast("timestamp");
      Row early = joined.agg(
          functions.count(functions.when(split.equalTo("validation").and(time.lt(validationCut)), 1)),
          functions.count(functions.when(split.equalTo("test").and(time.lt(testCut)), 1)),
          functions.count(functions.when(split.equalTo("train").and(time.geq(validationCut)), 1)))
          .head();
      System.out.printf(Locale.ROOT, "validation rows before %s: %d; test rows before %s: %d; "
          + "train rows at or after %s: %d%n", validationStart, early.getLong(0), testStart,
          early.getLong(1), validationStart, early.getLong(2));
    }
    long idsInTwo = splits.groupBy(RecordIds.RECORD_ID)
        .agg(functions.countDistinct(split).as("n")).where("n > 1").count();
    System.out.printf(Locale.ROOT, "record ids in more than one split: %d of %d rows%n", idsInTwo,
        splits.count());
    if (groupColumn != null) {
      Dataset<Row> groups = joined.groupBy(functions.col(groupColumn))
          .agg(functions.countDistinct(split).as("n"), functions.count(functions.lit(1)).as("rows"),
              functions.countDistinct(functions.col("_fold")).as("folds"));
      Row g = groups.agg(functions.count(functions.lit(1)),
          functions.count(functions.when(functions.col("n").gt(1), 1)),
          functions.count(functions.when(functions.col("folds").gt(1), 1))).head();
      System.out.printf(Locale.ROOT, "%s values: %d; in more than one split: %d; in more than one "
          + "fold: %d%n", groupColumn, g.getLong(0), g.getLong(1), g.getLong(2));
      System.out.println(groupColumn + " values per split:");
      joined.groupBy(split).agg(functions.countDistinct(functions.col(groupColumn)).as("values"),
          functions.count(functions.lit(1)).as("rows")).show(false);
    }
    spark.stop();
  }
}
