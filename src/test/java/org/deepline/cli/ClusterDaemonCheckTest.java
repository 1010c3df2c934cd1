package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster_daemon_running} of submit/lib.sh, which {@code stop-cluster.sh} asks before it
 * signals a pid file's process: a daemon of the cluster, however long its command line, is running;
 * another cluster's process and a dead pid are not. A Spark daemon's class path runs to tens of
 * kilobytes: piping it into {@code grep -q} under {@code pipefail} failed whenever grep stopped at
 * the marker before the pipe's writer was done, and the stop left the master running.
 */
class ClusterDaemonCheckTest {
  private static final Path PROJECT = TestRuns.project();
  /** Each of two arguments: together well past a pipe's 64 KB buffer, as a long class path is. */
  private static final int LONG_ARGUMENT = 100_000;

  @TempDir
  Path dir;

  @Test
  void aDaemonWithALongCommandLineIsRunningAndOthersAreNot() throws Exception {
    Path stateDir = Files.createDirectories(dir.resolve("cluster"));
    String longArgument = "x".repeat(LONG_ARGUMENT);
    // `; true` keeps bash from exec'ing sleep, so the marker stays on this process's command line.
    Process daemon = new ProcessBuilder("bash", "-c", "sleep 60; true", "daemon",
        "-Ddeepline.cluster.dir=" + stateDir, longArgument, longArgument).start();
    try {
      Path pidFile = dir.resolve("master.pid");
      Files.writeString(pidFile, daemon.pid() + "\n");
      Path otherCluster = Files.createDirectories(dir.resolve("other"));
      for (int attempt = 0; attempt < 20; attempt++) {
        assertEquals("running", check(pidFile, stateDir), "attempt " + attempt);
      }
      assertEquals("not running", check(pidFile, otherCluster));

      daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      assertEquals("not running", check(pidFile, stateDir));
    } finally {
      daemon.destroyForcibly();
    }
  }

  /** What the function answers, under the launcher's {@code set -euo pipefail}. */
  private static String check(Path pidFile, Path stateDir) throws Exception {
    Process process = new ProcessBuilder("bash", "-c", "set -euo pipefail; source submit/lib.sh; "
        + "if cluster_daemon_running \"$1\" \"$2\"; then echo running; else echo not running; fi",
        "check", pidFile.toString(), stateDir.toString())
        .directory(PROJECT.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("cluster_daemon_running did not answer in 30 s");
    }
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
