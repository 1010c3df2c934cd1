package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * The test runner against a model whose every probability is known: p = sigmoid(x). It ignores
 * {@code noise} and rises with {@code x}, so each expectation below is computed by hand; the real
 * network is checked the same way in {@link EvaluateJobTest}.
 */
class BehaviouralTestsTest {
  private static final StructType SILVER = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("x", DataTypes.DoubleType, false)
      .add("noise", DataTypes.DoubleType, false)
      .add("segment", DataTypes.StringType, false);
  private static final StructType JUDGED = new StructType()
      .add("_record_id", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("_label", DataTypes.DoubleType, false);
  private static final double[] X = {-2, -1, 0, 1, 2, 3};
  private static final String[] SEGMENT = {"a", "a", "b", "b", "a", "b"};
  private static final double[] LABEL = {0, 0, 1, 1, 1, 0};
  private static final UnaryOperator<Dataset<Row>> SIGMOID_OF_X = rows -> rows.select(
      functions.col("_record_id"),
      functions.lit(1.0).divide(functions.lit(1.0).plus(functions.exp(functions.negate(
          functions.col("x"))))).as("probability"));

  @Test
  void expectationsAreCheckedRowByRow() {
    List<BehaviouralResult> results = run(List.of(
        test("noise is ignored", "invariance", "noise", "noise + 5", null, 0.01, null, null),
        // sigmoid(x + 1) - sigmoid(x) for x = -2..3: 0.150 0.231 0.231 0.150 0.072 0.029.
        test("x is ignored", "invariance", "x", "x + 1", null, 0.05, null, null),
        test("x raises", "directional", "x", "x + 1", "increase", null, null, null),
        test("x lowers", "directional", "x", "x + 1", "decrease", null, null, null),
        test("high x is positive", "minimum_functionality", null, null, null, null, "x >= 1",
            "positive"),
        // Segment b: x = 0 (p 0.5, label 1), 1 (label 1), 3 (label 0): the last is wrong.
        test("segment b is right", "minimum_functionality", null, null, null, null,
            "segment = 'b'", "label"),
        test("nothing matches", "minimum_functionality", null, null, null, null, "x > 10",
            "positive")));

    assertEquals(List.of(true, false, true, false, true, false, false),
        results.stream().map(BehaviouralResult::passed).toList());
    assertEquals(List.of(0L, 5L, 0L, 6L, 0L, 1L, 0L),
        results.stream().map(BehaviouralResult::failures).toList());
    assertEquals(List.of(6L, 6L, 6L, 6L, 3L, 3L, 0L),
        results.stream().map(BehaviouralResult::rows).toList());
    assertEquals(0.0, results.get(0).maxChange(), 1e-12);
    double meanStep = 0;
    for (double x : X) {
      meanStep += (sigmoid(x + 1) - sigmoid(x)) / X.length;
    }
    assertEquals(meanStep, results.get(2).meanChange(), 1e-12);
    assertEquals(sigmoid(0) - sigmoid(-1), results.get(1).maxChange(), 1e-12);
    assertEquals(1 / 3.0, results.get(5).failureRate(), 1e-12);
    assertTrue(results.get(6).detail().contains("0 rows match x > 10, fewer than min_rows 1"),
        results.get(6).detail());
    assertTrue(results.get(1).detail().startsWith("5 of 6 rows (83.3%) moved by more than 0.0500"),
        results.get(1).detail());
  }

  @Test
  void aColumnAbsentFromSilverIsNamedWithTheTest() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> run(List.of(
        test("typo", "invariance", "nosie", "nosie + 1", null, null, null, null))));

    assertTrue(error.getMessage().contains("evaluation.behavioural[0] 'typo': no column 'nosie'"),
        error.getMessage());
  }

  @Test
  void aBadConditionIsNamedWithTheTest() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> run(List.of(
        test("typo", "minimum_functionality", null, null, null, null, "sgement = 'a'", null))));

    assertTrue(error.getMessage().startsWith("evaluation.behavioural[0] 'typo': "),
        error.getMessage());
    assertFalse(error.getMessage().contains("\n"), error.getMessage());
  }

  private static List<BehaviouralResult> run(List<BehaviouralTest> tests) {
    List<Row> silver = new ArrayList<>();
    List<Row> judged = new ArrayList<>();
    for (int i = 0; i < X.length; i++) {
      silver.add(RowFactory.create("r" + i, X[i], 0.1 * i, SEGMENT[i]));
      judged.add(RowFactory.create("r" + i, sigmoid(X[i]), LABEL[i]));
    }
    return BehaviouralTests.run(tests,
        SparkTestSession.get().createDataFrame(silver, SILVER),
        SparkTestSession.get().createDataFrame(judged, JUDGED), "_label", SIGMOID_OF_X, 0.5);
  }

  private static BehaviouralTest test(String name, String type, String column, String perturbation,
      String direction, Double tolerance, String where, String expected) {
    return new BehaviouralTest(name, type, column, perturbation, direction, tolerance, where,
        expected, null, null);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
