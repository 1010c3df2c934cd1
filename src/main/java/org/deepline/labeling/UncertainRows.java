package org.deepline.labeling;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.Columns;
import org.deepline.core.DeltaTables;
import org.deepline.etl.RecordIds;
import org.deepline.scoring.BatchScorer;
import org.deepline.scoring.ScoreJob;

/**
 * Active learning by uncertainty sampling: the rows whose predicted probability is nearest the
 * model's decision threshold are the ones a human label would teach it most about. Spark keeps the
 * {@code n} nearest in each task and merges them ({@code orderBy} + {@code limit} is a top-k, not a
 * sort of the table); ties in distance go to the smaller record id, so the choice is the same on
 * any partitioning.
 *
 * <pre>{@code
 * Dataset<Row> toLabel = UncertainRows.nearest(predictions, silver, 0.42, 100);
 * }</pre>
 */
public final class UncertainRows {
  /** {@code |probability - threshold|}: 0 on the boundary. */
  public static final String DISTANCE = "distance_to_threshold";
  public static final String THRESHOLD = "threshold";

  private UncertainRows() {}

  /**
   * Pure transform: the {@code n} predictions nearest {@code threshold}, each with its silver row:
   * {@code _record_id, probability, distance_to_threshold, threshold, model_version}, then the
   * silver columns (without its run date).
   */
  public static Dataset<Row> nearest(Dataset<Row> predictions, Dataset<Row> silver,
      double threshold, int n) {
    Column distance = functions.abs(functions.col(BatchScorer.PROBABILITY)
        .minus(functions.lit(threshold)));
    Dataset<Row> chosen = predictions
        .select(functions.col(RecordIds.RECORD_ID), functions.col(BatchScorer.PROBABILITY),
            distance.as(DISTANCE), functions.lit(threshold).as(THRESHOLD),
            functions.col(ScoreJob.MODEL_VERSION))
        .orderBy(functions.col(DISTANCE), functions.col(RecordIds.RECORD_ID))
        .limit(n);
    List<Column> silverColumns = new ArrayList<>();
    for (String name : silver.columns()) {
      if (!name.equals(DeltaTables.RUN_DATE) && !name.equals(RecordIds.RECORD_ID)
          && !List.of(chosen.columns()).contains(name)) {
        silverColumns.add(Columns.col(name));
      }
    }
    List<Column> output = new ArrayList<>();
    for (String name : chosen.columns()) {
      output.add(functions.col(name));
    }
    output.addAll(silverColumns);
    return chosen.join(silver, RecordIds.RECORD_ID).select(output.toArray(Column[]::new));
  }
}
