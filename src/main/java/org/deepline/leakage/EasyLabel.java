package org.deepline.leakage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.deepline.quality.ConstraintResult;

/**
 * Tells an easy label from a leaked one before the gate fails a run on strong features. A leak is
 * a column that knows the label when the rest of the data does not: a post-outcome field, a noisy
 * copy of the target, often seen through its gaps (filled in only after the outcome). Where two
 * different features each predict the label beyond {@code max_single_feature_auc} by their values
 * (iris' petal length and width for virginica, each 1.00 on validation), or three are above it
 * counting those within the split's noise, or two failed pairs share no feature
 * ({@link #strongFeatures}), the label is simply
 * easy, and failing the run would refuse the data sets a model is most sure of. There the
 * findings on those features only ({@code single_feature_auc:<f>}, {@code mutual_information:<f>},
 * {@code mutual_information_pair:<a>+<b>} with both strong) are kept as warnings; a finding on
 * any other feature, on a feature's missingness, and every row, key, time and fit check keep
 * failing. A regression label's findings carry the same names and bars (a feature's concordance
 * with the number is its {@code single_feature_auc}), so two features that each order the number
 * beyond the bar make it easy as two that separate classes do.
 *
 * <pre>{@code
 * List<String> strong = EasyLabel.strongFeatures(results);
 * results = EasyLabel.apply(results, strong); // after the waivers
 * }</pre>
 */
public final class EasyLabel {
  /** Fewer strong features is what a leak looks like: one column that knows the label. */
  private static final int MIN_STRONG_FEATURES = 2;
  /**
   * Features above the bar, counting those within its noise, that make a label easy: one more than
   * failed ones need, so that the strongest alone (a leak) is never what makes it easy.
   */
  private static final int MIN_ABOVE_BAR_FEATURES = MIN_STRONG_FEATURES + 1;

  private EasyLabel() {}

  /**
   * The features an easy label shows itself by, in the results' order: those whose values alone
   * are above {@code max_single_feature_auc}, when two fail it as errors (iris' petals) or three are
   * above it, failed or within the split's noise (Wisconsin's cell nuclei: concave points at 0.973,
   * both perimeters at 0.958-0.959 on 86 validation rows); and the features of failed pairs, when
   * two of them have no feature in common. A copy of the label next to one honest feature near the
   * bar is not an easy label, nor next to honest pairs. A feature's missingness
   * ({@code <f>__missing}) is not counted: gaps that tell the label are a leak's mark, not an easy
   * label's; nor is a waived finding or one on too few rows.
   */
  public static List<String> strongFeatures(List<ConstraintResult> results) {
    List<String> failed = singleFeatures(results, ConstraintResult::failedAsError);
    List<String> aboveBar = singleFeatures(results,
        r -> r.failedAsError() || LeakageChecks.aboveBarWithinNoise(r));
    Set<String> strong = new LinkedHashSet<>();
    boolean easyByValues = failed.size() >= MIN_STRONG_FEATURES
        || aboveBar.size() >= MIN_ABOVE_BAR_FEATURES;
    if (easyByValues) {
      strong.addAll(aboveBar);
    }
    List<List<String>> pairs = failedPairs(results);
    if (twoWithoutACommonFeature(pairs)) {
      // A feature failing alone stays a leak's suspect: a noisy copy of the label completes an
      // honest feature into a failed pair as easily as an honest partner does.
      pairs.stream().flatMap(List::stream)
          .filter(feature -> easyByValues || !failed.contains(feature))
          .forEach(strong::add);
    }
    return List.copyOf(strong);
  }

  private static List<String> singleFeatures(List<ConstraintResult> results,
      Predicate<ConstraintResult> strong) {
    return results.stream()
        .filter(r -> r.name().startsWith(LeakageChecks.SINGLE_FEATURE_AUC) && strong.test(r))
        .map(r -> r.name().substring(LeakageChecks.SINGLE_FEATURE_AUC.length()))
        .filter(feature -> !feature.endsWith(LeakageChecks.MISSING_SUFFIX))
        .distinct().toList();
  }

  /**
   * The features of each failed {@code mutual_information_pair} error. A leak split in two fails as
   * one pair (its halves tell little with any other column); two failed pairs without a feature in
   * common are two ways to the label, an easy label's mark as two strong features are (the
   * shuttle's sensors: {@code V1+V9} at 0.98 and {@code V7+V8} at 0.81).
   */
  private static List<List<String>> failedPairs(List<ConstraintResult> results) {
    return results.stream()
        .filter(r -> r.name().startsWith(LeakageChecks.MUTUAL_INFORMATION_PAIR) && r.failedAsError())
        .map(r -> pairFeatures(r.name())).toList();
  }

  private static boolean twoWithoutACommonFeature(List<List<String>> pairs) {
    for (int a = 0; a < pairs.size(); a++) {
      for (int b = a + 1; b < pairs.size(); b++) {
        if (pairs.get(a).stream().noneMatch(pairs.get(b)::contains)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The two features of a pair check's name. A feature whose own name holds the separator splits
   * into parts that are not features, and the pair is judged by those parts.
   */
  private static List<String> pairFeatures(String check) {
    return Arrays.asList(check.substring(LeakageChecks.MUTUAL_INFORMATION_PAIR.length())
        .split(Pattern.quote(LeakageChecks.PAIR_SEPARATOR)));
  }

  /** How the strong features showed an easy label, after their names, for the note and the log. */
  static String how(List<ConstraintResult> results) {
    return twoWithoutACommonFeature(failedPairs(results))
        ? " predict the label alone or in pairs without a feature in common"
        : " each predict the label alone";
  }

  /**
   * {@code results} with each failed target-leak error on the {@code strong} features turned into a
   * warning that names them, when there are at least two; unchanged otherwise.
   */
  public static List<ConstraintResult> apply(List<ConstraintResult> results, List<String> strong) {
    if (strong.size() < MIN_STRONG_FEATURES) {
      return results;
    }
    String note = " (kept as a warning: " + String.join(" and ", strong) + how(results)
        + ", so the label is easy, not leaked by one column; leakage.easy_label)";
    List<ConstraintResult> applied = new ArrayList<>();
    for (ConstraintResult result : results) {
      if (result.failedAsError()
          && onStrongFeaturesOnly(result.name(), strong)) {
        applied.add(result.keptAsWarning(note));
      } else {
        applied.add(result);
      }
    }
    return applied;
  }

  private static boolean onStrongFeaturesOnly(String check, List<String> strong) {
    for (String prefix : List.of(LeakageChecks.SINGLE_FEATURE_AUC,
        LeakageChecks.MUTUAL_INFORMATION)) {
      if (check.startsWith(prefix)) {
        return strong.contains(check.substring(prefix.length()));
      }
    }
    if (check.startsWith(LeakageChecks.MUTUAL_INFORMATION_PAIR)) {
      return strong.containsAll(pairFeatures(check));
    }
    return false;
  }
}
