package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.baselines.SparkFreeModel;
import org.deepline.metrics.ScoredLabels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every ensemble member's probability for every row of a cached split, computed in one pass where
 * the rows are, row for row aligned: member {@code m}'s probability of row {@code r} is
 * {@code probabilities[m][r]}, and {@code labels[r]} is that row's label. What an ensemble's
 * combination needs, and why the members are not scored one by one ({@link TrainingData#score}
 * keeps each call's row order, but boosted trees have no such call).
 *
 * <pre>{@code
 * MemberScores scores = MemberScores.of(spark, validation, List.of(network), List.of(trees));
 * ScoredLabels ensemble = scores.combined(spec);
 * }</pre>
 */
record MemberScores(float[][] probabilities, byte[] labels) implements Serializable {
  /** Rows per network call: as {@link TrainingData#score} does. */
  private static final int SCORING_BATCH = 4096;

  /**
   * @param networks the networks, in member order
   * @param models   Spark-free members (boosted trees, a logistic regression), scored after the
   *                 networks in this order
   */
  static MemberScores of(JavaSparkContext spark, TrainingData data,
      List<MultiLayerNetwork> networks, List<SparkFreeModel> models) {
    List<TrainingData.NetworkCopy> copies = new ArrayList<>();
    networks.forEach(n -> copies.add(TrainingData.NetworkCopy.of(n)));
    Broadcast<Members> members = spark.broadcast(new Members(copies, List.copyOf(models)));
    try {
      List<MemberScores> chunks = data.chunks().mapPartitions(partition -> {
        List<MultiLayerNetwork> local = new ArrayList<>();
        members.value().networks().forEach(copy -> local.add(copy.restore()));
        List<MemberScores> out = new ArrayList<>();
        while (partition.hasNext()) {
          out.add(score(partition.next(), local, members.value().models()));
        }
        return out.iterator();
      }).collect();
      return concatenate(chunks, networks.size() + models.size());
    } finally {
      members.destroy();
    }
  }

  /**
   * {@code parts}' rows one after the other, each member's probabilities joined in the same order
   * as the labels; {@code members} columns even when there are no parts.
   */
  static MemberScores concatenate(List<MemberScores> parts, int members) {
    return concatenate(parts, members, 1);
  }

  /**
   * As above for parts whose members give {@code outputsPerRow} values per row (every class's
   * probability of a multi-class network, row-major).
   */
  static MemberScores concatenate(List<MemberScores> parts, int members, int outputsPerRow) {
    int total = 0;
    for (MemberScores part : parts) {
      total += part.labels().length;
    }
    float[][] probabilities = new float[members][total * outputsPerRow];
    byte[] labels = new byte[total];
    int offset = 0;
    for (MemberScores part : parts) {
      int rows = part.labels().length;
      System.arraycopy(part.labels(), 0, labels, offset, rows);
      for (int m = 0; m < members; m++) {
        System.arraycopy(part.probabilities()[m], 0, probabilities[m], offset * outputsPerRow,
            rows * outputsPerRow);
      }
      offset += rows;
    }
    return new MemberScores(probabilities, labels);
  }

  /** What each task needs: the networks as configuration and parameters, and the other models. */
  private record Members(List<TrainingData.NetworkCopy> networks, List<SparkFreeModel> models)
      implements Serializable {}

  private static MemberScores score(FeatureChunk chunk, List<MultiLayerNetwork> networks,
      List<SparkFreeModel> models) {
    int rows = chunk.rows();
    int width = chunk.width();
    byte[] labels = new byte[rows];
    float[] features = new float[rows * width];
    for (int row = 0; row < rows; row++) {
      labels[row] = (byte) chunk.label(row);
      chunk.copyFeatures(row, features, row * width);
    }
    float[][] probabilities = new float[networks.size() + models.size()][rows];
    for (int m = 0; m < networks.size(); m++) {
      for (int start = 0; start < rows; start += SCORING_BATCH) {
        int size = Math.min(SCORING_BATCH, rows - start);
        float[] batch = java.util.Arrays.copyOfRange(features, start * width, (start + size) * width);
        INDArray output = networks.get(m).output(TrainingData.matrix(batch, size, width), false);
        float[] positive = output.getColumn(1).dup().castTo(DataType.FLOAT).toFloatVector();
        System.arraycopy(positive, 0, probabilities[m], start, size);
      }
    }
    for (int m = 0; m < models.size(); m++) {
      for (int row = 0; row < rows; row++) {
        probabilities[networks.size() + m][row] =
            (float) models.get(m).probability(features, row * width);
      }
    }
    return new MemberScores(probabilities, labels);
  }

  int members() {
    return probabilities.length;
  }

  /** Member {@code m}'s probabilities with the labels. */
  ScoredLabels member(int m) {
    return new ScoredLabels(probabilities[m], labels);
  }

  /** The ensemble's probabilities: {@code spec} combines each row's member probabilities. */
  ScoredLabels combined(EnsembleSpec spec) {
    float[] combined = new float[labels.length];
    double[] row = new double[members()];
    for (int r = 0; r < labels.length; r++) {
      for (int m = 0; m < row.length; m++) {
        row[m] = probabilities[m][r];
      }
      combined[r] = (float) spec.combine(row);
    }
    return new ScoredLabels(combined, labels);
  }
}
