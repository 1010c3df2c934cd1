package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate on the toy data with its four channels as a multi-class label, taken from the data and
 * kept by split: the gate reads the kept classes and judges each feature one class against the
 * rest. Channels are drawn at random, so every check passes.
 */
class MulticlassLeakageJobTest {
  private static final int ROWS = 400;

  @Test
  void aMulticlassLabelTakenFromTheDataIsJudgedClassByClass(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, ROWS, false, "label.column=channel",
        "label.positive=null", "features.categorical=[\"segment\"]", "features.crosses=null");
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);

    StageResult result = new LeakageJob().run(context);

    List<Row> checks = DeltaTables.read(SparkTestSession.get(), context.table(Table.LEAKAGE))
        .collectAsList();
    assertEquals(List.of(), checks.stream().filter(r -> !r.<Boolean>getAs("passed"))
        .map(r -> r.<String>getAs("constraint")).toList());
    String noise = checks.stream()
        .filter(r -> "single_feature_auc:noise".equals(r.getAs("constraint")))
        .map(r -> r.<String>getAs("expectation")).findFirst().orElseThrow();
    assertTrue(noise.contains("one class against the rest: largest for class "), noise);
    assertTrue(result.metric("max_single_feature_auc") < 0.95);
  }
}
