package org.deepline.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Asynchronous successive halving's rungs, promotions and winner, on given scores. */
class HalvingScheduleTest {
  @Test
  void rungsDivideTheEpochsByEtaDownToTheMinimum() {
    assertArrayEquals(new int[] {2, 6, 20}, HalvingSchedule.rungEpochs(20, 1, 3));
    assertArrayEquals(new int[] {6, 20}, HalvingSchedule.rungEpochs(20, 3, 3));
    assertArrayEquals(new int[] {1, 2}, HalvingSchedule.rungEpochs(2, 1, 2));
    assertArrayEquals(new int[] {1, 3, 9, 27}, HalvingSchedule.rungEpochs(27, 1, 3));
    assertArrayEquals(new int[] {5}, HalvingSchedule.rungEpochs(5, 5, 3));
    // 3 / 2 = 1 and 3 / 4 = 0: one epoch, then all three.
    assertArrayEquals(new int[] {1, 3}, HalvingSchedule.rungEpochs(3, 1, 2));
  }

  /** Runs the schedule on fixed scores per trial and rung; returns the jobs in order. */
  private static List<String> drive(HalvingSchedule schedule, double[][] scores, int maxTrials) {
    List<String> jobs = new ArrayList<>();
    while (true) {
      Optional<HalvingSchedule.Job> job = schedule.next(schedule.trialsStarted() < maxTrials);
      if (job.isEmpty()) {
        return jobs;
      }
      int trial = job.get().trial();
      int rung = job.get().rung();
      jobs.add(trial + "@" + rung);
      schedule.report(trial, rung, scores[trial][rung]);
    }
  }

  @Test
  void theBestHalfOfFourTrialsIsPromotedAsSoonAsItIsKnown() {
    HalvingSchedule schedule = new HalvingSchedule(new int[] {1, 2}, 2);
    double[][] scores = {{0.70, 0.71}, {0.80, 0.82}, {0.75, 0.79}, {0.60, 0.61}};

    List<String> jobs = drive(schedule, scores, 4);

    // After two results the better (trial 1) goes on; after four, the top two are 1 and 2.
    assertEquals(List.of("0@0", "1@0", "1@1", "2@0", "3@0", "2@1"), jobs);
    assertEquals(Map.entry(1, 0.82), schedule.best().orElseThrow());
    assertEquals(1, schedule.rungOf(2));
    assertEquals(0, schedule.rungOf(3));
  }

  @Test
  void ninePromoteThreeThenOneWithEtaThree() {
    HalvingSchedule schedule = new HalvingSchedule(new int[] {2, 6, 20}, 3);
    double[][] scores = {{0.60, 0.61, 0.62}, {0.72, 0.73, 0.74}, {0.65, 0.66, 0.67},
        {0.80, 0.81, 0.82}, {0.55, 0.56, 0.57}, {0.70, 0.71, 0.72}, {0.78, 0.79, 0.80},
        {0.50, 0.51, 0.52}, {0.66, 0.67, 0.68}};
    List<String> jobs = drive(schedule, scores, 9);

    // Three results make trial 1 the top third of rung 0; trial 3 (0.80) takes the top spot as soon
    // as it is in; at seven results the top two are 3 and 6, and rung 1's three results send its
    // best, trial 3, to the last rung. Trials 7 and 8 are not in rung 0's top third (9 / 3 = 3:
    // 3, 6, 1), so nothing more is promoted.
    assertEquals(List.of("0@0", "1@0", "2@0", "1@1", "3@0", "3@1", "4@0", "5@0", "6@0", "6@1",
        "3@2", "7@0", "8@0"), jobs);
    assertEquals(Map.entry(3, 0.82), schedule.best().orElseThrow());
    assertEquals(2, schedule.rungOf(3));
    assertEquals(1, schedule.rungOf(6));
    // The leaders: rung 2's only trial, rung 1's others by score (6: 0.79, 1: 0.73), then rung 0's
    // best of the rest (5: 0.70, 8: 0.66).
    assertEquals(List.of(3, 6, 1, 5, 8), schedule.leaders(5));
    assertEquals(List.of(3, 6), schedule.leaders(2));
    assertEquals(9, schedule.leaders(20).size());
  }

  @Test
  void aFailedTrialIsNeverPromotedNorChosen() {
    HalvingSchedule schedule = new HalvingSchedule(new int[] {1, 2}, 2);
    double[][] scores = {{0.90, Double.NaN}, {0.80, 0.81}};

    List<String> jobs = drive(schedule, scores, 2);

    // Trial 0 diverges on rung 1 and leaves rung 0's ranking: trial 1 takes its place.
    assertEquals(List.of("0@0", "1@0", "0@1", "1@1"), jobs);
    assertEquals(Map.entry(1, 0.81), schedule.best().orElseThrow());
    assertEquals(List.of(1), schedule.leaders(5));
  }

  @Test
  void etaBelowTwoIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new HalvingSchedule(new int[] {1, 2}, 1));
  }
}
