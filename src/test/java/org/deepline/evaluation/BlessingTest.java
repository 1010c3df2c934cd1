package org.deepline.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deepline.evaluation.Blessing.Candidate;
import org.deepline.evaluation.Blessing.Verdict;
import org.junit.jupiter.api.Test;

class BlessingTest {
  private static final BlessingConfig DEFAULTS = BlessingConfig.defaults();

  @Test
  void aChallengerFallingBehindTheChampionIsRefused() {
    Verdict verdict = Blessing.judge(DEFAULTS, model("v8", 0.861, Map.of()),
        model("v7", 0.874, Map.of()), List.of());

    assertFalse(verdict.blessed());
    assertEquals("v7", verdict.championVersion());
    assertEquals(List.of("roc_auc 0.8610 is 0.0130 behind the champion's 0.8740 (max_drop 0.0100)"),
        verdict.reasons());
    assertEquals("Refused (1 of 1 checks failed): compared with champion v7 on the same rows.",
        verdict.summary());
  }

  @Test
  void aChallengerWithinTheMarginIsBlessed() {
    Verdict verdict = Blessing.judge(DEFAULTS, model("v8", 0.866, Map.of()),
        model("v7", 0.874, Map.of()), List.of());

    assertTrue(verdict.blessed(), verdict.toString());
    assertEquals(List.of(), verdict.reasons());
  }

  @Test
  void aSliceFallingBehindRefusesEvenWhenTheWholeIsBetter() {
    Verdict verdict = Blessing.judge(DEFAULTS,
        model("v8", 0.90, Map.of("segment=a", 0.80, "segment=b", 0.95)),
        model("v7", 0.87, Map.of("segment=a", 0.83, "segment=b", 0.90)), List.of());

    assertFalse(verdict.blessed());
    assertEquals(List.of("roc_auc on segment=a 0.8000 is 0.0300 behind the champion's 0.8300 "
        + "(max_slice_drop 0.0200)"), verdict.reasons());
    assertEquals(3, verdict.checks().size());
  }

  @Test
  void withoutAChampionOnlyTheAbsoluteThresholdsCount() {
    BlessingConfig floors = new BlessingConfig(0.8, null, 0.5, null, 0.05, null, null, null, null,
        null, null);

    Verdict verdict = Blessing.judge(floors,
        new Candidate("v8", Map.of("roc_auc", 0.79, "log_loss", 0.45, "ece", 0.08), Map.of()),
        null, List.of());

    assertFalse(verdict.blessed());
    assertNull(verdict.championVersion());
    assertEquals(List.of("roc_auc 0.7900 is below min_roc_auc 0.8000",
        "ece 0.0800 is above max_ece 0.0500"), verdict.reasons());
    assertTrue(verdict.summary().contains("no champion yet, so judged against the absolute "
        + "thresholds only"), verdict.summary());
  }

  @Test
  void withoutAChampionOrThresholdsAModelIsBlessedAndSaysWhy() {
    Verdict verdict = Blessing.judge(DEFAULTS, model("v1", 0.7, Map.of()), null, List.of());

    assertTrue(verdict.blessed());
    assertEquals("Blessed: no champion yet, so judged against the absolute thresholds only.",
        verdict.summary());
    // Scored by its alias, the champion has no other model to compare with: not "none yet".
    assertEquals("Blessed: this model is the champion, so judged against the absolute thresholds "
        + "only.", Blessing.judge(DEFAULTS, model("v1", 0.7, Map.of()), null, List.of(), true)
        .summary());
  }

  @Test
  void lowerIsBetterForLogLoss() {
    BlessingConfig byLogLoss = new BlessingConfig(null, null, null, null, null, "log_loss", 0.02,
        null, null, null, null);
    Candidate champion = new Candidate("v7", Map.of("log_loss", 0.40), Map.of());

    Verdict worse = Blessing.judge(byLogLoss, new Candidate("v8", Map.of("log_loss", 0.43),
        Map.of()), champion, List.of());
    Verdict better = Blessing.judge(byLogLoss, new Candidate("v9", Map.of("log_loss", 0.38),
        Map.of()), champion, List.of());

    assertFalse(worse.blessed());
    assertEquals("log_loss 0.4300 is 0.0300 behind the champion's 0.4000 (max_drop 0.0200)",
        worse.reasons().get(0));
    assertTrue(better.blessed(), better.toString());
  }

  @Test
  void aFailedBehaviouralTestRefusesUnlessNotRequired() {
    BehaviouralResult failed = new BehaviouralResult("noise", "invariance", 100, 30, 0.3, 0.05,
        0.1, 0.4, false, "30 of 100 rows moved");
    BlessingConfig lenient = new BlessingConfig(null, null, null, null, null, null, null, null,
        false, null, null);

    Verdict strict = Blessing.judge(DEFAULTS, model("v8", 0.9, Map.of()), null, List.of(failed));
    Verdict relaxed = Blessing.judge(lenient, model("v8", 0.9, Map.of()), null, List.of(failed));

    assertEquals(List.of("behavioural test 'noise': 30 of 100 rows moved"), strict.reasons());
    assertTrue(relaxed.blessed());
  }

  @Test
  void anUndefinedMetricCannotMeetAFloor() {
    BlessingConfig floor = new BlessingConfig(0.7, null, null, null, null, null, null, null, null,
        null, null);

    Verdict verdict = Blessing.judge(floor, model("v8", Double.NaN, Map.of()), null, List.of());

    assertEquals(List.of("roc_auc is not defined on these rows, so min_roc_auc 0.7000 cannot be "
        + "met"), verdict.reasons());
  }

  private static Candidate model(String version, double rocAuc, Map<String, Double> slices) {
    return new Candidate(version, Map.of("roc_auc", rocAuc), slices);
  }
}
