package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * The binary target, in one of two forms:
 *
 * <ul>
 *   <li>{@code column} + {@code positive}: 1.0 where the column's value is {@code positive}, else
 *       0.0 ({@link #matchesPositive});</li>
 *   <li>{@code expression}: a Spark SQL boolean expression over silver columns, e.g.
 *       {@code delay > 15}: 1.0 where it is true, 0.0 where false. A row where it is null (its inputs
 *       are missing) is quarantined at ingest, so every silver row has a label.</li>
 * </ul>
 *
 * <p>Every later stage reads the label through {@link #binary()} as the column {@value #LABEL}.
 */
public record LabelConfig(
    @JsonPropertyDescription("The target column; rows without a value go to quarantine. Allowed: "
        + "a column of `schema.columns`, not declared `\"nullable\": true`. Required without "
        + "`expression`.")
    String column,
    @JsonPropertyDescription("The value of the positive class, compared with the column's "
        + "value as text without surrounding spaces (`>50K` matches ` >50K`); a number also "
        + "matches the same number however the column writes it (`1` matches `1.0` in a double "
        + "column), and `true` or `false` match a boolean column in any case. Letter case of other "
        + "text counts. Allowed: non-blank; one of the column's `allowed_values` when it declares "
        + "any. Required with `column`.")
    String positive,
    @JsonPropertyDescription("The positive class is where it is true, e.g. `\"delay > 15\"`, "
        + "`\"effect_amount_of_damage <> 'None'\"`. Columns go by their silver (renamed) names; "
        + "quote names with other characters in backticks. Allowed: a deterministic Spark SQL "
        + "boolean expression over declared columns.")
    String expression) {
  /**
   * The 0/1 label column every stage after ingest works with; underscored like every column deepline
   * derives, so it can never clash with a source column (those may not start with '_').
   */
  public static final String LABEL = "_label";
  private static final String PROBE = "_label_probe";
  /** How a boolean column's values read as text, whatever case the config writes them in. */
  private static final Set<String> BOOLEAN_TEXT = Set.of("true", "false");

  public boolean isExpression() {
    return expression != null;
  }

  /** 1.0 for the positive class, 0.0 for the negative one, null when it cannot be told. */
  public Column binary() {
    if (isExpression()) {
      Column condition = functions.expr(expression);
      return functions.when(condition.isNull(), null).otherwise(condition.cast(DataTypes.DoubleType));
    }
    Column value = Columns.col(column);
    return functions.when(value.isNull(), null)
        .otherwise(matchesPositive(value).cast("double"));
  }

  /**
   * Whether {@code value} is the positive class, as a user who wrote {@code positive} from a look
   * at the data means it: text without the spaces around it (CSV exports pad fields:
   * {@code " >50K"}), a number as the number (a label read as double prints {@code 1.0}, never {@code 1}), a boolean
   * in any case. Never null for a non-null value.
   */
  Column matchesPositive(Column value) {
    String wanted = positive.strip();
    Column text = functions.trim(value.cast("string"));
    Column matches = text.equalTo(wanted);
    Double number = finiteNumber(wanted);
    if (number != null) {
      // try_cast: a text label that is not a number is simply no match, whatever ANSI mode says.
      matches = matches.or(functions.expr("try_cast(" + Columns.quote(column) + " as double)")
          .eqNullSafe(number));
    }
    if (BOOLEAN_TEXT.contains(wanted.toLowerCase(Locale.ROOT))) {
      matches = matches.or(functions.lower(text).equalTo(wanted.toLowerCase(Locale.ROOT)));
    }
    return matches;
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

  /** How error messages name the label. */
  public String describe() {
    return isExpression() ? "label.expression " + codeSpan(expression) : "label.column " + column;
  }

  /**
   * {@code text} between backticks, or, when it holds backticks itself (a quoted column name),
   * between doubled ones with a space inside, as Markdown reads it: {@code `` `imdb rating` >= 7 ``}, never
   * {@code ``imdb rating` >= 7`}.
   */
  static String codeSpan(String text) {
    return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
  }

  /**
   * The declared columns the label is computed from: they cannot be features, which would hand the
   * network its own target.
   */
  public Set<String> columnsRead(Map<String, ColumnSpec> declared) {
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
    errors.requireNonBlank(positive, "positive");
    ColumnSpec spec = columns.get(column);
    if (spec != null && Boolean.TRUE.equals(spec.nullable())) {
      errors.add("column", "the label column " + column + " cannot be nullable: rows without a "
          + "label go to quarantine (leave nullable out, or declare it false)");
    }
    if (spec != null && !spec.allowedValues().isEmpty() && positive != null
        && !spec.allowedValues().contains(positive)) {
      errors.add("positive", positive + " is not among " + column + "'s allowed_values "
          + spec.allowedValues());
    }
  }

  private void validateExpression(ConfigErrors errors, Map<String, ColumnSpec> columns) {
    if (column != null || positive != null) {
      errors.add("expression", "give either column and positive, or expression, not both");
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
    List<String> unknown = new ArrayList<>();
    read.stream().filter(name -> declaredName(name, columns) == null).forEach(unknown::add);
    if (!unknown.isEmpty()) {
      errors.add("expression", "`" + expression + "` reads " + unknown
          + ", not declared in schema.columns " + columns.keySet());
    }
  }

  /** The declared column a name in an expression resolves to: Spark compares names ignoring case. */
  private static String declaredName(String name, Map<String, ColumnSpec> declared) {
    for (String candidate : declared.keySet()) {
      if (candidate.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return candidate;
      }
    }
    return null;
  }
}
