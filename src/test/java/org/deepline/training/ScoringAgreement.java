package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deepline.etl.RecordIds;
import org.deepline.scoring.ModelScorer;
import org.deepline.scoring.ScoreJob;

/** Checks that a saved model scores every record the same in Spark's batches and row by row. */
final class ScoringAgreement {
  /** Rows per minibatch: many per partition and a partial last one. */
  private static final int BATCH_ROWS = 7;

  private ScoringAgreement() {}

  /**
   * Scores {@code silver} with {@code bundle} through batch scoring and through {@link ModelScorer},
   * asserts that each record's probabilities agree within {@code tolerance}, and returns the batch
   * probabilities by record id.
   */
  static Map<String, Double> batchEqualsSingle(Dataset<Row> silver, ModelBundle bundle,
      double tolerance) {
    Map<String, Double> batch = new HashMap<>();
    for (Row row : ScoreJob.predict(silver, bundle, BATCH_ROWS, 0.5, "run").collectAsList()) {
      batch.put(row.getString(0), row.getDouble(1));
    }
    ModelScorer single = new ModelScorer(bundle);
    List<String> inputs = bundle.metadata().featureModel().inputColumns();
    for (Row record : silver.collectAsList()) {
      Map<String, Object> raw = new HashMap<>();
      for (String column : inputs) {
        raw.put(column, record.get(record.fieldIndex(column)));
      }
      String id = record.getAs(RecordIds.RECORD_ID);
      assertEquals(single.probability(raw), batch.get(id), tolerance, "record " + id);
    }
    return batch;
  }
}
