package org.deepline.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.LinearModel;
import org.deepline.baselines.SparkFreeModel;
import org.deepline.core.DeeplineException;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deepline.metrics.ScoredLabels;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A saved model: the network's weights and configuration ({@value #NETWORK_FILE}, DL4J's own format)
 * and its {@link ModelMetadata} ({@value #METADATA_FILE}), in one directory per model version; an
 * ensemble's other members' files too, by member name ({@link EnsembleSpec} has the layout), or a
 * promoted baseline's file, by its file name ({@link PromotedBaseline}), and the train run's saved
 * ladder rungs' files, by their file names ({@link LadderModel}).
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.load(files, warehouse.modelDir("churn", version));
 * MultiLayerNetwork net = bundle.network();
 * }</pre>
 */
public record ModelBundle(ModelMetadata metadata, byte[] networkBytes,
    Map<String, byte[]> memberFiles) {
  public static final String NETWORK_FILE = "network.zip";
  public static final String METADATA_FILE = "model.json";
  private static final String VALIDATION_ROC_AUC = "validation_roc_auc";
  private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);

  /**
   * @param memberFiles an ensemble's members other than the main network: their saved bytes by
   *                    member name; a promoted baseline's bytes by its {@code file}; each saved
   *                    ladder rung's by its {@code file}
   */
  public ModelBundle {
    memberFiles = Map.copyOf(memberFiles);
    PromotedBaseline baseline = metadata.baseline();
    if (baseline != null && !memberFiles.containsKey(baseline.file())) {
      throw new IllegalArgumentException("promoted baseline " + baseline.model() + " has no bytes");
    }
    for (LadderModel rung : metadata.ladder()) {
      if (!memberFiles.containsKey(rung.file())) {
        throw new IllegalArgumentException("ladder rung " + rung.model() + " has no bytes");
      }
    }
    EnsembleSpec ensemble = metadata.ensemble();
    if (ensemble != null) {
      for (EnsembleSpec.Member member : ensemble.members()) {
        if (!member.isMainNetwork() && !memberFiles.containsKey(member.name())) {
          throw new IllegalArgumentException("ensemble member " + member.name() + " has no "
              + "bytes");
        }
      }
    }
  }

  /** A single network's bundle. */
  public ModelBundle(ModelMetadata metadata, byte[] networkBytes) {
    this(metadata, networkBytes, Map.of());
  }

  /** A network in DL4J's format without its updater state, as {@value #NETWORK_FILE} holds it. */
  public static byte[] serialise(MultiLayerNetwork network) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      // The updater state only matters to resume training; scoring does not need it.
      ModelSerializer.writeModel(network, out, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the network", e);
    }
    return out.toByteArray();
  }

  public static ModelBundle of(ModelMetadata metadata, MultiLayerNetwork network) {
    return new ModelBundle(metadata, serialise(network));
  }

  public void save(FileStore files, String dir) {
    files.writeBytes(dir + "/" + NETWORK_FILE, networkBytes);
    if (metadata.ensemble() != null) {
      for (EnsembleSpec.Member member : metadata.ensemble().members()) {
        if (!member.isMainNetwork()) {
          files.writeBytes(dir + "/" + member.file(), memberFiles.get(member.name()));
        }
      }
    }
    if (metadata.baseline() != null) {
      String file = metadata.baseline().file();
      files.writeBytes(dir + "/" + file, memberFiles.get(file));
    }
    for (LadderModel rung : metadata.ladder()) {
      files.writeBytes(dir + "/" + rung.file(), memberFiles.get(rung.file()));
    }
    // The metadata last: a directory with model.json has all the files it names.
    files.writeText(dir + "/" + METADATA_FILE, Json.write(metadata));
  }

  public static ModelBundle load(FileStore files, String dir) {
    ModelMetadata metadata = loadMetadata(files, dir);
    Map<String, byte[]> members = new LinkedHashMap<>();
    if (metadata.ensemble() != null) {
      for (EnsembleSpec.Member member : metadata.ensemble().members()) {
        if (!member.isMainNetwork()) {
          String uri = dir + "/" + member.file();
          if (!files.exists(uri)) {
            throw new DeeplineException("model " + dir + ": ensemble member " + member.name()
                + " is missing (" + member.file() + ")");
          }
          members.put(member.name(), files.readBytes(uri));
        }
      }
    }
    if (metadata.baseline() != null) {
      String file = metadata.baseline().file();
      if (!files.exists(dir + "/" + file)) {
        throw new DeeplineException("model " + dir + ": the promoted baseline "
            + metadata.baseline().model() + " is missing (" + file + ")");
      }
      members.put(file, files.readBytes(dir + "/" + file));
    }
    // The rungs are for evaluate's comparison only: a model copied without them still scores.
    List<LadderModel> rungs = new ArrayList<>();
    for (LadderModel rung : metadata.ladder()) {
      String uri = dir + "/" + rung.file();
      if (files.exists(uri)) {
        members.put(rung.file(), files.readBytes(uri));
        rungs.add(rung);
      } else {
        LOG.warn("model {}: the saved baseline {} is missing ({}); evaluate cannot compare the "
            + "model with it", dir, rung.model(), rung.file());
      }
    }
    if (rungs.size() < metadata.ladder().size()) {
      metadata = metadata.withLadder(rungs);
    }
    return new ModelBundle(metadata, files.readBytes(dir + "/" + NETWORK_FILE), members);
  }

  /** The metadata alone, for stages that need to know about a model without running it. */
  public static ModelMetadata loadMetadata(FileStore files, String dir) {
    String metadataUri = dir + "/" + METADATA_FILE;
    if (!files.exists(metadataUri)) {
      throw new DeeplineException("no model at " + dir + " (" + METADATA_FILE + " is missing)");
    }
    return Json.read(files.readText(metadataUri), ModelMetadata.class, metadataUri);
  }

  /**
   * A saved ladder rung of this model's train run as a bundle of its own, which the scorers
   * ({@code BatchScorer}, {@code ModelScorer}) score as they would the rung promoted: with this
   * model's feature model, so on the same inputs.
   */
  public ModelBundle ladderRung(LadderModel rung) {
    if (!metadata.ladder().contains(rung)) {
      throw new IllegalArgumentException("model " + metadata.modelVersion() + " has no saved "
          + "ladder rung " + rung.model());
    }
    Double registeredRocAuc = metadata.validationMetrics().get(VALIDATION_ROC_AUC);
    PromotedBaseline asPromoted = rung.asPromoted(metadata.modelKind(),
        registeredRocAuc == null ? Double.NaN : registeredRocAuc);
    // The baseline's scorer never reads the network: no bytes to ship to every task.
    return new ModelBundle(metadata.as(asPromoted), new byte[0],
        Map.of(rung.file(), memberFiles.get(rung.file())));
  }

  public MultiLayerNetwork network() {
    return restore(networkBytes);
  }

  /**
   * The model's probabilities for {@code data}'s rows, with their labels: the network's, or the
   * ensemble's combination of its members' by {@link EnsembleSpec#combine}, the one rule training
   * and scoring combine them by. Why here: a stage that judges a model version on a cached split
   * ({@code compress}) must judge a deep ensemble or a stack as what it is, not by its main network.
   *
   * @throws IllegalStateException for a promoted baseline, which has no network to score here
   */
  public ScoredLabels score(JavaSparkContext spark, TrainingData data) {
    if (metadata.baseline() != null) {
      throw new IllegalStateException("model " + metadata.modelVersion() + " is a promoted "
          + metadata.baseline().model() + ", scored by its own scorer");
    }
    EnsembleSpec ensemble = metadata.ensemble();
    if (ensemble == null) {
      return data.score(spark, network());
    }
    // MemberScores takes the networks first and the Spark-free members after them: each member's
    // column there, in the spec's order, which combine takes.
    List<MultiLayerNetwork> networks = new ArrayList<>();
    List<SparkFreeModel> others = new ArrayList<>();
    List<EnsembleSpec.Member> members = ensemble.members();
    boolean[] isNetwork = new boolean[members.size()];
    for (int m = 0; m < members.size(); m++) {
      EnsembleSpec.Member member = members.get(m);
      isNetwork[m] = EnsembleSpec.NETWORK.equals(member.kind());
      if (isNetwork[m]) {
        networks.add(member.isMainNetwork() ? network() : restore(memberFiles.get(member.name())));
      } else {
        others.add(sparkFreeMember(member, memberFiles.get(member.name())));
      }
    }
    MemberScores scored = MemberScores.of(spark, data, networks, others);
    float[][] inSpecOrder = new float[members.size()][];
    int nextNetwork = 0;
    int nextOther = networks.size();
    for (int m = 0; m < members.size(); m++) {
      inSpecOrder[m] = scored.probabilities()[isNetwork[m] ? nextNetwork++ : nextOther++];
    }
    return new MemberScores(inSpecOrder, scored.labels()).combined(ensemble);
  }

  /**
   * An ensemble member that is not a network, read from its file's {@code bytes}: the one place
   * that knows which kind of member is stored how, for training's judging ({@link #score}) and
   * scoring's predictors alike.
   *
   * @throws IllegalArgumentException for a member of another kind
   */
  public static SparkFreeModel sparkFreeMember(EnsembleSpec.Member member, byte[] bytes) {
    String json = new String(bytes, StandardCharsets.UTF_8);
    return switch (member.kind()) {
      case EnsembleSpec.BOOSTED_TREES -> BoostedTrees.fromJson(json, member.file());
      case EnsembleSpec.LINEAR -> LinearModel.fromJson(json, member.file());
      default -> throw new IllegalArgumentException("ensemble member " + member.name()
          + " is of unknown kind " + member.kind());
    };
  }

  public static MultiLayerNetwork restore(byte[] networkBytes) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(networkBytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the network", e);
    }
  }
}
