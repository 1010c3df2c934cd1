package org.deepline.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.ConfigErrors;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.Test;

class BaselineLadderTest {
  /**
   * Three rungs in an order other than the one fits start in (costliest first), one of them the
   * logistic regression's three-point grid: five fits.
   */
  private static final BaselineConfig SHARED = new BaselineConfig(true,
      List.of("majority", "one_rule", "logistic_regression"), null, false);
  private static final StructType SCHEMA = new StructType()
      .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("_label", DataTypes.DoubleType, false);

  /**
   * Rows whose label is 1 when the second input is positive, flipped for one row in ten; the first
   * input is noise and the third a one-hot slot that is always 0.
   */
  private static Dataset<Row> rows(int count, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double signal = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(5));
      boolean flipped = i % 10 == 0;
      rows.add(RowFactory.create(List.of(random.nextGaussian(), signal, 0.0),
          signal > 0 != flipped ? 1.0 : 0.0));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  @Test
  void everyRungIsJudgedOnTheSameValidationRows() {
    List<BaselineLadder.Result> ladder = BaselineLadder.run(rows(80, 1), rows(40, 2), "features",
        "_label", 80, BaselineConfig.defaults(), 42L);
    Map<String, BaselineLadder.Result> byModel = ladder.stream()
        .collect(Collectors.toMap(BaselineLadder.Result::model, Function.identity()));

    assertEquals(BaselineLadder.MODELS, ladder.stream().map(BaselineLadder.Result::model).toList());
    // The majority rung gives every row the same probability: all ties, ROC AUC one half.
    assertEquals(0.5, byModel.get("majority").validationRocAuc());
    // The label is one threshold on one input, with 4 of the 40 validation labels flipped: every
    // other rung finds the threshold, and the flipped rows cost each of them the same pairs.
    for (String model : List.of("one_rule", "logistic_regression", "gbt", "random_forest")) {
      assertTrue(byModel.get(model).validationRocAuc() > 0.8, model + " " + byModel.get(model));
    }
    assertTrue(byModel.get("logistic_regression").settings().startsWith("reg_param="));
    assertTrue(!BaselineLadder.best(ladder).orElseThrow().model().equals("majority"));
  }

  @Test
  void theOneRuleRanksRowsWhenBothSidesOfItsSplitAreMostlyNegative() {
    // A positive second input makes the label 1 in 4 rows of 10, a negative one in 1 of 20: both
    // sides predict the negative class, which made MLlib's classification stump prune itself to one
    // leaf (ROC AUC 0.5 on flights-3m).
    Random random = new Random(4);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double signal = random.nextBoolean() ? 1 : -1;
      boolean positive = random.nextDouble() < (signal > 0 ? 0.4 : 0.05);
      rows.add(RowFactory.create(List.of(random.nextGaussian(), signal, 0.0), positive ? 1.0 : 0.0));
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, SCHEMA);
    BaselineConfig oneRule = new BaselineConfig(true, List.of("one_rule"), null, false);
    BaselineLadder.Result stump = BaselineLadder.run(data, data, "features", "_label", 400,
        oneRule, 42L).get(0);
    assertTrue(stump.validationRocAuc() > 0.7, stump.toString());
  }

  @Test
  void theSampleCapsTheRowsTheLadderFitsOn() {
    BaselineConfig config = new BaselineConfig(true, List.of("majority"), 10L, false);
    // 10 of 1,000 rows: the sampled positive rate moves, the validation set does not.
    List<BaselineLadder.Result> ladder = BaselineLadder.run(rows(1000, 3), rows(40, 2), "features",
        "_label", 1000, config, 42L);
    assertEquals(1, ladder.size());
    assertEquals(0.5, ladder.get(0).validationRocAuc());
  }

  @Test
  void absurdSettingsAreConfigErrorsByPath() {
    ConfigErrors errors = new ConfigErrors().at("baselines");
    new BaselineConfig(false, List.of("svm"), 0L, true).validate(errors);
    assertEquals(List.of(
        "baselines.models[0]: must be one of [majority, one_rule, logistic_regression, gbt, "
            + "random_forest], got svm",
        "baselines.max_rows: must be > 0, got 0",
        "baselines.require_network_wins: needs the ladder: enabled is false"), errors.messages());
    for (int absurd : new int[] {-1, 1_000_001}) {
      ConfigErrors driver = new ConfigErrors().at("baselines");
      new BaselineConfig(null, null, null, null, null, null, absurd).validate(driver);
      assertEquals(List.of("baselines.driver_max_rows: must be >= 0 and <= 1000000, got "
          + absurd), driver.messages());
    }
    ConfigErrors empty = new ConfigErrors().at("baselines");
    new BaselineConfig(true, List.of(), null, null).validate(empty);
    assertEquals(List.of("baselines.models: name at least one baseline, or set enabled to false"),
        empty.messages());
  }

  @Test
  void fitsRunOnOtherThreadsGiveTheLadderOneThreadGives() throws Exception {
    List<BaselineLadder.Result> alone = BaselineLadder.run(rows(80, 1), rows(40, 2), "features",
        "_label", 80, SHARED, 42L);
    // Every fit on another thread, then collected here; then two threads taking fits at once.
    assertSameLadder(alone, sharedLadder(true));
    assertSameLadder(alone, sharedLadder(false));
  }

  private static List<BaselineLadder.Result> sharedLadder(boolean helperFirst) throws Exception {
    try (BaselineLadder.Fits fits = BaselineLadder.prepare(rows(80, 1), rows(40, 2), "features",
        "_label", 80, SHARED, 42L)) {
      Thread helper = new Thread(fits::work);
      helper.start();
      try {
        if (helperFirst) {
          helper.join();
        }
        return fits.results().stream().map(BaselineLadder.Fitted::result).toList();
      } finally {
        helper.join();
      }
    }
  }

  /**
   * Every fit is seeded and sees the same rows, whichever thread runs it; results come back in
   * config order, and the logistic regression's grid point is chosen the same way.
   */
  private static void assertSameLadder(List<BaselineLadder.Result> expected,
      List<BaselineLadder.Result> actual) {
    assertEquals(expected.stream().map(BaselineLadder.Result::model).toList(),
        actual.stream().map(BaselineLadder.Result::model).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).settings(), actual.get(i).settings());
      assertEquals(expected.get(i).validationRocAuc(), actual.get(i).validationRocAuc());
      assertEquals(expected.get(i).validationLogLoss(), actual.get(i).validationLogLoss(), 1e-12);
    }
  }

  @Test
  void closedFitsStartNoMoreFits() {
    BaselineLadder.Fits fits = BaselineLadder.prepare(rows(80, 1), rows(40, 2), "features",
        "_label", 80, BaselineConfig.defaults(), 42L);
    fits.close();
    // A thread arriving after close finds nothing to run; results were dropped, not computed.
    fits.work();
    assertThrows(java.util.concurrent.CancellationException.class, fits::results);
  }
}
