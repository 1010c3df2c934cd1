package org.deepline.labeling;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deepline.core.ConfigErrors;
import org.deepline.core.SqlExpressions;
import org.deepline.etl.ColumnSpec;

/**
 * Weak supervision for {@code deepline label}: labelling functions that vote a class or abstain,
 * and where the votes are checked against a gold label. Optional: a config without it is valid, and
 * only {@code label} (without {@code --uncertain}) requires its functions.
 *
 * <pre>{@code
 * "labeling": {"functions": [
 *   {"name": "two_year_contract", "expression": "contract = 'Two year'", "vote": "negative"},
 *   {"name": "new_monthly", "expression": "contract = 'Month-to-month' AND tenure < 12",
 *    "vote": "positive"}]}
 * }</pre>
 *
 * @param functions    the labelling functions, at least {@value #MIN_FUNCTIONS} and at most
 *                     {@value #MAX_FUNCTIONS}
 * @param goldColumn   a silver column holding the true class, to measure the votes against; when
 *                     absent the data set's label ({@code label}) is the gold
 * @param goldPositive the gold column's positive value; absent, the column must hold 1/0 or
 *                     true/false (a numeric or boolean column)
 * @param classPrior   the positive class's share when it is known (e.g. from a census or a small
 *                     labelled sample), held fixed by the label model; learned when absent
 */
public record LabelingConfig(
    @JsonPropertyDescription("The labelling functions. Allowed: 2 to 20.")
    List<LabelingFunction> functions,
    @JsonPropertyDescription("The true class, to measure each function, majority vote and the "
        + "label model against. Rows where it is null are left out of the accuracies. Allowed: a "
        + "column of `schema.columns`. When unset: the data set's label (`label`).")
    String goldColumn,
    @JsonPropertyDescription("The gold column's positive value (1.0 where the column's value "
        + "is it, matched as `label.positive` is: without surrounding spaces, a number as the "
        + "number, text in any letter case; else 0.0). Without it the column's value is the "
        + "class and must be 1/0 or true/false: another value fails the run (exit 5), naming the "
        + "column. Allowed: only with `gold_column`; required when that column is not "
        + "`boolean`, `int`, `long` or `double`.")
    String goldPositive,
    @JsonPropertyDescription("The positive class's share, when known from a census or a small "
        + "labelled sample: the label model holds it fixed instead of learning it (Snorkel's "
        + "`class_balance`). Allowed: `(0, 1)`. When unset: learned.")
    Double classPrior) {
  /** The label model needs two functions or more: one alone says nothing of its own accuracy. */
  public static final int MIN_FUNCTIONS = 2;
  /**
   * A vote combination is a bit mask of a long, and the label model runs on the driver over the
   * distinct combinations: 20 functions allow millions of them, each EM iteration a pass over them
   * all (seconds at that size; a typical set of functions gives a few hundred combinations).
   */
  public static final int MAX_FUNCTIONS = 20;
  private static final List<String> BOOLEAN_TYPES = List.of("boolean", "int", "long", "double");

  public LabelingConfig {
    functions = functions == null ? List.of() : List.copyOf(functions);
  }

  public static LabelingConfig defaults() {
    return new LabelingConfig(null, null, null, null);
  }

  /** Whether the section declares any function (a config without the section declares none). */
  public boolean declared() {
    return !functions.isEmpty();
  }

  /**
   * Checks the section against the declared columns; {@code labelColumns} are the columns the data
   * set's label is computed from, which no function may read (it would be voting the answer).
   */
  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns,
      Set<String> labelColumns) {
    if (functions.isEmpty()) {
      if (goldColumn != null || goldPositive != null || classPrior != null) {
        errors.add("functions", "is required when the labeling section sets anything else");
      }
      return;
    }
    if (functions.size() < MIN_FUNCTIONS) {
      errors.add("functions", "the label model needs at least " + MIN_FUNCTIONS
          + " labelling functions, got " + functions.size());
    }
    if (functions.size() > MAX_FUNCTIONS) {
      errors.add("functions", "at most " + MAX_FUNCTIONS + " labelling functions, got "
          + functions.size());
    }
    if (classPrior != null) {
      errors.requireFraction(classPrior, "class_prior", false, false);
    }
    Set<String> guarded = new HashSet<>();
    labelColumns.forEach(c -> guarded.add(c.toLowerCase(Locale.ROOT)));
    validateGold(errors, columns, guarded);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < functions.size(); i++) {
      LabelingFunction function = functions.get(i);
      ConfigErrors at = errors.at("functions", i);
      if (function == null) {
        at.add("", "must be an object with name, expression and vote");
        continue;
      }
      String name = function.name();
      if (name == null || !name.matches(LabelingFunction.NAME_PATTERN)) {
        at.add("name", "must be lower-case letters, digits and _, starting with a letter, got "
            + name);
      } else if (!names.add(name)) {
        at.add("name", "function " + name + " is declared twice");
      }
      if (!function.voteValid()) {
        at.add("vote", "function " + name + ": must be one of " + LabelingFunction.VOTES + ", got "
            + function.vote());
      }
      validateExpression(at, function, columns, guarded);
    }
  }

  private void validateGold(ConfigErrors errors, Map<String, ColumnSpec> columns,
      Set<String> guarded) {
    if (goldColumn == null) {
      errors.require(goldPositive == null, "gold_positive", "is only used with gold_column");
      return;
    }
    errors.requireColumn(goldColumn, columns, "gold_column");
    ColumnSpec spec = columns.get(goldColumn);
    if (spec != null && goldPositive == null && !BOOLEAN_TYPES.contains(spec.type())) {
      errors.add("gold_positive", "gold_column " + goldColumn + " is declared " + spec.type()
          + "; name its positive value, or use a 1/0 or boolean column");
    }
    guarded.add(goldColumn.toLowerCase(Locale.ROOT));
  }

  private static void validateExpression(ConfigErrors errors, LabelingFunction function,
      Map<String, ColumnSpec> columns, Set<String> guarded) {
    String name = function.name();
    String expression = function.expression();
    if (expression == null || expression.isBlank()) {
      errors.add("expression", "function " + name + ": is required");
      return;
    }
    List<String> read;
    try {
      read = SqlExpressions.referencedColumns(expression);
    } catch (IllegalArgumentException e) {
      errors.add("expression", "function " + name + ": `" + expression
          + "` is not a valid Spark SQL expression: " + e.getMessage());
      return;
    }
    if (read.isEmpty()) {
      errors.add("expression", "function " + name + ": `" + expression
          + "` reads no column; a labelling function must look at the record");
    }
    List<String> unknown = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    for (String column : read) {
      if (columns.keySet().stream().noneMatch(column::equalsIgnoreCase)) {
        unknown.add(column);
      } else if (guarded.contains(column.toLowerCase(Locale.ROOT))) {
        leaks.add(column);
      }
    }
    if (!unknown.isEmpty()) {
      errors.add("expression", "function " + name + ": `" + expression + "` reads " + unknown
          + ", not declared in schema.columns");
    }
    if (!leaks.isEmpty()) {
      errors.add("expression", "function " + name + ": `" + expression + "` reads " + leaks
          + ", the label or gold column itself: a function that reads the answer measures "
          + "nothing (leak)");
    }
  }
}
