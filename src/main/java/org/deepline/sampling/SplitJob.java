package org.deepline.sampling;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.Stage;
import org.deepline.core.StageResult;
import org.deepline.core.TableRef;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;

/**
 * Split: stores which split every silver record of the run date belongs to, in the splits table
 * ({@code _record_id, split, label}). Later stages join on it instead of re-deriving the split.
 */
public final class SplitJob implements Stage {
  @Override
  public String command() {
    return "split";
  }

  @Override
  public String description() {
    return "Assign silver records to train/validation/test (random and stratified, by time or by group).";
  }

  @Override
  public StageResult run(RunContext context) {
    SparkSession spark = context.spark();
    RunContext.Input silver = context.input(Table.SILVER);
    LabelConfig label = context.section(LabelConfig.class);
    Dataset<Row> splits = split(silver.rows(), label, context.section(SplitConfig.class));
    TableRef splitsRef = DeltaTables.replaceRunDate(splits, context.table(Table.SPLITS),
        context.runDate());

    StageResult.Builder result = StageResult.builder().input(silver.ref()).output(splitsRef);
    List<Row> summary = DeltaTables.slice(spark, splitsRef, context.runDate())
        .groupBy(StratifiedSplitter.SPLIT)
        .agg(functions.count(functions.lit(1)), functions.avg(LabelConfig.LABEL),
            functions.count(functions.col(LabelConfig.LABEL)))
        .collectAsList();
    long unlabelled = 0;
    for (Row row : summary) {
      result.metric("rows_" + row.getString(0), row.getLong(1));
      result.metric("positive_rate_" + row.getString(0), row.isNullAt(2) ? Double.NaN
          : row.getDouble(2));
      unlabelled += row.getLong(1) - row.getLong(3);
    }
    if (unlabelled > 0) {
      // Ingest quarantines rows without a label; silver written before that rule, or by hand, may not.
      throw new DeeplineException("split: " + unlabelled + " silver rows of " + context.runDate()
          + " have no label (" + label.describe() + " is null); re-run ingest");
    }
    for (String required : List.of(StratifiedSplitter.TRAIN, StratifiedSplitter.VALIDATION,
        StratifiedSplitter.TEST)) {
      if (summary.stream().noneMatch(r -> r.getString(0).equals(required))) {
        throw new DeeplineException("split: the " + required + " split of " + context.runDate()
            + " is empty; " + silver.ref().path() + " has too few rows for the configured fractions");
      }
    }
    return result.build();
  }

  /** Membership rows: record id, split and the 0/1 label. */
  public static Dataset<Row> split(Dataset<Row> silver, LabelConfig label, SplitConfig config) {
    Column id = functions.col(RecordIds.RECORD_ID);
    Column binary = label.binaryOn(silver).as(LabelConfig.LABEL);
    return switch (config.method()) {
      case SplitConfig.TIME -> TimeSplitter.assign(
              silver.select(id, binary, Columns.col(config.timeColumn())), config.timeColumn(),
              config)
          .select(RecordIds.RECORD_ID, LabelConfig.LABEL, StratifiedSplitter.SPLIT);
      case SplitConfig.GROUP -> GroupSplitter.assign(
              silver.select(id, binary, Columns.col(config.groupColumn())), config.groupColumn(),
              config)
          .select(RecordIds.RECORD_ID, LabelConfig.LABEL, StratifiedSplitter.SPLIT);
      default -> StratifiedSplitter.assign(silver.select(id, binary), RecordIds.RECORD_ID,
          functions.col(LabelConfig.LABEL), config);
    };
  }
}
