package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deepline.compression.CompressJob;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network whose categorical inputs are embedded, through the whole model life on the toy data:
 * trained data-parallel, saved, scored in batches and row by row, compressed and scored again.
 */
class EmbeddedTrainingTest {
  private static final int ROWS = 600;
  private static final String EMBEDDED = "features.categorical_encodings={"
      + "\"segment\": {\"encoding\": \"embedding\"}, "
      + "\"channel\": {\"encoding\": \"embedding\", \"dimensions\": 2}}";

  @Test
  void anEmbeddedNetworkLearnsScoresTheSameInBatchesAndRowsAndCompresses(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, ROWS, false, EMBEDDED);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);

    StageResult trained = new TrainJob().run(context);

    // x and segment carry a logistic signal whose Bayes AUC is about 0.85.
    assertTrue(trained.metric("validation_roc_auc") > 0.75, trained.metrics().toString());
    assertTrue(trained.metric("layer_0_update_ratio") > 0, "the tables learn: "
        + trained.metrics());
    ModelBundle bundle = ModelBundle.load(context.files(), trained.artifacts().get("model"));
    EmbeddingInputLayer embeddings = (EmbeddingInputLayer) ModelBundle.restore(
        bundle.networkBytes()).getLayerWiseConfigurations().getConf(0).getLayer();
    // x, noise, income and income's missing indicator (4 slots), then segment's index (3 values +
    // other), channel's (4 + other); segment's default width round(1.6 * 4^0.56) = 3, channel's 2.
    assertEquals(List.of("x", "noise", "income", "income__missing", "segment.index",
        "channel.index"), bundle.metadata().featureModel().featureNames().subList(0, 6));
    assertArrayEquals(new int[] {4, 5}, embeddings.getIndexSlots());
    assertArrayEquals(new int[] {4, 5}, embeddings.getRows());
    assertArrayEquals(new int[] {3, 2}, embeddings.getDimensions());

    Map<String, Double> batch = ScoringAgreement.batchEqualsSingle(
        context.input(Table.SILVER).rows(), bundle, 1e-6);
    assertEquals(ROWS, batch.size());

    StageResult quantized = new CompressJob().run(new RunContext(RunContext.newRunId(), null,
        "compress", context.runDate(), TestRuns.configFromJson(
            ToyData.configJson(dir.resolve("toy.csv"), false), EMBEDDED,
            "compression.method=int8"), context.warehouse(), context.spark()));
    assertTrue(Math.abs(quantized.metric("test_roc_auc_change")) < 0.02,
        quantized.metrics().toString());
  }
}
