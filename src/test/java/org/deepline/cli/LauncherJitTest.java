package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deepline-submit's choice of the driver's JIT under {@code DEEPLINE_JIT=auto}: C1 only for a job
 * whose config reads only small local text files ({@code small_local_input} in submit/lib.sh), C2
 * kept for everything whose size does not say it is small. Runs the shell function itself; no JVM
 * is started.
 */
class LauncherJitTest {
  private static final Path PROJECT = TestRuns.project();
  private static final int SMALL = 0;
  private static final int NOT_SMALL = 1;
  /** One byte over the launcher's 16 MiB. */
  private static final long OVER_THE_LIMIT = 16L * 1024 * 1024 + 1;

  @TempDir
  Path dir;

  @Test
  void aSmallLocalCsvIsSmall() throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b\n1,2\n");
    assertEquals(SMALL, smallLocalInput(config(csv.toString())));
  }

  @Test
  void aDirectoryOfSmallJsonFilesIsSmall() throws Exception {
    Path landing = Files.createDirectories(dir.resolve("landing"));
    Files.writeString(landing.resolve("part-1.json"), "{\"a\": 1}\n");
    Files.writeString(landing.resolve("_SUCCESS"), "");
    assertEquals(SMALL, smallLocalInput(config(landing.toString())));
  }

  @Test
  void whatBytesDoNotMeasureIsNotSmall() throws Exception {
    // Columnar or compressed: flights-3m's 3 M rows are 13 MB of Parquet.
    Path parquet = Files.writeString(dir.resolve("rows.parquet"), "PAR1");
    assertEquals(NOT_SMALL, smallLocalInput(config(parquet.toString())));
    Path gzip = Files.writeString(dir.resolve("rows.csv.gz"), "x");
    assertEquals(NOT_SMALL, smallLocalInput(config(gzip.toString())));
    // Remote, dated, missing, or no path at all (a database or REST source).
    assertEquals(NOT_SMALL, smallLocalInput(config("s3a://bucket/rows.csv")));
    assertEquals(NOT_SMALL, smallLocalInput(config(dir + "/{run_date}/rows.csv")),
        "no date's files");
    assertEquals(NOT_SMALL, smallLocalInput(config(dir + "/missing.csv")));
    Path jdbc = Files.writeString(dir.resolve("jdbc.json"),
        "{\"source\": {\"format\": \"jdbc\", \"jdbc\": {\"table\": \"t\"}}}");
    assertEquals(NOT_SMALL, smallLocalInput(jdbc));
  }

  /**
   * A nightly layout ({@code {run_date}} in the path): the date's files when --run-date names one,
   * else every date's together (a backfill). It was never small: a 2.7 MB night ran with C2.
   */
  @Test
  void aDatedPathIsSizedByTheRunDatesFiles() throws Exception {
    Path config = config(dir + "/{run_date}/rows.csv");
    Files.writeString(Files.createDirectories(dir.resolve("2026-12-07")).resolve("rows.csv"),
        "a,b\n1,2\n");
    Path big = Files.createDirectories(dir.resolve("2026-12-08")).resolve("rows.csv");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(OVER_THE_LIMIT);
    }
    assertEquals(SMALL, smallLocalInput(config, "2026-12-07"));
    assertEquals(NOT_SMALL, smallLocalInput(config, "2026-12-08"));
    assertEquals(NOT_SMALL, smallLocalInput(config, "2026-12-09"), "no files for the date");
    assertEquals(NOT_SMALL, smallLocalInput(config), "every date's files together");
    Files.delete(big);
    assertEquals(SMALL, smallLocalInput(config));
  }

  @Test
  void aCsvOverSixteenMegabytesIsNotSmall() throws Exception {
    Path csv = dir.resolve("big.csv");
    try (RandomAccessFile file = new RandomAccessFile(csv.toFile(), "rw")) {
      file.setLength(OVER_THE_LIMIT);
    }
    assertEquals(NOT_SMALL, smallLocalInput(config(csv.toString())));
  }

  @Test
  void theShippedSamplesAreSmallAndFlightsIsNot() throws Exception {
    assertEquals(SMALL, smallLocalInput(PROJECT.resolve("conf/churn.json")));
    assertEquals(SMALL, smallLocalInput(PROJECT.resolve("conf/credit.json")));
    assertEquals(NOT_SMALL, smallLocalInput(PROJECT.resolve("conf/flights.json")));
  }

  @Test
  void theQuickJitKeepsTheUsualCodeCache() throws Exception {
    // C1 alone shrinks the default cache to 48 MB (50331648 bytes), which a pipeline filled.
    assertEquals("50331648", javaFlag("-XX:TieredStopAtLevel=1", "ReservedCodeCacheSize"));
    assertEquals("251658240", javaFlag("${C1_ONLY_JAVA_OPTS[@]}", "ReservedCodeCacheSize"));
    assertEquals("1", javaFlag("${C1_ONLY_JAVA_OPTS[@]}", "TieredStopAtLevel"));
  }

  /**
   * A flag's final value in a JVM started with {@code options} (expanded by bash after sourcing
   * submit/lib.sh, as deepline-submit expands them), by the java the launcher runs.
   */
  private static String javaFlag(String options, String flag) throws Exception {
    Path output = Files.createTempFile("java-flags", ".txt");
    try {
      Process process = new ProcessBuilder("bash", "-c", "set -euo pipefail; source submit/lib.sh; "
          + "require_java; \"$JAVA_BIN\" " + options + " -XX:+PrintFlagsFinal -version 2>/dev/null "
          + "| awk -v f=\"$1\" '$2 == f {print $4}'", "bash", flag)
          .directory(PROJECT.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("java -XX:+PrintFlagsFinal did not answer in 30 s");
      }
      String value = Files.readString(output).trim();
      assertEquals(0, process.exitValue(), value);
      return value;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private Path config(String sourcePath) throws IOException {
    return Files.writeString(dir.resolve("config-" + System.nanoTime() + ".json"),
        "{\n  \"dataset\": \"d\",\n  \"source\": {\"format\": \"csv\", \"path\": \"" + sourcePath
            + "\"}\n}\n", StandardCharsets.UTF_8);
  }

  /** The function's exit status, run from the project directory as deepline-submit is. */
  private static int smallLocalInput(Path config) throws Exception {
    return smallLocalInput(config, "");
  }

  /** ... for the run date {@code runDate} (empty: none given). */
  private static int smallLocalInput(Path config, String runDate) throws Exception {
    Process process = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; source submit/lib.sh; small_local_input \"$1\" \"$2\"", "bash",
        config.toString(), runDate)
        .directory(PROJECT.toFile()).redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("small_local_input did not answer in 30 s");
    }
    return process.exitValue();
  }
}
