package org.deepline.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deepline.config.LabelConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.tracking.ModelRegistry;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.evaluation.classification.ROC;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Train: fits the configured network on the training split with data-parallel parameter averaging
 * ({@link ParameterAveragingTrainingMaster}), evaluates it on the validation split after every epoch,
 * keeps the best epoch's weights (early stopping on validation ROC AUC), saves the bundle and
 * registers the model version (the run id).
 */
public final class TrainJob implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  /** Each DataSet in the training RDD holds one example; the master batches them per worker. */
  private static final int EXAMPLES_PER_RDD_DATASET = 1;
  /**
   * No asynchronous prefetch on workers: it gains nothing for minibatches this small, and a worker that
   * finishes its share interrupts the prefetch thread mid-read, which DL4J reports as a stack trace.
   */
  private static final int PREFETCH_BATCHES = 0;
  /** ROC threshold steps: 0 asks DL4J for the exact AUC rather than a binned one. */
  private static final int EXACT_ROC = 0;
  private static final int EVALUATION_BATCH = 256;
  /** An epoch must beat the best validation AUC by this much to count as an improvement. */
  private static final double MIN_IMPROVEMENT = 1e-4;

  @Override
  public String command() {
    return "train";
  }

  @Override
  public String description() {
    return "Train the DL4J network with parameter averaging on Spark; register the model.";
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    TrainingConfig config = context.config().training();
    RunContext.Input featuresInput = context.input(Table.FEATURES);
    TableRef featuresRef = featuresInput.ref();
    Dataset<Row> features = featuresInput.rows();
    String artifact = context.warehouse().featureArtifact(context.dataset(), context.runDate());
    FeatureModel featureModel = FeatureModel.fromJson(context.files().readText(artifact), artifact);

    checkFeaturesMatchModel(features, featureModel, featuresRef);
    Dataset<Row> train = features.where(split(StratifiedSplitter.TRAIN));
    Dataset<Row> validation = features.where(split(StratifiedSplitter.VALIDATION));
    long[] classCounts = classCounts(train, StratifiedSplitter.TRAIN);
    classCounts(validation, StratifiedSplitter.VALIDATION);
    double[] weights = "balanced".equals(config.classWeights())
        ? NetworkFactory.balancedWeights(classCounts[0], classCounts[1]) : null;
    MultiLayerConfiguration networkConfig =
        NetworkFactory.binaryClassifier(config, featureModel.width(), weights);

    String scratch = context.warehouse().scratchDir(context.runId());
    // Not cached: DL4J exports the training RDD once and reuses the export by RDD id, and cached
    // one-example DataSets would pin off-heap memory Spark does not account for.
    JavaRDD<DataSet> trainSets = TrainingData.toDataSets(train);
    JavaRDD<DataSet> validationSets =
        TrainingData.toDataSets(validation).persist(StorageLevel.MEMORY_ONLY());
    try {
      ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(
          config.workers(), EXAMPLES_PER_RDD_DATASET)
          .batchSizePerWorker(config.batchSizePerWorker())
          .averagingFrequency(config.averagingFrequency())
          .workerPrefetchNumBatches(PREFETCH_BATCHES)
          .rngSeed(config.seed())
          .exportDirectory(scratch + "/dl4j-export")
          .build();
      SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(
          JavaSparkContext.fromSparkContext(spark.sparkContext()), networkConfig, master);
      Training outcome = fitWithEarlyStopping(sparkNet, master, trainSets, validationSets, config);
      return save(context, featuresRef, featureModel, outcome, classCounts);
    } finally {
      validationSets.unpersist();
      context.files().deleteRecursively(scratch);
    }
  }

  private record Training(MultiLayerNetwork network, List<EpochMetrics> epochs, int bestEpoch) {}

  private Training fitWithEarlyStopping(SparkDl4jMultiLayer sparkNet,
      ParameterAveragingTrainingMaster master, JavaRDD<DataSet> train, JavaRDD<DataSet> validation,
      TrainingConfig config) {
    List<EpochMetrics> epochs = new ArrayList<>();
    INDArray bestParams = null;
    double bestAuc = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      long start = System.currentTimeMillis();
      MultiLayerNetwork network = sparkNet.fit(train);
      // Evaluate a copy: in local mode DL4J's score function receives the broadcast parameter array
      // itself and closes it after use, which would close the network being trained.
      SparkDl4jMultiLayer evaluator =
          new SparkDl4jMultiLayer(sparkNet.getSparkContext(), network.clone(), master);
      ROC roc = evaluator.evaluateROC(validation, EXACT_ROC, EVALUATION_BATCH);
      double loss = evaluator.calculateScore(validation, true, EVALUATION_BATCH);
      EpochMetrics metrics = new EpochMetrics(epoch, roc.calculateAUC(), roc.calculateAUCPR(), loss,
          System.currentTimeMillis() - start);
      epochs.add(metrics);
      LOG.info("epoch {}: validation roc_auc {} pr_auc {} loss {} ({} ms)", epoch,
          round(metrics.validationRocAuc()), round(metrics.validationPrAuc()), round(loss),
          metrics.millis());
      if (!Double.isFinite(loss)) {
        throw new DeeplineException("train: validation loss became " + loss + " at epoch " + epoch
            + "; lower training.learning_rate (now " + config.learningRate() + ")");
      }
      if (metrics.validationRocAuc() > bestAuc + MIN_IMPROVEMENT) {
        bestAuc = metrics.validationRocAuc();
        bestParams = network.params().dup();
        bestEpoch = epoch;
      } else if (epoch - bestEpoch >= config.patience()) {
        LOG.info("early stop after epoch {}: no better validation roc_auc since epoch {}", epoch,
            bestEpoch);
        break;
      }
    }
    MultiLayerNetwork best = sparkNet.getNetwork();
    best.setParams(bestParams);
    return new Training(best, epochs, bestEpoch);
  }

  private StageResult save(RunContext context, TableRef featuresRef, FeatureModel featureModel,
      Training outcome, long[] classCounts) {
    EpochMetrics best = outcome.epochs().get(outcome.bestEpoch() - 1);
    Map<String, Double> validationMetrics = new LinkedHashMap<>();
    validationMetrics.put("validation_roc_auc", best.validationRocAuc());
    validationMetrics.put("validation_pr_auc", best.validationPrAuc());
    validationMetrics.put("validation_loss", best.validationLoss());
    String version = context.runId();
    LabelConfig label = context.config().label();
    ModelMetadata metadata = new ModelMetadata(version, context.dataset(), context.runId(),
        context.runDate(), Instant.now().toString(), label.column(), label.positive(),
        featureModel.width(), context.config().training(), featureModel, outcome.epochs(),
        outcome.bestEpoch(), validationMetrics);
    String dir = context.warehouse().modelDir(context.dataset(), version);
    ModelBundle.of(metadata, outcome.network()).save(context.files(), dir);
    new ModelRegistry(context.spark(), context.warehouse()).register(new ModelRegistry.ModelEntry(
        version, context.dataset(), context.runId(), context.runDate(), Instant.now(), dir,
        validationMetrics));
    return StageResult.builder()
        .input(featuresRef)
        .artifact("model", dir)
        .artifact("model_version", version)
        .metrics(validationMetrics)
        .metric("epochs_run", outcome.epochs().size())
        .metric("best_epoch", outcome.bestEpoch())
        .metric("rows_train", classCounts[0] + classCounts[1])
        .metric("parameters", outcome.network().numParams())
        .build();
  }

  /**
   * The features table must hold the vectors the saved feature model makes, computed for the train
   * split it was fitted on; otherwise the network would learn from one transform and ship another.
   */
  private static void checkFeaturesMatchModel(Dataset<Row> features, FeatureModel model,
      TableRef table) {
    long fingerprint = SplitFingerprint.of(features, StratifiedSplitter.TRAIN);
    Row widths = features.agg(functions.min(functions.size(functions.col(FeatureTransform.FEATURES))),
        functions.max(functions.size(functions.col(FeatureTransform.FEATURES)))).head();
    if (fingerprint != model.fittedOn().fingerprint() || widths.getInt(0) != model.width()
        || widths.getInt(1) != model.width()) {
      throw new DeeplineException("train: " + table.path() + " (version " + table.version()
          + ") was not written with the saved feature model (fitted on run " + model.fittedOn().runId()
          + "); re-run features");
    }
  }

  private static org.apache.spark.sql.Column split(String name) {
    return functions.col(StratifiedSplitter.SPLIT).equalTo(name);
  }

  /**
   * Negatives and positives of a split; both must be present, for training to learn anything and for
   * the validation AUC that drives early stopping to exist.
   */
  private static long[] classCounts(Dataset<Row> rows, String split) {
    long[] counts = new long[NetworkFactory.CLASSES];
    for (Row row : rows.groupBy(LabelConfig.LABEL).count().collectAsList()) {
      counts[(int) row.getDouble(0)] = row.getLong(1);
    }
    if (counts[0] == 0 || counts[1] == 0) {
      throw new DeeplineException("train: the " + split + " split has " + counts[0] + " negative and "
          + counts[1] + " positive rows; both classes are needed");
    }
    return counts;
  }

  private static String round(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
