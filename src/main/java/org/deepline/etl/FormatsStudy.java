package org.deepline.etl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Json;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deepline formats}: writes the run date's silver rows as CSV, JSON lines, Parquet, Avro and
 * Delta side by side and measures, for each, the bytes on storage, the write time, a full scan (every
 * column decoded) and a projection of two columns, so a user can choose a landing or export format
 * from figures on their own data instead of folklore.
 *
 * <pre>{@code
 * submit/deepline-submit formats --conf conf/churn.json --run-date 2026-12-02
 * // formats.json in reports/<date>/; metrics parquet.size_bytes, parquet.scan_seconds, ...
 * }</pre>
 *
 * <p>The rows are cached first, so every write starts from memory and times the format alone. Reads
 * get the silver schema (CSV and JSON would otherwise pay for inference) and aggregate a hash of
 * the columns they read, so nothing is skipped: a {@code count()} alone would be answered from
 * Parquet's and Delta's metadata. Each read runs {@value #READ_REPEATS} times and the fastest
 * counts, which keeps the first read's cold caches out of the comparison. The projected columns are
 * the first two declared schema columns. Everything is written under the warehouse's
 * {@code _deepline/formats/<run id>} and deleted at the end, also on failure.
 */
public final class FormatsStudy implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(FormatsStudy.class);
  public static final List<String> FORMATS = List.of("csv", "json", "parquet", "avro", "delta");
  public static final String REPORT = "formats.json";
  static final int READ_REPEATS = 2;
  private static final int PROJECTED_COLUMNS = 2;
  private static final double NANOS_PER_SECOND = 1e9;

  /** One format's figures; seconds are wall-clock on the driver. */
  public record Measurement(String format, long sizeBytes, long files, double writeSeconds,
      double scanSeconds, double projectionSeconds) {}

  @Override
  public Name name() {
    return new Name("formats",
        "Write the date's silver rows as CSV, JSON, Parquet, Avro and Delta and compare size, "
            + "write, full-scan and 2-column projection times.");
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    RunContext.Input silver = context.input(Table.SILVER);
    List<String> declared = context.section(SchemaConfig.class).columns().stream()
        .map(ColumnSpec::name).toList();
    Dataset<Row> rows = silver.rows().select(declared.stream().map(Columns::col)
        .toArray(Column[]::new)).cache();
    String scratch = context.warehouse().root() + "/_deepline/formats/" + context.runId();
    List<Measurement> measurements = new ArrayList<>();
    try {
      long count = rows.count();
      if (count == 0) {
        throw new DeeplineException(Failure.INPUT, "formats: silver has no rows for "
            + context.runDate());
      }
      List<String> projected = declared.subList(0, Math.min(PROJECTED_COLUMNS, declared.size()));
      for (String format : FORMATS) {
        measurements.add(measure(spark, rows, format, scratch + "/" + format, projected));
      }
      StageResult.Builder result = StageResult.builder().input(silver.ref())
          .metric("rows", count).metric("columns", declared.size());
      for (Measurement m : measurements) {
        result.metric(m.format() + ".size_bytes", m.sizeBytes())
            .metric(m.format() + ".files", m.files())
            .metric(m.format() + ".write_seconds", m.writeSeconds())
            .metric(m.format() + ".scan_seconds", m.scanSeconds())
            .metric(m.format() + ".projection_seconds", m.projectionSeconds());
      }
      LOG.info("formats of {} {} ({} rows, {} columns; projection {}):{}{}", context.dataset(),
          context.runDate(), count, declared.size(), projected, System.lineSeparator(),
          table(measurements));
      String report = context.warehouse().reportDir(context.dataset(), context.runDate()) + "/"
          + REPORT;
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("run_id", context.runId());
      body.put("rows", count);
      body.put("projected_columns", projected);
      body.put("formats", measurements);
      context.files().writeText(report, Json.write(body));
      return result.artifact("formats_json", report).build();
    } finally {
      rows.unpersist();
      context.files().deleteRecursively(scratch);
    }
  }

  private static Measurement measure(SparkSession spark, Dataset<Row> rows, String format,
      String path, List<String> projected) {
    double write = seconds(() -> {
      rows.write().mode(SaveMode.Overwrite).format(format).save(path);
      return null;
    });
    StructType schema = rows.schema();
    Supplier<Dataset<Row>> read = () -> "delta".equals(format) || "parquet".equals(format)
        || "avro".equals(format) ? spark.read().format(format).load(path)
        : spark.read().schema(schema).format(format).load(path);
    double scan = fastest(() -> digest(read.get(), Arrays.asList(schema.fieldNames())));
    double projection = fastest(() -> digest(read.get(), projected));
    long[] size = size(spark, path);
    return new Measurement(format, size[0], size[1], write, scan, projection);
  }

  /** Reads {@code columns} of every row: an aggregate of their hash, so no reader can skip them. */
  private static Object digest(Dataset<Row> table, List<String> columns) {
    return table.agg(functions.sum(functions.hash(columns.stream().map(Columns::col)
        .toArray(Column[]::new)).cast("long"))).first();
  }

  private static double fastest(Supplier<Object> action) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < READ_REPEATS; i++) {
      best = Math.min(best, seconds(action));
    }
    return best;
  }

  private static double seconds(Supplier<Object> action) {
    long start = System.nanoTime();
    action.get();
    return (System.nanoTime() - start) / NANOS_PER_SECOND;
  }

  /** Bytes and data files under {@code path}, Delta's log included (it is part of the format). */
  private static long[] size(SparkSession spark, String path) {
    try {
      Path root = new Path(path);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      var summary = fs.getContentSummary(root);
      return new long[] {summary.getLength(), summary.getFileCount()};
    } catch (IOException e) {
      throw new DeeplineException(Failure.INFRASTRUCTURE, "formats: cannot measure " + path + ": "
          + e.getMessage(), e);
    }
  }

  /** The measurements as the table the log shows: one line per format. */
  public static String table(List<Measurement> measurements) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%-8s %12s %6s %9s %9s %12s%n", "format", "bytes", "files", "write s", "scan s",
        "2-column s"));
    for (Measurement m : measurements) {
      out.append(String.format(Locale.ROOT, "%-8s %12d %6d %9.3f %9.3f %12.3f%n", m.format(),
          m.sizeBytes(), m.files(), m.writeSeconds(), m.scanSeconds(), m.projectionSeconds()));
    }
    return out.toString();
  }
}
