package org.deepline.compression;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTable;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.training.TrainingData;
import org.deepline.tracking.ModelRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Compress: makes a smaller version of a registered model by int8 weight quantisation or magnitude
 * pruning ({@link WeightCompression}), measures what it costs on the run date's test split (ROC AUC
 * of both versions on the same rows) and what it saves ({@code network.zip} bytes), re-chooses the
 * decision threshold on the validation split with the model's threshold rule, and registers the result
 * as a new model version ({@code <version>-int8}, {@code <version>-pruned<percent>}). As the newest
 * model of its training date, {@code score} uses it from then on unless {@code scoring.model_version}
 * names another.
 */
public final class CompressJob implements Stage {
  private static final int PERCENT = 100;

  @Override
  public Name name() {
    return new Name("compress",
        "Quantise (int8) or prune a registered model into a new model version.");
  }

  @Override
  public StageResult run(RunContext context) {
    CompressionConfig config = context.section(CompressionConfig.class);
    ModelRegistry registry = new ModelRegistry(context.spark(), context.warehouse());
    ModelRegistry.ModelEntry source = registry.named(context.dataset(), context.runDate(),
        config.modelVersion());
    ModelBundle bundle = ModelBundle.load(context.files(), source.path());
    ModelMetadata metadata = bundle.metadata();
    if (metadata.baseline() != null) {
      // A baseline has no network weights to quantise or prune: network.zip is the network it beat.
      throw new DeeplineException("compress: model " + source.modelVersion() + " is a promoted "
          + metadata.modelKind() + " (" + metadata.baseline().settings() + "); it has no network "
          + "weights to compress; name a network model version with compression.model_version");
    }
    if (metadata.ensemble() != null) {
      // Compressing only network.zip would register the main network under the ensemble's name.
      throw new DeeplineException("compress: model " + source.modelVersion() + " is a "
          + metadata.modelKind() + "; compression applies to a single network (name one with "
          + "compression.model_version, or train one with training.ensemble.method \"none\")");
    }
    RunContext.Input features = context.input(Table.FEATURES);
    Dataset<Row> featureRows = FeatureTable.withDenseVectors(features.rows());
    String artifact = context.warehouse().featureArtifact(context.dataset(), context.runDate());
    FeatureModel dateModel = FeatureModel.fromJson(context.files().readText(artifact), artifact);
    if (!dateModel.equals(metadata.featureModel())) {
      throw new DeeplineException("compress: the features of " + context.runDate() + " were made "
          + "with another feature model than model " + source.modelVersion() + " (trained on "
          + source.runDate() + "); run compress with --run-date " + source.runDate());
    }

    MultiLayerNetwork original = bundle.network();
    boolean int8 = CompressionConfig.INT8.equals(config.method());
    MultiLayerNetwork compressed = int8 ? WeightCompression.quantizeInt8(original)
        : WeightCompression.prune(original, config.sparsity());
    String version = source.modelVersion() + (int8 ? "-int8"
        : String.format(Locale.ROOT, "-pruned%d", Math.round(config.sparsity() * PERCENT)));

    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    ScoredLabels testBefore;
    ScoredLabels testAfter;
    ScoredLabels validationAfter;
    TrainingData test = cache(featureRows, StratifiedSplitter.TEST, metadata);
    try {
      testBefore = test.score(spark, original);
      testAfter = test.score(spark, compressed);
    } finally {
      test.release();
    }
    TrainingData validation = cache(featureRows, StratifiedSplitter.VALIDATION, metadata);
    try {
      validationAfter = validation.score(spark, compressed);
    } finally {
      validation.release();
    }
    DecisionThreshold threshold = validationAfter.positives() == 0 ? metadata.decisionThreshold()
        : metadata.training().threshold().toRule().choose(validationAfter);

    Map<String, Double> validationMetrics = new LinkedHashMap<>();
    validationMetrics.put("validation_roc_auc", validationAfter.rocAuc());
    validationMetrics.put("validation_pr_auc", validationAfter.prAuc());
    validationMetrics.put("validation_loss", validationAfter.logLoss());
    ModelMetadata compressedMetadata = new ModelMetadata(version, metadata.dataset(),
        context.runId(), metadata.runDate(), Instant.now().toString(), metadata.labelColumn(),
        metadata.positiveLabel(), metadata.inputWidth(), metadata.training(),
        metadata.featureModel(), metadata.epochs(), metadata.bestEpoch(), validationMetrics,
        threshold);
    ModelBundle smaller = ModelBundle.of(compressedMetadata, compressed);
    String dir = context.warehouse().modelDir(context.dataset(), version);
    smaller.save(context.files(), dir);
    registry.register(new ModelRegistry.ModelEntry(version, metadata.dataset(), context.runId(),
        metadata.runDate(), Instant.now(), dir, validationMetrics));

    return StageResult.builder()
        .input(features.ref())
        .artifact("model", dir)
        .artifact("model_version", version)
        .artifact("compressed_from", source.modelVersion())
        .artifact("method", config.method())
        .metric("network_bytes_before", bundle.networkBytes().length)
        .metric("network_bytes_after", smaller.networkBytes().length)
        .metric("size_ratio", smaller.networkBytes().length / (double) bundle.networkBytes().length)
        .metric("weight_sparsity", WeightCompression.weightSparsity(compressed))
        .metric("test_roc_auc_before", testBefore.rocAuc())
        .metric("test_roc_auc_after", testAfter.rocAuc())
        .metric("test_roc_auc_change", testAfter.rocAuc() - testBefore.rocAuc())
        .metric("decision_threshold", threshold.value())
        .metrics(validationMetrics)
        .build();
  }

  private static TrainingData cache(Dataset<Row> features, String split, ModelMetadata metadata) {
    return TrainingData.cache(features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split)),
        metadata.training().workers(), metadata.training().seed(), split, metadata.inputWidth());
  }
}
