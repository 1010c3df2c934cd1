package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deepline.baselines.BaselineConfig;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.etl.LabelConfig;
import org.deepline.metrics.RegressionScores;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** The rules of a regression training run that need no Spark: losses, refusals, the output. */
class RegressionTrainTest {
  private static final LabelConfig PRICE = LabelConfig.regressionOf("price");

  private static DeeplineConfig config(String... overrides) {
    return ConfigLoader.parse("""
        {"dataset": "prices", "source": {"path": "prices.csv"},
         "schema": {"columns": [{"name": "x", "type": "double"},
                                {"name": "price", "type": "double", "nullable": false}]},
         "label": {"column": "price", "regression": true},
         "features": {"numeric": ["x"]}}
        """, "test config", List.of(overrides));
  }

  @Test
  void theOutputLayerScaledBackGivesTheNumberTheStandardisedOutputStoodFor() {
    TrainingConfig training = config().section(TrainingConfig.class);
    MultiLayerNetwork network = new MultiLayerNetwork(NetworkFactory.regressor(training,
        NetworkInput.plain(2), new LossMSE()));
    network.init();
    INDArray rows = Nd4j.createFromArray(new float[][] {{0.5f, -1f}, {2f, 0.25f}});
    INDArray standardised = network.output(rows).dup();

    RegressionTrain.unstandardise(network, 1000, 250);

    INDArray number = network.output(rows);
    for (int row = 0; row < 2; row++) {
      assertEquals(1000 + 250 * standardised.getDouble(row, 0), number.getDouble(row, 0), 1e-2);
    }
  }

  @Test
  void predictionsAreClippedToTheDeclaredRangeWhichLowersEveryError() {
    ModelMetadata.RegressionTarget costs = new ModelMetadata.RegressionTarget(100, 50, "mse", 0.0,
        1000.0);
    assertEquals(0.0, costs.clip(-45_682.5));
    assertEquals(1000.0, costs.clip(1200));
    assertEquals(12.5, costs.clip(12.5));
    assertEquals(-3.0, new ModelMetadata.RegressionTarget(0, 1, "mse").clip(-3.0));

    RegressionScores raw = new RegressionScores(new double[] {-40, 5, 1500}, new double[] {0, 10,
        900});
    RegressionScores clipped = RegressionTrain.clipped(raw, costs);

    assertEquals(List.of(0.0, 5.0, 1000.0), List.of(clipped.prediction(0), clipped.prediction(1),
        clipped.prediction(2)));
    // Errors 40, 5, 600 become 0, 5, 100.
    assertEquals(645.0 / 3, raw.mae(), 1e-9);
    assertEquals(105.0 / 3, clipped.mae(), 1e-9);
  }

  @Test
  void aNetworkPredictingOneNumberFailsAndOneThatVariesPasses() {
    RegressionScores constant = new RegressionScores(new double[] {5, 5, 5, 5},
        new double[] {1, 4, 6, 9});
    DeeplineException collapsed = assertThrows(DeeplineException.class,
        () -> RegressionTrain.requireNotCollapsed(constant, 2.9));
    assertEquals(DeeplineException.Failure.MODEL_GATE, collapsed.failure());
    assertEquals("train: the network collapsed: its predictions over the 4 validation rows spread "
        + "0.00, against the label's 2.90 (it predicts about 5.000 for every row); lower "
        + "training.learning_rate, or check that the features vary", collapsed.getMessage());
    RegressionTrain.requireNotCollapsed(new RegressionScores(new double[] {1.5, 3.5, 6.5, 8},
        new double[] {1, 4, 6, 9}), 2.9);
  }

  @Test
  void lossesFollowTheConfigAndTheClassificationDefaultIsSquaredError() {
    assertInstanceOf(LossMSE.class, RegressionTrain.loss(LossConfig.defaults()));
    assertEquals("mse", RegressionTrain.lossName(LossConfig.defaults()));
    LossConfig mae = config("training.loss={\"type\": \"mae\"}").section(TrainingConfig.class)
        .loss();
    assertInstanceOf(LossL1.class, RegressionTrain.loss(mae));
    LossConfig huber = config("training.loss={\"type\": \"huber\", \"delta\": 0.5}")
        .section(TrainingConfig.class).loss();
    HuberLoss loss = assertInstanceOf(HuberLoss.class, RegressionTrain.loss(huber));
    assertEquals(0.5, loss.delta());
    assertEquals("huber", RegressionTrain.lossName(huber));

    // Early stopping reads the loss trained with: errors 0.5, -2 and 3 of standardised numbers.
    RegressionScores errors = new RegressionScores(new double[] {0.5, -2, 3},
        new double[] {0, 0, 0});
    assertEquals((0.25 + 4 + 9) / 3, RegressionTrain.validationLoss(LossConfig.defaults(),
        errors), 1e-12);
    assertEquals(5.5 / 3, RegressionTrain.validationLoss(mae, errors), 1e-12);
    // Huber with delta 0.5: 0.125, then 0.5 (2 - 0.25) and 0.5 (3 - 0.25).
    assertEquals((0.125 + 0.875 + 1.375) / 3, RegressionTrain.validationLoss(huber, errors),
        1e-12);

    DeeplineException classLabel = assertThrows(DeeplineException.class,
        () -> RegressionTrain.requireClassificationLoss(new LabelConfig("churn", "Yes", null),
            mae));
    assertEquals("train: training.loss.type mae is a regression loss, and label.column churn is "
        + "a class label; use cross_entropy or focal, or set label.regression for a number",
        classLabel.getMessage());
    RegressionTrain.requireClassificationLoss(new LabelConfig("churn", "Yes", null),
        LossConfig.defaults());
  }

  @Test
  void aLossThatDoesNotFitTheLabelTheConfigDeclaresIsAConfigError() {
    DeeplineException focal = assertThrows(
        DeeplineException.class,
        () -> config("training.loss={\"type\": \"focal\"}"));
    assertTrue(focal.getMessage().contains("training.loss.type: focal is a classification loss, "
        + "and label.column price is a regression label: use mse, mae or huber"),
        focal.getMessage());
    DeeplineException mse = assertThrows(
        DeeplineException.class,
        () -> config("label={\"column\": \"price\", \"positive\": \"1\"}",
            "training.loss={\"type\": \"mse\"}"));
    assertTrue(mse.getMessage().contains("training.loss.type: mse is a regression loss, and "
        + "label.column price is a class label"), mse.getMessage());
    // A label the data decides is checked by train, before a row is read.
    config("label={\"column\": \"price\"}", "training.loss={\"type\": \"huber\"}");
  }

  @Test
  void settingsMadeForAClassLabelAreNamedAndTheDefaultsPass() {
    DeeplineConfig defaults = config();
    assertEquals(List.of(), RegressionTrain.unsupported(defaults.section(TrainingConfig.class),
        defaults.section(BaselineConfig.class), false, false, false));

    // A label the data decides: the config check cannot tell the focal loss does not fit.
    DeeplineConfig classes = config("label={\"column\": \"price\"}",
        "training.class_weights=balanced",
        "training.loss={\"type\": \"focal\"}", "training.early_stopping_metric=pr_auc");
    DeeplineException refused = assertThrows(DeeplineException.class,
        () -> RegressionTrain.requireSupported(PRICE, classes.section(TrainingConfig.class),
            classes.section(BaselineConfig.class), true, false, false));
    assertEquals(DeeplineException.Failure.CONFIG, refused.failure());
    assertTrue(refused.getMessage().startsWith("train: label.column price is a regression label "
        + "(a number to predict), and these settings are not available for one: "
        + "training.class_weights balanced (a number has no classes to weigh); "
        + "training.early_stopping_metric pr_auc"), refused.getMessage());
    assertTrue(refused.getMessage().endsWith("training.loss.type focal (a classification loss; "
        + "use mse, mae or huber); train --tune; leave them out"), refused.getMessage());
  }
}
