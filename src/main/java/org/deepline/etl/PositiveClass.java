package org.deepline.etl;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The positive class of a {@code label.column} whose config leaves {@code label.positive} out, as a
 * config written from a CSV header does: the column must hold two classes, and one of them is
 * taken by a rule a user can predict, then said in the log.
 *
 * <ol>
 *   <li>a yes/no pair ({@code yes}/{@code no}, {@code y}/{@code n}, {@code true}/{@code false},
 *       {@code t}/{@code f}, {@code positive}/{@code negative}, {@code pos}/{@code neg}, in any
 *       letter case): the affirmative one;</li>
 *   <li>two numbers ({@code 1}/{@code 0}, {@code 2}/{@code 1}, {@code 1}/{@code -1}): the larger,
 *       as scikit-learn and MLlib take {@code 1} of a 0/1 label;</li>
 *   <li>any other two values ({@code bad}/{@code good}, {@code M}/{@code F}): the rarer, the class
 *       a binary task is usually about (the default, the fraud, the disease), and the one whose
 *       precision, recall and PR AUC the reports then give. The choice is a guess, so it is a WARN
 *       that says how to make it: ROC AUC is the same either way, the thresholds are not.</li>
 * </ol>
 *
 * <p>Classes are told apart as {@link LabelConfig#matchesPositive} tells them: text without the
 * spaces around it in any letter case, a number as the number. A column of three or more classes
 * fails with its classes and counts: the model is binary, and which class to single out is the
 * user's call.
 *
 * <pre>{@code
 * LabelConfig label = PositiveClass.named(context.section(LabelConfig.class), silver.rows(),
 *     "split", "the silver rows of " + context.runDate());
 * }</pre>
 */
public final class PositiveClass {
  /** The classes a column of too many names in its error, most common first. */
  static final int CLASSES_NAMED = 10;
  /** Affirmative class keys and the negation each pairs with. */
  private static final Map<String, String> AFFIRMATIVE = Map.of("yes", "no", "y", "n",
      "true", "false", "t", "f", "positive", "negative", "pos", "neg");
  /** How Spark prints a finite double, the key of a class that is a number. */
  private static final Pattern SPARK_DOUBLE = Pattern.compile("-?[0-9]+\\.[0-9]+(E-?[0-9]+)?");
  private static final String KEY = "_class_key";
  private static final String VALUE = "_class_value";
  private static final String ROWS = "_class_rows";

  private static final Logger LOG = LoggerFactory.getLogger(PositiveClass.class);

  private PositiveClass() {}

  /**
   * One class of the label column: its {@code key} (how classes compare), a {@code value} as the
   * data writes it, and its rows.
   */
  public record ClassCount(String key, String value, long rows) {}

  /**
   * The label with its positive class named, and what the log says about a class the config did
   * not name; {@code said} is empty when the config named it.
   *
   * @param guessed whether the rarer of two classes was taken, which the log WARNs of
   */
  public record Resolved(LabelConfig label, String said, boolean guessed) {}

  /**
   * {@code label} as configured when it names its positive class (or is an expression); else with
   * the positive class of {@code rows}' label column by the rule above.
   *
   * @param rowsDescribed how messages name {@code rows}, e.g. "the silver rows of 2026-12-07"
   * @throws DeeplineException naming the classes when the column holds more than two
   */
  public static Resolved resolve(LabelConfig label, Dataset<Row> rows, String rowsDescribed) {
    if (label.isExpression() || label.positive() != null) {
      return new Resolved(label, "", false);
    }
    return choose(label, classes(rows, label.column()), rowsDescribed);
  }

  /**
   * {@link #resolve}, said in the log as {@code stage}'s: a WARN when the rarer class was taken, an
   * INFO otherwise; nothing when the config named the class.
   */
  public static LabelConfig named(LabelConfig label, Dataset<Row> rows, String stage,
      String rowsDescribed) {
    Resolved resolved = resolve(label, rows, rowsDescribed);
    if (resolved.guessed()) {
      LOG.warn("{}: {}", stage, resolved.said());
    } else if (!resolved.said().isEmpty()) {
      LOG.info("{}: {}", stage, resolved.said());
    }
    return resolved.label();
  }

  /** The column's classes, most rows first, at most one more than {@link #CLASSES_NAMED}. */
  static List<ClassCount> classes(Dataset<Row> rows, String column) {
    Column text = functions.trim(Columns.col(column).cast("string"));
    // A number's key is the number (1, 1.0 and 01 are one class); other text's its lower case.
    Column key = functions.coalesce(
        functions.expr("try_cast(trim(cast(" + Columns.quote(column) + " as string)) as double)")
            .cast("string"),
        functions.lower(text));
    return rows.where(Columns.col(column).isNotNull())
        .groupBy(key.as(KEY))
        .agg(functions.min(text).as(VALUE), functions.count(functions.lit(1)).as(ROWS))
        .orderBy(functions.col(ROWS).desc(), functions.col(KEY))
        .limit(CLASSES_NAMED + 1)
        .collectAsList().stream()
        .map(r -> new ClassCount(r.getString(0), r.getString(1), r.getLong(2)))
        .toList();
  }

  /** The rule, on the column's classes (most rows first). */
  static Resolved choose(LabelConfig label, List<ClassCount> classes, String rowsDescribed) {
    String column = label.column();
    if (classes.isEmpty()) {
      throw new DeeplineException(Failure.INPUT, "label.column " + column + " has no value in "
          + rowsDescribed + ", so no positive class can be told; set label.positive");
    }
    if (classes.size() == 1) {
      // The split's one-class check fails on it, naming the value.
      ClassCount only = classes.get(0);
      return new Resolved(label.withPositive(only.value()), "label.positive is not set and "
          + "label.column " + column + " holds one class in " + rowsDescribed + ": '"
          + only.value() + "' (" + only.rows() + ")", false);
    }
    if (classes.size() > 2) {
      String named = classes.stream().limit(CLASSES_NAMED).map(PositiveClass::describe)
          .collect(Collectors.joining(", "));
      String more = classes.size() > CLASSES_NAMED ? ", ..." : "";
      throw new DeeplineException(Failure.CONFIG, "label.column " + column + " holds "
          + (classes.size() > CLASSES_NAMED ? "more than " + CLASSES_NAMED : classes.size())
          + " classes in " + rowsDescribed + " (" + named + more + ") and label.positive is "
          + "not set: the model is binary; set label.positive to the class to tell from the "
          + "others (e.g. \"" + classes.get(classes.size() - 1).value() + "\"), or write "
          + "label.expression (e.g. \"" + column + " IN ('"
          + classes.get(0).value() + "', '" + classes.get(1).value() + "')\")");
    }
    ClassCount common = classes.get(0);
    ClassCount rare = classes.get(1);
    String pair = "'" + common.value() + "' and '" + rare.value() + "'";
    ClassCount affirmative = affirmative(common, rare);
    if (affirmative != null) {
      return chosen(label, affirmative, classes, rowsDescribed, "the affirmative of " + pair,
          false);
    }
    Double a = number(common.key());
    Double b = number(rare.key());
    if (a != null && b != null) {
      return chosen(label, a > b ? common : rare, classes, rowsDescribed, "the larger of " + pair,
          false);
    }
    // Equal counts: the one that sorts last, so that the choice never depends on the rows' order.
    ClassCount rarer = common.rows() == rare.rows()
        ? classes.stream().max(Comparator.comparing(ClassCount::key)).orElseThrow() : rare;
    return chosen(label, rarer, classes, rowsDescribed, "the rarer of " + pair, true);
  }

  private static Resolved chosen(LabelConfig label, ClassCount positive, List<ClassCount> classes,
      String rowsDescribed, String why, boolean guessed) {
    String counts = classes.stream().map(PositiveClass::describe)
        .collect(Collectors.joining(", "));
    String said = "label.positive is not set: '" + positive.value() + "' is the positive class of "
        + "label.column " + label.column() + ", " + why + " (" + counts + " in " + rowsDescribed
        + ")" + (guessed ? "; set label.positive to choose the class whose precision and recall "
            + "the reports give (ROC AUC is the same either way)" : "");
    return new Resolved(label.withPositive(positive.value()), said, guessed);
  }

  /** The affirmative one of a yes/no pair; null when the two are not one. */
  private static ClassCount affirmative(ClassCount a, ClassCount b) {
    if (b.key().equals(AFFIRMATIVE.get(a.key()))) {
      return a;
    }
    return a.key().equals(AFFIRMATIVE.get(b.key())) ? b : null;
  }

  /** A number's key as Spark prints a double ({@code 1.0}, {@code -1.0E10}); null for text. */
  private static Double number(String key) {
    return SPARK_DOUBLE.matcher(key).matches() ? Double.valueOf(key) : null;
  }

  private static String describe(ClassCount c) {
    return String.format(Locale.ROOT, "'%s' %d", c.value(), c.rows());
  }
}
