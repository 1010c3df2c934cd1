package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deepline.features.FeatureModel;

/**
 * What the network's input layer receives: the feature vector's width and which of its slots hold a
 * category index to embed ({@code embedding} encoding) rather than a number.
 *
 * <pre>{@code
 * NetworkInput input = NetworkInput.of(featureModel);   // width 40, slot 12 embeds 231 rows in 16
 * NetworkFactory.binaryClassifier(config, input, weights);
 * }</pre>
 *
 * @param width    the feature vector's length
 * @param embedded the index slots in vector order; empty: a plain dense input
 */
public record NetworkInput(int width, List<Embedded> embedded) implements Serializable {
  private static final long serialVersionUID = 1L;

  public NetworkInput {
    embedded = List.copyOf(embedded);
  }

  /**
   * One index slot: the feature it encodes, its slot, its table's rows (the vocabulary plus one for
   * every other value) and the embedding's width.
   */
  public record Embedded(String feature, int slot, int rows, int dimensions)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A vector of plain numbers. */
  public static NetworkInput plain(int width) {
    return new NetworkInput(width, List.of());
  }

  /** The input of the vectors {@code model} writes, in {@code FeatureVectorizer}'s slot order. */
  public static NetworkInput of(FeatureModel model) {
    List<Embedded> embedded = new ArrayList<>();
    List<FeatureModel.SlotGroup> groups = model.slotGroups();
    for (int c = 0; c < model.categorical().size(); c++) {
      FeatureModel.CategoricalFeature f = model.categorical().get(c);
      if (f.embedded()) {
        // Slot groups list the numeric inputs first, then the categorical ones in order.
        int slot = groups.get(model.numeric().size() + c).start();
        embedded.add(new Embedded(f.name(), slot, f.vocabulary().size() + 1, f.dimensions()));
      }
    }
    return new NetworkInput(model.width(), embedded);
  }

  public boolean hasEmbeddings() {
    return !embedded.isEmpty();
  }

  /** The width the first hidden layer receives: the plain slots plus every embedding. */
  public int hiddenInputWidth() {
    return width - embedded.size() + embedded.stream().mapToInt(Embedded::dimensions).sum();
  }

  /** Parameters of the embedding tables. */
  public long embeddingParameters() {
    return embedded.stream().mapToLong(e -> (long) e.rows() * e.dimensions()).sum();
  }

  EmbeddingInputLayer embeddingLayer() {
    return new EmbeddingInputLayer(width,
        embedded.stream().mapToInt(Embedded::slot).toArray(),
        embedded.stream().mapToInt(Embedded::rows).toArray(),
        embedded.stream().mapToInt(Embedded::dimensions).toArray());
  }
}
