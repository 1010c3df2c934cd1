package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Expected values are scikit-learn 1.3's for the same arrays (its documentation's examples). */
class RegressionScoresTest {
  private static final double EPSILON = 1e-4;
  private static final RegressionScores SKLEARN = new RegressionScores(
      new double[] {2.5, 0.0, 2.0, 8.0}, new double[] {3.0, -0.5, 2.0, 7.0});

  @Test
  void matchesScikitLearnsExamples() {
    assertEquals(0.375, SKLEARN.mse(), EPSILON);
    assertEquals(0.6124, SKLEARN.rmse(), EPSILON);
    assertEquals(0.5, SKLEARN.mae(), EPSILON);
    assertEquals(0.9486, SKLEARN.r2(), EPSILON);
    assertEquals(0.9572, SKLEARN.explainedVariance(), EPSILON);
    assertEquals(0.5, SKLEARN.medianAbsoluteError(), EPSILON);
    assertEquals(1.0, SKLEARN.maxError(), EPSILON);
    assertEquals(2.875, SKLEARN.meanLabel(), EPSILON);
    assertEquals(3.125, SKLEARN.meanPrediction(), EPSILON);
  }

  @Test
  void theMeanScoresZeroRSquaredAndAConstantHasNoSpread() {
    double[] labels = {1, 2, 3, 4};
    RegressionScores mean = new RegressionScores(new double[] {2.5, 2.5, 2.5, 2.5}, labels);
    assertEquals(0.0, mean.r2(), EPSILON);
    assertEquals(0.0, mean.predictionSpread(), EPSILON);
    assertEquals(1.0, mean.mae(), EPSILON);
    RegressionScores worse = new RegressionScores(new double[] {4, 3, 2, 1}, labels);
    assertEquals(-3.0, worse.r2(), EPSILON);
    assertEquals(1.118, worse.predictionSpread(), 1e-3);
  }

  @Test
  void constantLabelsHaveNoRSquaredAndNoRowsNoErrors() {
    RegressionScores constant = new RegressionScores(new double[] {1, 2}, new double[] {3, 3});
    assertTrue(Double.isNaN(constant.r2()));
    assertTrue(Double.isNaN(constant.explainedVariance()));
    assertEquals(1.5, constant.mae(), EPSILON);
    RegressionScores empty = new RegressionScores(new double[0], new double[0]);
    assertTrue(Double.isNaN(empty.rmse()));
    assertTrue(Double.isNaN(empty.medianAbsoluteError()));
  }

  @Test
  void refusesMismatchedOrNonFiniteArrays() {
    assertThrows(IllegalArgumentException.class,
        () -> new RegressionScores(new double[] {1}, new double[] {1, 2}));
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> new RegressionScores(new double[] {1, Double.NaN}, new double[] {1, 2}));
    assertEquals("row 1: prediction NaN, label 2.0; both must be finite", nan.getMessage());
  }
}
