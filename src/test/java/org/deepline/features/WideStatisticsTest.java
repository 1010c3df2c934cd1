package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.etl.LabelConfig;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * More than {@value FeatureFitter#WIDE_NUMERIC_COLUMNS} numeric inputs have their statistics
 * computed by {@link WideStatistics} instead of the fit's aggregation: a column fitted among many
 * gets the transform it gets among few, for every statistic a transform reads (mean, deviation,
 * median, quartiles, clip bounds and log1p, bin edges), with missing values and NaN in the rows.
 */
class WideStatisticsTest {
  private static final int ROWS = 300;
  private static final long SEED = 11;
  private static final FeatureModel.FitProvenance PROVENANCE = new FeatureModel.FitProvenance(
      "toy", "2026-12-07", "run", "train", ROWS, "splits", 0, 0);

  private static List<FeatureModel.NumericFeature> fit(Dataset<Row> rows, List<String> numeric) {
    Map<String, NumericTransformSpec> transforms = Map.of(
        "c0", new NumericTransformSpec(null, null, List.of(0.05, 0.95), true,
            NumericTransformSpec.ROBUST, null),
        "c1", new NumericTransformSpec(NumericTransformSpec.MEAN, null, null, null, null,
            new NumericTransformSpec.BinSpec(4, null, null)));
    FeatureConfig config = new FeatureConfig(numeric, List.of(), null, null, null, null,
        transforms, null, null, null);
    return FeatureFitter.fit(rows, config, PROVENANCE, SEED).numeric();
  }

  @Test
  void aColumnFittedAmongManyGetsTheTransformItGetsAmongFew() {
    int columns = FeatureFitter.WIDE_NUMERIC_COLUMNS + 1;
    StructType schema = new StructType().add(LabelConfig.LABEL, DataTypes.DoubleType);
    for (int c = 0; c < columns; c++) {
      schema = schema.add("c" + c, DataTypes.DoubleType, true);
    }
    Random random = new Random(SEED);
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      Object[] values = new Object[columns + 1];
      values[0] = (double) (r % 2);
      for (int c = 0; c < columns; c++) {
        double value = Math.abs(random.nextGaussian()) * (c + 1) + c;
        values[c + 1] = r % 17 == c % 17 ? null : r % 53 == 0 ? Double.NaN : value;
      }
      rows.add(RowFactory.create(values));
    }
    Dataset<Row> frame = SparkTestSession.get().createDataFrame(rows, schema);
    List<String> all = IntStream.range(0, columns).mapToObj(c -> "c" + c).toList();

    List<FeatureModel.NumericFeature> wide = fit(frame, all);
    List<FeatureModel.NumericFeature> narrow = fit(frame, all.subList(0,
        FeatureFitter.WIDE_NUMERIC_COLUMNS));

    for (int c = 0; c < narrow.size(); c++) {
      FeatureModel.NumericFeature among = wide.get(c);
      FeatureModel.NumericFeature alone = narrow.get(c);
      String name = alone.name();
      assertEquals(alone.name(), among.name());
      assertEquals(alone.imputedValue(), among.imputedValue(), 1e-9, name);
      assertEquals(alone.mean(), among.mean(), 1e-9, name);
      assertEquals(alone.stddev(), among.stddev(), 1e-9, name);
      assertEquals(alone.clipLower(), among.clipLower(), name);
      assertEquals(alone.clipUpper(), among.clipUpper(), name);
      assertEquals(String.valueOf(alone.center()), String.valueOf(among.center()), name);
      assertEquals(String.valueOf(alone.spread()), String.valueOf(among.spread()), name);
      assertEquals(alone.binEdges(), among.binEdges(), name);
      assertEquals(alone.missingIndicator(), among.missingIndicator(), name);
    }
  }
}
