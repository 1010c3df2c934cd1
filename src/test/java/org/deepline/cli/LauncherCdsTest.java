package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deepline-submit's class data sharing (the {@code cds_*} functions of submit/lib.sh): which archive
 * a java, class path and heap get, who records the classes for it, who dumps it and when, and that
 * the archive dumped is one the JVM maps (and refuses for another class path). Runs the shell
 * functions and a real {@code java -Xshare:dump} on a small class list.
 */
class LauncherCdsTest {
  private static final Path PROJECT = TestRuns.project();
  /** A jar on the test class path with classes that load without any other jar. */
  private static final String SLF4J_API = "slf4j-api";
  /** A list that shows its job got as far as Spark (the launcher dumps only such a list). */
  private static final String SPARK_JOB_CLASSES =
      "java/lang/Object\norg/slf4j/helpers/NOPLogger\norg/apache/spark/SparkContext\n";
  private static final Duration DUMP_WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @Test
  void anArchiveBelongsToOneJavaClassPathAndHeap() throws Exception {
    String archive = shell("cds_archive /a.jar:/b.jar 4g");
    assertTrue(archive.matches(".*/target/launch/cds-[0-9]+\\.jsa"), archive);
    assertEquals(archive, shell("cds_archive /a.jar:/b.jar 4g"));
    assertNotEquals(archive, shell("cds_archive /a.jar:/c.jar 4g"));
    // 32 GB and more turn compressed pointers off, which the JVM's archive check compares.
    assertNotEquals(archive, shell("cds_archive /a.jar:/b.jar 32g"));
    assertNotEquals(archive, shell("cds_archive /a.jar:/b.jar 4g -XX:-UseCompressedOops"));
    assertNotEquals(archive,
        shell("JAVA_VERSION_TEXT='openjdk version \"17.0.99\"'; cds_archive /a.jar:/b.jar 4g"));
    // A JAVA_TOOL_OPTIONS notice is not the java build.
    assertEquals(archive, shell("JAVA_VERSION_TEXT=$(printf 'Picked up JAVA_TOOL_OPTIONS: -Dx=1\\n"
        + "%s' \"$JAVA_VERSION_TEXT\"); cds_archive /a.jar:/b.jar 4g"));
  }

  @Test
  void oneJobRecordsWhileItRunsAndOnlySparkJobsRecord() throws Exception {
    Path archive = dir.resolve("cds-1.jsa");
    String[] optionAndPid = shell("cds_options " + archive + " /cp record; echo $$").split("\\s+");
    assertEquals("-XX:DumpLoadedClassList=" + archive + ".classes." + optionAndPid[1],
        optionAndPid[0], "the recording job's own list");
    assertEquals(optionAndPid[1], Files.readString(dir.resolve("cds-1.jsa.lock/pid")).trim());
    Files.writeString(dir.resolve("cds-1.jsa.lock/pid"), ProcessHandle.current().pid() + "\n");
    assertEquals("", shell("cds_options " + archive + " /cp record"),
        "a second job leaves the claim to the running one");
    // The recording job ended before Spark started (a config error): its list is dropped.
    Files.writeString(dir.resolve("cds-1.jsa.lock/pid"), optionAndPid[1] + "\n");
    Files.writeString(dir.resolve("cds-1.jsa.classes." + optionAndPid[1]), "java/lang/Object\n");
    assertEquals("", shell("cds_options " + archive + " /cp map"), "runs and models never record");
    assertFalse(Files.exists(dir.resolve("cds-1.jsa.classes." + optionAndPid[1])));
    assertTrue(shell("cds_options " + archive + " /cp record")
        .startsWith("-XX:DumpLoadedClassList="), "the next Spark job records");
  }

  @Test
  void aLaterLaunchDumpsAnEndedSparkJobsListInTheBackground() throws Exception {
    String jar = testClassPathJar(SLF4J_API);
    Path archive = dir.resolve("cds-5.jsa");
    String endedPid = endedJob(archive);
    Files.writeString(dir.resolve("cds-5.jsa.partial.4242"), "a dump killed half-way");
    for (int older = 2; older <= 4; older++) {
      Path old = Files.writeString(dir.resolve("cds-" + older + ".jsa"), "older archive");
      Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(older))));
    }
    assertEquals("", shell("cds_options " + archive + " " + jar + " record"),
        "the launch that starts the dump records nothing itself");
    waitFor(archive);
    assertFalse(Files.exists(dir.resolve("cds-5.jsa.classes." + endedPid)), "the list is removed");
    assertFalse(Files.exists(dir.resolve("cds-5.jsa.partial.4242")), "the dead dump's part too");
    assertFalse(Files.exists(dir.resolve("cds-5.jsa.lock")), "the claim is given up");
    assertEquals(List.of("cds-2.jsa", "cds-5.jsa"), archives(), "the newest older one is kept");
    assertEquals("-XX:SharedArchiveFile=" + archive, shell("cds_options " + archive + " " + jar
        + " record"));
    // -Xshare:on fails instead of falling back when the archive cannot be mapped.
    assertEquals(0, exitOf("\"$JAVA_BIN\" -Xmx4g -Xshare:on -XX:SharedArchiveFile=" + archive
        + " -cp " + jar + " -version"));
    Path otherJar = Files.copy(Path.of(jar), dir.resolve("other.jar"));
    assertNotEquals(0, exitOf("\"$JAVA_BIN\" -Xmx4g -Xshare:on -XX:SharedArchiveFile=" + archive
        + " -cp " + otherJar + " -version"), "another class path is refused");
  }

  @Test
  void aFailedDumpIsKeptAndNotRetried() throws Exception {
    Path archive = dir.resolve("cds-6.jsa");
    endedJob(archive);
    shell("JAVA_BIN=false; cds_options " + archive + " /cp record");
    Path failed = dir.resolve("cds-6.jsa.failed");
    waitFor(failed);
    assertFalse(Files.exists(archive));
    assertEquals("", shell("cds_options " + archive + " /cp record"),
        "the build records no more");
  }

  /** A recording job that ended after starting Spark: its claim and its list; returns its pid. */
  private String endedJob(Path archive) throws Exception {
    String pid = shell("echo $$");
    Path lock = Files.createDirectory(Path.of(archive + ".lock"));
    Files.writeString(lock.resolve("pid"), pid + "\n");
    Files.writeString(Path.of(archive + ".classes." + pid), SPARK_JOB_CLASSES);
    return pid;
  }

  private List<String> archives() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsa")).sorted()
          .toList();
    }
  }

  private static void waitFor(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + DUMP_WAIT.toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear in " + DUMP_WAIT);
      }
      Thread.sleep(200);
    }
    // The rename comes last but for the clean-up of the claim; give it a moment.
    Thread.sleep(500);
  }

  private static String testClassPathJar(String name) {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().startsWith(name + "-")
          && entry.endsWith(".jar")) {
        return entry;
      }
    }
    throw new AssertionError(name + " is not on the test class path");
  }

  /** The output of {@code script} run after sourcing submit/lib.sh and require_java. */
  private String shell(String script) throws Exception {
    Result result = run(script);
    assertEquals(0, result.code(), result.output());
    return result.output().trim();
  }

  private int exitOf(String script) throws Exception {
    return run(script).code();
  }

  private record Result(int code, String output) {}

  private Result run(String script) throws Exception {
    Path output = Files.createTempFile("cds-test", ".txt");
    try {
      Process process = new ProcessBuilder("bash", "-c",
          "set -euo pipefail; source submit/lib.sh; require_java; CDS_DRIVER_MEMORY=4g; " + script)
          .directory(PROJECT.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("did not end in 60 s: " + script);
      }
      return new Result(process.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
