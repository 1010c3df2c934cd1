package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.deepline.core.DeeplineException;
import org.deepline.core.RunContext;
import org.deepline.etl.IngestJob;
import org.deepline.features.FeatureJob;
import org.deepline.sampling.SplitJob;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobInputTest {
  @Test
  void featuresTableFromAnotherFeatureModelIsRefusedBeforeTraining(@TempDir Path dir) {
    RunContext context = ToyData.context(dir, 200, false);
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    String artifact = context.warehouse().featureArtifact("toy", context.runDate());
    String firstModel = context.files().readText(artifact);
    RunContext resplit = ToyData.context(dir, 200, false, "split.seed=3");
    new SplitJob().run(resplit);
    new FeatureJob().run(resplit);
    // As if the second features run had died between writing its table and its artifact.
    context.files().writeText(artifact, firstModel);

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(context));

    assertTrue(error.getMessage().contains("was not written with the saved feature model"),
        error.getMessage());
  }
}
