package org.deepline.sampling;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * k-fold assignment of training records ({@value #FOLD} column), as plain Java rules and the Spark
 * columns that apply them, side by side. Validation, test and excluded records have no fold (null),
 * and so has every record when {@code split.folds} is not set.
 *
 * <p>By position: a record whose seeded hash position {@code p} in [0, 1) put it in train
 * ({@code p < train}) gets fold {@code floor(p / train * k)}: the train range cut into k equal hash
 * ranges (random unstratified splits per record, group splits per group, so a group never spans two
 * folds). By rank: a stratum's {@code n} training records in hash order are cut so that fold
 * {@code j} holds ranks {@code [start(j), start(j + 1))} with {@code start(j)} the number of ranks
 * {@code i} with {@code i / n < j / k}: fold sizes differ by at most one record per stratum.
 *
 * <pre>{@code
 * Folds.ofPosition(0.35, 0.7, 5);  // 2
 * Folds.starts(10, 3);             // [0, 4, 7]
 * }</pre>
 */
public final class Folds {
  /** The fold column of the splits table: an int for training records, null otherwise. */
  public static final String FOLD = "_fold";

  private Folds() {}

  /** The fold of a training record at hash position {@code position} (< {@code trainEnd}). */
  public static int ofPosition(double position, double trainEnd, int folds) {
    return Math.min(folds - 1, (int) Math.floor(position / trainEnd * folds));
  }

  /** {@link #ofPosition} as a Spark column over {@code position}. */
  static Column ofPositionColumn(Column position, double trainEnd, int folds) {
    return functions.least(functions.lit(folds - 1),
        functions.floor(position.divide(trainEnd).multiply(folds)).cast("int"));
  }

  /** The first rank of each fold among {@code trainRecords} ranked records (fold 0 starts at 0). */
  public static long[] starts(long trainRecords, int folds) {
    long[] starts = new long[folds];
    for (int j = 0; j < folds; j++) {
      starts[j] = StratifiedSplitter.recordsBefore(trainRecords, (double) j / folds);
    }
    return starts;
  }

  /** The fold holding rank {@code rank} (0-based) given the fold starts. */
  public static int ofRank(long rank, long[] starts) {
    int fold = 0;
    while (fold + 1 < starts.length && rank >= starts[fold + 1]) {
      fold++;
    }
    return fold;
  }

  /** A typed null fold, for splits without folds and for records outside train. */
  static Column none() {
    return functions.lit(null).cast("int");
  }
}
