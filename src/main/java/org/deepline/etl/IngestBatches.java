package org.deepline.etl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.deepline.core.DeltaTables;
import org.deepline.core.Json;
import org.deepline.core.SessionSettings;

/**
 * Ties one ingest's three commits (bronze, silver, quarantine) together, so that a load interrupted
 * between them can be found and finished by the next run: every commit of a load carries the load's
 * {@link Batch} in its Delta {@code userMetadata}, and a batch whose latest bronze commit has no
 * commit of the same batch in silver or in quarantine is incomplete ({@link #incomplete}).
 *
 * <pre>{@code
 * IngestBatches.Batch batch = new IngestBatches.Batch(runId, "2026-11-24", List.of());
 * IngestBatches.committing(spark, batch, () -> DeltaTables.replaceRunDateCounted(rows, path, date));
 * IngestBatches.incomplete(spark, bronze, silver, quarantine); // at the start of the next run
 * }</pre>
 *
 * <p>Delta writes the session's {@value #USER_METADATA} into every commit's {@code commitInfo}, a
 * {@code MERGE} included, which a writer option cannot reach. Empty commits are recorded while a
 * batch commits ({@value #SKIP_EMPTY_COMMITS} off): a load that quarantines nothing into a date
 * that had nothing must still leave its mark in quarantine, or it would look incomplete forever.
 */
public final class IngestBatches {
  /** The Delta session setting whose value every commit records as its {@code userMetadata}. */
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  /** Delta skips commits that add and remove no file unless this is false. */
  static final String SKIP_EMPTY_COMMITS = "spark.databricks.delta.skipRecordingEmptyCommits";
  /** The field of a commit's {@code userMetadata} that marks an ingest batch. */
  static final String BATCH_FIELD = "ingest_batch";
  static final String RUN_DATE_FIELD = "run_date";
  static final String CARRIED_FIELD = "carried_columns";
  /** The planned high-water mark of an incremental JDBC load: source, column and value. */
  static final String WATERMARK_FIELD = "watermark";
  /** The field that says a load read a comma in its text numbers as the decimal mark. */
  static final String DECIMAL_COMMA_FIELD = "decimal_comma";
  static final String THOUSANDS_FIELD = "thousands";
  /**
   * How many of a table's latest commits are searched for a batch's mark. Only ingest commits to
   * these tables in the normal course, so the batch is among the last few; a batch not found is
   * treated as incomplete, and finishing a complete batch again rewrites the same rows, so a
   * maintenance burst (OPTIMIZE, VACUUM) beyond this depth costs one extra pass, never data.
   */
  static final int COMMITS_SEARCHED = 50;

  private IngestBatches() {}

  /**
   * One ingest load: the run that made it, the run date it loaded, the undeclared columns it
   * carried to silver ({@code source.schema_evolution: add_columns}), which is what a repair needs
   * to derive silver from bronze as the load would have, and, for an incremental JDBC load, the
   * watermark it read up to, which a repair records once the load is whole.
   *
   * @param watermark the load's planned mark ({@code rows} 0), or null for a load without one
   * @param numbers   how the load's text numbers are written ({@link NumberMarks}): decided
   *                  from the files' delimiter and options, which a repair reading bronze no
   *                  longer sees
   */
  public record Batch(String id, String runDate, List<String> carried,
      Watermarks.Mark watermark, NumberMarks numbers) {
    public Batch {
      carried = List.copyOf(carried);
    }

    /** A batch of a load with decimal points. */
    public Batch(String id, String runDate, List<String> carried, Watermarks.Mark watermark) {
      this(id, runDate, carried, watermark, NumberMarks.POINT);
    }

    /** A batch of a load without a watermark (files, REST, a full JDBC load). */
    public Batch(String id, String runDate, List<String> carried) {
      this(id, runDate, carried, null);
    }

    String toJson() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(BATCH_FIELD, id);
      fields.put(RUN_DATE_FIELD, runDate);
      fields.put(CARRIED_FIELD, carried);
      if (watermark != null) {
        Map<String, Object> mark = new LinkedHashMap<>();
        mark.put(Watermarks.SOURCE, watermark.source());
        mark.put(Watermarks.COLUMN, watermark.column());
        mark.put(Watermarks.VALUE, watermark.value());
        fields.put(WATERMARK_FIELD, mark);
      }
      if (numbers.decimalComma()) {
        fields.put(DECIMAL_COMMA_FIELD, true);
      }
      if (numbers.thousands() != null) {
        fields.put(THOUSANDS_FIELD, numbers.thousands());
      }
      return Json.writeCompact(fields);
    }

    /** The batch a commit's {@code userMetadata} names, if it names one. */
    static Optional<Batch> fromJson(String userMetadata) {
      if (userMetadata == null || !userMetadata.contains(BATCH_FIELD)) {
        return Optional.empty();
      }
      try {
        JsonNode node = Json.mapper().readTree(userMetadata);
        if (!node.isObject() || !node.path(BATCH_FIELD).isTextual()
            || !node.path(RUN_DATE_FIELD).isTextual()) {
          return Optional.empty();
        }
        List<String> carried = new ArrayList<>();
        node.path(CARRIED_FIELD).forEach(c -> carried.add(c.asText()));
        String id = node.get(BATCH_FIELD).asText();
        String runDate = node.get(RUN_DATE_FIELD).asText();
        JsonNode mark = node.path(WATERMARK_FIELD);
        Watermarks.Mark watermark = mark.isObject() ? Watermarks.Mark.planned(
            mark.path(Watermarks.SOURCE).asText(), mark.path(Watermarks.COLUMN).asText(),
            mark.path(Watermarks.VALUE).isTextual() ? mark.path(Watermarks.VALUE).asText() : null,
            id, runDate) : null;
        return Optional.of(new Batch(id, runDate, carried, watermark, new NumberMarks(
            node.path(DECIMAL_COMMA_FIELD).asBoolean(false),
            node.path(THOUSANDS_FIELD).isTextual() ? node.get(THOUSANDS_FIELD).asText() : null)));
      } catch (JsonProcessingException e) {
        // Another writer's free text: not a batch mark.
        return Optional.empty();
      }
    }
  }

  /** A batch committed to bronze at {@code bronzeVersion} and missing from the {@code missing} tables. */
  public record Incomplete(Batch batch, long bronzeVersion, List<String> missing) {}

  /** Runs {@code write}, whose commits all carry {@code batch}'s mark. */
  public static <T> T committing(SparkSession spark, Batch batch, Supplier<T> write) {
    try (SessionSettings marked = SessionSettings.override(spark,
        Map.of(USER_METADATA, batch.toJson(), SKIP_EMPTY_COMMITS, "false"))) {
      return write.get();
    }
  }

  /**
   * The batch of bronze's latest ingest commit, when silver or quarantine has no commit of it:
   * the load failed between its commits. Empty when bronze has no marked commit (a warehouse
   * written before batches were marked, or none yet).
   *
   * @param tables the paths of silver and quarantine, by the name an {@link Incomplete} reports
   */
  public static Optional<Incomplete> incomplete(SparkSession spark, String bronze,
      Map<String, String> tables) {
    return latest(spark, bronze, tables).flatMap(Latest::incomplete);
  }

  /**
   * The latest load as the tables' logs tell it: its batch, bronze's version of it, and the version
   * at which each of the other tables committed it (a table missing from {@code committed} did
   * not: the load stopped before).
   */
  public record Latest(Batch batch, long bronzeVersion, Map<String, Long> committed,
      List<String> missing) {
    /** The load when it stopped between its commits. */
    public Optional<Incomplete> incomplete() {
      return missing.isEmpty() ? Optional.empty()
          : Optional.of(new Incomplete(batch, bronzeVersion, missing));
    }

    /** Whether every table committed the load. */
    public boolean whole() {
      return missing.isEmpty();
    }
  }

  /**
   * The batch of bronze's latest ingest commit and where each of {@code tables} committed it, from
   * one read of each table's latest commits: what both repairs of a stopped load decide on (tables
   * missing the batch; a whole load whose watermark is missing). Empty when bronze has no marked
   * commit.
   */
  public static Optional<Latest> latest(SparkSession spark, String bronze,
      Map<String, String> tables) {
    Optional<Marked> last = marks(spark, bronze).stream().findFirst();
    if (last.isEmpty()) {
      return Optional.empty();
    }
    String id = last.get().batch().id();
    Map<String, Long> committed = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> table : tables.entrySet()) {
      Optional<Marked> own = marks(spark, table.getValue()).stream()
          .filter(m -> m.batch().id().equals(id)).findFirst();
      if (own.isPresent()) {
        committed.put(table.getKey(), own.get().version());
      } else {
        missing.add(table.getKey());
      }
    }
    return Optional.of(new Latest(last.get().batch(), last.get().version(), committed,
        List.copyOf(missing)));
  }

  private record Marked(Batch batch, long version) {}

  /** The marked commits among the table's latest {@value #COMMITS_SEARCHED}, newest first. */
  private static List<Marked> marks(SparkSession spark, String path) {
    if (!DeltaTables.exists(spark, path)) {
      return List.of();
    }
    List<Marked> marked = new ArrayList<>();
    for (DeltaTables.Commit commit : DeltaTables.lastCommits(spark, path, COMMITS_SEARCHED)) {
      Batch.fromJson(commit.userMetadata().orElse(null))
          .ifPresent(b -> marked.add(new Marked(b, commit.version())));
    }
    return marked;
  }
}
