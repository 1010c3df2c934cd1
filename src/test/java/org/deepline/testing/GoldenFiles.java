package org.deepline.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares an output with its golden file under {@code src/test/resources/golden/}. After an intended
 * format change, regenerate and review the diff like code:
 *
 * <pre>{@code
 * mvn -o -q test -Dtest='MlflowExportTest' -Ddeepline.updateGolden=true && git diff src/test/resources
 * }</pre>
 */
public final class GoldenFiles {
  private static final String UPDATE_GOLDEN = "deepline.updateGolden";
  private static final Path GOLDEN_DIR = TestRuns.project().resolve("src/test/resources/golden");
  /** Where a mismatching output is written, for {@code diff} against its golden file. */
  private static final Path ACTUAL_DIR = TestRuns.project().resolve("target/golden-actual");

  private GoldenFiles() {}

  public static void assertMatches(String actual, String fileName) throws IOException {
    Path golden = GOLDEN_DIR.resolve(fileName);
    if (Boolean.getBoolean(UPDATE_GOLDEN)) {
      Files.createDirectories(GOLDEN_DIR);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(golden)) {
      fail("no golden file " + golden + "; create it with -D" + UPDATE_GOLDEN + "=true");
    }
    // A checkout with CRLF line endings must not fail the comparison.
    String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
    String normalized = actual.replace("\r\n", "\n");
    if (!expected.equals(normalized)) {
      Path actualCopy = ACTUAL_DIR.resolve(fileName);
      Files.createDirectories(ACTUAL_DIR);
      Files.writeString(actualCopy, normalized, StandardCharsets.UTF_8);
      fail(fileName + " differs from its golden file at " + firstDifference(expected, normalized)
          + "\nsee: diff " + golden + " " + actualCopy
          + "\nif the change is intended, rerun with -D" + UPDATE_GOLDEN
          + "=true and review the diff of " + golden);
    }
  }

  /** The first line where the two texts part, for the failure message. */
  private static String firstDifference(String expected, String actual) {
    String[] expectedLines = expected.split("\n", -1);
    String[] actualLines = actual.split("\n", -1);
    int shared = Math.min(expectedLines.length, actualLines.length);
    for (int i = 0; i < shared; i++) {
      if (!expectedLines[i].equals(actualLines[i])) {
        return "line " + (i + 1) + ":\n  expected: " + expectedLines[i]
            + "\n  actual:   " + actualLines[i];
      }
    }
    return "line " + (shared + 1) + ": expected " + expectedLines.length + " lines, got "
        + actualLines.length;
  }
}
