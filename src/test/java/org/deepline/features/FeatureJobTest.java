package org.deepline.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.sampling.SplitFingerprint;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureJobTest {
  @Test
  void modelIsFittedOnTheTrainingSplitOnlyAndAppliedToEverySplit(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 400, false);
    new IngestJob().run(context);
    StageResult split = new SplitJob().run(context);

    StageResult result = new FeatureJob().run(context);

    SparkSession spark = SparkTestSession.get();
    Dataset<Row> labelled = FeatureJob.withSplits(
        DeltaTables.read(spark, context.table(Table.SILVER)),
        DeltaTables.read(spark, context.table(Table.SPLITS)));
    double trainMean = labelled.where("_split = 'train'").agg(functions.avg("x")).head().getDouble(0);
    double allMean = labelled.agg(functions.avg("x")).head().getDouble(0);
    FeatureModel model = FeatureModel.fromJson(context.files().readText(
        result.artifacts().get("feature_model")), "artifact");
    assertEquals(trainMean, model.numeric().get(0).mean(), 1e-9);
    assertNotEquals(allMean, model.numeric().get(0).mean());
    assertEquals(labelled.where("_split = 'train'").count(), model.fittedOn().rows());
    assertEquals("train", model.fittedOn().split());
    // The split's run record names the fingerprint the feature model was fitted on.
    assertTrue(split.artifacts().get(SplitJob.FINGERPRINT_ARTIFACT).contains(
        "train=" + SplitFingerprint.format(model.fittedOn().fingerprint())),
        split.artifacts().toString());

    Dataset<Row> features = DeltaTables.read(spark, context.table(Table.FEATURES));
    assertEquals(400, features.count());
    assertEquals(model.width(), features.select(functions.size(functions.col("features")))
        .distinct().head().getInt(0));
    assertEquals(model.width(), (int) result.metric("feature_width"));
    // segment (3 values) and channel (4) fit under the default cap of 100.
    assertEquals(0.0, result.metric("categories_capped_columns"));
    assertEquals(TestRuns.RUN_DATE, model.fittedOn().runDate());
  }
}
