package org.deepline.leakage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepline.quality.ConstraintResult;
import org.deepline.quality.Severity;

/**
 * Tells an easy label from a leaked one before the gate fails a run on a strong feature. A leak is
 * one column that knows the label when the rest of the data does not: a post-outcome field, a noisy
 * copy of the target. Where two different features each rank validation rows almost perfectly on
 * their own (iris' petal length and width, 1.00 and 0.98; a tumour's worst perimeter and area), the
 * label is simply easy to predict, and failing the run would refuse the data sets a model is most
 * sure of. There the target-leak findings ({@code single_feature_auc:*},
 * {@code mutual_information:*}, {@code mutual_information_pair:*}) are kept as warnings naming the
 * two features; every other check keeps its severity.
 *
 * <pre>{@code
 * results = EasyLabel.apply(results, leakage.easyLabelAuc()); // before the waivers
 * }</pre>
 */
public final class EasyLabel {
  private static final String SINGLE_FEATURE_AUC = "single_feature_auc:";
  /** The target-leak checks an easy label softens; the row, key, time and fit checks it never does. */
  private static final List<String> TARGET_LEAK_CHECKS = List.of(SINGLE_FEATURE_AUC,
      "mutual_information:", "mutual_information_pair:");
  /** A numeric feature is also scored by its missingness: the same input, not a second one. */
  private static final String MISSING_SUFFIX = "__missing";

  private EasyLabel() {}

  /**
   * {@code results} with every failed target-leak error turned into a warning when at least two
   * different features reach {@code easyLabelAuc} on their own; unchanged otherwise.
   */
  public static List<ConstraintResult> apply(List<ConstraintResult> results, double easyLabelAuc) {
    List<Map.Entry<String, Double>> strong = strongFeatures(results, easyLabelAuc);
    if (strong.size() < 2) {
      return results;
    }
    String note = String.format(Locale.ROOT, " (kept as a warning: %s %.4f and %s %.4f each "
        + "reach leakage.easy_label_auc %s alone, so the label is easy, not leaked by one column)",
        strong.get(0).getKey(), strong.get(0).getValue(), strong.get(1).getKey(),
        strong.get(1).getValue(), easyLabelAuc);
    List<ConstraintResult> applied = new ArrayList<>();
    for (ConstraintResult result : results) {
      boolean targetLeak = TARGET_LEAK_CHECKS.stream().anyMatch(result.name()::startsWith);
      if (targetLeak && !result.passed() && result.severity() == Severity.ERROR) {
        applied.add(new ConstraintResult(result.name(), result.column(), Severity.WARNING,
            result.value(), false, result.expectation() + note));
      } else {
        applied.add(result);
      }
    }
    return applied;
  }

  /**
   * The features whose validation ROC AUC alone reaches {@code easyLabelAuc}, strongest first, each
   * input once (a numeric feature's missingness is the same input).
   */
  static List<Map.Entry<String, Double>> strongFeatures(List<ConstraintResult> results,
      double easyLabelAuc) {
    Map<String, Double> byInput = new LinkedHashMap<>();
    for (ConstraintResult result : results) {
      if (result.name().startsWith(SINGLE_FEATURE_AUC) && result.value() >= easyLabelAuc) {
        String feature = result.name().substring(SINGLE_FEATURE_AUC.length());
        String input = feature.endsWith(MISSING_SUFFIX)
            ? feature.substring(0, feature.length() - MISSING_SUFFIX.length()) : feature;
        byInput.merge(input, result.value(), Math::max);
      }
    }
    return byInput.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .map(Map.Entry::copyOf).toList();
  }
}
