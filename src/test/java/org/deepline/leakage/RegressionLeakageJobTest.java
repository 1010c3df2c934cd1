package org.deepline.leakage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * The gate on the toy data with its {@code noise} column as a regression label: {@code x},
 * {@code income} and {@code segment} are drawn apart from it, so every check passes, each
 * target-leak check reading the number (a feature's concordance with it, the information over its
 * train deciles).
 */
class RegressionLeakageJobTest {
  private static final int ROWS = 400;

  @Test
  void aRegressionLabelIsJudgedByItsNumber(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, ROWS, false, "label.column=noise",
        "label.positive=null", "label.regression=true", "features.numeric=[\"x\", \"income\"]",
        "features.categorical=[\"segment\"]", "features.crosses=null");
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);

    StageResult result = new LeakageJob().run(context);

    List<Row> checks = DeltaTables.read(SparkTestSession.get(), context.table(Table.LEAKAGE))
        .collectAsList();
    assertEquals(List.of(), checks.stream().filter(r -> !r.<Boolean>getAs("passed"))
        .map(r -> r.<String>getAs("constraint")).toList());
    Map<String, String> expectations = checks.stream().collect(Collectors.toMap(
        r -> r.<String>getAs("constraint"), r -> r.<String>getAs("expectation")));
    assertTrue(expectations.get("single_feature_auc:x").endsWith(
        "(concordance with the number: the share of row pairs of different numbers the feature "
            + "orders as they are, ties half; a 0/1 label's ROC AUC)"),
        expectations.get("single_feature_auc:x"));
    assertTrue(expectations.get("mutual_information:segment").endsWith(
        "(the number cut into its 10 train quantile bins)"),
        expectations.get("mutual_information:segment"));
    assertTrue(expectations.get("shared_row_labels").contains("a regression label: numbers "
        + "agree when they round down to the same multiple of "),
        expectations.get("shared_row_labels"));
    assertTrue(result.metric("max_single_feature_auc") < 0.6,
        String.valueOf(result.metric("max_single_feature_auc")));
    assertTrue(result.metric("max_mutual_information") < 0.1,
        String.valueOf(result.metric("max_mutual_information")));
  }
}
