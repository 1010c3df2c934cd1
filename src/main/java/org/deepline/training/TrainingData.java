package org.deepline.training;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.config.LabelConfig;
import org.deepline.features.FeatureTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns rows of the features table into the one-example DataSets DL4J's Spark training consumes:
 * the feature vector as a 1 x width row, the label one-hot over the two classes.
 */
public final class TrainingData {
  private TrainingData() {}

  public static JavaRDD<DataSet> toDataSets(Dataset<Row> features) {
    return features.select(FeatureTransform.FEATURES, LabelConfig.LABEL).javaRDD()
        .map(TrainingData::toDataSet);
  }

  static DataSet toDataSet(Row row) {
    List<Double> values = row.getList(0);
    float[] x = new float[values.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = values.get(i).floatValue();
    }
    float[] y = new float[NetworkFactory.CLASSES];
    y[(int) row.getDouble(1)] = 1f;
    INDArray features = Nd4j.createFromArray(new float[][] {x});
    INDArray labels = Nd4j.createFromArray(new float[][] {y});
    return new DataSet(features, labels);
  }
}
