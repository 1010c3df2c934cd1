package org.deepline.core;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Table;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads the current rows of a small Delta table through Delta Kernel, without a Spark session: the runs table and
 * the model registry answer {@code runs list} or {@code models show} in about a second instead of the
 * 10+ s a Spark start costs. It reads the snapshot the {@code _delta_log} names, exactly as Spark
 * would, so a half-written commit is never seen.
 *
 * <pre>{@code
 * Optional<DeltaSnapshots.Snapshot> runs =
 *     DeltaSnapshots.latest(SparkSessions.hadoopConfiguration(), warehouse.runsTable());
 * runs.ifPresent(s -> s.rows().forEach(row -> System.out.println(row.get("run_id"))));
 * }</pre>
 *
 * <p>Rows come back as plain Java values by column name: {@code String}, {@code Long},
 * {@code Integer}, {@code Double}, {@code Boolean}, {@link LocalDate}, {@link Instant}, {@link List}
 * for arrays, {@link Map} for maps and for structs (by field name), {@code null} for a null or for a
 * column a file was written without (an older row of a table that gained a column).
 */
public final class DeltaSnapshots {
  private DeltaSnapshots() {}

  /** A table's rows at one version. */
  public record Snapshot(String path, long version, List<Map<String, Object>> rows) {}

  /**
   * A table's data files at one version, newest first (by the modification time their add actions
   * record), each read only when asked: a reader of an append-only log can stop once the files left
   * are older than what it needs.
   */
  public record TableFiles(String path, long version, List<DataFile> newestFirst) {
    public Snapshot readAll() {
      List<Map<String, Object>> rows = new ArrayList<>();
      newestFirst.forEach(file -> rows.addAll(file.rows()));
      return new Snapshot(path, version, rows);
    }
  }

  /** One data file of a snapshot. */
  public static final class DataFile {
    private final Instant modifiedAt;
    private final Engine engine;
    private final Row scanState;
    private final Row scanFile;

    private DataFile(Engine engine, Row scanState, Row scanFile) {
      this.engine = engine;
      this.scanState = scanState;
      this.scanFile = scanFile;
      this.modifiedAt = Instant.ofEpochMilli(
          InternalScanFileUtils.getAddFileStatus(scanFile).getModificationTime());
    }

    /** When the file was written: its rows were complete by then. */
    public Instant modifiedAt() {
      return modifiedAt;
    }

    public List<Map<String, Object>> rows() {
      FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
      StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
      List<Map<String, Object>> rows = new ArrayList<>();
      CloseableIterator<ColumnarBatch> physical;
      try {
        physical = engine.getParquetHandler().readParquetFiles(
            Utils.singletonCloseableIterator(file), physicalSchema, Optional.empty());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.getPath(), e);
      }
      try (CloseableIterator<FilteredColumnarBatch> data =
          Scan.transformPhysicalData(engine, scanState, scanFile, physical)) {
        while (data.hasNext()) {
          FilteredColumnarBatch batch = data.next();
          ColumnarBatch columns = batch.getData();
          Optional<ColumnVector> selected = batch.getSelectionVector();
          for (int rowId = 0; rowId < columns.getSize(); rowId++) {
            // Rows a deletion vector removed are unselected.
            if (selected.isEmpty() || (!selected.get().isNullAt(rowId)
                && selected.get().getBoolean(rowId))) {
              rows.add(struct(columns::getColumnVector, rowId, columns.getSchema()));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.getPath(), e);
      }
      return rows;
    }
  }

  /** The table's current rows, or empty when there is no Delta table at {@code path}. */
  public static Optional<Snapshot> latest(Configuration hadoopConf, String path) {
    return files(hadoopConf, path, null).map(TableFiles::readAll);
  }

  /**
   * The current rows whose string {@code column} equals {@code value}. Files whose statistics rule
   * the value out are not read (Delta's data skipping), so finding one run among thousands reads one
   * file.
   */
  public static Optional<Snapshot> latestWhere(Configuration hadoopConf, String path,
      String column, String value) {
    Predicate equal = new Predicate("=", new Column(column), Literal.ofString(value));
    return files(hadoopConf, path, equal).map(TableFiles::readAll)
        .map(all -> new Snapshot(all.path(), all.version(), all.rows().stream()
            .filter(row -> value.equals(row.get(column))).toList()));
  }

  /** The current data files, newest first, unread. */
  public static Optional<TableFiles> latestFiles(Configuration hadoopConf, String path) {
    return files(hadoopConf, path, null);
  }

  private static Optional<TableFiles> files(Configuration hadoopConf, String path,
      Predicate skipping) {
    Engine engine = DefaultEngine.create(hadoopConf);
    io.delta.kernel.Snapshot snapshot;
    try {
      Table table = Table.forPath(engine, path);
      snapshot = table.getLatestSnapshot(engine);
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
    ScanBuilder builder = snapshot.getScanBuilder(engine);
    if (skipping != null) {
      builder = builder.withFilter(engine, skipping);
    }
    Scan scan = builder.build();
    Row scanState = scan.getScanState(engine);
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> scanFiles = batches.next().getRows()) {
          scanFiles.forEachRemaining(scanFile -> files.add(new DataFile(engine, scanState,
              scanFile)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files of the Delta table at " + path, e);
    }
    files.sort(Comparator.comparing(DataFile::modifiedAt).reversed());
    return Optional.of(new TableFiles(path, snapshot.getVersion(engine), List.copyOf(files)));
  }

  /** The fields of row {@code rowId} of a struct (or of a batch) whose field vectors are given. */
  private static Map<String, Object> struct(IntFunction<ColumnVector> fields, int rowId,
      StructType type) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int f = 0; f < type.length(); f++) {
      ColumnVector field = fields.apply(f);
      values.put(type.at(f).getName(), field.isNullAt(rowId) ? null
          : element(field, rowId, type.at(f).getDataType()));
    }
    return values;
  }

  private static List<Object> list(ColumnVector vector, int size, DataType type) {
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      values.add(vector.isNullAt(i) ? null : element(vector, i, type));
    }
    return values;
  }

  private static Object element(ColumnVector vector, int i, DataType type) {
    if (type instanceof StringType) {
      return vector.getString(i);
    } else if (type instanceof LongType) {
      return vector.getLong(i);
    } else if (type instanceof IntegerType) {
      return vector.getInt(i);
    } else if (type instanceof DoubleType) {
      return vector.getDouble(i);
    } else if (type instanceof BooleanType) {
      return vector.getBoolean(i);
    } else if (type instanceof DateType) {
      // Days since the epoch, as Delta stores dates.
      return LocalDate.ofEpochDay(vector.getInt(i));
    } else if (type instanceof TimestampType) {
      return micros(vector.getLong(i));
    } else if (type instanceof StructType struct) {
      return struct(vector::getChild, i, struct);
    } else if (type instanceof ArrayType array) {
      ArrayValue value = vector.getArray(i);
      return list(value.getElements(), value.getSize(), array.getElementType());
    } else if (type instanceof MapType map) {
      MapValue value = vector.getMap(i);
      List<Object> keys = list(value.getKeys(), value.getSize(), map.getKeyType());
      List<Object> mapped = list(value.getValues(), value.getSize(), map.getValueType());
      Map<Object, Object> result = new LinkedHashMap<>();
      for (int k = 0; k < keys.size(); k++) {
        result.put(keys.get(k), mapped.get(k));
      }
      return result;
    }
    throw new UnsupportedOperationException("reading " + type + " without Spark is not supported");
  }

  private static Instant micros(long microsSinceEpoch) {
    return Instant.EPOCH.plus(microsSinceEpoch, ChronoUnit.MICROS);
  }
}
