package org.deepline.scoring;

import java.util.List;
import org.deepline.training.EnsembleSpec;

/**
 * An ensemble as a {@link Predictor}: every member scores the minibatch, and
 * {@link EnsembleSpec#combine} (the code training judged the ensemble with) makes each row's
 * probability from theirs.
 */
public final class EnsembleScorer implements Predictor {
  private final EnsembleSpec spec;
  private final List<Predictor> members;
  private final int inputWidth;

  public EnsembleScorer(EnsembleSpec spec, List<Predictor> members) {
    if (members.size() != spec.members().size()) {
      throw new IllegalArgumentException(members.size() + " predictors for the "
          + spec.members().size() + " members of " + spec.description());
    }
    this.inputWidth = members.get(0).inputWidth();
    for (Predictor member : members) {
      if (member.inputWidth() != inputWidth) {
        throw new IllegalArgumentException("ensemble members take vectors " + inputWidth + " and "
            + member.inputWidth() + " wide");
      }
    }
    this.spec = spec;
    this.members = List.copyOf(members);
  }

  @Override
  public int inputWidth() {
    return inputWidth;
  }

  @Override
  public float[] probabilities(float[] rowMajor, int rows) {
    float[][] byMember = new float[members.size()][];
    for (int m = 0; m < byMember.length; m++) {
      byMember[m] = members.get(m).probabilities(rowMajor, rows);
    }
    return combined(byMember, rows);
  }

  @Override
  public float[] probabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    float[][] byMember = new float[members.size()][];
    for (int m = 0; m < byMember.length; m++) {
      byMember[m] = members.get(m).probabilities(rowStarts, slots, values, rows);
    }
    return combined(byMember, rows);
  }

  private float[] combined(float[][] byMember, int rows) {
    float[] probabilities = new float[rows];
    double[] row = new double[byMember.length];
    for (int r = 0; r < rows; r++) {
      for (int m = 0; m < byMember.length; m++) {
        row[m] = byMember[m][r];
      }
      probabilities[r] = (float) spec.combine(row);
    }
    return probabilities;
  }
}
