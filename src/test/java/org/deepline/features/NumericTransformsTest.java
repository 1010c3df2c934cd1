package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.ConfigErrors;
import org.deepline.core.DeeplineException;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

/**
 * Clipping, log1p, imputation choices, scalings and bins of numeric inputs, fitted on a tiny frame
 * whose statistics are worked out by hand. percentile_approx on so few rows is exact and returns a
 * member: the value of rank ceil(p * n) among the n observed values.
 */
class NumericTransformsTest {
  private static final double TOLERANCE = 1e-12;
  private static final StructType SCHEMA = new StructType().add("amount", DataTypes.DoubleType, true);
  private static final FeatureModel.FitProvenance PROVENANCE =
      new FeatureModel.FitProvenance("toy", "2026-12-02", "run", "train", 7, "splits", 0, 0);

  /** Observed 1, 2, 2, 4, 8, 100 (n = 6) and one missing value. */
  private static Dataset<Row> train() {
    return SparkTestSession.get().createDataFrame(List.of(RowFactory.create(1.0),
        RowFactory.create(2.0), RowFactory.create(2.0), RowFactory.create(4.0),
        RowFactory.create(8.0), RowFactory.create(100.0), RowFactory.create((Object) null)), SCHEMA);
  }

  private static FeatureModel fit(NumericTransformSpec spec) {
    return fit(train(), spec);
  }

  private static FeatureModel fit(Dataset<Row> rows, NumericTransformSpec spec) {
    return FeatureFitter.fit(rows, new FeatureConfig(List.of("amount"), null, null, null, null,
        null, Map.of("amount", spec), null, null, null), PROVENANCE);
  }

  /** As {@link #fit(Dataset, NumericTransformSpec)}, with amount known empty everywhere. */
  private static FeatureModel fitEmpty(Dataset<Row> rows, NumericTransformSpec spec) {
    return FeatureFitter.fitCountingRows(rows.withColumn("_record_id",
            org.apache.spark.sql.functions.monotonically_increasing_id().cast("string")),
        new FeatureConfig(List.of("amount"), null, null, null, null, null,
            Map.of("amount", spec), null, null, null), PROVENANCE, 0, java.util.Set.of("amount"));
  }

  private static double[] vector(FeatureModel model, Double amount) {
    Map<String, Object> record = new HashMap<>();
    record.put("amount", amount);
    return new FeatureVectorizer(model).vectorize(record::get);
  }

  private static NumericTransformSpec spec(String impute, Double value, List<Double> clip,
      Boolean log1p, String scale, NumericTransformSpec.BinSpec bins) {
    return new NumericTransformSpec(impute, value, clip, log1p, scale, bins);
  }

  @Test
  void log1pWithRobustScalingCentresOnTheMedianAndDividesByTheInterquartileRange() {
    FeatureModel model = fit(spec(null, null, null, true, "robust", null));
    // ln(1 + x): median (rank 3) ln 3, quartiles (ranks 2 and 5) ln 3 and ln 9, so IQR ln 3.
    double ln3 = Math.log(3);
    assertArrayEquals(new double[] {(Math.log(101) - ln3) / ln3, 0}, vector(model, 100.0),
        TOLERANCE);
    assertArrayEquals(new double[] {0, 1}, vector(model, null), TOLERANCE);
    // Below the training minimum (1) the value is raised to it: no log of a negative number.
    assertArrayEquals(new double[] {(Math.log(2) - ln3) / ln3, 0}, vector(model, -5.0), TOLERANCE);
    assertEquals(List.of("amount", "amount__missing"), model.featureNames());
  }

  @Test
  void aColumnWithNoValueInTrainingIsZeroForEveryRowEvenAValueAtScoring() {
    Dataset<Row> empty = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create((Object) null), RowFactory.create((Object) null)), SCHEMA);

    // Clipped and log1p: an empty column has no bounds to find, and is 0 all the same.
    FeatureModel model = fitEmpty(empty, spec(null, null, List.of(0.05, 0.95), true, null, null));

    assertEquals(List.of(FeatureModel.NumericFeature.withoutValues("amount")), model.numeric());
    assertEquals(model.numeric(), FeatureModel.fromJson(model.toJson(), "test").numeric(),
        "round trip");
    assertTrue(model.numeric().get(0).withoutValuesInTraining());
    assertEquals(List.of("amount"), model.featureNames());
    assertArrayEquals(new double[] {0}, vector(model, null), TOLERANCE);
    // A value that appears later is clipped to the [0, 0] the empty column was fitted to.
    assertArrayEquals(new double[] {0}, vector(model, 3750.0), TOLERANCE);
    assertFalse(fit(spec(null, null, null, null, null, null)).numeric().get(0)
        .withoutValuesInTraining(), "a column with values");
  }

  @Test
  void minMaxScalingWithMeanImputation() {
    FeatureModel model = fit(spec("mean", null, null, null, "minmax", null));
    // Mean of 1, 2, 2, 4, 8, 100 is 19.5; minimum 1, maximum 100.
    assertArrayEquals(new double[] {18.5 / 99, 1}, vector(model, null), TOLERANCE);
    assertArrayEquals(new double[] {7.0 / 99, 0}, vector(model, 8.0), TOLERANCE);
    assertArrayEquals(new double[] {200.0 / 99, 0}, vector(model, 201.0), TOLERANCE);
  }

  @Test
  void clippingAtTrainingQuantilesThenNoScaling() {
    FeatureModel model = fit(spec(null, null, List.of(0.2, 0.8), null, "none", null));
    // Quantile 0.2 is rank 2 (2), quantile 0.8 rank 5 (8); the clipped column 2, 2, 2, 4, 8, 8 has
    // median 2.
    assertEquals(2.0, model.numeric().get(0).clipLower());
    assertEquals(8.0, model.numeric().get(0).clipUpper());
    assertArrayEquals(new double[] {8, 0}, vector(model, 100.0), TOLERANCE);
    assertArrayEquals(new double[] {2, 0}, vector(model, -3.0), TOLERANCE);
    assertArrayEquals(new double[] {5, 0}, vector(model, 5.0), TOLERANCE);
    assertArrayEquals(new double[] {2, 1}, vector(model, null), TOLERANCE);
  }

  @Test
  void quantileBinsMergeRepeatedCutPoints() {
    FeatureModel model = fit(spec(null, null, null, null, null,
        new NumericTransformSpec.BinSpec(4, null, null)));
    // Quartiles 2, 2, 8 merge to the cut points 2 and 8: three bins.
    assertEquals(List.of(2.0, 8.0), model.numeric().get(0).binEdges());
    assertEquals(List.of("amount<2.0", "amount[2.0,8.0)", "amount>=8.0", "amount__missing"),
        model.featureNames());
    assertArrayEquals(new double[] {1, 0, 0, 0}, vector(model, 1.0));
    assertArrayEquals(new double[] {0, 1, 0, 0}, vector(model, 2.0));
    assertArrayEquals(new double[] {0, 1, 0, 0}, vector(model, 4.0));
    assertArrayEquals(new double[] {0, 0, 1, 0}, vector(model, 100.0));
    // Missing: the median (2) is in the middle bin, and the indicator is set.
    assertArrayEquals(new double[] {0, 1, 0, 1}, vector(model, null));
  }

  @Test
  void uniformAndExplicitBins() {
    FeatureModel uniform = fit(spec(null, null, null, null, null,
        new NumericTransformSpec.BinSpec(null, 3, null)));
    assertEquals(List.of(34.0, 67.0), uniform.numeric().get(0).binEdges());
    assertArrayEquals(new double[] {0, 1, 0, 0}, vector(uniform, 34.0));
    FeatureModel explicit = fit(spec(null, null, null, null, null,
        new NumericTransformSpec.BinSpec(null, null, List.of(5.0))));
    assertArrayEquals(new double[] {1, 0, 0}, vector(explicit, 4.99));
    assertArrayEquals(new double[] {0, 1, 0}, vector(explicit, 5.0));
  }

  @Test
  void modeAndConstantImputation() {
    FeatureModel mode = fit(spec("mode", null, null, null, "none", null));
    assertEquals(2.0, mode.numeric().get(0).imputedValue());
    // A constant is given in the column's units and transformed like a value: 0 is raised to the
    // training minimum 1 before log1p.
    FeatureModel constant = fit(spec("constant", 0.0, null, true, "none", null));
    assertEquals(Math.log(2), constant.numeric().get(0).imputedValue(), TOLERANCE);
  }

  @Test
  void sparkTransformAndPlainVectorizerAgree() {
    FeatureModel model = fit(spec(null, null, List.of(0.1, 0.9), true, "robust", null));
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    for (Row row : new FeatureTransform(model).transform(train()).collectAsList()) {
      List<Double> fromSpark = row.getList(row.fieldIndex(FeatureTransform.FEATURES));
      double[] direct = vectorizer.vectorize(c -> row.getAs(c));
      assertArrayEquals(direct, fromSpark.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  @Test
  void log1pOfValuesAtOrBelowMinusOneIsAnError() {
    Dataset<Row> negative = train().selectExpr("amount - 50 AS amount");
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> fit(negative, spec(null, null, null, true, null, null)));
    assertEquals("features.numeric_transforms.amount.log1p: needs values above -1, but the training "
        + "minimum is -49.0; clip the column or drop log1p", error.getMessage());
  }

  @Test
  void binningAConstantColumnIsAnError() {
    Dataset<Row> constant = train().selectExpr("7.0 AS amount");
    DeeplineException error = assertThrows(DeeplineException.class, () -> fit(constant,
        spec(null, null, null, null, null, new NumericTransformSpec.BinSpec(null, 4, null))));
    assertTrue(error.getMessage().startsWith("features.numeric_transforms.amount.bins: every "
        + "training value is 7.0"), error.getMessage());
  }

  @Test
  void absurdTransformsAreConfigErrorsByPath() {
    ConfigErrors errors = new ConfigErrors().at("features");
    new FeatureConfig(List.of("amount"), null, null, null, null, null, Map.of(
        "amount", spec("constant", null, List.of(0.9, 0.1), null, "robust",
            new NumericTransformSpec.BinSpec(3, 4, null)),
        "tenure", spec("sometimes", null, null, null, "zscore", null)), null, null, null)
        .validate(errors, Map.of("amount", new org.deepline.etl.ColumnSpec("amount", "double",
            null, null, null, null, null)), null);
    assertEquals(List.of(
        "features.numeric_transforms.amount.impute_value: a finite number is required with impute: "
            + "constant",
        "features.numeric_transforms.amount.clip: must be two quantiles [lower, upper] with 0 <= "
            + "lower < upper <= 1, got [0.9, 0.1]",
        "features.numeric_transforms.amount.scale: bins replace scaling; set one of scale and bins",
        "features.numeric_transforms.amount.bins: set exactly one of quantiles, uniform and edges",
        "features.numeric_transforms.tenure: tenure is not listed under features.numeric",
        "features.numeric_transforms.tenure.impute: must be one of [median, mean, mode, constant], "
            + "got sometimes",
        "features.numeric_transforms.tenure.scale: must be one of [standard, minmax, robust, none], "
            + "got zscore"), errors.messages());
  }

  @Test
  void artifactsOfFormatTwoReadAsMedianImputedAndStandardised() {
    String formatTwo = """
        {"format_version": 2, "fitted_on": null, "numeric": [{"name": "amount", "median": 2.0,
          "mean": 3.0, "stddev": 2.0, "missing_indicator": false}],
         "categorical": [], "crosses": [], "datetime": []}""";
    FeatureModel model = FeatureModel.fromJson(formatTwo, "model.json");
    assertArrayEquals(new double[] {-0.5}, vector(model, null), TOLERANCE);
    assertArrayEquals(new double[] {2.5}, vector(model, 8.0), TOLERANCE);
    FeatureModel fitted = fit(spec("mean", null, List.of(0.0, 0.9), true, "minmax", null));
    assertEquals(fitted, FeatureModel.fromJson(fitted.toJson(), "model.json"));
    assertFalse(fitted.toJson().contains("\"binned\""), fitted.toJson());
  }
}
