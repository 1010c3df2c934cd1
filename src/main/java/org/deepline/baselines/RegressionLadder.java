package org.deepline.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.RandomForestRegressor;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.metrics.RegressionScores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baselines of a regression label, fitted on the network's training rows and judged on its
 * validation rows, each as {@link RegressionScores} of the validation rows, in this order:
 *
 * <ul>
 *   <li>{@value #MEAN}: the training rows' mean label for every row (R² about 0: what a network
 *       that learned nothing but the mean scores);</li>
 *   <li>{@value #LINEAR_REGRESSION}: MLlib's least squares with an L2 penalty on standardised
 *       inputs, its strength picked on validation RMSE from {@link #REGULARISATION_GRID};</li>
 *   <li>{@value BaselineLadder#GBT}: MLlib's gradient-boosted regression trees;</li>
 *   <li>{@value BaselineLadder#RANDOM_FOREST}: MLlib's random forest of regression trees.</li>
 * </ul>
 *
 * <p>{@code baselines.models} names the binary ladder's rungs ({@link BaselineLadder#MODELS}); each
 * regression rung runs when its binary counterpart is listed ({@link #SWITCHED_ON_BY}: the
 * majority rung, which predicts the training positive rate, is the mean of a 0/1 label; the
 * logistic regression is the linear model). {@value BaselineLadder#ONE_RULE} has no regression rung
 * and is skipped, as the multi-class ladder skips the rungs it lacks. The training rows are sampled
 * to {@code baselines.max_rows} and made into MLlib's vectors as the binary ladder does
 * ({@link BaselineLadder#sampled}, {@link BaselineLadder#vectors}); every rung is fitted in MLlib
 * ({@code baselines.driver_max_rows} is the binary ladder's). Whether the ladder runs at all
 * ({@code baselines.enabled}) is the caller's to decide.
 *
 * <pre>{@code
 * List<RegressionLadder.Rung> rungs = RegressionLadder.fit(train, trainRows, validation,
 *     "features", "_label", config, seed);
 * double best = rungs.stream().mapToDouble(r -> r.validation().rmse()).min().orElse(Double.NaN);
 * }</pre>
 */
public final class RegressionLadder {
  private static final Logger LOG = LoggerFactory.getLogger(RegressionLadder.class);
  public static final String MEAN = "mean";
  public static final String LINEAR_REGRESSION = "linear_regression";
  /** The rungs, in the order {@link #fit} answers them. */
  public static final List<String> RUNGS = List.of(MEAN, LINEAR_REGRESSION, BaselineLadder.GBT,
      BaselineLadder.RANDOM_FOREST);
  /** The {@code baselines.models} name that switches each rung on. */
  public static final Map<String, String> SWITCHED_ON_BY = Map.of(
      MEAN, BaselineLadder.MAJORITY,
      LINEAR_REGRESSION, BaselineLadder.LOGISTIC_REGRESSION,
      BaselineLadder.GBT, BaselineLadder.GBT,
      BaselineLadder.RANDOM_FOREST, BaselineLadder.RANDOM_FOREST);
  /**
   * L2 strengths tried for the linear regression, from almost none (least squares) to strong: a
   * small fixed budget, as the binary ladder's grid, since a baseline is a reference point. None at
   * all (0) is left out: then MLlib's normal equations are singular whenever an input is constant
   * in the sample (a one-hot slot never set) and it refits by L-BFGS: the test's grid took 16 s
   * with 0 and 9 s with 1e-4, which solves them directly, for the same pick (1e-3).
   */
  static final List<Double> REGULARISATION_GRID = List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0);
  /**
   * L-BFGS iterations of the linear regression, MLlib's default; up to 4,096 inputs MLlib solves
   * the normal equations exactly in one pass instead, and this does not apply.
   */
  static final int LINEAR_ITERATIONS = 100;
  /**
   * Boosting rounds: at MLlib's step of 0.1 each round takes a tenth of what its tree finds in the
   * residual, so 50 leave about 0.9^50, half a percent, of it where the binary ladder's 20 leave
   * 12 %; a number has no 0/1 ceiling to stop at. The rung's fit is the ladder's longest (25 s of
   * the test's 40 s).
   */
  public static final int GBT_ITERATIONS = 50;
  /** One level deeper than the binary ladder's trees: interactions of up to five inputs. */
  public static final int GBT_DEPTH = 5;
  /** Trees of the forest and their depth, as the multi-class ladder's forest. */
  static final int FOREST_TREES = 50;
  static final int FOREST_DEPTH = 8;
  /**
   * Every input is a candidate at every split, scikit-learn's default for a regression forest
   * ({@code max_features=1.0}); MLlib's default for regression, a third of them, left the forest
   * at R² 0.67 on a plane of two inputs beside a one-hot slot that is always 0, where the boosted
   * trees reached 0.94.
   */
  static final String FOREST_FEATURES = "all";
  /** MLlib's output column of a rung's predictions. */
  private static final String PREDICTION = "_baseline_prediction";
  private static final double NANOS_PER_SECOND = 1e9;

  private RegressionLadder() {}

  /**
   * One baseline's validation scores and how long its fit took.
   *
   * @param model      one of {@link #RUNGS}
   * @param fitSeconds the wall time of the rung's fits on the training rows, scoring excluded; for
   *                   {@value #LINEAR_REGRESSION} the sum over its {@link #REGULARISATION_GRID},
   *                   what the rung cost whichever strength won
   */
  public record Rung(String model, RegressionScores validation, double fitSeconds) {}

  /**
   * The rungs {@code config.models()} switches on ({@link #SWITCHED_ON_BY}), in the order of
   * {@link #RUNGS}, fitted on {@code train} ({@code trainRows} of them, sampled down to
   * {@code baselines.max_rows} as the binary ladder samples) and judged on every row of
   * {@code validation}; both have the dense {@code featuresColumn} array and the number
   * {@code labelColumn}. Empty when no listed model has a regression rung.
   *
   * @throws DeeplineException before any fit when the rows the ladder fits on or the validation
   *     rows are none ({@link Failure#INPUT}), or a label among them is null, NaN or infinite
   *     ({@link Failure#DATA_QUALITY}); the message names the rows and the label column
   */
  public static List<Rung> fit(Dataset<Row> train, long trainRows, Dataset<Row> validation,
      String featuresColumn, String labelColumn, BaselineConfig config, long seed) {
    List<String> skipped = config.models().stream()
        .filter(model -> !SWITCHED_ON_BY.containsValue(model)).toList();
    if (!skipped.isEmpty()) {
      LOG.info("regression baselines: {} ha{} no regression rung; skipped", skipped,
          skipped.size() == 1 ? "s" : "ve");
    }
    Dataset<Row> fitRows = BaselineLadder.vectors(BaselineLadder.sampled(train, trainRows, config,
        seed), featuresColumn, labelColumn).cache();
    Dataset<Row> judged = BaselineLadder.vectors(validation, featuresColumn, labelColumn).cache();
    try {
      // Before any fit's clock starts: reading the rows into the cache is the ladder's cost.
      requireFiniteLabels(fitRows, "training rows the ladder fits on (of " + trainRows
          + ", baselines.max_rows " + config.maxRows() + ")", labelColumn);
      requireFiniteLabels(judged, "validation rows", labelColumn);
      List<Rung> rungs = new ArrayList<>();
      for (String rung : RUNGS) {
        if (config.models().contains(SWITCHED_ON_BY.get(rung))) {
          rungs.add(logged(fitted(rung, fitRows, judged, seed)));
        }
      }
      return rungs;
    } finally {
      fitRows.unpersist();
      judged.unpersist();
    }
  }

  private static Rung fitted(String rung, Dataset<Row> train, Dataset<Row> validation,
      long seed) {
    return switch (rung) {
      case MEAN -> mean(train, validation);
      case LINEAR_REGRESSION -> linear(train, validation);
      case BaselineLadder.GBT -> predictor(rung, gbt(seed), train, validation);
      case BaselineLadder.RANDOM_FOREST -> predictor(rung, new RandomForestRegressor()
          .setNumTrees(FOREST_TREES).setFeatureSubsetStrategy(FOREST_FEATURES)
          .setMaxDepth(FOREST_DEPTH).setSeed(seed), train, validation);
      default -> throw new IllegalArgumentException("unknown regression baseline " + rung);
    };
  }

  /**
   * Fails when {@code rows} are none or a label among them is not a finite number: MLlib would fit
   * on a null label as on a missing one, or fail deep inside a job, and R² of no rows is nothing.
   */
  private static void requireFiniteLabels(Dataset<Row> rows, String what, String labelColumn) {
    Column label = functions.col(BaselineLadder.TARGET);
    Column notFinite = label.isNull().or(functions.isnan(label))
        .or(functions.abs(label).equalTo(Double.POSITIVE_INFINITY));
    Row counts = rows.agg(functions.count(functions.lit(1)),
        functions.count(functions.when(notFinite, true))).head();
    long total = counts.getLong(0);
    long broken = counts.getLong(1);
    if (total == 0) {
      throw new DeeplineException(Failure.INPUT, "regression baselines: 0 " + what
          + "; the ladder needs at least one");
    }
    if (broken > 0) {
      throw new DeeplineException(Failure.DATA_QUALITY, String.format(Locale.ROOT,
          "regression baselines: %d of %d %s have a null, NaN or infinite label (%s); a "
              + "regression label must be a finite number", broken, total, what, labelColumn));
    }
  }

  /** Every validation row predicted as the training rows' mean label. */
  private static Rung mean(Dataset<Row> train, Dataset<Row> validation) {
    long started = System.nanoTime();
    double mean = train.agg(functions.avg(BaselineLadder.TARGET)).head().getDouble(0);
    double seconds = (System.nanoTime() - started) / NANOS_PER_SECOND;
    // Validation splits are at most a few hundred thousand rows: their labels fit on the driver.
    double[] labels = validation.select(BaselineLadder.TARGET).collectAsList().stream()
        .mapToDouble(row -> row.getDouble(0)).toArray();
    double[] predictions = new double[labels.length];
    Arrays.fill(predictions, mean);
    return new Rung(MEAN, new RegressionScores(predictions, labels), seconds);
  }

  /** The {@value BaselineLadder#GBT} rung's learner, seeded: what a benchmark compares with too. */
  public static GBTRegressor gbt(long seed) {
    return new GBTRegressor().setMaxIter(GBT_ITERATIONS).setMaxDepth(GBT_DEPTH).setSeed(seed);
  }

  /** The grid's best linear regression on validation RMSE (the weaker penalty on a tie). */
  private static Rung linear(Dataset<Row> train, Dataset<Row> validation) {
    Rung best = null;
    double seconds = 0;
    double bestStrength = Double.NaN;
    for (double strength : REGULARISATION_GRID) {
      Rung candidate = predictor(LINEAR_REGRESSION, new LinearRegression().setRegParam(strength)
          .setElasticNetParam(0.0).setStandardization(true).setMaxIter(LINEAR_ITERATIONS), train,
          validation);
      seconds += candidate.fitSeconds();
      if (best == null || candidate.validation().rmse() < best.validation().rmse()) {
        best = candidate;
        bestStrength = strength;
      }
    }
    LOG.info("regression baseline {}: reg_param={} of {} on validation RMSE", LINEAR_REGRESSION,
        bestStrength, REGULARISATION_GRID);
    return new Rung(LINEAR_REGRESSION, best.validation(), seconds);
  }

  /** Fits {@code learner} on {@code train} and scores every validation row with its prediction. */
  private static <M extends PredictionModel<Vector, M>> Rung predictor(String name,
      Predictor<Vector, ?, M> learner, Dataset<Row> train, Dataset<Row> validation) {
    long started = System.nanoTime();
    M model = learner.setFeaturesCol(BaselineLadder.VECTOR).setLabelCol(BaselineLadder.TARGET)
        .setPredictionCol(PREDICTION).fit(train);
    double seconds = (System.nanoTime() - started) / NANOS_PER_SECOND;
    // Validation splits are at most a few hundred thousand rows: two doubles a row on the driver.
    return new Rung(name, RegressionScores.collect(model.transform(validation), PREDICTION,
        BaselineLadder.TARGET), seconds);
  }

  private static Rung logged(Rung rung) {
    LOG.info("regression baseline {}: validation RMSE {}, R² {}, {} s", rung.model(),
        format(rung.validation().rmse()), format(rung.validation().r2()),
        format(rung.fitSeconds()));
    return rung;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
