package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.metrics.ScoredLabels;
import org.deepline.testing.SparkTestSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Parameter averaging with the workers as driver threads against the same averaging run by DL4J's
 * master on Spark: the same minibatches, the same network, the same averaged state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriverAveragingTest {
  private static final int ROWS = 960;
  private static final int WIDTH = 4;
  private static final int EPOCHS = 2;
  /**
   * 2 workers of about 450 rows, 16-row minibatches, averaged every 3: 10 rounds an epoch; the
   * step size decays by epoch, so the epoch count the workers see matters.
   */
  private static final TrainingConfig CONFIG = new TrainingConfig(7L, EPOCHS, null, 16, 3, 2,
      0.01, 1e-4, List.of(new LayerSpec(8, "relu", null)), null, null, null, 0.5, null, null,
      null, null);
  private static final int ROWS_PER_WORKER = 16 * 3;
  private static final TrainingConfig WITH_DROPOUT = new TrainingConfig(7L, EPOCHS, null, 16, 3,
      2, 0.01, 1e-4, List.of(new LayerSpec(8, "relu", 0.3)), null, null, null, null, null, null,
      null, null);
  private JavaSparkContext spark;
  private TrainingData onExecutors;
  private TrainingData onDriver;

  @BeforeAll
  void cacheRows() {
    spark = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    Dataset<Row> frame =
        SparkTestSession.get().createDataFrame(rows(), TrainingDataTest.schemaOf());
    onExecutors = TrainingData.cache(frame, 2, 42L, "train", WIDTH);
    onDriver = TrainingData.cache(frame, 2, 42L, "train", WIDTH).keepOnDriver();
  }

  @AfterAll
  void release() {
    onExecutors.release();
    onDriver.release();
  }

  @Test
  void theDriverTrainsWhatDl4jsMasterTrainsOnTheExecutors() {
    // The last round of an epoch finds one worker's partition used up: the mean is over the
    // workers that had rows, as DL4J's.
    int rounds = onDriver.roundsPerEpoch(ROWS_PER_WORKER);
    assertTrue(onDriver.roundOnDriver(1, rounds - 1, ROWS_PER_WORKER, 16).stream()
        .anyMatch(List::isEmpty), "a worker without rows in the epoch's last round");
    Averaging executors = new ParameterAveraging(spark, network(CONFIG), CONFIG);
    Averaging driver = new DriverAveraging(network(CONFIG), CONFIG);
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      Averaging.EpochStats onSpark = executors.fitEpoch(onExecutors, epoch);
      Averaging.EpochStats onThreads = driver.fitEpoch(onDriver, epoch);
      assertEquals(onSpark.rows(), onThreads.rows());
      assertEquals(onSpark.lastLoss(), onThreads.lastLoss(), 1e-5, "epoch " + epoch);
    }
    assertArrayEquals(floats(executors.network().params()), floats(driver.network().params()),
        1e-5f, "parameters after " + EPOCHS + " epochs");
    assertArrayEquals(floats(executors.network().getUpdater().getStateViewArray()),
        floats(driver.network().getUpdater().getStateViewArray()), 1e-5f, "Adam's moments");
    // The master counted the same iterations: Adam's bias correction and schedules read them.
    assertEquals(executors.network().getLayerWiseConfigurations().getIterationCount(),
        driver.network().getLayerWiseConfigurations().getIterationCount());
    assertEquals(EPOCHS * rounds * 3,
        driver.network().getLayerWiseConfigurations().getIterationCount());
  }

  @Test
  void theSameSeedTrainsTheSameNetworkBitForBitEvenWithDropout() {
    Averaging first = new DriverAveraging(network(WITH_DROPOUT), WITH_DROPOUT);
    Averaging second = new DriverAveraging(network(WITH_DROPOUT), WITH_DROPOUT);
    first.fitEpoch(onDriver, 1);
    second.fitEpoch(onDriver, 1);
    assertArrayEquals(floats(first.network().params()), floats(second.network().params()));
    Averaging otherSeed = new DriverAveraging(network(WITH_DROPOUT), WITH_DROPOUT.forMember(8L, 1));
    otherSeed.fitEpoch(onDriver, 1);
    assertFalse(Arrays.equals(floats(first.network().params()),
        floats(otherSeed.network().params())), "another seed drops other units");
    // Every round and worker draws its own stream.
    long seed = DriverAveraging.workerSeed(7L, 1, 0, 0);
    assertNotEquals(seed, DriverAveraging.workerSeed(7L, 1, 1, 0));
    assertNotEquals(seed, DriverAveraging.workerSeed(7L, 1, 0, 1));
    assertNotEquals(seed, DriverAveraging.workerSeed(7L, 2, 0, 0));
  }

  @Test
  void theDriverCutsTheMinibatchesAndScoresAsTheExecutorsDo() {
    List<DataSet> fromSpark = onExecutors.round(2, 1, 48, 16).collect();
    List<DataSet> fromDriver = new ArrayList<>();
    onDriver.roundOnDriver(2, 1, 48, 16).forEach(fromDriver::addAll);
    assertEquals(6, fromDriver.size());
    assertEquals(fromSpark, fromDriver);
    MultiLayerNetwork network = network(CONFIG);
    ScoredLabels sparkScores = onExecutors.score(spark, network);
    ScoredLabels driverScores = onDriver.score(spark, network);
    assertEquals(sparkScores.rocAuc(), driverScores.rocAuc(), 0.0);
    assertEquals(sparkScores.logLoss(), driverScores.logLoss(), 1e-9);
    assertEquals(onExecutors.probe(100), onDriver.probe(100));
  }

  @Test
  void autoPutsTheWorkersOnTheDriverForASmallSplitOnly() {
    assertTrue(onDriver.isOnDriver());
    assertFalse(onExecutors.isOnDriver());
    // 960 rows of 4 floats.
    assertEquals(15_360, onExecutors.featureBytes());
    assertTrue(CONFIG.workersOnDriver(onExecutors.featureBytes(), true));
    assertTrue(CONFIG.workersOnDriver(TrainingConfig.MAX_DRIVER_FEATURE_BYTES, true));
    assertFalse(CONFIG.workersOnDriver(TrainingConfig.MAX_DRIVER_FEATURE_BYTES + 1, true));
    assertFalse(CONFIG.workersOnDriver(1, false), "a cluster's driver is not for fitting");
    assertFalse(CONFIG.withWorkersOn("executors").workersOnDriver(1, true));
    assertTrue(CONFIG.withWorkersOn("driver").workersOnDriver(Long.MAX_VALUE, false));
    TrainingConfig collecting = new TrainingConfig(7L, EPOCHS, null, 16, 3, 2, 0.01, 1e-4, null,
        null, null, null, null, true, null, null, null);
    assertFalse(collecting.workersOnDriver(1, true), "DL4J's timing breakdown needs the executors");
    TrainingData copied = TrainingData.cache(
        SparkTestSession.get().createDataFrame(rows(), TrainingDataTest.schemaOf()), 2, 42L,
        "train", WIDTH);
    try {
      assertTrue(Averaging.start(spark, network(CONFIG), CONFIG, copied) instanceof DriverAveraging);
      assertTrue(copied.isOnDriver());
    } finally {
      copied.release();
    }
    assertFalse(copied.isOnDriver(), "release drops the driver's copy");
    assertTrue(Averaging.start(spark, network(CONFIG), CONFIG.withWorkersOn("executors"),
        onExecutors) instanceof ParameterAveraging);
  }

  private static MultiLayerNetwork network(TrainingConfig config) {
    MultiLayerNetwork network =
        new MultiLayerNetwork(NetworkFactory.binaryClassifier(config, WIDTH, null));
    network.init();
    return network;
  }

  private static float[] floats(INDArray values) {
    return values.castTo(DataType.FLOAT).toFloatVector();
  }

  /** Rows whose label mostly follows the sum of the first two inputs. */
  private static List<Row> rows() {
    Random random = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double[] features = new double[WIDTH];
      for (int j = 0; j < WIDTH; j++) {
        features[j] = random.nextGaussian();
      }
      double label = features[0] + features[1] + 0.5 * random.nextGaussian() > 0 ? 1.0 : 0.0;
      rows.add(RowFactory.create("r" + i, features, label));
    }
    return rows;
  }
}
