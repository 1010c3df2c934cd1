package org.deepline.compression;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureTable;
import org.deepline.metrics.DecisionThreshold;
import org.deepline.metrics.ScoredLabels;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.training.EnsembleSpec;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.training.TrainingData;
import org.deepline.tracking.ModelRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compress: makes a smaller version of a registered model by int8 weight quantisation or magnitude
 * pruning ({@link WeightCompression}), measures what it costs on the run date's test split (ROC AUC
 * of both versions on the same rows) and what it saves ({@code network.zip} bytes), re-chooses the
 * decision threshold on the validation split with the model's threshold rule, and registers the result
 * as a new model version ({@code <version>-int8}, {@code <version>-pruned<percent>}). As the newest
 * model of its training date, {@code score} uses it from then on unless {@code scoring.model_version}
 * names another.
 *
 * <p>An ensemble (a deep ensemble, bagging, a stack) is compressed member by member: every network
 * in it, and the bundle's main network, is quantised or pruned alike; a stack's boosted trees and
 * logistic regression are kept as they are (a few kilobytes of JSON), and so are the combiner and
 * its weights. The new version is the same ensemble of smaller networks, judged as the ensemble:
 * small data sets get a deep ensemble by default, and a compression that refused it refused the
 * model most users have.
 */
public final class CompressJob implements Stage {
  private static final int PERCENT = 100;
  /** The train run's figures of its baseline ladder among a model's validation metrics. */
  private static final String BASELINE_PREFIX = "baseline_";
  /** The suffix this stage gives the versions it registers. */
  private static final Pattern COMPRESSED_SUFFIX = Pattern.compile("(-(int8|pruned[0-9]+))+$");
  private static final Logger LOG = LoggerFactory.getLogger(CompressJob.class);

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
    if (config.modelVersion() == null
        && COMPRESSED_SUFFIX.matcher(source.modelVersion()).find()) {
      // A second compress of a date (prune after int8) takes the first one's output as newest.
      LOG.warn("compress {}: the newest model, {}, is itself a compressed version, and it is "
          + "compressed again; to compress the trained model, name it with "
          + "compression.model_version={}", context.dataset(), source.modelVersion(),
          COMPRESSED_SUFFIX.matcher(source.modelVersion()).replaceAll(""));
    }
    ModelBundle bundle = ModelBundle.load(context.files(), source.path());
    ModelMetadata metadata = bundle.metadata();
    if (metadata.isMulticlass()) {
      throw new DeeplineException(Failure.CONFIG, "compress: model " + metadata.modelVersion()
          + " predicts " + metadata.classes().size() + " classes; compression chooses its "
          + "threshold and judges its student by one class's probability, so it takes models of "
          + "a 0/1 label only");
    }
    if (metadata.isRegression()) {
      throw new DeeplineException(Failure.CONFIG, "compress: model " + metadata.modelVersion()
          + " predicts a number; compression chooses its threshold and judges its student by "
          + "one class's probability, so it takes models of a 0/1 label only");
    }
    if (metadata.baseline() != null) {
      // A baseline has no network weights to quantise or prune: network.zip is the network it beat.
      throw new DeeplineException("compress: model " + source.modelVersion() + " is a promoted "
          + metadata.modelKind() + " (" + metadata.baseline().settings() + "); it has no network "
          + "weights to compress; name a network model version with compression.model_version");
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

    boolean int8 = CompressionConfig.INT8.equals(config.method());
    UnaryOperator<MultiLayerNetwork> compression = int8 ? WeightCompression::quantizeInt8
        : network -> WeightCompression.prune(network, config.sparsity());
    String version = source.modelVersion() + (int8 ? "-int8"
        : String.format(Locale.ROOT, "-pruned%d", Math.round(config.sparsity() * PERCENT)));
    Compressed compressed = compress(bundle, compression);
    // Judged under the source's metadata until its own (threshold, figures) is made from them.
    ModelBundle candidate = compressed.bundle(metadata);

    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context.spark().sparkContext());
    ScoredLabels testBefore;
    ScoredLabels testAfter;
    ScoredLabels validationAfter;
    TrainingData test = cache(featureRows, StratifiedSplitter.TEST, metadata);
    try {
      testBefore = bundle.score(spark, test);
      testAfter = candidate.score(spark, test);
    } finally {
      test.release();
    }
    TrainingData validation = cache(featureRows, StratifiedSplitter.VALIDATION, metadata);
    try {
      validationAfter = candidate.score(spark, validation);
    } finally {
      validation.release();
    }
    DecisionThreshold threshold = validationAfter.positives() == 0 ? metadata.decisionThreshold()
        : metadata.training().threshold().toRule().choose(validationAfter);

    Map<String, Double> validationMetrics = new LinkedHashMap<>();
    validationMetrics.put("validation_roc_auc", validationAfter.rocAuc());
    validationMetrics.put("validation_pr_auc", validationAfter.prAuc());
    validationMetrics.put("validation_loss", validationAfter.logLoss());
    // The ladder's validation figures stay true of the same rows: the report's Baselines table.
    Map<String, Double> registeredMetrics = new LinkedHashMap<>(validationMetrics);
    metadata.validationMetrics().forEach((name, value) -> {
      if (name.startsWith(BASELINE_PREFIX)) {
        registeredMetrics.put(name, value);
      }
    });
    ModelMetadata compressedMetadata = new ModelMetadata(version, metadata.dataset(),
        context.runId(), metadata.runDate(), Instant.now().toString(), metadata.labelColumn(),
        metadata.positiveLabel(), metadata.inputWidth(), metadata.training(),
        metadata.featureModel(), metadata.epochs(), metadata.bestEpoch(), registeredMetrics,
        threshold, metadata.ensemble(), metadata.layerStatistics(), null, metadata.ladder());
    ModelBundle smaller = compressed.bundle(compressedMetadata);
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
        .metric("networks_compressed", compressed.networks().size())
        .metric("network_bytes_before", networkBytes(bundle))
        .metric("network_bytes_after", networkBytes(smaller))
        .metric("size_ratio", networkBytes(smaller) / (double) networkBytes(bundle))
        .metric("weight_sparsity", WeightCompression.weightSparsity(compressed.networks()))
        .metric("test_roc_auc_before", testBefore.rocAuc())
        .metric("test_roc_auc_after", testAfter.rocAuc())
        .metric("test_roc_auc_change", testAfter.rocAuc() - testBefore.rocAuc())
        .metric("decision_threshold", threshold.value())
        .metrics(validationMetrics)
        .build();
  }

  /**
   * A bundle's networks compressed: the main network's bytes, the other files (an ensemble's
   * networks compressed, its other members and the saved ladder rungs as they were) and every
   * compressed network.
   */
  private record Compressed(byte[] mainNetwork, Map<String, byte[]> memberFiles,
      List<MultiLayerNetwork> networks) {
    ModelBundle bundle(ModelMetadata metadata) {
      return new ModelBundle(metadata, mainNetwork, memberFiles);
    }
  }

  private static Compressed compress(ModelBundle bundle, UnaryOperator<MultiLayerNetwork> compression) {
    MultiLayerNetwork main = compression.apply(bundle.network());
    List<MultiLayerNetwork> networks = new ArrayList<>(List.of(main));
    // The ladder's rungs go with the model, so evaluate compares the compressed version with them.
    Map<String, byte[]> members = new LinkedHashMap<>(bundle.memberFiles());
    EnsembleSpec ensemble = bundle.metadata().ensemble();
    if (ensemble != null) {
      for (EnsembleSpec.Member member : ensemble.members()) {
        if (member.isMainNetwork()) {
          continue;
        }
        if (EnsembleSpec.NETWORK.equals(member.kind())) {
          MultiLayerNetwork network = compression.apply(
              ModelBundle.restore(bundle.memberFiles().get(member.name())));
          networks.add(network);
          members.put(member.name(), ModelBundle.serialise(network));
        }
      }
    }
    return new Compressed(ModelBundle.serialise(main), members, networks);
  }

  /** The bytes of a bundle's networks: {@code network.zip} and an ensemble's network members. */
  private static long networkBytes(ModelBundle bundle) {
    long bytes = bundle.networkBytes().length;
    EnsembleSpec ensemble = bundle.metadata().ensemble();
    if (ensemble != null) {
      for (EnsembleSpec.Member member : ensemble.members()) {
        if (!member.isMainNetwork() && EnsembleSpec.NETWORK.equals(member.kind())) {
          bytes += bundle.memberFiles().get(member.name()).length;
        }
      }
    }
    return bytes;
  }

  private static TrainingData cache(Dataset<Row> features, String split, ModelMetadata metadata) {
    return TrainingData.cache(features.where(functions.col(StratifiedSplitter.SPLIT).equalTo(split)),
        metadata.training().workers(), metadata.training().seed(), split, metadata.inputWidth());
  }
}
