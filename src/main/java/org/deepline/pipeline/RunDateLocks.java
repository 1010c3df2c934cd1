package org.deepline.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.core.Warehouse;

/**
 * Keeps two runs of the same data set, warehouse and date from overlapping: a scheduler that starts
 * tonight's run while last night's retry still writes, or a backfill crossing a nightly run.
 *
 * <pre>{@code
 * try (RunDateLocks.Held held = RunDateLocks.in(lockDir).acquire("churn", warehouse, dates)) {
 *   ... run the dates ...
 * }
 * }</pre>
 *
 * <p>Each date is an OS file lock ({@link FileChannel#tryLock}) on a file in a local directory, so
 * a killed run never leaves a stale lock: the operating system drops it with the process. The lock
 * guards runs started on one machine (the scheduler's, where the driver runs in client mode); the
 * warehouse itself stays safe across machines through Delta's optimistic commits. All dates are
 * taken before anything starts, or none: a run either owns its whole range or fails at once with
 * {@link Failure#LOCKED}, naming the date and who holds it.
 */
public final class RunDateLocks {
  /** Where locks live when nobody says: shared by every user of the machine's temp directory. */
  public static final String DEFAULT_DIRECTORY = "deepline-locks";
  private static final String SUFFIX = ".lock";
  /** Lock files this JVM holds: a second run in the same JVM must not even open them. */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path directory;

  private RunDateLocks(Path directory) {
    this.directory = directory;
  }

  public static RunDateLocks in(Path directory) {
    return new RunDateLocks(directory);
  }

  /** The default directory: {@code deepline-locks} under {@code java.io.tmpdir}. */
  public static Path defaultDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_DIRECTORY);
  }

  /** The lock file of one data set, warehouse and date. */
  public Path file(String dataset, Warehouse warehouse, String runDate) {
    // The warehouse's root (absolute, normalised) is hashed: a test warehouse and production may
    // share a data set's name.
    String warehouseId = String.format(Locale.ROOT, "%08x", warehouse.root().hashCode());
    return directory.resolve(dataset.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + runDate + "-"
        + warehouseId + SUFFIX);
  }

  /** Takes every date's lock, or none. */
  public Held acquire(String dataset, Warehouse warehouse, List<String> runDates) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new DeeplineException(Failure.INFRASTRUCTURE, "cannot create the lock directory "
          + directory + ": " + e.getMessage(), e);
    }
    Map<Path, FileChannel> channels = new LinkedHashMap<>();
    try {
      for (String runDate : runDates) {
        Path file = file(dataset, warehouse, runDate);
        channels.put(file, lock(file, dataset, runDate));
      }
      return new Held(channels);
    } catch (RuntimeException e) {
      new Held(channels).close();
      throw e;
    }
  }

  private static FileChannel lock(Path file, String dataset, String runDate) {
    if (!HELD_IN_THIS_JVM.add(file)) {
      // Never open a second channel on a file this JVM locks: on POSIX, closing any descriptor of a
      // file drops every lock the process holds on it, the first run's included.
      throw locked(dataset, runDate, "this process, pid " + ProcessHandle.current().pid(), file);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      if (tryLock(channel) == null) {
        String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        throw locked(dataset, runDate, holder.isEmpty() ? "holder unknown" : holder, file);
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since "
          + Instant.now()).getBytes(StandardCharsets.UTF_8)));
      return channel;
    } catch (IOException e) {
      release(file, channel);
      throw new DeeplineException(Failure.INFRASTRUCTURE, "cannot lock " + file + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      release(file, channel);
      throw e;
    }
  }

  private static DeeplineException locked(String dataset, String runDate, String holder,
      Path file) {
    return new DeeplineException(Failure.LOCKED, dataset + " " + runDate
        + " is locked by another run (" + holder + "; lock file " + file
        + "): nothing was done, run again when it has finished");
  }

  private static void release(Path file, FileChannel channel) {
    closeQuietly(channel);
    HELD_IN_THIS_JVM.remove(file);
  }

  /** The lock, or null when another process (or another run in this JVM) holds it. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing releases the lock; a failure to close leaves nothing the caller can act on.
    }
  }

  /** The locks a run holds, by lock file; closing releases them all. */
  public static final class Held implements AutoCloseable {
    private final Map<Path, FileChannel> channels;

    private Held(Map<Path, FileChannel> channels) {
      this.channels = new LinkedHashMap<>(channels);
    }

    public int count() {
      return channels.size();
    }

    @Override
    public void close() {
      channels.forEach(RunDateLocks::release);
    }
  }
}
