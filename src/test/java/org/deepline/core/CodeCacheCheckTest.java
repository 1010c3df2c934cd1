package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CodeCacheCheckTest {
  @Test
  void theCacheOfC1AloneIsTooSmallAndSaysWhatToDo() {
    // 50331648 bytes: what HotSpot 17 reserves with -XX:TieredStopAtLevel=1 and no size given.
    assertEquals(Optional.of("the JVM's code cache is 48 MB (-XX:TieredStopAtLevel=1 alone "
            + "shrinks it to 48 MB): a Spark job can fill it, after which the JIT stops and a "
            + "task may fail with 'Out of space in CodeCache'; start the JVM with "
            + "-XX:ReservedCodeCacheSize=240m (submit/deepline-submit does)"),
        CodeCacheCheck.warning(OptionalLong.of(50_331_648L)));
  }

  @Test
  void theDefaultCacheAndAnUnknownOneSayNothing() {
    assertEquals(Optional.empty(), CodeCacheCheck.warning(OptionalLong.of(251_658_240L)));
    assertEquals(Optional.empty(), CodeCacheCheck.warning(OptionalLong.of(128L * 1024 * 1024)));
    assertEquals(Optional.empty(), CodeCacheCheck.warning(OptionalLong.empty()));
  }

  @Test
  void thisJvmSaysItsSize() {
    // The tests' JVMs run with HotSpot's default sizes, 48 MB at the very least.
    assertTrue(CodeCacheCheck.reservedBytes().getAsLong() >= 50_331_648L,
        CodeCacheCheck.reservedBytes().toString());
  }
}
