package org.deepline.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.deepline.baselines.BaselineLadder;
import org.deepline.baselines.LinearModel;
import org.deepline.baselines.BoostedTrees;
import org.deepline.baselines.SparkFreeModel;
import org.deepline.training.EnsembleSpec;
import org.deepline.training.ModelBundle;
import org.deepline.training.PromotedBaseline;

/**
 * Positive-class probabilities for minibatches of feature vectors, Spark-free: what batch scoring
 * ({@link BatchScorer}) and single-record scoring ({@link ModelScorer}) need from a model, whether it
 * is one network ({@link NetworkScorer}), boosted trees ({@link TreeScorer}), an ensemble of them
 * ({@link EnsembleScorer}) or a promoted logistic-regression baseline ({@link LinearScorer}).
 *
 * <pre>{@code
 * Predictor predictor = Predictor.of(ModelBundle.load(files, dir));
 * float[] p = predictor.probabilities(rowMajorFeatures, rows);
 * }</pre>
 *
 * <p>Not thread-safe: one instance per thread or task.
 */
public interface Predictor {
  /** The feature vector width the model takes. */
  int inputWidth();

  /**
   * One probability per row of a minibatch held row-major in {@code rowMajor}: the first
   * {@code rows * inputWidth()} values are used.
   */
  float[] probabilities(float[] rowMajor, int rows);

  /**
   * One probability per row of a minibatch given as its non-zero inputs: row {@code r}'s are the
   * entries {@code rowStarts[r]} to {@code rowStarts[r + 1]} of {@code slots} and {@code values}.
   */
  float[] probabilities(int[] rowStarts, int[] slots, float[] values, int rows);

  /** How many classes the model tells apart: 2 unless it is a multi-class network. */
  default int classes() {
    return 2;
  }

  /**
   * Every class's probability of each row of a minibatch given as its non-zero inputs (as
   * {@link #probabilities(int[], int[], float[], int)}), {@link #classes()} per row, row-major; for
   * two classes {@code 1 - p} and {@code p}.
   */
  default float[] classProbabilities(int[] rowStarts, int[] slots, float[] values, int rows) {
    float[] positive = probabilities(rowStarts, slots, values, rows);
    float[] both = new float[rows * 2];
    for (int row = 0; row < rows; row++) {
      both[row * 2] = 1f - positive[row];
      both[row * 2 + 1] = positive[row];
    }
    return both;
  }

  /** The bundle's model: its network, its ensemble or its promoted baseline. */
  static Predictor of(ModelBundle bundle) {
    return of(bundle.metadata().ensemble(), bundle.metadata().baseline(), bundle.networkBytes(),
        bundle.memberFiles(), bundle.metadata().inputWidth());
  }

  /**
   * The model from a bundle's parts: the promoted baseline when {@code baseline} is not null (its
   * bytes are in {@code memberFiles} under its file), else as {@link #of(EnsembleSpec, byte[], Map,
   * int)}.
   */
  static Predictor of(EnsembleSpec ensemble, PromotedBaseline baseline, byte[] networkBytes,
      Map<String, byte[]> memberFiles, int inputWidth) {
    if (baseline == null) {
      return of(ensemble, networkBytes, memberFiles, inputWidth);
    }
    String json = new String(memberFiles.get(baseline.file()), StandardCharsets.UTF_8);
    Predictor predictor = switch (baseline.model()) {
      case BaselineLadder.LOGISTIC_REGRESSION ->
          new LinearScorer(LinearModel.fromJson(json, baseline.file()));
      case BaselineLadder.GBT -> new TreeScorer(BoostedTrees.fromJson(json, baseline.file()),
          inputWidth);
      default -> throw new IllegalArgumentException("baseline " + baseline.model()
          + " cannot score");
    };
    if (predictor.inputWidth() != inputWidth) {
      throw new IllegalArgumentException("the promoted baseline " + baseline.model() + " takes "
          + "vectors " + predictor.inputWidth() + " wide, the feature model makes " + inputWidth);
    }
    return predictor;
  }

  /**
   * The model from a bundle's parts: the network alone when {@code ensemble} is null, else the
   * ensemble of the main network ({@code networkBytes}) and the members in {@code memberFiles}.
   */
  static Predictor of(EnsembleSpec ensemble, byte[] networkBytes, Map<String, byte[]> memberFiles,
      int inputWidth) {
    if (ensemble == null) {
      return NetworkScorer.fromBytes(networkBytes);
    }
    List<Predictor> members = new ArrayList<>();
    for (EnsembleSpec.Member member : ensemble.members()) {
      byte[] bytes = member.isMainNetwork() ? networkBytes : memberFiles.get(member.name());
      members.add(member(member, bytes, inputWidth));
    }
    return new EnsembleScorer(ensemble, members);
  }

  /**
   * A stack's logistic regression, checked to take the feature model's vectors (a promoted one is
   * checked with the other promoted kinds, in {@link #of(EnsembleSpec, PromotedBaseline, byte[],
   * Map, int)}).
   */
  private static Predictor linear(LinearModel model, String file, int width) {
    if (model.width() != width) {
      throw new IllegalArgumentException(file + ": the logistic regression takes vectors "
          + model.width() + " wide, the feature model makes " + width);
    }
    return new LinearScorer(model);
  }

  private static Predictor member(EnsembleSpec.Member member, byte[] bytes, int width) {
    if (EnsembleSpec.NETWORK.equals(member.kind())) {
      return NetworkScorer.fromBytes(bytes);
    }
    SparkFreeModel model = ModelBundle.sparkFreeMember(member, bytes);
    return model instanceof BoostedTrees trees ? new TreeScorer(trees, width)
        : linear((LinearModel) model, member.file(), width);
  }

}
