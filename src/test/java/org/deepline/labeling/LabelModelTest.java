package org.deepline.labeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The label model and the metrics on synthetic votes drawn from known accuracies; no Spark. */
class LabelModelTest {
  private static final double POSITIVE_RATE = 0.3;
  /** Each function's class and its true {@code P(vote | y = 1)}, {@code P(vote | y = 0)}. */
  private static final int[] CLASSES = {1, 1, 0, 0, 1};
  private static final double[] VOTE_GIVEN_POSITIVE = {0.70, 0.40, 0.10, 0.25, 0.50};
  private static final double[] VOTE_GIVEN_NEGATIVE = {0.05, 0.20, 0.60, 0.30, 0.30};
  private static final int ROWS = 200_000;
  /**
   * A rate estimated from about 60,000 labelled positives would be off by about 0.002; without the
   * labels, EM's estimates on these weak functions land within about 0.01 (seed 7: 0.0105 for f0),
   * as every row's class is itself an estimate.
   */
  private static final double RATE_TOLERANCE = 0.025;

  /** Votes drawn row by row from the true model, counted by combination as Spark's groupBy does. */
  private static List<VotePattern> synthetic(long seed) {
    Random random = new Random(seed);
    Map<Long, long[]> counts = new TreeMap<>();
    for (int i = 0; i < ROWS; i++) {
      boolean positive = random.nextDouble() < POSITIVE_RATE;
      long mask = 0;
      for (int j = 0; j < CLASSES.length; j++) {
        double rate = positive ? VOTE_GIVEN_POSITIVE[j] : VOTE_GIVEN_NEGATIVE[j];
        if (random.nextDouble() < rate) {
          mask |= 1L << j;
        }
      }
      long[] count = counts.computeIfAbsent(mask, m -> new long[2]);
      count[0]++;
      count[1] += positive ? 1 : 0;
    }
    List<VotePattern> patterns = new ArrayList<>();
    counts.forEach((mask, c) -> patterns.add(new VotePattern(mask, c[0], c[0], c[1])));
    return patterns;
  }

  private static List<LabelingFunction> functions(int... classes) {
    List<LabelingFunction> functions = new ArrayList<>();
    for (int j = 0; j < classes.length; j++) {
      functions.add(new LabelingFunction("f" + j, "x > " + j, classes[j] == 1 ? "positive"
          : "negative"));
    }
    return functions;
  }

  @Test
  void emRecoversTheClassPriorAndEachFunctionsConfusionWithoutGold() {
    LabelModel model = LabelModel.fit(CLASSES, synthetic(7));
    assertTrue(model.converged(), "iterations " + model.iterations());
    assertEquals(POSITIVE_RATE, model.positivePrior(), RATE_TOLERANCE);
    for (int j = 0; j < CLASSES.length; j++) {
      assertEquals(VOTE_GIVEN_POSITIVE[j], model.votedGivenPositive(j), RATE_TOLERANCE, "f" + j);
      assertEquals(VOTE_GIVEN_NEGATIVE[j], model.votedGivenNegative(j), RATE_TOLERANCE, "f" + j);
    }
    // f0's accuracy is P(y=1 | f0 votes) = 0.3*0.7 / (0.3*0.7 + 0.7*0.05) = 0.857;
    // f3's is P(y=0 | f3 votes) = 0.7*0.3 / (0.7*0.3 + 0.3*0.25) = 0.737.
    assertEquals(0.857, model.estimatedAccuracy(0), RATE_TOLERANCE);
    assertEquals(0.737, model.estimatedAccuracy(3), RATE_TOLERANCE);
  }

  @Test
  void theLabelModelBeatsMajorityVoteWhenFunctionsDifferInAccuracy() {
    List<VotePattern> patterns = synthetic(11);
    LabelModel model = LabelModel.fit(CLASSES, patterns);
    Map<String, Double> metrics = LabelingMetrics.of(functions(CLASSES), model, patterns);
    double majority = metrics.get("majority_vote_accuracy");
    double labelModel = metrics.get("label_model_accuracy");
    // The votes follow the model's own assumptions, so its posterior is the Bayes rule: f0 alone
    // outweighs f1 and f4 together, which majority vote cannot see.
    assertTrue(labelModel > majority + 0.05, "label model " + labelModel + ", majority "
        + majority);
    assertTrue(metrics.get("label_model_accuracy_where_majority_decided")
        > metrics.get("majority_vote_accuracy_decided"), metrics.toString());
    // The estimated accuracies agree with the accuracies measured against gold.
    for (int j = 0; j < CLASSES.length; j++) {
      assertEquals(metrics.get("accuracy:f" + j), metrics.get("estimated_accuracy:f" + j),
          RATE_TOLERANCE, "f" + j);
    }
  }

  @Test
  void theFitDoesNotDependOnTheOrderSparkReturnsThePatternsIn() {
    List<VotePattern> patterns = synthetic(3);
    List<VotePattern> shuffled = new ArrayList<>(patterns);
    Collections.shuffle(shuffled, new Random(5));
    LabelModel sorted = LabelModel.fit(CLASSES, patterns);
    LabelModel unsorted = LabelModel.fit(CLASSES, shuffled);
    assertEquals(sorted.positivePrior(), unsorted.positivePrior(), 0.0);
    assertEquals(sorted.posterior(0b10001), unsorted.posterior(0b10001), 0.0);
    assertEquals(sorted.iterations(), unsorted.iterations());
  }

  @Test
  void aKnownClassPriorIsHeldFixed() {
    LabelModel model = LabelModel.fit(CLASSES, synthetic(7), 0.25);
    assertEquals(0.25, model.positivePrior(), 0.0);
  }

  @Test
  void functionsThatAlwaysVoteTogetherAgainstEachOtherLeaveEveryRowUndecided() {
    // Two functions of opposite classes that always both vote: a tie on every row.
    List<VotePattern> ties = List.of(new VotePattern(0b11, 500, 500, 200));
    LabelModel model = LabelModel.fit(new int[] {1, 0}, ties);
    assertEquals(0.5, model.posterior(0b11), 1e-12);
    assertNull(model.label(0b11));
    assertNull(MajorityVote.label(0b11, new int[] {1, 0}));
    Map<String, Double> metrics = LabelingMetrics.of(functions(1, 0), model, ties);
    assertEquals(1.0, metrics.get("conflict"));
    assertEquals(1.0, metrics.get("conflict:f0"));
    // Undecided rows count as half right for both: 250 of 500.
    assertEquals(0.5, metrics.get("majority_vote_accuracy"));
    assertEquals(0.5, metrics.get("label_model_accuracy"));
    assertNull(metrics.get("majority_vote_accuracy_decided"));
  }

  @Test
  void rowsNoFunctionVotesOnAreUncoveredAndUnlabelled() {
    List<VotePattern> silent = List.of(new VotePattern(0, 300, 300, 90));
    LabelModel model = LabelModel.fit(new int[] {1, 0}, silent);
    assertTrue(model.converged());
    assertEquals(0.5, model.posterior(0), 1e-12);
    assertNull(model.label(0));
    Map<String, Double> metrics = LabelingMetrics.of(functions(1, 0), model, silent);
    assertEquals(0.0, metrics.get("coverage"));
    assertEquals(0.0, metrics.get("coverage:f0"));
    assertEquals(0.0, metrics.get("gold_rows_covered"));
    assertEquals(0.3, metrics.get("gold_positive_rate"));
    assertNull(metrics.get("label_model_accuracy"), "no covered row to judge");
    assertNull(metrics.get("accuracy:f0"), "f0 never voted");
  }

  @Test
  void snorkelsCoverageOverlapAndConflictPerFunction() {
    // f0 votes 1, f1 votes 1, f2 votes 0. 10 rows: 4 only f0, 2 f0+f1, 1 f0+f2, 1 f1+f2, 2 none.
    List<VotePattern> patterns = List.of(
        new VotePattern(0b001, 4, 4, 3), new VotePattern(0b011, 2, 2, 2),
        new VotePattern(0b101, 1, 1, 0), new VotePattern(0b110, 1, 1, 1),
        new VotePattern(0b000, 2, 2, 0));
    int[] classes = {1, 1, 0};
    Map<String, Double> metrics = LabelingMetrics.of(functions(classes),
        LabelModel.fit(classes, patterns), patterns);
    assertEquals(0.8, metrics.get("coverage"), 1e-12);
    assertEquals(0.4, metrics.get("overlap"), 1e-12);
    assertEquals(0.2, metrics.get("conflict"), 1e-12);
    assertEquals(0.7, metrics.get("coverage:f0"), 1e-12);
    assertEquals(0.3, metrics.get("overlap:f0"), 1e-12);
    assertEquals(0.1, metrics.get("conflict:f0"), 1e-12);
    assertEquals(0.3, metrics.get("coverage:f1"), 1e-12);
    assertEquals(0.1, metrics.get("conflict:f1"), 1e-12);
    assertEquals(0.2, metrics.get("coverage:f2"), 1e-12);
    assertEquals(0.2, metrics.get("overlap:f2"), 1e-12);
    assertEquals(0.2, metrics.get("conflict:f2"), 1e-12);
    // f0 is right on 3 + 2 + 0 of its 7 gold rows; f2 (negative) on 1 of 2.
    assertEquals(5.0 / 7, metrics.get("accuracy:f0"), 1e-12);
    assertEquals(0.5, metrics.get("accuracy:f2"), 1e-12);
    // Majority on the 8 covered rows: 3 + 2 right, two ties (f0+f2, f1+f2) count half each.
    assertEquals((3 + 2 + 0.5 + 0.5) / 8, metrics.get("majority_vote_accuracy"), 1e-12);
    assertEquals(5.0 / 6, metrics.get("majority_vote_accuracy_decided"), 1e-12);
  }

  @Test
  void aFunctionVotesOnlyClassZeroOrOne() {
    assertThrows(IllegalArgumentException.class,
        () -> LabelModel.fit(new int[] {1, 2}, List.of(new VotePattern(1, 1, 0, 0))));
    assertThrows(IllegalArgumentException.class, () -> new VotePattern(1, 5, 6, 0));
  }
}
