package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.deepline.core.Columns;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.core.SqlExpressions;

/**
 * The target, in one of three forms:
 *
 * <ul>
 *   <li>{@code column} + {@code positive}: 1.0 where the column's value is {@code positive}, else
 *       0.0 ({@link #matchesPositive}). Without {@code positive}, a job names it from the data's two
 *       classes ({@link PositiveClass}) before it labels a row;</li>
 *   <li>{@code column} + {@code classes}: a multi-class label, the index of the row's class in
 *       {@code classes} (0.0, 1.0, ...), matched as {@code positive} is. A column of 3 to
 *       {@value #MAX_CLASSES} classes without {@code positive} takes its classes from the data
 *       ({@link PositiveClass});</li>
 *   <li>{@code column} + {@code regression}: a number to predict, the column's value as a double.
 *       A column of more than {@value #MAX_CLASSES} values, every one a number, is taken as one
 *       without {@code regression} ({@link PositiveClass});</li>
 *   <li>{@code expression}: a Spark SQL boolean expression over silver columns, e.g.
 *       {@code delay > 15}: 1.0 where it is true, 0.0 where false. A row where it is null (its inputs
 *       are missing) is quarantined at ingest, so every silver row has a label.</li>
 * </ul>
 *
 * <p>Every later stage reads the label through {@link #target()} as the column {@value #LABEL}.
 */
public record LabelConfig(
    @JsonPropertyDescription("The target column; rows without a value go to quarantine. Allowed: "
        + "a column of `schema.columns`, not declared `\"nullable\": true`. Required without "
        + "`expression`.")
    String column,
    @JsonPropertyDescription("The value of the positive class, compared with the column's "
        + "value as text without surrounding spaces (`>50K` matches ` >50K`); a number also "
        + "matches the same number however the column writes it (`1` matches `1.0` in a double "
        + "column, and `01` in a text one), and text matches in any letter case (`yes` matches "
        + "`Yes` and `YES`). Allowed: non-blank; matching one of the column's `allowed_values` "
        + "(or several that differ only in letter case) when it declares any. Default: taken "
        + "from the data when the column holds two classes: of a yes/no pair (`yes`/`no`, "
        + "`true`/`false`, `y`/`n`, `t`/`f`, `positive`/`negative`, `pos`/`neg`) the "
        + "affirmative, of two numbers the larger (`1` of `0`/`1`), else the rarer, as the log "
        + "says (a WARN for the rarer), and kept for the data set in "
        + "`artifacts/label/positive_class.json` so that every later date labels alike; a date "
        + "of one class takes an affirmative, a negation's affirmative or `1` of `0`/`1`, and "
        + "fails otherwise; a column of 3 to 50 classes is a multi-class label (`classes`), one "
        + "of more fails naming them.")
    String positive,
    @JsonPropertyDescription("The positive class is where it is true, e.g. `\"delay > 15\"`, "
        + "`\"effect_amount_of_damage <> 'None'\"`. Columns go by their silver (renamed) names; "
        + "quote names with other characters in backticks. Allowed: a deterministic Spark SQL "
        + "boolean expression over declared columns.")
    String expression,
    @JsonPropertyDescription("The classes of a multi-class `column`, in the order of the "
        + "model's outputs; a row's label is the index of its class, matched as `positive` is. "
        + "Allowed: 3 to 50 distinct non-blank values, among the column's `allowed_values` when "
        + "it declares any; not with `positive` or `expression`. Default: taken from the data "
        + "when the column holds 3 to 50 classes and `positive` is not set, numbers in numeric "
        + "order and text in alphabetical order (letter case aside), and kept for the data set "
        + "in `artifacts/label/classes.json` so that every later date labels alike; a later "
        + "date holding a class not among them fails at split naming it.")
    List<String> classes,
    @JsonPropertyDescription("Whether `column` is a number to predict (regression: the model "
        + "outputs the number, trained with `training.loss.type` `mse`, `mae` or `huber`, and "
        + "is judged by RMSE, MAE and R²) rather than classes. Allowed: true or false; true not "
        + "with `positive`, `classes` or `expression`. Default: taken from the data when the "
        + "column holds more than 50 distinct values, every one a number, as the log says, and "
        + "kept for the data set in `artifacts/label/regression.json` so that every later date "
        + "labels alike; false keeps such a column a classification label, which then fails "
        + "naming its values.")
    Boolean regression) {
  /** The most classes a multi-class label may have: more are an identifier or a number to regress. */
  public static final int MAX_CLASSES = 50;
  /**
   * The 0/1 label column every stage after ingest works with; underscored like every column deepline
   * derives, so it can never clash with a source column (those may not start with '_').
   */
  public static final String LABEL = "_label";
  private static final String PROBE = "_label_probe";

  public LabelConfig {
    classes = classes == null ? null : List.copyOf(classes);
  }

  /** A binary label: {@code column} and {@code positive}, or {@code expression}. */
  public LabelConfig(String column, String positive, String expression) {
    this(column, positive, expression, null, null);
  }

  /** A binary or multi-class label. */
  public LabelConfig(String column, String positive, String expression, List<String> classes) {
    this(column, positive, expression, classes, null);
  }

  /** A regression label: the number in {@code column}. */
  public static LabelConfig regressionOf(String column) {
    return new LabelConfig(column, null, null, null, true);
  }

  public boolean isExpression() {
    return expression != null;
  }

  /** Whether the label is multi-class: a column whose classes are named ({@link #classes}). */
  public boolean isMulticlass() {
    return classes != null;
  }

  /** Whether the label is a number to predict ({@link #regression}). */
  public boolean isRegression() {
    return Boolean.TRUE.equals(regression);
  }

  /**
   * Whether the label still has to be told from the data: a column without {@code positive} or
   * {@code classes} that is not a regression label ({@link PositiveClass}).
   */
  public boolean isUndecided() {
    return !isExpression() && positive == null && !isMulticlass() && !isRegression();
  }

  /** This label, with {@code positive} as its positive class. */
  public LabelConfig withPositive(String positive) {
    return new LabelConfig(column, positive, expression, null, regression);
  }

  /** This label, multi-class with {@code classes} in the order of the model's outputs. */
  public LabelConfig withClasses(List<String> classes) {
    return new LabelConfig(column, null, null, classes, regression);
  }

  /**
   * The label every stage after ingest works with: {@link #binary()}, for a multi-class label the
   * index of the row's class in {@link #classes} as a double, for a regression label the column's
   * number; null where the value is null, (multi-class) none of the classes or (regression) not a
   * finite number.
   */
  public Column target() {
    if (isRegression()) {
      return number(column);
    }
    if (!isMulticlass()) {
      return binary();
    }
    Column index = functions.lit(null).cast(DataTypes.DoubleType);
    // Last class first, so that the first class that matches wins, as classes are distinct.
    for (int i = classes.size() - 1; i >= 0; i--) {
      index = functions.when(matchesPositive(column, classes.get(i)), (double) i).otherwise(index);
    }
    return functions.when(Columns.col(column).isNull(), null).otherwise(index);
  }

  /** {@link #target()} for {@code rows}: {@link #binaryOn} for a binary label. */
  public Column targetOn(Dataset<Row> rows) {
    return isMulticlass() || isRegression() ? target() : binaryOn(rows);
  }

  /**
   * {@code column}'s value as a finite double, from its text so that any column type casts, with
   * try_cast so that text that is not a number is null whatever ANSI mode says.
   */
  static Column number(String column) {
    Column parsed = functions.expr("try_cast(trim(cast(" + Columns.quote(column)
        + " as string)) as double)");
    return functions.when(functions.isnan(parsed).or(parsed.isin(Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY)), null).otherwise(parsed);
  }

  /** How many classes the model tells apart: 2 for a binary label, 1 (a number) for regression. */
  public int classCount() {
    return isRegression() ? 1 : isMulticlass() ? classes.size() : 2;
  }

  /** How reports name class {@code index}: a multi-class label's class, else negative/positive. */
  public String className(int index) {
    if (isMulticlass()) {
      return classes.get(index);
    }
    return index == 1 ? "positive" : "negative";
  }

  /**
   * 1.0 for the positive class, 0.0 for the negative one, null when it cannot be told.
   *
   * @throws IllegalStateException for a column label whose positive class is not yet named: a job
   *     takes it from the data first ({@link PositiveClass#resolve})
   */
  public Column binary() {
    if (!isExpression() && positive == null) {
      throw new IllegalStateException("label.positive of label.column " + column + " is not "
          + "named: name it from the data first (PositiveClass.named)");
    }
    if (isExpression()) {
      Column condition = functions.expr(expression);
      return functions.when(condition.isNull(), null).otherwise(condition.cast(DataTypes.DoubleType));
    }
    Column value = Columns.col(column);
    return functions.when(value.isNull(), null)
        .otherwise(matchesPositive(column, positive).cast("double"));
  }

  /**
   * Whether {@code column}'s value is the class {@code positive} names, as a user who wrote
   * {@code positive} from a look at the data means it: text without the spaces around it (CSV
   * exports pad fields: {@code " >50K"}), a number as the number (a label read as double prints
   * {@code 1.0}, never {@code 1}; on a text column {@code "01"} and {@code "1.0"} are 1 too), and
   * text in any letter case. Never null for a non-null value. The labeling stage's gold column is
   * matched the same way.
   *
   * <p>Why letter case does not count: exports write one class several ways ({@code Yes} and
   * {@code YES} in one survey column), and a positive class compared exactly counted every row
   * written otherwise as a negative without a word. Two classes that differ only in case are
   * not a target anyone trains on.
   */
  public static Column matchesPositive(String column, String positive) {
    String wanted = stripSpaces(positive);
    Column text = functions.trim(Columns.col(column).cast("string"));
    // Both sides lower-cased by Spark: its lower case of non-ASCII text follows the JVM's locale.
    Column matches = text.equalTo(wanted)
        .or(functions.lower(text).equalTo(functions.lower(functions.lit(wanted))));
    Double number = finiteNumber(wanted);
    if (number != null) {
      // From the text, so that any column type casts (a date does not cast to double), and with
      // try_cast, so that text that is not a number is no match whatever ANSI mode says.
      matches = matches.or(functions.expr("try_cast(trim(cast(" + Columns.quote(column)
          + " as string)) as double)").eqNullSafe(number));
    }
    return matches;
  }

  /** {@link #matchesPositive}'s rule for two values as text: whether they name one class. */
  static boolean sameClass(String value, String positive) {
    String a = stripSpaces(value);
    String b = stripSpaces(positive);
    Double x = finiteNumber(a);
    Double y = finiteNumber(b);
    return classKey(a).equals(classKey(b)) || (x != null && x.equals(y));
  }

  /** A value as text, the way classes compare it: without spaces around it, in lower case. */
  static String classKey(String value) {
    return stripSpaces(value).toLowerCase(Locale.ROOT);
  }

  /** As Spark's {@code trim}: spaces only, not every whitespace character. */
  private static String stripSpaces(String text) {
    return text.replaceAll("^ +| +$", "");
  }

  private static Double finiteNumber(String text) {
    try {
      double parsed = Double.parseDouble(text);
      return Double.isFinite(parsed) ? parsed : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * {@link #binary()} for {@code rows}, after checking before any data is read that an expression
   * resolves on their columns, is boolean and deterministic (ingest and split evaluate it separately
   * and must agree).
   */
  public Column binaryOn(Dataset<Row> rows) {
    if (!isExpression()) {
      return binary();
    }
    Dataset<Row> probe;
    try {
      probe = rows.select(functions.col("*"), functions.expr(expression).as(PROBE));
    } catch (Exception e) {
      // Analysis and parse errors are checked Scala exceptions, thrown undeclared.
      String reason = e instanceof AnalysisException analysis ? analysis.getSimpleMessage()
          : String.valueOf(e.getMessage());
      throw new DeeplineException(describe() + " cannot be evaluated: "
          + reason.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
              .orElse(reason), e);
    }
    DataType type = probe.schema().apply(PROBE).dataType();
    if (type != DataTypes.BooleanType) {
      throw new DeeplineException(describe() + " is " + type.simpleString()
          + ", not boolean; write a condition, e.g. delay > 15");
    }
    LogicalPlan analyzed = probe.queryExecution().analyzed();
    if (analyzed instanceof Project project) {
      // NamedExpression is a Scala trait, seen from Java without Expression's methods.
      Expression evaluated = (Expression) project.projectList().last();
      if (!evaluated.deterministic()) {
        throw new DeeplineException(describe() + " is not deterministic; ingest and split would "
            + "give a record different labels");
      }
    }
    return binary();
  }

  /** The quarantine reason of a row whose label expression is null. */
  public String nullReason() {
    return "label expression " + codeSpan(expression) + " is null";
  }

  /**
   * The quarantine reason of a row that has no label, in either form: the expression's
   * {@link #nullReason}, or the label column's missing value ({@link SilverTyping}'s reason for a
   * non-nullable column, which the label column is).
   */
  public String missingReason() {
    return isExpression() ? nullReason() : column + SilverTyping.MISSING_VALUE;
  }

  /** How error messages name the label. */
  public String describe() {
    return isExpression() ? "label.expression " + codeSpan(expression) : "label.column " + column;
  }

  /**
   * {@code text} between backticks, or, when it holds backticks itself (a quoted column name),
   * between a run of one more than its longest, with a space inside, as Markdown reads it:
   * {@code `` `imdb rating` >= 7 ``}, never {@code ``imdb rating` >= 7`}.
   */
  static String codeSpan(String text) {
    int longest = 0;
    int run = 0;
    for (char c : text.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    return longest == 0 ? fence + text + fence : fence + " " + text + " " + fence;
  }

  /**
   * The declared columns the label is computed from: they cannot be features, which would hand the
   * network its own target.
   */
  public Set<String> columnsRead(Map<String, ColumnSpec> declared) {
    return columnsRead(declared.keySet());
  }

  /** ... of the columns named {@code declared} (a table's, when no schema is at hand). */
  public Set<String> columnsRead(Collection<String> declared) {
    if (!isExpression()) {
      return column == null ? Set.of() : Set.of(column);
    }
    Set<String> read = new LinkedHashSet<>();
    try {
      for (String name : SqlExpressions.referencedColumns(expression)) {
        String match = declaredName(name, declared);
        if (match != null) {
          read.add(match);
        }
      }
    } catch (IllegalArgumentException e) {
      // A parse error is reported by validate; no columns are known.
    }
    return read;
  }

  public void validate(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    if (isExpression()) {
      validateExpression(errors, columns);
      return;
    }
    errors.requireColumn(column, columns, "column");
    if (isMulticlass()) {
      validateClasses(errors, columns.get(column));
    }
    if (isRegression() && (positive != null || classes != null)) {
      errors.add("regression", "a regression label is the column's number; leave out "
          + (positive != null ? "positive" : "classes") + " (a classification label's)");
    }
    if (positive != null && positive.isBlank()) {
      // Left out, the data's two classes name it (PositiveClass); blank is neither.
      errors.add("positive", "must not be blank: the value of the class to predict, e.g. "
          + "\"Yes\", or leave it out to take the affirmative, larger or rarer of the column's two "
          + "classes");
    }
    ColumnSpec spec = columns.get(column);
    if (spec != null && Boolean.TRUE.equals(spec.nullable())) {
      errors.add("column", "the label column " + column + " cannot be nullable: rows without a "
          + "label go to quarantine (leave nullable out, or declare it false)");
    }
    if (spec != null && !spec.allowedValues().isEmpty() && positive != null) {
      List<String> named = spec.allowedValues().stream()
          .filter(value -> sameClass(value, positive)).toList();
      if (named.isEmpty()) {
        errors.add("positive", positive + " is not among " + column + "'s allowed_values "
            + spec.allowedValues());
      } else if (named.stream().map(LabelConfig::classKey).distinct().count() > 1) {
        errors.add("positive", positive + " matches " + named.size() + " of " + column
            + "'s allowed_values " + named + "; write the one that is the positive class");
      }
    }
  }

  private void validateClasses(ConfigErrors errors, ColumnSpec spec) {
    if (positive != null) {
      errors.add("classes", "give either positive (a binary label) or classes (a multi-class "
          + "one), not both");
    }
    if (classes.size() < 3 || classes.size() > MAX_CLASSES) {
      errors.add("classes", "names " + classes.size() + " classes; a multi-class label has 3 to "
          + MAX_CLASSES + (classes.size() == 2 ? " (for two, set positive to the class to "
          + "predict)" : classes.size() > MAX_CLASSES ? " (a column of more is an identifier, or "
          + "a number: write label.expression, e.g. \"price > 100000\")" : ""));
    }
    for (int i = 0; i < classes.size(); i++) {
      String named = classes.get(i);
      if (named == null || named.isBlank()) {
        errors.add("classes", "class " + i + " is blank; name every class as the data writes it");
        continue;
      }
      for (int j = 0; j < i; j++) {
        if (classes.get(j) != null && sameClass(named, classes.get(j))) {
          errors.add("classes", "'" + classes.get(j) + "' and '" + named + "' name one class "
              + "(classes compare as text without spaces around it in any letter case, and "
              + "numbers as numbers)");
        }
      }
      if (spec != null && !spec.allowedValues().isEmpty()
          && spec.allowedValues().stream().noneMatch(value -> sameClass(value, named))) {
        errors.add("classes", named + " is not among " + column + "'s allowed_values "
            + spec.allowedValues());
      }
    }
  }

  private void validateExpression(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    if (column != null || positive != null) {
      errors.add("expression", "give either column and positive, or expression, not both");
    }
    if (classes != null) {
      errors.add("expression", "an expression is a binary label; classes name a multi-class "
          + "column's, not both");
    }
    if (isRegression()) {
      errors.add("expression", "an expression is a binary label; regression predicts a "
          + "column's number: set column instead");
    }
    if (expression.isBlank()) {
      errors.add("expression", "must not be blank");
      return;
    }
    List<String> read;
    try {
      read = SqlExpressions.referencedColumns(expression);
    } catch (IllegalArgumentException e) {
      errors.add("expression", "`" + expression + "` is not a valid Spark SQL expression: "
          + e.getMessage());
      return;
    }
    if (read.isEmpty()) {
      errors.add("expression", "`" + expression + "` reads no column; a label must depend on the "
          + "record");
    }
    // Unquoted, Solar.R is the field R of a column Solar to Spark, which the name check below
    // cannot tell from the column Solar.R: it failed only when ingest evaluated it.
    SqlExpressions.dottedNames(expression).stream()
        .map(name -> declaredName(name, columns.keySet())).filter(Objects::nonNull)
        .distinct()
        .forEach(name -> errors.add("expression", "`" + expression + "` names the column " + name
            + " without backticks, which Spark reads as a field of a column "
            + name.substring(0, name.indexOf('.')) + ": write `" + name + "`"));
    List<String> unknown = new ArrayList<>();
    read.stream().filter(name -> declaredName(name, columns.keySet()) == null)
        .forEach(unknown::add);
    if (!unknown.isEmpty()) {
      errors.add("expression", "`" + expression + "` reads " + unknown
          + ", not declared in schema.columns " + columns.keySet());
    }
  }

  /** The declared column a name in an expression resolves to: Spark compares names ignoring case. */
  private static String declaredName(String name, Collection<String> declared) {
    for (String candidate : declared) {
      if (candidate.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return candidate;
      }
    }
    return null;
  }
}
