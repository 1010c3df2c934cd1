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

  /** How a row's label becomes the label columns of its minibatch row. */
  interface LabelCoding {
    int columns();

    /** Writes the label of {@code row} of {@code rows} at {@code offset} of {@code labels}. */
    void write(FeatureChunk rows, int row, float[] labels, int offset);
  }

  /** {@link TrainingBench}'s: a 0/1 class as a one-hot pair. */
  static final LabelCoding ONE_HOT_CLASS = new LabelCoding() {
    @Override
    public int columns() {
      return NetworkFactory.CLASSES;
    }

    @Override
    public void write(FeatureChunk rows, int row, float[] labels, int offset) {
      labels[offset + rows.label(row)] = 1f;
    }
  };

  /** A number as {@code (y - shift) / scale}, as {@link TrainingData#standardise} gives it. */
  static LabelCoding standardisedNumber(double shift, double scale) {
    return new LabelCoding() {
      @Override
      public int columns() {
        return TrainingData.NUMBER;
      }

      @Override
      public void write(FeatureChunk rows, int row, float[] labels, int offset) {
        labels[offset] = (float) ((rows.target(row) - shift) / scale);
      }
    };
  }

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
    return collect(rows, width, batchSize, seed, ONE_HOT_CLASS);
  }

  /** As above, each label written to the minibatches by {@code coding}. */
  static Batches collect(Dataset<Row> rows, int width, int batchSize, long seed,
      LabelCoding coding) {
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
      builder.add(dense, row.getDouble(1));
    }
    FeatureChunk all = builder.build();
    int[] order = permutation(all.rows(), new Random(seed));
    List<DataSet> batches = new ArrayList<>();
    for (int start = 0; start < all.rows(); start += batchSize) {
      int size = Math.min(batchSize, all.rows() - start);
      float[] features = new float[size * width];
      float[] labels = new float[size * coding.columns()];
      for (int i = 0; i < size; i++) {
        int row = order[start + i];
        all.copyFeatures(row, features, i * width);
        coding.write(all, row, labels, i * coding.columns());
      }
      // Nd4j.create, not createFromArray(...).reshape: a reshaped view cannot be closed.
      batches.add(new DataSet(Nd4j.create(features, new long[] {size, width}, 'c'),
          Nd4j.create(labels, new long[] {size, coding.columns()}, 'c')));
    }
    return new Batches(batches, all.rows(), (System.nanoTime() - started) / 1e9);
  }

  /** Fits {@code epochs} epochs, scoring {@code validation} after each. */
  static List<TrainingBench.Epoch> fit(JavaSparkContext spark, Batches batches,
      TrainingConfig config, int width, int epochs, TrainingData validation) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, width, null));
    network.init();
    return fit(network, batches, config.seed(), epochs,
        (epoch, rows, seconds, watch, trainingSeconds, loss, fitted) -> {
          TrainingBench.Epoch scored = TrainingBench.Epoch.scored(epoch, rows, seconds, watch,
              trainingSeconds, loss, spark, validation, fitted);
          TrainingBench.print("(a) floor", scored);
          return scored;
        });
  }

  /**
   * Fits {@code network} on the minibatches {@code epochs} times, in a fresh order seeded by
   * {@code seed} each epoch, and records each epoch with {@code scorer}.
   */
  static <E> List<E> fit(MultiLayerNetwork network, Batches batches, long seed, int epochs,
      TrainingBench.EpochScorer<E> scorer) {
    List<DataSet> order = new ArrayList<>(batches.batches());
    List<E> results = new ArrayList<>();
    double trainingSeconds = 0;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Collections.shuffle(order, new Random(seed ^ (EPOCH_SALT * epoch)));
      TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
      for (DataSet batch : order) {
        network.fit(batch);
      }
      double seconds = watch.seconds();
      trainingSeconds += seconds;
      results.add(scorer.scored(epoch, batches.rows(), seconds, watch, trainingSeconds,
          network.score(), network));
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
