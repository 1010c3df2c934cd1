package org.deepline.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deepline.compression.WeightCompression;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse;
import org.deepline.etl.IngestJob;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureFitter;
import org.deepline.features.FeatureModel;
import org.deepline.features.FeatureVectorizer;
import org.deepline.metrics.ScoredLabels;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.NetworkScorer;
import org.deepline.scoring.ScoreJob;
import org.deepline.scoring.ScoringConfig;
import org.deepline.scoring.StreamScoreJob;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.training.NetworkFactory;
import org.deepline.training.TrainingConfig;
import org.deepline.tracking.ModelRegistry;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scoring benchmark on flights-3m (issue 7, "Speed goal"): the same rows scored by the same
 * width-64-32-2 network through (1) deepline's scoring path ({@link BatchScorer}: silver rows to
 * probabilities, written to Spark's no-op sink) at several minibatch sizes, (2) the {@code score}
 * stage itself ({@link ScoreJob#run}: registry lookup, transform, Delta write, summary) with the
 * network registered in the benchmark's warehouse, and the {@code score-stream} stage scoring the
 * same rows from a new checkpoint ({@link StreamScoreJob#run}),
 * (3) a row-at-a-time Spark UDF calling the network once per row, and the floor: (4) bare ND4J
 * {@code output()} on one pre-built matrix of the same rows' vectors, on one thread and on two (the
 * machine has two cores, and the Spark contenders use both). Also the latency of one record through
 * {@link ModelScorer}, and the compression table: a network trained briefly on a tenth of the rows,
 * its int8 and pruned copies, each with its {@code network.zip} size, test ROC AUC and scoring rows/s.
 * Results: bench/README.md, section Scoring.
 *
 * <p>Silver is made by the real {@code ingest} stage from {@code conf/flights.json}; the feature
 * model is fitted on a sample of it with that config's features. The network is freshly initialised,
 * not trained: the work of a forward pass does not depend on the weights.
 *
 * <pre>
 * bench/run ScoringBench                       # about 10 minutes on 2 cores
 * bench/run ScoringBench --sample 300000 --runs 1 --batches 4096
 * </pre>
 *
 * Options: {@code --conf FILE} (default conf/flights.json), {@code --runs N} (default 2),
 * {@code --batches 256,1024,...} (minibatch sizes of (1)), {@code --sample N} (score about N rows
 * instead of all), {@code --floor-rows N} (rows of the pre-built matrix, default 100,000, as in the
 * issue), {@code --udf-rows N} (rows the slow UDF scores, default 200,000), {@code --no-compression}
 * (skip the compression table).
 */
public final class ScoringBench {
  private static final String DEFAULT_CONF = "conf/flights.json";
  private static final String RUN_DATE = "2001-07-01";
  /** The benchmark scores what the source holds, however many rows ingest quarantines. */
  private static final String QUARANTINE_ANY = "ingest.max_quarantine_fraction=1.0";
  /** The version the benchmark's network is registered under, for the score stage to find. */
  private static final String MODEL_VERSION = "20010701T000000-bench0";
  private static final long SEED = 42L;
  private static final int DEFAULT_RUNS = 2;
  private static final List<Integer> DEFAULT_BATCHES = List.of(256, 1024, 4096, 16384);
  private static final int DEFAULT_FLOOR_ROWS = 100_000;
  private static final int DEFAULT_UDF_ROWS = 200_000;
  /** Repetitions of the floor's one {@code output()} call; the median is reported. */
  private static final int FLOOR_REPEATS = 5;
  /** Share of silver the feature model is fitted on: its statistics do not change the timing. */
  private static final double FIT_SHARE = 0.1;
  private static final int LATENCY_WARMUP = 2_000;
  private static final int LATENCY_RECORDS = 20_000;
  private static final double PERCENTILE_99 = 0.99;
  private static final double NANOS_PER_MICRO = 1e3;
  private static final String RAW_WRITE =
      "raw Delta write of the same prediction rows (scored once, cached)";
  /** The speed goal: deepline's scoring at least this share of the floor's rows/s. */
  private static final double GOAL_SHARE = 0.5;
  /** Rows are put in this many buckets by a hash of their id: train and test of the compression. */
  private static final int HASH_BUCKETS = 20;
  /** Buckets below this are the compression's training rows (a tenth); this bucket its test rows. */
  private static final int TRAIN_BUCKETS = 2;
  private static final int COMPRESSION_EPOCHS = 2;
  private static final int TRAINING_BATCH = 512;
  private static final double[] PRUNING = {0.5, 0.8, 0.9};

  private ScoringBench() {}

  /** One timed measurement. */
  record Result(String contender, long rows, double seconds, double cores, double load) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  public static void main(String[] args) {
    String conf = DEFAULT_CONF;
    int runs = DEFAULT_RUNS;
    List<Integer> batches = DEFAULT_BATCHES;
    long sample = 0;
    int floorRows = DEFAULT_FLOOR_ROWS;
    int udfRows = DEFAULT_UDF_ROWS;
    boolean compression = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conf" -> conf = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--batches" -> batches = Arrays.stream(args[++i].split(","))
            .map(String::strip).map(Integer::valueOf).toList();
        case "--sample" -> sample = Long.parseLong(args[++i]);
        case "--floor-rows" -> floorRows = Integer.parseInt(args[++i]);
        case "--udf-rows" -> udfRows = Integer.parseInt(args[++i]);
        case "--no-compression" -> compression = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = DeeplineSparkDefaults.builder("deepline-scoring-bench", "local[2]")
        .config("spark.ui.enabled", false)
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path scratch = BenchScratch.create("deepline-scoring-bench");
    try {
      new ScoringBench.Run(spark, scratch, Path.of(conf), ConfigLoader.load(Path.of(conf),
          List.of(QUARANTINE_ANY))).execute(runs, batches, sample, floorRows,
          udfRows, compression);
    } finally {
      BenchScratch.delete(scratch);
      spark.stop();
    }
  }

  /** One benchmark run over one silver table. */
  private record Run(SparkSession spark, Path scratch, Path conf, DeeplineConfig config) {
    void execute(int runs, List<Integer> batches, long sample, int floorRows, int udfRows,
        boolean compression) {
      TrainingBench.Stopwatch ingestWatch = TrainingBench.Stopwatch.start();
      RunContext context = new RunContext(RunContext.newRunId(), null, "ingest", RUN_DATE, config,
          Warehouse.at(scratch.resolve("warehouse").toString()), spark);
      new IngestJob().run(context);
      Dataset<Row> allSilver = context.input(Warehouse.Table.SILVER).rows();
      long all = allSilver.count();
      Dataset<Row> silver = sample > 0 && sample < all
          ? allSilver.sample(false, sample / (double) all, SEED) : allSilver;
      long rows = silver.count();
      System.out.printf(Locale.ROOT, "silver: %,d rows (%,d scored) in %d partitions, made by "
          + "ingest in %.1f s%n", all, rows, silver.rdd().getNumPartitions(), ingestWatch.seconds());

      FeatureModel featureModel = FeatureFitter.fit(silver.sample(false, FIT_SHARE, SEED),
          config.features(), new FeatureModel.FitProvenance(config.dataset(), RUN_DATE, "bench",
              "train", rows, "none", 0, 0));
      int width = featureModel.width();
      TrainingConfig training = TrainingBench.config(SEED, ScoringConfig.DEFAULT_BATCH_SIZE, 1,
          TrainingBench.LEARNING_RATE, 1);
      MultiLayerNetwork network = new MultiLayerNetwork(
          NetworkFactory.binaryClassifier(training, width, null));
      network.init();
      ModelBundle bundle = ModelBundle.of(new ModelMetadata("bench", config.dataset(), "bench",
          RUN_DATE, Instant.now().toString(), "label", "true", width, training, featureModel,
          List.of(), 0, Map.of(), null), network);
      System.out.printf(Locale.ROOT, "network %d-%s-2 (%,d parameters); feature vector: %s%n",
          width, TrainingBench.HIDDEN_UNITS.stream().map(String::valueOf)
              .reduce((a, b) -> a + "-" + b).orElse(""), network.numParams(),
          describe(featureModel));

      Warehouse warehouse = context.warehouse();
      String modelDir = warehouse.root() + "/" + config.dataset() + "/models/" + MODEL_VERSION;
      bundle.save(context.files(), modelDir);
      new ModelRegistry(spark, warehouse).register(new ModelRegistry.ModelEntry(MODEL_VERSION,
          config.dataset(), MODEL_VERSION, RUN_DATE, Instant.now(), modelDir, Map.of()));
      List<Result> results = new ArrayList<>();
      float[] matrix = vectors(silver, featureModel, floorRows);
      int matrixRows = matrix.length / width;
      results.add(floor(network, matrix, matrixRows, width, 1));
      results.add(floor(network, matrix, matrixRows, width, 2));
      Dataset<Row> udfInput = udfRows < rows
          ? silver.sample(false, udfRows / (double) rows, SEED + 1) : silver;
      long udfCount = udfInput.count();
      // The same prediction rows the stage writes, scored once and cached: their raw Delta write is
      // the part of the stage's work that is not scoring.
      Dataset<Row> scoredOnce = ScoreJob.predict(silver, bundle, ScoringConfig.DEFAULT_BATCH_SIZE,
          0.5, "bench").withColumn(DeltaTables.RUN_DATE, functions.lit(RUN_DATE).cast("date"))
          .persist(StorageLevel.MEMORY_ONLY());
      scoredOnce.count();
      for (int run = 1; run <= runs; run++) {
        System.out.printf(Locale.ROOT, "-- run %d%n", run);
        for (int batch : batches) {
          results.add(report(timed("deepline BatchScorer, batch " + batch, rows,
              () -> new BatchScorer(bundle, batch).transform(silver).write().format("noop")
                  .mode("overwrite").save())));
        }
        results.add(report(scoreStage(warehouse)));
        results.add(report(scoreStreamStage(warehouse, scratch.resolve("stream-" + run))));
        String rawTable = scratch.resolve("raw-predictions-" + run).toString();
        results.add(report(timed(RAW_WRITE, rows, () -> scoredOnce.write().format("delta")
            .mode("overwrite").partitionBy(DeltaTables.RUN_DATE).save(rawTable))));
        results.add(report(timed("row-at-a-time UDF", udfCount, () -> udfInput
            .select(functions.col(RecordIds.RECORD_ID), rowAtATime(bundle).apply(
                functions.struct(featureModel.inputColumns().stream().map(functions::col)
                    .toArray(Column[]::new))).as(BatchScorer.PROBABILITY))
            .write().format("noop").mode("overwrite").save())));
      }
      scoredOnce.unpersist();
      double[] latency = latency(bundle, silver, featureModel);
      summary(results, latency);
      if (compression) {
        compression(config, silver, featureModel, training, rows);
      }
    }

    /**
     * The {@code score} stage as the CLI runs it, on every silver row of the date: the registry
     * lookup, the bundle read, the transform, the Delta write with the stage's statistics columns
     * and the summary the run record gets.
     */
    private Result scoreStage(Warehouse warehouse) {
      RunContext context = new RunContext(RunContext.newRunId(), null, "score", RUN_DATE, config,
          warehouse, spark);
      TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
      StageResult scored = new ScoreJob().run(context);
      return new Result("deepline score stage (ScoreJob.run: transform, Delta write, summary), "
          + "batch " + ScoringConfig.DEFAULT_BATCH_SIZE, (long) scored.metric("rows_scored"),
          watch.seconds(), watch.cores(), watch.load());
    }

    /**
     * The {@code score-stream} stage as the CLI runs it, from a new checkpoint, so that it scores
     * every silver row (the change data feed's first snapshot) in one micro-batch: the stream's
     * start, the change feed's read, the newest-version window, the transform and the once-only
     * Delta append, against the score stage's work on the same rows.
     */
    private Result scoreStreamStage(Warehouse warehouse, Path checkpoint) {
      DeeplineConfig streaming = ConfigLoader.load(conf,
          List.of(QUARANTINE_ANY, "scoring.stream.checkpoint=" + checkpoint));
      RunContext context = new RunContext(RunContext.newRunId(), null, "score-stream", RUN_DATE,
          streaming, warehouse, spark);
      TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
      StageResult scored = new StreamScoreJob().run(context);
      return new Result("deepline score-stream stage (StreamScoreJob.run: change feed, transform, "
          + "once-only Delta append), batch " + ScoringConfig.DEFAULT_BATCH_SIZE,
          (long) scored.metric("rows_scored"), watch.seconds(), watch.cores(), watch.load());
    }
  }

  /** A trained network's variants: what each weighs, scores at and loses in test ROC AUC. */
  record Variant(String name, long networkBytes, double sparsity, double testAuc,
      double rowsPerSecond) {}

  /**
   * The compression table: a network trained briefly on a hashed tenth of the rows, then int8 and
   * pruned copies of it, each measured for {@code network.zip} size, ROC AUC on a disjoint hashed
   * twentieth and deepline's scoring rows/s over all rows.
   */
  private static void compression(DeeplineConfig config, Dataset<Row> silver,
      FeatureModel featureModel, TrainingConfig training, long rows) {
    Column bucket = functions.pmod(functions.xxhash64(functions.col(RecordIds.RECORD_ID),
        functions.lit(SEED)), functions.lit(HASH_BUCKETS));
    Dataset<Row> labelled = silver.withColumn(LabelConfig.LABEL, config.label().binary());
    Labelled train = labelled(labelled.where(bucket.lt(TRAIN_BUCKETS)), featureModel);
    Labelled test = labelled(labelled.where(bucket.equalTo(TRAIN_BUCKETS)), featureModel);
    int width = featureModel.width();
    MultiLayerNetwork network = new MultiLayerNetwork(
        NetworkFactory.binaryClassifier(training, width, null));
    network.init();
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    for (int epoch = 0; epoch < COMPRESSION_EPOCHS; epoch++) {
      for (int start = 0; start < train.rows(); start += TRAINING_BATCH) {
        int size = Math.min(TRAINING_BATCH, train.rows() - start);
        float[] labels = new float[size * NetworkFactory.CLASSES];
        for (int i = 0; i < size; i++) {
          labels[i * NetworkFactory.CLASSES + train.labels()[start + i]] = 1f;
        }
        network.fit(new org.nd4j.linalg.dataset.DataSet(
            Nd4j.create(Arrays.copyOfRange(train.vectors(), start * width, (start + size) * width),
                new long[] {size, width}, 'c'),
            Nd4j.create(labels, new long[] {size, NetworkFactory.CLASSES}, 'c')));
      }
    }
    System.out.printf(Locale.ROOT, "%ncompression: network trained %d epochs on %,d rows in %.1f s; "
        + "test rows %,d%n", COMPRESSION_EPOCHS, train.rows(), watch.seconds(), test.rows());
    List<Variant> variants = new ArrayList<>();
    variants.add(variant("original", network, test, silver, featureModel, training, rows));
    variants.add(variant("int8", WeightCompression.quantizeInt8(network), test, silver,
        featureModel, training, rows));
    for (double sparsity : PRUNING) {
      variants.add(variant(String.format(Locale.ROOT, "pruned %.0f %%", sparsity * 100),
          WeightCompression.prune(network, sparsity), test, silver, featureModel, training, rows));
    }
    Variant original = variants.get(0);
    System.out.printf(Locale.ROOT, "%n| Version | network.zip bytes | Size vs original | Weight "
        + "sparsity | Test ROC AUC | Change | Scoring rows/s |%n| --- | --- | --- | --- | --- | --- "
        + "| --- |%n");
    for (Variant v : variants) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %.2f x | %.2f | %.4f | %+.4f | %,.0f |%n",
          v.name(), v.networkBytes(), v.networkBytes() / (double) original.networkBytes(),
          v.sparsity(), v.testAuc(), v.testAuc() - original.testAuc(), v.rowsPerSecond());
    }
  }

  private static Variant variant(String name, MultiLayerNetwork network, Labelled test,
      Dataset<Row> silver, FeatureModel featureModel, TrainingConfig training, long rows) {
    ModelBundle bundle = ModelBundle.of(new ModelMetadata(name, "bench", "bench", RUN_DATE,
        Instant.now().toString(), "label", "true", featureModel.width(), training, featureModel,
        List.of(), 0, Map.of(), null), network);
    NetworkScorer scorer = NetworkScorer.fromBytes(bundle.networkBytes());
    float[] probabilities = new float[test.rows()];
    int width = featureModel.width();
    for (int start = 0; start < test.rows(); start += ScoringConfig.DEFAULT_BATCH_SIZE) {
      int size = Math.min(ScoringConfig.DEFAULT_BATCH_SIZE, test.rows() - start);
      float[] batch = Arrays.copyOfRange(test.vectors(), start * width, (start + size) * width);
      System.arraycopy(scorer.probabilities(batch, size), 0, probabilities, start, size);
    }
    double auc = new ScoredLabels(probabilities, test.labels()).rocAuc();
    Result timing = report(timed("deepline BatchScorer, " + name, rows,
        () -> new BatchScorer(bundle, ScoringConfig.DEFAULT_BATCH_SIZE).transform(silver).write()
            .format("noop").mode("overwrite").save()));
    return new Variant(name, bundle.networkBytes().length,
        WeightCompression.weightSparsity(network), auc, timing.rowsPerSecond());
  }

  /** Vectors (row-major) and 0/1 labels of rows collected to the driver. */
  record Labelled(float[] vectors, byte[] labels, int rows) {}

  private static Labelled labelled(Dataset<Row> rows, FeatureModel model) {
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    List<String> inputs = model.inputColumns();
    List<Column> columns = new ArrayList<>();
    inputs.forEach(c -> columns.add(functions.col(c)));
    columns.add(functions.col(LabelConfig.LABEL));
    List<Row> collected = rows.select(columns.toArray(Column[]::new)).collectAsList();
    int width = vectorizer.width();
    float[] vectors = new float[collected.size() * width];
    byte[] labels = new byte[collected.size()];
    for (int r = 0; r < collected.size(); r++) {
      Row row = collected.get(r);
      vectorizer.vectorizeInto(column -> row.get(inputs.indexOf(column)), vectors, r * width);
      labels[r] = (byte) row.getDouble(inputs.size());
    }
    return new Labelled(vectors, labels, collected.size());
  }

  /** Column groups of the feature vector and their widths. */
  private static String describe(FeatureModel model) {
    List<String> names = model.featureNames();
    Map<String, Integer> groups = new java.util.LinkedHashMap<>();
    for (String name : names) {
      String group = name.contains("=") ? name.substring(0, name.indexOf('=')) : name;
      groups.merge(group, 1, Integer::sum);
    }
    return names.size() + " values: " + groups;
  }

  /** Row-major vectors of up to {@code limit} silver rows, made on the driver before any clock. */
  private static float[] vectors(Dataset<Row> silver, FeatureModel model, int limit) {
    FeatureVectorizer vectorizer = new FeatureVectorizer(model);
    List<String> inputs = model.inputColumns();
    List<Row> rows = silver.select(inputs.stream().map(functions::col).toArray(Column[]::new))
        .limit(limit).collectAsList();
    int width = vectorizer.width();
    float[] matrix = new float[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      vectorizer.vectorizeInto(column -> row.get(inputs.indexOf(column)), matrix, r * width);
    }
    return matrix;
  }

  /**
   * The floor: {@code output()} of the whole pre-built matrix in one call per thread (each thread
   * its own copy of the network and half of the rows), the median of {@value #FLOOR_REPEATS}.
   */
  private static Result floor(MultiLayerNetwork network, float[] matrix, int rows, int width,
      int threads) {
    List<MultiLayerNetwork> copies = new ArrayList<>();
    List<INDArray> parts = new ArrayList<>();
    int per = (rows + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      int from = t * per;
      int to = Math.min(rows, from + per);
      copies.add(network.clone());
      parts.add(Nd4j.create(Arrays.copyOfRange(matrix, from * width, to * width),
          new long[] {to - from, width}, 'c'));
    }
    close(copies.get(0).output(parts.get(0), false));
    double[] seconds = new double[FLOOR_REPEATS];
    TrainingBench.Stopwatch all = TrainingBench.Stopwatch.start();
    for (int repeat = 0; repeat < FLOOR_REPEATS; repeat++) {
      long started = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        MultiLayerNetwork copy = copies.get(t);
        INDArray part = parts.get(t);
        Thread worker = new Thread(() -> close(copy.output(part, false)));
        worker.start();
        workers.add(worker);
      }
      for (Thread worker : workers) {
        try {
          worker.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      seconds[repeat] = (System.nanoTime() - started) / 1e9;
    }
    Arrays.sort(seconds);
    Result result = new Result("floor: ND4J output() on a pre-built " + rows + "-row matrix, "
        + threads + " thread" + (threads == 1 ? "" : "s"), rows, seconds[FLOOR_REPEATS / 2],
        all.cores(), all.load());
    parts.forEach(ScoringBench::close);
    return report(result);
  }

  private static void close(INDArray array) {
    if (array.closeable()) {
      array.close();
    }
  }

  private static Result timed(String contender, long rows, Runnable work) {
    TrainingBench.Stopwatch watch = TrainingBench.Stopwatch.start();
    work.run();
    return new Result(contender, rows, watch.seconds(), watch.cores(), watch.load());
  }

  private static Result report(Result r) {
    System.out.printf(Locale.ROOT, "%s: %,d rows in %.2f s = %,.0f rows/s using %.2f cores; load "
        + "%.2f%n", r.contender(), r.rows(), r.seconds(), r.rowsPerSecond(), r.cores(), r.load());
    return r;
  }

  /** What a user writes without deepline's scorer: a UDF that scores each row on its own. */
  private static UserDefinedFunction rowAtATime(ModelBundle bundle) {
    return functions.udf(new RowAtATime(bundle.networkBytes(),
        bundle.metadata().featureModel()), DataTypes.DoubleType);
  }

  /** Restores its network once per task (each task deserialises its own copy of the UDF). */
  private static final class RowAtATime implements UDF1<Row, Double> {
    private static final long serialVersionUID = 1L;
    private final byte[] networkBytes;
    private final FeatureModel featureModel;
    private transient NetworkScorer scorer;
    private transient FeatureVectorizer vectorizer;
    private transient float[] vector;

    RowAtATime(byte[] networkBytes, FeatureModel featureModel) {
      this.networkBytes = networkBytes;
      this.featureModel = featureModel;
    }

    @Override
    public Double call(Row inputs) {
      if (scorer == null) {
        scorer = NetworkScorer.fromBytes(networkBytes);
        vectorizer = new FeatureVectorizer(featureModel);
        vector = new float[vectorizer.width()];
      }
      Arrays.fill(vector, 0f);
      vectorizer.vectorizeInto(column -> inputs.get(inputs.fieldIndex(column)), vector, 0);
      return (double) scorer.probabilities(vector, 1)[0];
    }
  }

  /** {mean, median, 99th percentile} microseconds of one record through {@link ModelScorer}. */
  private static double[] latency(ModelBundle bundle, Dataset<Row> silver, FeatureModel model) {
    List<String> inputs = model.inputColumns();
    List<Map<String, Object>> records = new ArrayList<>();
    for (Row row : silver.limit(LATENCY_WARMUP + LATENCY_RECORDS).collectAsList()) {
      Map<String, Object> record = new HashMap<>();
      for (String column : inputs) {
        record.put(column, row.get(row.fieldIndex(column)));
      }
      records.add(record);
    }
    ModelScorer scorer = new ModelScorer(bundle);
    double sink = 0;
    for (int i = 0; i < LATENCY_WARMUP; i++) {
      sink += scorer.probability(records.get(i));
    }
    int measured = records.size() - LATENCY_WARMUP;
    long[] nanos = new long[measured];
    for (int i = 0; i < measured; i++) {
      long started = System.nanoTime();
      sink += scorer.probability(records.get(LATENCY_WARMUP + i));
      nanos[i] = System.nanoTime() - started;
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(Double.NaN) / NANOS_PER_MICRO;
    double[] result = {mean, nanos[measured / 2] / NANOS_PER_MICRO,
        nanos[(int) (measured * PERCENTILE_99)] / NANOS_PER_MICRO};
    System.out.printf(Locale.ROOT, "single record (ModelScorer.probability, %,d records after %,d "
        + "warm-up): mean %.1f us, median %.1f us, p99 %.1f us (checksum %.3f)%n", measured,
        LATENCY_WARMUP, result[0], result[1], result[2], sink);
    return result;
  }

  /** The Markdown table of bench/README.md: each result against the floors measured in this run. */
  private static void summary(List<Result> results, double[] latency) {
    Result oneThread = results.get(0);
    Result twoThreads = results.get(1);
    System.out.printf(Locale.ROOT, "%n| Contender | Rows | Seconds | Rows/s | Cores used | "
        + "vs floor, 2 threads | vs floor, 1 thread | Load |%n| --- | --- | --- | --- | --- | --- "
        + "| --- | --- |%n");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f | %.2f x | %.2f x | %.2f |%n",
          r.contender(), r.rows(), r.seconds(), r.rowsPerSecond(), r.cores(),
          r.rowsPerSecond() / twoThreads.rowsPerSecond(),
          r.rowsPerSecond() / oneThread.rowsPerSecond(), r.load());
    }
    Result scorer = best(results, "deepline BatchScorer");
    Result stage = best(results, "deepline score stage");
    Result rawWrite = best(results, RAW_WRITE);
    if (scorer != null && stage != null && rawWrite != null) {
      System.out.printf(Locale.ROOT, "%nbest BatchScorer: %.2f x the 2-thread floor; best score stage: "
          + "%.2f x the 2-thread floor (goal %.1f x): %s%n", scorer.rowsPerSecond()
          / twoThreads.rowsPerSecond(), stage.rowsPerSecond() / twoThreads.rowsPerSecond(),
          GOAL_SHARE, stage.rowsPerSecond() >= GOAL_SHARE * twoThreads.rowsPerSecond() ? "met"
              : "not met");
      // The same work done by the bare parts: the floor's scoring of every row, then the raw write.
      double reference = stage.rows() / twoThreads.rowsPerSecond() + rawWrite.seconds();
      System.out.printf(Locale.ROOT, "score stage %.2f s against floor + raw Delta write %.2f s "
          + "(%.2f + %.2f): %.2f x their speed%n", stage.seconds(), reference,
          stage.rows() / twoThreads.rowsPerSecond(), rawWrite.seconds(), reference / stage.seconds());
    }
    System.out.printf(Locale.ROOT, "single-record latency: mean %.1f us, median %.1f us, p99 %.1f "
        + "us%n", latency[0], latency[1], latency[2]);
  }

  private static Result best(List<Result> results, String contender) {
    return results.stream().filter(r -> r.contender().startsWith(contender))
        .max(Comparator.comparingDouble(Result::rowsPerSecond)).orElse(null);
  }
}
