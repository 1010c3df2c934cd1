package org.deepline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/** Another thread's failure reaches the stage as it was thrown. */
class FuturesTest {
  private static <T> FutureTask<T> ran(java.util.concurrent.Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    task.run();
    return task;
  }

  @Test
  void aValueIsReturned() {
    assertEquals(42, Futures.join(ran(() -> 42), "the answer"));
  }

  @Test
  void uncheckedFailuresAndErrorsAreRethrownUnwrapped() {
    DeeplineException named = new DeeplineException("column x: not a number");
    assertSame(named, assertThrows(DeeplineException.class,
        () -> Futures.join(ran(() -> { throw named; }), "a fit")));
    OutOfMemoryError memory = new OutOfMemoryError("Java heap space");
    assertSame(memory, assertThrows(OutOfMemoryError.class,
        () -> Futures.join(ran(() -> { throw memory; }), "a fit")));
  }

  @Test
  void aCheckedFailureIsWrappedNamingTheWork() {
    IOException io = new IOException("disk full");
    IllegalStateException wrapped = assertThrows(IllegalStateException.class,
        () -> Futures.join(ran(() -> { throw io; }), "stacking fold 2's trees"));
    assertEquals("stacking fold 2's trees failed", wrapped.getMessage());
    assertSame(io, wrapped.getCause());
  }

  @Test
  void aCancelledFutureSaysSo() {
    FutureTask<Integer> cancelled = new FutureTask<>(() -> 1);
    cancelled.cancel(false);
    assertThrows(CancellationException.class, () -> Futures.join(cancelled, "a dropped fit"));
  }

  @Test
  void anInterruptedWaitKeepsTheInterruptAndSaysWhatItWaitedFor() {
    Thread.currentThread().interrupt();
    try {
      IllegalStateException stopped = assertThrows(IllegalStateException.class,
          () -> Futures.join(new CompletableFuture<Integer>(), "an averaging worker"));
      assertEquals("interrupted while waiting for an averaging worker", stopped.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aQuietWaitReturnsWhateverTheWorkDid() {
    Futures.awaitQuietly(ran(() -> { throw new IllegalStateException("already reported"); }));
    FutureTask<Integer> cancelled = new FutureTask<>(() -> 1);
    cancelled.cancel(false);
    Futures.awaitQuietly(cancelled);
    Thread.currentThread().interrupt();
    try {
      Futures.awaitQuietly(new CompletableFuture<Integer>());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void theBackgroundThreadIsANamedDaemon() throws Exception {
    java.util.concurrent.ExecutorService thread = Futures.singleDaemonThread("deepline-test");
    try {
      Thread ran = thread.submit(Thread::currentThread).get();
      assertEquals("deepline-test", ran.getName());
      assertTrue(ran.isDaemon());
    } finally {
      thread.shutdown();
    }
  }
}
