package org.deepline.training;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Builds the DL4J network described by {@link TrainingConfig}: dense hidden layers and a two-class
 * softmax output trained with (optionally class-weighted) cross-entropy, optimised by Adam. When the
 * feature vector holds category indices ({@code embedding} encoding), an
 * {@link EmbeddingInputLayer} in front of the hidden layers looks them up.
 *
 * <pre>{@code
 * MultiLayerConfiguration conf = NetworkFactory.binaryClassifier(config.training(),
 *     NetworkInput.of(featureModel), null);
 * }</pre>
 */
public final class NetworkFactory {
  public static final int CLASSES = 2;

  private NetworkFactory() {}

  /** A network over a vector of {@code inputWidth} plain numbers (no category indices). */
  public static MultiLayerConfiguration binaryClassifier(TrainingConfig config, int inputWidth,
      double[] classWeights) {
    return binaryClassifier(config, NetworkInput.plain(inputWidth), classWeights);
  }

  /**
   * @param input        the feature vector: its width and the slots that hold category indices
   * @param classWeights loss weight of class 0 and class 1, or null for unweighted
   */
  public static MultiLayerConfiguration binaryClassifier(TrainingConfig config, NetworkInput input,
      double[] classWeights) {
    return classifier(config, input, CLASSES, classWeights);
  }

  /**
   * A network with a softmax output of {@code classes} units: a multi-class label's (the same
   * head as the binary one's, wider).
   *
   * @param classWeights loss weight of each class, or null for unweighted
   */
  public static MultiLayerConfiguration classifier(TrainingConfig config, NetworkInput input,
      int classes, double[] classWeights) {
    ILossFunction loss = config.loss().isFocal()
        ? new FocalLoss(config.loss().gamma(), classWeights)
        : classWeights == null ? new LossMCXENT()
            : new LossMCXENT(Nd4j.createFromArray(classWeights)
                .castTo(Nd4j.defaultFloatingPointType()));
    return network(config, input, loss, classes, Activation.SOFTMAX);
  }

  /**
   * A network with one linear output unit trained with {@code loss}: a regression label's, which
   * learns the standardised number ({@link TrainingData#standardise}).
   */
  public static MultiLayerConfiguration regressor(TrainingConfig config, NetworkInput input,
      ILossFunction loss) {
    return network(config, input, loss, TrainingData.NUMBER, Activation.IDENTITY);
  }

  /** The hidden layers {@code training.layers} describe under an output layer of {@code outputs}. */
  private static MultiLayerConfiguration network(TrainingConfig config, NetworkInput input,
      ILossFunction loss, int outputs, Activation outputActivation) {
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(config.seed())
        .weightInit(WeightInit.XAVIER)
        .updater(config.learningRateDecay() == 1.0 ? new Adam(config.learningRate())
            : new Adam(new ExponentialSchedule(ScheduleType.EPOCH, config.learningRate(),
                config.learningRateDecay())))
        .l2(config.l2())
        .list();
    int width = input.width();
    if (input.hasEmbeddings()) {
      EmbeddingInputLayer embeddings = input.embeddingLayer();
      layers.layer(embeddings);
      width = embeddings.outputWidth();
    }
    for (LayerSpec spec : config.layers()) {
      DenseLayer.Builder dense = new DenseLayer.Builder()
          .nIn(width)
          .nOut(spec.units())
          .activation(activation(spec.activation()));
      if (spec.dropout() > 0) {
        // DL4J's dropOut takes the probability of keeping a unit, the config the one of dropping it.
        dense.dropOut(1.0 - spec.dropout());
      }
      layers.layer(dense.build());
      width = spec.units();
    }
    layers.layer(new OutputLayer.Builder(loss)
        .nIn(width)
        .nOut(outputs)
        .activation(outputActivation)
        .build());
    return layers.build();
  }

  static Activation activation(String name) {
    return switch (name) {
      case "relu" -> Activation.RELU;
      case "tanh" -> Activation.TANH;
      case "sigmoid" -> Activation.SIGMOID;
      case "leakyrelu" -> Activation.LEAKYRELU;
      case "elu" -> Activation.ELU;
      case "identity" -> Activation.IDENTITY;
      default -> throw new IllegalArgumentException("unknown activation " + name);
    };
  }
}
