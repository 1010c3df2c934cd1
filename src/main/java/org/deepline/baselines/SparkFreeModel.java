package org.deepline.baselines;

/**
 * A ladder rung in deepline's own JSON, scored in plain Java without MLlib: what a promoted
 * baseline, a saved rung and a stacked ensemble's trees ship as.
 */
public sealed interface SparkFreeModel permits LinearModel, BoostedTrees {
  /** The positive-class probability of one feature vector. */
  double probability(double[] features);

  /** The positive-class probability of the row at {@code offset} of a row-major float buffer. */
  double probability(float[] rowMajor, int offset);

  /** The model as its JSON file. */
  String toJson();
}
