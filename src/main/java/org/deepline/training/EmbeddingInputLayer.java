package org.deepline.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The network's first layer when some inputs are category indices: every other input passes through
 * unchanged, and each index slot is replaced by its row of a trained embedding table, so a column
 * with thousands of values becomes a few dense inputs instead of thousands of one-hot slots.
 *
 * <p>Why a layer inside the {@code MultiLayerNetwork} and not a {@code ComputationGraph} with one
 * {@code EmbeddingLayer} per column: every consumer of deepline's network (parameter averaging,
 * checkpoints, the model bundle, the scorers with and without Spark, prior correction, the collapse
 * guard) takes a {@code MultiLayerNetwork} fed one vector per row, and this layer keeps that
 * contract. Why not a SameDiff layer: DL4J 1.0.0-M2's {@code SameDiffLayer} doubles the gradients it
 * returns (its parameters' and its input's; a finite-difference check shows it), so the lookup and
 * its gradient are written out here, as DL4J's own {@code EmbeddingLayer} does.
 *
 * <p>Output order: the passed-through inputs in their vector order, then each embedding in the order
 * of {@code indexSlots}. Table {@code e} is parameter {@code E<e>} with {@code rows[e]} rows (the
 * vocabulary plus one for values outside it) and {@code dimensions[e]} columns. The layer has no
 * activation and no bias: the next layer's weights and bias act on the embeddings. It must be the
 * first layer: indices have no gradient, so it returns none to a layer below.
 *
 * <pre>{@code
 * // a 12-wide vector whose slot 3 holds an index into 230 airports, embedded in 16 dimensions
 * new EmbeddingInputLayer(12, new int[] {3}, new int[] {230}, new int[] {16});   // 27 outputs
 * }</pre>
 *
 * <p>Getters and setters and the no-argument constructor are DL4J's JSON serialisation contract
 * for layer configurations (saving, Spark workers).
 */
public final class EmbeddingInputLayer extends BaseLayer {
  private static final long serialVersionUID = 1L;
  private static final String TABLE_PREFIX = "E";
  /** Embedding tables start small and symmetric, as Keras and PyTorch initialise theirs. */
  private static final double INITIAL_SCALE = 0.05;

  private int inputWidth;
  private int[] indexSlots;
  private int[] rows;
  private int[] dimensions;

  /** For DL4J's JSON deserialisation only. */
  public EmbeddingInputLayer() {}

  /**
   * @param inputWidth the feature vector's width
   * @param indexSlots the slots that hold an index, ascending
   * @param rows       per index slot, its table's rows: indices run from 0 to {@code rows - 1}
   * @param dimensions per index slot, its embedding's width
   */
  public EmbeddingInputLayer(int inputWidth, int[] indexSlots, int[] rows, int[] dimensions) {
    if (indexSlots.length == 0 || indexSlots.length != rows.length
        || rows.length != dimensions.length) {
      throw new IllegalArgumentException("one table size and width per index slot, got "
          + Arrays.toString(indexSlots) + ", " + Arrays.toString(rows) + ", "
          + Arrays.toString(dimensions));
    }
    for (int e = 0; e < indexSlots.length; e++) {
      if (indexSlots[e] < 0 || indexSlots[e] >= inputWidth
          || (e > 0 && indexSlots[e] <= indexSlots[e - 1]) || rows[e] < 1 || dimensions[e] < 1) {
        throw new IllegalArgumentException("index slot " + indexSlots[e] + " of a " + inputWidth
            + "-wide input with " + rows[e] + " rows and " + dimensions[e] + " dimensions");
      }
    }
    this.inputWidth = inputWidth;
    this.indexSlots = indexSlots.clone();
    this.rows = rows.clone();
    this.dimensions = dimensions.clone();
  }

  /**
   * The feature vector width {@code network} takes: DL4J's {@code layerInputSize} knows only layers
   * with an {@code nIn}, which this one does not have.
   */
  public static int inputWidth(MultiLayerNetwork network) {
    return network.getLayerWiseConfigurations().getConf(0).getLayer()
        instanceof EmbeddingInputLayer embeddings ? embeddings.inputWidth
        : (int) network.layerInputSize(0);
  }

  /** The width of what this layer passes on: the other inputs plus every embedding. */
  public int outputWidth() {
    return inputWidth - indexSlots.length + Arrays.stream(dimensions).sum();
  }

  /** The inputs that pass through unchanged, ascending. */
  int[] passedSlots() {
    int[] passed = new int[inputWidth - indexSlots.length];
    int next = 0;
    int e = 0;
    for (int slot = 0; slot < inputWidth; slot++) {
      if (e < indexSlots.length && indexSlots[e] == slot) {
        e++;
      } else {
        passed[next++] = slot;
      }
    }
    return passed;
  }

  static String tableName(int e) {
    return TABLE_PREFIX + e;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
      boolean initializeParams, DataType networkDataType) {
    Lookup layer = new Lookup(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return Tables.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(outputWidth());
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    // The width is fixed at construction: the index slots are positions in it.
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long parameters = initializer().numParams(this);
    return new LayerMemoryReport.Builder(layerName, EmbeddingInputLayer.class, inputType,
        getOutputType(0, inputType))
        .standardMemory(parameters, parameters)
        .workingMemory(0, 0, 0, outputWidth())
        .cacheMemory(0, 0)
        .build();
  }

  public int getInputWidth() {
    return inputWidth;
  }

  public void setInputWidth(int inputWidth) {
    this.inputWidth = inputWidth;
  }

  public int[] getIndexSlots() {
    return indexSlots;
  }

  public void setIndexSlots(int[] indexSlots) {
    this.indexSlots = indexSlots;
  }

  public int[] getRows() {
    return rows;
  }

  public void setRows(int[] rows) {
    this.rows = rows;
  }

  public int[] getDimensions() {
    return dimensions;
  }

  public void setDimensions(int[] dimensions) {
    this.dimensions = dimensions;
  }

  /**
   * The tables' place in the network's flat parameter vector, one after the other, each a
   * row-major {@code rows x dimensions} view.
   */
  static final class Tables implements ParamInitializer {
    static final Tables INSTANCE = new Tables();

    private static EmbeddingInputLayer of(Layer layer) {
      return (EmbeddingInputLayer) layer;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
      return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
      EmbeddingInputLayer embeddings = of(layer);
      long total = 0;
      for (int e = 0; e < embeddings.rows.length; e++) {
        total += (long) embeddings.rows[e] * embeddings.dimensions[e];
      }
      return total;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
      List<String> keys = new ArrayList<>();
      for (int e = 0; e < of(layer).rows.length; e++) {
        keys.add(tableName(e));
      }
      return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
      return paramKeys(layer);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
      return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
      return paramKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
      return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView,
        boolean initializeParams) {
      Map<String, INDArray> tables = views(conf.getLayer(), paramsView);
      if (initializeParams) {
        // Nd4j's generator, which the network seeded from its configuration before this call.
        tables.values().forEach(table -> table.assign(Nd4j.rand(table.dataType(), table.shape())
            .muli(2 * INITIAL_SCALE).subi(INITIAL_SCALE)));
      }
      return tables;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf,
        INDArray gradientView) {
      return views(conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(Layer layer, INDArray flat) {
      EmbeddingInputLayer embeddings = of(layer);
      INDArray vector = flat.reshape(flat.length());
      Map<String, INDArray> views = new LinkedHashMap<>();
      long start = 0;
      for (int e = 0; e < embeddings.rows.length; e++) {
        long size = (long) embeddings.rows[e] * embeddings.dimensions[e];
        views.put(tableName(e), vector.get(NDArrayIndex.interval(start, start + size))
            .reshape('c', embeddings.rows[e], embeddings.dimensions[e]));
        start += size;
      }
      return views;
    }
  }

  /** The layer at work: the lookup forward, the tables' gradients backward. */
  static final class Lookup extends org.deeplearning4j.nn.layers.BaseLayer<EmbeddingInputLayer> {
    Lookup(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
      assertInputSet(false);
      EmbeddingInputLayer spec = layerConf();
      if (input.rank() != 2 || input.size(1) != spec.inputWidth) {
        throw new DL4JInvalidInputException("embedding input: expected rows of "
            + spec.inputWidth + " values, got shape " + Arrays.toString(input.shape()));
      }
      long batch = input.size(0);
      INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, batch,
          spec.outputWidth());
      int[] passed = spec.passedSlots();
      if (passed.length > 0) {
        output.get(NDArrayIndex.all(), NDArrayIndex.interval(0, passed.length))
            .assign(input.getColumns(passed));
      }
      int column = passed.length;
      for (int e = 0; e < spec.indexSlots.length; e++) {
        int[] indices = indices(e);
        output.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + spec.dimensions[e]))
            .assign(Nd4j.pullRows(getParam(tableName(e)), 1, indices));
        column += spec.dimensions[e];
      }
      return output;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
        LayerWorkspaceMgr workspaceMgr) {
      assertInputSet(true);
      EmbeddingInputLayer spec = layerConf();
      Gradient gradient = new DefaultGradient();
      int column = spec.outputWidth() - Arrays.stream(spec.dimensions).sum();
      for (int e = 0; e < spec.indexSlots.length; e++) {
        INDArray tableGradient = gradientViews.get(tableName(e));
        tableGradient.assign(0);
        INDArray rowGradients = epsilon.get(NDArrayIndex.all(),
            NDArrayIndex.interval(column, column + spec.dimensions[e])).dup('c');
        // Rows looked up several times in the minibatch collect each lookup's gradient.
        ScatterAdd add = new ScatterAdd(tableGradient, Nd4j.createFromArray(indices(e)),
            rowGradients);
        add.addOutputArgument(tableGradient);
        Nd4j.exec(add);
        gradient.gradientForVariable().put(tableName(e), tableGradient);
        column += spec.dimensions[e];
      }
      // The first layer: nothing below it takes a gradient, and indices have none.
      return new Pair<>(gradient, null);
    }

    /** Table {@code e}'s row per example, read from its index slot and checked. */
    private int[] indices(int e) {
      EmbeddingInputLayer spec = layerConf();
      double[] values = input.getColumn(spec.indexSlots[e]).toDoubleVector();
      int[] indices = new int[values.length];
      for (int row = 0; row < values.length; row++) {
        double value = values[row];
        if (value != Math.rint(value) || value < 0 || value >= spec.rows[e]) {
          throw new DL4JInvalidInputException("embedding input: slot " + spec.indexSlots[e]
              + " of row " + row + " holds " + value + ", not an index in [0, " + spec.rows[e]
              + ")");
        }
        indices[row] = (int) value;
      }
      return indices;
    }

    @Override
    public boolean isPretrainLayer() {
      return false;
    }

    @Override
    public boolean hasBias() {
      return false;
    }

    @Override
    public Type type() {
      return Type.FEED_FORWARD;
    }
  }
}
