package org.deepline.etl;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeeplineException;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Warehouse;
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
 * spaces around it in any letter case, a number as the number. A column of 3 to
 * {@value LabelConfig#MAX_CLASSES} classes is a multi-class label ({@link LabelConfig#classes}):
 * its classes in a predictable order, numbers by value and text alphabetically, said in the log
 * with their counts. A column of more fails with its most common classes: it is an identifier, or
 * a number to write a condition on.
 *
 * <p>The class two classes decided, and a multi-class label's classes, are kept for the data set
 * ({@link #named}), so that a later date labels alike whatever its own rows hold.
 *
 * <pre>{@code
 * LabelConfig label = PositiveClass.named(context, context.section(LabelConfig.class),
 *     silver::rows, "split");
 * }</pre>
 */
public final class PositiveClass {
  /** How many classes, most common first, the error of a column of too many names. */
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
   * @param why     why that class, when two classes decided it and later dates should keep it;
   *                null otherwise (the config named it, or one class settled it for this date)
   */
  public record Resolved(LabelConfig label, String said, boolean guessed, String why) {}

  /**
   * {@code label} as configured when it names its positive class (or is an expression); else with
   * the positive class of {@code rows}' label column by the rule above.
   *
   * @param rowsDescribed how messages name {@code rows}, e.g. "the silver rows of 2026-12-07"
   * @throws DeeplineException naming the classes when the column holds more than two
   */
  static Resolved resolve(LabelConfig label, Dataset<Row> rows, String rowsDescribed) {
    if (!label.isUndecided()) {
      return new Resolved(label, "", false, null);
    }
    List<ClassCount> classes = classes(rows, label.column());
    if (classes.size() > LabelConfig.MAX_CLASSES && label.regression() == null
        && classes.stream().allMatch(c -> number(c.key()) != null)
        && rows.where(Columns.col(label.column()).isNotNull()
            .and(LabelConfig.number(label.column()).isNull())).isEmpty()) {
      return new Resolved(LabelConfig.regressionOf(label.column()), "label.column "
          + label.column() + " holds more than " + LabelConfig.MAX_CLASSES + " distinct values "
          + "in " + rowsDescribed + ", every one a number: a regression label (the model "
          + "predicts the number); set label.regression to false and label.positive or "
          + "label.expression for a classification one", false, REGRESSION_WHY);
    }
    return choose(label, classes, rowsDescribed);
  }

  /** Why a column was taken as a regression label, as kept for later dates. */
  static final String REGRESSION_WHY = "more than " + LabelConfig.MAX_CLASSES
      + " distinct values, every one a number";

  /**
   * A class taken from the data and kept for later dates: the label column it is of, the class, the
   * run date it was taken on and why.
   */
  public record Kept(String column, String positive, String takenOn, String why) {}

  /**
   * A multi-class label's classes taken from the data and kept for later dates: the label column,
   * the classes in the order of the model's outputs, and the run date they were taken on.
   */
  public record KeptClasses(String column, List<String> classes, String takenOn) {}

  /**
   * A label column taken from the data as a number to predict, kept for later dates (a later
   * date of few distinct values would otherwise be taken as classes): the column, the run date it
   * was taken on and why.
   */
  public record KeptRegression(String column, String takenOn, String why) {}

  /**
   * {@code label} with its positive class named, said in the log as {@code stage}'s: the config's;
   * else the one an earlier date took from the data and kept ({@link Warehouse#labelClassArtifact}),
   * so that every date labels its rows alike (a night whose rarer class turned over, or that holds
   * one class, would otherwise label the other way); else, taken from {@code rows} by the rule and
   * kept when they hold two classes (a WARN when the rarer was taken, an INFO otherwise).
   */
  public static LabelConfig named(RunContext context, LabelConfig label,
      Supplier<Dataset<Row>> rows, String stage) {
    if (!label.isUndecided()) {
      return label;
    }
    FileStore files = context.files();
    String regressionFile = context.warehouse().labelRegressionArtifact(context.dataset());
    if (label.regression() == null && files.exists(regressionFile)) {
      KeptRegression kept = Json.read(files.readText(regressionFile), KeptRegression.class,
          regressionFile);
      if (label.column().equals(kept.column())) {
        LOG.info("{}: label.column {} is a regression label ({}), taken from the data on {} and "
            + "kept in {} so that every date labels alike", stage, kept.column(), kept.why(),
            kept.takenOn(), regressionFile);
        return LabelConfig.regressionOf(label.column());
      }
    }
    String classesFile = context.warehouse().labelClassesArtifact(context.dataset());
    if (files.exists(classesFile)) {
      KeptClasses kept = Json.read(files.readText(classesFile), KeptClasses.class, classesFile);
      if (label.column().equals(kept.column())) {
        LOG.info("{}: label.column {} is a multi-class label of {} classes {}, taken from the "
            + "data on {} and kept in {} so that every date labels alike", stage, kept.column(),
            kept.classes().size(), kept.classes(), kept.takenOn(), classesFile);
        return label.withClasses(kept.classes());
      }
    }
    String file = context.warehouse().labelClassArtifact(context.dataset());
    if (files.exists(file)) {
      Kept kept = Json.read(files.readText(file), Kept.class, file);
      if (label.column().equals(kept.column())) {
        LOG.info("{}: label.positive is not set: '{}' is the positive class of label.column {}, "
            + "taken from the data on {} ({}) and kept in {} so that every date labels alike",
            stage, kept.positive(), kept.column(), kept.takenOn(), kept.why(), file);
        return label.withPositive(kept.positive());
      }
    }
    Resolved resolved = resolve(label, rows.get(), "the silver rows of " + context.runDate());
    if (resolved.guessed()) {
      LOG.warn("{}: {}", stage, resolved.said());
    } else {
      LOG.info("{}: {}", stage, resolved.said());
    }
    if (resolved.label().isRegression()) {
      files.writeText(regressionFile, Json.write(new KeptRegression(label.column(),
          context.runDate(), resolved.why())));
    } else if (resolved.label().isMulticlass()) {
      files.writeText(classesFile, Json.write(new KeptClasses(label.column(),
          resolved.label().classes(), context.runDate())));
    } else if (resolved.why() != null) {
      files.writeText(file, Json.write(new Kept(label.column(), resolved.label().positive(),
          context.runDate(), resolved.why())));
    }
    return resolved.label();
  }

  /** The column's classes, most rows first, at most one more than {@link LabelConfig#MAX_CLASSES}. */
  public static List<ClassCount> classes(Dataset<Row> rows, String column) {
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
        .limit(LabelConfig.MAX_CLASSES + 1)
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
      return oneClass(label, classes.get(0), rowsDescribed);
    }
    if (classes.size() > LabelConfig.MAX_CLASSES) {
      String named = classes.stream().limit(CLASSES_NAMED).map(PositiveClass::describe)
          .collect(Collectors.joining(", "));
      throw new DeeplineException(Failure.CONFIG, "label.column " + column + " holds more than "
          + LabelConfig.MAX_CLASSES + " classes in " + rowsDescribed + " (" + named + ", ...): "
          + "a multi-class label has at most " + LabelConfig.MAX_CLASSES + "; an identifier is "
          + "no label, a number to predict needs label.regression true (every value a number), "
          + "and a number to tell classes by needs a condition: write label.expression (e.g. \""
          + column + " IN ('" + classes.get(0).value() + "', '" + classes.get(1).value()
          + "')\"), or set "
          + "label.positive to the class to tell from the others");
    }
    if (classes.size() > 2) {
      return multiclass(label, classes, rowsDescribed);
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

  /**
   * A column of 3 or more classes as a multi-class label: its classes numbers first by value, then
   * text alphabetically by key, an order that does not depend on the rows' counts, so a later
   * retraining on other dates keeps its output units' meaning when the classes are the same.
   */
  private static Resolved multiclass(LabelConfig label, List<ClassCount> classes,
      String rowsDescribed) {
    List<ClassCount> ordered = classes.stream()
        .sorted(Comparator.comparing((ClassCount c) -> number(c.key()) == null)
            .thenComparing(c -> number(c.key()) == null ? 0.0 : number(c.key()))
            .thenComparing(ClassCount::key))
        .toList();
    String counts = ordered.stream().map(PositiveClass::describe)
        .collect(Collectors.joining(", "));
    // Classes that are all numbers may be a quantity to predict (a price rounded to hundreds):
    // a guess either way, so a WARN that names the switch.
    boolean numbers = classes.stream().allMatch(c -> number(c.key()) != null);
    String said = "label.positive is not set and label.column " + label.column() + " holds "
        + classes.size() + " classes in " + rowsDescribed + " (" + counts + "): a multi-class "
        + "label; set label.positive to the class to tell from the others for a binary one"
        + (numbers && label.regression() == null ? "; every class is a number: set "
        + "label.regression to true to predict the number instead" : "");
    return new Resolved(label.withClasses(ordered.stream().map(ClassCount::value).toList()),
        said, numbers && label.regression() == null, null);
  }

  /**
   * The positive class beside a column's one class, when the class's own name says it: an
   * affirmative is it, a negation's affirmative is the other, and of a 0 or a 1 the positive is 1
   * (the split's one-class check then names the value). Any other lone class cannot tell which
   * side it is on, and fails.
   */
  private static Resolved oneClass(LabelConfig label, ClassCount only, String rowsDescribed) {
    String held = "label.positive is not set and label.column " + label.column() + " holds one "
        + "class in " + rowsDescribed + ", " + describe(only);
    String affirmative = AFFIRMATIVE.containsKey(only.key()) ? only.value()
        : AFFIRMATIVE.entrySet().stream().filter(e -> e.getValue().equals(only.key()))
            .map(Map.Entry::getKey).findFirst().orElse(null);
    Double number = number(only.key());
    if (affirmative == null && number != null && (number == 0.0 || number == 1.0)) {
      affirmative = "1";
    }
    if (affirmative == null) {
      throw new DeeplineException(Failure.DATA_QUALITY, held + ", whose name does not say "
          + "whether it is the positive class; set label.positive");
    }
    return new Resolved(label.withPositive(affirmative), held + ": the positive class is '"
        + affirmative + "'", false, null);
  }

  private static Resolved chosen(LabelConfig label, ClassCount positive, List<ClassCount> classes,
      String rowsDescribed, String why, boolean guessed) {
    String counts = classes.stream().map(PositiveClass::describe)
        .collect(Collectors.joining(", "));
    String said = "label.positive is not set: '" + positive.value() + "' is the positive class of "
        + "label.column " + label.column() + ", " + why + " (" + counts + " in " + rowsDescribed
        + ")" + (guessed ? "; set label.positive to choose the class whose precision and recall "
            + "the reports give (ROC AUC is the same either way)" : "");
    return new Resolved(label.withPositive(positive.value()), said, guessed, why);
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
