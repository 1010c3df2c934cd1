package org.deepline.baselines;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.FutureTask;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressor;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.deepline.core.Futures;
import org.deepline.metrics.ScoredLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;

/**
 * The baseline ladder: simple models trained on the same feature vectors and the same train split
 * as the network, judged on the same validation rows with the same exact metrics, so a network that
 * loses to a logistic regression says so in its own run record.
 *
 * <ul>
 *   <li>{@code majority}: the training positive rate for every row (ROC AUC 0.5; the log loss any
 *       model must beat);</li>
 *   <li>{@code one_rule}: the best single split of a single input (a regression stump on the 0/1
 *       label: each side predicts its training positive rate);</li>
 *   <li>{@code logistic_regression}: its L2 strength picked on validation from
 *       {@link #REGULARISATION_GRID};</li>
 *   <li>{@code gbt}: gradient-boosted trees; {@code random_forest}: a random forest.</li>
 * </ul>
 *
 * <p>On small data (at most {@code baselines.driver_max_rows} training rows and as many validation
 * rows, each side at most {@value #DRIVER_MAX_CELLS} feature values) the rungs are fitted on the driver
 * in plain Java by the same algorithms with the same settings ({@link NewtonLogistic},
 * {@link TreeLearner}): MLlib's fits there are mostly Spark's fixed cost per job, the churn
 * ladder's 16 s of fits against under a second.
 *
 * <pre>{@code
 * List<BaselineLadder.Result> ladder = BaselineLadder.run(train, validation, trainRows,
 *     BaselineConfig.defaults(), 42L);
 * BaselineLadder.best(ladder).ifPresent(b -> log(b.model() + " " + b.validationRocAuc()));
 * }</pre>
 *
 * <p>Picking the regularisation (and the network's best epoch) on validation biases both validation
 * AUCs up a little, alike; the evaluate stage judges on the test split.
 */
public final class BaselineLadder {
  private static final Logger LOG = LoggerFactory.getLogger(BaselineLadder.class);
  public static final String MAJORITY = "majority";
  public static final String ONE_RULE = "one_rule";
  public static final String LOGISTIC_REGRESSION = "logistic_regression";
  public static final String GBT = "gbt";
  public static final String RANDOM_FOREST = "random_forest";
  public static final List<String> MODELS = List.of(MAJORITY, ONE_RULE, LOGISTIC_REGRESSION, GBT,
      RANDOM_FOREST);
  /**
   * The rungs {@code baselines.promote} can register as a model version: each has a plain-Java form
   * ({@link LinearModel}, deepline's boosted-tree JSON) that scores without Spark.
   */
  public static final List<String> PROMOTABLE = List.of(LOGISTIC_REGRESSION, GBT);
  /**
   * L2 strengths tried: from almost none to strong. Baselines are reference points, so each rung
   * gets a small, fixed budget rather than a search (the tuning issue owns searches).
   */
  static final List<Double> REGULARISATION_GRID = List.of(1e-4, 1e-2, 1e-1);
  /**
   * The order fits start in (churn's fit seconds: boosted trees 5, each logistic regression 1-2,
   * forest and stump about 1, majority a fraction), so that the last fit to end is a short one.
   */
  private static final List<String> COSTLIEST_FIRST = List.of(GBT, LOGISTIC_REGRESSION,
      RANDOM_FOREST, ONE_RULE, MAJORITY);
  public static final int LOGISTIC_ITERATIONS = 50;
  /**
   * Convergence tolerance of the logistic regression (MLlib's default is 1e-6). On churn's features
   * 1e-4 took 40, 25 and 13 L-BFGS iterations where 1e-6 took 50 (the cap), 37 and 19, and each
   * grid point's validation ROC AUC moved by less than 3e-5: a baseline's ranking is settled long
   * before its loss is, and every iteration is a Spark job.
   */
  public static final double LOGISTIC_TOLERANCE = 1e-4;
  static final int GBT_ITERATIONS = 20;
  static final int GBT_DEPTH = 4;
  static final int FOREST_TREES = 20;
  static final int FOREST_DEPTH = 6;
  private static final int STUMP_DEPTH = 1;
  private static final String REG_PARAM = "reg_param=";
  /**
   * The ladder fits on the driver only when each side (the training sample, the validation rows)
   * has at most this many feature values too: 40 MB of doubles.
   */
  public static final long DRIVER_MAX_CELLS = 5_000_000L;
  static final String VECTOR = "_baseline_features";
  static final String TARGET = "_baseline_label";
  private static final String PROBABILITY = "_baseline_probability";
  private static final int POSITIVE = 1;
  private static final double NANOS_PER_SECOND = 1e9;

  private BaselineLadder() {}

  /**
   * One baseline's validation metrics.
   *
   * @param settings what was chosen or fixed, e.g. {@code reg_param=0.01}
   */
  public record Result(String model, String settings, double validationRocAuc,
      double validationPrAuc, double validationLogLoss, double fitSeconds) {}

  /**
   * One baseline with what promoting it needs: its Spark-free form (for the
   * {@link #PROMOTABLE} rungs, else null) and its probabilities for the validation rows.
   */
  public record Fitted(Result result, SparkFreeModel model, ScoredLabels validation) {}

  /**
   * Fits the configured baselines.
   *
   * @param train      rows with the {@code featuresColumn} array and the 0/1 {@code labelColumn}
   * @param trainRows  rows in {@code train}, which the caller knows already
   */
  public static List<Result> run(Dataset<Row> train, Dataset<Row> validation, String featuresColumn,
      String labelColumn, long trainRows, BaselineConfig config, long seed) {
    return fitAll(train, validation, featuresColumn, labelColumn, trainRows, config, seed).stream()
        .map(Fitted::result).toList();
  }

  /** As {@link #run}, keeping each baseline's fitted model and validation scores. */
  public static List<Fitted> fitAll(Dataset<Row> train, Dataset<Row> validation,
      String featuresColumn, String labelColumn, long trainRows, BaselineConfig config,
      long seed) {
    try (Fits fits = prepare(train, validation, featuresColumn, labelColumn, trainRows, config,
        seed)) {
      return fits.results();
    }
  }

  /**
   * The configured ladder as separate model fits that any thread may run, none started yet: a rung,
   * or one point of the logistic regression's regularisation grid. {@link Fits#work} runs fits on
   * the calling thread until none is left to start; {@link Fits#results} helps, then waits for the
   * fits other threads are running.
   *
   * <p>Why: on a small data set a fit is mostly Spark's fixed cost per job, paid on the driver
   * thread that submits it. Training runs the ladder on a thread of its own beside the network, and
   * once the network is done the stage's own thread takes the fits still waiting instead of idling.
   *
   * <pre>{@code
   * try (BaselineLadder.Fits fits = BaselineLadder.prepare(train, validation, "features",
   *     "_label", trainRows, config, seed)) {
   *   executor.submit(fits::work);
   *   List<BaselineLadder.Fitted> ladder = fits.results();
   * }
   * }</pre>
   */
  public static Fits prepare(Dataset<Row> train, Dataset<Row> validation, String featuresColumn,
      String labelColumn, long trainRows, BaselineConfig config, long seed) {
    Dataset<Row> sampled = sampled(train, trainRows, config, seed);
    // Not read unless the fits go to MLlib: persisting is lazy.
    Dataset<Row> sample = vectors(sampled, featuresColumn, labelColumn).persist();
    Dataset<Row> held = vectors(validation, featuresColumn, labelColumn).persist();
    DriverRows driverRows = new DriverRows(
        Math.min(trainRows, config.maxRows()) <= config.driverMaxRows() ? sampled : null,
        validation, featuresColumn, labelColumn, config.driverMaxRows());
    try {
      return new Fits(sample, held, driverRows, config.models(), seed);
    } catch (RuntimeException e) {
      sample.unpersist();
      held.unpersist();
      throw e;
    }
  }

  /**
   * Whether the ladder fits on every one of {@code trainRows} training rows rather than a seeded
   * sample of {@code baselines.max_rows}: then its fitted models are fits on the whole training
   * split, which an ensemble may ship as they are.
   */
  /** {@code train}, or past {@code baselines.max_rows} a seeded sample of about that many rows. */
  static Dataset<Row> sampled(Dataset<Row> train, long trainRows, BaselineConfig config,
      long seed) {
    double fraction = Math.min(1.0, config.maxRows() / (double) Math.max(1, trainRows));
    return fitsEveryRow(trainRows, config) ? train : train.sample(false, fraction, seed);
  }

  public static boolean fitsEveryRow(long trainRows, BaselineConfig config) {
    return trainRows <= config.maxRows();
  }

  /**
   * The ladder's rows on the driver, gathered once by the first fit that asks, or null when they
   * are too many (then every fit goes to MLlib).
   */
  private static final class DriverRows {
    private final Dataset<Row> train;
    private final Dataset<Row> validation;
    private final String featuresColumn;
    private final String labelColumn;
    private final int maxRows;
    private boolean gathered;
    private LocalRows trainRows;
    private LocalRows validationRows;
    private TreeLearner learner;

    /** @param train the training sample, or null when it is known to be too large */
    DriverRows(Dataset<Row> train, Dataset<Row> validation, String featuresColumn,
        String labelColumn, int maxRows) {
      this.train = train;
      this.maxRows = maxRows;
      this.validation = validation;
      this.featuresColumn = featuresColumn;
      this.labelColumn = labelColumn;
      this.gathered = train == null;
    }

    /** Whether the fits run on the driver; gathers the rows the first time. */
    synchronized boolean available() {
      if (!gathered) {
        gathered = true;
        long started = System.nanoTime();
        LocalRows fit = collect(train);
        LocalRows judge = fit == null ? null : collect(validation);
        if (fit != null && judge != null) {
          trainRows = fit;
          validationRows = judge;
          LOG.info("baseline ladder: {} training and {} validation rows ({} wide) on the driver "
              + "in {} s", fit.size(), judge.size(), fit.width(),
              format((System.nanoTime() - started) / NANOS_PER_SECOND));
        }
      }
      return trainRows != null;
    }

    /**
     * Whether the logistic regression fits on the driver: Newton's method solves a dense system
     * as wide as the features, which MLlib's L-BFGS avoids.
     */
    boolean logisticAvailable() {
      return available() && trainRows.width() <= NewtonLogistic.MAX_WIDTH;
    }

    private LocalRows collect(Dataset<Row> rows) {
      return driverRows(rows, featuresColumn, labelColumn, maxRows);
    }

    /** The trees' binned rows, shared by the stump, the boosting and the forest. */
    synchronized TreeLearner learner() {
      if (learner == null) {
        learner = new TreeLearner(trainRows);
      }
      return learner;
    }
  }

  /** The ladder's model fits, shared by the threads that run them; see {@link #prepare}. */
  public static final class Fits implements AutoCloseable {
    private final Dataset<Row> sample;
    private final Dataset<Row> held;
    private final DriverRows driverRows;
    private final List<String> models;
    /** Each configured model's candidate fits, in config order. */
    private final List<List<FutureTask<Fitted>>> candidates = new ArrayList<>();
    /** Fits not started yet, the longest expected first so that the last one to end is short. */
    private final Queue<FutureTask<Fitted>> waiting = new ConcurrentLinkedQueue<>();

    private Fits(Dataset<Row> sample, Dataset<Row> held, DriverRows driverRows,
        List<String> models, long seed) {
      this.sample = sample;
      this.held = held;
      this.driverRows = driverRows;
      this.models = models;
      for (String model : models) {
        candidates.add(candidateFits(model, sample, held, driverRows, seed));
      }
      IntStream.range(0, models.size()).boxed()
          .sorted(Comparator.comparingInt(i -> COSTLIEST_FIRST.indexOf(models.get(i))))
          .forEach(i -> waiting.addAll(candidates.get(i)));
    }

    /** Runs waiting fits on the calling thread until none is left to start. */
    public void work() {
      // Before any fit's clock starts: gathering the rows is the ladder's, not one rung's, cost.
      driverRows.available();
      for (FutureTask<Fitted> fit = waiting.poll(); fit != null; fit = waiting.poll()) {
        fit.run();
      }
    }

    /**
     * Each configured model's fit (the logistic regression's best grid point on validation), in
     * config order: runs what is still waiting on the calling thread, then waits for fits running
     * elsewhere. A fit's failure is rethrown as it was thrown.
     */
    public List<Fitted> results() {
      work();
      List<Fitted> results = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        Fitted best = null;
        double seconds = 0;
        for (FutureTask<Fitted> fit : candidates.get(i)) {
          Fitted candidate = outcome(fit);
          seconds += candidate.result().fitSeconds();
          if (best == null
              || candidate.result().validationRocAuc() > best.result().validationRocAuc()) {
            best = candidate;
          }
        }
        // A rung's fit time is that of all its candidates: what the rung cost, whichever won.
        Result result = best.result();
        Fitted rung = new Fitted(new Result(result.model(), result.settings(),
            result.validationRocAuc(), result.validationPrAuc(), result.validationLogLoss(),
            seconds), best.model(), best.validation());
        LOG.info("baseline {} ({}): validation ROC AUC {}, log loss {}, {} s{}", result.model(),
            result.settings(), format(result.validationRocAuc()),
            format(result.validationLogLoss()), format(seconds),
            onDriver() ? " on the driver" : "");
        results.add(rung);
      }
      return results;
    }

    /**
     * Whether the fits ran on the driver in plain Java rather than in MLlib; asks for the rows
     * when no fit has yet.
     */
    public boolean onDriver() {
      return driverRows.available();
    }

    /**
     * Drops the fits not started yet: a fit another thread is running is that thread's to finish,
     * and its owner waits for it before {@link #close}.
     */
    public void dropWaiting() {
      for (FutureTask<Fitted> fit = waiting.poll(); fit != null; fit = waiting.poll()) {
        fit.cancel(false);
      }
    }

    /** Drops the fits not started yet and releases the cached rows. */
    @Override
    public void close() {
      dropWaiting();
      sample.unpersist();
      held.unpersist();
    }
  }

  /** The ladder's gradient-boosted trees, unfitted. */
  private static GBTClassifier gbt(long seed) {
    return new GBTClassifier().setFeaturesCol(VECTOR).setLabelCol(TARGET)
        .setMaxIter(GBT_ITERATIONS).setMaxDepth(GBT_DEPTH).setSeed(seed);
  }

  /**
   * The ladder's gradient-boosted trees fitted on all of {@code train} (no {@code max_rows}
   * sample): the boosting member of a stacked ensemble, with the settings its rung is judged with;
   * on the driver when {@code train} is small, as the ladder's own fit is.
   */
  public static BoostedTrees fitGbt(Dataset<Row> train, String featuresColumn,
      String labelColumn, long seed, int driverMaxRows) {
    return fittedGbt(driverRows(train, featuresColumn, labelColumn, driverMaxRows), train,
        featuresColumn, labelColumn, seed);
  }

  /** A stacked ensemble's trees and logistic regression, fitted on the same rows. */
  public record StackMembers(BoostedTrees trees, LinearModel linear) {}

  /**
   * {@link #fitGbt} and {@link #fitLogistic} on the same {@code train}, its rows gathered to the
   * driver once for both: a stack fits the two on every fold.
   */
  public static StackMembers fitStackMembers(Dataset<Row> train, String featuresColumn,
      String labelColumn, double regParam, long seed, int driverMaxRows) {
    LocalRows rows = driverRows(train, featuresColumn, labelColumn, driverMaxRows);
    return new StackMembers(fittedGbt(rows, train, featuresColumn, labelColumn, seed),
        fittedLogistic(rows, train, featuresColumn, labelColumn, regParam));
  }

  /** The ladder's boosted trees: on the driver from {@code rows}, or in MLlib when it is null. */
  private static BoostedTrees fittedGbt(LocalRows rows, Dataset<Row> train,
      String featuresColumn, String labelColumn, long seed) {
    if (rows != null) {
      return new TreeLearner(rows).boost(GBT_ITERATIONS, GBT_DEPTH, TreeLearner.BOOSTING_STEP);
    }
    return BoostedTrees.fromMllib(fitMllibGbt(train, featuresColumn, labelColumn, seed));
  }

  /**
   * The ladder's logistic regression with L2 strength {@code regParam} fitted on all of
   * {@code train}: a stacked ensemble's linear member; on the driver when {@code train} is small,
   * as the ladder's own fit is.
   */
  public static LinearModel fitLogistic(Dataset<Row> train, String featuresColumn,
      String labelColumn, double regParam, int driverMaxRows) {
    return fittedLogistic(driverRows(train, featuresColumn, labelColumn, driverMaxRows), train,
        featuresColumn, labelColumn, regParam);
  }

  /**
   * The ladder's logistic regression: by Newton's method from {@code rows}, or in MLlib when it is
   * null or wider than Newton's method suits.
   */
  private static LinearModel fittedLogistic(LocalRows rows, Dataset<Row> train,
      String featuresColumn, String labelColumn, double regParam) {
    if (rows != null && rows.width() <= NewtonLogistic.MAX_WIDTH) {
      return NewtonLogistic.fit(rows, regParam);
    }
    Dataset<Row> vectors = vectors(train, featuresColumn, labelColumn).persist();
    try {
      return LinearModel.fromMllib(logistic(regParam).fit(vectors));
    } finally {
      vectors.unpersist();
    }
  }

  /** The L2 strength a {@code logistic_regression} rung's settings name. */
  public static double regularisation(Result logistic) {
    if (!LOGISTIC_REGRESSION.equals(logistic.model())
        || !logistic.settings().startsWith(REG_PARAM)) {
      throw new IllegalArgumentException("not a logistic regression rung: " + logistic);
    }
    return Double.parseDouble(logistic.settings().substring(REG_PARAM.length()));
  }

  /** The ladder's logistic regression, unfitted. */
  private static LogisticRegression logistic(double regParam) {
    return new LogisticRegression().setFeaturesCol(VECTOR).setLabelCol(TARGET)
        .setRegParam(regParam).setMaxIter(LOGISTIC_ITERATIONS).setTol(LOGISTIC_TOLERANCE);
  }

  /**
   * {@code rows} on the driver when there are some, at most {@code maxRows} of them and
   * {@value #DRIVER_MAX_CELLS} feature values; else null, having read at most one row past the
   * limit.
   */
  private static LocalRows driverRows(Dataset<Row> rows, String featuresColumn, String labelColumn,
      int maxRows) {
    if (maxRows == 0) {
      return null;
    }
    LocalRows collected = LocalRows.collect(rows, featuresColumn, labelColumn, maxRows,
        DRIVER_MAX_CELLS);
    return collected == null || collected.size() == 0 ? null : collected;
  }

  /** {@link #fitGbt} in MLlib whatever the size of {@code train}. */
  public static GBTClassificationModel fitMllibGbt(Dataset<Row> train, String featuresColumn,
      String labelColumn, long seed) {
    Dataset<Row> rows = vectors(train, featuresColumn, labelColumn).persist();
    try {
      return gbt(seed).fit(rows);
    } finally {
      rows.unpersist();
    }
  }

  /** The baseline with the highest validation ROC AUC. */
  public static Optional<Result> best(List<Result> ladder) {
    return ladder.stream().max(Comparator.comparingDouble(Result::validationRocAuc));
  }

  /**
   * A model's fits: one, or one per point of the logistic regression's grid. Each runs on the
   * driver when the ladder's rows are there ({@link DriverRows#available}), else in MLlib.
   */
  private static List<FutureTask<Fitted>> candidateFits(String model, Dataset<Row> train,
      Dataset<Row> validation, DriverRows driverRows, long seed) {
    return switch (model) {
      case MAJORITY -> List.of(timed(start -> driverRows.available()
          ? majority(driverRows.trainRows.positiveRate(), driverRows.validationRows.labels(),
              start)
          : majority(train.agg(functions.avg(TARGET)).head().getDouble(0), labels(validation),
              start)));
      case ONE_RULE -> List.of(timed(start -> driverRows.available()
          ? judgedOnDriver(model, "max_depth=" + STUMP_DEPTH, null,
              driverRows.learner().stump()::predict, driverRows, start)
          : judged(model, "max_depth=" + STUMP_DEPTH,
              new DecisionTreeRegressor().setFeaturesCol(VECTOR).setLabelCol(TARGET)
                  .setMaxDepth(STUMP_DEPTH).setSeed(seed), train, validation, start)));
      case LOGISTIC_REGRESSION -> REGULARISATION_GRID.stream()
          .map(regularisation -> timed(start -> {
            String settings = REG_PARAM + regularisation;
            if (driverRows.logisticAvailable()) {
              LinearModel fitted = NewtonLogistic.fit(driverRows.trainRows, regularisation);
              return judgedOnDriver(model, settings, fitted, fitted::probability, driverRows,
                  start);
            }
            return judged(model, settings, logistic(regularisation), train, validation, start);
          }))
          .toList();
      case GBT -> List.of(timed(start -> {
        String settings = "max_iter=" + GBT_ITERATIONS + " max_depth=" + GBT_DEPTH;
        if (driverRows.available()) {
          BoostedTrees fitted = driverRows.learner().boost(GBT_ITERATIONS, GBT_DEPTH,
              TreeLearner.BOOSTING_STEP);
          return judgedOnDriver(model, settings, fitted, fitted::probability, driverRows, start);
        }
        return judged(model, settings, gbt(seed), train, validation, start);
      }));
      case RANDOM_FOREST -> List.of(timed(start -> {
        String settings = "num_trees=" + FOREST_TREES + " max_depth=" + FOREST_DEPTH;
        if (driverRows.available()) {
          List<BoostedTrees.Tree> forest = driverRows.learner().forest(FOREST_TREES, FOREST_DEPTH,
              seed);
          return judgedOnDriver(model, settings, null,
              features -> TreeLearner.forestProbability(forest, features), driverRows, start);
        }
        return judged(model, settings, new RandomForestClassifier().setFeaturesCol(VECTOR)
            .setLabelCol(TARGET).setNumTrees(FOREST_TREES).setMaxDepth(FOREST_DEPTH)
            .setSeed(seed), train, validation, start);
      }));
      default -> throw new IllegalArgumentException("unknown baseline " + model);
    };
  }

  /** A driver fit's validation scores: {@code probability} of each validation row. */
  private static Fitted judgedOnDriver(String model, String settings, SparkFreeModel fitted,
      ToDoubleFunction<double[]> probability, DriverRows driverRows, long start) {
    LocalRows validation = driverRows.validationRows;
    float[] probabilities = new float[validation.size()];
    for (int r = 0; r < probabilities.length; r++) {
      probabilities[r] = (float) probability.applyAsDouble(validation.features()[r]);
    }
    ScoredLabels scores = new ScoredLabels(probabilities, validation.labels());
    return new Fitted(result(model, settings, scores, start), fitted, scores);
  }

  /** A fit whose clock starts when a thread starts it, not when it was queued. */
  private static FutureTask<Fitted> timed(LongFunction<Fitted> fit) {
    return new FutureTask<>(() -> fit.apply(System.nanoTime()));
  }

  private static Fitted outcome(FutureTask<Fitted> fit) {
    return Futures.join(fit, "a baseline fit");
  }

  private static Fitted majority(double positiveRate, byte[] labels, long start) {
    float[] probabilities = new float[labels.length];
    java.util.Arrays.fill(probabilities, (float) positiveRate);
    ScoredLabels scores = new ScoredLabels(probabilities, labels);
    return new Fitted(result(MAJORITY, String.format(Locale.ROOT, "p=%.4f", positiveRate),
        scores, start), null, scores);
  }

  /**
   * Fits {@code estimator} and scores the validation rows with its positive-class probability: a
   * classifier's {@code probability}, or a regressor's {@code prediction} of the 0/1 label (the
   * positive rate of the leaf a row falls in). The one-rule stump is a regression tree because
   * MLlib prunes a classification tree's children that predict the same class: on data with 20 %
   * positives both halves of most splits predict the negative class, and the stump became one leaf.
   */
  private static Fitted judged(String model, String settings, Estimator<?> estimator,
      Dataset<Row> train, Dataset<Row> validation, long start) {
    Model<?> fitted = estimator.fit(train);
    Column probability = fitted instanceof RegressionModel<?, ?>
        ? functions.col("prediction")
        : org.apache.spark.ml.functions.vector_to_array(functions.col("probability"), "float64")
            .getItem(POSITIVE);
    List<Row> scored = fitted.transform(validation)
        .select(probability.as(PROBABILITY), functions.col(TARGET))
        .collectAsList();
    float[] probabilities = new float[scored.size()];
    byte[] labels = new byte[scored.size()];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = (float) scored.get(i).getDouble(0);
      labels[i] = (byte) scored.get(i).getDouble(1);
    }
    ScoredLabels scores = new ScoredLabels(probabilities, labels);
    return new Fitted(result(model, settings, scores, start), sparkFree(fitted), scores);
  }

  /** A promotable MLlib fit in deepline's JSON form; null for the other rungs. */
  private static SparkFreeModel sparkFree(Model<?> fitted) {
    if (fitted instanceof LogisticRegressionModel logistic) {
      return LinearModel.fromMllib(logistic);
    }
    if (fitted instanceof GBTClassificationModel trees) {
      return BoostedTrees.fromMllib(trees);
    }
    return null;
  }

  private static Result result(String model, String settings, ScoredLabels scores, long start) {
    return new Result(model, settings, scores.rocAuc(), scores.prAuc(), scores.logLoss(),
        (System.nanoTime() - start) / NANOS_PER_SECOND);
  }

  private static byte[] labels(Dataset<Row> rows) {
    List<Row> collected = rows.select(TARGET).collectAsList();
    byte[] labels = new byte[collected.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) collected.get(i).getDouble(0);
    }
    return labels;
  }

  /**
   * MLlib's input: the feature array as a vector, stored sparse when that is smaller (one-hot
   * inputs are mostly zeros, and a dense copy of a 500-wide sample would hold 4 KB a row).
   */
  /**
   * The rows as MLlib takes them: the array as a compressed vector ({@value #VECTOR}) and the label
   * as a double ({@value #TARGET}).
   */
  static Dataset<Row> vectors(Dataset<Row> rows, String featuresColumn, String labelColumn) {
    UserDefinedFunction toVector = functions.udf((UDF1<Seq<Double>, Vector>) values -> {
      double[] array = new double[values.length()];
      for (int i = 0; i < array.length; i++) {
        array[i] = values.apply(i);
      }
      return Vectors.dense(array).compressed();
    }, new VectorUDT());
    return rows.select(toVector.apply(functions.col(featuresColumn)).as(VECTOR),
        functions.col(labelColumn).cast("double").as(TARGET));
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
