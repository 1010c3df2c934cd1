package org.deepline.quality;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tells an empty column of the data from a feed gone wrong. A column with no value on a run date
 * fails {@code not_all_null:<column>}: after loads where it had values, that is a renamed source
 * column or a parse that no longer matches, and the run must stop. A column that no run of the data
 * set has ever seen a value in is the data's own (a data frame's all-missing {@code Unnamed: 32},
 * a survey question nobody answered): failing on it would refuse the data set for a column that
 * carries nothing. Its finding is kept as a warning that says so, and the features stage gives
 * such a column a constant value.
 *
 * <pre>{@code
 * List<String> empty = EmptyColumns.failing(results);
 * Set<String> filled = MetricsTable.filledOnOtherDates(spark, metricsPath, runDate, empty);
 * List<String> neverFilled = empty.stream().filter(c -> !filled.contains(c)).toList();
 * results = EmptyColumns.keepAsWarnings(results, neverFilled);
 * }</pre>
 */
public final class EmptyColumns {
  private EmptyColumns() {}

  /** The columns whose {@code not_all_null} check failed as an error, in the results' order. */
  public static List<String> failing(Collection<ConstraintResult> results) {
    return results.stream().filter(EmptyColumns::failedNotAllNull)
        .map(ConstraintResult::column).toList();
  }

  private static boolean failedNotAllNull(ConstraintResult result) {
    return result.name().startsWith(SchemaConstraints.NOT_ALL_NULL) && result.failedAsError();
  }

  /**
   * {@code results} with the failed {@code not_all_null} error of each of {@code neverFilled} (no
   * other run date had a value in it) turned into a warning that says so.
   */
  public static List<ConstraintResult> keepAsWarnings(List<ConstraintResult> results,
      Collection<String> neverFilled) {
    List<ConstraintResult> kept = new ArrayList<>();
    for (ConstraintResult result : results) {
      if (failedNotAllNull(result) && neverFilled.contains(result.column())) {
        kept.add(result.keptAsWarning(" (no other run date had a value in it either: a column of "
            + "the data that is empty, not a feed gone wrong; kept as a warning, and the features "
            + "stage gives a numeric or date/time one 0 in every slot)"));
      } else {
        kept.add(result);
      }
    }
    return kept;
  }
}
