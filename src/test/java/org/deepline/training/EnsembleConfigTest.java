package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;

/** training.ensemble: defaults, and every mistake named by its key before any job runs. */
class EnsembleConfigTest {
  private static final Path CHURN = TestRuns.project().resolve("conf/churn.json");

  private static String errorOf(String... overrides) {
    DeeplineException error = assertThrows(DeeplineException.class,
        () -> ConfigLoader.load(CHURN, List.of(overrides)));
    return error.getMessage();
  }

  @Test
  void defaultsAreTheNetworkAloneAndEachMethodGetsItsOwnCount() {
    assertEquals(new EnsembleConfig("none", null, null),
        ConfigLoader.load(CHURN, List.of()).training().ensemble());
    assertEquals(new EnsembleConfig("bagging", 5, null), ConfigLoader.load(CHURN,
        List.of("training.ensemble.method=bagging")).training().ensemble());
    DeeplineConfig stacking = ConfigLoader.load(CHURN,
        List.of("training.ensemble.method=stacking", "training.ensemble.folds=3"));
    assertEquals(new EnsembleConfig("stacking", null, 3), stacking.training().ensemble());
  }

  @Test
  void anUnknownMethodIsNamed() {
    String message = errorOf("training.ensemble.method=boosting");
    assertTrue(message.contains("training.ensemble.method: must be one of [none, bagging, "
        + "stacking], got boosting"), message);
  }

  @Test
  void fewerThanTwoMembersOrAnAbsurdNumberIsRefused() {
    String one = errorOf("training.ensemble.method=bagging", "training.ensemble.members=1");
    assertTrue(one.contains("training.ensemble.members: must be in [2, 50], got 1"), one);
    String many = errorOf("training.ensemble.method=bagging", "training.ensemble.members=5000");
    assertTrue(many.contains("training.ensemble.members: must be in [2, 50], got 5000"), many);
  }

  @Test
  void fewerThanTwoFoldsOrAnAbsurdNumberIsRefused() {
    String one = errorOf("training.ensemble.method=stacking", "training.ensemble.folds=1");
    assertTrue(one.contains("training.ensemble.folds: must be in [2, 20], got 1"), one);
    String many = errorOf("training.ensemble.method=stacking", "training.ensemble.folds=1000");
    assertTrue(many.contains("training.ensemble.folds: must be in [2, 20], got 1000"), many);
  }

  @Test
  void aCountForTheOtherMethodIsRefused() {
    String folds = errorOf("training.ensemble.method=bagging", "training.ensemble.folds=5");
    assertTrue(folds.contains("training.ensemble.folds: applies to method stacking only, method "
        + "is bagging"), folds);
    String members = errorOf("training.ensemble.members=3");
    assertTrue(members.contains("training.ensemble.members: applies to method bagging only, "
        + "method is none"), members);
  }

  @Test
  void stackingWithoutTheLaddersGbtIsRefused() {
    String withoutGbt = errorOf("training.ensemble.method=stacking",
        "baselines.models=[\"majority\", \"logistic_regression\"]");
    assertTrue(withoutGbt.contains("training.ensemble.method: stacking needs the baseline "
        + "ladder's gbt: set baselines.enabled to true and list gbt in baselines.models (now "
        + "enabled true, models [majority, logistic_regression])"), withoutGbt);
    String ladderOff = errorOf("training.ensemble.method=stacking", "baselines.enabled=false");
    assertTrue(ladderOff.contains("training.ensemble.method: stacking needs the baseline "
        + "ladder's gbt"), ladderOff);
    // Bagging has no boosting member: the same ladder is fine for it.
    assertEquals("bagging", ConfigLoader.load(CHURN, List.of("training.ensemble.method=bagging",
        "baselines.enabled=false")).training().ensemble().method());
  }
}
