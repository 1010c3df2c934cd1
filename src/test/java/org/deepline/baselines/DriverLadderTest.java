package org.deepline.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.metrics.ScoredLabels;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ladder's driver fits against MLlib's on the same rows: the logistic regression reaches MLlib's
 * optimum, the trees rank the validation rows as well as MLlib's, and the ladder takes the driver
 * only where it should.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriverLadderTest {
  private static final int TRAIN_ROWS = 1200;
  private static final int VALIDATION_ROWS = 600;
  private static final StructType SCHEMA = new StructType()
      .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("_label", DataTypes.DoubleType, false);
  private Dataset<Row> train;
  private Dataset<Row> validation;
  private LocalRows trainRows;
  private LocalRows validationRows;
  private Map<String, BaselineLadder.Result> driver;
  private Map<String, BaselineLadder.Result> mllib;
  private List<BaselineLadder.Fitted> driverFits;
  private List<BaselineLadder.Fitted> mllibFits;

  /**
   * Two Gaussian inputs (a linear signal and an interaction), a 3-level one-hot input, a skewed
   * positive input with many distinct values, a constant input, and noise: the shapes deepline's
   * feature vectors have.
   */
  private static Dataset<Row> rows(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      int level = random.nextInt(3);
      double skewed = Math.exp(random.nextGaussian());
      double logit = 0.9 * a + 0.8 * a * b - 0.7 * (level == 2 ? 1 : 0) + 0.3 * Math.log(skewed)
          - 0.6;
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(List.of(a, b, level == 0 ? 1.0 : 0.0, level == 1 ? 1.0 : 0.0,
          level == 2 ? 1.0 : 0.0, skewed, 1.0, random.nextGaussian()), label));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  @BeforeAll
  void fitBothLadders() {
    train = rows(TRAIN_ROWS, 11).cache();
    validation = rows(VALIDATION_ROWS, 12).cache();
    trainRows = LocalRows.collect(train, "features", "_label", TRAIN_ROWS, Long.MAX_VALUE);
    validationRows = LocalRows.collect(validation, "features", "_label", VALIDATION_ROWS,
        Long.MAX_VALUE);
    try (BaselineLadder.Fits fits = BaselineLadder.prepare(train, validation, "features",
        "_label", TRAIN_ROWS, BaselineConfig.defaults(), 42L)) {
      driverFits = fits.results();
      assertTrue(fits.onDriver(), "1,200 rows are far below driver_max_rows' default");
    }
    driver = byModel(driverFits.stream().map(BaselineLadder.Fitted::result).toList());
    BaselineConfig inMllib = new BaselineConfig(null, null, null, null, null, null, 0);
    try (BaselineLadder.Fits fits = BaselineLadder.prepare(train, validation, "features",
        "_label", TRAIN_ROWS, inMllib, 42L)) {
      mllibFits = fits.results();
      mllib = byModel(mllibFits.stream().map(BaselineLadder.Fitted::result).toList());
      assertTrue(!fits.onDriver(), "driver_max_rows 0 keeps every fit in MLlib");
    }
  }

  private static Map<String, BaselineLadder.Result> byModel(List<BaselineLadder.Result> ladder) {
    return ladder.stream().collect(Collectors.toMap(BaselineLadder.Result::model,
        Function.identity()));
  }

  @Test
  void theLogisticRegressionReachesMllibsOptimumOfTheSameObjective() {
    Dataset<Row> vectors = SparkTestSession.get().createDataFrame(train.collectAsList().stream()
        .map(row -> RowFactory.create(Vectors.dense(row.getList(0).stream()
            .mapToDouble(value -> (Double) value).toArray()), row.getDouble(1)))
        .toList(), new StructType().add("v", new VectorUDT()).add("y", DataTypes.DoubleType));
    for (double regParam : List.of(1e-4, 1e-2, 1e-1)) {
      // MLlib run to convergence: both minimise the same function, so they meet at its optimum.
      LogisticRegressionModel reference = new LogisticRegression().setFeaturesCol("v")
          .setLabelCol("y").setRegParam(regParam).setMaxIter(1000).setTol(1e-12).fit(vectors);
      LinearModel fitted = NewtonLogistic.fit(trainRows, regParam);
      double[] expected = reference.coefficients().toArray();
      for (int j = 0; j < expected.length; j++) {
        assertEquals(expected[j], fitted.coefficients().get(j), 2e-4,
            "reg_param " + regParam + ", coefficient " + j);
      }
      assertEquals(reference.intercept(), fitted.intercept(), 2e-4, "reg_param " + regParam);
      // The constant input has no spread: MLlib gives it no weight, and neither does Newton.
      assertEquals(0.0, fitted.coefficients().get(6));
    }
  }

  /** Broken fixture: the penalty on the raw coefficients instead of the standardised ones. */
  @Test
  void aPenaltyOnTheRawScaleIsAnotherModel() {
    double regParam = 0.1;
    LinearModel standardised = NewtonLogistic.fit(trainRows, regParam);
    // Inputs scaled by their spread turn the standardised penalty into a raw one on this copy.
    double[] std = NewtonLogistic.standardDeviations(trainRows);
    double[][] scaled = new double[trainRows.size()][];
    for (int r = 0; r < scaled.length; r++) {
      scaled[r] = trainRows.features()[r].clone();
      for (int j = 0; j < std.length; j++) {
        scaled[r][j] = std[j] > 0 ? scaled[r][j] / std[j] : scaled[r][j];
      }
    }
    LinearModel onScaled = NewtonLogistic.fit(new LocalRows(scaled, trainRows.labels()), regParam);
    // The same model on the scaled inputs: each coefficient times its input's spread.
    for (int j = 0; j < std.length; j++) {
      assertEquals(standardised.coefficients().get(j) * std[j], onScaled.coefficients().get(j),
          1e-6, "coefficient " + j);
    }
    assertTrue(Math.abs(standardised.coefficients().get(5) - onScaled.coefficients().get(5))
        > 0.01, "the skewed input's raw and standardised coefficients differ");
  }

  @Test
  void eachDriverRungRanksTheValidationRowsAsMllibsDoes() {
    assertEquals(BaselineLadder.MODELS, driverFits.stream().map(f -> f.result().model()).toList());
    assertEquals(0.5, driver.get("majority").validationRocAuc());
    assertEquals(mllib.get("majority").validationLogLoss(),
        driver.get("majority").validationLogLoss(), 1e-6);
    assertEquals(mllib.get("logistic_regression").settings(),
        driver.get("logistic_regression").settings());
    assertEquals(mllib.get("logistic_regression").validationRocAuc(),
        driver.get("logistic_regression").validationRocAuc(), 1e-3);
    // The same candidate splits where an input has few values; quantiles may differ elsewhere.
    assertEquals(mllib.get("one_rule").validationRocAuc(),
        driver.get("one_rule").validationRocAuc(), 0.01);
    for (String trees : List.of("gbt", "random_forest")) {
      double gap = driver.get(trees).validationRocAuc() - mllib.get(trees).validationRocAuc();
      assertTrue(Math.abs(gap) < 0.015, trees + ": driver " + driver.get(trees) + ", MLlib "
          + mllib.get(trees));
    }
    // The trees find the interaction a single split cannot.
    assertTrue(driver.get("gbt").validationRocAuc() > driver.get("one_rule").validationRocAuc()
        + 0.03, driver.toString());
  }

  @Test
  void thePromotableRungsComeBackInTheirSparkFreeForm() {
    for (BaselineLadder.Fitted fit : driverFits) {
      switch (fit.result().model()) {
        case "logistic_regression" -> assertInstanceOf(LinearModel.class, fit.model());
        case "gbt" -> {
          BoostedTrees trees = assertInstanceOf(BoostedTrees.class, fit.model());
          assertEquals(20, trees.trees().size());
          assertEquals(1.0, trees.trees().get(0).weight());
          assertEquals(TreeLearner.BOOSTING_STEP, trees.trees().get(19).weight());
        }
        default -> assertNull(fit.model(), fit.result().model());
      }
      // The validation scores are the saved model's own.
      if (fit.model() != null) {
        float[] expected = new float[validationRows.size()];
        for (int r = 0; r < expected.length; r++) {
          expected[r] = (float) fit.model().probability(validationRows.features()[r]);
        }
        ScoredLabels scores = fit.validation();
        assertEquals(expected.length, scores.count());
        for (int r = 0; r < expected.length; r++) {
          assertEquals(expected[r], scores.probability(r), fit.result().model() + " row " + r);
          assertEquals(validationRows.labels()[r], scores.label(r));
        }
      }
    }
  }

  @Test
  void candidateThresholdsAreMidpointsOrEqualCountCuts() {
    assertArrayEquals(new double[] {0.5}, TreeLearner.candidateThresholds(
        new double[] {1, 0, 0, 1, 1}));
    assertArrayEquals(new double[] {1.5, 2.5}, TreeLearner.candidateThresholds(
        new double[] {3, 1, 2, 2}));
    assertArrayEquals(new double[0], TreeLearner.candidateThresholds(new double[] {4, 4, 4}));
    double[] many = new double[1000];
    for (int i = 0; i < many.length; i++) {
      many[i] = i;
    }
    double[] cuts = TreeLearner.candidateThresholds(many);
    assertEquals(TreeLearner.MAX_BINS - 1, cuts.length);
    // About 1000 / 32 rows between cuts: 31.25 rounded up to the next distinct value.
    assertEquals(31.5, cuts[0]);
    assertEquals(62.5, cuts[1]);
    assertEquals(968.5, cuts[30]);
  }

  @Test
  void tooManyRowsStayInSpark() {
    assertNull(LocalRows.collect(train, "features", "_label", TRAIN_ROWS - 1, Long.MAX_VALUE));
    assertEquals(TRAIN_ROWS, LocalRows.collect(train, "features", "_label", TRAIN_ROWS,
        Long.MAX_VALUE).size());
    // 8 values a row: the value limit caps the rows too, before any row is collected whole.
    assertNull(LocalRows.collect(train, "features", "_label", TRAIN_ROWS, 8L * TRAIN_ROWS - 1));
    assertEquals(TRAIN_ROWS, LocalRows.collect(train, "features", "_label", TRAIN_ROWS,
        8L * TRAIN_ROWS).size());
    assertEquals(0, LocalRows.collect(train.limit(0), "features", "_label", TRAIN_ROWS,
        Long.MAX_VALUE).size());
    BaselineConfig tight = new BaselineConfig(null, List.of("majority"), null, null, null, null,
        TRAIN_ROWS - 1);
    try (BaselineLadder.Fits fits = BaselineLadder.prepare(train, validation, "features",
        "_label", TRAIN_ROWS, tight, 42L)) {
      assertTrue(!fits.onDriver(), "one row over driver_max_rows goes to MLlib");
      assertEquals(mllib.get("majority").settings(), fits.results().get(0).result().settings());
    }
    BaselineConfig wideEnough = new BaselineConfig(null, List.of("majority"), null, null, null,
        null, TRAIN_ROWS);
    try (BaselineLadder.Fits fits = BaselineLadder.prepare(train, validation, "features",
        "_label", TRAIN_ROWS, wideEnough, 42L)) {
      assertTrue(fits.onDriver());
    }
  }

  @Test
  void theStacksTreesAreTheLaddersOnSmallDataAndMllibsOtherwise() {
    BoostedTrees onDriver = BaselineLadder.fitGbt(train, "features", "_label", 42L,
        BaselineConfig.DEFAULT_DRIVER_MAX_ROWS);
    assertEquals(gbt(driverFits), onDriver);
    BoostedTrees inMllib = BaselineLadder.fitGbt(train, "features", "_label", 42L, 0);
    assertEquals(gbt(mllibFits), inMllib);
    assertTrue(!inMllib.equals(onDriver), "MLlib's candidate thresholds are not all the driver's");
  }

  private static SparkFreeModel gbt(List<BaselineLadder.Fitted> ladder) {
    return ladder.stream().filter(fit -> fit.result().model().equals("gbt")).findFirst()
        .orElseThrow().model();
  }

  /**
   * Where every input has at most 32 distinct values both learners take the same candidate
   * thresholds, so the boosted trees must be MLlib's, split for split: the residuals, weights and
   * leaf values are checked exactly, not by a ranking.
   */
  @Test
  void onFewValuedInputsTheBoostedTreesAreMllibsSplitForSplit() {
    Random random = new Random(5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int level = random.nextInt(4);
      double count = random.nextInt(12);
      double logit = 0.3 * count - 1.5 + (level == 1 ? 1.2 : 0) - (level == 3 ? 0.8 : 0);
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(List.of(count, level == 1 ? 1.0 : 0.0, level == 3 ? 1.0 : 0.0,
          (double) random.nextInt(3)), label));
    }
    Dataset<Row> discrete = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    BoostedTrees onDriver = BaselineLadder.fitGbt(discrete, "features", "_label", 42L,
        BaselineConfig.DEFAULT_DRIVER_MAX_ROWS);
    BoostedTrees mllibTrees = BoostedTrees.fromMllib(BaselineLadder.fitMllibGbt(discrete,
        "features", "_label", 42L));
    assertEquals(mllibTrees.trees().size(), onDriver.trees().size());
    for (int t = 0; t < onDriver.trees().size(); t++) {
      BoostedTrees.Tree expected = mllibTrees.trees().get(t);
      BoostedTrees.Tree actual = onDriver.trees().get(t);
      assertEquals(expected.weight(), actual.weight(), "tree " + t);
      assertEquals(expected.nodes().size(), actual.nodes().size(), "tree " + t + "'s nodes");
      for (int n = 0; n < expected.nodes().size(); n++) {
        BoostedTrees.TreeNode want = expected.nodes().get(n);
        BoostedTrees.TreeNode got = actual.nodes().get(n);
        assertEquals(want.feature(), got.feature(), "tree " + t + " node " + n);
        assertEquals(want.threshold(), got.threshold(), 1e-12, "tree " + t + " node " + n);
        assertEquals(want.value(), got.value(), 1e-9, "tree " + t + " node " + n);
      }
    }
  }

  /** A bootstrap that draws no row leaves no tree behind, not a NaN probability. */
  @Test
  void aForestOnAHandfulOfRowsPredictsNumbers() {
    LocalRows two = new LocalRows(new double[][] {{0.0}, {1.0}}, new byte[] {0, 1});
    for (long seed = 0; seed < 50; seed++) {
      List<BoostedTrees.Tree> forest = new TreeLearner(two).forest(20, 6, seed);
      double probability = TreeLearner.forestProbability(forest, new double[] {1.0});
      assertTrue(probability >= 0 && probability <= 1, "seed " + seed + ": " + probability);
    }
  }
}
