package org.deepline.scoring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deepline.core.FileStore;
import org.deepline.features.FeatureVectorizer;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;

/**
 * Scores one record at a time without Spark: the raw input columns by name go through the bundle's
 * feature model and model (a network or an ensemble: {@link Predictor#of}), as in batch scoring ({@link BatchScorer} uses the same vectoriser and
 * network code, so both give the same probability for the same record up to float rounding).
 *
 * <pre>{@code
 * ModelScorer scorer = ModelScorer.load(files, warehouse.modelDir("churn", version));
 * double p = scorer.probability(Map.of("tenure", 12, "contract", "One year"));
 * boolean churns = scorer.isPositive(p);
 * }</pre>
 *
 * <p>Latency: a median of 120 µs per record (99th percentile 9 ms) for the flights 480-64-32-2
 * network on the shared 2-core development machine at load average 9, measured by
 * {@code bench/run ScoringBench} (bench/README.md, section Scoring); most of it is DL4J's fixed cost
 * per call. For many records at once use {@link BatchScorer}.
 * Calls are serialised on one instance; create one per thread to score in parallel.
 */
public final class ModelScorer {
  private final FeatureVectorizer vectorizer;
  private final RecordInputs inputs;
  private final Predictor model;
  private final DecisionThreshold threshold;
  private final float[] vector;
  /** A multi-class model's classes in the order of its outputs; null for a 0/1 label's. */
  private final List<String> classes;
  /** Whether the model predicts a number (a regression label's). */
  private final boolean regression;
  /** A regression model's target, whose declared range its numbers are clipped to. */
  private final ModelMetadata.RegressionTarget target;

  public ModelScorer(ModelBundle bundle) {
    this.vectorizer = new FeatureVectorizer(bundle.metadata().featureModel());
    this.inputs = RecordInputs.of(bundle.metadata().featureModel());
    this.model = Predictor.of(bundle);
    this.threshold = bundle.metadata().decisionThreshold();
    this.vector = new float[vectorizer.width()];
    this.classes = bundle.metadata().classes();
    this.regression = bundle.metadata().isRegression();
    this.target = bundle.metadata().regression();
  }

  public static ModelScorer load(FileStore files, String modelDir) {
    return new ModelScorer(ModelBundle.load(files, modelDir));
  }

  /**
   * The positive-class probability of one record; {@code record} maps each input column of the
   * feature model ({@link #inputs}) to its raw value (a number, a string, a boolean, a date or
   * timestamp; absent or null is missing, as a null cell would be). Other keys are ignored: a whole
   * silver row is a record.
   *
   * @throws IllegalArgumentException when a numeric input is text that is not a number; when an
   *     input is absent and another key names it but for letter case, separators or a typo
   *     ({@code Tenure} for {@code tenure}); when an input joined from a feature table is absent
   *     ({@code score} joins it, a caller looks it up): both gave a wrong probability silently
   */
  public synchronized double probability(Map<String, ?> record) {
    if (classes != null) {
      throw new IllegalStateException("the model predicts " + classes.size() + " classes "
          + classes + ": take classProbabilities or predictedClass");
    }
    if (regression) {
      throw new IllegalStateException("the model predicts a number: take prediction");
    }
    inputs.check(record.keySet());
    Arrays.fill(vector, 0f);
    vectorizer.vectorizeInto(record::get, vector, 0);
    return model.probabilities(vector, 1)[0];
  }

  /**
   * A multi-class model's probability of each class for one record, in the order of its classes
   * ({@link #classes}); {@code record} as {@link #probability} takes it.
   *
   * @throws IllegalStateException for a model of a 0/1 label: take {@link #probability}
   */
  public synchronized Map<String, Double> classProbabilities(Map<String, ?> record) {
    if (classes == null) {
      throw new IllegalStateException(regression ? "the model predicts a number: take "
          + "prediction" : "the model predicts a 0/1 label: take probability");
    }
    float[] byClass = everyOutput(record);
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      probabilities.put(classes.get(c), (double) byClass[c]);
    }
    return probabilities;
  }

  /**
   * A regression model's number for one record, as {@code score} writes it to
   * {@code prediction}; {@code record} as {@link #probability} takes it.
   *
   * @throws IllegalStateException for a model of a class label: take {@link #probability} or
   *     {@link #classProbabilities}
   */
  public synchronized double prediction(Map<String, ?> record) {
    if (!regression) {
      throw new IllegalStateException("the model predicts classes, not a number: take "
          + (classes == null ? "probability" : "classProbabilities"));
    }
    return target.clip(everyOutput(record)[0]);
  }

  /** Every output unit of the model for one record, as batch scoring computes them. */
  private float[] everyOutput(Map<String, ?> record) {
    inputs.check(record.keySet());
    Arrays.fill(vector, 0f);
    vectorizer.vectorizeInto(record::get, vector, 0);
    int[] slots = new int[vector.length];
    float[] values = new float[vector.length];
    int entries = 0;
    for (int slot = 0; slot < vector.length; slot++) {
      if (vector[slot] != 0f) {
        slots[entries] = slot;
        values[entries++] = vector[slot];
      }
    }
    return model.classProbabilities(new int[] {0, entries}, slots, values, 1);
  }

  /** A multi-class model's most probable class of one record (the first of ties). */
  public String predictedClass(Map<String, ?> record) {
    Map<String, Double> probabilities = classProbabilities(record);
    String best = null;
    double highest = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Double> entry : probabilities.entrySet()) {
      if (entry.getValue() > highest) {
        highest = entry.getValue();
        best = entry.getKey();
      }
    }
    return best;
  }

  /** A multi-class model's classes in the order of its outputs; null for a 0/1 label's model. */
  public List<String> classes() {
    return classes;
  }

  /** Whether the model predicts a number ({@link #prediction}). */
  public boolean isRegression() {
    return regression;
  }

  /** The raw columns a record holds, by exact name: the feature model's inputs. */
  public List<String> inputs() {
    return inputs.inputs();
  }

  /** The threshold chosen at training (see {@code training.threshold}). */
  public DecisionThreshold threshold() {
    return threshold;
  }

  /** Whether {@code probability} is at or above the model's threshold. */
  public boolean isPositive(double probability) {
    return probability >= threshold.value();
  }
}
