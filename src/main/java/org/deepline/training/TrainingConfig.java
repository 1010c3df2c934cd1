package org.deepline.training;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import com.fasterxml.jackson.annotation.JsonCreator;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;

/**
 * The network and how it is trained with parameter averaging on Spark.
 *
 * @param seed               weight initialisation and the order rows reach the workers in
 * @param epochs             the most passes over the training split; null picks enough for a small
 *                           split to learn (see {@link #resolveEpochs})
 * @param patience           stop after this many epochs without a better early-stopping metric (the
 *                           best epoch's weights are kept); null picks one from the epochs (see
 *                           {@link #resolvePatience})
 * @param batchSizePerWorker minibatch size on each worker; null picks one from the training split's
 *                           size (see {@link #resolveBatchSize})
 * @param averagingFrequency minibatches each worker fits between two parameter averagings; null picks
 *                           one from the training split's size (see {@link #resolve})
 * @param workers            number of data-parallel workers, i.e. partitions of the training data
 * @param learningRate       Adam's step size
 * @param l2                 L2 weight decay
 * @param layers             hidden layers, input to output; the softmax output layer is added
 * @param classWeights       {@code none}; {@code balanced} to weight the loss by inverse class
 *                           frequency of the training split; or {@code effective_number}, the
 *                           weights of Cui et al. (2019) by each class's effective number of
 *                           examples {@code (1 - beta^n) / (1 - beta)}, between none (beta 0) and
 *                           balanced (beta towards 1) ({@link ClassWeights})
 * @param earlyStoppingMetric validation metric that picks the best epoch: roc_auc, pr_auc or loss
 * @param minDelta           an epoch must beat the best metric by more than this to count
 * @param learningRateDecay  the learning rate is multiplied by this after every epoch (1: constant)
 * @param collectStats       save DL4J's timing breakdown of parameter averaging as an HTML page
 * @param threshold          how the decision threshold is chosen on the validation split
 * @param loss               the loss: cross-entropy (default) or focal ({@link LossConfig})
 * @param classWeightBeta    {@code effective_number} only: beta in [0, 1), default 0.999
 * @param resample           under- or over-sampling or SMOTE of the training split; off by default
 *                           ({@link ResampleConfig})
 * @param augment            noise and mixup rows added to the training split; off by default
 *                           ({@link AugmentConfig})
 * @param priorCorrection    after training with resampling or class weights, shift the output so the
 *                           probabilities estimate the real positive rate again (default true;
 *                           {@link PriorCorrection}); rankings and ROC AUC do not change
 * @param ensemble           ship the network alone, a bagging or stacking ensemble built around
 *                           it, or (auto, the default) the stack only where the ladder's trees
 *                           or logistic regression beat the network or the training split is
 *                           small ({@link EnsembleConfig})
 * @param workersOn          where the workers fit their minibatches: {@code executors} (a Spark
 *                           task per worker and round, {@link ParameterAveraging}), {@code driver}
 *                           (a thread per worker in the driver, {@link DriverAveraging}) or
 *                           {@code auto} (the driver for a small training split)
 */
public record TrainingConfig(
    @JsonPropertyDescription("Weight initialisation, the rows' assignment to workers and their "
        + "order in every epoch.")
    Long seed,
    @JsonPropertyDescription("The most passes over the training split. Unset: enough for every "
        + "worker to fit about 4,000 minibatches, at least 20 and at most 200 epochs (20 from "
        + "about 13 k training rows with 2 workers, 52 for 5 k, 200 below about 1.3 k): a "
        + "small split has few minibatches per epoch, and 20 epochs of them left the network "
        + "still improving. The value used is recorded in the model's metadata. Allowed: "
        + "`[1, 10000]` when set.")
    Integer epochs,
    @JsonPropertyDescription("Stop after this many epochs without a better "
        + "`early_stopping_metric`; the best epoch's weights are kept. Unset: a tenth of the "
        + "epochs, at least 5 (5 up to 59 epochs, 20 for 200): a small validation split's ROC "
        + "AUC moves by chance from epoch to epoch, and 5 short epochs stopped networks whose "
        + "validation loss was still falling. Allowed: `> 0` when set.")
    Integer patience,
    @JsonPropertyDescription("Minibatch size on each worker. Unset: the largest power of two in "
        + "[32, 512] that gives every worker at least 200 minibatches per epoch (32 for a few "
        + "thousand rows, 512 from about 200 k rows with 2 workers); the value used is recorded "
        + "in the model's metadata and as the `batch_size_per_worker` metric. Allowed: `> 0` "
        + "when set.")
    Integer batchSizePerWorker,
    @JsonPropertyDescription("Minibatches each worker fits between two parameter averagings; on "
        + "the executors each averaging round costs about 22 ms of Spark work besides the fitting. Unset: 20 when "
        + "that still leaves 10 averaging rounds per epoch, fewer on smaller data (7 for about 5 "
        + "k training rows, 1 below about 1.3 k); the value used is recorded in the model's "
        + "metadata. The sweep behind it is in `bench/README.md`. Allowed: `> 0` when set.")
    Integer averagingFrequency,
    @JsonPropertyDescription("Number of data-parallel workers (partitions of the training data). "
        + "Fixed rather than taken from the cluster because it changes the model; set it to the "
        + "task slots you want to use (train logs how many exist). Allowed: `> 0`.")
    Integer workers,
    @JsonPropertyDescription("Adam's step size. Allowed: `(0, 1)`.")
    Double learningRate,
    @JsonPropertyDescription("L2 weight decay. Allowed: `>= 0`.")
    Double l2,
    @JsonPropertyDescription("Hidden dense layers, input to output. A 2-class softmax output "
        + "layer is always added; more than 20 M parameters in all is refused. Allowed: at least "
        + "one.")
    List<LayerSpec> layers,
    @JsonPropertyDescription("Weights of the two classes in the loss, from the training split's "
        + "class counts (after `training.resample` and `training.augment`, so `balanced` after "
        + "resampling to 1:1 gives 1 and 1), scaled so that their sum over the training rows is "
        + "the number of rows (the loss keeps its scale). `balanced`: inverse class frequency (a "
        + "balanced split gets 1 and 1). `effective_number`: Cui et al. (2019), each class "
        + "weighted by the inverse of its effective number of examples `(1 - beta^n) / (1 - "
        + "beta)`: between `none` (beta 0) and `balanced` (beta towards 1), milder than "
        + "`balanced` on a large majority class. Weights move the mean prediction towards the "
        + "rare class; the collapse guard expects that shift.")
    @OneOf("CLASS_WEIGHTS")
    String classWeights,
    @JsonPropertyDescription("Validation metric that picks the best epoch (`loss` is log loss: "
        + "lower is better).")
    @OneOf("EARLY_STOPPING_METRICS")
    String earlyStoppingMetric,
    @JsonPropertyDescription("An epoch must beat the best metric by more than this to count as an "
        + "improvement. Allowed: `>= 0`.")
    Double minDelta,
    @JsonPropertyDescription("The step size is multiplied by this after every epoch (an "
        + "exponential schedule; 1 keeps it constant). Allowed: `(0, 1]`.")
    Double learningRateDecay,
    @JsonPropertyDescription("Save DL4J's timing breakdown of parameter averaging (broadcast, "
        + "worker fit, aggregation per round) as "
        + "`reports/<run-date>/training-stats-<run_id>.html`, listed as the "
        + "`training_stats_html` artifact. Only for averaging on the executors: `auto` then "
        + "keeps the workers there, and `workers_on: driver` with it is a config error.")
    Boolean collectStats,
    @JsonPropertyDescription("How the model's decision threshold is chosen on the validation "
        + "split at the end of training.")
    ThresholdConfig threshold,
    @JsonPropertyDescription("The loss the network is trained with.")
    LossConfig loss,
    @JsonPropertyDescription("Cui et al.'s beta. Allowed: `[0, 1)`; `effective_number` only. When "
        + "unset: `0.999` with `effective_number`.")
    Double classWeightBeta,
    @JsonPropertyDescription("Under- or over-sampling or SMOTE of the training split before "
        + "training.")
    ResampleConfig resample,
    @JsonPropertyDescription("Noise and mixup rows added to the training split before training.")
    AugmentConfig augment,
    @JsonPropertyDescription("After training with `resample`, `augment` or `class_weights` that "
        + "change the class balance the network learns from, add `ln(w_neg / w_pos)` to the "
        + "output layer's positive bias, where `w` is how much each class's share was "
        + "multiplied: the probabilities then estimate the real positive rate again (Elkan 2001, "
        + "theorem 2) instead of the resampled one. Rankings, ROC AUC and PR AUC do not change; "
        + "the decision threshold is chosen after the correction, and `validation_loss` in the "
        + "run record is the uncorrected epoch's (see `validation_loss_after_prior_correction`). "
        + "Recorded as `prior_correction_logit_offset` (0 when nothing changed the balance) and "
        + "`validation_mean_probability_before_prior_correction`. Focal loss also moves "
        + "probabilities: `loss.calibrate` recalibrates them after this correction.")
    Boolean priorCorrection,
    @JsonPropertyDescription("Register an ensemble built around the network instead of the "
        + "network alone: bagging, a deep ensemble or stacking, or (`auto`, the default) the "
        + "stack where the baseline ladder's boosted trees or logistic regression beat the "
        + "network or the training split is small (`auto_stack_rows`), and otherwise the deep "
        + "ensemble on a training split of up to `auto_average_rows` rows trained on the driver.")
    EnsembleConfig ensemble,
    @JsonPropertyDescription("Where the `workers` fit their minibatches. `executors`: one Spark "
        + "task per worker and averaging round (DL4J's parameter averaging master; the training "
        + "split stays cached on the executors). `driver`: one thread per worker in the driver "
        + "JVM, the same algorithm (every worker starts a round from the averaged parameters and "
        + "Adam state, fits `averaging_frequency` minibatches of its own partition, and both are "
        + "averaged again) without a Spark job per round; the split is copied to the driver, and "
        + "the same seed gives the same network bit for bit. `auto`: the driver when the master is "
        + "local (`local[...]`), the training split's features take at most 64 MB as floats (e.g. "
        + "250 k rows of 64 features) and `collect_stats` is off; the executors otherwise (a "
        + "cluster's driver is usually sized for planning, not fitting). The validation split is "
        + "scored on the driver too when it is within the same 64 MB. Recorded as the "
        + "`workers_on_driver` metric.")
    @OneOf("WORKERS_ON")
    String workersOn) {
  public static final List<String> CLASS_WEIGHTS =
      List.of(ClassWeights.NONE, ClassWeights.BALANCED, ClassWeights.EFFECTIVE_NUMBER);
  public static final List<String> EARLY_STOPPING_METRICS = List.of("roc_auc", "pr_auc", "loss");
  public static final String WORKERS_ON_AUTO = "auto";
  public static final String WORKERS_ON_DRIVER = "driver";
  public static final String WORKERS_ON_EXECUTORS = "executors";
  public static final List<String> WORKERS_ON =
      List.of(WORKERS_ON_AUTO, WORKERS_ON_EXECUTORS, WORKERS_ON_DRIVER);
  /**
   * {@code workers_on: auto} trains on the driver up to this many bytes of training features (as
   * floats). Why 64 MB: a copy that size costs the driver little next to Spark's own memory, and
   * the split it allows (250 k rows of 64 features) fits an epoch in a few seconds on one core per
   * worker, where an averaging round on the executors costs a Spark job of 20-50 ms.
   */
  public static final long MAX_DRIVER_FEATURE_BYTES = 64L << 20;
  public static final int MAX_EPOCHS = 10_000;
  /**
   * Fixed rather than Spark's default parallelism: the number of workers changes the model (each
   * averages over a different share of the data), so the same config must train the same model on a
   * laptop and on a cluster. Raise it to use more task slots.
   */
  public static final int DEFAULT_WORKERS = 2;
  /**
   * The most minibatches between two averagings the automatic choice takes. From the sweep in
   * bench/README.md (flights-3m, batch 512): an averaging round costs about 22 ms of Spark work
   * besides the fitting, so averaging every 20 minibatches trains 1.7x as many rows per second as
   * every 5, at the same validation AUC.
   */
  public static final int MAX_AUTO_AVERAGING_FREQUENCY = 20;
  /**
   * The automatic averaging frequency leaves at least this many averaging rounds per epoch: on small
   * data, workers that drift apart for a whole epoch average into a worse model than either.
   */
  public static final int MIN_AUTO_ROUNDS_PER_EPOCH = 10;
  public static final int MIN_AUTO_BATCH = 32;
  public static final int MAX_AUTO_BATCH = 512;
  /** The automatic batch size leaves each worker at least this many minibatches per epoch. */
  public static final int MIN_AUTO_BATCHES_PER_EPOCH = 200;
  /**
   * The automatic epochs give every worker at least this many minibatches in all (if the cap
   * allows): on the small data sets measured (1 k to 5 k rows) networks were still improving after
   * 20 epochs of 4 to 54 minibatches, and stopped improving between 1,000 and 3,500 minibatches.
   */
  public static final int MIN_AUTO_MINIBATCHES = 4_000;
  /** The fewest automatic epochs: the fixed default before epochs followed the split's size. */
  public static final int MIN_AUTO_EPOCHS = 20;
  /** The most automatic epochs: a split of a few hundred rows would otherwise train thousands. */
  public static final int MAX_AUTO_EPOCHS = 200;
  /** The fewest epochs the automatic patience waits for a better validation metric. */
  public static final int MIN_AUTO_PATIENCE = 5;
  /** The automatic patience is the epochs divided by this. */
  public static final int AUTO_PATIENCE_DIVISOR = 10;

  @JsonCreator
  public TrainingConfig {
    seed = seed == null ? 42L : seed;
    workers = workers == null ? DEFAULT_WORKERS : workers;
    learningRate = learningRate == null ? 0.005 : learningRate;
    l2 = l2 == null ? 1e-4 : l2;
    layers = layers == null ? List.of(new LayerSpec(32, null, null)) : List.copyOf(layers);
    classWeights = classWeights == null ? "none" : classWeights;
    earlyStoppingMetric = earlyStoppingMetric == null ? "roc_auc" : earlyStoppingMetric;
    minDelta = minDelta == null ? 1e-4 : minDelta;
    learningRateDecay = learningRateDecay == null ? 1.0 : learningRateDecay;
    collectStats = collectStats != null && collectStats;
    threshold = threshold == null ? ThresholdConfig.defaults() : threshold;
    loss = loss == null ? LossConfig.defaults() : loss;
    classWeightBeta = classWeightBeta == null && ClassWeights.EFFECTIVE_NUMBER.equals(classWeights)
        ? Double.valueOf(ClassWeights.DEFAULT_BETA) : classWeightBeta;
    resample = resample == null ? ResampleConfig.defaults() : resample;
    augment = augment == null ? AugmentConfig.defaults() : augment;
    priorCorrection = priorCorrection == null || priorCorrection;
    ensemble = ensemble == null ? EnsembleConfig.defaults() : ensemble;
    workersOn = workersOn == null ? WORKERS_ON_AUTO : workersOn;
  }

  /** The config without resampling or augmentation. */
  public TrainingConfig(Long seed, Integer epochs, Integer patience, Integer batchSizePerWorker,
      Integer averagingFrequency, Integer workers, Double learningRate, Double l2,
      List<LayerSpec> layers, String classWeights, String earlyStoppingMetric, Double minDelta,
      Double learningRateDecay, Boolean collectStats, ThresholdConfig threshold, LossConfig loss,
      Double classWeightBeta) {
    this(seed, epochs, patience, batchSizePerWorker, averagingFrequency, workers, learningRate, l2,
        layers, classWeights, earlyStoppingMetric, minDelta, learningRateDecay, collectStats,
        threshold, loss, classWeightBeta, null, null, null, null, null);
  }

  /** The seed of resampling and augmentation: {@code resample.seed}, else {@code seed}. */
  public long rebalanceSeed() {
    return resample.seed() == null ? seed : resample.seed();
  }

  public static TrainingConfig defaults() {
    return new TrainingConfig(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * The configured batch size, or the largest power of two in [{@value #MIN_AUTO_BATCH},
   * {@value #MAX_AUTO_BATCH}] that still gives every worker {@value #MIN_AUTO_BATCHES_PER_EPOCH}
   * minibatches per epoch: large batches are what make a CPU fast, and small data needs enough
   * updates per epoch to learn at all.
   */
  public int resolveBatchSize(long trainingRows) {
    if (batchSizePerWorker != null) {
      return batchSizePerWorker;
    }
    long perWorker = trainingRows / workers;
    int batch = MIN_AUTO_BATCH;
    while (batch * 2 <= MAX_AUTO_BATCH && perWorker / (batch * 2L) >= MIN_AUTO_BATCHES_PER_EPOCH) {
      batch *= 2;
    }
    return batch;
  }

  /**
   * The configured averaging frequency, or {@value #MAX_AUTO_AVERAGING_FREQUENCY} minibatches when
   * that still leaves {@value #MIN_AUTO_ROUNDS_PER_EPOCH} averaging rounds per epoch, fewer (down to
   * 1) on smaller data.
   */
  public int resolveAveragingFrequency(long trainingRows) {
    if (averagingFrequency != null) {
      return averagingFrequency;
    }
    return (int) Math.max(1, Math.min(MAX_AUTO_AVERAGING_FREQUENCY,
        minibatchesPerWorker(trainingRows) / MIN_AUTO_ROUNDS_PER_EPOCH));
  }

  /**
   * The minibatches each worker fits per epoch of {@code trainingRows} at the resolved batch size,
   * at least one: what the automatic averaging frequency and epochs are counted in.
   */
  private long minibatchesPerWorker(long trainingRows) {
    return Math.max(1, trainingRows / workers / resolveBatchSize(trainingRows));
  }

  /**
   * The configured epochs, or enough for every worker to fit {@value #MIN_AUTO_MINIBATCHES}
   * minibatches, within [{@value #MIN_AUTO_EPOCHS}, {@value #MAX_AUTO_EPOCHS}]: a large split gets
   * the fixed 20 epochs it always had, a small one the updates it needs to learn (each of its epochs
   * costs little, since its minibatches are few).
   */
  public int resolveEpochs(long trainingRows) {
    if (epochs != null) {
      return epochs;
    }
    long perEpoch = minibatchesPerWorker(trainingRows);
    long needed = (MIN_AUTO_MINIBATCHES + perEpoch - 1) / perEpoch;
    return (int) Math.max(MIN_AUTO_EPOCHS, Math.min(MAX_AUTO_EPOCHS, needed));
  }

  /**
   * The configured patience, or a tenth of {@code resolvedEpochs}, at least
   * {@value #MIN_AUTO_PATIENCE}: the more (and shorter) the epochs, the more an epoch's validation
   * metric moves by chance.
   */
  public int resolvePatience(int resolvedEpochs) {
    return patience != null ? patience
        : Math.max(MIN_AUTO_PATIENCE, resolvedEpochs / AUTO_PATIENCE_DIVISOR);
  }

  /**
   * This config with the epochs, patience, batch size and averaging frequency fixed for a training
   * split of {@code trainingRows}, as recorded with the model.
   *
   * <pre>{@code
   * TrainingConfig resolved = TrainingConfig.defaults().resolve(2_099_868);
   * resolved.batchSizePerWorker(); // 512
   * resolved.averagingFrequency(); // 20
   * resolved.epochs();             // 20
   * TrainingConfig.defaults().resolve(700).epochs(); // 200, patience 20
   * }</pre>
   */
  public TrainingConfig resolve(long trainingRows) {
    int resolvedEpochs = resolveEpochs(trainingRows);
    return new TrainingConfig(seed, resolvedEpochs, resolvePatience(resolvedEpochs),
        resolveBatchSize(trainingRows),
        resolveAveragingFrequency(trainingRows), workers, learningRate, l2, layers, classWeights,
        earlyStoppingMetric, minDelta, learningRateDecay, collectStats, threshold, loss,
        classWeightBeta, resample, augment, priorCorrection, ensemble, workersOn);
  }

  /** This config with {@code early_stopping_metric} set to {@code metric}. */
  public TrainingConfig withEarlyStoppingMetric(String metric) {
    return new TrainingConfig(seed, epochs, patience, batchSizePerWorker, averagingFrequency,
        workers, learningRate, l2, layers, classWeights, metric, minDelta,
        learningRateDecay, collectStats, threshold, loss, classWeightBeta, resample, augment,
        priorCorrection, ensemble, workersOn);
  }

  /** This config with {@code workers_on} set to {@code place}. */
  public TrainingConfig withWorkersOn(String place) {
    return new TrainingConfig(seed, epochs, patience, batchSizePerWorker, averagingFrequency,
        workers, learningRate, l2, layers, classWeights, earlyStoppingMetric, minDelta,
        learningRateDecay, collectStats, threshold, loss, classWeightBeta, resample, augment,
        priorCorrection, ensemble, place);
  }

  /**
   * Whether the workers run as threads of the driver for a training split whose features take
   * {@code featureBytes} as floats ({@code workers_on}), with a local master ({@code local[...]}) or
   * not.
   */
  public boolean workersOnDriver(long featureBytes, boolean localMaster) {
    return switch (workersOn) {
      case WORKERS_ON_DRIVER -> true;
      case WORKERS_ON_EXECUTORS -> false;
      // A cluster's driver is sized for planning, often one core and little off-heap memory, and
      // DL4J's timing breakdown exists only for rounds it runs on the executors.
      default -> localMaster && !collectStats && featureBytes <= MAX_DRIVER_FEATURE_BYTES;
    };
  }

  /**
   * This config for an ensemble member: its own seed (weight initialisation and row order,
   * {@link Bagging}) and a fixed number of epochs, everything else as the main network's.
   */
  public TrainingConfig forMember(long memberSeed, int memberEpochs) {
    return new TrainingConfig(memberSeed, memberEpochs, patience, batchSizePerWorker,
        averagingFrequency, workers, learningRate, l2, layers, classWeights, earlyStoppingMetric,
        minDelta, learningRateDecay, collectStats, threshold, loss, classWeightBeta, resample,
        augment, priorCorrection, ensemble, workersOn);
  }

  /**
   * This config with the sizes it leaves to {@link #resolve} taken from {@code resolved}: what a
   * resumed run compares with the config its checkpoint was trained with, before the training split
   * is read again. {@code workers_on} is taken too: where the workers ran does not change what
   * they train, so a run may resume on the other side.
   */
  public TrainingConfig resolvedAs(TrainingConfig resolved) {
    return new TrainingConfig(seed, epochs == null ? resolved.epochs() : epochs,
        patience == null ? resolved.patience() : patience,
        batchSizePerWorker == null ? resolved.batchSizePerWorker() : batchSizePerWorker,
        averagingFrequency == null ? resolved.averagingFrequency() : averagingFrequency, workers,
        learningRate, l2, layers, classWeights, earlyStoppingMetric, minDelta, learningRateDecay,
        collectStats, threshold, loss, classWeightBeta, resample, augment, priorCorrection,
        ensemble, resolved.workersOn());
  }

  public void validate(ConfigErrors errors) {
    if (epochs != null) {
      errors.requirePositive(epochs, "epochs");
      errors.require(epochs <= MAX_EPOCHS, "epochs", "must be <= " + MAX_EPOCHS + ", got "
          + epochs);
    }
    if (patience != null) {
      errors.requirePositive(patience, "patience");
    }
    if (batchSizePerWorker != null) {
      errors.requirePositive(batchSizePerWorker, "batch_size_per_worker");
    }
    if (averagingFrequency != null) {
      errors.requirePositive(averagingFrequency, "averaging_frequency");
    }
    errors.requirePositive(workers, "workers");
    errors.requirePositive(learningRate, "learning_rate");
    errors.require(learningRate < 1, "learning_rate", "must be < 1, got " + learningRate);
    errors.require(l2 >= 0, "l2", "must be >= 0, got " + l2);
    if (layers.isEmpty()) {
      errors.add("layers", "at least one hidden layer is required");
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) == null) {
        errors.at("layers", i).add(null, "must be an object");
      } else {
        layers.get(i).validate(errors.at("layers", i));
      }
    }
    errors.requireOneOf(classWeights, CLASS_WEIGHTS, "class_weights");
    errors.requireOneOf(earlyStoppingMetric, EARLY_STOPPING_METRICS, "early_stopping_metric");
    errors.requireOneOf(workersOn, WORKERS_ON, "workers_on");
    errors.require(!(collectStats && WORKERS_ON_DRIVER.equals(workersOn)), "collect_stats",
        "DL4J's timing breakdown exists only for averaging on the executors; set workers_on to "
            + "executors or auto, or collect_stats to false");
    errors.require(minDelta >= 0, "min_delta", "must be >= 0, got " + minDelta);
    errors.require(learningRateDecay > 0 && learningRateDecay <= 1, "learning_rate_decay",
        "must be in (0, 1], got " + learningRateDecay);
    threshold.validate(errors.at("threshold"));
    loss.validate(errors.at("loss"));
    resample.validate(errors.at("resample"));
    augment.validate(errors.at("augment"));
    ensemble.validate(errors.at("ensemble"));
    if (classWeightBeta != null) {
      errors.require(ClassWeights.EFFECTIVE_NUMBER.equals(classWeights), "class_weight_beta",
          "applies to class_weights effective_number only, class_weights is " + classWeights);
      errors.require(classWeightBeta >= 0 && classWeightBeta < 1, "class_weight_beta",
          "must be in [0, 1), got " + classWeightBeta);
    }
  }
}
