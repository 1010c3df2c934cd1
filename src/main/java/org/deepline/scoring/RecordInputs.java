package org.deepline.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepline.features.FeatureModel;
import org.deepline.featurestore.JoinedFeatureTable;

/**
 * What a record given to {@link ModelScorer} must hold: a key for each of the feature model's
 * inputs. A key left out reads as a missing value, as a null cell does, except where the record
 * shows a mistake instead: another key that names the input but for letter case, separators or a
 * typo ({@code Tenure} for {@code tenure}), or an input that {@code score} joins from a feature table
 * (only the caller can look it up). Both fail, naming the inputs, where they gave a plausible and
 * wrong probability without a word.
 *
 * <pre>{@code
 * RecordInputs inputs = RecordInputs.of(featureModel);
 * inputs.check(Map.of("Tenure", 12)); // IllegalArgumentException: ... tenure (the record has Tenure ...
 * }</pre>
 */
final class RecordInputs {
  /**
   * Edits between a key and an input name that still read as a typo of it: one. Two called
   * {@code region_id} a typo of {@code region}, a column beside the input, not a misspelling.
   */
  private static final int TYPO_EDITS = 1;
  /** Names shorter than this are too short for an edit to say anything (x and y are one apart). */
  private static final int TYPO_MIN_LENGTH = 5;
  /** What a name is compared without: letter case aside, everything but letters and digits. */
  private static final Pattern SEPARATORS = Pattern.compile("[^a-z0-9]");
  /** Digits, which number columns ({@code score_1}, {@code score_2}) rather than misspell them. */
  private static final Pattern DIGITS = Pattern.compile("[0-9]");

  private final List<String> inputs;
  /** Each input's name as {@link #folded} makes it, in the order of {@link #inputs}. */
  private final List<String> foldedInputs;
  /** Each joined input's description: the table it comes from and the columns it is keyed by. */
  private final Map<String, String> joined;

  private RecordInputs(List<String> inputs, Map<String, String> joined) {
    this.inputs = List.copyOf(inputs);
    this.foldedInputs = inputs.stream().map(RecordInputs::folded).toList();
    this.joined = Map.copyOf(joined);
  }

  static RecordInputs of(FeatureModel model) {
    Map<String, String> joined = new LinkedHashMap<>();
    for (JoinedFeatureTable join : model.joins()) {
      for (String column : join.columns().keySet()) {
        joined.put(join.outputName(column), "joined from feature table " + join.table() + " on "
            + String.join(", ", join.keys()));
      }
    }
    return new RecordInputs(model.inputColumns(), joined);
  }

  List<String> inputs() {
    return inputs;
  }

  /**
   * Passes a record whose every input is a key, or whose absent inputs show no mistake.
   *
   * @throws IllegalArgumentException naming each input the record lacks by mistake, and why
   */
  void check(Set<String> keys) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String input = inputs.get(i);
      if (keys.contains(input)) {
        continue;
      }
      String near = nearKey(foldedInputs.get(i), keys);
      if (near != null) {
        problems.add(input + " (the record has " + near + "; inputs are named exactly)");
      } else if (joined.containsKey(input)) {
        problems.add(input + " (" + joined.get(input) + ": look it up, e.g. with "
            + "feature-lookup, and pass it under this name)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the record lacks model input" + (problems.size() == 1
          ? " " : "s ") + String.join(", ", problems) + "; the model's inputs are " + inputs
          + " (a key left out, or null, is a missing value)");
    }
  }

  /**
   * A key of the record that is not an input but names the input folded as {@code folded} by
   * mistake, or null: the same name but for letter case and separators, or a typo of a long name
   * (one edit, neither name the other with something added, not only in digits).
   */
  private String nearKey(String folded, Set<String> keys) {
    for (String key : keys) {
      if (key == null || inputs.contains(key)) {
        continue;
      }
      String other = folded(key);
      if (other.equals(folded) || isTypo(other, folded)) {
        return key;
      }
    }
    return null;
  }

  private static boolean isTypo(String a, String b) {
    return b.length() >= TYPO_MIN_LENGTH && !a.startsWith(b) && !b.startsWith(a)
        && !DIGITS.matcher(a).replaceAll("").equals(DIGITS.matcher(b).replaceAll(""))
        && editDistance(a, b, TYPO_EDITS) <= TYPO_EDITS;
  }

  /** A name in lower case without separators: {@code Monthly-Charges} is {@code monthlycharges}. */
  private static String folded(String name) {
    return SEPARATORS.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("");
  }

  /** Levenshtein distance of {@code a} and {@code b}, or {@code limit + 1} once it exceeds it. */
  static int editDistance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMinimum = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        rowMinimum = Math.min(rowMinimum, current[j]);
      }
      if (rowMinimum > limit) {
        return limit + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
