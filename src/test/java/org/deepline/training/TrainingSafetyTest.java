package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.etl.IngestJob;
import org.deepline.etl.LabelConfig;
import org.deepline.etl.RecordIds;
import org.deepline.features.FeatureJob;
import org.deepline.features.FeatureTable;
import org.deepline.features.FeatureTransform;
import org.deepline.sampling.SplitJob;
import org.deepline.sampling.StratifiedSplitter;
import org.deepline.testing.TestRuns;
import org.deepline.testing.ToyData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on inputs that broke it or should stop it: a features table sorted by class, NaN values,
 * a split with one class, a network far too large. One prepared toy warehouse; each case rewrites the
 * features table's run date (the last case leaves it broken).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingSafetyTest {
  private static final int ROWS = 1500;
  /** "Within a few points of the base rate": the mean prediction of a calibrated fit. */
  private static final double CALIBRATION_TOLERANCE = 0.05;

  @TempDir
  static Path dir;
  private RunContext context;
  private Dataset<Row> original;

  @BeforeAll
  void prepare() {
    context = ToyData.context(dir, ROWS, false, "training.epochs=8", "training.patience=8");
    new IngestJob().run(context);
    new SplitJob().run(context);
    new FeatureJob().run(context);
    // Dense vectors, so the tests can edit them; written back, they are rows of the older dense
    // layout in a table the features stage wrote sparse, which training must still read.
    original = FeatureTable.withDenseVectors(context.input(Table.FEATURES).rows())
        .localCheckpoint();
  }

  private void replaceFeatures(Dataset<Row> rows) {
    DeltaTables.replaceRunDate(rows.drop(DeltaTables.RUN_DATE), context.table(Table.FEATURES),
        context.runDate());
  }

  @Test
  @Order(1)
  void classSortedFeaturesStillTrainACalibratedModel() {
    replaceFeatures(original.orderBy(LabelConfig.LABEL).coalesce(1));

    StageResult trained = new TrainJob().run(context);

    double mean = trained.metric("validation_mean_probability");
    double rate = trained.metric("validation_positive_rate");
    assertTrue(Math.abs(mean - rate) < CALIBRATION_TOLERANCE,
        "mean predicted probability " + mean + " vs positive rate " + rate);
    assertTrue(trained.metric("validation_roc_auc") > 0.75, trained.metrics().toString());
    assertTrue(!context.files().exists(context.warehouse().checkpointDir("toy", context.runId())),
        "a successful run removes its checkpoints");
  }

  @Test
  @Order(2)
  void aNanFeatureStopsTrainingWithAReason() {
    String victim = original.where(functions.col(StratifiedSplitter.SPLIT).equalTo("train"))
        .select(RecordIds.RECORD_ID).head().getString(0);
    replaceFeatures(original.withColumn(FeatureTransform.FEATURES, functions.when(
        functions.col(RecordIds.RECORD_ID).equalTo(victim),
        functions.expr("transform(features, (x, i) -> IF(i = 0, double('NaN'), x))"))
        .otherwise(functions.col(FeatureTransform.FEATURES))));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(context));
    assertEquals("train: feature 0 of a train row is NaN; the features stage must not emit NaN or "
        + "infinite values", error.getMessage());
  }

  @Test
  @Order(3)
  void aTrainingSplitWithOneClassIsRefused() {
    replaceFeatures(original.withColumn(LabelConfig.LABEL, functions.when(
        functions.col(StratifiedSplitter.SPLIT).equalTo("train"), functions.lit(0.0))
        .otherwise(functions.col(LabelConfig.LABEL))));

    DeeplineException error = assertThrows(DeeplineException.class,
        () -> new TrainJob().run(context));
    assertTrue(error.getMessage().matches("train: both classes are needed in each split; got "
        + "train: \\d+ rows \\(0 positive\\) in 2 partitions"), error.getMessage());
  }

  @Test
  @Order(4)
  void aNetworkFarTooLargeIsRefusedBeforeTraining() {
    replaceFeatures(original);
    RunContext huge = TestRuns.context(TestRuns.configFromJson(
        ToyData.configJson(dir.resolve("toy.csv"), false).replace("\"layers\": [{\"units\": 8}]",
            "\"layers\": [{\"units\": 5000}, {\"units\": 5000}]")), dir.resolve("warehouse"), "train");

    DeeplineException error = assertThrows(DeeplineException.class, () -> new TrainJob().run(huge));
    assertTrue(error.getMessage().contains("-5000-5000-2 (feature width "), error.getMessage());
    assertTrue(error.getMessage().contains("more than 20000000; use fewer or narrower"),
        error.getMessage());
  }

  @Test
  @Order(5)
  void unsetEpochsAndPatienceTrainWhatTheSplitsSizeResolvesToAndAreRecorded() {
    replaceFeatures(original);
    RunContext automatic = TestRuns.context(TestRuns.configFromJson(
        ToyData.configJson(dir.resolve("toy.csv"), false), "training.epochs=null",
        "training.patience=null", "training.ensemble.method=none", "baselines.enabled=false"),
        dir.resolve("warehouse"), "train");

    StageResult trained = new TrainJob().run(automatic);

    // About 1,050 training rows in minibatches of 16 on 2 workers: about 32 minibatches a worker
    // per epoch, so about 125 epochs for 4,000 of them, and a tenth of that as patience.
    long rows = (long) trained.metric("rows_train");
    int epochs = automatic.section(TrainingConfig.class).resolveEpochs(rows);
    assertTrue(epochs > TrainingConfig.MIN_AUTO_EPOCHS && epochs < TrainingConfig.MAX_AUTO_EPOCHS,
        rows + " rows -> " + epochs + " epochs");
    assertEquals(epochs, trained.metric("epochs"));
    assertEquals(epochs / 10, trained.metric("patience"));
    assertTrue(trained.metric("epochs_run") <= epochs);
    assertTrue(trained.metric("epochs_run") - trained.metric("best_epoch") <= epochs / 10 + 1,
        trained.metrics().toString());
    ModelMetadata metadata = ModelBundle.load(automatic.files(), trained.artifacts().get("model"))
        .metadata();
    assertEquals(epochs, metadata.training().epochs());
    assertEquals(epochs / 10, metadata.training().patience());
  }
}
