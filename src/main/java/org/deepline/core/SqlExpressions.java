package org.deepline.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.LambdaFunction;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.collection.JavaConverters;

/**
 * Reads a Spark SQL expression from a config without a Spark session: parses it with Spark's own
 * parser and lists the columns it reads, so that a typo in a column name fails with the other config
 * errors instead of minutes into a run.
 */
public final class SqlExpressions {
  private SqlExpressions() {}

  /**
   * The column names {@code expression} reads, in order of appearance, each once (ignoring case, as
   * Spark resolves them); a multi-part name ({@code a.b} without backticks) is joined with dots.
   * Lambda variables ({@code x} in {@code exists(xs, x -> x > 0)}) are not columns and are left out.
   *
   * @throws IllegalArgumentException with Spark's first message line when it does not parse
   */
  public static List<String> referencedColumns(String expression) {
    List<String> columns = new ArrayList<>();
    for (List<String> parts : referencedParts(expression)) {
      String name = String.join(".", parts);
      // Spark resolves names ignoring case: DELAY and delay are one column.
      if (columns.stream().noneMatch(name::equalsIgnoreCase)) {
        columns.add(name);
      }
    }
    return columns;
  }

  /** Every column reference's name parts, in order, lambda variables left out. */
  private static List<List<String>> referencedParts(String expression) {
    Expression parsed;
    try {
      parsed = CatalystSqlParser$.MODULE$.parseExpression(expression);
    } catch (Exception e) {
      // The parser's ParseException is a checked AnalysisException that Scala throws undeclared.
      throw new IllegalArgumentException(firstMessageLine(e), e);
    }
    List<List<String>> references = new ArrayList<>();
    collect(parsed, Set.of(), references);
    return references;
  }

  /**
   * The names {@code expression} writes with a dot outside backticks ({@code Solar.R}), joined as
   * written: Spark reads each as a field of a column ({@code R} of {@code Solar}), which a config
   * that declares a column {@code Solar.R} did not mean. Lambda variables' fields are left out.
   *
   * @throws IllegalArgumentException when the expression does not parse
   */
  public static List<String> dottedNames(String expression) {
    List<String> dotted = new ArrayList<>();
    referencedParts(expression).stream().filter(parts -> parts.size() > 1)
        .map(parts -> String.join(".", parts)).forEach(dotted::add);
    return dotted;
  }

  /**
   * The first non-blank line of a parser error: Spark's {@code ParseException} message starts with a
   * line break and continues with the statement and a caret, which a one-line config error cannot
   * show.
   */
  public static String firstMessageLine(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst()
        .orElse(message);
  }

  private static void collect(Expression node, Set<String> lambdaVariables,
      List<List<String>> out) {
    Set<String> bound = lambdaVariables;
    if (node instanceof LambdaFunction lambda) {
      bound = new HashSet<>(lambdaVariables);
      for (NamedExpression argument : JavaConverters.seqAsJavaList(lambda.arguments())) {
        bound.add(argument.name());
      }
    }
    if (node instanceof UnresolvedAttribute attribute) {
      List<String> parts = JavaConverters.seqAsJavaList(attribute.nameParts());
      if (!bound.contains(parts.get(0))) {
        out.add(List.copyOf(parts));
      }
    }
    for (Expression child : JavaConverters.seqAsJavaList(node.children())) {
      collect(child, bound, out);
    }
  }
}
