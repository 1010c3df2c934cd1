package org.deepline.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.deepline.core.DeeplineException;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A training run's checkpoints in the warehouse: after every epoch the network with its updater state
 * (Adam's moments, so a resumed run continues the same optimisation), the best epoch's weights, and a
 * {@value #STATE_FILE} written last. Only what the state file names is a complete checkpoint, so a
 * run killed while writing leaves the previous one usable.
 *
 * <pre>{@code
 * Checkpoints checkpoints = new Checkpoints(files, warehouse.checkpointDir("churn", runId));
 * checkpoints.save(state, network, bestNetwork);
 * Checkpoints.Restored last = checkpoints.load();
 * }</pre>
 */
public final class Checkpoints {
  public static final String STATE_FILE = "state.json";

  private final FileStore files;
  private final String dir;

  public Checkpoints(FileStore files, String dir) {
    this.files = files;
    this.dir = dir;
  }

  public String dir() {
    return dir;
  }

  /**
   * What a resumed run must agree with and where it stands.
   *
   * @param featuresVersion Delta version of the features table the run trained on
   * @param bestScore       the best epoch's early-stopping metric
   */
  public record State(String runId, String dataset, String runDate, long featuresVersion,
      TrainingConfig training, int epoch, List<EpochMetrics> epochs, int bestEpoch,
      double bestScore) {
    public State {
      epochs = List.copyOf(epochs);
    }
  }

  /** A loaded checkpoint: its state, the network to continue from and the best epoch's network. */
  public record Restored(State state, MultiLayerNetwork network, MultiLayerNetwork best) {}

  public boolean exists() {
    return files.exists(dir + "/" + STATE_FILE);
  }

  /** Writes the epoch's checkpoint, then the state naming it, then drops the files it replaces. */
  public void save(State state, MultiLayerNetwork network, MultiLayerNetwork best) {
    State previous = exists() ? readState() : null;
    files.writeBytes(networkFile(state.epoch()), serialise(network, true));
    if (previous == null || previous.bestEpoch() != state.bestEpoch()) {
      files.writeBytes(bestFile(state.bestEpoch()), serialise(best, false));
    }
    files.writeText(dir + "/" + STATE_FILE, Json.write(state));
    if (previous != null) {
      files.deleteRecursively(networkFile(previous.epoch()));
      if (previous.bestEpoch() != state.bestEpoch()) {
        files.deleteRecursively(bestFile(previous.bestEpoch()));
      }
    }
  }

  public Restored load() {
    if (!exists()) {
      throw new DeeplineException("no checkpoint at " + dir + " (" + STATE_FILE + " is missing): "
          + "the run died before its first epoch ended, or it succeeded and its checkpoints were "
          + "removed");
    }
    State state = readState();
    return new Restored(state, restore(networkFile(state.epoch()), true),
        restore(bestFile(state.bestEpoch()), false));
  }

  /** Removes every checkpoint of the run. */
  public void delete() {
    files.deleteRecursively(dir);
  }

  private State readState() {
    String uri = dir + "/" + STATE_FILE;
    return Json.read(files.readText(uri), State.class, uri);
  }

  private String networkFile(int epoch) {
    return dir + String.format(Locale.ROOT, "/epoch-%05d.zip", epoch);
  }

  private String bestFile(int epoch) {
    return dir + String.format(Locale.ROOT, "/best-%05d.zip", epoch);
  }

  private static byte[] serialise(MultiLayerNetwork network, boolean withUpdater) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(network, out, withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the network", e);
    }
    return out.toByteArray();
  }

  private MultiLayerNetwork restore(String uri, boolean withUpdater) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(
          new ByteArrayInputStream(files.readBytes(uri)), withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + uri, e);
    }
  }
}
