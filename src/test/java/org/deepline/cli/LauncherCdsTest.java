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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deepline-submit's class data sharing (the {@code cds_*} functions of submit/lib.sh): which archive
 * a java and class path get, who records the classes for it, and that the archive it dumps is one the
 * JVM maps (and refuses for another class path). Runs the shell functions and a real
 * {@code java -Xshare:dump} on a small class list.
 */
class LauncherCdsTest {
  private static final Path PROJECT = TestRuns.project();
  /** A jar on the test class path with classes that load without any other jar. */
  private static final String SLF4J_API = "slf4j-api";

  @TempDir
  Path dir;

  @Test
  void anArchiveBelongsToOneJavaAndOneClassPath() throws Exception {
    String archive = shell("cds_archive /a.jar:/b.jar");
    assertTrue(archive.matches(".*/target/launch/cds-[0-9]+\\.jsa"), archive);
    assertEquals(archive, shell("cds_archive /a.jar:/b.jar"));
    assertNotEquals(archive, shell("cds_archive /a.jar:/c.jar"));
    assertNotEquals(archive,
        shell("JAVA_VERSION_TEXT='openjdk version \"17.0.99\"'; cds_archive /a.jar:/b.jar"));
  }

  @Test
  void oneJobRecordsTheClassesTheOthersMapTheArchiveOnceItExists() throws Exception {
    Path archive = dir.resolve("cds-1.jsa");
    String[] optionAndPid = shell("cds_options " + archive + "; echo $$").split("\\s+");
    assertEquals("-XX:DumpLoadedClassList=" + archive + ".classes." + optionAndPid[1],
        optionAndPid[0], "the recording job's own list");
    assertTrue(Files.isDirectory(dir.resolve("cds-1.jsa.lock")), "the claim is taken");
    assertEquals("", shell("cds_options " + archive), "a second job leaves it to the first");
    shell("cds_release " + archive);
    assertTrue(shell("cds_options " + archive).startsWith("-XX:DumpLoadedClassList="),
        "after a failed recording the next job records");
    Files.setLastModifiedTime(dir.resolve("cds-1.jsa.lock"),
        FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
    assertTrue(shell("cds_options " + archive).startsWith("-XX:DumpLoadedClassList="),
        "a claim older than 10 minutes is stale");
    Files.writeString(archive, "archive");
    assertEquals("-XX:SharedArchiveFile=" + archive, shell("cds_options " + archive));
  }

  @Test
  void theDumpMakesAnArchiveTheJvmMapsForItsClassPathOnly() throws Exception {
    String jar = testClassPathJar(SLF4J_API);
    Path classes = Files.writeString(dir.resolve("classes.lst"),
        "java/lang/Object\norg/slf4j/helpers/NOPLogger\norg/slf4j/helpers/MessageFormatter\n");
    Path archive = dir.resolve("cds-2.jsa");
    Files.createDirectory(dir.resolve("cds-2.jsa.lock"));
    shell("cds_dump " + archive + " " + classes + " " + jar);
    assertTrue(Files.size(archive) > 0, Files.readString(dir.resolve("cds-2.jsa.log")));
    assertFalse(Files.exists(classes), "the class list is removed");
    assertFalse(Files.exists(dir.resolve("cds-2.jsa.lock")), "the claim is given up");
    try (var partials = Files.list(dir)) {
      assertEquals(0, partials.filter(p -> p.toString().contains(".partial.")).count());
    }
    // -Xshare:on fails instead of falling back when the archive cannot be mapped.
    assertEquals(0, exitOf("\"$JAVA_BIN\" -Xshare:on -XX:SharedArchiveFile=" + archive + " -cp "
        + jar + " -version"));
    Path otherJar = Files.copy(Path.of(jar), dir.resolve("other.jar"));
    assertNotEquals(0, exitOf("\"$JAVA_BIN\" -Xshare:on -XX:SharedArchiveFile=" + archive
        + " -cp " + otherJar + " -version"), "another class path is refused");
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
    Path output = Files.createTempFile(dir, "out", ".txt");
    List<String> command = new ArrayList<>(List.of("bash", "-c",
        "set -euo pipefail; source submit/lib.sh; require_java; " + script));
    Process process = new ProcessBuilder(command).directory(PROJECT.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not end in 60 s: " + script);
    }
    return new Result(process.exitValue(), Files.readString(output));
  }
}
