package org.deepline.monitoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureFitter;
import org.deepline.features.FeatureModel;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.tracking.ModelRegistry;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitor: how far the run date's data moved from the rows the registered model learned from. For
 * each input of the model's feature model that is a silver column (numeric ones in ten buckets cut
 * at the training rows' deciles, plus one for missing values; categorical ones by the 20 most
 * frequent training values, plus one for the rest) and for the model's probabilities (the training
 * date's predictions against the run date's, by the same model), the population stability index
 * ({@link Psi}) of the run date's rows against the training split of the date the feature model was
 * fitted on. Raw date and time columns are left out: their values move every day by design.
 *
 * <p>The verdicts replace the run date's rows of the drift table; an index at or above
 * {@code monitoring.warn_psi} is named in a WARN, one at or above {@code monitoring.alert_psi} is
 * drift, which fails the run with exit code 9 when {@code monitoring.fail_on_drift} says so. Why:
 * ROC AUC survives a shifted input (a monotone shift keeps the ranking) while the probabilities and
 * the chosen threshold do not, and a night with no labels yet has nothing else to go on.
 *
 * <pre>{@code
 * StageResult drift = new DriftJob().run(context);
 * double worst = drift.metric("max_psi");
 * }</pre>
 */
public final class DriftJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(DriftJob.class);
  static final String NUMERIC = "numeric";
  static final String CATEGORICAL = "categorical";
  static final String PREDICTION = "prediction";
  static final String STABLE = "stable";
  static final String MOVED = "moved";
  public static final String DRIFTED = "drifted";
  /** The drift table's column of each row's verdict. */
  public static final String VERDICT = "verdict";
  static final String NO_ROWS = "no rows";
  /** The model's probabilities in the drift table's {@code column}. */
  static final String PROBABILITY_ROW = "_probability";
  /** The drift row of a regression model's predicted numbers. */
  static final String NUMBER_ROW = "_prediction";
  /** Buckets of a numeric column between its training deciles, before the missing one. */
  static final int NUMERIC_BUCKETS = 10;
  /** Training values of a categorical column with a bucket of their own; the rest share one. */
  static final int MAX_CATEGORIES = 20;
  private static final double QUANTILE_ERROR = 0.001;
  /** Columns a WARN names one by one, most moved first. */
  private static final int COLUMNS_SAID = 8;
  private static final String BUCKET = "_bucket_";

  /** How a column's rows fall into buckets; bucket 0 of a numeric column holds its missing values. */
  record Bucketing(String column, String kind, Column bucket, int buckets) {}

  /** One column's verdict, as the drift table keeps it. */
  record ColumnDrift(String column, String kind, double psi, long referenceRows, long currentRows,
      double referenceMissing, double currentMissing, String verdict) {}

  @Override
  public Name name() {
    return new Name("monitor", "Compare the run date's model inputs and probabilities with the "
        + "rows the model was trained on (population stability index) into the drift table; WARN "
        + "on drift, exit 9 with monitoring.fail_on_drift.");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.DRIFT);
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    MonitoringConfig config = context.section(MonitoringConfig.class);
    ModelRegistry.ModelEntry model = new ModelRegistry(spark, context.warehouse()).named(
        context.dataset(), context.runDate(), context.section(ScoringConfig.class).modelVersion());
    ModelMetadata metadata = ModelBundle.loadMetadata(context.files(), model.path());
    FeatureModel.FitProvenance fitted = metadata.featureModel().fittedOn();
    RunContext.Input silver = context.input(Table.SILVER);
    // The training rows are a join of two tables, read three times (found, cut, counted): joined
    // once, with the model's inputs only (flights-3m: 46 s for the stage when joined each time).
    List<String> inputs = metadata.featureModel().inputColumns().stream()
        .filter(Arrays.asList(silver.rows().columns())::contains).toList();
    Dataset<Row> reference = trainingRows(spark, context, fitted)
        .select(inputs.stream().map(Columns::col).toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<ColumnDrift> drifts;
    try {
      requireReference(reference, fitted.split(), fitted.runDate(),
          context.table(Table.SILVER), context.table(Table.SPLITS));
      List<Bucketing> bucketings = inputBucketings(metadata.featureModel(), reference,
          silver.rows().schema());
      drifts = new ArrayList<>(compare(reference, silver.rows(), bucketings, config));
    } finally {
      reference.unpersist();
    }
    predictionDrift(spark, context, model.modelVersion(), metadata.isRegression(),
        fitted.runDate(), config).ifPresent(drifts::add);

    TableRef driftRef = DeltaTables.replaceRunDate(driftTable(spark, drifts, context.runId(),
        model.modelVersion(), fitted.runDate(), context.runDate()), context.table(Table.DRIFT),
        context.runDate());

    StageResult.Builder result = StageResult.builder().input(silver.ref()).output(driftRef)
        .artifact("model_version", model.modelVersion())
        .artifact("reference_date", fitted.runDate());
    metrics(drifts, result);
    String said = said(drifts, fitted.runDate(), context.runDate(), driftRef.path());
    boolean moved = drifts.stream().anyMatch(DriftJob::moved);
    if (moved) {
      LOG.warn(said);
    } else {
      LOG.info(said);
    }
    if (config.failOnDrift() && drifts.stream().anyMatch(d -> DRIFTED.equals(d.verdict()))) {
      throw new DeeplineException(Failure.DRIFT, said + " (monitoring.fail_on_drift)");
    }
    return result.build();
  }

  /** Whether a column moved at all: moved or drifted, not stable and not unmeasured. */
  private static boolean moved(ColumnDrift drift) {
    return MOVED.equals(drift.verdict()) || DRIFTED.equals(drift.verdict());
  }

  /** The run date's rows of the drift table: one per column compared. */
  static Dataset<Row> driftTable(SparkSession spark, List<ColumnDrift> drifts, String runId,
      String modelVersion, String referenceDate, String runDate) {
    StructType schema = new StructType().add("run_id", DataTypes.StringType)
        .add("model_version", DataTypes.StringType).add("reference_date", DataTypes.StringType)
        .add("column", DataTypes.StringType).add("kind", DataTypes.StringType)
        .add("psi", DataTypes.DoubleType).add("reference_rows", DataTypes.LongType)
        .add("current_rows", DataTypes.LongType).add("reference_missing", DataTypes.DoubleType)
        .add("current_missing", DataTypes.DoubleType).add(VERDICT, DataTypes.StringType);
    List<Row> rows = drifts.stream().map(d -> RowFactory.create(runId, modelVersion,
        referenceDate, d.column(), d.kind(), d.psi(), d.referenceRows(), d.currentRows(),
        d.referenceMissing(), d.currentMissing(), d.verdict())).toList();
    return spark.createDataFrame(rows, schema)
        .withColumn(DeltaTables.RUN_DATE, functions.lit(runDate).cast("date"));
  }

  /** The run record's figures: counts by verdict, the largest index, and each column's. */
  private static void metrics(List<ColumnDrift> drifts, StageResult.Builder result) {
    result.metric("columns_compared", drifts.size())
        .metric("columns_moved", drifts.stream().filter(DriftJob::moved).count())
        .metric("columns_drifted", drifts.stream()
            .filter(d -> DRIFTED.equals(d.verdict())).count())
        .metric("max_psi", drifts.stream().mapToDouble(ColumnDrift::psi)
            .filter(psi -> !Double.isNaN(psi)).max().orElse(0.0));
    drifts.forEach(d -> result.metric("psi:" + d.column(), d.psi()));
    drifts.stream().filter(d -> !PREDICTION.equals(d.kind())).findFirst().ifPresent(d -> result
        .metric("rows_reference", d.referenceRows()).metric("rows_current", d.currentRows()));
  }

  /**
   * Fails when the model's training rows are gone (a date ingested or split again since, a model
   * copied from elsewhere): nothing to measure against is not "no input moved".
   */
  static void requireReference(Dataset<Row> reference, String split, String runDate,
      String silver, String splits) {
    if (reference.isEmpty()) {
      throw new DeeplineException(Failure.INPUT, "monitor: the model's training rows (split "
          + split + " of " + runDate + ") are not in " + silver + " and " + splits + " any more, "
          + "so drift has nothing to be measured against; ingest and split that date again, or "
          + "train a model on a date that has them");
    }
  }

  /** The training split's silver rows of the date the model's feature model was fitted on. */
  private static Dataset<Row> trainingRows(SparkSession spark, RunContext context,
      FeatureModel.FitProvenance fitted) {
    Dataset<Row> silver = DeltaTables.slice(spark,
        DeltaTables.ref(spark, context.table(Table.SILVER)), fitted.runDate());
    Dataset<Row> train = DeltaTables.slice(spark,
        DeltaTables.ref(spark, context.table(Table.SPLITS)), fitted.runDate())
        .where(functions.col(StratifiedSplitter.SPLIT).equalTo(fitted.split()))
        .select(RecordIds.RECORD_ID);
    return silver.join(train, RecordIds.RECORD_ID, "left_semi");
  }

  /**
   * The buckets of the model's numeric and categorical inputs that are columns of {@code current}
   * (joined feature tables' are not): numeric ones cut at {@code reference}'s deciles, categorical
   * ones by their fitted vocabulary (hashed and bag-of-words inputs have none, and are left out).
   */
  static List<Bucketing> inputBucketings(FeatureModel model, Dataset<Row> reference,
      StructType current) {
    Set<String> present = new TreeSet<>(Arrays.asList(current.fieldNames()));
    List<String> numeric = model.numeric().stream().map(FeatureModel.NumericFeature::name)
        .filter(present::contains)
        .filter(name -> current.apply(name).dataType() instanceof NumericType
            || current.apply(name).dataType() == DataTypes.BooleanType)
        .toList();
    List<Bucketing> bucketings = new ArrayList<>(numericBucketings(reference, numeric));
    for (FeatureModel.CategoricalFeature feature : model.categorical()) {
      if (feature.words() || feature.hashed() || feature.vocabulary().isEmpty()
          || !present.contains(feature.name())) {
        continue;
      }
      List<String> kept = feature.vocabulary().subList(0,
          Math.min(MAX_CATEGORIES, feature.vocabulary().size()));
      Column token = FeatureFitter.token(feature.name());
      Column bucket = functions.lit(kept.size());
      for (int i = kept.size() - 1; i >= 0; i--) {
        bucket = functions.when(token.equalTo(kept.get(i)), i).otherwise(bucket);
      }
      bucketings.add(new Bucketing(feature.name(), CATEGORICAL, bucket, kept.size() + 1));
    }
    return bucketings;
  }

  /** Numeric columns cut at {@code reference}'s deciles, all of them from one job. */
  static List<Bucketing> numericBucketings(Dataset<Row> reference, List<String> columns) {
    if (columns.isEmpty()) {
      return List.of();
    }
    double[] probabilities = new double[NUMERIC_BUCKETS - 1];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = (i + 1.0) / NUMERIC_BUCKETS;
    }
    Column[] observed = columns.stream()
        .map(name -> FeatureFitter.observedValue(name).as(name)).toArray(Column[]::new);
    double[][] deciles = reference.select(observed).stat()
        .approxQuantile(columns.toArray(String[]::new), probabilities, QUANTILE_ERROR);
    List<Bucketing> bucketings = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      double[] edges = Arrays.stream(deciles[c]).distinct().sorted().toArray();
      Column value = FeatureFitter.observedValue(columns.get(c));
      Column bucket = functions.lit(edges.length + 1);
      for (int e = edges.length - 1; e >= 0; e--) {
        bucket = functions.when(value.leq(edges[e]), e + 1).otherwise(bucket);
      }
      bucket = functions.when(value.isNull(), 0).otherwise(bucket);
      bucketings.add(new Bucketing(columns.get(c), NUMERIC, bucket, edges.length + 2));
    }
    return bucketings;
  }

  /** Each bucketing's counts over {@code rows}, from one aggregation. */
  static long[][] counts(Dataset<Row> rows, List<Bucketing> bucketings) {
    List<Column> buckets = new ArrayList<>();
    for (int k = 0; k < bucketings.size(); k++) {
      buckets.add(bucketings.get(k).bucket().as(BUCKET + k));
    }
    List<Column> counted = new ArrayList<>();
    for (int k = 0; k < bucketings.size(); k++) {
      for (int b = 0; b < bucketings.get(k).buckets(); b++) {
        counted.add(functions.count(functions.when(functions.col(BUCKET + k).equalTo(b), 1)));
      }
    }
    Row totals = rows.select(buckets.toArray(Column[]::new))
        .agg(counted.get(0), counted.subList(1, counted.size()).toArray(Column[]::new)).head();
    long[][] counts = new long[bucketings.size()][];
    int at = 0;
    for (int k = 0; k < bucketings.size(); k++) {
      counts[k] = new long[bucketings.get(k).buckets()];
      for (int b = 0; b < counts[k].length; b++) {
        counts[k][b] = totals.getLong(at++);
      }
    }
    return counts;
  }

  /** Each bucketed column's verdict, {@code current} against {@code reference}. */
  static List<ColumnDrift> compare(Dataset<Row> reference, Dataset<Row> current,
      List<Bucketing> bucketings, MonitoringConfig config) {
    if (bucketings.isEmpty()) {
      return List.of();
    }
    long[][] before = counts(reference, bucketings);
    long[][] now = counts(current, bucketings);
    List<ColumnDrift> drifts = new ArrayList<>();
    for (int k = 0; k < bucketings.size(); k++) {
      Bucketing bucketing = bucketings.get(k);
      double psi = Psi.of(before[k], now[k]);
      boolean numeric = !CATEGORICAL.equals(bucketing.kind());
      drifts.add(new ColumnDrift(bucketing.column(), bucketing.kind(), psi, sum(before[k]),
          sum(now[k]), numeric ? share(before[k]) : Double.NaN,
          numeric ? share(now[k]) : Double.NaN, verdict(psi, config)));
    }
    return drifts;
  }

  /**
   * The model's probabilities on the run date against its probabilities on its training date, when
   * the predictions table holds both (a pipeline scores its training date; a model registered
   * otherwise may have none there).
   */
  private static Optional<ColumnDrift> predictionDrift(SparkSession spark,
      RunContext context, String version, boolean number, String referenceDate,
      MonitoringConfig config) {
    String path = context.table(Table.PREDICTIONS);
    if (!DeltaTables.exists(spark, path)) {
      LOG.info("monitor: no prediction drift: {} has no predictions table", context.dataset());
      return Optional.empty();
    }
    TableRef predictions = DeltaTables.ref(spark, path);
    Column byModel = functions.col(ScoreJob.MODEL_VERSION).equalTo(version);
    Dataset<Row> before = DeltaTables.slice(spark, predictions, referenceDate).where(byModel);
    Dataset<Row> now = DeltaTables.slice(spark, predictions, context.runDate()).where(byModel);
    // A regression model's predictions are its numbers: their distribution drifts as the
    // probabilities of a class label's do. The model says which (a table scored by models of both
    // kinds holds both columns).
    List<Bucketing> bucketing = numericBucketings(before,
        List.of(number ? ScoreJob.PREDICTION : BatchScorer.PROBABILITY));
    List<ColumnDrift> compared = compare(before, now, bucketing, config);
    ColumnDrift drift = compared.get(0);
    if (drift.referenceRows() == 0 || drift.currentRows() == 0) {
      // Said, not silent: the model monitored is the one scoring would use now, and a model
      // trained after the date was scored has no predictions of it yet.
      LOG.info("monitor: no prediction drift: model {} has {} predictions of {} (its training "
          + "date) and {} of {}; score both dates with it to compare them", version,
          drift.referenceRows(), referenceDate, drift.currentRows(), context.runDate());
      return Optional.empty();
    }
    return Optional.of(new ColumnDrift(number ? NUMBER_ROW : PROBABILITY_ROW, PREDICTION,
        drift.psi(),
        drift.referenceRows(), drift.currentRows(), Double.NaN, Double.NaN, drift.verdict()));
  }

  static String verdict(double psi, MonitoringConfig config) {
    if (Double.isNaN(psi)) {
      return NO_ROWS;
    }
    return psi >= config.alertPsi() ? DRIFTED : psi >= config.warnPsi() ? MOVED : STABLE;
  }

  /** The log line: the columns that moved, most first, or the largest index when none did. */
  static String said(List<ColumnDrift> drifts, String referenceDate, String runDate,
      String table) {
    List<ColumnDrift> ordered = drifts.stream().filter(d -> !Double.isNaN(d.psi()))
        .sorted(Comparator.comparingDouble(ColumnDrift::psi).reversed()).toList();
    List<ColumnDrift> moved = ordered.stream().filter(DriftJob::moved).toList();
    String against = "the rows of " + runDate + " against the model's training rows of "
        + referenceDate;
    List<String> unmeasured = drifts.stream().filter(d -> Double.isNaN(d.psi()))
        .map(DriftJob::name).toList();
    String without = unmeasured.isEmpty() ? "" : "; no rows to measure " + unmeasured + " on";
    if (moved.isEmpty()) {
      return "monitor: " + against + ": no input moved" + (ordered.isEmpty() ? ""
          : String.format(Locale.ROOT, " (largest population stability index %.3f, %s)",
              ordered.get(0).psi(), name(ordered.get(0)))) + without;
    }
    String more = moved.size() > COLUMNS_SAID ? ", and " + (moved.size() - COLUMNS_SAID)
        + " more" : "";
    return "monitor: " + against + ": " + moved.size() + " of " + drifts.size() + " moved "
        + "(population stability index): " + moved.stream().limit(COLUMNS_SAID)
            .map(d -> String.format(Locale.ROOT, "%s %.3f (%s)", name(d), d.psi(), d.verdict()))
            .collect(Collectors.joining(", ")) + more
        + without + "; retrain on newer rows, or check the feed (" + table + ")";
  }

  private static String name(ColumnDrift drift) {
    if (!PREDICTION.equals(drift.kind())) {
      return drift.column();
    }
    return NUMBER_ROW.equals(drift.column()) ? "the model's predicted numbers"
        : "the model's probabilities";
  }

  private static long sum(long[] counts) {
    return Arrays.stream(counts).sum();
  }

  /** A numeric column's share of missing values: its bucket 0. */
  private static double share(long[] counts) {
    long rows = sum(counts);
    return rows == 0 ? Double.NaN : (double) counts[0] / rows;
  }
}
