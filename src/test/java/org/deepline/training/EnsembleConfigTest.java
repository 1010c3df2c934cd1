package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
  void defaultsAreAutoAndEachMethodGetsItsOwnCount() {
    // auto's keys stay unset: a section copied from a run record can take another method.
    assertEquals(new EnsembleConfig("auto", null, null, null, null, null),
        ConfigLoader.load(CHURN, List.of()).training().ensemble());
    assertEquals(5, EnsembleConfig.defaults().foldsOrDefault());
    assertEquals(0.005, EnsembleConfig.defaults().autoMarginOrDefault());
    assertEquals(new EnsembleConfig("bagging", 5, null, null, null, null), ConfigLoader.load(CHURN,
        List.of("training.ensemble={\"method\": \"auto\", \"members\": null, \"folds\": null, "
            + "\"auto_margin\": null, \"auto_stack_rows\": null}",
            "training.ensemble.method=bagging")).training().ensemble());
    assertEquals(new EnsembleConfig("none", null, null, null, null, null), ConfigLoader.load(CHURN,
        List.of("training.ensemble.method=none")).training().ensemble());
    assertEquals(new EnsembleConfig("bagging", 5, null, null, null, null), ConfigLoader.load(CHURN,
        List.of("training.ensemble.method=bagging")).training().ensemble());
    DeeplineConfig stacking = ConfigLoader.load(CHURN,
        List.of("training.ensemble.method=stacking", "training.ensemble.folds=3"));
    assertEquals(new EnsembleConfig("stacking", null, 3, null, null, null),
        stacking.training().ensemble());
    assertEquals(new EnsembleConfig("auto", null, 4, 0.02, null, null), ConfigLoader.load(CHURN,
        List.of("training.ensemble.folds=4", "training.ensemble.auto_margin=0.02")).training()
        .ensemble());
  }

  @Test
  void anUnknownMethodIsNamed() {
    String message = errorOf("training.ensemble.method=boosting");
    assertTrue(message.contains("training.ensemble.method: must be one of [auto, none, bagging, "
        + "deep_ensemble, stacking], got boosting"), message);
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
    assertTrue(folds.contains("training.ensemble.folds: applies to methods stacking and auto "
        + "only, method is bagging"), folds);
    String members = errorOf("training.ensemble.method=stacking", "training.ensemble.members=3");
    assertTrue(members.contains("training.ensemble.members: applies to methods bagging, "
        + "deep_ensemble and auto only, method is stacking"), members);
    String alone = errorOf("training.ensemble.method=none", "training.ensemble.members=3");
    assertTrue(alone.contains("training.ensemble.members: applies to methods bagging, "
        + "deep_ensemble and auto only, method is none"), alone);
    // auto's deep ensemble takes the count; bagging and deep_ensemble default to 5.
    assertEquals(3, ConfigLoader.load(CHURN, List.of("training.ensemble.members=3"))
        .training().ensemble().membersOrDefault());
    assertEquals(5, ConfigLoader.load(CHURN, List.of("training.ensemble.method=deep_ensemble"))
        .training().ensemble().members());
    String averageRows = errorOf("training.ensemble.method=bagging",
        "training.ensemble.auto_average_rows=5000");
    assertTrue(averageRows.contains("training.ensemble.auto_average_rows: applies to method auto "
        + "only, method is bagging"), averageRows);
    String negativeRows = errorOf("training.ensemble.auto_average_rows=-1");
    assertTrue(negativeRows.contains("training.ensemble.auto_average_rows: must be >= 0, got -1"),
        negativeRows);
    String margin = errorOf("training.ensemble.method=stacking",
        "training.ensemble.auto_margin=0.01");
    assertTrue(margin.contains("training.ensemble.auto_margin: applies to method auto only, "
        + "method is stacking"), margin);
  }

  @Test
  void anAutoMarginOutsideZeroToOneIsRefused() {
    String negative = errorOf("training.ensemble.auto_margin=-0.01");
    assertTrue(negative.contains("training.ensemble.auto_margin: must be in [0, 1), got -0.01"),
        negative);
    String whole = errorOf("training.ensemble.auto_margin=1");
    assertTrue(whole.contains("training.ensemble.auto_margin: must be in [0, 1), got 1.0"), whole);
  }

  @Test
  void autoStackRowsIsAutosAndNotNegative() {
    assertEquals(EnsembleConfig.DEFAULT_AUTO_STACK_ROWS,
        EnsembleConfig.defaults().autoStackRowsOrDefault());
    assertEquals(2000, EnsembleConfig.DEFAULT_AUTO_STACK_ROWS);
    assertEquals(0, ConfigLoader.load(CHURN, List.of("training.ensemble.auto_stack_rows=0"))
        .training().ensemble().autoStackRowsOrDefault());
    String negative = errorOf("training.ensemble.auto_stack_rows=-1");
    assertTrue(negative.contains("training.ensemble.auto_stack_rows: must be >= 0, got -1"),
        negative);
    String bagging = errorOf("training.ensemble.method=bagging",
        "training.ensemble.auto_stack_rows=500");
    assertTrue(bagging.contains("training.ensemble.auto_stack_rows: applies to method auto only, "
        + "method is bagging"), bagging);
  }

  @Test
  void autoStacksOnlyWhenARungLeadsByMoreThanTheMargin() {
    // The telecom churn set: trees 0.9139, the network 0.8929.
    assertEquals(List.of("gbt"), Ensembles.leaders(Map.of("gbt", 0.9139), 0.8929, 0.005));
    // Telco churn: both rungs behind or within the margin.
    assertEquals(List.of(), Ensembles.leaders(orderedRungs(0.8363, 0.8422), 0.8409, 0.005));
    assertEquals(List.of(), Ensembles.leaders(Map.of("gbt", 0.844), 0.84, 0.005));
    // German credit with a weaker network: the logistic regression alone leads.
    assertEquals(List.of("logistic_regression"), Ensembles.leaders(orderedRungs(0.7060, 0.7683),
        0.7600, 0.005));
    assertEquals(List.of("gbt", "logistic_regression"),
        Ensembles.leaders(orderedRungs(0.846, 0.850), 0.84, 0.005));
    // A rung without a figure leads nothing, and hides no other rung's lead.
    assertEquals(List.of("logistic_regression"),
        Ensembles.leaders(orderedRungs(Double.NaN, 0.850), 0.84, 0.005));
  }

  @Test
  void aSmallSplitsStackIsKeptOnHeldOutTrainingRowsNotOnValidation() {
    // German credit: the stack trails the network on 150 validation rows, leads on 700 training
    // rows, each held out from what scored it; kept.
    Map<String, Double> german = Map.of("ensemble_cross_fitted_stacked_roc_auc", 0.7850,
        "ensemble_out_of_fold_network_roc_auc", 0.7712);
    assertTrue(Ensembles.keeps(german, 0.7642, 0.7655, true));
    // The same figures on a large split: validation decides, and the stack is not above.
    assertFalse(Ensembles.keeps(german, 0.7642, 0.7655, false));
    assertTrue(Ensembles.keeps(german, 0.7700, 0.7655, false));
    // Behind the network's folds, or a figure that is not a number: the network alone.
    assertFalse(Ensembles.keeps(Map.of("ensemble_cross_fitted_stacked_roc_auc", 0.7600,
        "ensemble_out_of_fold_network_roc_auc", 0.7712), 0.80, 0.70, true));
    assertFalse(Ensembles.keeps(Map.of("ensemble_cross_fitted_stacked_roc_auc", Double.NaN,
        "ensemble_out_of_fold_network_roc_auc", 0.7712), 0.80, 0.70, true));
  }

  private static Map<String, Double> orderedRungs(double gbt, double logistic) {
    Map<String, Double> rungs = new java.util.LinkedHashMap<>();
    rungs.put("gbt", gbt);
    rungs.put("logistic_regression", logistic);
    return rungs;
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
    // auto without the trees registers the network alone: the default needs no ladder.
    assertEquals("auto", ConfigLoader.load(CHURN, List.of("baselines.enabled=false")).training()
        .ensemble().method());
    // Bagging has no boosting member: the same ladder is fine for it.
    assertEquals("bagging", ConfigLoader.load(CHURN, List.of("training.ensemble.method=bagging",
        "baselines.enabled=false")).training().ensemble().method());
  }
}
