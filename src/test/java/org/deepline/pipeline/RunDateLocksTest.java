package org.deepline.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Warehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDateLocksTest {
  private static final Warehouse WAREHOUSE = Warehouse.at("/data/wh");

  @Test
  void aDateHeldByOneRunIsRefusedToAnotherWithItsHolderNamed(@TempDir Path dir) throws Exception {
    RunDateLocks locks = RunDateLocks.in(dir.resolve("locks"));
    try (RunDateLocks.Held held = locks.acquire("churn", WAREHOUSE,
        List.of("2026-12-01", "2026-12-02"))) {
      assertEquals(2, held.count());
      Path file = locks.file("churn", WAREHOUSE, "2026-12-02");
      assertTrue(Files.readString(file).startsWith("pid " + ProcessHandle.current().pid()
          + " since "), Files.readString(file));

      DeeplineException refused = assertThrows(DeeplineException.class,
          () -> locks.acquire("churn", WAREHOUSE, List.of("2026-12-02")));

      assertEquals(Failure.LOCKED, refused.failure());
      assertEquals("churn 2026-12-02 is locked by another run (this process, pid "
          + ProcessHandle.current().pid() + "; lock file " + file + "): nothing was done, run "
          + "again when it has finished", refused.getMessage());
    }
  }

  @Test
  void aRangeIsTakenWholeOrNotAtAll(@TempDir Path dir) {
    RunDateLocks locks = RunDateLocks.in(dir);
    try (RunDateLocks.Held nightly = locks.acquire("churn", WAREHOUSE, List.of("2026-12-03"))) {
      assertThrows(DeeplineException.class, () -> locks.acquire("churn", WAREHOUSE,
          List.of("2026-12-02", "2026-12-03", "2026-12-04")));

      // The backfill's first date was released when its third failed: a run can take it now.
      try (RunDateLocks.Held retry = locks.acquire("churn", WAREHOUSE, List.of("2026-12-02"))) {
        assertEquals(1, retry.count());
      }
    }
  }

  @Test
  void closingReleasesAndOtherDataSetsOrWarehousesNeverWait(@TempDir Path dir) {
    RunDateLocks locks = RunDateLocks.in(dir);
    List<String> date = List.of("2026-12-02");
    try (RunDateLocks.Held churn = locks.acquire("churn", WAREHOUSE, date);
         RunDateLocks.Held credit = locks.acquire("credit", WAREHOUSE, date);
         RunDateLocks.Held otherWarehouse = locks.acquire("churn", Warehouse.at("s3a://bucket/wh"), date)) {
      assertNotEquals(locks.file("churn", WAREHOUSE, "2026-12-02"),
          locks.file("churn", Warehouse.at("s3a://bucket/wh"), "2026-12-02"));
    }
    try (RunDateLocks.Held again = locks.acquire("churn", WAREHOUSE, date)) {
      assertEquals(1, again.count());
    }
  }

  @Test
  void aRelativeWarehouseLocksLikeItsAbsolutePath(@TempDir Path dir) {
    RunDateLocks locks = RunDateLocks.in(dir);
    String absolute = Path.of("warehouse").toAbsolutePath().toString();

    assertEquals(locks.file("churn", Warehouse.at(absolute), "2026-12-02"),
        locks.file("churn", Warehouse.at("./warehouse"), "2026-12-02"));
    assertEquals(locks.file("churn", Warehouse.at(absolute), "2026-12-02"),
        locks.file("churn", Warehouse.at(absolute + "/"), "2026-12-02"));
  }
}
