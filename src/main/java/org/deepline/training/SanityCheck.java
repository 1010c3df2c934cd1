package org.deepline.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * {@code train --sanity}: before a long run, the configured network must be able to learn a tiny
 * sample of the training split by heart. A network that cannot fit {@value #ROWS} rows (a learning
 * rate far too small or too large, a layer too narrow, features that lost the signal, a broken
 * vectoriser) will not fit millions; finding that out takes seconds here instead of hours there.
 *
 * <pre>{@code
 * SanityCheck.Outcome outcome = SanityCheck.run(trainFeatures, config, NetworkInput.of(model));
 * outcome.passed();   // loss within TOLERANCE of the best any model can do on these rows
 * }</pre>
 *
 * <p>The sample (a seeded choice of training rows) is fitted on the driver, in full batches, with the
 * configured layers, activations and learning rate, but without dropout and L2 (they exist to stop
 * exactly the memorising this check asks for) and with unweighted cross-entropy. Identical feature vectors with
 * different labels cannot be told apart by any model, so the target is not zero but the sample's
 * loss floor, the label entropy within groups of identical vectors; the check passes when the loss
 * ends within {@value #TOLERANCE} of it.
 */
public final class SanityCheck {
  /** Rows of the sample: more than a minibatch's worth of structure, seconds to memorise. */
  public static final int ROWS = 64;
  /** Full-batch Adam steps: enough to memorise the sample at the default learning rate. */
  public static final int STEPS = 1500;
  /** How far above the loss floor the fitted loss may end (mean cross-entropy, nats). */
  public static final double TOLERANCE = 0.05;

  /** What the check found; {@code loss} and {@code lossFloor} are mean cross-entropies. */
  public record Outcome(int rows, int steps, double loss, double lossFloor) {
    public boolean passed() {
      return loss <= lossFloor + TOLERANCE;
    }
  }

  private SanityCheck() {}

  public static Outcome run(Dataset<Row> trainFeatures, TrainingConfig config,
      NetworkInput input) {
    int width = input.width();
    List<Row> rows = trainFeatures
        .orderBy(functions.xxhash64(functions.col(RecordIds.RECORD_ID), functions.lit(config.seed())))
        .select(FeatureTransform.FEATURES, LabelConfig.LABEL)
        .limit(ROWS).collectAsList();
    float[][] features = new float[rows.size()][width];
    float[][] labels = new float[rows.size()][NetworkFactory.CLASSES];
    for (int i = 0; i < rows.size(); i++) {
      List<Double> vector = rows.get(i).getList(0);
      for (int j = 0; j < width; j++) {
        features[i][j] = vector.get(j).floatValue();
      }
      labels[i][label(rows.get(i))] = 1f;
    }
    DataSet sample = new DataSet(Nd4j.createFromArray(features), Nd4j.createFromArray(labels));
    MultiLayerNetwork network = new MultiLayerNetwork(forMemorising(
        NetworkFactory.binaryClassifier(config, input, null)));
    network.init();
    for (int step = 0; step < STEPS; step++) {
      network.fit(sample);
    }
    double loss = network.score(sample, false);
    return new Outcome(rows.size(), STEPS, loss, lossFloor(features, rows));
  }

  private static int label(Row row) {
    return ((Number) row.get(1)).intValue();
  }

  /**
   * The configured network without dropout and L2, and with plain cross-entropy: the loss floor
   * below is a cross-entropy, and class weights or a focal loss would move the optimum away from it.
   */
  private static MultiLayerConfiguration forMemorising(MultiLayerConfiguration conf) {
    for (int i = 0; i < conf.getConfs().size(); i++) {
      if (conf.getConf(i).getLayer() instanceof BaseLayer layer) {
        layer.setIDropout(null);
        layer.setRegularization(new ArrayList<>());
        layer.setRegularizationBias(new ArrayList<>());
      }
      if (conf.getConf(i).getLayer() instanceof OutputLayer output) {
        output.setLossFn(new LossMCXENT());
      }
    }
    return conf;
  }

  /** The lowest mean cross-entropy any model can reach: label entropy within identical vectors. */
  static double lossFloor(float[][] features, List<Row> rows) {
    Map<String, int[]> groups = new HashMap<>();
    for (int i = 0; i < features.length; i++) {
      int[] counts = groups.computeIfAbsent(Arrays.toString(features[i]), key -> new int[2]);
      counts[label(rows.get(i))]++;
    }
    double total = 0;
    for (int[] counts : groups.values()) {
      int n = counts[0] + counts[1];
      for (int count : counts) {
        if (count > 0) {
          total -= count * Math.log(count / (double) n);
        }
      }
    }
    return features.length == 0 ? 0 : total / features.length;
  }
}
