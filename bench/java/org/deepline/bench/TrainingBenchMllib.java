package org.deepline.bench;

import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.etl.LabelConfig;
import org.deepline.metrics.ScoredLabels;

/**
 * Contenders (b) and (c): MLlib's MultilayerPerceptronClassifier (L-BFGS; MLlib's hidden layers are
 * sigmoid, not ReLU) and LogisticRegression, fitted on the same cached training rows and scored on the
 * same validation rows with deepline's {@link ScoredLabels}, so every contender's AUC is computed the
 * same way.
 */
final class TrainingBenchMllib {
  private TrainingBenchMllib() {}

  /**
   * A fitted MLlib model.
   *
   * @param iterations optimiser iterations run
   * @param objectives training loss after each iteration, to show how far from converged it is
   */
  record Fit(String name, double seconds, double cores, int iterations, ScoredLabels validation,
      double[] objectives, double load) {}

  static Fit perceptron(Dataset<Row> train, Dataset<Row> validation, int[] layers, int maxIterations,
      double tolerance, long seed) {
    MultilayerPerceptronClassifier classifier = new MultilayerPerceptronClassifier()
        .setLayers(layers)
        .setSolver("l-bfgs")
        .setMaxIter(maxIterations)
        .setTol(tolerance)
        .setSeed(seed)
        .setFeaturesCol(TrainingBenchFeatures.VECTOR)
        .setLabelCol(LabelConfig.LABEL);
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    MultilayerPerceptronClassificationModel model = classifier.fit(train);
    return new Fit("(b) MLlib MLP", watch.seconds(), watch.cores(),
        model.summary().totalIterations(), score(model, validation),
        model.summary().objectiveHistory(), watch.load());
  }

  static Fit logistic(Dataset<Row> train, Dataset<Row> validation, int maxIterations,
      double tolerance) {
    LogisticRegression classifier = new LogisticRegression()
        .setMaxIter(maxIterations)
        .setTol(tolerance)
        .setFeaturesCol(TrainingBenchFeatures.VECTOR)
        .setLabelCol(LabelConfig.LABEL);
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    LogisticRegressionModel model = classifier.fit(train);
    return new Fit("(c) MLlib logistic regression", watch.seconds(), watch.cores(),
        model.summary().totalIterations(), score(model, validation),
        model.summary().objectiveHistory(), watch.load());
  }

  /** The model's positive-class probability for every validation row, with the labels. */
  static ScoredLabels score(ProbabilisticClassificationModel<Vector, ?> model,
      Dataset<Row> validation) {
    List<Row> rows = model.transform(validation)
        .select(org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float32")
            .getItem(1), functions.col(LabelConfig.LABEL))
        .collectAsList();
    float[] probabilities = new float[rows.size()];
    byte[] labels = new byte[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      probabilities[i] = rows.get(i).getFloat(0);
      labels[i] = (byte) rows.get(i).getDouble(1);
    }
    return new ScoredLabels(probabilities, labels);
  }
}
