package org.deepline.scoring;

import java.util.Arrays;
import org.deepline.baselines.BoostedTrees;

/**
 * {@link BoostedTrees} as a {@link Predictor}: a sparse minibatch is written out row by row into a
 * dense buffer of one row, which the trees walk.
 */
public final class TreeScorer implements Predictor {
  private final BoostedTrees trees;
  private final int inputWidth;
  private final float[] row;

  public TreeScorer(BoostedTrees trees, int inputWidth) {
    if (trees.minimumWidth() > inputWidth) {
      throw new IllegalArgumentException("boosted trees split on feature "
          + (trees.minimumWidth() - 1) + " of vectors " + inputWidth + " wide");
    }
    this.trees = trees;
    this.inputWidth = inputWidth;
    this.row = new float[inputWidth];
  }

  @Override
  public int inputWidth() {
    return inputWidth;
  }

  @Override
  public float[] probabilities(float[] rowMajor, int rows) {
    float[] probabilities = new float[rows];
    for (int r = 0; r < rows; r++) {
      probabilities[r] = (float) trees.probability(rowMajor, r * inputWidth);
    }
    return probabilities;
  }

  @Override
  public float[] probabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    float[] probabilities = new float[rows];
    for (int r = 0; r < rows; r++) {
      Arrays.fill(row, 0f);
      for (int entry = rowStarts[r]; entry < rowStarts[r + 1]; entry++) {
        row[slots[entry]] = values[entry];
      }
      probabilities[r] = (float) trees.probability(row, 0);
    }
    return probabilities;
  }
}
