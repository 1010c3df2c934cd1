package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deepline.config.ConfigLoader;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/**
 * {@code tuning}: the default space, and every bad value refused by the config loader, before a
 * Spark session exists, naming its key.
 */
class TuningConfigTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");

  @Test
  void anUndeclaredSpaceIsTheDefaultOneWithATenMinuteBudget() {
    TuningConfig tuning = ConfigLoader.load(CHURN, List.of()).section(TuningConfig.class);
    assertEquals(TuningConfig.defaults(), tuning);
    assertEquals(10.0, tuning.maxMinutes());
    assertEquals(null, tuning.maxTrials());
    assertEquals(3, tuning.eta());
    assertEquals(5, tuning.finalists());
    assertEquals(5, tuning.folds());
    assertEquals(List.of(List.of(32), List.of(64), List.of(128), List.of(64, 32),
        List.of(128, 64), List.of(256, 128)), tuning.space().layerUnits());
    assertEquals(new NumberRange(3e-4, 3e-2), tuning.space().learningRate());
    assertEquals(List.of("cross_entropy", "focal"), tuning.space().loss());
    assertEquals(42L, tuning.seedOr(42L));
  }

  @Test
  void aDeclaredSpaceIsRead() {
    TuningConfig tuning = ConfigLoader.load(CHURN, List.of("tuning.max_trials=8",
        "tuning.eta=2", "tuning.seed=5", "tuning.finalists=0", "tuning.folds=3", "tuning.space.layer_units=[[16], [32, 16]]",
        "tuning.space.learning_rate={\"min\": 0.001, \"max\": 0.001}",
        "tuning.space.loss=[\"focal\"]")).section(TuningConfig.class);
    assertEquals(8, tuning.maxTrials());
    assertEquals(2, tuning.eta());
    assertEquals(5L, tuning.seedOr(42L));
    assertEquals(0, tuning.finalists());
    assertEquals(3, tuning.folds());
    assertEquals(List.of(List.of(16), List.of(32, 16)), tuning.space().layerUnits());
    assertEquals(new NumberRange(0.001, 0.001), tuning.space().learningRate());
    assertEquals(List.of("focal"), tuning.space().loss());
    assertEquals(SearchSpace.DEFAULT_DROPOUT, tuning.space().dropout());
  }

  @Test
  void eachBadValueIsRefusedNamingItsKey() {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("tuning.space.learning_rate={\"min\": 0.01, \"max\": 0.001}",
            "tuning.space.learning_rate: an empty range: min 0.01 is above max 0.001"),
        Map.entry("tuning.space.dropout={\"min\": 0.6, \"max\": 0.2}",
            "tuning.space.dropout: an empty range: min 0.6 is above max 0.2"),
        Map.entry("tuning.space.l2={\"min\": 0, \"max\": 0.01}",
            "tuning.space.l2.min: must be > 0 (a log-scale range), got 0.0"),
        Map.entry("tuning.space.learning_rate={\"min\": 0.001}",
            "tuning.space.learning_rate.max: is required"),
        Map.entry("tuning.space.dropout={\"min\": 0, \"max\": 1}",
            "tuning.space.dropout.max: must be < 1.0, got 1.0"),
        Map.entry("tuning.space.layer_units=[]",
            "tuning.space.layer_units: an empty choice: name at least one layer shape"),
        Map.entry("tuning.space.layer_units=[[64], []]",
            "tuning.space.layer_units[1]: must list 1 to 4 layers' units, got []"),
        Map.entry("tuning.space.layer_units=[[64, 0]]",
            "tuning.space.layer_units[0][1]: must be in [1, 65536], got 0"),
        Map.entry("tuning.space.batch_size_per_worker=[]",
            "tuning.space.batch_size_per_worker: an empty choice: name at least one value"),
        Map.entry("tuning.space.averaging_frequency=[5, 0]",
            "tuning.space.averaging_frequency[1]: must be > 0, got 0"),
        Map.entry("tuning.space.loss=[]",
            "tuning.space.loss: an empty choice: name at least one of [cross_entropy, focal]"),
        Map.entry("tuning.space.loss=[\"hinge\"]",
            "tuning.space.loss[0]: must be one of [cross_entropy, focal], got hinge"),
        Map.entry("tuning.space.loss=[\"cross_entropy\", \"mse\"]",
            "tuning.space.loss[1]: mse is a regression loss and does not fit the binary label"),
        Map.entry("tuning.space.l2_zero_share=1.5",
            "tuning.space.l2_zero_share: must be in [0, 1], got 1.5"),
        Map.entry("tuning.max_trials=0",
            "tuning.max_trials: a budget of 0 trials runs nothing: must be > 0"),
        Map.entry("tuning.max_minutes=0",
            "tuning.max_minutes: a budget of 0.0 minutes runs nothing: must be > 0"),
        Map.entry("tuning.eta=1",
            "tuning.eta: must be >= 2 (eta 1 promotes every trial: no halving), got 1"),
        Map.entry("tuning.min_epochs=500",
            "tuning.min_epochs: must be <= training.epochs = 15, got 500"),
        Map.entry("tuning.min_epochs=0", "tuning.min_epochs: must be >= 1, got 0"),
        Map.entry("tuning.finalists=-1", "tuning.finalists: must be in [0, 50], got -1"),
        Map.entry("tuning.finalists=51", "tuning.finalists: must be in [0, 50], got 51"),
        Map.entry("tuning.folds=1", "tuning.folds: must be in [2, 20], got 1"),
        Map.entry("tuning.folds=21", "tuning.folds: must be in [2, 20], got 21"),
        // A bad training.epochs is reported at its own key, not again through min_epochs.
        Map.entry("training.epochs=0", "training.epochs: must be > 0, got 0"));
    expected.forEach((override, message) -> {
      DeeplineException error = assertThrows(DeeplineException.class,
          () -> ConfigLoader.load(CHURN, List.of(override)), override);
      assertEquals(DeeplineException.Failure.CONFIG, error.failure(), override);
      assertTrue(error.getMessage().contains("1 config error: " + message), override + " -> "
          + error.getMessage());
    });
  }

  @Test
  void withEpochsUnsetTheFirstRungFitsTheFewestEpochsTheyMayResolveTo() {
    DeeplineException error = assertThrows(DeeplineException.class, () -> ConfigLoader.load(CHURN,
        List.of("training.epochs=null", "tuning.min_epochs=21")));
    assertTrue(error.getMessage().contains("1 config error: tuning.min_epochs: must be <= 20, the "
        + "fewest epochs training.epochs may resolve to while it is unset (set training.epochs "
        + "for longer rungs), got 21"), error.getMessage());
    ConfigLoader.load(CHURN, List.of("training.epochs=null", "tuning.min_epochs=20"));
  }
}
