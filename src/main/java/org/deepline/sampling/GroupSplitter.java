package org.deepline.sampling;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;

/**
 * A group split: every record of one entity (a customer, an airport) lands in the same split, so a
 * model is judged on entities it has never seen, not on other rows of the ones it memorised. The
 * split of a group is its seeded hash, {@code xxhash64(group value, seed)}, mapped to [0, 1) and cut
 * at the fractions: a group keeps its split as records arrive, and the record shares follow the
 * fractions only as closely as the group sizes allow (one huge group moves them). Records without a
 * group value form one group of their own. With {@code folds}, a training group's fold comes from
 * the same position ({@link Folds#ofPosition}), so a group never spans two folds either.
 *
 * <pre>{@code
 * Dataset<Row> splits = GroupSplitter.assign(labelled, "customer_id", config);
 * }</pre>
 */
public final class GroupSplitter {
  /** Resolution of the cut: hashes are mapped onto this many equal slots. */
  private static final long HASH_SLOTS = 1L << 40;

  private GroupSplitter() {}

  public static Dataset<Row> assign(Dataset<Row> rows, String groupColumn, SplitConfig config) {
    Column hash = functions.xxhash64(Columns.col(groupColumn).cast("string"),
        functions.lit(config.seed()));
    Column position = functions.pmod(hash, functions.lit(HASH_SLOTS)).divide((double) HASH_SLOTS);
    Column isTrain = position.lt(config.train());
    return rows.withColumn(StratifiedSplitter.SPLIT,
        functions.when(isTrain, StratifiedSplitter.TRAIN)
            .when(position.lt(config.train() + config.validation()), StratifiedSplitter.VALIDATION)
            .otherwise(StratifiedSplitter.TEST))
        .withColumn(Folds.FOLD, config.folds() == null ? Folds.none()
            : functions.when(isTrain, Folds.ofPositionColumn(position, config.train(),
                config.folds())));
  }
}
