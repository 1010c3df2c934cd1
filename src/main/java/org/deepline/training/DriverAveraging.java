package org.deepline.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.core.Futures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parameter averaging with the workers as threads of the driver: for a training split small enough
 * to copy there ({@code training.workers_on}), where a Spark job per averaging round (20-50 ms of
 * scheduling, task serialisation and the parameters' broadcast) costs more than the round's fitting.
 *
 * <p>The algorithm is DL4J's {@code ParameterAveragingTrainingMaster} with {@code saveUpdater}, round
 * for round: every worker starts from the master's parameters, Adam state and iteration and epoch
 * counts, fits its minibatches of the round ({@link TrainingData#roundOnDriver}, the very ones a
 * Spark task would get), and the master takes the mean of the parameters and of the Adam state of
 * the workers that had rows, the workers' mean last loss as its score, and advances its iteration
 * count by the averaging frequency. Unlike on the executors, each worker's random numbers (dropout)
 * are seeded from the seed, epoch, round and worker, so the same seed trains the same network bit
 * for bit when ND4J runs each worker single-threaded ({@code OMP_NUM_THREADS=1}, as deepline-submit
 * sets it for a driver it starts).
 *
 * <pre>{@code
 * Averaging averaging = new DriverAveraging(network, config);
 * Averaging.EpochStats stats = averaging.fitEpoch(train.keepOnDriver(), 1);
 * }</pre>
 */
public final class DriverAveraging implements Averaging {
  /** Mixes the epoch, round and worker into each worker's random seed. */
  private static final long ROUND_SALT = 0xbf58476d1ce4e5b9L;
  /**
   * Worker threads shared by every averaging in the JVM (a tuning run starts hundreds); daemons,
   * so an abandoned run never keeps the JVM alive.
   */
  private static final ExecutorService WORKER_THREADS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "deepline-averaging-worker");
    thread.setDaemon(true);
    return thread;
  });

  private final MultiLayerNetwork master;
  private final TrainingConfig config;
  private double score = Double.NaN;

  /** @param config resolved: batch size and averaging frequency fixed */
  public DriverAveraging(MultiLayerNetwork start, TrainingConfig config) {
    this.master = start;
    this.config = config;
  }

  @Override
  public MultiLayerNetwork network() {
    return master;
  }

  @Override
  public byte[] statsPage() {
    return null;
  }

  @Override
  public EpochStats fitEpoch(TrainingData train, int epoch) {
    int rowsPerWorker = config.batchSizePerWorker() * config.averagingFrequency();
    int rounds = train.roundsPerEpoch(rowsPerWorker);
    EpochProgress progress = new EpochProgress(train.rows(), epoch, rounds);
    // The epoch count drives the learning rate schedule, as on the executors.
    master.getLayerWiseConfigurations().setEpochCount(epoch - 1);
    // One network per worker for the epoch's rounds, dropped after it: a tuning run keeps hundreds
    // of trials' averaging alive, and each worker network holds its parameters four times over
    // (parameters, gradients, Adam's two moments).
    List<MultiLayerNetwork> workers = new ArrayList<>();
    for (int w = 0; w < train.partitions(); w++) {
      workers.add(newWorker());
    }
    for (int round = 0; round < rounds; round++) {
      fitRound(workers,
          train.roundOnDriver(epoch, round, rowsPerWorker, config.batchSizePerWorker()),
          epoch, round);
      progress.roundDone(round, score);
    }
    return new EpochStats(train.rows(), progress.seconds(), score);
  }

  /**
   * The random seed of worker {@code worker} in round {@code round} of {@code epoch}: another
   * stream for every round, so no two rounds drop the same units.
   */
  static long workerSeed(long seed, int epoch, int round, int worker) {
    return SeededPermutation.mix(seed ^ (ROUND_SALT * epoch) ^ ((long) round << Integer.SIZE)
        ^ worker);
  }

  /** One round: every worker with minibatches fits them from the master's state, then the mean. */
  private void fitRound(List<MultiLayerNetwork> workers, List<List<DataSet>> batchesByWorker,
      int epoch, int round) {
    MultiLayerConfiguration masterConfig = master.getLayerWiseConfigurations();
    INDArray parameters = master.params();
    INDArray updaterState = updaterState(master);
    List<Future<Double>> fits = new ArrayList<>();
    List<MultiLayerNetwork> fitted = new ArrayList<>();
    for (int w = 0; w < batchesByWorker.size(); w++) {
      List<DataSet> batches = batchesByWorker.get(w);
      if (batches.isEmpty()) {
        continue;
      }
      MultiLayerNetwork worker = workers.get(w);
      worker.setParams(parameters);
      if (updaterState != null) {
        updaterState(worker).assign(updaterState);
      }
      worker.getLayerWiseConfigurations().setIterationCount(masterConfig.getIterationCount());
      worker.getLayerWiseConfigurations().setEpochCount(masterConfig.getEpochCount());
      long workerSeed = workerSeed(config.seed(), epoch, round, w);
      fits.add(WORKER_THREADS.submit(() -> {
        Nd4j.getRandom().setSeed(workerSeed);
        for (DataSet batch : batches) {
          worker.fit(batch);
        }
        return worker.score();
      }));
      fitted.add(worker);
    }
    if (fitted.isEmpty()) {
      return;
    }
    double scoreSum = 0;
    for (Future<Double> fit : fits) {
      scoreSum += await(fit, fits);
    }
    INDArray parameterSum = fitted.get(0).params().dup();
    INDArray stateSum = updaterState == null ? null : updaterState(fitted.get(0)).dup();
    for (int i = 1; i < fitted.size(); i++) {
      parameterSum.addi(fitted.get(i).params());
      if (stateSum != null) {
        stateSum.addi(updaterState(fitted.get(i)));
      }
    }
    master.setParams(parameterSum.divi(fitted.size()));
    if (stateSum != null) {
      updaterState.assign(stateSum.divi(fitted.size()));
    }
    score = scoreSum / fitted.size();
    masterConfig.setIterationCount(masterConfig.getIterationCount() + config.averagingFrequency());
  }

  /** A worker's network: the master's configuration (its own copy, for its counts) and state. */
  private MultiLayerNetwork newWorker() {
    MultiLayerNetwork worker = new MultiLayerNetwork(master.getLayerWiseConfigurations().clone());
    worker.init(master.params().dup(), false);
    return worker;
  }

  /** The network's Adam state as one view (made on first use); null for a stateless updater. */
  private static INDArray updaterState(MultiLayerNetwork network) {
    Updater updater = network.getUpdater();
    return updater == null ? null : updater.getStateViewArray();
  }

  /** A worker's result; a failure cancels the other workers and is rethrown as it was. */
  private static double await(Future<Double> fit, List<Future<Double>> all) {
    try {
      return Futures.join(fit, "an averaging worker");
    } catch (RuntimeException | Error e) {
      all.forEach(other -> other.cancel(true));
      throw e;
    }
  }

}
