package org.deepline.sampling;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;

/**
 * A time split: the earliest records train, the next validate, the latest test, so the evaluation
 * measures what a model trained on the past does on the future (a random split mixes the two and
 * flatters any feature that drifts).
 *
 * <p>The cut points are the times at the {@code train} and {@code train + validation} quantiles of
 * {@code time_column} (one approximate-quantile aggregation, relative rank error 1e-4): records
 * before the first cut train, records from it to the second validate, the rest test. Records at a
 * cut time all fall on its later side, so with coarse times (dates) the train share comes out a
 * little under its fraction. With {@code gap_days}, records within that many days after each cut
 * are left out (split {@value StratifiedSplitter#EXCLUDED}), so rolling features cannot reach across
 * it; records without a time are left out too, since no side of the cut is theirs.
 *
 * <pre>{@code
 * Dataset<Row> splits = TimeSplitter.assign(labelled, "date", new SplitConfig(null, 0.7, 0.15, 0.15,
 *     null, "time", "date", 1, null));
 * }</pre>
 */
public final class TimeSplitter {
  private static final int QUANTILE_ACCURACY = 10_000;
  private static final long SECONDS_PER_DAY = 86_400L;
  private static final String SECONDS = "_time_seconds";

  private TimeSplitter() {}

  /** {@code rows} with a {@value StratifiedSplitter#SPLIT} column, by the time in {@code timeColumn}. */
  public static Dataset<Row> assign(Dataset<Row> rows, String timeColumn, SplitConfig config) {
    Column seconds = functions.unix_seconds(Columns.col(timeColumn).cast("timestamp"));
    Row cuts = rows.agg(functions.percentile_approx(seconds, functions.array(
        functions.lit(config.train()), functions.lit(config.train() + config.validation())),
        functions.lit(QUANTILE_ACCURACY))).head();
    if (cuts.isNullAt(0)) {
      throw new DeeplineException("split: no record has a " + timeColumn + "; a time split needs "
          + "times");
    }
    List<Long> cut = cuts.getList(0);
    long validationStart = cut.get(0);
    long testStart = cut.get(1);
    long gap = config.gapDays() * SECONDS_PER_DAY;
    Column t = functions.col(SECONDS);
    Column split = functions.when(t.isNull(), StratifiedSplitter.EXCLUDED)
        .when(t.lt(validationStart), StratifiedSplitter.TRAIN)
        .when(t.lt(validationStart + gap), StratifiedSplitter.EXCLUDED)
        .when(t.lt(testStart), StratifiedSplitter.VALIDATION)
        .when(t.lt(testStart + gap), StratifiedSplitter.EXCLUDED)
        .otherwise(StratifiedSplitter.TEST);
    return rows.withColumn(SECONDS, seconds).withColumn(StratifiedSplitter.SPLIT, split)
        .drop(SECONDS);
  }
}
