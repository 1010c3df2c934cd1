package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressFormatTest {
  @Test
  void etaFollowsTheRateOfTheTasksDone() {
    // 45 tasks in 12 s: the other 19 take 19 * 12 / 45 = 5.07 s.
    assertEquals(5, ProgressFormat.etaSeconds(45, 64, 12_000));
    assertEquals(0, ProgressFormat.etaSeconds(64, 64, 30_000));
    assertEquals(90, ProgressFormat.etaSeconds(1, 4, 30_000));
  }

  @Test
  void etaIsUnknownBeforeTheFirstTaskEnds() {
    assertEquals(ProgressFormat.UNKNOWN, ProgressFormat.etaSeconds(0, 64, 12_000));
    assertEquals(ProgressFormat.UNKNOWN, ProgressFormat.etaSeconds(0, 0, 0));
  }

  @Test
  void schedulerLineIsKeyValuePairs() {
    assertEquals("progress stage=score run=R1 job=12 tasks=45/64 elapsed_s=12 eta_s=5",
        ProgressFormat.schedulerLine(
            new ProgressFormat.Snapshot("score", "R1", 12, 45, 64, 12_000, "")));
    assertEquals("progress stage=train run=R2 job=3 tasks=0/2 elapsed_s=0 "
            + "epoch 3/15 batch 2/40 loss 0.4100",
        ProgressFormat.schedulerLine(new ProgressFormat.Snapshot("train", "R2", 3, 0, 2, 400,
            "epoch 3/15 batch 2/40 loss 0.4100")));
  }

  @Test
  void terminalLineShowsPercentClockAndNotes() {
    assertEquals("score: job 12 tasks 45/64 (70%) 0:12, ETA 0:05",
        ProgressFormat.terminalLine(
            new ProgressFormat.Snapshot("score", "R1", 12, 45, 64, 12_000, "")));
    assertEquals("train: job 7 tasks 1/2 (50%) 1:15, ETA 1:15 | epoch 2/15 val_loss 0.4000",
        ProgressFormat.terminalLine(new ProgressFormat.Snapshot("train", "R2", 7, 1, 2, 75_000,
            "epoch 2/15 val_loss 0.4000")));
    assertEquals("split: job 1 tasks 0/0 (0%) 0:00, ETA ?",
        ProgressFormat.terminalLine(new ProgressFormat.Snapshot("split", "R3", 1, 0, 0, 0, "")));
  }
}
