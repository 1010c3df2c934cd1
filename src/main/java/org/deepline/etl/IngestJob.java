package org.deepline.etl;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;

/**
 * Ingest: source files into bronze (every field as it arrived), then bronze into a typed silver table
 * and a quarantine table that holds each rejected record with its reason. Bronze rows of the run date
 * always equal silver plus quarantine rows; the job fails if they do not, or if more rows than
 * {@code ingest.max_quarantine_fraction} were rejected.
 */
public final class IngestJob implements Stage {
  public static final String INGESTED_AT = "_ingested_at";
  private static final int REASONS_IN_ERROR = 3;

  @Override
  public String command() {
    return "ingest";
  }

  @Override
  public String description() {
    return "Source files -> bronze (raw), silver (typed) and quarantine (rejected, with reason).";
  }

  @Override
  public StageResult run(RunContext context) {
    DeeplineConfig config = context.config();
    SparkSession spark = context.spark();
    String runDate = context.runDate();

    Dataset<Row> raw = CsvSource.read(spark, config.source(), config.schema());
    TableRef bronzeRef;
    try {
      if (raw.isEmpty()) {
        throw new DeeplineException("source " + config.source().path() + ": no data rows");
      }
      bronzeRef = DeltaTables.replaceRunDate(toBronze(raw, config.schema()),
          context.table(Table.BRONZE), runDate);
    } catch (DeeplineException e) {
      throw e;
    } catch (Exception e) {
      throw CsvSource.explain(e, config.source());
    }

    Dataset<Row> bronze = DeltaTables.nonEmptySlice(spark, bronzeRef, runDate);
    Dataset<Row> typed = SilverTyping.apply(bronze, config.schema()).persist();
    try {
      TableRef silverRef = DeltaTables.replaceRunDate(silver(typed), context.table(Table.SILVER),
          runDate);
      TableRef quarantineRef = DeltaTables.replaceRunDate(quarantine(typed),
          context.table(Table.QUARANTINE), runDate);
      return reconcile(context, bronzeRef, silverRef, quarantineRef);
    } finally {
      typed.unpersist();
    }
  }

  /** Raw rows plus their record id and load time. */
  public static Dataset<Row> toBronze(Dataset<Row> raw, SchemaConfig schema) {
    List<String> content = Arrays.stream(raw.columns())
        .filter(c -> !c.equals(CsvSource.SOURCE_FILE))
        .toList();
    return RecordIds.assign(raw, schema.key(), content)
        .withColumn(INGESTED_AT, functions.current_timestamp());
  }

  public static Dataset<Row> silver(Dataset<Row> typed) {
    return typed.where(functions.size(functions.col(SilverTyping.REASONS)).equalTo(0))
        .drop(SilverTyping.REASONS, SilverTyping.RAW_RECORD);
  }

  public static Dataset<Row> quarantine(Dataset<Row> typed) {
    return typed.where(functions.size(functions.col(SilverTyping.REASONS)).gt(0))
        .select(functions.col(RecordIds.RECORD_ID), functions.col(CsvSource.SOURCE_FILE),
            functions.lit("ingest").as("stage"),
            functions.concat_ws("; ", functions.col(SilverTyping.REASONS)).as("reason"),
            functions.col(SilverTyping.RAW_RECORD).as("raw_record"));
  }

  private StageResult reconcile(RunContext context, TableRef bronzeRef, TableRef silverRef,
      TableRef quarantineRef) {
    SparkSession spark = context.spark();
    String runDate = context.runDate();
    long bronzeRows = DeltaTables.slice(spark, bronzeRef, runDate).count();
    long silverRows = DeltaTables.slice(spark, silverRef, runDate).count();
    long quarantineRows = DeltaTables.slice(spark, quarantineRef, runDate).count();
    if (bronzeRows != silverRows + quarantineRows) {
      throw new DeeplineException("ingest does not reconcile for " + runDate + ": bronze " + bronzeRows
          + " rows != silver " + silverRows + " + quarantine " + quarantineRows);
    }
    double quarantined = (double) quarantineRows / bronzeRows;
    double limit = context.config().ingest().maxQuarantineFraction();
    if (quarantined > limit) {
      throw new DeeplineException(String.format(java.util.Locale.ROOT,
          "ingest: %d of %d rows (%.1f%%) quarantined, more than ingest.max_quarantine_fraction %.1f%%;"
              + " most common reasons: %s (see %s)", quarantineRows, bronzeRows, 100 * quarantined,
          100 * limit, topReasons(spark, quarantineRef, runDate), quarantineRef.path()));
    }
    return StageResult.builder()
        .output(bronzeRef).output(silverRef).output(quarantineRef)
        .metric("rows_read", bronzeRows)
        .metric("rows_silver", silverRows)
        .metric("rows_quarantined", quarantineRows)
        .metric("quarantine_fraction", quarantined)
        .build();
  }

  private static String topReasons(SparkSession spark, TableRef quarantine, String runDate) {
    return DeltaTables.slice(spark, quarantine, runDate)
        .groupBy("reason").count()
        .orderBy(functions.col("count").desc())
        .limit(REASONS_IN_ERROR)
        .collectAsList().stream()
        .map(r -> r.getString(0) + " (" + r.getLong(1) + ")")
        .collect(Collectors.joining("; "));
  }
}
