package org.deepline.scoring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.features.FeatureTransform;

/**
 * Appends a {@value #PROBABILITY} column to rows that carry a features column, scoring each partition
 * in minibatches with a network broadcast once to every executor.
 *
 * <pre>{@code
 * Dataset<Row> scored = new BatchScorer(bundle.networkBytes(), 1024)
 *     .transform(new FeatureTransform(bundle.metadata().featureModel()).transform(silver));
 * }</pre>
 */
public final class BatchScorer {
  public static final String PROBABILITY = "probability";

  private final byte[] networkBytes;
  private final int batchSize;

  public BatchScorer(byte[] networkBytes, int batchSize) {
    this.networkBytes = networkBytes;
    this.batchSize = batchSize;
  }

  public StructType transformSchema(StructType input) {
    if (!List.of(input.fieldNames()).contains(FeatureTransform.FEATURES)) {
      throw new DeeplineException("score: input has no " + FeatureTransform.FEATURES + " column");
    }
    return input.add(PROBABILITY, DataTypes.DoubleType, false);
  }

  public Dataset<Row> transform(Dataset<Row> input) {
    StructType output = transformSchema(input.schema());
    int featuresIndex = input.schema().fieldIndex(FeatureTransform.FEATURES);
    Broadcast<byte[]> network = JavaSparkContext.fromSparkContext(
        input.sparkSession().sparkContext()).broadcast(networkBytes);
    int rowsPerBatch = batchSize;
    MapPartitionsFunction<Row, Row> score = rows -> {
      // Restored per partition: networks are not thread-safe and tasks of one executor run in parallel.
      NetworkScorer scorer = NetworkScorer.fromBytes(network.value());
      return new BatchIterator(rows, scorer, featuresIndex, rowsPerBatch);
    };
    return input.mapPartitions(score, Encoders.row(output));
  }

  /** Pulls a batch of rows, scores it in one network call, then hands the rows out one by one. */
  private static final class BatchIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final NetworkScorer scorer;
    private final int featuresIndex;
    private final int batchSize;
    private List<Row> batch = List.of();
    private double[] probabilities = new double[0];
    private int next;

    BatchIterator(Iterator<Row> rows, NetworkScorer scorer, int featuresIndex, int batchSize) {
      this.rows = rows;
      this.scorer = scorer;
      this.featuresIndex = featuresIndex;
      this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
      return next < batch.size() || rows.hasNext();
    }

    @Override
    public Row next() {
      if (next >= batch.size()) {
        fill();
      }
      Row row = batch.get(next);
      Object[] values = new Object[row.size() + 1];
      for (int i = 0; i < row.size(); i++) {
        values[i] = row.get(i);
      }
      values[row.size()] = probabilities[next++];
      return RowFactory.create(values);
    }

    private void fill() {
      if (!rows.hasNext()) {
        throw new NoSuchElementException();
      }
      List<Row> pulled = new ArrayList<>(batchSize);
      while (rows.hasNext() && pulled.size() < batchSize) {
        pulled.add(rows.next());
      }
      float[][] vectors = new float[pulled.size()][];
      for (int i = 0; i < vectors.length; i++) {
        List<Double> features = pulled.get(i).getList(featuresIndex);
        float[] vector = new float[features.size()];
        for (int j = 0; j < vector.length; j++) {
          vector[j] = features.get(j).floatValue();
        }
        vectors[i] = vector;
      }
      probabilities = scorer.probabilities(vectors);
      batch = pulled;
      next = 0;
    }
  }
}
