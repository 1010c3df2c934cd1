package org.deepline.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deepline.config.ConfigLoader;
import org.deepline.config.DeeplineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deepline check --conf FILE}: reads and validates a job config with its overrides, exactly as
 * every stage does before it starts, and runs nothing: no Spark, no table read. A scheduler can run it
 * before a night's jobs; a config error exits 4 with every problem found, by path.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate a job config and its --set overrides without running anything (no "
        + "Spark start): every error by path, exit code 4 when there is one.")
final class CheckCommand implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", required = true,
      description = "Job config (JSON), e.g. conf/churn.json.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
      description = "Override one config value, as the stage commands take it. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    DeeplineConfig config = ConfigLoader.load(conf, overrides);
    System.out.println(conf + ": valid config of data set " + config.dataset() + ", source "
        + config.source().describe());
    String renames = config.schema().columns().stream().filter(c -> c.sourceName() != null)
        .map(c -> c.sourceName() + " -> " + c.name()).collect(Collectors.joining(", "));
    if (!renames.isEmpty()) {
      System.out.println("header names renamed for Delta, in the tables and the whole config: "
          + renames);
    }
    return 0;
  }
}
