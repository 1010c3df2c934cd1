package org.deepline.training;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deepline.core.DeeplineException;
import org.deepline.core.FileStore;
import org.deepline.core.Json;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A saved model: the network's weights and configuration ({@value #NETWORK_FILE}, DL4J's own format)
 * and its {@link ModelMetadata} ({@value #METADATA_FILE}), in one directory per model version.
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.load(files, warehouse.modelDir("churn", version));
 * MultiLayerNetwork net = bundle.network();
 * }</pre>
 */
public record ModelBundle(ModelMetadata metadata, byte[] networkBytes) {
  public static final String NETWORK_FILE = "network.zip";
  public static final String METADATA_FILE = "model.json";

  public static ModelBundle of(ModelMetadata metadata, MultiLayerNetwork network) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      // The updater state only matters to resume training; scoring does not need it.
      ModelSerializer.writeModel(network, out, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the network", e);
    }
    return new ModelBundle(metadata, out.toByteArray());
  }

  public void save(FileStore files, String dir) {
    files.writeBytes(dir + "/" + NETWORK_FILE, networkBytes);
    files.writeText(dir + "/" + METADATA_FILE, Json.write(metadata));
  }

  public static ModelBundle load(FileStore files, String dir) {
    return new ModelBundle(loadMetadata(files, dir), files.readBytes(dir + "/" + NETWORK_FILE));
  }

  /** The metadata alone, for stages that need to know about a model without running it. */
  public static ModelMetadata loadMetadata(FileStore files, String dir) {
    String metadataUri = dir + "/" + METADATA_FILE;
    if (!files.exists(metadataUri)) {
      throw new DeeplineException("no model at " + dir + " (" + METADATA_FILE + " is missing)");
    }
    return Json.read(files.readText(metadataUri), ModelMetadata.class, metadataUri);
  }

  public MultiLayerNetwork network() {
    return restore(networkBytes);
  }

  public static MultiLayerNetwork restore(byte[] networkBytes) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(networkBytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the network", e);
    }
  }
}
