package org.deepline.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected values are worked by hand where the comments show it, and otherwise computed with numpy
 * (scikit-learn is not installed here): pairwise Mann-Whitney counts per class, the confusion matrix
 * of argmax predictions, and scikit-learn's formulas for the averages, on the float32 inputs below.
 */
class MulticlassScoresTest {
  private static final double EXACT = 1e-12;
  /** Log loss reads float probabilities widened to double, so it matches numpy's float32 to this. */
  private static final double FLOAT_INPUT = 1e-7;

  /**
   * Three classes with ties: an argmax tie (row 1), and in every class's column a positive tied with
   * a negative (class 0 at 0.3, class 1 at 0.3, class 2 at 0.5).
   */
  private static MulticlassScores threeClassesWithTies() {
    return new MulticlassScores(new float[] {
        0.6f, 0.3f, 0.1f,
        0.4f, 0.4f, 0.2f,
        0.2f, 0.3f, 0.5f,
        0.1f, 0.3f, 0.6f,
        0.3f, 0.3f, 0.4f,
        0.3f, 0.2f, 0.5f,
        0.2f, 0.2f, 0.6f,
        0.7f, 0.2f, 0.1f}, new byte[] {0, 1, 1, 2, 0, 2, 2, 0}, 3);
  }

  @Test
  void threeClassesWithTiesMatchNumpy() {
    MulticlassScores scores = threeClassesWithTies();
    assertEquals(8, scores.count());
    assertEquals(3, scores.classes());
    assertEquals(0.5f, scores.probability(2, 2));
    assertEquals(1, scores.label(2));
    // Class 0: positives 0.6, 0.3, 0.7 against negatives 0.4, 0.2, 0.1, 0.3, 0.2. 0.6 and 0.7 beat
    // all five; 0.3 beats three, ties one (a half) and loses to 0.4: (5 + 5 + 3.5) / 15 = 0.9.
    // Class 1 (numpy): 0.875; class 2 (numpy): 0.9666666666666667.
    assertArrayEquals(new double[] {0.9, 0.875, 0.9666666666666667}, scores.rocAucPerClass(), EXACT);
    assertEquals(0.9138888888888889, scores.macroRocAuc(), EXACT);
    // Supports 3, 2, 3: (3 * 0.9 + 2 * 0.875 + 3 * 0.96667) / 8.
    assertEquals(0.91875, scores.weightedRocAuc(), EXACT);

    assertArrayEquals(new long[] {2, 0, 1}, scores.confusion()[0]);
    assertArrayEquals(new long[] {1, 0, 1}, scores.confusion()[1]);
    assertArrayEquals(new long[] {0, 0, 3}, scores.confusion()[2]);
    assertArrayEquals(new long[] {3, 2, 3}, scores.rowsPerClass());
    assertArrayEquals(new long[] {3, 0, 5}, scores.predictedPerClass());
    assertEquals(5.0 / 8, scores.accuracy(), EXACT);

    // Class 1 is never predicted: its precision is 0 / 0, its recall and F1 are 0.
    assertArrayEquals(new double[] {2.0 / 3, Double.NaN, 0.6}, scores.precisionPerClass(), EXACT);
    assertArrayEquals(new double[] {2.0 / 3, 0.0, 1.0}, scores.recallPerClass(), EXACT);
    assertArrayEquals(new double[] {2.0 / 3, 0.0, 0.75}, scores.f1PerClass(), EXACT);
    // scikit-learn's macro F1 counts class 1 (it has rows) with F1 0: (2/3 + 0 + 0.75) / 3.
    assertEquals(0.47222222222222215, scores.macroF1(), EXACT);

    // numpy: -mean(log([0.6, 0.4, 0.3, 0.6, 0.3, 0.5, 0.6, 0.7] as float32)).
    assertEquals(0.7383168924711585, scores.logLoss(), FLOAT_INPUT);
    // numpy: mean([0.6, 0.4, 0.5, 0.6, 0.4, 0.5, 0.6, 0.7] as float32).
    assertEquals(0.5375000089406967, scores.meanMaxProbability(), FLOAT_INPUT);
  }

  @Test
  void argmaxTiesGoToTheLowestIndex() {
    MulticlassScores scores = new MulticlassScores(new float[] {
        0.4f, 0.4f, 0.1f, 0.1f,
        0.1f, 0.4f, 0.4f, 0.1f,
        0.25f, 0.25f, 0.25f, 0.25f,
        0.1f, 0.2f, 0.35f, 0.35f}, new byte[] {1, 2, 3, 3}, 4);
    assertEquals(0, scores.predicted(0));
    assertEquals(1, scores.predicted(1));
    assertEquals(0, scores.predicted(2));
    assertEquals(2, scores.predicted(3));
    assertEquals(1, threeClassesWithTies().label(1));
    assertEquals(0, threeClassesWithTies().predicted(1));
  }

  @Test
  void perfectClassifier() {
    MulticlassScores scores = new MulticlassScores(new float[] {
        1f, 0f, 0f,
        0f, 1f, 0f,
        0f, 0f, 1f,
        1f, 0f, 0f}, new byte[] {0, 1, 2, 0}, 3);
    assertArrayEquals(new double[] {1, 1, 1}, scores.rocAucPerClass(), EXACT);
    assertEquals(1.0, scores.macroRocAuc(), EXACT);
    assertEquals(1.0, scores.weightedRocAuc(), EXACT);
    assertEquals(1.0, scores.accuracy(), EXACT);
    assertEquals(1.0, scores.macroF1(), EXACT);
    assertEquals(1.0, scores.meanMaxProbability(), EXACT);
    // Each row costs -ln(1 - epsilon), about epsilon.
    assertEquals(0.0, scores.logLoss(), 1e-14);
  }

  @Test
  void logLossClipsAConfidentMistake() {
    MulticlassScores scores = new MulticlassScores(new float[] {0f, 1f, 0.5f, 0.5f},
        new byte[] {0, 0}, 2);
    assertEquals((-Math.log(BinaryMetrics.LOG_LOSS_EPSILON) - Math.log(0.5)) / 2, scores.logLoss(),
        EXACT);
  }

  @Test
  void aClassWithoutRowsHasNoAucAndTheMacroAveragesTheOthers() {
    // Class 1 has no rows but is predicted once (row 1).
    MulticlassScores scores = new MulticlassScores(new float[] {
        0.5f, 0.25f, 0.25f,
        0.25f, 0.5f, 0.25f,
        0.125f, 0.25f, 0.625f,
        0.5f, 0.125f, 0.375f,
        0.25f, 0.25f, 0.5f}, new byte[] {0, 0, 2, 2, 2}, 3);
    double[] aucs = scores.rocAucPerClass();
    // Class 0: positives 0.5, 0.25 against 0.125, 0.5, 0.25: (2.5 + 1.5) / 6.
    assertEquals(2.0 / 3, aucs[0], EXACT);
    assertTrue(Double.isNaN(aucs[1]), "class 1 has no rows: " + aucs[1]);
    // Class 2: positives 0.625, 0.375, 0.5 against 0.25, 0.25: every pair right.
    assertEquals(1.0, aucs[2], EXACT);
    assertEquals((2.0 / 3 + 1.0) / 2, scores.macroRocAuc(), EXACT);
    assertEquals((2 * (2.0 / 3) + 3 * 1.0) / 5, scores.weightedRocAuc(), EXACT);

    assertArrayEquals(new long[] {2, 0, 3}, scores.rowsPerClass());
    assertArrayEquals(new long[] {2, 1, 2}, scores.predictedPerClass());
    assertArrayEquals(new double[] {0.5, 0.0, 1.0}, scores.precisionPerClass(), EXACT);
    assertArrayEquals(new double[] {0.5, Double.NaN, 2.0 / 3}, scores.recallPerClass(), EXACT);
    assertArrayEquals(new double[] {0.5, 0.0, 0.8}, scores.f1PerClass(), EXACT);
    // Predicted without rows, class 1 counts with F1 0, as in scikit-learn: (0.5 + 0 + 0.8) / 3.
    assertEquals(0.43333333333333335, scores.macroF1(), EXACT);
  }

  @Test
  void aClassNeitherPresentNorPredictedIsLeftOutOfTheMacroF1() {
    MulticlassScores scores = new MulticlassScores(new float[] {
        0.75f, 0.25f, 0f,
        0.25f, 0.75f, 0f}, new byte[] {0, 1}, 3);
    assertTrue(Double.isNaN(scores.f1PerClass()[2]), "class 2: 0 / 0");
    assertEquals(1.0, scores.macroF1(), EXACT);
    assertTrue(Double.isNaN(scores.rocAucPerClass()[2]), "class 2 has no rows");
  }

  @Test
  void twoClassesAgreeWithScoredLabels() {
    // Dyadic probabilities, so that 1 - p is exact and the two columns rank alike, reversed.
    float[] positive = {0.875f, 0.5f, 0.5f, 0.25f, 0.625f, 0.125f, 0.5f, 0.75f};
    byte[] labels = {1, 1, 0, 0, 1, 0, 0, 0};
    float[] rows = new float[positive.length * 2];
    for (int row = 0; row < positive.length; row++) {
      rows[2 * row] = 1 - positive[row];
      rows[2 * row + 1] = positive[row];
    }
    MulticlassScores scores = new MulticlassScores(rows, labels, 2);
    double binary = new ScoredLabels(positive, labels).rocAuc();
    assertArrayEquals(new double[] {binary, binary}, scores.rocAucPerClass(), EXACT);
    assertEquals(binary, scores.macroRocAuc(), EXACT);
    assertEquals(binary, scores.weightedRocAuc(), EXACT);
    assertEquals(new ScoredLabels(positive, labels).logLoss(), scores.logLoss(), EXACT);
  }

  @Test
  void noRows() {
    MulticlassScores scores = new MulticlassScores(new float[0], new byte[0], 3);
    assertEquals(0, scores.count());
    assertTrue(Double.isNaN(scores.logLoss()));
    assertTrue(Double.isNaN(scores.accuracy()));
    assertTrue(Double.isNaN(scores.macroRocAuc()));
    assertTrue(Double.isNaN(scores.weightedRocAuc()));
    assertTrue(Double.isNaN(scores.macroF1()));
    assertTrue(Double.isNaN(scores.meanMaxProbability()));
  }

  @Test
  void invalidInputsSayWhatIsWrong() {
    IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
        () -> new MulticlassScores(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new byte[] {1, 2}, 2));
    assertEquals("label 2 of row 1 is outside 0 .. 1 (2 classes)", outOfRange.getMessage());

    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> new MulticlassScores(new float[] {0.5f, 0.5f}, new byte[] {-1}, 2));
    assertEquals("label -1 of row 0 is outside 0 .. 1 (2 classes)", negative.getMessage());

    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> new MulticlassScores(new float[5], new byte[2], 3));
    assertEquals("5 probabilities for 2 labels of 3 classes: expected 6", mismatch.getMessage());

    IllegalArgumentException oneClass = assertThrows(IllegalArgumentException.class,
        () -> new MulticlassScores(new float[2], new byte[2], 1));
    assertEquals("classes must be >= 2, got 1", oneClass.getMessage());
  }

  @Test
  void returnedArraysAreCopies() {
    MulticlassScores scores = threeClassesWithTies();
    scores.rocAucPerClass()[0] = -1;
    scores.confusion()[0][0] = -1;
    assertEquals(0.9, scores.rocAucPerClass()[0], EXACT);
    assertEquals(2, scores.confusion()[0][0]);
  }

  @Test
  void randomFourClassesHoldTheInvariants() {
    int rows = 500;
    int classes = 4;
    Random random = new Random(20_260_607L);
    float[] probabilities = new float[rows * classes];
    byte[] labels = new byte[rows];
    for (int row = 0; row < rows; row++) {
      labels[row] = (byte) random.nextInt(classes);
      float sum = 0;
      for (int klass = 0; klass < classes; klass++) {
        // A weak signal toward the true class, so that the AUCs are neither 0.5 nor 1.
        float weight = random.nextFloat() + (klass == labels[row] ? 0.5f : 0f);
        probabilities[row * classes + klass] = weight;
        sum += weight;
      }
      for (int klass = 0; klass < classes; klass++) {
        probabilities[row * classes + klass] /= sum;
      }
    }
    MulticlassScores scores = new MulticlassScores(probabilities, labels, classes);

    double macro = scores.macroRocAuc();
    assertTrue(macro >= 0 && macro <= 1, "macro AUC " + macro);
    assertTrue(macro > 0.5, "the signal shows: macro AUC " + macro);
    for (double auc : scores.rocAucPerClass()) {
      assertTrue(auc >= 0 && auc <= 1, "per-class AUC " + auc);
    }
    long[][] confusion = scores.confusion();
    long[] rowsPerClass = scores.rowsPerClass();
    long[] predictedPerClass = scores.predictedPerClass();
    long total = 0;
    long trace = 0;
    for (int truth = 0; truth < classes; truth++) {
      long rowSum = 0;
      long columnSum = 0;
      for (int guess = 0; guess < classes; guess++) {
        rowSum += confusion[truth][guess];
        columnSum += confusion[guess][truth];
      }
      assertEquals(rowsPerClass[truth], rowSum, "row sum of class " + truth);
      assertEquals(predictedPerClass[truth], columnSum, "column sum of class " + truth);
      total += rowSum;
      trace += confusion[truth][truth];
    }
    assertEquals(scores.count(), total);
    assertEquals(trace / (double) scores.count(), scores.accuracy(), EXACT);
    for (int row = 0; row < rows; row++) {
      int guess = scores.predicted(row);
      for (int klass = 0; klass < classes; klass++) {
        assertTrue(scores.probability(row, klass) <= scores.probability(row, guess),
            "row " + row + " predicts the largest probability");
      }
    }
    double meanMax = scores.meanMaxProbability();
    assertTrue(meanMax >= 1.0 / classes && meanMax <= 1, "mean max probability " + meanMax);
    double macroF1 = scores.macroF1();
    assertTrue(macroF1 >= 0 && macroF1 <= 1, "macro F1 " + macroF1);
  }
}
