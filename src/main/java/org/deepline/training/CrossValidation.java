package org.deepline.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureTransform;

/**
 * k-fold cross-validation of training configurations on the training and validation rows together:
 * each fold's rows are held out once while a network of the configuration trains on the others, with
 * early stopping on the held-out fold as a plain run stops on validation. The folds are cached once
 * and shared by every configuration scored, so they differ only in the configuration.
 *
 * <p>Why: {@code train --tune} ranks hundreds of trials on one validation split. On a small data set
 * (1,056 validation rows for Telco churn) the trial with the best validation score is mostly the one
 * the split's noise favoured most, and its test score falls below the untuned network's; the mean
 * over k held-out folds of about the same size has less of that noise and is not the score the
 * search maximised. It is still a little optimistic, alike for every finalist: each fold stops
 * early on its own held-out rows, as a plain run stops on validation. The test split takes no
 * part.
 *
 * <pre>{@code
 * try (CrossValidation folds = CrossValidation.cache(trainAndValidation, 5, resolved, width)
 *     .orElseThrow()) {
 *   CrossValidation.Score score = folds.score(spark, candidate, input);
 *   double auc = score.meanRocAuc();
 * }
 * }</pre>
 */
final class CrossValidation implements AutoCloseable {
  /** The fold column: a seeded hash of the input vector and its run modulo the fold count. */
  static final String FOLD = "_cv_fold";
  /** A working column of {@link #withFolds}: the hash of a row's input vector. */
  private static final String VECTOR_HASH = "_vector_hash";
  /** A working column of {@link #withFolds}: the rows of an input vector with more than a run. */
  private static final String VECTOR_ROWS = "_vector_rows";
  /** Mixes into the run's seed for the fold assignment, so folds do not follow the row order. */
  static final long FOLD_SALT = 0x5851f42d4c957f2dL;

  /** One fold: the rows a network fits and the rows it is scored on, cached. */
  private record Fold(TrainingData fit, TrainingData heldOut) {}

  /**
   * A configuration's cross-validated score.
   *
   * @param foldRocAuc each fold's held-out ROC AUC at its best epoch
   * @param epochs     epochs trained over all folds
   * @param millis     wall time of all folds
   */
  record Score(double[] foldRocAuc, int epochs, long millis) {
    double meanRocAuc() {
      return Arrays.stream(foldRocAuc).average().orElse(Double.NaN);
    }

    /** The sample standard deviation of the fold scores. */
    double standardDeviation() {
      return sampleStandardDeviation(foldRocAuc);
    }

    /**
     * This score's lead over {@code other}'s on the same folds, fold by fold: the folds' spread
     * (some are harder than others for every configuration) cancels, so the standard error is of
     * the difference itself, corrected for the folds' overlap.
     */
    Lead leadOver(Score other) {
      if (other.foldRocAuc.length != foldRocAuc.length) {
        throw new IllegalArgumentException(foldRocAuc.length + " folds against "
            + other.foldRocAuc.length);
      }
      double[] differences = new double[foldRocAuc.length];
      for (int fold = 0; fold < differences.length; fold++) {
        differences[fold] = foldRocAuc[fold] - other.foldRocAuc[fold];
      }
      // The folds' fitting rows overlap, so their differences are correlated and s^2 / k would
      // understate the variance: Nadeau and Bengio's correction (2003) adds held-out / fitting
      // rows, 1 / (k - 1) for k equal folds.
      int k = differences.length;
      double deviation = sampleStandardDeviation(differences);
      double variance = deviation * deviation * (1.0 / k + 1.0 / Math.max(1, k - 1));
      return new Lead(Arrays.stream(differences).average().orElse(Double.NaN),
          Math.sqrt(variance));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.4f +- %.4f over %d folds", meanRocAuc(),
          standardDeviation(), foldRocAuc.length);
    }
  }

  private static double sampleStandardDeviation(double[] values) {
    double mean = Arrays.stream(values).average().orElse(Double.NaN);
    double squares = Arrays.stream(values).map(value -> (value - mean) * (value - mean)).sum();
    return Math.sqrt(squares / Math.max(1, values.length - 1));
  }

  /**
   * A paired lead in mean held-out ROC AUC.
   *
   * @param mean          the mean of the fold-by-fold differences
   * @param standardError their standard error
   */
  record Lead(double mean, double standardError) {
    /** Whether the lead is more than one standard error: more than the folds' noise. */
    boolean beyondOneStandardError() {
      return mean > standardError;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%+.4f +- %.4f", mean, standardError);
    }
  }

  /**
   * What the finalists' scores choose.
   *
   * @param best   the candidate with the best mean held-out ROC AUC
   * @param winner {@code best}, or the incumbent when {@code best}'s lead over it is within one
   *               standard error
   * @param lead   {@code best}'s lead over the incumbent; null when {@code best} is the incumbent
   *               or the incumbent was not scored
   */
  record Choice(int best, int winner, Lead lead) {}

  /**
   * The one-standard-error rule between {@code scores} (by candidate, in the order they were
   * scored; the first of equal means is the best) and the {@code incumbent} among them: a search
   * over hundreds of trials must show more than the folds' noise to replace what the user wrote.
   */
  static Choice choose(Map<Integer, Score> scores, int incumbent) {
    int best = -1;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (Map.Entry<Integer, Score> candidate : scores.entrySet()) {
      if (candidate.getValue().meanRocAuc() > bestMean) {
        best = candidate.getKey();
        bestMean = candidate.getValue().meanRocAuc();
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException("no scores to choose from");
    }
    if (best == incumbent || !scores.containsKey(incumbent)) {
      return new Choice(best, best, null);
    }
    Lead lead = scores.get(best).leadOver(scores.get(incumbent));
    return new Choice(best, lead.beyondOneStandardError() ? best : incumbent, lead);
  }

  private final List<Fold> folds;
  private final long rows;

  private CrossValidation(List<Fold> folds, long rows) {
    this.folds = folds;
    this.rows = rows;
  }

  /**
   * {@code rows} (features, label and record id) with their fold in {@code column}: a seeded hash of
   * the row's input vector and of its run. The rows of one input vector (the record as a model sees
   * it, whatever its label) share a fold, in runs of up to
   * {@value RecordIds#MAX_COPIES_KEPT_TOGETHER} copies ({@link RecordIds#copyGroupId}), as the split
   * keeps a record's copies together: a vector of {@code r} rows has {@code ceil(r / 10)} runs and
   * each run of copies joins one of them by a hash of its own.
   *
   * <p>Why not by the record id alone: the split puts a record's copies in one split, so test rows
   * are mostly vectors the model never saw, and held-out folds must be too. Folds of ids put a
   * vector's copies on both sides, where trees that memorise each vector's labels look far better
   * than on test: on dslabs' heights (1,050 rows, few distinct heights) the stack's cross-fitted ROC
   * AUC was 0.831 and its test 0.700, against the logistic regression's 0.777.
   */
  static Dataset<Row> withFolds(Dataset<Row> rows, String column, int folds, long seed) {
    Dataset<Row> hashed = rows.withColumn(VECTOR_HASH,
        functions.xxhash64(functions.col(FeatureTransform.FEATURES)));
    Dataset<Row> repeated = hashed.groupBy(VECTOR_HASH)
        .agg(functions.count(functions.lit(1)).as(VECTOR_ROWS))
        .where(functions.col(VECTOR_ROWS).gt(RecordIds.MAX_COPIES_KEPT_TOGETHER));
    // Vectors of one run are not counted: their rows' count is null, their run 0.
    Column run = RecordIds.copyRun(functions.col(RecordIds.RECORD_ID), functions.col(VECTOR_ROWS));
    Column hash = functions.xxhash64(functions.col(VECTOR_HASH), run,
        functions.lit(seed ^ FOLD_SALT));
    return hashed.join(repeated, VECTOR_HASH, "left")
        .withColumn(column, functions.pmod(hash, functions.lit((long) folds)))
        .drop(VECTOR_HASH, VECTOR_ROWS);
  }

  /**
   * The {@code folds} folds of {@code rows} (features, label and record id), cached; empty when a
   * fold's held-out or fitting rows lack a class, so that no ROC AUC could be computed on them.
   */
  static Optional<CrossValidation> cache(Dataset<Row> rows, int folds, TrainingConfig config,
      int width) {
    Dataset<Row> assigned = withFolds(rows, FOLD, folds, config.seed()).persist();
    List<Fold> cached = new ArrayList<>();
    try {
      long total = 0;
      for (int fold = 0; fold < folds; fold++) {
        TrainingData fit = TrainingData.cache(assigned.where(functions.col(FOLD).notEqual(fold)),
            config.workers(), config.seed(), "cross-validation fold " + (fold + 1) + " fit rows",
            width);
        cached.add(new Fold(fit, null));
        TrainingData heldOut = TrainingData.cache(assigned.where(functions.col(FOLD).equalTo(fold)),
            config.workers(), config.seed(), "cross-validation fold " + (fold + 1)
                + " held-out rows", width);
        cached.set(fold, new Fold(fit, heldOut));
        total += heldOut.rows();
        if (!bothClasses(fit) || !bothClasses(heldOut)) {
          release(cached);
          return Optional.empty();
        }
      }
      return Optional.of(new CrossValidation(cached, total));
    } catch (RuntimeException e) {
      release(cached);
      throw e;
    } finally {
      assigned.unpersist();
    }
  }

  private static boolean bothClasses(TrainingData data) {
    return data.positives() > 0 && data.negatives() > 0;
  }

  /** Rows over all folds (each held out once). */
  long rows() {
    return rows;
  }

  int folds() {
    return folds.size();
  }

  /** Each fold's held-out and fitting rows, {@code [fold][0]} and {@code [fold][1]}. */
  long[][] foldRows() {
    long[][] rows = new long[folds.size()][];
    for (int fold = 0; fold < rows.length; fold++) {
      rows[fold] = new long[] {folds.get(fold).heldOut().rows(), folds.get(fold).fit().rows()};
    }
    return rows;
  }

  /** The held-out rows of each fold, for the log: e.g. {@code [1180, 1214, 1197]}. */
  String heldOutRows() {
    return Arrays.toString(Arrays.stream(foldRows()).mapToLong(rows -> rows[0]).toArray());
  }

  /**
   * Trains {@code config} on each fold's fitting rows from a fresh network (its class weights from
   * those rows' counts) up to {@code training.epochs} or the early stop on the held-out rows, and
   * scores the best epoch.
   */
  Score score(JavaSparkContext spark, TrainingConfig config, NetworkInput input) {
    long started = System.currentTimeMillis();
    double[] rocAuc = new double[folds.size()];
    int epochs = 0;
    for (int fold = 0; fold < folds.size(); fold++) {
      TrainingData fit = folds.get(fold).fit();
      double[] weights = ClassWeights.of(config, fit.negatives(), fit.positives());
      EpochLoop loop = new EpochLoop(spark, config, fit, folds.get(fold).heldOut(),
          NetworkFactory.binaryClassifier(config, input, weights), null, EpochLoop.Listener.NONE)
          .withoutLayerWarnings().withoutEpochLines();
      loop.trainUntil(config.epochs());
      rocAuc[fold] = loop.bestValidationRocAuc();
      epochs += loop.epochsTrained();
    }
    return new Score(rocAuc, epochs, System.currentTimeMillis() - started);
  }

  /** Drops every fold's cached rows. */
  @Override
  public void close() {
    release(folds);
  }

  private static void release(List<Fold> folds) {
    for (Fold fold : folds) {
      fold.fit().release();
      if (fold.heldOut() != null) {
        fold.heldOut().release();
      }
    }
  }
}
