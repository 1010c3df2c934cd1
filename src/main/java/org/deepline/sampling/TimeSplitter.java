package org.deepline.sampling;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
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
 * <p>The cut times are either given ({@code validation_start}, {@code test_start}: train before the
 * first, validation from it to the second, test from the second on) or found as the times at the
 * {@code train} and {@code train + validation} quantiles of {@code time_column} (one
 * approximate-quantile aggregation, relative rank error 1e-4). The per-row rule is
 * {@link TimeCutoffs#splitOf}: records at a cut time fall on its later side, so with coarse times
 * (dates) a quantile cut leaves the train share a little under its fraction. With {@code gap_days},
 * records within that many days after each cut are left out (split
 * {@value StratifiedSplitter#EXCLUDED}), so rolling features cannot reach across it; records without
 * a time are left out too, since no side of the cut is theirs.
 *
 * <p>Given cutoffs cost one aggregation too (the time range and the rows of each split); a cutoff
 * that leaves a split empty (outside the data, or a gap covering all rows between the cuts) fails
 * there, naming the column's first and last time.
 *
 * <p>Rolling origin ({@code folds: k}): the training period is cut into k consecutive blocks of
 * about equal row counts at the approximate {@code j/k} quantiles of the training times
 * (j = 1..k-1, found in the same aggregation), and a training record's {@value Folds#FOLD} is its
 * block ({@link TimeCutoffs#blockOf}). Origin {@code i} (1 to k-1) trains on blocks {@code < i} and
 * validates on block {@code i}; block 0 only ever trains. No gap is left between blocks.
 *
 * <pre>{@code
 * Dataset<Row> splits = TimeSplitter.assign(labelled, "date", new SplitConfig(null, null, null,
 *     null, null, "time", "date", 1, null, "2026-05-01", "2026-06-01", null));
 * }</pre>
 */
public final class TimeSplitter {
  private static final int QUANTILE_ACCURACY = 10_000;
  private static final long SECONDS_PER_DAY = 86_400L;
  private static final String SECONDS = "_time_seconds";
  private static final String SESSION_TIME_ZONE = "spark.sql.session.timeZone";

  private TimeSplitter() {}

  /** The cut times in seconds: validation start, test start, and the starts of folds 1..k-1. */
  private record Cuts(long validationStart, long testStart, long[] blockStarts) {}

  /**
   * {@code rows} with a {@value StratifiedSplitter#SPLIT} column, by the time in
   * {@code timeColumn}, and a {@value Folds#FOLD} column (the rolling-origin block of training records with
   * {@code folds}, else null).
   */
  public static Dataset<Row> assign(Dataset<Row> rows, String timeColumn, SplitConfig config) {
    Column seconds = functions.unix_seconds(Columns.col(timeColumn).cast("timestamp"));
    Cuts cuts = config.hasCutoffs() ? givenCuts(rows, seconds, timeColumn, config)
        : quantileCuts(rows, seconds, timeColumn, config);
    long gap = config.gapDays() * SECONDS_PER_DAY;
    Column t = functions.col(SECONDS);
    Column fold = config.folds() == null ? Folds.none()
        : functions.when(t.lt(cuts.validationStart()),
            TimeCutoffs.blockColumn(t, cuts.blockStarts()));
    return rows.withColumn(SECONDS, seconds)
        .withColumn(StratifiedSplitter.SPLIT,
            TimeCutoffs.splitColumn(t, cuts.validationStart(), cuts.testStart(), gap))
        .withColumn(Folds.FOLD, fold)
        .drop(SECONDS);
  }

  private static Cuts quantileCuts(Dataset<Row> rows, Column seconds, String timeColumn,
      SplitConfig config) {
    int blocks = config.folds() == null ? 0 : config.folds() - 1;
    // Fold starts are quantiles of all times below the train quantile: j/k of the train share.
    Column[] probabilities = new Column[blocks + 2];
    for (int j = 1; j <= blocks; j++) {
      probabilities[j - 1] = functions.lit(config.train() * j / config.folds());
    }
    probabilities[blocks] = functions.lit(config.train());
    probabilities[blocks + 1] = functions.lit(config.train() + config.validation());
    Row cuts = rows.agg(functions.percentile_approx(seconds, functions.array(probabilities),
        functions.lit(QUANTILE_ACCURACY))).head();
    if (cuts.isNullAt(0)) {
      throw new DeeplineException("split: no record has a " + timeColumn + "; a time split needs "
          + "times");
    }
    List<Long> cut = cuts.getList(0);
    long[] blockStarts = new long[blocks];
    for (int j = 0; j < blocks; j++) {
      blockStarts[j] = cut.get(j);
    }
    return new Cuts(cut.get(blocks), cut.get(blocks + 1), blockStarts);
  }

  /**
   * The configured cutoffs, checked against the data in one aggregation: the time range, the rows
   * each split would get, and (with folds) the block starts among the training times.
   */
  private static Cuts givenCuts(Dataset<Row> rows, Column seconds, String timeColumn,
      SplitConfig config) {
    ZoneId zone = ZoneId.of(rows.sparkSession().conf().get(SESSION_TIME_ZONE));
    long validationStart = TimeCutoffs.epochSeconds(config.validationStart(), zone);
    long testStart = TimeCutoffs.epochSeconds(config.testStart(), zone);
    long gap = config.gapDays() * SECONDS_PER_DAY;
    Column split = TimeCutoffs.splitColumn(seconds, validationStart, testStart, gap);
    List<Column> aggregates = new ArrayList<>(List.of(functions.min(seconds),
        functions.max(seconds),
        functions.count(functions.when(split.equalTo(StratifiedSplitter.TRAIN), 1)),
        functions.count(functions.when(split.equalTo(StratifiedSplitter.VALIDATION), 1)),
        functions.count(functions.when(split.equalTo(StratifiedSplitter.TEST), 1))));
    int blocks = config.folds() == null ? 0 : config.folds() - 1;
    if (blocks > 0) {
      Column[] probabilities = new Column[blocks];
      for (int j = 1; j <= blocks; j++) {
        probabilities[j - 1] = functions.lit((double) j / config.folds());
      }
      aggregates.add(functions.percentile_approx(
          functions.when(seconds.lt(validationStart), seconds),
          functions.array(probabilities), functions.lit(QUANTILE_ACCURACY)));
    }
    Row found = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size())
        .toArray(Column[]::new)).head();
    if (found.isNullAt(0)) {
      throw new DeeplineException("split: no record has a " + timeColumn + "; a time split needs "
          + "times");
    }
    List<String> empty = new ArrayList<>();
    if (found.getLong(2) == 0) {
      empty.add("validation_start " + config.validationStart() + " leaves the train split empty "
          + "(no time before it)");
    }
    if (found.getLong(3) == 0) {
      empty.add("validation_start " + config.validationStart() + " and test_start "
          + config.testStart() + (gap > 0 ? " with gap_days " + config.gapDays() : "")
          + " leave the validation split empty");
    }
    if (found.getLong(4) == 0) {
      empty.add("test_start " + config.testStart() + (gap > 0 ? " plus gap_days "
          + config.gapDays() : "") + " leaves the test split empty (no time from it on)");
    }
    if (!empty.isEmpty()) {
      throw new DeeplineException("split: " + String.join("; ", empty) + ": " + timeColumn
          + " runs from " + format(found.getLong(0), zone) + " to " + format(found.getLong(1), zone)
          + " (" + zone + ")");
    }
    long[] blockStarts = new long[blocks];
    if (blocks > 0) {
      List<Long> starts = found.getList(5);
      for (int j = 0; j < blocks; j++) {
        blockStarts[j] = starts.get(j);
      }
    }
    return new Cuts(validationStart, testStart, blockStarts);
  }

  private static String format(long seconds, ZoneId zone) {
    return LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds), zone).toString();
  }
}
