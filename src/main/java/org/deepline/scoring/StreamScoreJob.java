package org.deepline.scoring;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.RecordIds;
import org.deepline.featurestore.FeatureJoins;
import org.deepline.featurestore.JoinedFeatureTable;
import org.deepline.training.ModelBundle;
import org.deepline.training.ModelMetadata;
import org.deepline.tracking.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code score-stream}: scores silver's rows as they land, with the model, threshold and code of
 * {@code score} ({@link ScoreJob#predict}), and appends them to {@code stream_predictions}
 * ({@code _record_id, run_date, silver_version, probability, predicted_label, model_version,
 * run_id, scored_at}).
 *
 * <pre>{@code
 * deepline score-stream --conf conf/churn.json                                  # what landed since the last run
 * deepline score-stream --conf conf/churn.json --set scoring.stream.trigger=interval \
 *     --set scoring.stream.run_minutes=60                                       # every minute for an hour
 * }</pre>
 *
 * <p>Why silver's change data feed and not a plain stream of silver: a load that replaces a date, or
 * merges a key ({@code ingest.upsert}), rewrites files, and a plain Delta stream either fails on such
 * a commit or skips it whole, new rows and all. The feed gives each commit's inserted and updated
 * rows; each version of a record (a record id on a run date, at the silver version that wrote it) is
 * scored once, and the rows a commit deleted are not scored. The first run turns the feed on (one
 * commit of a table property) and scores every row silver then holds.
 *
 * <p>Nothing is scored twice or lost when a run is killed: each micro-batch is one Delta commit
 * marked with the stream's id and batch number, so a batch replayed after a failure commits
 * nothing ({@link DeltaTables#appendOnce}), and the checkpoint says where the next run starts.
 * The model is the one {@code scoring.model_version} names, else the newest registered on or before
 * the run date, chosen when the run starts; {@code model_version} says which scored each row.
 */
public final class StreamScoreJob implements Stage {
  /** The stream's name under the warehouse's {@code streams/}. */
  public static final String STREAM = "score";
  /** The silver version whose commit wrote the row scored (Delta's {@code _commit_version}). */
  public static final String SILVER_VERSION = "silver_version";
  /** Kept beside each prediction: which date's row and which version of it was scored. */
  static final List<String> CARRIED = List.of(DeltaTables.RUN_DATE, SILVER_VERSION);
  private static final String CHANGE_TYPE = "_change_type";
  private static final String COMMIT_VERSION = "_commit_version";
  private static final String COMMIT_TIMESTAMP = "_commit_timestamp";
  /** The change rows that hold a row as silver now has it; deletes and pre-images do not. */
  private static final List<String> ROWS_AS_THEY_ARE = List.of("insert", "update_postimage");
  /** Where Spark names the running query, on the thread that runs its batches. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
  private static final String NEWEST = "_newest";
  /** How often a stream past its {@code run_minutes} is asked whether its batch is done. */
  private static final long TRIGGER_POLL_MILLIS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(StreamScoreJob.class);

  @Override
  public Name name() {
    return new Name("score-stream", "Score silver's rows as they land (new dates, replaced "
        + "dates, merged keys) with a registered model into stream_predictions, once per version "
        + "of a record.");
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    ScoringConfig config = context.section(ScoringConfig.class);
    StreamScoringConfig stream = config.stream();
    String silver = context.table(Table.SILVER);
    if (!DeltaTables.exists(spark, silver)) {
      throw new DeeplineException("score-stream: no silver table at " + silver
          + " (run ingest first)");
    }
    ModelRegistry.ModelEntry model = new ModelRegistry(spark, context.warehouse())
        .named(context.dataset(), context.runDate(), config.modelVersion());
    ModelBundle bundle = ModelBundle.load(context.files(), model.path());
    double threshold = ScoreJob.threshold(config, bundle.metadata());
    List<JoinedFeatureTable> joins = FeatureJoins.atLatestVersions(spark, context.warehouse(),
        context.dataset(), bundle.metadata().featureModel().joins());
    // Before the stream starts: silver, with the feature tables joined as each batch will be,
    // lacks an input of the model or has one of another type.
    BatchScorer scorer = new BatchScorer(bundle, config.batchSize());
    scorer.transformSchema(FeatureJoins.apply(DeltaTables.read(spark, silver), joins).schema());
    if (DeltaTables.enableChangeDataFeed(spark, silver)) {
      LOG.info("score-stream: turned on the change data feed of {} (its later commits keep "
          + "their changed rows, for this stream)", silver);
    }
    String checkpoint = stream.checkpoint() != null ? stream.checkpoint()
        : context.warehouse().streamCheckpoint(context.dataset(), STREAM);
    String output = context.table(Table.STREAM_PREDICTIONS);
    BatchWriter writer = new BatchWriter(output, joins, scorer, threshold, context.runId());

    DataStreamReader reader = spark.readStream().format("delta")
        .option("readChangeFeed", "true");
    if (stream.maxFilesPerTrigger() != null) {
      reader = reader.option("maxFilesPerTrigger", stream.maxFilesPerTrigger());
    }
    long started = System.nanoTime();
    StreamingQuery query;
    try {
      query = reader.load(silver).writeStream().foreachBatch(writer)
          .trigger(stream.stopsWhenCaughtUp() ? Trigger.AvailableNow()
              : Trigger.ProcessingTime(stream.intervalSecondsOrDefault(), TimeUnit.SECONDS))
          .option("checkpointLocation", checkpoint)
          .start();
      LOG.info("score-stream: stream {} of {} with model {}{}, checkpoint {}", query.id(), silver,
          model.modelVersion(), bundle.metadata().isMulticlass()
              || bundle.metadata().isRegression() ? "" : " (threshold " + threshold + ")",
          checkpoint);
      awaitEnd(query, stream);
    } catch (StreamingQueryException e) {
      throw failed(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("score-stream: the stream did not stop", e);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    LOG.info(String.format(Locale.ROOT, "score-stream: %d batches, %d changed rows read, %d "
        + "scored, %d batches committed before (replayed) in %.1f s", writer.batches.get(),
        writer.rowsRead.get(), writer.rowsScored.get(), writer.batchesReplayed.get(), seconds));

    StageResult.Builder result = StageResult.builder()
        .input(DeltaTables.ref(spark, silver));
    joins.forEach(join -> result.input(new TableRef(join.path(), join.version())));
    if (DeltaTables.exists(spark, output)) {
      result.output(DeltaTables.ref(spark, output));
    }
    ModelMetadata metadata = bundle.metadata();
    if (!metadata.isMulticlass() && !metadata.isRegression()) {
      // Only a 0/1 label's prediction has a threshold: classes take the most probable, numbers
      // are numbers.
      result.artifact("threshold_source", ScoreJob.thresholdSource(config, metadata))
          .metric("threshold", threshold);
    }
    return result.artifact("model_version", model.modelVersion())
        .artifact("checkpoint", checkpoint)
        .metric("batches", writer.batches.get())
        .metric("batches_replayed", writer.batchesReplayed.get())
        .metric("rows_read", writer.rowsRead.get())
        .metric("rows_scored", writer.rowsScored.get())
        .metric("seconds", seconds)
        .build();
  }

  /**
   * Pure transform: a micro-batch of silver's change data feed to the rows to score, each record
   * version once: rows as a commit inserted or updated them (not deletes, not the pre-images of
   * updates), the latest version of a record id on a run date where the batch holds several
   * (inserted, then merged again), with its silver version as {@value #SILVER_VERSION}.
   */
  public static Dataset<Row> rowsToScore(Dataset<Row> changes) {
    return rowsOfOneCommit(changes)
        .withColumn(NEWEST, functions.row_number().over(Window
            .partitionBy(RecordIds.RECORD_ID, DeltaTables.RUN_DATE)
            .orderBy(functions.col(SILVER_VERSION).desc())))
        .where(functions.col(NEWEST).equalTo(1)).drop(NEWEST);
  }

  /**
   * {@link #rowsToScore} of changes that one commit made, where a record id appears on a run date
   * at most once as inserted or updated (a load numbers the copies of a record): no window, so no
   * shuffle of whole rows. Why: a stream's first batch (the snapshot) and most later ones (one
   * load each) are such; the window cost the first batch of flights-3m half its time.
   */
  static Dataset<Row> rowsOfOneCommit(Dataset<Row> changes) {
    return changes.where(functions.col(CHANGE_TYPE).isin(ROWS_AS_THEY_ARE.toArray()))
        .drop(CHANGE_TYPE, COMMIT_TIMESTAMP)
        .withColumnRenamed(COMMIT_VERSION, SILVER_VERSION);
  }

  private static void awaitEnd(StreamingQuery query, StreamScoringConfig stream)
      throws StreamingQueryException, java.util.concurrent.TimeoutException {
    if (stream.stopsWhenCaughtUp() || stream.runMinutes() == null) {
      query.awaitTermination();
      return;
    }
    long millis = Math.round(stream.runMinutes() * TimeUnit.MINUTES.toMillis(1));
    if (!query.awaitTermination(millis)) {
      // stop() cancels the batch under way (replayed by the next run, written once): let it
      // finish first, so that a batch longer than the window is not redone at every deadline.
      while (query.isActive() && query.status().isTriggerActive()) {
        query.awaitTermination(TRIGGER_POLL_MILLIS);
      }
      query.stop();
      if (query.exception().isDefined()) {
        throw query.exception().get();
      }
    }
  }

  /**
   * A failed batch reaches here wrapped in Spark's exception; the user should read the cause. The
   * batches committed before it stay, and the next run goes on from the last of them.
   */
  private static RuntimeException failed(StreamingQueryException error) {
    Optional<DeeplineException> user = DeeplineException.in(error);
    if (user.isPresent()) {
      return new DeeplineException(user.get().failure(), "score-stream: "
          + user.get().getMessage() + " (batches committed before it stay in "
          + "stream_predictions; the next run goes on after the last of them)", error);
    }
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
      if (inner instanceof java.io.IOException) {
        // Storage trouble: the command line makes it exit 8, worth a retry.
        return new IllegalStateException("score-stream: the stream failed: "
            + error.getMessage(), cause);
      }
    }
    // Delta's own refusals (silver's columns changed under a running stream, versions or change
    // files the checkpoint needs are gone, two runs on one checkpoint) are the user's to act on.
    return new DeeplineException(Failure.INPUT, "score-stream: the stream stopped: "
        + cause.getMessage() + " (batches committed before it stay in stream_predictions; see "
        + "docs/operations.md, Streaming scoring, for what a checkpoint cannot survive)", error);
  }

  /** Scores and commits one micro-batch on the driver's stream thread; counts what it did. */
  private static final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final String output;
    private final List<JoinedFeatureTable> joins;
    private final BatchScorer scorer;
    private final double threshold;
    private final String runId;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchesReplayed = new AtomicLong();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsScored = new AtomicLong();

    BatchWriter(String output, List<JoinedFeatureTable> joins, BatchScorer scorer,
        double threshold, String runId) {
      this.output = output;
      this.joins = joins;
      this.scorer = scorer;
      this.threshold = threshold;
      this.runId = runId;
    }

    @Override
    public void call(Dataset<Row> changes, Long batchId) {
      String streamId = changes.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
      if (streamId == null) {
        // Without the stream's id a replayed batch could not be told from a new one.
        throw new IllegalStateException("score-stream: Spark named no query for batch " + batchId);
      }
      batches.incrementAndGet();
      if (DeltaTables.committed(changes.sparkSession(), output, streamId, batchId)) {
        // Before any read of the batch: a replay after a stop between Delta's commit and the
        // checkpoint's has nothing to compute (appendOnce would refuse its rows again).
        batchesReplayed.incrementAndGet();
        LOG.info("score-stream: batch {} was committed before the last run stopped; not "
            + "written again", batchId);
        return;
      }
      // A first read of one column: how many changes, and whether they come from one commit.
      Row span = changes.agg(functions.count(functions.lit(1)),
          functions.min(COMMIT_VERSION), functions.max(COMMIT_VERSION)).head();
      long changed = span.getLong(0);
      rowsRead.addAndGet(changed);
      if (changed == 0) {
        return;
      }
      Dataset<Row> toScore = span.getLong(1) == span.getLong(2) ? rowsOfOneCommit(changes)
          : rowsToScore(changes);
      Dataset<Row> scored = ScoreJob.predict(toScore, joins, scorer, threshold, runId, CARRIED);
      DeltaTables.Appended appended = DeltaTables.appendOnce(scored, output, streamId, batchId,
          List.of(DeltaTables.RUN_DATE),
          Map.of(DeltaTables.STATS_COLUMNS, String.join(",",
              ScoreJob.statsColumns(scorer.bundle().metadata()))));
      long written = appended.rows();
      rowsScored.addAndGet(written);
      if (appended.replayed()) {
        batchesReplayed.incrementAndGet();
        LOG.info("score-stream: batch {} was committed before the last run stopped; not "
            + "written again", batchId);
      } else {
        LOG.info("score-stream: batch {}: {} changed rows, {} scored", batchId, changed, written);
      }
    }
  }
}
