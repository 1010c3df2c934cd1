package org.deepline.sampling;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Assigns each record to train, validation or test from a seeded hash of its id, so that the same
 * records and seed give the same split whatever the partitioning.
 *
 * <p>Stratified: records are ranked by their hash within each label value and cut at the configured
 * fractions, so every split has the label's class ratio to within one record; new records shift the
 * ranks, so a record may change split when the data grows. Unstratified: the hash itself is cut, with
 * no shuffle, and a record keeps its split however many records arrive.
 */
public final class StratifiedSplitter {
  /** The split column; underscored so that it cannot clash with a source column. */
  public static final String SPLIT = "_split";
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  /** Resolution of the unstratified cut: hashes are mapped onto this many equal slots. */
  private static final long HASH_SLOTS = 1L << 40;

  private StratifiedSplitter() {}

  public static Dataset<Row> assign(Dataset<Row> rows, String idColumn, Column stratum,
      SplitConfig config) {
    Column hash = functions.xxhash64(functions.col(idColumn), functions.lit(config.seed()));
    Column position;
    if (config.stratify()) {
      position = functions.row_number()
          .over(Window.partitionBy(stratum).orderBy(hash, functions.col(idColumn)))
          .minus(1)
          .divide(functions.count(functions.lit(1)).over(Window.partitionBy(stratum)));
    } else {
      position = functions.pmod(hash, functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
    }
    double trainEnd = config.train();
    double validationEnd = config.train() + config.validation();
    Column split = functions.when(position.lt(trainEnd), TRAIN)
        .when(position.lt(validationEnd), VALIDATION)
        .otherwise(TEST);
    return rows.withColumn(SPLIT, split);
  }
}
