package org.deepline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.RunContext;
import org.deepline.core.Warehouse;

/** Builds run contexts for stage tests: a config, a fresh warehouse in a temp dir, a fixed date. */
public final class TestRuns {
  public static final String RUN_DATE = "2026-11-24";

  private TestRuns() {}

  public static DeeplineConfig config(String file, String... overrides) {
    return ConfigLoader.load(project().resolve(file), List.of(overrides));
  }

  public static DeeplineConfig configFromJson(String json, String... overrides) {
    return ConfigLoader.parse(json, "test config", List.of(overrides));
  }

  public static RunContext context(DeeplineConfig config, Path warehouse, String command) {
    return new RunContext(RunContext.newRunId(), null, command, RUN_DATE, config,
        Warehouse.at(warehouse.toString()), SparkTestSession.get());
  }

  /** The project's root, where conf/ and data-samples/ are. */
  public static Path project() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isRegularFile(here.resolve("pom.xml"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException("not inside the project");
    }
    return here;
  }

  public static Path writeFile(Path dir, String name, String content) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
