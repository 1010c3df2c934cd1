package org.deepline.core;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Appends a few rows to an unpartitioned Delta table through Delta Kernel, without a Spark session:
 * {@code models promote} and {@code models rollback} add one row to the alias log, and starting Spark
 * for that cost 14 s of a 15 s command. The commit is Delta's own optimistic one, so a concurrent
 * writer (Spark or another append) is either serialised after it or makes it fail loudly; the table
 * is created on first use with the given schema. What Spark wrote before and reads after is the same
 * table: one Parquet file and one commit per call.
 *
 * <pre>{@code
 * DeltaKernelAppend.rows(hadoopConf, "/lake/_deepline/model_aliases", ALIAS_SCHEMA,
 *     List.of(RowFactory.create("churn", "champion", 1L, ...)));
 * }</pre>
 *
 * <p>Columns may be string, long, int, double, boolean, date ({@link java.sql.Date} or
 * {@link LocalDate}) and timestamp ({@link java.sql.Timestamp} or {@link Instant}); a null is
 * written as null. Large or partitioned writes belong to Spark ({@link DeltaTables}).
 */
public final class DeltaKernelAppend {
  /** What the commit's {@code engineInfo} says wrote it, as Spark's commits name Spark. */
  private static final String ENGINE_INFO = "deepline (Delta Kernel)";

  /** Spark's type objects (singletons) and the Kernel types a row of them is written as. */
  private static final Map<org.apache.spark.sql.types.DataType, DataType> KERNEL_TYPES = Map.of(
      DataTypes.StringType, StringType.STRING,
      DataTypes.LongType, LongType.LONG,
      DataTypes.IntegerType, IntegerType.INTEGER,
      DataTypes.DoubleType, DoubleType.DOUBLE,
      DataTypes.BooleanType, BooleanType.BOOLEAN,
      DataTypes.DateType, DateType.DATE,
      DataTypes.TimestampType, TimestampType.TIMESTAMP);

  private DeltaKernelAppend() {}

  /** Appends {@code rows} (in {@code schema}'s column order) and returns the version committed. */
  public static long rows(Configuration hadoopConf, String path,
      org.apache.spark.sql.types.StructType schema, List<Row> rows) {
    Engine engine = DefaultEngine.create(hadoopConf);
    Table table = Table.forPath(engine, path);
    StructType kernelSchema = kernelSchema(schema);
    TransactionBuilder builder;
    if (exists(engine, table)) {
      builder = table.createTransactionBuilder(engine, ENGINE_INFO, Operation.WRITE);
    } else {
      builder = table.createTransactionBuilder(engine, ENGINE_INFO, Operation.CREATE_TABLE)
          .withSchema(engine, kernelSchema);
    }
    Transaction transaction = builder.build(engine);
    io.delta.kernel.data.Row state = transaction.getTransactionState(engine);
    FilteredColumnarBatch batch = new FilteredColumnarBatch(
        new RowBatch(kernelSchema, rows), Optional.empty());
    DataWriteContext target = Transaction.getWriteContext(engine, state, Map.of());
    List<io.delta.kernel.data.Row> actions = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(
            engine, state, Utils.singletonCloseableIterator(batch), Map.of());
        CloseableIterator<DataFileStatus> written = engine.getParquetHandler()
            .writeParquetFiles(target.getTargetDirectory(), physical,
                target.getStatisticsColumns());
        CloseableIterator<io.delta.kernel.data.Row> added =
            Transaction.generateAppendActions(engine, state, written, target)) {
      added.forEachRemaining(actions::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the Delta table at " + path, e);
    }
    try {
      return transaction.commit(engine, CloseableIterable.inMemoryIterable(
          Utils.toCloseableIterator(actions.iterator()))).getVersion();
    } catch (ConcurrentWriteException e) {
      throw new DeeplineException(DeeplineException.Failure.INFRASTRUCTURE, "another writer "
          + "committed to " + path + " at the same time; run the command again", e);
    }
  }

  private static boolean exists(Engine engine, Table table) {
    try {
      table.getLatestSnapshot(engine);
      return true;
    } catch (TableNotFoundException e) {
      return false;
    }
  }

  /** Spark's schema in Kernel's types; every column nullable, as Spark's Delta writes declare them. */
  private static StructType kernelSchema(org.apache.spark.sql.types.StructType schema) {
    StructType kernel = new StructType();
    for (StructField field : schema.fields()) {
      kernel = kernel.add(field.name(), kernelType(field), true);
    }
    return kernel;
  }

  private static DataType kernelType(StructField field) {
    DataType kernel = KERNEL_TYPES.get(field.dataType());
    if (kernel == null) {
      throw new IllegalArgumentException("column " + field.name() + ": appending "
          + field.dataType().simpleString() + " without Spark is not supported");
    }
    return kernel;
  }

  /** The rows as columns: column {@code c} of the batch reads field {@code c} of every row. */
  private record RowBatch(StructType schema, List<Row> rows) implements ColumnarBatch {
    @Override
    public StructType getSchema() {
      return schema;
    }

    @Override
    public ColumnVector getColumnVector(int ordinal) {
      return new RowColumn(schema.at(ordinal).getDataType(), rows, ordinal);
    }

    @Override
    public int getSize() {
      return rows.size();
    }
  }

  private record RowColumn(DataType type, List<Row> rows, int ordinal) implements ColumnVector {
    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return rows.size();
    }

    @Override
    public void close() {}

    @Override
    public boolean isNullAt(int rowId) {
      return rows.get(rowId).isNullAt(ordinal);
    }

    private Object value(int rowId) {
      return rows.get(rowId).get(ordinal);
    }

    @Override
    public boolean getBoolean(int rowId) {
      return (Boolean) value(rowId);
    }

    @Override
    public int getInt(int rowId) {
      Object value = value(rowId);
      if (value instanceof java.sql.Date date) {
        return (int) date.toLocalDate().toEpochDay();
      } else if (value instanceof LocalDate date) {
        return (int) date.toEpochDay();
      }
      return (Integer) value;
    }

    @Override
    public long getLong(int rowId) {
      Object value = value(rowId);
      if (value instanceof java.sql.Timestamp timestamp) {
        return micros(timestamp.toInstant());
      } else if (value instanceof Instant instant) {
        return micros(instant);
      }
      return (Long) value;
    }

    @Override
    public double getDouble(int rowId) {
      return (Double) value(rowId);
    }

    @Override
    public String getString(int rowId) {
      return (String) value(rowId);
    }

    private static long micros(Instant instant) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
  }
}
