package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deepline.core.Warehouse.Table;
import org.junit.jupiter.api.Test;

class PipelineTablesTest {
  @Test
  void aPipelineReplacesTheTablesOfItsStagesInTheirOrder() {
    assertEquals(List.of(Table.BRONZE, Table.SILVER, Table.QUARANTINE, Table.METRICS, Table.QUALITY,
        Table.SPLITS, Table.FEATURES, Table.LEAKAGE, Table.PREDICTIONS, Table.EVALUATIONS),
        new Pipeline(null).replacedTables());
    // A night scores with the registered model: no features or leakage tables of its own, and
    // its drift from the model's training rows last.
    assertEquals(List.of(Table.BRONZE, Table.SILVER, Table.QUARANTINE, Table.METRICS, Table.QUALITY,
        Table.SPLITS, Table.PREDICTIONS, Table.EVALUATIONS, Table.DRIFT),
        Pipeline.nightly(null).replacedTables());
  }
}
