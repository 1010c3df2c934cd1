package org.deepline.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.etl.RecordIds;
import org.deepline.scoring.BatchScorer;

/**
 * Runs {@link BehaviouralTest}s. A perturbation test scores the judged rows with the column replaced
 * and compares each row's probability with the same model's on the rows as they are (scored once, for
 * all tests); scoring both, rather than reusing the stored predictions, makes the difference the
 * perturbation's alone.
 *
 * <pre>{@code
 * List<BehaviouralResult> results = BehaviouralTests.run(config.behavioural(), silver, judged,
 *     rows -> ScoreJob.predict(rows, bundle, scoringConfig, runId), threshold);
 * }</pre>
 */
public final class BehaviouralTests {
  private static final String BEFORE = "_bt_before";
  private static final String AFTER = "_bt_after";
  private static final String CHANGE = "_bt_change";
  private static final String PERCENT = "%.1f%%";
  private static final double TO_PERCENT = 100;

  private BehaviouralTests() {}

  /**
   * @param silver    the judged rows' silver columns, with {@code _record_id}
   * @param judged    {@code _record_id}, {@code probability} and the 0/1 label of the judged rows
   * @param scorer    silver rows to rows with {@code _record_id} and {@code probability}: the model
   * @param threshold a row is predicted positive at or above it
   * @throws DeeplineException naming the test when its column is not in silver or its SQL fails
   */
  public static List<BehaviouralResult> run(List<BehaviouralTest> tests, Dataset<Row> silver,
      Dataset<Row> judged, String labelColumn, UnaryOperator<Dataset<Row>> scorer,
      double threshold) {
    List<BehaviouralResult> results = new ArrayList<>();
    // The rows as they are are scored once for all perturbation tests.
    Dataset<Row> before = null;
    try {
      for (int i = 0; i < tests.size(); i++) {
        BehaviouralTest test = tests.get(i);
        String where = "evaluation.behavioural[" + i + "] '" + test.name() + "'";
        try {
          if (test.perturbs()) {
            if (before == null) {
              before = scorer.apply(silver).select(functions.col(RecordIds.RECORD_ID),
                  functions.col(BatchScorer.PROBABILITY).as(BEFORE)).persist();
            }
            results.add(perturbation(test, silver, before, scorer, where));
          } else {
            results.add(minimumFunctionality(test, silver, judged, labelColumn, threshold));
          }
        } catch (Exception e) {
          // Spark's AnalysisException (a bad column or expression) is checked but thrown undeclared.
          if (e instanceof org.apache.spark.sql.AnalysisException analysis) {
            throw new DeeplineException(DeeplineException.Failure.CONFIG,
                where + ": " + analysis.getMessage().lines().findFirst()
                .orElse(analysis.getMessage()));
          }
          throw e;
        }
      }
    } finally {
      if (before != null) {
        before.unpersist();
      }
    }
    return results;
  }

  private static BehaviouralResult perturbation(BehaviouralTest test, Dataset<Row> silver,
      Dataset<Row> before, UnaryOperator<Dataset<Row>> scorer, String where) {
    if (!List.of(silver.columns()).contains(test.column())) {
      throw new DeeplineException(where + ": no column '" + test.column() + "' in silver (columns: "
          + List.of(silver.columns()) + ")");
    }
    DataType type = silver.schema().apply(test.column()).dataType();
    Dataset<Row> perturbed = silver.withColumn(test.column(),
        functions.expr(test.perturbation()).cast(type));
    Dataset<Row> after = scorer.apply(perturbed)
        .select(functions.col(RecordIds.RECORD_ID), functions.col(BatchScorer.PROBABILITY).as(AFTER));
    Column change = functions.col(AFTER).minus(functions.col(BEFORE));
    Column failed = switch (test.type()) {
      case BehaviouralTest.INVARIANCE -> functions.abs(change).gt(test.tolerance());
      default -> "increase".equals(test.direction()) ? change.lt(-test.tolerance())
          : change.gt(test.tolerance());
    };
    Row totals = before.join(after, RecordIds.RECORD_ID)
        .withColumn(CHANGE, change)
        .agg(functions.count(functions.lit(1)),
            functions.count(functions.when(failed, true)),
            functions.avg(CHANGE),
            functions.max(functions.abs(functions.col(CHANGE))))
        .head();
    long rows = totals.getLong(0);
    long failures = totals.getLong(1);
    double meanChange = rows == 0 ? Double.NaN : totals.getDouble(2);
    double maxChange = rows == 0 ? Double.NaN : totals.getDouble(3);
    double rate = rows == 0 ? Double.NaN : (double) failures / rows;
    boolean passed = rows > 0 && rate <= test.maxFailureRate();
    String expectation = BehaviouralTest.INVARIANCE.equals(test.type())
        ? "moved by more than " + number(test.tolerance())
        : "moved against the expected " + test.direction() + " by more than "
            + number(test.tolerance());
    String detail = rows == 0 ? "no rows to perturb"
        : failures + " of " + rows + " rows (" + percent(rate) + ") " + expectation + " when "
            + test.column() + " became " + test.perturbation() + "; mean change "
            + signed(meanChange) + ", largest " + number(maxChange) + " (max_failure_rate "
            + percent(test.maxFailureRate()) + ")";
    return new BehaviouralResult(test.name(), test.type(), rows, failures, rate,
        test.maxFailureRate(), meanChange, maxChange, passed, detail);
  }

  private static BehaviouralResult minimumFunctionality(BehaviouralTest test, Dataset<Row> silver,
      Dataset<Row> judged, String labelColumn, double threshold) {
    Dataset<Row> matching = silver.where(functions.expr(test.where())).select(RecordIds.RECORD_ID)
        .join(judged, RecordIds.RECORD_ID);
    Column predicted = functions.when(
        functions.col(BatchScorer.PROBABILITY).geq(threshold), 1.0).otherwise(0.0);
    Column expected = switch (test.expected()) {
      case "positive" -> functions.lit(1.0);
      case "negative" -> functions.lit(0.0);
      default -> Columns.col(labelColumn).cast("double");
    };
    Row totals = matching.agg(functions.count(functions.lit(1)),
        functions.count(functions.when(predicted.notEqual(expected), true))).head();
    long rows = totals.getLong(0);
    long failures = totals.getLong(1);
    double rate = rows == 0 ? Double.NaN : (double) failures / rows;
    boolean passed = rows >= test.minRows() && rate <= test.maxFailureRate();
    String wanted = "label".equals(test.expected()) ? "their label" : test.expected();
    String detail = rows < test.minRows()
        ? rows + " rows match " + test.where() + ", fewer than min_rows " + test.minRows()
        : failures + " of " + rows + " rows matching " + test.where() + " (" + percent(rate)
            + ") are not predicted " + wanted + " at threshold " + number(threshold)
            + " (max_failure_rate " + percent(test.maxFailureRate()) + ")";
    return new BehaviouralResult(test.name(), test.type(), rows, failures, rate,
        test.maxFailureRate(), Double.NaN, Double.NaN, passed, detail);
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String signed(double value) {
    return String.format(Locale.ROOT, "%+.4f", value);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, PERCENT, share * TO_PERCENT);
  }
}
