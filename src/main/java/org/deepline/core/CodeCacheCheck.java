package org.deepline.core;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Says when this JVM's code cache is too small for a Spark job, before the job finds out.
 *
 * <p>Why: {@code -XX:TieredStopAtLevel=1} (the C1 compiler alone, which pays on small data) also
 * shrinks HotSpot's default code cache from 240 to 48 MB. A churn pipeline filled it: the JIT
 * stops ("CodeCache is full. Compiler has been disabled"), the rest of the run is interpreted, and a
 * Spark task that links a method handle afterwards can die with "Out of space in CodeCache for
 * method handle intrinsic". {@code deepline-submit} sets the size; a JVM started by hand may not.
 *
 * <pre>{@code
 * CodeCacheCheck.warning(CodeCacheCheck.reservedBytes()).ifPresent(LOG::warn);
 * }</pre>
 */
public final class CodeCacheCheck {
  /** Below this a deepline job has filled the cache (48 MB did; 240 MB, the default, does not). */
  static final long SMALLEST_SAFE_BYTES = 128L * 1024 * 1024;
  private static final String OPTION = "ReservedCodeCacheSize";
  private static final long BYTES_PER_MB = 1024 * 1024;

  private CodeCacheCheck() {}

  /** The warning for a JVM whose code cache is {@code reservedBytes}; empty when it is enough. */
  public static Optional<String> warning(OptionalLong reservedBytes) {
    if (reservedBytes.isEmpty() || reservedBytes.getAsLong() >= SMALLEST_SAFE_BYTES) {
      return Optional.empty();
    }
    return Optional.of("the JVM's code cache is " + reservedBytes.getAsLong() / BYTES_PER_MB
        + " MB (-XX:TieredStopAtLevel=1 alone shrinks it to 48 MB): a Spark job can fill it, "
        + "after which the JIT stops and a task may fail with 'Out of space in CodeCache'; start "
        + "the JVM with -XX:ReservedCodeCacheSize=240m (submit/deepline-submit does)");
  }

  /** This JVM's reserved code cache in bytes; empty on a JVM that does not say (not HotSpot). */
  public static OptionalLong reservedBytes() {
    try {
      HotSpotDiagnosticMXBean hotSpot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return hotSpot == null ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(hotSpot.getVMOption(OPTION).getValue()));
    } catch (IllegalArgumentException e) {
      // No such option on this JVM (or not a number): nothing to say.
      return OptionalLong.empty();
    }
  }
}
