package org.deepline.etl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: source files into bronze (every field as it arrived), then bronze into a typed silver table
 * and a quarantine table that holds each rejected record with its reason. Bronze rows of the run date
 * always equal silver plus quarantine rows; the job fails if they do not, or if more rows than
 * {@code ingest.max_quarantine_fraction} were rejected.
 *
 * <p>The three commits of a load carry the load's batch ({@link IngestBatches}); a run first finishes
 * a load that was interrupted between them, deriving its silver and quarantine again from its
 * committed bronze rows, so that the three tables change together as far as a user can tell.
 *
 * <p>Bronze costs one pass over the source's id hashes to find the repeating ones and one pass to
 * write it (see {@link RecordIds}); silver one pass over bronze, a projection with no cache;
 * quarantine another only when silver did not take every row; the row counts come from the Delta
 * commits, not from reading the tables again.
 */
public final class IngestJob implements Stage {
  public static final String INGESTED_AT = "_ingested_at";
  /**
   * The share of a load's rows without a label beyond which they fail it whatever
   * {@code ingest.max_quarantine_fraction} says: a data set lacks some labels, a broken label
   * column loses most of them.
   */
  static final double MAX_UNLABELLED_SHARE = 0.5;
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  private static final int REASONS_IN_ERROR = 3;
  /** A value a quarantine reason quotes: {@code 'text'}. */
  private static final String QUOTED_VALUE = "'[^']*'";
  /** How every malformed record's reason starts, whatever its format. */
  private static final String MALFORMED_PREFIX = "malformed ";
  private static final String CSV_MALFORMED =
      MALFORMED_PREFIX + "line: field count or quoting does not match the header";
  private static final String JSON_MALFORMED = MALFORMED_PREFIX + "record: not valid JSON";
  private static final String REST_MALFORMED = MALFORMED_PREFIX + "record: not a JSON object";
  /** The repair of an interrupted load of another date: its silver and quarantine derived again. */
  static final String REPAIR_DERIVED = "silver and quarantine derived again from its bronze rows";
  /** An interrupted load of this run's own date, which this run replaces. */
  static final String REPAIR_REPLACED = "replaced by this run of the same date";
  /**
   * Bronze keeps no per-file minimum, maximum or null count, only each file's row count: it is read
   * by run date (its partition) and by version, never filtered by a value, and Delta's statistics
   * of its columns (the record id and the source file's path among them, compared on every row)
   * cost about a fifth of its write.
   */
  static final Map<String, String> BRONZE_PROPERTIES =
      Map.of(DeltaTables.STATS_COLUMN_COUNT, "0");
  /**
   * Declared types Delta keeps no per-file statistics of: naming a {@code boolean} column in
   * {@value DeltaTables#STATS_COLUMNS} fails the write ({@code DELTA_COLUMN_DATA_SKIPPING_NOT_SUPPORTED_TYPE}).
   */
  static final Set<String> UNSKIPPABLE_TYPES = Set.of("boolean");
  /** Delta's default number of leading columns it keeps statistics of. */
  static final int STATS_COLUMNS_KEPT = 32;

  /** Where a JDBC or REST source's credentials ({@code ..._env}) are looked up. */
  private final UnaryOperator<String> environment;
  /** How a REST source waits between retries. */
  private final RestSource.Pause pause;
  /** Called after each of a load's commits; where a test interrupts a load between two of them. */
  private final AfterCommit afterCommit;

  /** The metric of the rows a load read from its source. */
  public static final String ROWS_READ = "rows_read";

  /**
   * What runs after each of a load's three commits. The production job does nothing; a test throws
   * from it to interrupt a load between commits as a crash would, with real Delta tables.
   */
  @FunctionalInterface
  public interface AfterCommit {
    AfterCommit NONE = table -> { };

    void committed(Table table);
  }

  public IngestJob() {
    this(System::getenv);
  }

  /** An ingest job that reads credentials from {@code environment} instead of the process's. */
  public IngestJob(UnaryOperator<String> environment) {
    this(environment, RestSource.SLEEP);
  }

  /** ... and waits between a REST source's retries with {@code pause}. */
  public IngestJob(UnaryOperator<String> environment, RestSource.Pause pause) {
    this(environment, pause, AfterCommit.NONE);
  }

  /** ... and calls {@code afterCommit} after each commit of a load. */
  public IngestJob(UnaryOperator<String> environment, RestSource.Pause pause,
      AfterCommit afterCommit) {
    this.environment = environment;
    this.pause = pause;
    this.afterCommit = afterCommit;
  }

  @Override
  public Name name() {
    return new Name("ingest",
        "Source files -> bronze (raw), silver (typed) and quarantine (rejected, with reason).");
  }

  @Override
  public List<Table> replacedTables() {
    return List.of(Table.BRONZE, Table.SILVER, Table.QUARANTINE);
  }

  /** The source's files: ingest is planned by what it reads, not by silver's size. */
  @Override
  public long inputBytes(RunContext context) {
    return SourceReader.sizeInBytes(context.spark(),
        context.section(SourceConfig.class).on(context.runDate()));
  }

  /** The declared columns: what the typing projects, one set of expressions each. */
  @Override
  public int inputColumns(RunContext context) {
    return context.section(SchemaConfig.class).columns().size();
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    String runDate = context.runDate();

    SourceConfig sourceConfig = context.section(SourceConfig.class).on(runDate);
    SchemaConfig schema = context.section(SchemaConfig.class);
    // Before this load reads anything: a load that was interrupted between its commits is finished.
    Optional<IngestBatches.Latest> latest = IngestBatches.latest(spark,
        context.table(Table.BRONZE), derivedTables(context));
    Optional<Repair> repair = finishIncomplete(context, latest.flatMap(
        IngestBatches.Latest::incomplete), sourceConfig, schema);
    // ... and one stopped after its last table's commit, before its watermark's, gets its mark.
    boolean watermarkRepaired = repair.isEmpty()
        && recordUnrecordedWatermark(context, latest.filter(IngestBatches.Latest::whole));
    // Read once: it bounds the read below and decides whether the upsert may delete keys.
    Optional<Watermarks.Ceiling> ceiling = ceiling(context, sourceConfig, runDate);
    Optional<Watermarks.Mark> mark = Optional.empty();
    Map<String, Double> sourceMetrics = Map.of();
    SourceReader.Source source;
    if (sourceConfig.isJdbc()) {
      JdbcConfig jdbc = sourceConfig.jdbc();
      Optional<String> since = jdbc.incremental() ? Watermarks.since(spark,
          context.table(Table.WATERMARKS), jdbc.describe(), jdbc.watermarkColumn(), runDate)
          : Optional.empty();
      ceiling.ifPresent(c -> LOG.info("ingest: a later date than {} was loaded from {}: {}", runDate,
          jdbc.describe(), c.readsNothing() ? "it read this date's changes, so this load reads none"
              : "this load reads its changes again up to its own mark " + c.value()));
      JdbcSource.Extract extract = JdbcSource.extract(spark, jdbc, since, ceiling, environment);
      source = SourceReader.fromDatabase(extract.rows(), sourceConfig, schema);
      if (jdbc.incremental()) {
        LOG.info("ingest: {} rows with {} above {} up to {}", jdbc.describe(),
            jdbc.watermarkColumn(), since.orElse("(none: full load)"), extract.highWatermark());
        mark = Optional.of(Watermarks.Mark.planned(jdbc.describe(), jdbc.watermarkColumn(),
            extract.highWatermark(), context.runId(), runDate));
      }
    } else if (sourceConfig.isRest()) {
      // Every page is fetched before anything is written: a page that never comes right fails here.
      RestSource.Fetched fetched = new RestSource(sourceConfig.rest(), environment, pause).fetch();
      source = SourceReader.fromRest(RestSource.rows(spark, fetched, sourceConfig.describe(),
          sourceConfig.options()), sourceConfig, schema);
      sourceMetrics = fetched.metrics();
    } else {
      source = SourceReader.read(spark, sourceConfig, schema);
    }
    if (!source.renamed().isEmpty()) {
      LOG.info("ingest: source columns renamed for Delta (source -> column): {}", source.renamed());
    }
    SchemaEvolution.Drift drift = source.drift();
    IngestBatches.Batch batch = new IngestBatches.Batch(context.runId(), runDate, drift.carried(),
        mark.orElse(null), source.numbers());
    DeltaTables.Written bronze;
    long keptEarlier;
    try {
      // An incremental load that finds no changed row is a success that loads nothing; a REST
      // load with no record failed already, without this extra pass.
      if (mark.isEmpty() && !sourceConfig.isRest() && source.rows().isEmpty()) {
        throw new DeeplineException(Failure.DATA_QUALITY,
            "source " + sourceConfig.describe() + ": no data rows");
      }
      String bronzePath = context.table(Table.BRONZE);
      // Before the record ids are hashed: a record keeps its id whichever type the load had.
      Dataset<Row> sourceRows = DeltaTables.exists(spark, bronzePath)
          ? BronzeTypes.alignedTo(DeltaTables.read(spark, bronzePath).schema(), source.rows(),
              sourceConfig.describe())
          : source.rows();
      Dataset<Row> read = toBronze(sourceRows, schema);
      boolean keepsEarlier = ceiling.isPresent() && !context.section(IngestConfig.class).upsert()
          && DeltaTables.exists(spark, bronzePath);
      // Computed once (it reads the source and bronze's slice): the count and the write reuse it,
      // where each queried the source again.
      Dataset<Row> earlier = keepsEarlier
          ? earlierVersions(spark, read, bronzePath, runDate).localCheckpoint() : null;
      keptEarlier = keepsEarlier ? earlier.count() : 0;
      if (keptEarlier > 0) {
        LOG.warn("ingest: {} rows {} received on {} changed at the source since (or left it) "
            + "and are not read again; they stay in its bronze and silver as it received them "
            + "(metric rows_kept_from_earlier_load)", keptEarlier, sourceConfig.describe(),
            runDate);
      }
      Dataset<Row> raw = keptEarlier > 0 ? read.unionByName(earlier, true) : read;
      bronze = IngestBatches.committing(spark, batch,
          () -> DeltaTables.replaceRunDateCounted(raw, context.table(Table.BRONZE), runDate,
              List.of(), BRONZE_PROPERTIES));
    } catch (DeeplineException e) {
      throw e;
    } catch (Exception e) {
      throw SourceReader.explain(e, source, sourceConfig);
    }
    afterCommit.committed(Table.BRONZE);

    String silverPath = context.table(Table.SILVER);
    List<String> added = SchemaEvolution.newTo(drift.carried(),
        DeltaTables.exists(spark, silverPath) ? DeltaTables.read(spark, silverPath).columns()
            : new String[0]);
    Derived derived = derive(context, bronze.table(), bronze.rows(), batch, sourceConfig, schema,
        afterCommit, ceiling.isEmpty());
    DeltaTables.Written silver = derived.silver();
    DeltaTables.Written quarantine = derived.quarantine();
    StageResult.Builder result = reconcile(context, bronze, silver, quarantine);
    result.metric("columns_renamed", source.renamed().size()).metrics(sourceMetrics);
    recordDrift(result, drift, added);
    recordRepair(result, repair);
    result.metric("ingest_watermark_repaired", watermarkRepaired ? 1 : 0);
    if (keptEarlier > 0) {
      result.metric("rows_kept_from_earlier_load", keptEarlier);
    }
    derived.merged().ifPresent(m -> result.metric("rows_silver_inserted", m.inserted())
        .metric("rows_silver_updated", m.updated())
        .metric("rows_silver_unchanged", m.unchanged())
        .metric("rows_silver_deleted", m.deleted())
        .metric("rows_silver_kept_newer", m.keptNewer()));
    derived.merged().filter(m -> m.keptNewer() > 0).ifPresent(m -> LOG.warn("ingest: {} of the "
        + "batch's keys were loaded by a later date than {}; silver keeps that later version "
        + "(metric rows_silver_kept_newer)", m.keptNewer(), runDate));
    // Only now, with bronze, silver and quarantine committed and reconciled: a failed load leaves the
    // watermark where it was, and the next run reads the same changes again.
    if (mark.isPresent()) {
      Watermarks.Mark planned = mark.get();
      Watermarks.record(spark, context.table(Table.WATERMARKS),
          planned.withRows(rows(spark, bronze, runDate)));
      if (planned.value() != null) {
        result.artifact("source_watermark", planned.value());
      }
    }
    if (!source.renamed().isEmpty()) {
      result.artifact("column_renames", Json.writeCompact(source.renamed()));
    }
    return result.build();
  }

  /**
   * The rows an earlier load of {@code runDate} put in bronze that a re-read of the date no longer
   * gives (by record id): the versions of rows changed at the source since, whose new versions a
   * later date read, and rows deleted there. Why: without {@code ingest.upsert} silver is a log of
   * what each date received, and the backfill of an earlier date (a config mended) replaced that
   * date with the re-read and lost them (the seventh sweep: 20 of 3,000 rows, exit 0).
   */
  static Dataset<Row> earlierVersions(SparkSession spark, Dataset<Row> read, String bronze,
      String runDate) {
    return DeltaTables.slice(spark, DeltaTables.ref(spark, bronze), runDate)
        .drop(DeltaTables.RUN_DATE)
        .join(read.select(RecordIds.RECORD_ID), RecordIds.RECORD_ID, "left_anti");
  }

  /** Where an incremental JDBC load of {@code runDate} stops ({@link Watermarks#ceiling}). */
  private static Optional<Watermarks.Ceiling> ceiling(RunContext context, SourceConfig source,
      String runDate) {
    if (!source.isJdbc() || !source.jdbc().incremental()) {
      return Optional.empty();
    }
    return Watermarks.ceiling(context.spark(), context.table(Table.WATERMARKS),
        source.jdbc().describe(), source.jdbc().watermarkColumn(), runDate);
  }

  /** A batch's silver and quarantine commits, and what its upsert did when silver is merged. */
  private record Derived(DeltaTables.Written silver, DeltaTables.Written quarantine,
      Optional<SilverUpsert.Merged> merged) {}

  /**
   * Silver and quarantine of {@code batch} from its rows in bronze as of {@code bronze}: the second
   * and third commits of a load, and all a repair of an interrupted load redoes.
   *
   * <p>When silver took every one of the batch's {@code bronzeRows}, no row has a reason, so
   * quarantine's commit writes no row without reading bronze again: silver and quarantine are the
   * two halves of one projection of the same rows (reason empty or not). Its commit still replaces
   * the date's quarantine rows and carries the batch's mark.
   *
   * @param bronzeRows the batch's rows in bronze, when known
   * @param whole      whether the batch is all the date has: an upsert deletes the keys of the
   *                   date it lacks. Not so for a JDBC re-read up to a later date's start
   *                   ({@link Watermarks#ceiling}): a key of the date whose watermark moved past
   *                   it (touched at the source, its declared values the same, so the later load
   *                   left it under this date) is missing from the batch, and was deleted with
   *                   no later load to bring it back
   */
  private static Derived derive(RunContext context, TableRef bronze, OptionalLong bronzeRows,
      IngestBatches.Batch batch, SourceConfig sourceConfig, SchemaConfig schema,
      AfterCommit afterCommit, boolean whole) {
    SparkSession spark = context.spark();
    String runDate = batch.runDate();
    Dataset<Row> typed = typed(
        SchemaEvolution.withMissingAsNull(DeltaTables.slice(spark, bronze, runDate), schema),
        sourceConfig, schema, context.section(LabelConfig.class),
        context.section(IngestConfig.class).nullTokens(), batch);
    String silverPath = context.table(Table.SILVER);
    Optional<SilverUpsert.Merged> merged = context.section(IngestConfig.class).upsert()
        ? Optional.of(IngestBatches.committing(spark, batch,
            () -> SilverUpsert.merge(silver(typed), silverPath, schema, runDate, whole)))
        : Optional.empty();
    DeltaTables.Written silver = merged.isPresent() ? merged.get().written()
        : IngestBatches.committing(spark, batch,
            () -> DeltaTables.replaceRunDateCounted(silver(typed), silverPath, runDate, List.of(),
                silverProperties(schema)));
    afterCommit.committed(Table.SILVER);
    boolean allSilver = bronzeRows.isPresent() && silver.rows().isPresent()
        && silver.rows().getAsLong() == bronzeRows.getAsLong();
    Dataset<Row> rejected = allSilver ? noRows(quarantine(typed)) : quarantine(typed);
    DeltaTables.Written quarantine = IngestBatches.committing(spark, batch,
        () -> DeltaTables.replaceRunDateCounted(rejected, context.table(Table.QUARANTINE),
            runDate));
    afterCommit.committed(Table.QUARANTINE);
    return new Derived(silver, quarantine, merged);
  }

  /**
   * What the start of a run found and did about a load interrupted between its commits.
   *
   * @param rows the repaired batch's rows; empty when this run, of the same date, replaces the
   *             batch instead
   */
  private record Repair(IngestBatches.Incomplete incomplete, Optional<RepairedRows> rows) {}

  /** The rows of a repaired batch in bronze, and those its repair derived for silver and quarantine. */
  private record RepairedRows(long read, long silver, long quarantined) {}

  /**
   * Finds the latest load whose bronze committed but whose silver or quarantine did not, and
   * finishes it: silver and quarantine are derived again from the batch's committed bronze rows, with
   * the batch's mark, so the three tables hold the load as an uninterrupted run would have left it,
   * and reconciled. A batch of this run's own date is left to this run, which replaces all three.
   *
   * @param found the latest load, when it stopped between its commits
   */
  private static Optional<Repair> finishIncomplete(RunContext context,
      Optional<IngestBatches.Incomplete> found, SourceConfig sourceConfig, SchemaConfig schema) {
    SparkSession spark = context.spark();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    IngestBatches.Incomplete incomplete = found.get();
    IngestBatches.Batch batch = incomplete.batch();
    if (batch.runDate().equals(context.runDate())) {
      LOG.warn("ingest: the load {} of {} committed bronze but not {}; this run of the same date "
          + "replaces it", batch.id(), batch.runDate(), incomplete.missing());
      return Optional.of(new Repair(incomplete, Optional.empty()));
    }
    LOG.warn("ingest: the load {} of {} committed bronze but not {}; deriving them again from its "
        + "bronze rows (version {})", batch.id(), batch.runDate(), incomplete.missing(),
        incomplete.bronzeVersion());
    TableRef bronze = new TableRef(context.table(Table.BRONZE), incomplete.bronzeVersion());
    long bronzeRows = DeltaTables.slice(spark, bronze, batch.runDate()).count();
    Derived derived = derive(context, bronze, OptionalLong.of(bronzeRows), batch, sourceConfig,
        schema, AfterCommit.NONE, ceiling(context, sourceConfig, batch.runDate()).isEmpty());
    long silverRows = rows(spark, derived.silver(), batch.runDate());
    long quarantineRows = rows(spark, derived.quarantine(), batch.runDate());
    requireReconciled(batch.runDate(), bronzeRows, silverRows, quarantineRows);
    advanceWatermark(context, batch, bronzeRows, quarantineRows);
    return Optional.of(new Repair(incomplete,
        Optional.of(new RepairedRows(bronzeRows, silverRows, quarantineRows))));
  }

  /**
   * Records the watermark of the latest incremental load when its bronze, silver and quarantine
   * committed but its watermark did not (the driver stopped in the seconds between): without it the
   * next load reads the same changes again, and a silver without {@code ingest.upsert} holds them
   * twice (the seventh sweep: 500 of 3,500 rows, exit 0). Not when the load's tables do not
   * reconcile or it quarantined too much, failures that leave the watermark where it was on
   * purpose ({@link #advanceWatermark}); a load of this run's own date is left to this run.
   *
   * @param latest the latest load, when all three of its tables committed it
   * @return whether a watermark was recorded
   */
  private static boolean recordUnrecordedWatermark(RunContext context,
      Optional<IngestBatches.Latest> latest) {
    SparkSession spark = context.spark();
    if (latest.isEmpty()) {
      return false;
    }
    IngestBatches.Batch batch = latest.get().batch();
    Watermarks.Mark planned = batch.watermark();
    String watermarks = context.table(Table.WATERMARKS);
    if (planned == null || batch.runDate().equals(context.runDate())
        || Watermarks.recorded(spark, watermarks, planned.source(), planned.column(),
            batch.runDate(), batch.id())) {
      return false;
    }
    String date = batch.runDate();
    long bronzeRows = DeltaTables.slice(spark, new TableRef(context.table(Table.BRONZE),
        latest.get().bronzeVersion()), date).count();
    long quarantineRows = DeltaTables.slice(spark, new TableRef(context.table(Table.QUARANTINE),
        latest.get().committed().get(Table.QUARANTINE.dirName())), date).count();
    if (!context.section(IngestConfig.class).upsert()) {
      // A merge leaves silver's date holding other loads' keys too: only a replaced date counts.
      long silverRows = DeltaTables.slice(spark, new TableRef(context.table(Table.SILVER),
          latest.get().committed().get(Table.SILVER.dirName())), date).count();
      if (bronzeRows != silverRows + quarantineRows) {
        LOG.warn("ingest: the load {} of {} did not reconcile (bronze {} != silver {} + "
            + "quarantine {}) and recorded no watermark; the next load reads its changes again",
            batch.id(), date, bronzeRows, silverRows, quarantineRows);
        return false;
      }
    }
    LOG.warn("ingest: the load {} of {} committed bronze, silver and quarantine but not its "
        + "watermark (it was stopped in between)", batch.id(), date);
    return advanceWatermark(context, batch, bronzeRows, quarantineRows);
  }

  /** The tables a load derives from bronze, by the name a repair reports them. */
  private static Map<String, String> derivedTables(RunContext context) {
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put(Table.SILVER.dirName(), context.table(Table.SILVER));
    tables.put(Table.QUARANTINE.dirName(), context.table(Table.QUARANTINE));
    return tables;
  }

  /**
   * Records a repaired incremental load's watermark, as the load would have had it not been
   * interrupted: the next load then starts after the changes this one read instead of reading them
   * again. A repaired load that quarantined more than {@code ingest.max_quarantine_fraction} would
   * have failed (an incremental load counts rows without a label: {@link #replacesTheDate}), and
   * leaves the watermark where it was, as that failure does.
   *
   * @return whether the watermark was recorded
   */
  private static boolean advanceWatermark(RunContext context, IngestBatches.Batch batch,
      long bronzeRows, long quarantineRows) {
    if (batch.watermark() == null) {
      return false;
    }
    double limit = context.section(IngestConfig.class).maxQuarantineFraction();
    if (quarantineFraction(bronzeRows, quarantineRows) > limit) {
      LOG.warn("ingest: the repaired load {} of {} quarantined {} of {} rows, more than "
          + "ingest.max_quarantine_fraction: its watermark is not recorded, and the next load "
          + "reads its changes again", batch.id(), batch.runDate(), quarantineRows, bronzeRows);
      return false;
    }
    Watermarks.record(context.spark(), context.table(Table.WATERMARKS),
        batch.watermark().withRows(bronzeRows));
    LOG.info("ingest: the repaired load {} of {} recorded its watermark {} = {}", batch.id(),
        batch.runDate(), batch.watermark().column(), batch.watermark().value());
    return true;
  }

  /**
   * The repair in the run record: {@code ingest_repaired} (1 when a load was found incomplete), the
   * repaired batch's rows, and the artifact {@code ingest_repair} saying which load, which tables it
   * lacked and what was done.
   */
  private static void recordRepair(StageResult.Builder result, Optional<Repair> repair) {
    result.metric("ingest_repaired", repair.isPresent() ? 1 : 0);
    if (repair.isEmpty()) {
      return;
    }
    IngestBatches.Incomplete incomplete = repair.get().incomplete();
    Optional<RepairedRows> rows = repair.get().rows();
    rows.ifPresent(r -> result.metric("repair_rows_read", r.read())
        .metric("repair_rows_silver", r.silver())
        .metric("repair_rows_quarantined", r.quarantined()));
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("batch", incomplete.batch().id());
    record.put("run_date", incomplete.batch().runDate());
    record.put("bronze_version", incomplete.bronzeVersion());
    record.put("missing", incomplete.missing());
    record.put("action", rows.isPresent() ? REPAIR_DERIVED : REPAIR_REPLACED);
    result.artifact("ingest_repair", Json.writeCompact(record));
  }

  /**
   * What the schema evolution policy let through, in the run record: undeclared columns loaded into
   * silver ({@code columns_added}: new to silver in this load), declared columns loaded as null, and
   * undeclared columns kept in bronze only.
   */
  private static void recordDrift(StageResult.Builder result, SchemaEvolution.Drift drift,
      List<String> added) {
    result.metric("columns_added", added.size())
        .metric("columns_filled_null", drift.missing().size());
    if (!added.isEmpty()) {
      result.artifact("columns_added", Json.writeCompact(added));
    }
    if (!drift.missing().isEmpty()) {
      LOG.warn("ingest: declared column(s) {} missing from the source, loaded as null",
          drift.missing());
      result.artifact("columns_filled_null", Json.writeCompact(drift.missing()));
    }
    List<String> bronzeOnly = drift.undeclared().stream()
        .filter(c -> !drift.carried().contains(c)).toList();
    if (!bronzeOnly.isEmpty()) {
      result.artifact("columns_bronze_only", Json.writeCompact(bronzeOnly));
    }
  }

  /**
   * The table properties silver is created with (a silver table created before keeps its own):
   * Delta keeps per-file statistics of the first {@value #STATS_COLUMNS_KEPT} declared columns of
   * types it can keep them of only, as many as Delta's default keeps of a table's first columns. Deepline's own columns ({@value RecordIds#RECORD_ID}, unique, and
   * {@value SourceReader#SOURCE_FILE}, a path repeated on every row) are never filtered by value,
   * and their minimum and maximum were compared on every row written; so were those of every
   * column of a wide table, a fifth of the silver write of a 1,503-column one.
   */
  static Map<String, String> silverProperties(SchemaConfig schema) {
    List<String> skippable = schema.columns().stream()
        .filter(c -> !UNSKIPPABLE_TYPES.contains(c.type()))
        .limit(STATS_COLUMNS_KEPT)
        .map(c -> Columns.quote(c.name()))
        .toList();
    // An empty list is no valid property value: no column statistics at all, as bronze.
    return skippable.isEmpty() ? Map.of(DeltaTables.STATS_COLUMN_COUNT, "0")
        : Map.of(DeltaTables.STATS_COLUMNS, String.join(",", skippable));
  }

  /** {@code rows}'s columns without its rows: a write of it reads nothing. */
  private static Dataset<Row> noRows(Dataset<Row> rows) {
    return rows.sparkSession().createDataFrame(List.of(), rows.schema());
  }

  /** Raw rows plus their record id and load time. */
  public static Dataset<Row> toBronze(Dataset<Row> raw, SchemaConfig schema) {
    List<String> content = Arrays.stream(raw.columns())
        .filter(c -> !c.equals(SourceReader.SOURCE_FILE) && !c.equals(SilverTyping.RAW_RECORD))
        .toList();
    return RecordIds.assign(raw, schema.key(), content)
        .withColumn(INGESTED_AT, functions.current_timestamp());
  }

  /**
   * Bronze rows of {@code batch} converted to the schema, with every reason a row cannot go to
   * silver. One aggregation over bronze first decides the day and month order of text dates
   * declared without a format ({@link DayMonthOrder}), when there are any: from bronze, so that a
   * repair decides as the load did.
   */
  public static Dataset<Row> typed(Dataset<Row> bronze, SourceConfig source, SchemaConfig schema,
      LabelConfig label, List<String> nullTokens, IngestBatches.Batch batch) {
    String malformed = switch (source.format()) {
      case SourceConfig.JSON -> JSON_MALFORMED;
      case SourceConfig.REST -> REST_MALFORMED;
      default -> CSV_MALFORMED;
    };
    return SilverTyping.requireLabel(
        SilverTyping.apply(bronze, schema, malformed, nullTokens, batch.carried(),
            batch.numbers(), label,
            DayMonthOrder.patterns(bronze, schema)), label);
  }

  public static Dataset<Row> silver(Dataset<Row> typed) {
    return typed.where(functions.col(SilverTyping.REASON).equalTo(""))
        .drop(SilverTyping.REASON, SilverTyping.RAW_RECORD);
  }

  public static Dataset<Row> quarantine(Dataset<Row> typed) {
    return typed.where(functions.col(SilverTyping.REASON).notEqual(""))
        .select(functions.col(RecordIds.RECORD_ID), functions.col(SourceReader.SOURCE_FILE),
            functions.lit("ingest").as("stage"),
            functions.col(SilverTyping.REASON).as("reason"),
            functions.col(SilverTyping.RAW_RECORD).as("raw_record"));
  }

  /**
   * Bronze rows must equal silver plus quarantine rows: silver and quarantine are two filters of one
   * projection, and a row that neither keeps (a reason that is null) would be lost without this check.
   */
  private StageResult.Builder reconcile(RunContext context, DeltaTables.Written bronze,
      DeltaTables.Written silver, DeltaTables.Written quarantine) {
    SparkSession spark = context.spark();
    String runDate = context.runDate();
    long bronzeRows = rows(spark, bronze, runDate);
    long silverRows = rows(spark, silver, runDate);
    long quarantineRows = rows(spark, quarantine, runDate);
    TableRef bronzeRef = bronze.table();
    TableRef silverRef = silver.table();
    TableRef quarantineRef = quarantine.table();
    requireReconciled(runDate, bronzeRows, silverRows, quarantineRows);
    double quarantined = quarantineFraction(bronzeRows, quarantineRows);
    double limit = context.section(IngestConfig.class).maxQuarantineFraction();
    LabelConfig label = context.section(LabelConfig.class);
    long unlabelled = 0;
    if (quarantined > limit && replacesTheDate(context)) {
      // Counted only past the limit: the normal load pays no pass over its quarantine for it.
      unlabelled = onlyUnlabelled(spark, quarantineRef, runDate, label);
      if (quarantineFraction(bronzeRows, unlabelled) > MAX_UNLABELLED_SHARE) {
        throw new DeeplineException(Failure.DATA_QUALITY, String.format(Locale.ROOT,
            "ingest: %d of %d rows have no label (%s), more than half: a label that broke, not "
                + "rows a data set lacks labels for (see %s)", unlabelled, bronzeRows,
            label.missingReason(), quarantineRef.path()));
      }
    }
    long faultyRows = quarantineRows - unlabelled;
    double faulty = quarantineFraction(bronzeRows, faultyRows);
    if (faulty > limit) {
      throw new DeeplineException(Failure.DATA_QUALITY, String.format(Locale.ROOT,
          "ingest: %d of %d rows (%.1f%%) quarantined%s, more than "
              + "ingest.max_quarantine_fraction %.1f%%; most common reasons: %s (see %s)",
          faultyRows, bronzeRows, 100 * faulty,
          unlabelled == 0 ? "" : " for faults other than a missing label (" + unlabelled
              + " rows without one not counted)", 100 * limit,
          topReasons(spark, quarantineRef, runDate), quarantineRef.path()));
    }
    if (faultyRows > 0) {
      // Under the limit all the same: rows no model and no score will see, which may be one kind
      // (a city of a million whose population did not parse was a capital: 105 of 259 positives).
      LOG.warn(String.format(Locale.ROOT, "ingest: %d of %d rows (%.2f%%) quarantined%s, under "
              + "ingest.max_quarantine_fraction %.1f%%, so the load goes on without them; most "
              + "common reasons: %s (see %s)", faultyRows, bronzeRows, 100 * faulty,
          unlabelled == 0 ? "" : " for faults other than a missing label", 100 * limit,
          topReasons(spark, quarantineRef, runDate), quarantineRef.path()));
    }
    if (unlabelled > 0) {
      LOG.warn("ingest: {} of {} rows ({}) have no label ({}): quarantined, and not counted "
          + "against ingest.max_quarantine_fraction: a row without a label is data no model can "
          + "learn from, not a broken record", unlabelled, bronzeRows,
          String.format(Locale.ROOT, "%.1f%%", 100.0 * unlabelled / bronzeRows),
          label.missingReason());
    }
    StageResult.Builder result = StageResult.builder()
        .output(bronzeRef).output(silverRef).output(quarantineRef)
        .metric(ROWS_READ, bronzeRows)
        .metric("rows_silver", silverRows)
        .metric("rows_quarantined", quarantineRows)
        .metric("quarantine_fraction", quarantined);
    if (unlabelled > 0) {
      result.metric("rows_unlabelled_not_counted", unlabelled);
    }
    if (label.isExpression()) {
      // A malformed record has no label either, but it is counted as what it is: malformed.
      Column reason = functions.col("reason");
      long labelNull = quarantineRows == 0 ? 0 : DeltaTables.slice(spark, quarantineRef, runDate)
          .where(reason.contains(label.nullReason())
              .and(functions.not(reason.startsWith(MALFORMED_PREFIX)))).count();
      result.metric("rows_label_null", labelNull);
    }
    return result;
  }

  /** The share of a load's rows that went to quarantine; 0 for a load of no rows. */
  private static double quarantineFraction(long bronzeRows, long quarantineRows) {
    return bronzeRows == 0 ? 0 : (double) quarantineRows / bronzeRows;
  }

  private static void requireReconciled(String runDate, long bronzeRows, long silverRows,
      long quarantineRows) {
    if (bronzeRows != silverRows + quarantineRows) {
      throw new DeeplineException(Failure.DATA_QUALITY, "ingest does not reconcile for " + runDate
          + ": bronze " + bronzeRows + " rows != silver " + silverRows + " + quarantine "
          + quarantineRows);
    }
  }

  /** The rows a write committed, from its Delta commit; counted from the table if Delta has no count. */
  private static long rows(SparkSession spark, DeltaTables.Written written, String runDate) {
    return written.rows().orElseGet(() -> DeltaTables.slice(spark, written.table(), runDate).count());
  }

  /**
   * Whether the load replaces the run date's rows (not an upsert, not an incremental JDBC load):
   * only such a load leaves rows without a label uncounted ({@link #onlyUnlabelled}). An upsert or
   * an incremental load counts them: there a missing label is a correction gone wrong, which would
   * leave silver's old label and move the watermark past it.
   */
  private static boolean replacesTheDate(RunContext context) {
    JdbcConfig jdbc = context.section(SourceConfig.class).jdbc();
    return !context.section(IngestConfig.class).upsert() && (jdbc == null || !jdbc.incremental());
  }

  /**
   * The date's quarantined rows whose one reason is a missing label: rows no model can learn from,
   * which {@code ingest.max_quarantine_fraction} does not count in a load that replaces the date
   * (a label column filled for 93 % of the rows, as vega's movies' IMDB rating, is data, not a
   * broken feed).
   */
  private static long onlyUnlabelled(SparkSession spark, TableRef quarantine, String runDate,
      LabelConfig label) {
    return DeltaTables.slice(spark, quarantine, runDate)
        .where(functions.col("reason").equalTo(label.missingReason())).count();
  }

  /**
   * The most common reasons grouped by their kind: a row's reasons with the values they quote left
   * out ({@code Date: cannot parse '05/01/1973' as date} and {@code '13/01/1973'} are one kind), so
   * that a column whose every value fails shows as one reason of all its rows, not as three of one
   * row each. Each kind is shown by one of its rows' reasons, with how many rows have it and, when
   * their values differ, that others are like it. A row's reasons are kept together (the kind of a
   * row with two faults is both), since a reason's own text may hold the separator.
   */
  static String topReasons(SparkSession spark, TableRef quarantine, String runDate) {
    return DeltaTables.slice(spark, quarantine, runDate)
        .groupBy(functions.regexp_replace(functions.col("reason"), QUOTED_VALUE, "''").as("kind"))
        .agg(functions.count(functions.lit(1)).as("rows"),
            functions.min("reason").as("example"),
            functions.countDistinct("reason").as("values"))
        .orderBy(functions.col("rows").desc(), functions.col("kind"))
        .limit(REASONS_IN_ERROR)
        .collectAsList().stream()
        .map(r -> r.getString(2) + " (" + r.getLong(1) + (r.getLong(1) == 1 ? " row" : " rows")
            + (r.getLong(3) > 1 ? ", this value and others like it" : "") + ")")
        .collect(Collectors.joining(" | "));
  }
}
