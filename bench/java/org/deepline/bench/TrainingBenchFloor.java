package org.deepline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.etl.LabelConfig;
import org.deepline.training.FeatureChunk;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deepline.training.TrainingData;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contender (a), the floor: plain DL4J in one process. The training rows are collected to the driver
 * once, shuffled with the seed and cut into INDArray minibatches before the clock starts; each epoch
 * then visits the minibatches in a fresh seeded order and calls {@code MultiLayerNetwork.fit} on each,
 * on the calling thread (OMP_NUM_THREADS=1), with nothing else running.
 */
final class TrainingBenchFloor {
  /** Mixes the epoch into the seed of the minibatch order. */
  private static final long EPOCH_SALT = 0x9e3779b97f4a7c15L;

  private TrainingBenchFloor() {}

  /** Minibatches built on the driver, and what building them cost. */
  record Batches(List<DataSet> batches, long rows, double collectSeconds) {
    void release() {
      for (DataSet batch : batches) {
        batch.getFeatures().close();
        batch.getLabels().close();
      }
      batches.clear();
    }
  }

  /** Collects {@code rows} (vector and label columns) and cuts them into shuffled minibatches. */
  static Batches collect(Dataset<Row> rows, int width, int batchSize, long seed) {
    long started = System.nanoTime();
    // Compressed sparse rows on the heap until the permutation is known: a dense copy of 2 M rows
    // is 1.7 GB and is made once, as the minibatches themselves.
    FeatureChunk.Builder builder = new FeatureChunk.Builder(width);
    double[] dense = new double[width];
    Iterator<Row> iterator = rows.select(functions.col(TrainingBenchFeatures.VECTOR),
        functions.col(LabelConfig.LABEL)).toLocalIterator();
    while (iterator.hasNext()) {
      Row row = iterator.next();
      Arrays.fill(dense, 0);
      SparseVector vector = ((Vector) row.get(0)).toSparse();
      int[] indices = vector.indices();
      double[] values = vector.values();
      for (int i = 0; i < indices.length; i++) {
        dense[indices[i]] = values[i];
      }
      builder.add(dense, (int) row.getDouble(1));
    }
    FeatureChunk all = builder.build();
    int[] order = permutation(all.rows(), new Random(seed));
    List<DataSet> batches = new ArrayList<>();
    for (int start = 0; start < all.rows(); start += batchSize) {
      int size = Math.min(batchSize, all.rows() - start);
      float[] features = new float[size * width];
      float[] labels = new float[size * NetworkFactory.CLASSES];
      for (int i = 0; i < size; i++) {
        int row = order[start + i];
        all.copyFeatures(row, features, i * width);
        labels[i * NetworkFactory.CLASSES + all.label(row)] = 1f;
      }
      // Nd4j.create, not createFromArray(...).reshape: a reshaped view cannot be closed.
      batches.add(new DataSet(Nd4j.create(features, new long[] {size, width}, 'c'),
          Nd4j.create(labels, new long[] {size, NetworkFactory.CLASSES}, 'c')));
    }
    return new Batches(batches, all.rows(), (System.nanoTime() - started) / 1e9);
  }

  /** Fits {@code epochs} epochs, scoring {@code validation} after each. */
  static List<TrainingBench.Epoch> fit(JavaSparkContext spark, Batches batches,
      TrainingConfig config, int width, int epochs, TrainingData validation) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, width, null));
    network.init();
    List<DataSet> order = new ArrayList<>(batches.batches());
    List<TrainingBench.Epoch> results = new ArrayList<>();
    double trainingSeconds = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Collections.shuffle(order, new Random(config.seed() ^ (EPOCH_SALT * epoch)));
      TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
      for (DataSet batch : order) {
        network.fit(batch);
      }
      double seconds = watch.seconds();
      trainingSeconds += seconds;
      results.add(TrainingBench.Epoch.scored(epoch, batches.rows(), seconds, watch,
          trainingSeconds, network.score(), spark, validation, network));
      TrainingBench.print("(a) floor", results.get(results.size() - 1));
    }
    return results;
  }

  private static int[] permutation(int size, Random random) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
