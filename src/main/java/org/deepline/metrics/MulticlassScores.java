package org.deepline.metrics;

/**
 * Predicted class probabilities and class-index labels held in driver memory, with the metrics a
 * multi-class head needs after every epoch and in its evaluation. Like {@link ScoredLabels} for one
 * probability, this is faster than a Spark job for a validation set of a few hundred thousand rows,
 * and exact: each class's ROC AUC is the Mann-Whitney statistic of its unrounded probabilities,
 * computed by {@link ScoredLabels#rocAuc()} itself.
 *
 * <pre>{@code
 * MulticlassScores scores = new MulticlassScores(new float[] {
 *     0.7f, 0.2f, 0.1f,
 *     0.1f, 0.8f, 0.1f,
 *     0.2f, 0.2f, 0.6f}, new byte[] {0, 1, 2}, 3);
 * double auc = scores.macroRocAuc(); // 1.0
 * int guess = scores.predicted(1); // 1
 * }</pre>
 *
 * <p>Each metric's Javadoc says how it matches scikit-learn's. Where both are defined they agree;
 * the differences are chosen, and both are about classes without evidence: where scikit-learn warns
 * and substitutes 0 for an undefined ratio (a precision with nothing predicted, a recall with no
 * rows), this class answers NaN, so that "no evidence" is not read as "wrong"; and where scikit-learn
 * refuses a one-vs-rest ROC AUC because a class has no rows (or all of them), this class answers NaN
 * for that class and averages the others, so that a validation set missing a rare class still has a
 * macro AUC.
 *
 * <p>The probabilities are taken as given (a softmax output: each in [0, 1], a row summing to about
 * 1); they are not checked or rescaled, where scikit-learn's one-vs-rest ROC AUC refuses rows that do
 * not sum to 1. The arrays are held, not copied: do not modify them.
 */
public final class MulticlassScores {
  /** The fewest classes: two classes is binary classification, one is no classification. */
  public static final int MIN_CLASSES = 2;

  private final float[] probabilities;
  private final byte[] labels;
  private final int classes;
  /** Each row's argmax class. */
  private final byte[] predicted;
  /** Rows by true class (first index) and predicted class (second index). */
  private final long[][] confusion;
  /** One-vs-rest ROC AUC per class, computed on first use. */
  private double[] rocAucPerClass;

  /**
   * @param probabilities row-major, {@code rows * classes} values: row {@code r}'s probability of
   *     class {@code c} at {@code r * classes + c}
   * @param labels        the true class index of each row, {@code 0 .. classes - 1} (a byte: at most
   *                      127 classes)
   * @param classes       the number of classes K, at least {@value #MIN_CLASSES}
   * @throws IllegalArgumentException when {@code classes} is below {@value #MIN_CLASSES}, when
   *     {@code probabilities} does not hold {@code labels.length * classes} values, or when a label
   *     is outside {@code 0 .. classes - 1}
   */
  public MulticlassScores(float[] probabilities, byte[] labels, int classes) {
    if (classes < MIN_CLASSES) {
      throw new IllegalArgumentException("classes must be >= " + MIN_CLASSES + ", got " + classes);
    }
    long expected = (long) labels.length * classes;
    if (probabilities.length != expected) {
      throw new IllegalArgumentException(probabilities.length + " probabilities for "
          + labels.length + " labels of " + classes + " classes: expected " + expected);
    }
    for (int row = 0; row < labels.length; row++) {
      if (labels[row] < 0 || labels[row] >= classes) {
        throw new IllegalArgumentException("label " + labels[row] + " of row " + row
            + " is outside 0 .. " + (classes - 1) + " (" + classes + " classes)");
      }
    }
    this.probabilities = probabilities;
    this.labels = labels;
    this.classes = classes;
    this.predicted = new byte[labels.length];
    this.confusion = new long[classes][classes];
    for (int row = 0; row < labels.length; row++) {
      predicted[row] = (byte) argmax(row);
      confusion[labels[row]][predicted[row]]++;
    }
  }

  /** The number of rows. */
  public int count() {
    return labels.length;
  }

  /** The number of classes K. */
  public int classes() {
    return classes;
  }

  /** Row {@code row}'s predicted probability of class {@code klass}. */
  public float probability(int row, int klass) {
    return probabilities[row * classes + klass];
  }

  /** Row {@code row}'s true class. */
  public int label(int row) {
    return labels[row];
  }

  /**
   * Row {@code row}'s predicted class: the one of the largest probability, the lowest index among
   * equal largest ones (as numpy's {@code argmax}, which scikit-learn's estimators predict with).
   */
  public int predicted(int row) {
    return predicted[row];
  }

  /** Rows by true class (scikit-learn's "support"); a new array. */
  public long[] rowsPerClass() {
    long[] rows = new long[classes];
    for (int truth = 0; truth < classes; truth++) {
      for (int guess = 0; guess < classes; guess++) {
        rows[truth] += confusion[truth][guess];
      }
    }
    return rows;
  }

  /** Rows by predicted class; a new array. */
  public long[] predictedPerClass() {
    long[] rows = new long[classes];
    for (int truth = 0; truth < classes; truth++) {
      for (int guess = 0; guess < classes; guess++) {
        rows[guess] += confusion[truth][guess];
      }
    }
    return rows;
  }

  /**
   * The mean over rows of {@code -ln p}, {@code p} the row's probability of its true class clipped to
   * [{@value BinaryMetrics#LOG_LOSS_EPSILON}, 1 - that], so that a confident mistake costs about 34.5
   * and not infinity. NaN without rows.
   *
   * <p>scikit-learn's {@code log_loss(y_true, y_prob)} is the same mean; it clips too (by 1e-15 in
   * older versions, by the float type's machine epsilon in newer ones), and some versions then
   * rescale each row to sum 1, which this does not. On rows that sum to 1 with every true-class
   * probability inside both clipping bounds the two agree.
   */
  public double logLoss() {
    double sum = 0;
    for (int row = 0; row < labels.length; row++) {
      double p = Math.min(1 - BinaryMetrics.LOG_LOSS_EPSILON,
          Math.max(BinaryMetrics.LOG_LOSS_EPSILON, probability(row, labels[row])));
      sum -= Math.log(p);
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  /**
   * The share of rows whose {@link #predicted predicted} class is the true one, as scikit-learn's
   * {@code accuracy_score(y_true, y_prob.argmax(axis=1))}. NaN without rows.
   */
  public double accuracy() {
    long correct = 0;
    for (int klass = 0; klass < classes; klass++) {
      correct += confusion[klass][klass];
    }
    return labels.length == 0 ? Double.NaN : correct / (double) labels.length;
  }

  /**
   * Each class's one-vs-rest ROC AUC: the exact Mann-Whitney AUC of that class's probability column
   * with the class's rows positive and all others negative, tied pairs counting one half. NaN for a
   * class with no rows or with every row (one side of the pairs is empty). A new array.
   *
   * <p>These are the per-class values scikit-learn's {@code roc_auc_score(y_true, y_prob,
   * multi_class='ovr', average=None)} returns (with {@code labels=range(K)}); where this answers NaN,
   * scikit-learn raises instead.
   */
  public double[] rocAucPerClass() {
    if (rocAucPerClass == null) {
      double[] aucs = new double[classes];
      for (int klass = 0; klass < classes; klass++) {
        float[] column = new float[labels.length];
        byte[] isClass = new byte[labels.length];
        for (int row = 0; row < labels.length; row++) {
          column[row] = probability(row, klass);
          isClass[row] = (byte) (labels[row] == klass ? 1 : 0);
        }
        aucs[klass] = new ScoredLabels(column, isClass).rocAuc();
      }
      rocAucPerClass = aucs;
    }
    return rocAucPerClass.clone();
  }

  /**
   * The unweighted mean of the per-class ROC AUCs that are not NaN; NaN when all are. On data where
   * every class has rows (and some other class too) this is scikit-learn's
   * {@code roc_auc_score(y_true, y_prob, multi_class='ovr', average='macro')}; a class without rows,
   * which scikit-learn refuses, is left out of the mean.
   */
  public double macroRocAuc() {
    double sum = 0;
    int counted = 0;
    for (double auc : rocAucPerClass()) {
      if (!Double.isNaN(auc)) {
        sum += auc;
        counted++;
      }
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }

  /**
   * The mean of the per-class ROC AUCs weighted by each class's rows, over the classes whose AUC is
   * not NaN; NaN when all are. This is scikit-learn's {@code roc_auc_score(y_true, y_prob,
   * multi_class='ovr', average='weighted')}, whose weights are the classes' supports; a class without
   * rows, which scikit-learn refuses, would weigh nothing anyway.
   */
  public double weightedRocAuc() {
    double[] aucs = rocAucPerClass();
    long[] rows = rowsPerClass();
    double sum = 0;
    long weight = 0;
    for (int klass = 0; klass < classes; klass++) {
      if (!Double.isNaN(aucs[klass])) {
        sum += aucs[klass] * rows[klass];
        weight += rows[klass];
      }
    }
    return weight == 0 ? Double.NaN : sum / weight;
  }

  /**
   * Rows by true class (first index) and predicted class (second index), as scikit-learn's
   * {@code confusion_matrix(y_true, y_pred, labels=range(K))}; a new array.
   */
  public long[][] confusion() {
    long[][] copy = new long[classes][];
    for (int truth = 0; truth < classes; truth++) {
      copy[truth] = confusion[truth].clone();
    }
    return copy;
  }

  /**
   * Per class, the share of the rows predicted as the class that truly are: true positives over
   * predicted rows. NaN for a class never predicted (scikit-learn's {@code precision_score(...,
   * average=None)} warns and gives 0 there).
   */
  public double[] precisionPerClass() {
    long[] predictedRows = predictedPerClass();
    double[] precision = new double[classes];
    for (int klass = 0; klass < classes; klass++) {
      precision[klass] = ratioOrNaN(confusion[klass][klass], predictedRows[klass]);
    }
    return precision;
  }

  /**
   * Per class, the share of its rows predicted as it: true positives over the class's rows. NaN for a
   * class without rows (scikit-learn's {@code recall_score(..., average=None)} warns and gives 0).
   */
  public double[] recallPerClass() {
    long[] trueRows = rowsPerClass();
    double[] recall = new double[classes];
    for (int klass = 0; klass < classes; klass++) {
      recall[klass] = ratioOrNaN(confusion[klass][klass], trueRows[klass]);
    }
    return recall;
  }

  /**
   * Per class, {@code 2 tp / (2 tp + fp + fn)}: the harmonic mean of precision and recall where both
   * are defined and not both 0, and 0 when the class has rows or predictions but no true positive
   * (even when one of the two is undefined). NaN only for a class neither present nor predicted,
   * where it is 0 / 0. Recent scikit-learn computes {@code f1_score(..., average=None)} by this
   * formula (earlier versions, through precision and recall with 0 for an undefined ratio, give the
   * same values) and gives 0 where this gives NaN.
   */
  public double[] f1PerClass() {
    long[] trueRows = rowsPerClass();
    long[] predictedRows = predictedPerClass();
    double[] f1 = new double[classes];
    for (int klass = 0; klass < classes; klass++) {
      long twiceTruePositives = 2 * confusion[klass][klass];
      f1[klass] = ratioOrNaN(twiceTruePositives, trueRows[klass] + predictedRows[klass]);
    }
    return f1;
  }

  /**
   * The unweighted mean of {@link #f1PerClass} over the classes with rows, true or predicted; NaN
   * without rows. Exactly scikit-learn's {@code f1_score(y_true, y_pred, average='macro')}, whose
   * default labels are the classes present in either array: a class with rows that is never
   * predicted (precision undefined) and a class predicted but without rows (recall undefined) both
   * count with F1 0, and a class absent from both is left out rather than counting 0.
   */
  public double macroF1() {
    long[] trueRows = rowsPerClass();
    long[] predictedRows = predictedPerClass();
    double[] f1 = f1PerClass();
    double sum = 0;
    int counted = 0;
    for (int klass = 0; klass < classes; klass++) {
      if (trueRows[klass] + predictedRows[klass] > 0) {
        sum += f1[klass];
        counted++;
      }
    }
    return counted == 0 ? Double.NaN : sum / counted;
  }

  /**
   * The mean over rows of the largest class probability: how confident the head is. A head that
   * collapsed to the class prior reads about the largest class's share; one that predicts a single
   * class with certainty reads 1. NaN without rows.
   */
  public double meanMaxProbability() {
    double sum = 0;
    for (int row = 0; row < labels.length; row++) {
      sum += probability(row, predicted[row]);
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  /** The class of row {@code row}'s largest probability, the lowest index among equal ones. */
  private int argmax(int row) {
    int offset = row * classes;
    int best = 0;
    for (int klass = 1; klass < classes; klass++) {
      if (probabilities[offset + klass] > probabilities[offset + best]) {
        best = klass;
      }
    }
    return best;
  }

  private static double ratioOrNaN(long numerator, long denominator) {
    return denominator == 0 ? Double.NaN : (double) numerator / denominator;
  }
}
