package org.deepline.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall time and CPU time of this JVM (every thread: Spark's tasks, GC, the JIT) since the timer
 * started. With a local master all of Spark's work happens in this process, so CPU seconds measure
 * the work done even when other jobs share the machine, where wall seconds swing with their load.
 *
 * <pre>{@code
 * BenchTimer timer = new BenchTimer();
 * run();
 * double[] wallAndCpu = timer.seconds();
 * }</pre>
 */
final class BenchTimer {
  private static final double NANOS_PER_SECOND = 1e9;
  private final long wallStart = System.nanoTime();
  private final long cpuStart = cpuNanos();

  /** {wall seconds, CPU seconds} since the timer started. */
  double[] seconds() {
    return new double[] {(System.nanoTime() - wallStart) / NANOS_PER_SECOND,
        (cpuNanos() - cpuStart) / NANOS_PER_SECOND};
  }

  /** CPU nanoseconds this JVM has used so far. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
