package org.deepline.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The git commit the running build was made from. Maven writes it into the jar at build time
 * ({@value #RESOURCE}, from {@code git rev-parse HEAD}, with {@code -dirty} when the work tree had
 * uncommitted changes), because at run time the jar usually sits where no {@code .git} exists: a
 * cluster node, a container, an executor's class path.
 */
public final class BuildInfo {
  static final String RESOURCE = "/deepline-git-commit.txt";
  /** What a build made without the Maven step (an IDE's compiler) or outside a git work tree says. */
  public static final String UNKNOWN = "unknown";

  private static final String COMMIT = readCommit();

  private BuildInfo() {}

  public static String gitCommit() {
    return COMMIT;
  }

  private static String readCommit() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return UNKNOWN;
      }
      String commit = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return commit.isEmpty() ? UNKNOWN : commit;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
    }
  }
}
