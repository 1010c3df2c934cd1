package org.deepline.baselines;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.metrics.MulticlassScores;

/**
 * The baselines of a multi-class label, fitted on the network's training rows and judged on its
 * validation rows: the majority class (what a collapsed model scores), MLlib's multinomial logistic
 * regression and its random forest, each as {@link MulticlassScores} of the validation rows. The
 * binary ladder's own learners ({@link BaselineLadder}) are two-class; MLlib's fit any number of
 * classes, and its boosted trees, which fit two only, are left out.
 *
 * <pre>{@code
 * List<MulticlassLadder.Rung> rungs = MulticlassLadder.fit(train, trainRows, validation,
 *     "features", "_label", 3, config, seed);
 * }</pre>
 */
public final class MulticlassLadder {
  /** MLlib's output columns: the class probabilities, raw scores and prediction. */
  private static final String PROBABILITY = "_baseline_probability";
  private static final String RAW = "_baseline_raw";
  private static final String PREDICTION = "_baseline_prediction";
  /** Trees of the forest: MLlib's default count, enough for a yardstick. */
  private static final int FOREST_TREES = 50;
  /** Depth of the forest's trees, as the binary ladder's forest. */
  private static final int FOREST_DEPTH = 8;
  /** The multinomial regression's L2 strength: light, as a default scikit-learn fit. */
  private static final double LOGISTIC_L2 = 1e-3;

  private MulticlassLadder() {}

  /**
   * One baseline's validation scores and how long its fit took.
   *
   * @param model {@value BaselineLadder#MAJORITY}, {@value BaselineLadder#LOGISTIC_REGRESSION} or
   *              {@value BaselineLadder#RANDOM_FOREST}
   */
  public record Rung(String model, MulticlassScores validation, double fitSeconds) {}

  /**
   * The rungs {@code config.models()} names that fit a multi-class label (majority, logistic
   * regression, random forest), on {@code train} ({@code trainRows} of them, sampled down to
   * {@code baselines.max_rows} as the binary ladder samples) and judged on {@code validation}
   * (rows with the dense {@code featuresColumn} array and the class index {@code labelColumn}),
   * in the binary ladder's vectors ({@link BaselineLadder#vectors}).
   */
  public static List<Rung> fit(Dataset<Row> train, long trainRows, Dataset<Row> validation,
      String featuresColumn, String labelColumn, int classes, BaselineConfig config, long seed) {
    Dataset<Row> fitRows = BaselineLadder.vectors(BaselineLadder.sampled(train, trainRows, config,
        seed), featuresColumn, labelColumn).cache();
    Dataset<Row> judged = BaselineLadder.vectors(validation, featuresColumn, labelColumn).cache();
    try {
      List<Rung> rungs = new ArrayList<>();
      if (config.models().contains(BaselineLadder.MAJORITY)) {
        rungs.add(majority(fitRows, judged, classes));
      }
      if (config.models().contains(BaselineLadder.LOGISTIC_REGRESSION)) {
        rungs.add(probabilistic(BaselineLadder.LOGISTIC_REGRESSION, new LogisticRegression()
            .setFamily("multinomial").setRegParam(LOGISTIC_L2).setElasticNetParam(0.0)
            .setMaxIter(BaselineLadder.LOGISTIC_ITERATIONS)
            .setTol(BaselineLadder.LOGISTIC_TOLERANCE), fitRows, judged, classes));
      }
      if (config.models().contains(BaselineLadder.RANDOM_FOREST)) {
        rungs.add(probabilistic(BaselineLadder.RANDOM_FOREST, new RandomForestClassifier()
            .setNumTrees(FOREST_TREES).setMaxDepth(FOREST_DEPTH).setSeed(seed), fitRows, judged,
            classes));
      }
      return rungs;
    } finally {
      fitRows.unpersist();
      judged.unpersist();
    }
  }

  /** Every row predicted as the training rows' most common class, with probability one. */
  private static Rung majority(Dataset<Row> train, Dataset<Row> validation, int classes) {
    long started = System.nanoTime();
    String label = BaselineLadder.TARGET;
    Row most = train.groupBy(label).count()
        .orderBy(functions.col("count").desc(), functions.col(label)).first();
    List<Row> labels = validation.select(label).collectAsList();
    byte[] validationLabels = new byte[labels.size()];
    for (int i = 0; i < validationLabels.length; i++) {
      validationLabels[i] = (byte) labels.get(i).getDouble(0);
    }
    int majority = (int) most.getDouble(0);
    float[] probabilities = new float[validationLabels.length * classes];
    for (int row = 0; row < validationLabels.length; row++) {
      probabilities[row * classes + majority] = 1f;
    }
    return new Rung(BaselineLadder.MAJORITY,
        new MulticlassScores(probabilities, validationLabels, classes),
        (System.nanoTime() - started) / 1e9);
  }

  private static <M extends ProbabilisticClassificationModel<Vector, M>> Rung probabilistic(
      String name, ProbabilisticClassifier<Vector, ?, M> learner, Dataset<Row> train,
      Dataset<Row> validation, int classes) {
    long started = System.nanoTime();
    M model = learner.setFeaturesCol(BaselineLadder.VECTOR).setLabelCol(BaselineLadder.TARGET)
        .fit(train);
    double seconds = (System.nanoTime() - started) / 1e9;
    model.setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW).setPredictionCol(PREDICTION);
    List<Row> scored = model.transform(validation).select(PROBABILITY, BaselineLadder.TARGET)
        .collectAsList();
    float[] probabilities = new float[scored.size() * classes];
    byte[] labels = new byte[scored.size()];
    for (int row = 0; row < scored.size(); row++) {
      Vector p = (Vector) scored.get(row).get(0);
      // A class the training rows lack has no output in MLlib's vector: probability zero.
      for (int c = 0; c < Math.min(classes, p.size()); c++) {
        probabilities[row * classes + c] = (float) p.apply(c);
      }
      labels[row] = (byte) scored.get(row).getDouble(1);
    }
    return new Rung(name, new MulticlassScores(probabilities, labels, classes), seconds);
  }
}
